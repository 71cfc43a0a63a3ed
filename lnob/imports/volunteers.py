"""Checking and writing volunteer rows (อาสาสมัคร, อพม.) from a spreadsheet.

The columns are those the volunteer list exports (``VOLUNTEER_COLUMNS``), in
Thai or English: a row whose ``id`` is a volunteer of the province updates it
(only the fields the file has columns for), any other row adds a volunteer.
The rules are the volunteer services' (``lnob.networks.services.volunteers``);
each bad row is reported with its row number, column and what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from lnob.core.bulk import batches
from lnob.core.models import User
from lnob.core.thaidates import to_arabic_digits
from lnob.exports.columns import VOLUNTEER_COLUMNS
from lnob.imports.capacity import (
    ProvinceLookups,
    header_map,
    name_key,
    province_of_row,
    read_columns,
    record_id,
    report,
    set_links,
    unknown_columns_warning,
    values,
    whole_number,
    yes_no,
)
from lnob.imports.persons import Checked, RowError
from lnob.imports.reading import Table
from lnob.networks import validation as check
from lnob.networks.models import Volunteer
from lnob.networks.services.volunteers import MAX_VOLUNTEER_CAPACITY

EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "name", "ชื่ออาสาสมัคร"),
    "last_name": ("surname", "last name", "family name"),
    "phone": ("เบอร์โทร", "เบอร์โทรศัพท์", "telephone", "mobile"),
    "is_msdhs": ("msdhs", "อพม", "เป็นอพม."),
    "network_id": ("network", "เครือข่าย"),
    "subdistrict_codes": ("subdistricts", "ตำบลที่ดูแล"),
}
# Read although the export marks them read-only: the id says which volunteer
# a row updates, and the network may be given by name instead of id.
HEADERS, IGNORED = header_map(VOLUNTEER_COLUMNS, EXTRA_ALIASES, ("id", "network_name"))
NETWORK_COLUMNS = ("network_id", "network_name")

FIELDS = ("first_name", "last_name", "phone", "is_msdhs", "network_id", "capacity", "active")
RELATIONS = {"subdistricts": "subdistrict_codes", "needs": "needs"}
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    **{f: (f,) for f in FIELDS},
    "network_id": NETWORK_COLUMNS,
    **{relation: (column,) for relation, column in RELATIONS.items()},
}


@dataclass(eq=False)
class VolunteerRow:
    """One valid row, ready for the database."""

    row: int
    fields: dict[str, Any]
    relations: dict[str, list[Any]]
    existing_id: int | None = None  # the id matched a volunteer of the province: update
    file_id: int | None = None


class VolunteerChecker:
    """Checks volunteer rows for one province. Lookups are loaded once, up front."""

    def __init__(self, province_code: str) -> None:
        self.province = province_code
        self.lookups = ProvinceLookups(province_code)
        self.volunteers = set(Volunteer.objects.filter(
            province_code=province_code).values_list("pk", flat=True))

    def check(self, table: Table) -> Checked[VolunteerRow]:
        result: Checked[VolunteerRow] = Checked(sources=FIELD_SOURCES)
        columns, unknown = read_columns(table.headers, HEADERS, IGNORED)
        result.columns = frozenset(columns)
        if unknown:
            result.warnings.append(unknown_columns_warning(unknown))
        if "first_name" not in columns:
            result.errors.append(RowError(1, "first_name", _(
                "There is no first-name column (ชื่อ / first_name).")))
            return result
        seen_ids: dict[int, int] = {}
        for number, cells in table.rows:
            result.total += 1
            errors: list[RowError] = []
            volunteer = self._row(number, values(cells, columns), errors)
            if volunteer is not None and volunteer.file_id is not None:
                if volunteer.file_id in seen_ids:
                    errors.append(RowError(number, "id", _("The same id is on row %(row)d.")
                                           % {"row": seen_ids[volunteer.file_id]}))
                else:
                    seen_ids[volunteer.file_id] = number
            if errors:
                result.errors.extend(errors)
            elif volunteer is not None:
                result.valid.append(volunteer)
        missing = sum(1 for r in result.valid
                      if r.file_id is not None and r.existing_id is None)
        if missing:
            result.warnings.append(_(
                "%(count)d rows have an id that is not a volunteer of this province: they are "
                "added as new volunteers.") % {"count": missing})
        return result

    def _row(self, number: int, v: dict[str, str],
             errors: list[RowError]) -> VolunteerRow | None:
        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        problems: check.Errors = {}
        file_id = record_id(v.get("id", ""), fail)
        province_of_row(v.get("province_code", ""), self.province, fail)
        fields = {
            "province_code": self.province,
            "first_name": check.text(problems, "first_name", v.get("first_name", ""),
                                     max_length=100,
                                     required_message=_("Give the volunteer's first name.")),
            "last_name": check.text(problems, "last_name", v.get("last_name", ""),
                                    max_length=100),
            "phone": check.phone(problems, "phone", v.get("phone", "")),
            "is_msdhs": yes_no(v.get("is_msdhs", ""), False, "is_msdhs", fail),
            "network_id": self._network(v, fail),
            "capacity": whole_number(
                problems, "capacity", v.get("capacity", ""), default=5,
                maximum=MAX_VOLUNTEER_CAPACITY,
                negative_message=_("The number of people a volunteer can follow cannot be "
                                   "negative.")),
            "active": yes_no(v.get("active", ""), True, "active", fail),
        }
        report(problems, fail)
        relations: dict[str, list[Any]] = {
            "subdistricts": self.lookups.subdistricts(v.get("subdistrict_codes", ""),
                                                      "subdistrict_codes", fail),
            "needs": self.lookups.need_ids(v.get("needs", ""), "needs", fail),
        }
        if errors:
            return None
        existing = file_id if file_id in self.volunteers else None
        return VolunteerRow(number, fields, relations, existing_id=existing, file_id=file_id)

    def _network(self, v: dict[str, str], fail: Any) -> int | None:
        """The network by id, or by name within the province."""
        text = " ".join(v.get("network_id", "").split())
        column = "network_id"
        if not text and v.get("network_name"):
            text, column = " ".join(v["network_name"].split()), "network_name"
        if not text:
            return None
        number = to_arabic_digits(text)
        if number.isdigit():
            pk = int(number)
            if pk in self.lookups.networks:
                return pk
            if self.lookups.network_province(pk):
                fail(column, _("Network %(id)d is in another province: choose a network of "
                               "the volunteer's province.") % {"id": pk})
            else:
                fail(column, _("There is no network %(id)d: give the id of a network of this "
                               "province, or its name.") % {"id": pk})
            return None
        found = self.lookups.network_names.get(name_key(text), [])
        if not found:
            fail(column, _("There is no network named “%(name)s” in this province. Add the "
                           "network first, or check the spelling.") % {"name": text})
            return None
        if len(found) > 1:
            fail(column, _("More than one network is named “%(name)s” (ids %(ids)s): give "
                           "the network's id instead.") % {
                "name": text, "ids": ", ".join(str(pk) for pk in found)})
            return None
        return found[0]


def write_volunteers(checked: Checked[VolunteerRow], *, actor: User,
                     progress: Any = None) -> tuple[int, int]:
    """Adds the new volunteers and updates those whose id matched (only the
    fields the file has columns for), with their areas and needs. Call inside
    a transaction; the caller writes the one audit row (without names: the
    log is read more widely than the records)."""
    del actor
    rows = checked.valid
    new = [r for r in rows if r.existing_id is None]
    old = [r for r in rows if r.existing_id is not None]
    created = [Volunteer(**r.fields) for r in new]
    if connection.features.can_return_rows_from_bulk_insert:
        Volunteer.objects.bulk_create(created, batch_size=500)
    else:  # pragma: no cover — both SQLite ≥ 3.35 and PostgreSQL return the ids
        for volunteer in created:
            volunteer.save()
    for r, volunteer in zip(new, created, strict=True):
        r.existing_id = volunteer.pk
    if progress is not None:
        progress(len(new))
    fields = [f for f in FIELDS if checked.updates(f)]
    for batch in batches(old, 500):
        current = Volunteer.objects.in_bulk([r.existing_id for r in batch])
        changed = []
        for r in batch:
            volunteer = current[r.existing_id]
            before = [getattr(volunteer, f) for f in fields]
            for f in fields:
                setattr(volunteer, f, r.fields[f])
            if [getattr(volunteer, f) for f in fields] != before:
                changed.append(volunteer)
        Volunteer.objects.bulk_update(changed, [("network" if f == "network_id" else f)
                                                for f in fields])
    for relation in RELATIONS:
        written = rows if checked.updates(relation) else new
        set_links(Volunteer, relation, {r.existing_id: r.relations[relation] for r in written
                                        if r.existing_id is not None})
    if progress is not None:
        progress(len(rows))
    return len(new), len(old)
