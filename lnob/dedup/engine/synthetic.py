"""A synthetic Thai population reported by several networks, with the truth known.

Pure (no Django). Names come from the shared Thai name lists (:mod:`lnob.core.thainames`,
pythainlp's corpora), weighted so that some first names are common, as they are in
Thailand. People live in households on a DOPA-shaped geography: elders alone, couples,
grandparents raising grandchildren, carers with a disabled relative, single parents,
poor families — and twins, who share surname, house, phone and birth date.

About a quarter of the people are reported more than once. Each further report is the
first one passed through an error model with every mistake issue 9 lists
(:data:`ERROR_KINDS`): names misspelt (confusable consonants, vowel length, tone marks,
a missing ``์``, a letter dropped or added, stray spaces), titles written another way or
changed (a child grown up, a woman married under another surname), birth dates with
day and month swapped, only the year, a year off, missing or a Buddhist Era year
stored as Christian Era, citizen IDs missing, one digit wrong, two digits swapped or
typed with dashes and Thai digits, a move to another subdistrict of the district,
another village or house number, a phone missing or changed — and a few reports with
almost nothing in them (thin).

Everything is drawn from :class:`random.Random` seeded by ``seed``: the same arguments
give the same set.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from lnob.dedup.engine.features import PersonRecord, check_digit

__all__ = [
    "ERROR_KINDS",
    "TODAY",
    "SyntheticRecord",
    "SyntheticSet",
    "generate",
    "synthetic_set",
]

TODAY = datetime.date(2025, 6, 1)
PERSONS_PER_SUBDISTRICT = 130

# kind → weight when picking the mistakes of one further report.
ERROR_WEIGHTS: dict[str, float] = {
    "name_confusable": 10, "name_vowel_length": 8, "name_tone_mark": 8,
    "name_thanthakhat": 5, "name_letter_dropped": 6, "name_letter_added": 6,
    "name_spaces": 4,
    "title_written": 8, "title_grown_up": 12, "married_name": 12,
    "dob_day_month_swapped": 6, "dob_year_only": 6, "dob_year_off_by_one": 6,
    "dob_missing": 6, "dob_buddhist_era": 4,
    "id_missing": 10, "id_one_digit": 5, "id_transposed": 5, "id_formatted": 4,
    "moved_subdistrict": 5, "other_village": 4, "other_house_number": 5,
    "house_missing": 3, "house_thai_digits": 3,
    "phone_missing": 5, "phone_other": 3,
    "thin": 0.8,
}
ERROR_KINDS: tuple[str, ...] = tuple(ERROR_WEIGHTS)
# How many mistakes a further report has: 0, 1, 2 or 3.
_MISTAKES_CUM = (8, 40, 75, 100)
# Further reports of a person reported more than once: 1, 2 or 3 more.
_MORE_CUM = (55, 85, 100)

_PROVINCES = (
    "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24",
    "25", "26", "27", "30", "31", "32", "33", "34", "35", "36", "37", "38", "39", "40", "41",
    "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55", "56",
    "57", "58", "60", "61", "62", "63", "64", "65", "66", "67", "70", "71", "72", "73", "74",
    "75", "76", "77", "80", "81", "82", "83", "84", "85", "86", "90", "91", "92", "93", "94",
    "95", "96")
_POPULAR_MALE = ("สมชาย", "สมศักดิ์", "สมพงษ์", "ประเสริฐ", "บุญมี", "สมบัติ", "วิชัย",
                 "สมหมาย", "สมาน", "ประยูร", "สุรชัย", "บุญเลิศ")
_POPULAR_FEMALE = ("สมศรี", "มาลี", "สมพร", "อรุณี", "วันเพ็ญ", "ทองใบ", "บุญมา", "สุภาพ",
                   "จันทร์เพ็ญ", "ละเอียด", "สมหมาย", "บัวผัน")
_TITLE_TEXT = {"mr": "นาย", "mrs": "นาง", "miss": "นางสาว", "boy": "เด็กชาย",
               "girl": "เด็กหญิง", "monk": "พระ"}
_TITLE_FORMS = {"นาย": ("นาย", "นาย.", "Mr."), "นาง": ("นาง", "นาง."),
                "นางสาว": ("น.ส.", "นส.", "น.ส"), "เด็กชาย": ("ด.ช.", "ดช."),
                "เด็กหญิง": ("ด.ญ.", "ดญ."), "พระ": ("พระภิกษุ", "พระ")}
# Mistakes of one group are not made together (one per field).
_GROUP: dict[str, set[str]] = {
    **{k: {"id"} for k in ERROR_KINDS if k.startswith("id_")},
    **{k: {"dob"} for k in ERROR_KINDS if k.startswith("dob_")},
    **{k: {"phone"} for k in ERROR_KINDS if k.startswith("phone_")},
    **dict.fromkeys(("moved_subdistrict", "other_village", "other_house_number",
                     "house_missing", "house_thai_digits"), {"house"}),
    **dict.fromkeys(("title_grown_up", "married_name", "title_written"), {"title"}),
    "thin": {"id", "dob", "phone"},
}
_CONFUSABLE = ("ศสษซ", "ณน", "รล", "ทธฑฒ", "พภ", "ถฐ", "ตฏ", "ชฌ", "ขค", "ยญ")
_VOWEL_LENGTH = ("ิี", "ุู", "ึื")
_TONES = "่้๊๋"
_CONSONANTS = "กขคงจชซดตถทนบปผพฟมยรลวสหอ"
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@dataclass(frozen=True, slots=True)
class SyntheticRecord:
    """A generated report and what is true about it."""

    record: PersonRecord
    person_id: int
    household_id: int
    errors: tuple[str, ...]  # mistakes made in this report; () for a first report
    tags: tuple[str, ...]  # about the person: twin, zero_id, common_name, no_id


@dataclass
class SyntheticSet:
    rows: list[SyntheticRecord] = field(default_factory=list)

    @property
    def records(self) -> list[PersonRecord]:
        return [row.record for row in self.rows]

    def person_of(self) -> dict[str, int]:
        return {row.record.record_id: row.person_id for row in self.rows}

    def true_pairs(self) -> set[tuple[str, str]]:
        """Pairs of record ids (smaller first) that are the same person."""
        by_person: dict[int, list[str]] = {}
        for row in self.rows:
            by_person.setdefault(row.person_id, []).append(row.record.record_id)
        pairs: set[tuple[str, str]] = set()
        for ids in by_person.values():
            for a, b in itertools.combinations(sorted(ids), 2):
                pairs.add((a, b))
        return pairs


@dataclass(slots=True)
class _Person:
    person_id: int
    household_id: int
    title: str  # code
    first: str
    last: str
    sex: str
    birth: datetime.date
    year_only: bool
    cid: str
    phone: str
    sd: str
    village: str
    house: str
    age: int
    maiden: str = ""  # a married woman's surname before marriage
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Pools:
    male: tuple[str, ...]
    male_cum: tuple[float, ...]
    female: tuple[str, ...]
    female_cum: tuple[float, ...]
    family: tuple[str, ...]
    family_cum: tuple[float, ...]
    common: frozenset[str]


def _zipf(names: Sequence[str], popular: Sequence[str], exponent: float, seed: str
          ) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Names ordered popular first (the rest in a fixed shuffled order) with cumulative
    Zipf weights rank^-exponent."""
    rest = sorted(set(names) - set(popular))
    random.Random(seed).shuffle(rest)  # noqa: S311 — synthetic data
    ordered = tuple(n for n in popular if n in set(names)) + tuple(rest)
    cum = tuple(itertools.accumulate(rank ** -exponent for rank in range(1, len(ordered) + 1)))
    return ordered, cum


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    from lnob.core.thainames import name_pools

    base = name_pools()
    # Real names only: the corpora hold a few entries that are titles or single letters.
    def ok(n: str) -> bool:
        return len(n) >= 2 and " " not in n and not n.startswith(("นาย", "นาง", "เด็ก"))

    male, male_cum = _zipf([n for n in base.male if ok(n)], _POPULAR_MALE, 0.75, "male")
    female, female_cum = _zipf([n for n in base.female if ok(n)], _POPULAR_FEMALE, 0.75,
                               "female")
    family, family_cum = _zipf([n for n in base.family if ok(n)], (), 0.45, "family")
    common = frozenset(male[:30]) | frozenset(female[:30])
    return _Pools(male, male_cum, female, female_cum, family, family_cum, common)


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"lnob-dedup:{seed}")  # noqa: S311 — synthetic data
        self.pools = _pools()
        self.person_id = 0
        self.household_id = 0
        self.used_ids: set[str] = set()
        self.made = ""  # the mistake last made (a misspelling may turn into another kind)

    # -- people

    def first_name(self, sex: str, avoid: set[str]) -> str:
        p = self.pools
        names, cum = (p.male, p.male_cum) if sex == "M" else (p.female, p.female_cum)
        while True:
            name = self.rng.choices(names, cum_weights=cum)[0]
            if name not in avoid:
                avoid.add(name)
                return name

    def surname(self) -> str:
        p = self.pools
        return self.rng.choices(p.family, cum_weights=p.family_cum)[0]

    def birth(self, age: int, year_only_odds: float) -> tuple[datetime.date, bool]:
        born = TODAY.replace(year=TODAY.year - age) - datetime.timedelta(
            days=self.rng.randrange(1, 365))
        if self.rng.random() < year_only_odds:
            return datetime.date(born.year, 1, 1), True
        return born, False

    def citizen_id(self, born: datetime.date, sd: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return ""
        if roll < 0.045:
            kind = "0"
        elif born.year < 1984:
            kind = rng.choices("34586", cum_weights=(88, 91, 96, 98, 100))[0]
        else:
            kind = rng.choices("127", cum_weights=(95, 99, 100))[0]
        while True:
            first12 = f"{kind}{sd[:4]}{rng.randrange(10_000_000):07d}"
            if first12 not in self.used_ids:
                self.used_ids.add(first12)
                return first12 + str(check_digit(first12))

    def person(self, *, sd: str, village: str, house: str, sex: str,
               age: int, surname: str, married: bool = False, phone: str = "",
               avoid: set[str], monk: bool = False) -> _Person:
        born, year_only = self.birth(age, 0.12 if age >= 60 else 0.01)
        if monk:
            title = "monk"
        elif age < 15:
            title = "boy" if sex == "M" else "girl"
        elif sex == "M":
            title = "mr"
        else:
            title = "mrs" if married else "miss"
        first = self.first_name(sex, avoid)
        cid = self.citizen_id(born, sd)
        tags = []
        if not cid:
            tags.append("no_id")
        elif cid.startswith("0"):
            tags.append("zero_id")
        if first in self.pools.common:
            tags.append("common_name")
        self.person_id += 1
        return _Person(
            person_id=self.person_id, household_id=self.household_id, title=title,
            first=first, last=surname, sex=sex, birth=born, year_only=year_only, cid=cid,
            phone=phone, sd=sd, village=village, house=house, age=age,
            maiden=self.surname() if married and sex == "F" else "", tags=tuple(tags))

    def household(self, sd: str, village: str, house: str) -> list[_Person]:
        """One household of a kind drawn as the demo generator draws them."""
        rng = self.rng
        self.household_id += 1
        surname = self.surname()
        head_phone = f"0{rng.choice('689')}{rng.randrange(100_000_000):08d}" \
            if rng.random() < 0.6 else ""
        avoid: set[str] = set()
        people: list[_Person] = []

        def add(sex: str, age: int, *, married: bool = False, phone: str = "",
                last: str = surname, monk: bool = False) -> _Person:
            p = self.person(sd=sd, village=village, house=house, sex=sex, age=age,
                            surname=last, married=married, phone=phone, avoid=avoid,
                            monk=monk)
            people.append(p)
            return p

        def children(count: int, last: str, max_age: int) -> None:
            twins = rng.random() < 0.08 and count >= 1
            for i in range(count):
                sex = rng.choice("MF")
                phone = head_phone if rng.random() < 0.2 else ""
                child = add(sex, rng.randint(0, max(0, max_age)), phone=phone, last=last)
                if twins and i == 0:
                    self.twin(child, avoid, people)

        kind = rng.choices(("elder_alone", "elder_couple", "skipped_generation", "disability",
                            "single_parent", "poor_family", "alone", "monk"),
                           cum_weights=(35, 45, 57, 67, 77, 92, 98, 100))[0]
        if kind == "monk":
            add("M", rng.randint(20, 85), monk=True)
            people[0].house = ""
        elif kind == "elder_alone":
            sex = "F" if rng.random() < 0.62 else "M"
            add(sex, int(rng.triangular(60, 99, 72)), married=rng.random() < 0.8,
                phone=head_phone)
        elif kind == "alone":
            sex = "M" if rng.random() < 0.6 else "F"
            add(sex, rng.randint(18, 59), married=rng.random() < 0.3, phone=head_phone)
        elif kind == "elder_couple":
            age = int(rng.triangular(60, 95, 70))
            add("M", age, phone=head_phone)
            add("F", max(60, age - rng.randint(0, 8)), married=True,
                phone=head_phone if rng.random() < 0.5 else "")
        elif kind == "skipped_generation":
            sex = "F" if rng.random() < 0.7 else "M"
            age = int(rng.triangular(55, 88, 66))
            add(sex, age, married=True, phone=head_phone)
            if rng.random() < 0.4:
                add("M" if sex == "F" else "F", max(50, age + rng.randint(-5, 5)),
                    married=True)
            last = surname if rng.random() < 0.7 else self.surname()
            children(rng.randint(1, 3), last, 17)
        elif kind == "disability":
            age = rng.randint(40, 78)
            add("F" if rng.random() < 0.75 else "M", age, married=rng.random() < 0.7,
                phone=head_phone)
            add(rng.choice("MF"), rng.randint(3, min(55, age - 18)))
        elif kind == "single_parent":
            sex = "F" if rng.random() < 0.8 else "M"
            age = rng.randint(20, 50)
            add(sex, age, married=rng.random() < 0.5, phone=head_phone)
            children(rng.randint(1, 3), surname, min(17, age - 17))
        else:  # poor family: a couple and their children
            age = rng.randint(25, 55)
            add("M", age, phone=head_phone)
            add("F", max(20, age - rng.randint(0, 6)), married=True,
                phone=head_phone if rng.random() < 0.5 else "")
            children(rng.randint(0, 3), surname, min(17, age - 18))
        return people

    def twin(self, child: _Person, avoid: set[str], people: list[_Person]) -> None:
        """A twin: same birth date, surname, house and phone; another first name; the next
        citizen ID when the first has one (twins are registered together)."""
        sex = child.sex if self.rng.random() < 0.6 else ("F" if child.sex == "M" else "M")
        cid = ""
        if child.cid and child.cid[11] != "9":
            first12 = str(int(child.cid[:12]) + 1).zfill(12)
            if first12 not in self.used_ids:
                self.used_ids.add(first12)
                cid = first12 + str(check_digit(first12))
        title = child.title if sex == child.sex else {
            "boy": "girl", "girl": "boy", "mr": "miss", "miss": "mr"}.get(child.title, "mr")
        self.person_id += 1
        first = self.first_name(sex, avoid)
        tags = ["twin"] + (["common_name"] if first in self.pools.common else [])
        people.append(replace(child, person_id=self.person_id, sex=sex, title=title,
                              first=first, cid=cid, tags=tuple(tags)))
        child.tags = (*child.tags, "twin")

    # -- reports

    def first_report(self, p: _Person, record_id: str) -> PersonRecord:
        return PersonRecord(
            record_id=record_id, first_name=p.first, last_name=p.last,
            title=_TITLE_TEXT[p.title], sex=p.sex, birth_date=p.birth,
            birth_year_only=p.year_only, citizen_id=p.cid, phone=p.phone, subdistrict=p.sd,
            village=p.village, house_number=p.house)

    def applicable(self, p: _Person) -> list[str]:
        out = []
        for kind in ERROR_KINDS:
            if kind == "name_thanthakhat" and "์" not in p.first + p.last:
                continue
            if kind == "title_grown_up" and not 15 <= p.age <= 24:
                continue
            if kind == "married_name" and not (p.sex == "F" and p.title in ("miss", "mrs")
                                               and 18 <= p.age <= 60):
                continue
            if kind == "dob_day_month_swapped" and (
                    p.year_only or p.birth.day > 12 or p.birth.day == p.birth.month):
                continue
            if kind in ("dob_year_only", "dob_year_off_by_one") and p.year_only:
                continue
            if kind.startswith("id_") and not p.cid:
                continue
            if kind in ("phone_missing", "phone_other") and not p.phone:
                continue
            if kind in ("house_missing", "house_thai_digits", "other_house_number") \
                    and not p.house:
                continue
            out.append(kind)
        return out

    def further_report(self, p: _Person, record_id: str, areas: _Areas
                       ) -> tuple[PersonRecord, tuple[str, ...]]:
        rng = self.rng
        rec = self.first_report(p, record_id)
        if rng.random() < 0.3:
            rec = replace(rec, sex="")  # not asked on the hotline
        count = rng.choices((0, 1, 2, 3), cum_weights=_MISTAKES_CUM)[0]
        kinds = self.applicable(p)
        chosen: list[str] = []
        while kinds and len(chosen) < count:
            kind = rng.choices(kinds, weights=[ERROR_WEIGHTS[k] for k in kinds])[0]
            chosen.append(kind)
            # One mistake per field: the others of its group are no longer drawn.
            kinds = [k for k in kinds if not _GROUP.get(k, {k}) & _GROUP.get(kind, {kind})]
        # Spelling first, then how the title was written, then what was left out.
        made = []
        for kind in sorted(chosen, key=lambda k: (k == "title_written", k == "thin")):
            self.made = kind
            rec = self.mistake(kind, rec, p, areas)
            made.append(self.made)
        return rec, tuple(made)

    def mistake(self, kind: str, rec: PersonRecord, p: _Person, areas: _Areas
                ) -> PersonRecord:
        rng = self.rng
        if kind.startswith("name_") and kind != "name_spaces":
            on_first = rng.random() < 0.6
            name, made = _misspell(rng, kind, rec.first_name if on_first else rec.last_name)
            self.made = made
            return replace(rec, first_name=name) if on_first else replace(rec, last_name=name)
        if kind == "title_written":
            how = rng.random()
            if how < 0.4:
                return replace(rec, title=rng.choice(_TITLE_FORMS[rec.title])
                               if rec.title in _TITLE_FORMS else rec.title)
            if how < 0.8:
                glue = rec.title + ("" if rng.random() < 0.7 else " ")
                return replace(rec, title="", first_name=glue + rec.first_name)
            return replace(rec, title="")
        if kind == "title_grown_up":
            return replace(rec, title="เด็กชาย" if p.sex == "M" else "เด็กหญิง")
        if kind == "married_name":
            if p.title == "mrs":  # an older report, before she married
                return replace(rec, title="นางสาว", last_name=p.maiden or self.surname())
            return replace(rec, title="นาง", last_name=self.surname())
        if kind.startswith("dob_"):
            return _date_mistake(rng, kind, p, rec)
        if kind == "id_missing":
            return replace(rec, citizen_id="")
        if kind == "id_one_digit":
            cid = list(p.cid)
            i = rng.randrange(13)
            cid[i] = rng.choice([d for d in "0123456789" if d != cid[i]])
            return replace(rec, citizen_id="".join(cid))
        if kind == "id_transposed":
            cid = list(p.cid)
            spots = [i for i in range(12) if cid[i] != cid[i + 1]]
            i = rng.choice(spots)
            cid[i], cid[i + 1] = cid[i + 1], cid[i]
            return replace(rec, citizen_id="".join(cid))
        if kind == "id_formatted":
            c = rec.citizen_id
            text = f"{c[0]}-{c[1:5]}-{c[5:10]}-{c[10:12]}-{c[12:]}" if len(c) == 13 else c
            if rng.random() < 0.5:
                text = text.translate(_THAI_DIGITS)
            return replace(rec, citizen_id=text)
        if kind == "moved_subdistrict":
            sd = areas.neighbour(rng, p.sd)
            return replace(rec, subdistrict=sd, village=areas.village(rng, sd),
                           house_number=str(rng.randint(1, 400)) if rec.house_number else "")
        if kind == "other_village":
            village = areas.village(rng, rec.subdistrict)
            return replace(rec, village=village, house_number=str(rng.randint(1, 400))
                           if rec.house_number else "")
        if kind == "other_house_number":
            return replace(rec, house_number=str(rng.randint(1, 400)))
        if kind == "house_missing":
            return replace(rec, house_number="")
        if kind == "house_thai_digits":
            return replace(rec, house_number="บ้านเลขที่ " + rec.house_number.translate(
                _THAI_DIGITS))
        if kind == "phone_missing":
            return replace(rec, phone="")
        if kind == "phone_other":
            return replace(rec, phone=f"0{rng.choice('689')}{rng.randrange(10**8):08d}")
        if kind == "name_spaces":
            return replace(rec, first_name=_spaced(rng, rec.first_name))
        if kind == "thin":
            first = rec.first_name
            if rng.random() < 0.5:
                first = next((ch for ch in first if ch in _CONSONANTS + "ศษณธภฐฑฒฌญฬฮฎฏ"),
                             first[:1])
            return replace(rec, citizen_id="", birth_date=None, birth_year_only=False,
                           phone="", first_name=first)
        raise ValueError(f"unknown mistake {kind}")


def _spaced(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return f" {name} "
    i = rng.randrange(1, len(name) - 1)
    gap = rng.choice((" ", "\u200b", "  "))
    return f"{name[:i]}{gap}{name[i:]}"


def _misspell(rng: random.Random, kind: str, name: str) -> tuple[str, str]:
    """``name`` with one mistake of ``kind``, and the kind of mistake made (another one
    when ``kind`` cannot apply: no confusable letter, no long vowel, no tone mark…)."""
    chars = list(name)
    if kind == "name_confusable":
        letters = [(i, group) for i, ch in enumerate(chars) for group in _CONFUSABLE
                   if ch in group]
        if letters:
            i, group = rng.choice(letters)
            chars[i] = rng.choice([c for c in group if c != chars[i]])
            return "".join(chars), kind
        kind = "name_letter_added"
    if kind == "name_vowel_length":
        vowels = [(i, pair) for i, ch in enumerate(chars) for pair in _VOWEL_LENGTH
                  if ch in pair]
        if vowels:
            i, pair = rng.choice(vowels)
            chars[i] = pair[1] if chars[i] == pair[0] else pair[0]
            return "".join(chars), kind
        kind = "name_tone_mark"
    if kind == "name_tone_mark":
        tones = [i for i, ch in enumerate(chars) if ch in _TONES]
        if tones:
            i = rng.choice(tones)
            if rng.random() < 0.6:
                del chars[i]
            else:
                chars[i] = rng.choice([t for t in _TONES[:2] if t != chars[i]] or ["่"])
            return "".join(chars), kind
        consonants = [i for i, ch in enumerate(chars) if ch in _CONSONANTS]
        if consonants:
            chars.insert(rng.choice(consonants) + 1, "่")
            return "".join(chars), kind
        kind = "name_letter_added"
    if kind == "name_thanthakhat" and "์" in name:
        return name.replace("์", "", 1), kind
    if kind in ("name_letter_dropped", "name_thanthakhat"):
        inner = [i for i, ch in enumerate(chars) if ch in _CONSONANTS and i > 0]
        if inner and len(chars) > 3:
            del chars[rng.choice(inner)]
            return "".join(chars), "name_letter_dropped"
        kind = "name_letter_added"
    consonants = [i for i, ch in enumerate(chars) if ch in _CONSONANTS]
    i = rng.choice(consonants) if consonants else len(chars) - 1
    chars.insert(i + 1, chars[i] if rng.random() < 0.5 else rng.choice(_CONSONANTS))
    return "".join(chars), "name_letter_added"


def _date_mistake(rng: random.Random, kind: str, p: _Person, rec: PersonRecord
                  ) -> PersonRecord:
    born = p.birth
    day = min(born.day, 28) if born.month == 2 else born.day
    if kind == "dob_missing":
        return replace(rec, birth_date=None, birth_year_only=False)
    if kind == "dob_year_only":
        return replace(rec, birth_date=datetime.date(born.year, 1, 1), birth_year_only=True)
    if kind == "dob_day_month_swapped":
        return replace(rec, birth_date=born.replace(month=born.day, day=born.month))
    if kind == "dob_year_off_by_one":
        return replace(rec, birth_date=born.replace(year=born.year + rng.choice((-1, 1)),
                                                    day=day))
    if kind == "dob_buddhist_era":
        return replace(rec, birth_date=born.replace(year=born.year + 543, day=day))
    raise ValueError(kind)


class _Areas:
    """A DOPA-shaped geography: provinces › districts › subdistricts › villages."""

    def __init__(self, rng: random.Random, persons: int) -> None:
        wanted = max(4, -(-persons // PERSONS_PER_SUBDISTRICT))
        provinces = list(_PROVINCES)
        rng.shuffle(provinces)
        self.subdistricts: list[str] = []
        self.villages: dict[str, list[str]] = {}
        self.by_district: dict[str, list[str]] = {}
        for province in itertools.cycle(provinces):
            for d in range(1, rng.randint(8, 16) + 1):
                district = f"{province}{d:02d}"
                while district in self.by_district:  # a province seen again: new districts
                    d += 20
                    district = f"{province}{d:02d}"
                for s in range(1, rng.randint(6, 12) + 1):
                    sd = f"{district}{s:02d}"
                    self.subdistricts.append(sd)
                    self.by_district.setdefault(district, []).append(sd)
                    count = 0 if province == "10" else rng.randint(5, 15)
                    self.villages[sd] = [f"{sd}{v:02d}" for v in range(1, count + 1)]
                if len(self.subdistricts) >= wanted:
                    return

    def village(self, rng: random.Random, sd: str) -> str:
        villages = self.villages[sd]
        return rng.choice(villages) if villages else ""

    def neighbour(self, rng: random.Random, sd: str) -> str:
        others = [s for s in self.by_district[sd[:4]] if s != sd]
        return rng.choice(others) if others else sd


def generate(persons: int, *, seed: int = 2549, duplicate_share: float = 0.25
             ) -> Iterator[SyntheticRecord]:
    """Reports of about ``persons`` people (whole households, so a few more), a share
    ``duplicate_share`` of them reported 2–4 times. Lazy, so a million fit in memory."""
    maker = _Maker(seed)
    rng = maker.rng
    areas = _Areas(rng, persons)
    serial = itertools.count(1)
    weights = [rng.lognormvariate(0.0, 0.4) for _ in areas.subdistricts]
    total = sum(weights)
    made = 0
    for sd, weight in zip(areas.subdistricts, weights, strict=True):
        quota = round(persons * weight / total)
        used: set[tuple[str, str]] = set()
        done = 0
        while done < quota and made < persons:
            village = areas.village(rng, sd)
            while True:
                house = str(rng.randint(1, 400 + 2 * len(used)))
                if rng.random() < 0.15:
                    house += f"/{rng.randint(1, 9)}"
                if (village, house) not in used:
                    used.add((village, house))
                    break
            people = maker.household(sd, village, house)
            done += len(people)
            made += len(people)
            for p in people:
                yield SyntheticRecord(maker.first_report(p, f"r{next(serial):08d}"),
                                      p.person_id, p.household_id, (), p.tags)
                if rng.random() < duplicate_share:
                    more = rng.choices((1, 2, 3), cum_weights=_MORE_CUM)[0]
                    for _ in range(more):
                        rec, errors = maker.further_report(p, f"r{next(serial):08d}", areas)
                        yield SyntheticRecord(rec, p.person_id, p.household_id, errors,
                                              p.tags)


def synthetic_set(persons: int, *, seed: int = 2549, duplicate_share: float = 0.25
                  ) -> SyntheticSet:
    """:func:`generate` collected in a :class:`SyntheticSet`."""
    return SyntheticSet(list(generate(persons, seed=seed, duplicate_share=duplicate_share)))


NAME_MISTAKES = ("name_confusable", "name_vowel_length", "name_tone_mark",
                 "name_thanthakhat", "name_letter_dropped", "name_letter_added")


def misspell(rng: random.Random, name: str, kind: str | None = None) -> str:
    """``name`` with one mistake a person makes writing it down (one of
    :data:`NAME_MISTAKES`, chosen at random when not given)."""
    return _misspell(rng, kind or rng.choice(NAME_MISTAKES), name)[0]
