"""Synthetic Thailand: a realistic province of people in need and the care
capacity around them, on the real geography.

Two halves:

* **Planning** — pure functions of ``(province geography, persons, seed, today)``
  that return plain rows (dataclasses below): villages to add, how many persons
  live in each subdistrict, networks, volunteers, funds, committees and the
  holes (ช่องโหว่) no one covers, and a *stream* of households with their
  members, needs, target groups and consent. No database, no Django models.
* **Writing** — :mod:`lnob.demo.writer` reads a province's geography, runs
  the plan and inserts the rows in batches inside one transaction per province.

Each province draws from its own random streams seeded with
``(seed, province code, phase)``, so the same seed gives identical data for a
province whether it is generated alone or with the whole country (on the same
``today``: ages and dates are relative to it).

Generated persons carry ``external_ref = "demo:<province>:<serial>"``; that is
how a second run knows a province is already done.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from lnob.core.citizen_id import check_digit
from lnob.core.thainames import VILLAGE_HEADS, VILLAGE_TAILS, NamePools, name_pools
from lnob.registry.names import name_key

TZ = ZoneInfo("Asia/Bangkok")
BATCH = 5000
BANGKOK = "10"  # แขวง of Bangkok have no หมู่ที่: no villages are made there
MARKER = "demo:"
HOLE_SHARE = 0.10  # subdistricts left with no network and no volunteer
PERSONS_PER_VOLUNTEER = 30
NO_ID_SHARE = 0.03
# The subdistrict of a demo volunteer account gets at least this many persons
# (a tenth of the province at most), so that its cases fill every inbox.
ACCOUNT_AREA_PERSONS = 12

__all__ = [
    "BATCH", "CapacityPlan", "CommitteeRow", "ConsentRow", "FundRow", "HouseholdRow",
    "NetworkRow", "PersonRow", "ProvinceGeo", "ProvincePlan",
    "SubdistrictInfo", "VillageRow", "VolunteerAccount", "VolunteerRow", "age_on", "allocate",
    "demo_ref",
    "name_key", "national_split", "plan_capacity", "plan_province", "plan_villages",
    "province_weights", "title_for",
]


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class SubdistrictInfo:
    code: str
    district_code: str
    name_th: str
    villages: tuple[tuple[str, str], ...] = ()  # (code, Thai name), by code


@dataclass(frozen=True)
class ProvinceGeo:
    code: str
    name_th: str
    districts: tuple[tuple[str, str], ...]  # (code, Thai name)
    subdistricts: tuple[SubdistrictInfo, ...]


@dataclass(slots=True)
class VillageRow:
    code: str
    subdistrict: str
    number: int
    name_th: str


@dataclass(slots=True)
class NetworkRow:
    key: int
    name: str
    partner_type: str
    is_lead: bool
    lead_key: int | None
    leader_name: str
    contact_phone: str
    subdistricts: list[str]
    villages: list[str]
    capacity: int
    needs: list[str]
    created_at: datetime


@dataclass(slots=True)
class VolunteerRow:
    first_name: str
    last_name: str
    phone: str
    is_msdhs: bool
    network_key: int | None
    subdistricts: list[str]
    needs: list[str]
    capacity: int
    active: bool
    created_at: datetime
    user: int | None = None  # the sign-in account of a demo volunteer


@dataclass(frozen=True)
class VolunteerAccount:
    """A sign-in account that is also a volunteer of the generated province:
    planned with the others, in its subdistrict, with cases of its own."""

    user: int
    first_name: str
    last_name: str
    phone: str  # digits only
    subdistrict: str
    needs: tuple[str, ...] = ("daily_care", "health")


@dataclass(slots=True)
class TransactionRow:
    date: date
    kind: str  # contribution | disbursement
    amount: Decimal
    note: str


@dataclass(slots=True)
class FundRow:
    name: str
    kind: str
    area_code: str
    network_key: int | None
    members: int
    transactions: list[TransactionRow]
    created_at: datetime

    @property
    def balance(self) -> Decimal:
        """Contributions minus disbursements: what the fund services keep."""
        return sum((t.amount if t.kind == "contribution" else -t.amount
                    for t in self.transactions), Decimal("0.00"))


@dataclass(slots=True)
class CommitteeRow:
    name: str
    level: str
    area_code: str
    members: list[tuple[str, str, str]]  # (name, role, partner type); exactly one chair
    created_at: datetime


@dataclass
class CapacityPlan:
    holes: list[str]
    networks: list[NetworkRow]
    volunteers: list[VolunteerRow]
    funds: list[FundRow]
    committees: list[CommitteeRow]
    # subdistrict code → keys of the networks covering it
    networks_by_subdistrict: dict[str, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class ConsentRow:
    status: str
    purposes: list[str]
    lawful_basis: str
    recorded_at: datetime
    note: str


@dataclass(slots=True)
class PersonRow:
    title: str
    first_name: str
    last_name: str
    sex: str
    birth_date: date | None
    birth_year_only: bool
    citizen_id: str
    no_citizen_id_reason: str
    phone: str
    subdistrict: str
    village: str | None
    house_number: str
    address_text: str
    severity: int
    status: str
    source: str
    source_network_key: int | None
    source_note: str
    external_ref: str
    entered_by: int | None
    created_at: datetime
    updated_at: datetime
    needs: list[tuple[str, int]]  # (need code, severity 1–4)
    groups: list[str]  # national target-group codes
    consent: ConsentRow | None

    @property
    def name_key(self) -> str:
        return name_key(self.first_name, self.last_name)


@dataclass(slots=True)
class HouseholdRow:
    subdistrict: str
    village: str | None
    house_number: str
    created_at: datetime
    members: list[PersonRow]  # the head first
    # False for people who live outside any household record (monks at a temple).
    is_household: bool = True


@dataclass
class ProvincePlan:
    geo: ProvinceGeo
    villages: list[VillageRow]
    persons_by_subdistrict: dict[str, int]
    capacity: CapacityPlan
    households: Iterator[HouseholdRow]


# ------------------------------------------------------------------- small helpers


def demo_ref(province: str, serial: int) -> str:
    return f"{MARKER}{province}:{serial:07d}"


def age_on(birth: date, year_only: bool, today: date) -> int:
    """The age Person.age() reports."""
    years = today.year - birth.year
    if not year_only and (today.month, today.day) < (birth.month, birth.day):
        years -= 1
    return years


def title_for(sex: str, age: int, *, married: bool = False, monk: bool = False) -> str:
    """คำนำหน้า: เด็กชาย/เด็กหญิง under 15, then นาย, นาง (married) or นางสาว; พระ for monks."""
    if monk:
        return "พระ"
    if age < 15:
        return "เด็กชาย" if sex == "M" else "เด็กหญิง"
    if sex == "M":
        return "นาย"
    return "นาง" if married else "นางสาว"


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder; ties by position)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def national_split(total: int, subdistricts_per_province: Mapping[str, int]) -> dict[str, int]:
    """``total`` persons over the provinces in proportion to their subdistricts."""
    codes = sorted(subdistricts_per_province)
    return dict(zip(codes, allocate(total, [subdistricts_per_province[c] for c in codes]),
                    strict=True))


def _rng(seed: int, province: str, phase: str) -> random.Random:
    # A str seed is hashed with SHA-512: stable across processes and platforms.
    return random.Random(f"lnob-demo:{seed}:{province}:{phase}")  # noqa: S311 — synthetic data


def _phone(rng: random.Random) -> str:
    """A mobile number, digits only as the services store it (081-234-5678 → 0812345678)."""
    return f"0{rng.choice('689')}{rng.randrange(100_000_000):08d}"


def _moment(rng: random.Random, start: datetime, days: int = 365) -> datetime:
    """A moment in the ``days`` days before ``start``, during waking hours."""
    day = start - timedelta(days=rng.randrange(1, days + 1))
    return day + timedelta(seconds=rng.randrange(7 * 3600, 20 * 3600))


def _area_words(geo: ProvinceGeo) -> tuple[dict[str, str], dict[str, str]]:
    """"ตำบล…"/"แขวง…" per subdistrict and "อำเภอ…"/"เขต…" per district."""
    bangkok = geo.code == BANGKOK
    districts = {code: (name if bangkok and name.startswith("เขต") else
                        ("เขต" if bangkok else "อำเภอ") + name) for code, name in geo.districts}
    subdistricts = {s.code: ("แขวง" if bangkok else "ตำบล") + s.name_th for s in geo.subdistricts}
    return subdistricts, districts


def _place_name(rng: random.Random) -> str:
    return rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_TAILS)


class _People:
    """Names for people who are not in the registry (leaders, volunteers, members)."""

    def __init__(self, rng: random.Random, pools: NamePools) -> None:
        self.rng, self.pools = rng, pools

    def name(self, female: float = 0.5) -> tuple[str, str, str]:
        rng = self.rng
        if rng.random() < female:
            return (rng.choice(("นาง", "นางสาว")), rng.choice(self.pools.female),
                    rng.choice(self.pools.family))
        return "นาย", rng.choice(self.pools.male), rng.choice(self.pools.family)

    def full(self, female: float = 0.5) -> str:
        title, first, last = self.name(female)
        return f"{title}{first} {last}"


# ------------------------------------------------------------------------ planning


def plan_villages(rng: random.Random, geo: ProvinceGeo) -> list[VillageRow]:
    """หมู่ที่ 1..N (N ≈ 10; Thailand has 75,086 villages in 7,436 subdistricts) for
    every subdistrict that has none yet. None in Bangkok, whose แขวง have none."""
    if geo.code == BANGKOK:
        return []
    rows: list[VillageRow] = []
    for sd in geo.subdistricts:
        if sd.villages:
            continue
        count = rng.choice((4, 5, 6, 7, 8, 8, 9, 9, 10, 10, 10, 11, 11, 12, 12, 13, 14, 15, 16))
        used: set[str] = set()
        for number in range(1, count + 1):
            name = "บ้าน" + _place_name(rng)
            while name in used:
                name = "บ้าน" + _place_name(rng)
            used.add(name)
            rows.append(VillageRow(code=f"{sd.code}{number:02d}", subdistrict=sd.code,
                                   number=number, name_th=name))
    return rows


def province_weights(rng: random.Random, geo: ProvinceGeo) -> list[float]:
    """Uneven spread of people in need over the subdistricts (log-normal weights)."""
    return [rng.lognormvariate(0.0, 0.5) for _ in geo.subdistricts]


_LEAD_TYPES: tuple[tuple[str, int], ...] = (
    ("community", 40), ("local_government", 25), ("civil_society", 20), ("volunteer_group", 10),
    ("provincial_agency", 5))
_MEMBER_TYPES: tuple[tuple[str, int], ...] = (
    ("community", 22), ("local_government", 15), ("health", 14), ("volunteer_group", 14),
    ("savings_group", 10), ("religious", 8), ("school", 7), ("civil_society", 5),
    ("business", 3), ("provincial_agency", 2))
_MEMBER_CAPACITY = {"community": (10, 40), "local_government": (20, 60), "health": (15, 50),
                    "volunteer_group": (10, 30), "savings_group": (5, 20),
                    "religious": (5, 15), "school": (5, 20), "civil_society": (10, 40),
                    "business": (3, 10), "provincial_agency": (20, 60)}
_NEEDS_OF_TYPE = {
    "community": ("daily_care", "income", "housing", "health"),
    "local_government": ("housing", "income", "daily_care", "legal_status", "disability_aids"),
    "health": ("health", "mental_health", "disability_aids", "daily_care"),
    "volunteer_group": ("daily_care", "health", "protection", "income"),
    "savings_group": ("income", "housing"),
    "religious": ("daily_care", "mental_health", "income"),
    "school": ("education", "protection"),
    "civil_society": ("protection", "legal_status", "mental_health", "education"),
    "business": ("income", "housing"),
    "provincial_agency": ("legal_status", "protection", "disability_aids", "income"),
}
_ALL_NEEDS = ("health", "daily_care", "housing", "income", "education", "legal_status",
              "disability_aids", "mental_health", "protection")


def _member_network_name(rng: random.Random, kind: str, sd_word: str, d_word: str,
                         bangkok: bool) -> str:
    place = _place_name(rng)
    options = {
        "community": (f"ชมรมผู้สูงอายุ{sd_word}", f"ศูนย์พัฒนาครอบครัวในชุมชน{sd_word}",
                      f"สภาองค์กรชุมชน{sd_word}"),
        "local_government": ((f"สำนักงาน{d_word}",) if bangkok else
                             (f"องค์การบริหารส่วน{sd_word}", f"เทศบาล{sd_word}")),
        "health": ((f"ศูนย์บริการสาธารณสุข {place}",) if bangkok else
                   (f"โรงพยาบาลส่งเสริมสุขภาพ{sd_word}",)),
        "volunteer_group": (f"กลุ่มอาสาสมัครพัฒนาสังคม (อพม.) {sd_word}",
                            f"อาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.) {sd_word}"),
        "savings_group": (f"กลุ่มออมทรัพย์เพื่อการผลิต{sd_word}",
                          f"กลุ่มสัจจะออมทรัพย์บ้าน{place}"),
        "religious": (f"วัด{place}", f"มัสยิด{place}" if rng.random() < 0.1 else f"วัด{place}"),
        "school": (f"โรงเรียนบ้าน{place}", f"โรงเรียนวัด{place}"),
        "civil_society": (f"มูลนิธิเพื่อนช่วยเพื่อน{d_word}", f"สมาคมคนพิการ{d_word}",
                          f"เครือข่ายเด็กและเยาวชน{sd_word}"),
        "business": (f"ร้านค้าชุมชน{sd_word}", f"วิสาหกิจชุมชนบ้าน{place}"),
        "provincial_agency": (f"ศูนย์บริการคนพิการ{d_word}",
                              f"ศูนย์ช่วยเหลือสังคม{d_word}"),
    }[kind]
    return rng.choice(options)


def plan_capacity(rng: random.Random, geo: ProvinceGeo, persons: Mapping[str, int], *,
                  today: date, never_holes: Iterable[str] = (),
                  accounts: Sequence[VolunteerAccount] = ()) -> CapacityPlan:
    """Lead networks per district, member networks, volunteers (≈ 1 per 30 persons,
    capacity mostly 5), funds and committees — everywhere but ~10 % of the
    subdistricts, the holes, which get no network and no volunteer. Each of the
    ``accounts`` in a covered subdistrict of the province comes last among the
    volunteers, a member of the subdistrict's first member network."""
    pools = name_pools()
    people = _People(rng, pools)
    start = datetime.combine(today, time.min, tzinfo=TZ)
    bangkok = geo.code == BANGKOK
    sd_words, d_words = _area_words(geo)
    keep = set(never_holes)
    candidates = [s.code for s in geo.subdistricts if s.code not in keep]
    holes = sorted(rng.sample(candidates, min(len(candidates),
                                              round(HOLE_SHARE * len(geo.subdistricts)))))
    hole_set = set(holes)
    covered = [s for s in geo.subdistricts if s.code not in hole_set]
    by_district: dict[str, list[SubdistrictInfo]] = defaultdict(list)
    for s in covered:
        by_district[s.district_code].append(s)

    networks: list[NetworkRow] = []
    by_sd: dict[str, list[int]] = defaultdict(list)
    leads: dict[str, int] = {}
    lead_types, lead_weights = [t for t, _w in _LEAD_TYPES], [w for _t, w in _LEAD_TYPES]
    member_types = [t for t, _w in _MEMBER_TYPES]
    member_weights = [w for _t, w in _MEMBER_TYPES]

    def add(row: NetworkRow) -> None:
        networks.append(row)
        for code in row.subdistricts:
            by_sd[code].append(row.key)

    for d_code, _name in geo.districts:
        subs = by_district.get(d_code)
        if not subs:
            continue
        key = len(networks)
        leads[d_code] = key
        add(NetworkRow(
            key=key, name=f"เครือข่ายไม่ทอดทิ้งกัน{d_words[d_code]}",
            partner_type=rng.choices(lead_types, lead_weights)[0], is_lead=True, lead_key=None,
            leader_name=people.full(), contact_phone=_phone(rng),
            subdistricts=[s.code for s in subs], villages=[], capacity=rng.randint(20, 80),
            needs=sorted(rng.sample(_ALL_NEEDS, rng.randint(3, 6))),
            created_at=_moment(rng, start)))
    for s in covered:
        siblings = [o.code for o in by_district[s.district_code] if o.code != s.code]
        for _ in range(rng.choices((1, 2, 3), (55, 35, 10))[0]):
            kind = rng.choices(member_types, member_weights)[0]
            codes = [s.code]
            if siblings and rng.random() < 0.15:
                codes.append(rng.choice(siblings))
            villages: list[str] = []
            if s.villages and kind in ("community", "savings_group", "religious") \
                    and rng.random() < 0.5:
                villages = sorted(v for v, _n in rng.sample(
                    s.villages, min(len(s.villages), rng.randint(1, 3))))
            low, high = _MEMBER_CAPACITY[kind]
            kind_needs = _NEEDS_OF_TYPE[kind]
            add(NetworkRow(
                key=len(networks),
                name=_member_network_name(rng, kind, sd_words[s.code],
                                          d_words[s.district_code], bangkok),
                partner_type=kind, is_lead=False, lead_key=leads[s.district_code],
                leader_name=people.full(), contact_phone=_phone(rng) if rng.random() < 0.8
                else "", subdistricts=codes, villages=villages,
                capacity=rng.randint(low, high),
                needs=sorted(rng.sample(kind_needs, rng.randint(1, len(kind_needs)))),
                created_at=_moment(rng, start)))

    # Volunteers: about one per 30 persons, where the people are, never in a hole.
    total = sum(persons.values())
    wanted = max(1, round(total / PERSONS_PER_VOLUNTEER)) if total and covered else 0
    shares = allocate(wanted, [persons.get(s.code, 0) + 0.01 for s in covered])
    volunteers: list[VolunteerRow] = []
    for s, count in zip(covered, shares, strict=True):
        local = by_sd[s.code]
        siblings = [o.code for o in by_district[s.district_code] if o.code != s.code]
        for _ in range(count):
            title, first, last = people.name(female=0.7)
            codes = [s.code]
            if siblings and rng.random() < 0.15:
                codes.append(rng.choice(siblings))
            volunteers.append(VolunteerRow(
                first_name=first, last_name=last, phone=_phone(rng),
                is_msdhs=rng.random() < 0.65, network_key=rng.choice(local),
                subdistricts=codes, needs=sorted(rng.sample(_ALL_NEEDS, rng.randint(1, 3))),
                capacity=rng.choices((5, 3, 4, 6, 8, 10), (75, 6, 7, 5, 4, 3))[0],
                active=rng.random() < 0.95, created_at=_moment(rng, start)))
    # Drawn from no random stream: the rest of the plan is the same with or without them.
    covered_codes = {s.code for s in covered}
    for account in accounts:
        if account.subdistrict not in covered_codes:
            continue
        local = by_sd[account.subdistrict]
        members = [key for key in local if not networks[key].is_lead]
        volunteers.append(VolunteerRow(
            first_name=account.first_name, last_name=account.last_name, phone=account.phone,
            is_msdhs=True, network_key=(members or local)[0],
            subdistricts=[account.subdistrict], needs=sorted(account.needs), capacity=5,
            active=True, created_at=start - timedelta(days=180), user=account.user))

    # Funds (ก.4) in a part of the covered subdistricts.
    funds: list[FundRow] = []
    for s in covered:
        if rng.random() >= 0.45:
            continue
        kind = rng.choices(("community_welfare", "savings_group", "local_government"),
                           (60, 30, 10))[0]
        name = {"community_welfare": f"กองทุนสวัสดิการชุมชน{sd_words[s.code]}",
                "savings_group": f"กลุ่มออมทรัพย์เพื่อการผลิตบ้าน{_place_name(rng)}",
                "local_government": f"กองทุนหลักประกันสุขภาพ{sd_words[s.code]}"}[kind]
        funds.append(_fund(rng, name, kind, s.code, rng.choice(by_sd[s.code]), start))

    # Committees (ก.5): the province's, some districts', a few subdistricts'.
    committees = [_committee(rng, people, f"คณะกรรมการขับเคลื่อนสังคมไม่ทอดทิ้งกันจังหวัด"
                                          f"{geo.name_th}" if geo.code != BANGKOK else
                             "คณะกรรมการขับเคลื่อนสังคมไม่ทอดทิ้งกันกรุงเทพมหานคร",
                             "province", geo.code, start, size=(7, 11))]
    for d_code in sorted(leads):
        if rng.random() < 0.4:
            committees.append(_committee(rng, people, f"คณะกรรมการไม่ทอดทิ้งกัน{d_words[d_code]}",
                                         "district", d_code, start, size=(5, 9)))
    for s in covered:
        if rng.random() < 0.1:
            committees.append(_committee(rng, people,
                                         f"คณะกรรมการสวัสดิการชุมชน{sd_words[s.code]}",
                                         "subdistrict", s.code, start, size=(4, 7)))
    return CapacityPlan(holes=holes, networks=networks, volunteers=volunteers, funds=funds,
                        committees=committees, networks_by_subdistrict=dict(by_sd))


def _fund(rng: random.Random, name: str, kind: str, area: str, network_key: int,
          start: datetime) -> FundRow:
    days = sorted(rng.sample(range(1, 365), rng.randint(2, 6)), reverse=True)
    transactions: list[TransactionRow] = []
    balance = 0
    for i, back in enumerate(days):
        on = start.date() - timedelta(days=back)
        if i == 0 or rng.random() < 0.5 or balance < 1000:
            amount = rng.randrange(200, 3000) * 100 if i == 0 else rng.randrange(10, 500) * 100
            transactions.append(TransactionRow(on, "contribution", Decimal(amount),
                                               "เงินสมทบจากสมาชิกและท้องถิ่น"))
            balance += amount
        else:
            amount = rng.randrange(1, max(2, balance // 300)) * 100
            transactions.append(TransactionRow(on, "disbursement", Decimal(amount),
                                               "ช่วยเหลือผู้ยากลำบากในพื้นที่"))
            balance -= amount
    created = datetime.combine(transactions[0].date, time(9), tzinfo=TZ)
    return FundRow(name=name, kind=kind, area_code=area, network_key=network_key,
                   members=rng.randint(30, 1500), transactions=transactions, created_at=created)


def _committee(rng: random.Random, people: _People, name: str, level: str, area: str,
               start: datetime, size: tuple[int, int]) -> CommitteeRow:
    # The seed: a committee chaired by civil society, the provincial office as secretary.
    members = [(people.full(), "chair", "civil_society"),
               (people.full(female=0.7), "secretary",
                "provincial_agency" if level == "province" else "local_government")]
    kinds = ("community", "local_government", "provincial_agency", "civil_society",
             "business", "religious", "health", "school")
    for _ in range(rng.randint(*size) - 2):
        members.append((people.full(), "member", rng.choice(kinds)))
    return CommitteeRow(name=name, level=level, area_code=area, members=members,
                        created_at=_moment(rng, start))


# ------------------------------------------------------------------------- persons

# Target-group and need odds per kind of person (national codes).
_PROFILES: dict[str, tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]] = {
    "elder_alone": ((("abandoned", 0.7), ("disadvantaged", 0.6)),
                    (("daily_care", 0.6), ("health", 0.7), ("income", 0.5), ("housing", 0.15),
                     ("mental_health", 0.1), ("disability_aids", 0.12))),
    "elder": ((("disadvantaged", 0.8), ("in_hardship", 0.3)),
              (("health", 0.6), ("income", 0.5), ("daily_care", 0.3),
               ("disability_aids", 0.08))),
    "grandparent": ((("in_hardship", 0.7), ("disadvantaged", 0.5)),
                    (("income", 0.7), ("health", 0.5), ("housing", 0.2))),
    "child": ((("in_hardship", 0.9), ("abandoned", 0.15)),
              (("education", 0.7), ("income", 0.3), ("protection", 0.1), ("health", 0.2))),
    "pwd": ((("disadvantaged", 1.0), ("in_hardship", 0.2)),
            (("disability_aids", 0.8), ("daily_care", 0.6), ("health", 0.5),
             ("income", 0.3))),
    "carer": ((("in_hardship", 0.8),), (("income", 0.7), ("mental_health", 0.1))),
    "parent": ((("in_hardship", 0.8), ("affected", 0.2)),
               (("income", 0.8), ("housing", 0.3), ("protection", 0.08))),
    "affected": ((("affected", 1.0), ("in_hardship", 0.3)),
                 (("housing", 0.6), ("income", 0.7), ("health", 0.2))),
    "alone": ((("abandoned", 0.5), ("disadvantaged", 0.5)),
              (("mental_health", 0.4), ("housing", 0.4), ("income", 0.5),
               ("protection", 0.15), ("legal_status", 0.1))),
    "monk": ((("disadvantaged", 0.6),), (("health", 0.8), ("daily_care", 0.3))),
}
_SEVERITIES = (1, 2, 3, 4)
_SEVERITY_CUM = (30, 65, 88, 100)
_NO_ID_REASONS = ("not_registered", "stateless", "lost", "unknown", "refused")
_NO_ID_CUM = (30, 55, 70, 95, 100)
_SOURCES = ("network", "hotline", "public", "forum", "import", "officer")
_SOURCE_CUM = (45, 57, 67, 80, 95, 100)
_SOURCE_CUM_HOLE = (0, 25, 45, 65, 85, 100)  # no network reports from a hole
_SOURCE_NOTES = {"hotline": "สายด่วน 1300", "public": "แจ้งผ่านแบบฟอร์มสาธารณะ",
                 "forum": "เวทีประชาคมหมู่บ้าน", "import": "นำเข้าจากแบบสำรวจ",
                 "officer": "สำนักงานพัฒนาสังคมฯ จังหวัด", "network": ""}
_STATUSES = ("reported", "verified", "assigned", "in_care", "closed", "rejected", "duplicate")
_STATUS_CUM_NEW = (70, 95, 98, 99, 99, 100, 100)  # reported in the last 30 days
_STATUS_CUM_OLD = (20, 50, 58, 91, 97, 99, 100)
_STATUS_CUM_HOLE = (60, 95, 95, 95, 95, 98, 100)  # no one to care for them
# Household kinds: (kind, cumulative weight). Many elderly live alone.
_KINDS = ("elder_alone", "elder_couple", "skipped_generation", "disability", "single_parent",
          "poor_family", "alone", "monk")
_KIND_CUM = (40, 50, 62, 74, 83, 90, 98, 100)


class _PersonMaker:
    def __init__(self, rng: random.Random, geo: ProvinceGeo, today: date, plan: CapacityPlan,
                 enterers: Mapping[str, Sequence[int]]) -> None:
        self.rng = rng
        self.geo = geo
        self.today = today
        self.start = datetime.combine(today, time.min, tzinfo=TZ)
        self.pools = name_pools()
        self.plan = plan
        self.holes = set(plan.holes)
        self.enterers = enterers
        self.serial = 0
        self.used_ids: set[str] = set()
        self.districts = [code[2:4] for code, _n in geo.districts] or ["01"]
        self.report: tuple[str, int | None, int | None, str] = ("public", None, None, "reported")

    # -- identity

    def citizen_id(self, birth_year: int, district: str) -> tuple[str, str]:
        """(ID, no-ID reason). ~3 % have none; ~1 % start with 0 (no
        civil-registration status); 3 for those registered before 1984, else 1."""
        rng = self.rng
        roll = rng.random()
        if roll < NO_ID_SHARE:
            reason = rng.choices(_NO_ID_REASONS, cum_weights=_NO_ID_CUM)[0]
            return "", reason
        if roll < NO_ID_SHARE + 0.012:
            kind = "0"
        elif birth_year < 1984:
            kind = rng.choices("34586", cum_weights=(88, 91, 96, 98, 100))[0]
        else:
            kind = rng.choices("127", cum_weights=(95, 99, 100))[0]
        office = district if rng.random() < 0.8 else rng.choice(self.districts)
        prefix = f"{kind}{self.geo.code}{office}"
        while True:
            first12 = f"{prefix}{rng.randrange(10_000_000):07d}"
            if first12 not in self.used_ids:
                self.used_ids.add(first12)
                return first12 + str(check_digit(first12)), ""

    def birth(self, age: int, year_only_odds: float) -> tuple[date, bool]:
        today = self.today
        try:
            anniversary = today.replace(year=today.year - age)
        except ValueError:  # 29 February
            anniversary = today.replace(year=today.year - age, day=28)
        born = anniversary - timedelta(days=self.rng.randrange(365))
        if self.rng.random() < year_only_odds:
            return date(born.year, 1, 1), True
        return born, False

    # -- one person

    def person(self, profile: str, sex: str, age: int, surname: str, *, married: bool = False,
               household: HouseholdRow, phone: bool = False) -> PersonRow:
        rng = self.rng
        monk = profile == "monk"
        born, year_only = self.birth(age, 0.15 if age >= 60 else 0.02)
        real_age = age_on(born, year_only, self.today)
        first = rng.choice(self.pools.male if sex == "M" else self.pools.female)
        citizen_id, no_id = self.citizen_id(born.year, household.subdistrict[2:4])
        group_odds, need_odds = _PROFILES[profile]
        groups = [g for g, p in group_odds if rng.random() < p] or [group_odds[0][0]]
        needs = [(n, rng.choices(_SEVERITIES, cum_weights=_SEVERITY_CUM)[0])
                 for n, p in need_odds if rng.random() < p]
        if not needs:
            needs = [(need_odds[0][0], rng.choices(_SEVERITIES, cum_weights=_SEVERITY_CUM)[0])]
        if (no_id or citizen_id.startswith("0")) and rng.random() < 0.7 \
                and all(n != "legal_status" for n, _s in needs):
            needs.append(("legal_status", rng.choice((2, 3, 3, 4))))
            if "disadvantaged" not in groups:
                groups.append("disadvantaged")
        sd = household.subdistrict
        created = min(household.created_at + timedelta(minutes=rng.randrange(30)),
                      self.start - timedelta(seconds=1))
        waited = (self.start - created).days
        # A household is reported together; most members move through the steps together.
        source, network_key, entered_by, status = self.report
        if rng.random() < 0.15:
            status = self.status(sd, waited)
        updated = created if status == "reported" else min(
            created + timedelta(days=rng.randrange(1, max(2, waited))), self.start)
        self.serial += 1
        return PersonRow(
            title=title_for(sex, real_age, married=married, monk=monk), first_name=first,
            last_name=surname, sex=sex, birth_date=born, birth_year_only=year_only,
            citizen_id=citizen_id, no_citizen_id_reason=no_id,
            phone=_phone(rng) if phone else "", subdistrict=sd, village=household.village,
            house_number=household.house_number,
            address_text=("วัดประจำหมู่บ้าน" if monk else ""),
            severity=max(s for _n, s in needs), status=status, source=source,
            source_network_key=network_key, source_note=_SOURCE_NOTES[source],
            external_ref=demo_ref(self.geo.code, self.serial), entered_by=entered_by,
            created_at=created, updated_at=updated, needs=needs, groups=groups,
            consent=self.consent(real_age, created))

    def status(self, sd: str, waited: int) -> str:
        cum = _STATUS_CUM_HOLE if sd in self.holes else (
            _STATUS_CUM_NEW if waited < 30 else _STATUS_CUM_OLD)
        return self.rng.choices(_STATUSES, cum_weights=cum)[0]

    def reporting(self, household: HouseholdRow) -> tuple[str, int | None, int | None, str]:
        """Who reported the household, through which network, who typed it in, and
        the status it reached."""
        rng = self.rng
        sd = household.subdistrict
        hole = sd in self.holes
        source = rng.choices(_SOURCES, cum_weights=_SOURCE_CUM_HOLE if hole else _SOURCE_CUM)[0]
        network_key = None
        if source == "network":
            network_key = rng.choice(self.plan.networks_by_subdistrict[sd])
        entered_by = None
        if source != "public":
            users = self.enterers.get(sd) or self.enterers.get(sd[:4]) or \
                self.enterers.get(sd[:2])
            if users and rng.random() < 0.5:
                entered_by = rng.choice(users)
        return source, network_key, entered_by, self.status(
            sd, (self.start - household.created_at).days)

    def consent(self, age: int, at: datetime) -> ConsentRow | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return None  # not asked yet
        at = at + timedelta(minutes=5)
        if age < 15:
            return ConsentRow("given", ["care", "welfare"], "consent", at,
                              "ผู้ปกครองให้ความยินยอมแทน")
        if roll < 0.80:
            purposes = sorted(["care"] + [p for p, odds in (("sharing", 0.6), ("welfare", 0.7),
                                                            ("publication", 0.05))
                                          if rng.random() < odds])
            return ConsentRow("given", purposes, "consent", at, "")
        if roll < 0.93:
            return ConsentRow("unable", ["care"], rng.choice(("vital_interest",
                                                              "social_protection")), at,
                              "ไม่สามารถให้ความยินยอมได้ด้วยตนเอง")
        return ConsentRow("refused", [], "public_task", at, "")

    # -- households

    def households(self, persons: Mapping[str, int]) -> Iterator[HouseholdRow]:
        rng = self.rng
        for sd in self.geo.subdistricts:
            left = persons.get(sd.code, 0)
            used_numbers: dict[str | None, set[str]] = defaultdict(set)
            while left > 0:
                kind = rng.choices(_KINDS, cum_weights=_KIND_CUM)[0]
                village = rng.choice(sd.villages)[0] if sd.villages else None
                numbers = used_numbers[village]
                while True:  # the range grows with the village, so this always ends
                    house = str(rng.randint(1, 400 + 2 * len(numbers)))
                    if rng.random() < 0.15:
                        house += f"/{rng.randint(1, 9)}"
                    if house not in numbers:
                        numbers.add(house)
                        break
                household = HouseholdRow(subdistrict=sd.code, village=village,
                                         house_number=house,
                                         created_at=_moment(rng, self.start), members=[])
                self.report = self.reporting(household)
                self.fill(household, kind, left)
                left -= len(household.members)
                yield household

    def fill(self, h: HouseholdRow, kind: str, room: int) -> None:
        rng = self.rng
        family = self.pools.family
        surname = rng.choice(family)
        add = h.members.append
        p = self.person
        if kind == "monk":
            h.is_household = False
            h.house_number = ""
            add(p("monk", "M", rng.randint(20, 85), surname, household=h))
            return
        if room < 2 or kind == "elder_alone":
            sex = "F" if rng.random() < 0.62 else "M"
            add(p("elder_alone", sex, int(rng.triangular(60, 99, 72)), surname,
                  married=rng.random() < 0.8, household=h, phone=rng.random() < 0.35))
            return
        if kind == "alone":
            sex = "M" if rng.random() < 0.6 else "F"
            add(p("alone", sex, rng.randint(18, 59), surname, married=rng.random() < 0.3,
                  household=h, phone=rng.random() < 0.5))
            return
        if kind == "elder_couple":
            husband = int(rng.triangular(60, 95, 70))
            add(p("elder", "M", husband, surname, household=h, phone=rng.random() < 0.5))
            add(p("elder", "F", max(60, husband - rng.randint(0, 8)), surname, married=True,
                  household=h))
            return
        if kind == "skipped_generation":
            sex = "F" if rng.random() < 0.7 else "M"
            grand = int(rng.triangular(55, 88, 66))
            add(p("grandparent", sex, grand, surname, married=True, household=h,
                  phone=rng.random() < 0.4))
            if room > 2 and rng.random() < 0.4:
                add(p("grandparent", "M" if sex == "F" else "F",
                      max(50, grand + rng.randint(-5, 5)), surname, married=True, household=h))
            child_surname = surname if rng.random() < 0.7 else rng.choice(family)
            for _ in range(min(room - len(h.members), rng.randint(1, 3))):
                add(p("child", rng.choice("MF"), rng.randint(2, 17), child_surname,
                      household=h))
            return
        if kind == "disability":
            carer_sex = "F" if rng.random() < 0.75 else "M"
            carer_age = rng.randint(40, 78)
            disabled_age = rng.randint(3, min(55, carer_age - 18))
            add(p("carer", carer_sex, carer_age, surname, married=rng.random() < 0.7,
                  household=h, phone=rng.random() < 0.6))
            add(p("pwd", rng.choice("MF"), disabled_age, surname, household=h))
            return
        if kind == "single_parent":
            sex = "F" if rng.random() < 0.8 else "M"
            age = rng.randint(20, 50)
            add(p("parent", sex, age, surname, married=rng.random() < 0.5, household=h,
                  phone=rng.random() < 0.7))
            for _ in range(min(room - 1, rng.randint(1, 3))):
                add(p("child", rng.choice("MF"), rng.randint(0, min(17, age - 17)), surname,
                      household=h))
            return
        # poor_family: a couple and their children, sometimes hit by a flood or a crisis.
        profile = "affected" if rng.random() < 0.5 else "parent"
        age = rng.randint(25, 55)
        add(p(profile, "M", age, surname, household=h, phone=rng.random() < 0.7))
        add(p(profile, "F", max(20, age - rng.randint(0, 6)), surname, married=True,
              household=h))
        for _ in range(min(room - 2, rng.randint(0, 3))):
            add(p("child", rng.choice("MF"), rng.randint(0, min(17, age - 18)), surname,
                  household=h))


def raise_floor(counts: dict[str, int], codes: Iterable[str], floor: int) -> None:
    """At least ``floor`` persons in each of ``codes``, taken one by one from the
    subdistricts with the most (the first of equals): the total stays."""
    for code in codes:
        while code in counts and counts[code] < floor:
            donor = max((c for c in counts if c != code), key=counts.__getitem__, default=code)
            if donor == code or counts[donor] <= 1:
                return
            counts[donor] -= 1
            counts[code] += 1


def plan_province(geo: ProvinceGeo, persons: int, *, seed: int, today: date,
                  enterers: Mapping[str, Sequence[int]] | None = None,
                  never_holes: Iterable[str] = (),
                  accounts: Sequence[VolunteerAccount] = ()) -> ProvincePlan:
    """Everything to write for one province; households come as a lazy stream.
    The subdistricts of ``accounts`` are never holes and get at least
    :data:`ACCOUNT_AREA_PERSONS` persons."""
    villages = plan_villages(_rng(seed, geo.code, "villages"), geo)
    if villages:
        by_sd: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for v in villages:
            by_sd[v.subdistrict].append((v.code, v.name_th))
        geo = ProvinceGeo(geo.code, geo.name_th, geo.districts, tuple(
            SubdistrictInfo(s.code, s.district_code, s.name_th,
                            s.villages or tuple(by_sd.get(s.code, ())))
            for s in geo.subdistricts))
    weights = province_weights(_rng(seed, geo.code, "spread"), geo)
    counts = dict(zip((s.code for s in geo.subdistricts), allocate(persons, weights),
                      strict=True))
    account_areas = [a.subdistrict for a in accounts if a.subdistrict in counts]
    raise_floor(counts, account_areas, min(ACCOUNT_AREA_PERSONS, persons // 10))
    capacity = plan_capacity(_rng(seed, geo.code, "capacity"), geo, counts, today=today,
                             never_holes=[*never_holes, *account_areas], accounts=accounts)
    maker = _PersonMaker(_rng(seed, geo.code, "persons"), geo, today, capacity, enterers or {})
    return ProvincePlan(geo=geo, villages=villages, persons_by_subdistrict=counts,
                        capacity=capacity, households=maker.households(counts))
