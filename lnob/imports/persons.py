"""Checking person rows from a spreadsheet. Pure Python over a few lookup
tables loaded once per file (areas, villages, taxonomy, registered citizen IDs),
so a 200 k-row file is checked in seconds.

A bad row is reported with its row number (as the spreadsheet shows it,
header = row 1), the column and the reason — never dropped or "fixed".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import geothai
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core.bulk import batches
from lnob.core.citizen_id import CitizenIdError, normalise_citizen_id
from lnob.core.thaidates import ThaiDateError, parse_date, to_arabic_digits
from lnob.exports.columns import PERSON_COLUMNS
from lnob.geo.models import Subdistrict, Village
from lnob.imports.reading import Table
from lnob.registry.models import NoCitizenIdReason, Person, Sex, Source, Status
from lnob.registry.names import name_key
from lnob.registry.services import EARLIEST_BIRTH
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


HEADER_TO_FIELD = {header_key(alias): key for key, names in ALIASES.items() for alias in names}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PersonRow:
    """One valid row, ready for the database."""

    row: int
    fields: dict[str, Any]
    target_group_ids: list[int]
    needs: dict[int, int]
    existing_id: int | None = None  # set when external_ref matches a person: update
    keep_citizen_id: bool = False  # the file had it masked: keep the registered one


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
        seen_ids: dict[str, int] = {}
        for number, cells in table.rows:
            result.total += 1
            values = {key: _unguard(cells[i].strip()) if i < len(cells) else ""
                      for key, i in columns.items()}
            errors: list[RowError] = []
            person = self._row(number, values, errors)
            cid = person.fields.get("citizen_id") if person else None
            if cid:
                if cid in seen_ids:
                    errors.append(RowError(number, "citizen_id", _(
                        "The same citizen ID is on row %(row)d.") % {"row": seen_ids[cid]}))
                else:
                    seen_ids[cid] = number
            if errors:
                result.errors.extend(errors)
            elif person is not None:
                result.valid.append(person)
        self._check_registered(result)
        return result

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

    def _row(self, number: int, v: dict[str, str], errors: list[RowError]) -> PersonRow | None:
        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        first_name = " ".join(v.get("first_name", "").split())
        if not first_name:
            fail("first_name", _("The first name is empty."))
        last_name = " ".join(v.get("last_name", "").split())
        title = " ".join(v.get("title", "").split())
        sex = SEX_WORDS.get(v.get("sex", "").lower())
        if sex is None:
            fail("sex", _("Write the sex as ชาย/หญิง or M/F (or leave it empty)."))
        elif sex == Sex.OTHER and not v.get("sex"):
            sex = (Sex.MALE if title.startswith(MALE_TITLES) and not title.startswith("นาง")
                   else Sex.FEMALE if title.startswith(FEMALE_TITLES) else Sex.OTHER)
        citizen_id = ""
        reason = v.get("no_citizen_id_reason", "")
        keep_id = v.get("citizen_id", "").lower().startswith(MASKED_PREFIX)
        if keep_id:
            pass  # masked in an export: keeps the registered ID (checked with the reference)
        elif v.get("citizen_id"):
            try:
                citizen_id = normalise_citizen_id(v["citizen_id"])
            except CitizenIdError as err:
                fail("citizen_id", str(err))
            reason = ""
        elif reason and reason not in NO_ID_REASONS:
            fail("no_citizen_id_reason", _("Unknown reason “%(value)s”.") % {"value": reason})
        birth_date, year_only = self._birth(v.get("birth_date", ""), fail)
        subdistrict = self._area(v, fail)
        village_code = None
        if v.get("village_number") and subdistrict:
            number_text = to_arabic_digits(v["village_number"]).strip()
            if not number_text.isdigit():
                fail("village_number", _("หมู่ที่ must be a number, e.g. 3."))
            else:
                village_code = self.villages.get((subdistrict, int(number_text)))
                if village_code is None:
                    fail("village_number", _("หมู่ที่ %(number)s is not recorded in this "
                                             "subdistrict. Add it on the subdistrict's "
                                             "page first.") % {"number": number_text})
        group_ids = self._names(v.get("target_groups", ""), self.groups, "target_groups", fail)
        needs = self._needs(v.get("needs", ""), fail)
        source = v.get("source", "") or Source.IMPORT
        if source not in SOURCES:
            fail("source", _("Unknown source “%(value)s”.") % {"value": source})
        status = v.get("status", "") or Status.REPORTED
        if status not in STATUSES:
            fail("status", _("Unknown status “%(value)s”.") % {"value": status})
        if errors or subdistrict is None:
            return None
        return PersonRow(number, {
            "title": title, "first_name": first_name, "last_name": last_name, "sex": sex,
            "birth_date": birth_date, "birth_year_only": year_only, "citizen_id": citizen_id,
            # An empty ID in a list means the reporter did not know it.
            "no_citizen_id_reason": "" if citizen_id else (reason or NoCitizenIdReason.UNKNOWN),
            "phone": v.get("phone", "")[:20], "subdistrict_id": subdistrict,
            "village_id": village_code, "house_number": v.get("house_number", "")[:30],
            "address_text": v.get("address_text", "")[:255], "province_code": self.province,
            "district_code": subdistrict[:4], "source": source, "status": status,
            "source_note": v.get("source_note", "")[:255],
            "external_ref": v.get("external_ref", "")[:64],
            "name_key": name_key(first_name, last_name),
            "severity": max(needs.values(), default=0),
        }, group_ids, needs, keep_citizen_id=keep_id)

    def _birth(self, text: str, fail: Any) -> tuple[datetime.date | None, bool]:
        if not text:
            return None, False
        try:
            parsed = parse_date(text, allow_year_only=True)
        except ThaiDateError as err:
            fail("birth_date", str(err))
            return None, False
        if parsed.value > self.today:
            fail("birth_date", _("The birth date is in the future. Was a Buddhist Era year "
                                 "taken for CE, or the other way round?"))
        elif parsed.value < EARLIEST_BIRTH:
            fail("birth_date", _("The birth date is before 1880 (2423 BE)."))
        return parsed.value, parsed.year_only

    def _area(self, v: dict[str, str], fail: Any) -> str | None:
        code = to_arabic_digits(v.get("subdistrict_code", "")).strip()
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

    def _names(self, text: str, table: dict[str, int], column: str, fail: Any) -> list[int]:
        ids = []
        for part in _split(text):
            found = table.get(part.lower())
            if found is None:
                fail(column, _("Unknown entry “%(value)s”.") % {"value": part})
            else:
                ids.append(found)
        return sorted(set(ids))

    def _needs(self, text: str, fail: Any) -> dict[int, int]:
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
            elif level not in {"1", "2", "3", "4"}:
                fail("needs", _("The severity of “%(value)s” must be 1 to 4.") % {
                    "value": name.strip()})
            else:
                needs[need] = int(level)
        return needs

    def _check_registered(self, result: Checked[PersonRow]) -> None:
        """External references decide update vs create; a citizen ID already
        registered to someone else is reported, not merged (dedup decides)."""
        refs = {p.fields["external_ref"] for p in result.valid if p.fields["external_ref"]}
        by_ref: dict[str, tuple[int, str]] = {}
        for chunk in batches(sorted(refs), 900):
            for pk, ref, cid in Person.objects.filter(
                    province_code=self.province, external_ref__in=chunk).values_list(
                    "pk", "external_ref", "citizen_id"):
                by_ref[ref] = (pk, cid)
        ids = {p.fields["citizen_id"] for p in result.valid if p.fields["citizen_id"]}
        registered: dict[str, tuple[int, str]] = {}
        for chunk in batches(sorted(ids), 900):
            for pk, cid, province in Person.objects.filter(citizen_id__in=chunk).values_list(
                    "pk", "citizen_id", "province_code"):
                registered[cid] = (pk, province)
        kept = []
        for p in result.valid:
            existing = by_ref.get(p.fields["external_ref"]) if p.fields["external_ref"] else None
            p.existing_id = existing[0] if existing else None
            if p.keep_citizen_id:
                if existing is None:
                    result.errors.append(RowError(p.row, "citizen_id", _(
                        "The citizen ID is masked. Give the full ID, or leave it empty.")))
                    continue
                p.fields["citizen_id"] = existing[1]
                p.fields["no_citizen_id_reason"] = ""
            owner = registered.get(p.fields["citizen_id"])
            if owner and owner[0] != p.existing_id:
                message = (_("This citizen ID is already registered in province %(code)s.")
                           % {"code": owner[1]} if owner[1] != self.province else
                           _("This citizen ID is already registered in this province "
                             "(person %(id)d). Give that person's external reference to "
                             "update them.") % {"id": owner[0]})
                result.errors.append(RowError(p.row, "citizen_id", message))
            else:
                kept.append(p)
        result.valid = kept
        result.errors.sort(key=lambda e: e.row)


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

