"""Checking person rows from a spreadsheet. Pure Python over a few lookup
tables loaded once per file (areas, villages, taxonomy, registered citizen IDs),
so a 200 k-row file is checked in seconds: values that repeat from row to row
(dates, titles, lists of groups and needs, area names) are worked out once per
file, and a row is kept as a compact list of values, not a model or a dict.

A bad row is reported with its row number (as the spreadsheet shows it,
header = row 1), the column and the reason — never dropped or "fixed".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter, mul
from typing import Any, Generic, TypeVar

import geothai
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core.bulk import batches
from lnob.core.citizen_id import CitizenIdError, normalise_citizen_id
from lnob.core.thaidates import ThaiDateError, parse_date, to_arabic_digits
from lnob.exports.columns import PERSON_COLUMNS
from lnob.geo.models import Subdistrict, Village
from lnob.geo.services import MAX_VILLAGE_NUMBER
from lnob.imports import messages
from lnob.imports.reading import Table
from lnob.imports.welfare_facts import read_welfare
from lnob.registry import rules
from lnob.registry.models import CitizenIdProblem, NoCitizenIdReason, Person, Sex, Source, Status
from lnob.registry.names import name_key
from lnob.registry.taxonomy import Need, TargetGroup

# Headers people write besides the ones LNOB exports (PERSON_COLUMNS), compared
# after normalising (lower case, no spaces, dots or underscores).
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "external_ref": ("ref", "reference", "เลขที่อ้างอิง"),
    "citizen_id": ("เลขบัตรประชาชน", "id card", "เลขบัตร", "national id"),
    "title": ("คำนำหน้าชื่อ", "prefix"),
    "first_name": ("first name", "name", "given name"),
    "last_name": ("surname", "last name", "family name"),
    "sex": ("gender",),
    "birth_date": ("วันเดือนปีเกิด", "date of birth", "dob", "birth date"),
    "phone": ("เบอร์โทร", "เบอร์โทรศัพท์", "telephone", "mobile"),
    "subdistrict_code": ("tambon code",),
    "village_number": ("หมู่", "moo", "village no"),
    "house_number": ("house no", "house number"),
    "address_text": ("ที่อยู่", "address"),
    "target_groups": ("target group", "groups"),
    "needs": ("ความต้องการช่วยเหลือ", "need"),
    # Area by name instead of code (resolved with geothai.match).
    "subdistrict": ("subdistrict", "ตำบล", "แขวง", "tambon"),
    "district": ("district", "อำเภอ", "เขต", "amphoe"),
    "province": ("province", "จังหวัด", "changwat"),
    "postal_code": ("postal_code", "รหัสไปรษณีย์", "postcode", "zip"),
    "source_note": ("source_note", "หมายเหตุแหล่งที่มา", "note", "หมายเหตุ"),
    # Welfare facts (lnob.welfare; optional, see docs/welfare.md).
    "disability_registered": ("disability_registered", "บัตรคนพิการ", "มีบัตรคนพิการ",
                              "disability card"),
    "income_band": ("income_band", "รายได้ต่อคนต่อปี", "รายได้ครัวเรือนต่อคน", "income"),
}
ALIASES: dict[str, tuple[str, ...]] = {
    c.key: (c.en, c.th, *EXTRA_ALIASES.get(c.key, ())) for c in PERSON_COLUMNS if c.importable}
ALIASES.update({k: v for k, v in EXTRA_ALIASES.items() if k not in ALIASES})
# Columns an export adds that an import reads past (they are derived).
IGNORED = tuple(name for c in PERSON_COLUMNS if not c.importable for name in (c.en, c.th))
SEX_WORDS = {"m": Sex.MALE, "male": Sex.MALE, "ชาย": Sex.MALE, "ช": Sex.MALE,
             "f": Sex.FEMALE, "female": Sex.FEMALE, "หญิง": Sex.FEMALE, "ญ": Sex.FEMALE,
             "x": Sex.OTHER, "": Sex.OTHER}
MALE_TITLES = ("นาย", "เด็กชาย", "ด.ช.", "พระ", "สามเณร")
FEMALE_TITLES = ("นาง", "นางสาว", "น.ส.", "เด็กหญิง", "ด.ญ.", "แม่ชี")
LIST_SEPARATORS = (";", ",", "|")
MASKED_PREFIX = "x-xxxx-"
# TextChoices.values builds a new list on every call: keep sets.
SOURCES, STATUSES = frozenset(Source.values), frozenset(Status.values)
NO_ID_REASONS = frozenset(NoCitizenIdReason.values)


def header_key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch not in " ._-\u200b")


def match_columns(headers: list[str], header_to_field: dict[str, str],
                  ignored_keys: set[str]) -> tuple[dict[str, int], list[str]]:
    """A list file's columns by field (the first of repeated ones) and the
    headers it does not know, for the lists that refuse unknown columns."""
    columns: dict[str, int] = {}
    unknown = []
    for i, header in enumerate(headers):
        key = header_key(header)
        if key in header_to_field:
            columns.setdefault(header_to_field[key], i)
        elif key and key not in ignored_keys:
            unknown.append(header)
    return columns, unknown


HEADER_TO_FIELD = {header_key(alias): key for key, names in ALIASES.items() for alias in names}


@dataclass(frozen=True)
class RowError:
    """A problem of one row (an error stops the row; a warning keeps it)."""

    row: int
    column: str
    message: str


class Outcome:
    """What importing a valid row does (the preview shows it per row)."""

    NEW = "new"  # a new person
    UPDATE = "update"  # updates the person of its external reference
    ATTACH = "attach"  # adds to a person already registered (or to an earlier row's)
    REVIEW = "review"  # a new person, kept with a likely duplicate for the review queue


# The person fields a row sets, in the order of PersonRow.values.
ROW_FIELDS: tuple[str, ...] = (
    "title", "first_name", "last_name", "sex", "birth_date", "birth_year_only", "citizen_id",
    "no_citizen_id_reason", "phone", "subdistrict_id", "village_id", "house_number",
    "address_text", "province_code", "district_code", "source", "status", "source_note",
    "external_ref", "name_key", "severity", "citizen_id_problem")
FIELD_INDEX = {name: i for i, name in enumerate(ROW_FIELDS)}
CITIZEN_ID, NO_ID_REASON, EXTERNAL_REF = (
    FIELD_INDEX["citizen_id"], FIELD_INDEX["no_citizen_id_reason"], FIELD_INDEX["external_ref"])
ID_PROBLEM, NAME_KEY, BIRTH, YEAR_ONLY, SUBDISTRICT = (
    FIELD_INDEX["citizen_id_problem"], FIELD_INDEX["name_key"], FIELD_INDEX["birth_date"],
    FIELD_INDEX["birth_year_only"], FIELD_INDEX["subdistrict_id"])


class PersonRow:
    """One valid row, ready for the database. A 200 k-row file keeps 200 k of
    these until it is written, so they are small: the values in ROW_FIELDS
    order, and the groups and needs as tuples shared by rows that wrote the
    same list."""

    __slots__ = ("attach_row", "attach_to", "existing_id", "keep_citizen_id", "needs", "note",
                 "outcome", "review_row", "review_with", "row", "target_group_ids", "values",
                 "welfare")

    def __init__(self, row: int, values: list[Any], target_group_ids: tuple[int, ...] = (),
                 needs: tuple[tuple[int, int], ...] = (), *, existing_id: int | None = None,
                 keep_citizen_id: bool = False, note: dict[str, str] | None = None) -> None:
        self.row = row
        self.values = values
        self.target_group_ids = target_group_ids
        self.needs = needs  # (need id, severity) pairs
        self.existing_id = existing_id  # set when external_ref matches a person: update
        self.keep_citizen_id = keep_citizen_id  # the file had it masked: keep the registered one
        self.note = note  # what the row said that no field keeps (an unreadable ID)
        self.outcome = Outcome.NEW
        self.attach_to: int | None = None  # the registered person this row adds to
        self.attach_row: int | None = None  # … or the earlier row of the file it adds to
        self.review_with: int | None = None  # the likely duplicate queued for review
        self.review_row: int | None = None  # … or the earlier row of the file it may be
        # (disability card, income band) when the file has welfare columns (welfare_facts.py).
        self.welfare: tuple[str, str] | None = None

    @property
    def fields(self) -> dict[str, Any]:
        return dict(zip(ROW_FIELDS, self.values, strict=True))

    def __repr__(self) -> str:
        return f"PersonRow({self.row}, {self.fields!r})"


# Which columns of a file feed each person field: a re-import changes a field
# only when the file has one of its columns (an export without source notes
# does not erase them).
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    "title": ("title",), "first_name": ("first_name",), "last_name": ("last_name",),
    "name_key": ("first_name", "last_name"), "sex": ("sex", "title"),
    "birth_date": ("birth_date",), "birth_year_only": ("birth_date",),
    "citizen_id": ("citizen_id", "no_citizen_id_reason"),
    "no_citizen_id_reason": ("citizen_id", "no_citizen_id_reason"), "phone": ("phone",),
    "subdistrict_id": ("subdistrict_code", "subdistrict"),
    "district_code": ("subdistrict_code", "subdistrict"),
    "village_id": ("village_number",),
    "house_number": ("house_number",), "address_text": ("address_text",),
    "status": ("status",), "source_note": ("source_note",), "severity": ("needs",),
    "target_groups": ("target_groups",), "needs": ("needs",),
}


RowT = TypeVar("RowT")


@dataclass
class Checked(Generic[RowT]):
    """What checking a file found: the valid rows of its kind, the errors."""

    valid: list[RowT] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Problems of rows that are kept all the same (an imperfect ID, a village to confirm).
    row_warnings: list[RowError] = field(default_factory=list)
    # Villages the import creates "to confirm": code → (subdistrict code, number).
    villages: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Rows found to be persons already registered, for the preview: row, person, …
    likely: list[dict[str, Any]] = field(default_factory=list)
    # What writing did (write_persons): created, added to, kept for review, …
    written: dict[str, int] = field(default_factory=dict)
    written_ids: list[int] = field(default_factory=list)
    total: int = 0
    columns: frozenset[str] = frozenset()
    # Which columns feed each field, for updates(); each kind has its own.
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: FIELD_SOURCES)

    def updates(self, name: str) -> bool:
        """Whether the file has a column for this field (see FIELD_SOURCES)."""
        return any(c in self.columns for c in self.sources.get(name, (name,)))

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def outcomes(self) -> dict[str, int]:
        """How many valid rows are new persons, updates, additions, kept for review."""
        counts = {Outcome.NEW: 0, Outcome.UPDATE: 0, Outcome.ATTACH: 0, Outcome.REVIEW: 0}
        for row in self.valid:
            outcome = getattr(row, "outcome", Outcome.NEW)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts


# Values worked out once per file and distinct text (dates, lists, titles);
# beyond this many distinct texts a cache stops growing.
CACHED = 100_000
# The weights of a citizen ID's first 12 digits (see lnob.core.citizen_id).
ID_WEIGHTS = tuple(range(13, 1, -1))
ID_OFFSET = ord("0") * sum(ID_WEIGHTS)
# A problem of a cell, without its row: (column, message).
Problem = tuple[str, str]


class PersonChecker:
    """Checks rows for one province. Lookups are loaded once, up front."""

    def __init__(self, province_code: str) -> None:
        self.province = province_code
        self.subdistricts = {s.code: s for s in Subdistrict.objects.filter(
            province_id=province_code).only("code", "name_th", "district_id")}
        self.villages = {(v.subdistrict_id, v.number): v.code for v in Village.objects.filter(
            subdistrict__province_id=province_code).only("code", "subdistrict_id", "number")}
        groups = TargetGroup.objects.filter(active=True, province_code__in=["", province_code])
        needs = Need.objects.filter(active=True, province_code__in=["", province_code])
        self.groups = _lookup(groups)
        self.needs = _lookup(needs)
        self.area_cache: dict[tuple[str, str, str, str], tuple[str, str]] = {}
        self.today = timezone.localdate()
        # Text of a cell → what it means, for values that repeat from row to row.
        self.births: dict[str, tuple[datetime.date | None, bool, str]] = {}
        self.group_lists: dict[str, tuple[tuple[int, ...], list[Problem]]] = {}
        self.need_lists: dict[str, tuple[tuple[tuple[int, int], ...], int, list[Problem]]] = {}
        self.titles: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.result: Checked[PersonRow] = Checked()

    def check(self, table: Table) -> Checked[PersonRow]:
        result: Checked[PersonRow] = Checked()
        columns, unknown = self._columns(table.headers)
        result.columns = frozenset(columns)
        if unknown:
            result.warnings.append(_("Columns not read (unknown names): %(names)s. See the "
                                     "template for the names LNOB reads.") % {
                "names": ", ".join(unknown)})
        if "first_name" not in columns:
            result.errors.append(RowError(1, "first_name", _(
                "There is no first-name column (ชื่อ / first_name).")))
            return result
        if not {"subdistrict_code", "subdistrict"} & set(columns):
            result.errors.append(RowError(1, "subdistrict", _(
                "There is no subdistrict column (รหัสตำบล or ตำบล).")))
            return result
        keys = tuple(columns)
        pick = itemgetter(*columns.values(), 0)  # always a tuple, even for one column
        width = max(columns.values()) + 1
        padding = [""] * width
        valid, errors, warnings = result.valid, result.errors, result.row_warnings
        self.result = result
        total = 0
        for number, cells in table.rows:
            total += 1
            if len(cells) < width:
                cells = [*cells, *padding[len(cells):]]
            stripped = list(map(str.strip, pick(cells)))
            if "'" in "".join(stripped):
                stripped = [_unguard(c) for c in stripped]
            problems: list[RowError] = []
            person = self._row(number, dict(zip(keys, stripped, strict=False)), problems,
                               warnings)
            if problems:  # every problem of the row, named at once
                errors.extend(problems)
            elif person is not None:
                valid.append(person)
        result.total = total
        self._resolve(result)
        self._villages_to_create(result)
        return result

    def _villages_to_create(self, result: Checked[PersonRow]) -> None:
        """Only the villages of rows that are imported; said once per subdistrict."""
        used = {p.values[FIELD_INDEX["village_id"]] for p in result.valid}
        result.villages = {c: v for c, v in result.villages.items() if c in used}
        by_subdistrict: dict[str, list[int]] = {}
        for sd, number in result.villages.values():
            by_subdistrict.setdefault(sd, []).append(number)
        for sd, numbers in sorted(by_subdistrict.items()):
            area = self.subdistricts[sd]
            result.warnings.append(messages.village_to_create(
                f"{area.name_th} ({sd})", sorted(numbers)))

    def _columns(self, headers: list[str]) -> tuple[dict[str, int], list[str]]:
        columns: dict[str, int] = {}
        unknown = []
        ignored = {header_key(h) for h in IGNORED}
        for i, header in enumerate(headers):
            key = HEADER_TO_FIELD.get(header_key(header))
            if key is not None and key not in columns:
                columns[key] = i
            elif key is None and header and header_key(header) not in ignored:
                unknown.append(header)
        return columns, unknown

    def _row(self, number: int, v: dict[str, str], errors: list[RowError],
             warnings: list[RowError]) -> PersonRow | None:
        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        def warn(column: str, message: str) -> None:
            warnings.append(RowError(number, column, message))

        get = v.get
        first_name = rules.clean_name(get("first_name", ""))
        if not first_name:
            fail("first_name", _("The first name is empty."))
        last_name = rules.clean_name(get("last_name", ""))
        title, sex = self._title_and_sex(get("title", ""), get("sex", ""))
        if sex is None:
            fail("sex", _("Write the sex as ชาย/หญิง or M/F (or leave it empty)."))
        citizen_id, id_problem, note = "", "", None
        reason = get("no_citizen_id_reason", "")
        typed_id = get("citizen_id", "")
        keep_id = typed_id[:7].lower() == MASKED_PREFIX
        if keep_id:
            pass  # masked in an export: keeps the registered ID (checked with the reference)
        elif typed_id:
            try:
                citizen_id = _citizen_id(typed_id)
            except CitizenIdError as err:
                # A real person with an imperfect ID: kept as written, flagged, never
                # corrected, never a matching key until an officer fixes it.
                citizen_id, id_problem = imperfect_citizen_id(typed_id, err)
                if id_problem:
                    warn("citizen_id", messages.id_kept_unverified(id_problem, str(err)))
                else:
                    note = {"citizen_id_as_written": typed_id[:40]}
                    warn("citizen_id", messages.id_not_readable(str(err)))
            reason = "" if citizen_id else reason
        elif reason and reason not in NO_ID_REASONS:
            fail("no_citizen_id_reason", _("Unknown reason “%(value)s”.") % {"value": reason})
        birth_date, year_only = self._birth(get("birth_date", ""), fail)
        subdistrict = self._area(v, fail)
        village_code = None
        if subdistrict and get("village_number"):
            village_code = self._village(subdistrict, v["village_number"], warn)
            if village_code is None:
                note = {**(note or {}), "village_as_written": v["village_number"][:20]}
        # An unknown group or need, or a severity out of range, is not a reason to turn
        # the person away: a warning, and what the file says is kept in the history.
        before = len(warnings)
        group_ids = self._groups(get("target_groups", ""), warn)
        needs, severity = self._needs(get("needs", ""), warn)
        for column in sorted({w.column for w in warnings[before:]}):
            note = {**(note or {}), f"{column}_as_written": get(column, "")[:255]}
        source = get("source", "") or Source.IMPORT
        if source not in SOURCES:
            fail("source", _("Unknown source “%(value)s”.") % {"value": source})
        status = get("status", "") or Status.REPORTED
        if status not in STATUSES:
            fail("status", _("Unknown status “%(value)s”.") % {"value": status})
        welfare = read_welfare(get("disability_registered"), get("income_band"), warn)
        if errors or subdistrict is None:
            return None
        # In ROW_FIELDS order.
        row = PersonRow(number, [
            title, first_name, last_name, sex, birth_date, year_only, citizen_id,
            # An empty ID in a list means the reporter did not know it.
            "" if citizen_id else (reason or NoCitizenIdReason.UNKNOWN),
            get("phone", "")[:20], subdistrict, village_code, get("house_number", "")[:30],
            get("address_text", "")[:255], self.province, subdistrict[:4], source, status,
            get("source_note", "")[:255], get("external_ref", "")[:64],
            name_key(first_name, last_name), severity, id_problem,
        ], group_ids, needs, keep_citizen_id=keep_id, note=note)
        row.welfare = welfare
        return row

    def _village(self, subdistrict: str, text: str, warn: Any) -> str | None:
        """The village code of หมู่ที่ ``text``: a number not yet recorded in a known
        subdistrict is created "to confirm" by the import (said once per file);
        one that cannot be a village number is warned about and left out."""
        number_text = to_arabic_digits(text).strip()
        if number_text.lower().startswith(("ม.", "หมู่")):
            number_text = number_text.split(".", 1)[-1].replace("หมู่ที่", "").replace(
                "หมู่", "").strip()
        if not number_text.isdigit() or not 1 <= int(number_text) <= MAX_VILLAGE_NUMBER:
            warn("village_number", messages.village_not_a_number(text))
            return None
        number = int(number_text)
        code = self.villages.get((subdistrict, number))
        if code is None:
            code = f"{subdistrict}{number:02d}"
            self.result.villages[code] = (subdistrict, number)
        return code

    def _title_and_sex(self, title_text: str, sex_text: str) -> tuple[str, str | None]:
        """The title with single spaces, and the sex (from the title when the
        sex cell is empty); None when the sex cell cannot be read."""
        key = (title_text, sex_text)
        found = self.titles.get(key)
        if found is None:
            title = " ".join(title_text.split())
            sex = SEX_WORDS.get(sex_text.lower())
            if sex == Sex.OTHER and not sex_text:
                sex = (Sex.MALE if title.startswith(MALE_TITLES) and not title.startswith("นาง")
                       else Sex.FEMALE if title.startswith(FEMALE_TITLES) else Sex.OTHER)
            found = (title, sex)
            if len(self.titles) < CACHED:
                self.titles[key] = found
        return found

    def _birth(self, text: str, fail: Any) -> tuple[datetime.date | None, bool]:
        if not text:
            return None, False
        found = self.births.get(text)
        if found is None:
            found = self._read_birth(text)
            if len(self.births) < CACHED:
                self.births[text] = found
        value, year_only, problem = found
        if problem:
            fail("birth_date", problem)
        return value, year_only

    def _read_birth(self, text: str) -> tuple[datetime.date | None, bool, str]:
        try:
            parsed = parse_date(text, allow_year_only=True)
        except ThaiDateError as err:
            return None, False, str(err)
        return parsed.value, parsed.year_only, rules.birth_date_problem(parsed.value,
                                                                         self.today)

    def _area(self, v: dict[str, str], fail: Any) -> str | None:
        code = v.get("subdistrict_code", "")
        if code in self.subdistricts:
            return code
        code = to_arabic_digits(code).strip()
        if code:
            if code not in self.subdistricts:
                fail("subdistrict_code", _("%(code)s is not a subdistrict of this province.")
                     % {"code": code})
                return None
            return code
        key = (v.get("subdistrict", ""), v.get("district", ""), v.get("province", ""),
               v.get("postal_code", ""))
        if key not in self.area_cache:
            self.area_cache[key] = self._match(*key)
        found, problem = self.area_cache[key]
        if problem:
            fail("subdistrict", problem)
            return None
        return found

    def _match(self, subdistrict: str, district: str, province: str,
               postal: str) -> tuple[str, str]:
        if not subdistrict:
            return "", _("The subdistrict is empty.")
        matches = geothai.match(subdistrict, district=district or None,
                                province=province or None, postal_code=postal or None)
        inside = [m for m in matches if m.subdistrict.code in self.subdistricts]
        if len(inside) == 1:
            return inside[0].subdistrict.code, ""
        if not matches:
            return "", _("No subdistrict is named “%(name)s” there. Check the spelling, or "
                         "give the 6-digit subdistrict code.") % {"name": subdistrict}
        if not inside:
            return "", _("“%(name)s” is not in this province.") % {"name": subdistrict}
        return "", _("“%(name)s” is ambiguous (%(codes)s): add the district.") % {
            "name": subdistrict, "codes": ", ".join(m.subdistrict.code for m in inside[:5])}

    def _groups(self, text: str, fail: Any) -> tuple[int, ...]:
        if not text:
            return ()
        found = self.group_lists.get(text)
        if found is None:
            problems: list[Problem] = []
            ids = self._names(text, self.groups, "target_groups",
                              lambda column, message: problems.append((column, message)))
            found = (tuple(ids), problems)
            if len(self.group_lists) < CACHED:
                self.group_lists[text] = found
        for problem in found[1]:
            fail(*problem)
        return found[0]

    def _names(self, text: str, table: dict[str, int], column: str, fail: Any) -> list[int]:
        ids = []
        for part in _split(text):
            found = table.get(part.lower())
            if found is None:
                fail(column, _("Unknown entry “%(value)s”.") % {"value": part})
            else:
                ids.append(found)
        return sorted(set(ids))

    def _needs(self, text: str, fail: Any) -> tuple[tuple[tuple[int, int], ...], int]:
        """The (need, severity) pairs of a cell and the highest severity."""
        if not text:
            return (), 0
        found = self.need_lists.get(text)
        if found is None:
            problems: list[Problem] = []
            needs = self._read_needs(text, lambda column, message: problems.append(
                (column, message)))
            found = (tuple(needs.items()), max(needs.values(), default=0), problems)
            if len(self.need_lists) < CACHED:
                self.need_lists[text] = found
        for problem in found[2]:
            fail(*problem)
        return found[0], found[1]

    def _read_needs(self, text: str, fail: Any) -> dict[int, int]:
        needs: dict[int, int] = {}
        for part in _split(text):
            name, _sep, severity = part.rpartition(":")
            if not name:
                fail("needs", _("Write each need with its severity 1–4, e.g. “health:3”; "
                                "“%(value)s” has none.") % {"value": part})
                continue
            need = self.needs.get(name.strip().lower())
            level = to_arabic_digits(severity).strip()
            if need is None:
                fail("needs", _("Unknown need “%(value)s”.") % {"value": name.strip()})
            elif level not in {str(s) for s in rules.SEVERITIES}:
                fail("needs", _("The severity of “%(value)s” must be 1 to 4.") % {
                    "value": name.strip()})
            else:
                needs[need] = int(level)
        return needs

    def _resolve(self, result: Checked[PersonRow]) -> None:
        """What each valid row does. An external reference of the province updates its
        person. Otherwise a person seen again is kept, not refused: a verified citizen
        ID (or, without one, the same name, birth date and subdistrict) already
        registered in the province — or on an earlier row of the file — adds to that
        person; an ID registered outside the province keeps the row as a new person,
        queued for review without saying where the other record is; a likely duplicate
        the engine is sure of adds to it, one it is not sure of is queued for review."""
        rows = result.valid
        refs = {p.values[EXTERNAL_REF] for p in rows if p.values[EXTERNAL_REF]}
        by_ref: dict[str, tuple[int, str]] = {
            ref: (pk, cid) for pk, ref, cid in _registered(
                "id, external_ref, citizen_id", "external_ref", refs, self.province)}
        kept = []
        for p in rows:
            ref = p.values[EXTERNAL_REF]
            existing = by_ref.get(ref) if ref else None
            p.existing_id = existing[0] if existing else None
            if p.keep_citizen_id:
                if existing is None:
                    result.errors.append(RowError(p.row, "citizen_id", _(
                        "The citizen ID is masked. Give the full ID, or leave it empty.")))
                    continue
                p.values[CITIZEN_ID] = existing[1]
                p.values[NO_ID_REASON] = ""
                p.values[ID_PROBLEM] = ""
            if p.existing_id is not None:
                p.outcome = Outcome.UPDATE
            kept.append(p)
        result.valid = rows = kept
        result.errors.sort(key=lambda e: e.row)
        # Verified IDs only: an unverified one is never a matching key.
        ids = {p.values[CITIZEN_ID] for p in rows
               if p.values[CITIZEN_ID] and not p.values[ID_PROBLEM]}
        registered: dict[str, tuple[int, str]] = {}
        for pk, cid, province, status in sorted(_registered(
                "id, citizen_id, province_code, status", "citizen_id", ids)):
            if status == Status.DUPLICATE:  # merged away: its kept record has the ID too
                continue
            here = registered.get(cid)
            if here is None or (here[1] != self.province and province == self.province):
                registered[cid] = (pk, province)
        names = {p.values[NAME_KEY] for p in rows if p.outcome == Outcome.NEW
                 and not _verified_id(p) and _exact_key(p) is not None}
        same_name: dict[tuple[Any, ...], int] = {}
        for pk, key, birth, subdistrict, status in sorted(_registered(
                "id, name_key, birth_date, subdistrict_id, status", "name_key", names,
                self.province)):
            if status != Status.DUPLICATE:
                same_name.setdefault((key, _as_date(birth), subdistrict), pk)
        first_row_of: dict[Any, PersonRow] = {}
        for p in rows:
            cid = p.values[CITIZEN_ID] if not p.values[ID_PROBLEM] else ""
            name = _exact_key(p)
            if p.outcome == Outcome.UPDATE or (not cid and name is None):
                continue
            owner = registered.get(cid) if cid else None
            person = same_name.get(name[1:]) if not cid and name is not None else None
            if cid:
                earlier = first_row_of.setdefault(("id", cid), p)
                if earlier is p and name is not None:
                    # An earlier row of this name without an ID is this person too; a
                    # row with another verified ID is not.
                    before = first_row_of.get(name)
                    if before is not None and not _verified_id(before):
                        earlier = before
                    else:
                        first_row_of.setdefault(name, p)
            else:
                assert name is not None  # noqa: S101 — skipped above otherwise
                earlier = first_row_of.setdefault(name, p)
            if owner is not None and owner[1] == self.province or person is not None:
                p.outcome, p.attach_to = Outcome.ATTACH, owner[0] if owner else person
            elif earlier is not p:  # the same person as an earlier row of the file
                p.outcome, p.attach_row = Outcome.ATTACH, earlier.row
            elif owner is not None:  # registered outside the province: do not say where
                p.outcome, p.review_with = Outcome.REVIEW, owner[0]
                result.row_warnings.append(RowError(p.row, "citizen_id",
                                                    messages.match_outside_area()))
        self._score(result)

    def _score(self, result: Checked[PersonRow]) -> None:
        """The rows still new, against the persons registered (the duplicate engine's
        keys and scores): sure in the province → adds to that person; not sure, or
        outside the province → a new person queued for review. Up to
        IMPORT_DUPLICATE_ROWS rows; beyond, a note (the duplicate search finds them)."""
        from django.conf import settings

        from lnob.dedup.hints import likely_duplicates_of_rows

        fresh = [p for p in result.valid if p.outcome == Outcome.NEW]
        if not fresh:
            return
        limit = getattr(settings, "IMPORT_DUPLICATE_ROWS", 20_000)
        if len(result.valid) > limit:
            result.warnings.append(_(
                "The file has more than %(n)s valid rows: rows without a citizen ID were "
                "not compared with the persons already registered. Search the province "
                "for duplicates after importing it.") % {"n": f"{limit:,}"})
            return
        keys = ("title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
                "phone", "house_number")
        records = []
        for row in fresh:
            fields = row.fields
            records.append({**{k: fields[k] for k in keys},
                            # An unverified ID is no matching key.
                            "citizen_id": "" if fields["citizen_id_problem"]
                            else fields["citizen_id"],
                            "subdistrict": fields["subdistrict_id"] or "",
                            "village": fields["village_id"] or ""})
        found = likely_duplicates_of_rows(records)
        self._within(fresh, records, {i for i, _p, _m in found}, result)
        persons = {pk: (province, status) for pk, province, status in Person.objects.filter(
            pk__in=[p for _i, p, _m in found]).values_list("pk", "province_code", "status")}
        for i, person, match in found:
            province, status = persons.get(person, ("", Status.DUPLICATE))
            if status == Status.DUPLICATE:
                continue
            row = fresh[i]
            sure = match.decision == "merge" and province == self.province
            if sure:
                row.outcome, row.attach_to = Outcome.ATTACH, person
            else:
                row.outcome, row.review_with = Outcome.REVIEW, person
                if province != self.province:
                    result.row_warnings.append(RowError(row.row, "first_name",
                                                        messages.match_outside_area()))
            if province != self.province:  # neither whose record nor where
                result.likely.append({"row": row.row, "outside": True,
                                      "evidence": match.as_dict(),
                                      "probability": round(match.probability, 4)})
                continue
            result.likely.append({"row": row.row, "person": person, "province": province,
                                  "probability": round(match.probability, 4),
                                  "sure": match.decision == "merge",
                                  "evidence": match.as_dict()})
        result.row_warnings.sort(key=lambda e: e.row)

    def _within(self, fresh: list[PersonRow], records: list[dict[str, Any]],
                registered: set[int], result: Checked[PersonRow]) -> None:
        """Rows still new that are likely an earlier row of the same file (another
        spelling, no ID): sure → adds to that row's person; not sure → kept beside it
        for review (the pair is queued once both are written)."""
        from lnob.dedup.hints import likely_duplicates_within

        for i, j, match in likely_duplicates_within(records):
            row, earlier = fresh[i], fresh[j]
            if i in registered or row.outcome != Outcome.NEW:
                continue  # a registered person is the better match
            if match.decision == "merge":
                row.outcome, row.attach_row = Outcome.ATTACH, earlier.row
            else:
                row.outcome, row.review_row = Outcome.REVIEW, earlier.row
            result.likely.append({"row": row.row, "earlier_row": earlier.row,
                                  "probability": round(match.probability, 4),
                                  "sure": match.decision == "merge",
                                  "evidence": match.as_dict()})


def _exact_key(p: PersonRow) -> tuple[Any, ...] | None:
    """Without a citizen ID, the same name, full birth date and subdistrict say "the
    same person" (a repeat of a row, or of a registered person)."""
    v = p.values
    if v[BIRTH] is None or v[YEAR_ONLY]:
        return None
    return ("name", v[NAME_KEY], v[BIRTH], v[SUBDISTRICT])


def _verified_id(p: PersonRow) -> bool:
    return bool(p.values[CITIZEN_ID]) and not p.values[ID_PROBLEM]


def _as_date(value: Any) -> Any:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def imperfect_citizen_id(text: str, err: CitizenIdError) -> tuple[str, str]:
    """An ID that fails its checks, kept as written when it is 8 to 13 digits:
    (digits, problem). ("", "") when it cannot be kept as an ID at all."""
    digits = "".join(ch for ch in to_arabic_digits(text) if ch not in " -.\u200b\u00a0")
    if not (digits.isascii() and digits.isdigit()) or not 8 <= len(digits) <= 13:
        return "", ""
    if len(digits) == 13:
        return digits, CitizenIdProblem.CHECK_DIGIT
    if len(digits) == 12:
        return digits, CitizenIdProblem.TWELVE_DIGITS
    return digits, CitizenIdProblem.LENGTH


def _registered(columns: str, column: str, values: set[str],
                province: str | None = None) -> list[tuple[Any, ...]]:
    """Persons whose ``column`` is one of ``values`` (in ``province``): raw SQL,
    since building an ORM query of 900 parameters costs more than running it.
    PostgreSQL takes all the values as one array; SQLite in chunks (its limit
    on parameters)."""
    if not values:
        return []
    table = connection.ops.quote_name(Person._meta.db_table)
    where = "province_code = %s AND " if province else ""
    before = [province] if province else []
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array literal: adapting a list of 200 k strings costs more.
            # Citizen IDs (digits) need no quotes.
            digits = all(v.isascii() and v.isdigit() for v in values)
            array = "{" + ",".join(values if digits else map(_quoted, values)) + "}"
            cursor.execute(f"SELECT {columns} FROM {table} "  # noqa: S608 — names are ours
                           f"WHERE {where}{column} = ANY(%s::text[])", [*before, array])
            return list(cursor.fetchall())
        for chunk in batches(sorted(values), 900):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {columns} FROM {table} "  # noqa: S608 — names are ours
                           f"WHERE {where}{column} IN ({marks})", [*before, *chunk])
            found.extend(cursor.fetchall())
    return found


def _quoted(value: str) -> str:
    """An element of a PostgreSQL array literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _citizen_id(text: str) -> str:
    """normalise_citizen_id(), with a fast way for the usual forms (13 digits,
    or 1-2345-67890-12-1) and the same errors for anything else."""
    digits = text.replace("-", "") if len(text) == 17 else text
    if len(digits) == 13 and digits.isascii() and digits.isdigit():
        raw = digits.encode()
        if (11 - (sum(map(mul, raw, ID_WEIGHTS)) - ID_OFFSET) % 11) % 10 == raw[12] - 48:
            return digits
    return normalise_citizen_id(text)


def _unguard(value: str) -> str:
    """Undo the export's guard against spreadsheet formulas ('=… → =…)."""
    if len(value) > 2 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _lookup(entries: Iterable[Any]) -> dict[str, int]:
    """Codes and Thai and English names, lower-cased, to ids."""
    table: dict[str, int] = {}
    for e in entries:
        for key in (e.code, e.name_th, e.name_en):
            if key:
                table[key.lower()] = e.pk
    return table


def _split(text: str) -> list[str]:
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [p.strip() for p in text.split(LIST_SEPARATORS[0]) if p.strip()]

