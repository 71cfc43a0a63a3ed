"""Checking and writing network rows (เครือข่าย, แม่ข่าย) from a spreadsheet.

The columns are those the network list exports (``NETWORK_COLUMNS``), in Thai
or English, so an exported list can be changed and imported again: a row whose
``id`` is a network of the province updates it (only the fields the file has
columns for), any other row adds a network. The rules are the network
services' (``lnob.networks.services.networks``); each bad row is reported with
its row number, column and what to fix — never dropped or "fixed"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from lnob.core.bulk import batches
from lnob.core.models import User
from lnob.exports.columns import NETWORK_COLUMNS
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
from lnob.networks.models import Network, PartnerType
from lnob.networks.services.networks import MAX_NETWORK_CAPACITY

EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("network", "network name", "เครือข่าย", "ชื่อ"),
    "partner_type": ("partner type", "type", "ประเภท"),
    "leader_name": ("leader", "ผู้นำเครือข่าย"),
    "contact_phone": ("phone", "เบอร์โทร", "เบอร์โทรศัพท์"),
    "contact_email": ("email", "e-mail", "อีเมล์"),
    "subdistrict_codes": ("subdistricts", "ตำบลที่ดูแล"),
    "village_codes": ("villages", "หมู่บ้านที่ดูแล"),
}
# Read although the export marks them read-only: the id says which network a
# row updates, and a lead network may be given by name instead of id.
READ_ONLY_READ = ("id", "lead_network_name")
HEADERS, IGNORED = header_map(NETWORK_COLUMNS, EXTRA_ALIASES, READ_ONLY_READ)
LEAD_COLUMNS = ("lead_network_id", "lead_network_name")

# The fields a row sets, in the model's names.
FIELDS = ("name", "partner_type", "is_lead", "leader_name", "contact_phone", "contact_email",
          "capacity", "active")
RELATIONS = {"subdistricts": "subdistrict_codes", "villages": "village_codes",
             "needs": "needs"}
# Which columns of a file feed each field: a re-import changes a field only
# when the file has a column for it.
FIELD_SOURCES: dict[str, tuple[str, ...]] = {
    **{f: (f,) for f in FIELDS},
    "lead_network": LEAD_COLUMNS,
    **{relation: (column,) for relation, column in RELATIONS.items()},
}


def partner_types() -> dict[str, str]:
    """Codes and the Thai and English labels, lower-cased, to codes."""
    table: dict[str, str] = {}
    for language in ("en", "th"):
        with translation.override(language):
            for code, label in PartnerType.choices:
                table[str(label).lower()] = code
    table.update({code: code for code in PartnerType.values})
    return table


@dataclass(eq=False)
class NetworkRow:
    """One valid row, ready for the database."""

    row: int
    fields: dict[str, Any]
    relations: dict[str, list[Any]]
    existing_id: int | None = None  # the id matched a network of the province: update
    file_id: int | None = None  # the id column as written
    lead_ref: tuple[str, Any] | None = None  # ("id", 12) or ("name", "…"), as written
    lead_id: int | None = None  # the lead network, recorded already…
    lead_row: NetworkRow | None = None  # …or added by this file


class NetworkChecker:
    """Checks network rows for one province. Lookups are loaded once, up front."""

    def __init__(self, province_code: str) -> None:
        self.province = province_code
        self.lookups = ProvinceLookups(province_code)
        self.partner_types = partner_types()
        self.columns: frozenset[str] = frozenset()

    def check(self, table: Table) -> Checked[NetworkRow]:
        result: Checked[NetworkRow] = Checked(sources=FIELD_SOURCES)
        columns, unknown = read_columns(table.headers, HEADERS, IGNORED)
        self.columns = result.columns = frozenset(columns)
        if unknown:
            result.warnings.append(unknown_columns_warning(unknown))
        if "name" not in columns:
            result.errors.append(RowError(1, "name", _(
                "There is no network-name column (ชื่อเครือข่าย / name).")))
            return result
        seen_names: dict[str, tuple[int, bool]] = {}  # name → (row, adds a network)
        seen_ids: dict[int, int] = {}
        shared: set[str] = set()
        for number, cells in table.rows:
            result.total += 1
            errors: list[RowError] = []
            network = self._row(number, values(cells, columns), errors)
            if network is not None:
                key = name_key(network.fields["name"])
                adds = network.existing_id is None
                earlier = seen_names.get(key)
                if earlier is not None and (adds or earlier[1]):
                    errors.append(RowError(number, "name", _(
                        "The same network name is on row %(row)d: give each network its own "
                        "name, or join the two rows.") % {"row": earlier[0]}))
                elif earlier is not None:
                    # Two recorded networks (by their ids) share a name, as the
                    # services allow: nothing is ambiguous, but say so.
                    shared.add(network.fields["name"])
                elif key:
                    seen_names[key] = (number, adds)
                if network.file_id is not None:
                    if network.file_id in seen_ids:
                        errors.append(RowError(number, "id", _(
                            "The same id is on row %(row)d.") % {
                            "row": seen_ids[network.file_id]}))
                    else:
                        seen_ids[network.file_id] = number
            if errors:
                result.errors.extend(errors)
            elif network is not None:
                result.valid.append(network)
        self._across(result)
        if shared:
            result.warnings.append(_(
                "Several recorded networks share these names (each row is matched by its id): "
                "%(names)s. A lead network or a volunteer's network cannot be given by such a "
                "name, only by its id.") % {"names": ", ".join(sorted(shared)[:20])})
        missing = sum(1 for r in result.valid
                      if r.file_id is not None and r.existing_id is None)
        if missing:
            result.warnings.append(_(
                "%(count)d rows have an id that is not a network of this province: they are "
                "added as new networks.") % {"count": missing})
        result.errors.sort(key=lambda e: e.row)
        return result

    def _row(self, number: int, v: dict[str, str],
             errors: list[RowError]) -> NetworkRow | None:
        def fail(column: str, message: str) -> None:
            errors.append(RowError(number, column, message))

        problems: check.Errors = {}
        file_id = record_id(v.get("id", ""), fail)
        existing = file_id if file_id in self.lookups.networks else None
        name = check.text(problems, "name", v.get("name", ""), max_length=200,
                          required_message=_("Give the network's name."))
        partner_type = self._partner_type(v.get("partner_type", ""), existing, fail)
        province_of_row(v.get("province_code", ""), self.province, fail)
        fields = {
            "province_code": self.province,
            "name": name,
            "partner_type": partner_type,
            "is_lead": yes_no(v.get("is_lead", ""), False, "is_lead", fail),
            "leader_name": check.text(problems, "leader_name", v.get("leader_name", ""),
                                      max_length=150),
            "contact_phone": check.phone(problems, "contact_phone",
                                         v.get("contact_phone", "")),
            "contact_email": check.email(problems, "contact_email",
                                         v.get("contact_email", "")),
            "capacity": whole_number(
                problems, "capacity", v.get("capacity", ""), default=0,
                maximum=MAX_NETWORK_CAPACITY,
                negative_message=_("The number of people the network can care for cannot be "
                                   "negative.")),
            "active": yes_no(v.get("active", ""), True, "active", fail),
        }
        report(problems, fail)
        relations: dict[str, list[Any]] = {
            "subdistricts": self.lookups.subdistricts(v.get("subdistrict_codes", ""),
                                                      "subdistrict_codes", fail),
            "villages": self.lookups.village_codes(v.get("village_codes", ""),
                                                   "village_codes", fail),
            "needs": self.lookups.need_ids(v.get("needs", ""), "needs", fail),
        }
        lead_ref: tuple[str, Any] | None = None
        lead_text = v.get("lead_network_id", "")
        if lead_text:
            lead_number = lead_text.strip()
            lead_ref = ("id", int(lead_number)) if lead_number.isdigit() else ("name",
                                                                              lead_text)
        elif v.get("lead_network_name"):
            lead_ref = ("name", v["lead_network_name"])
        if errors:
            return None
        return NetworkRow(number, fields, relations, existing_id=existing, file_id=file_id,
                          lead_ref=lead_ref)

    def _partner_type(self, text: str, existing: int | None, fail: Any) -> str:
        value = " ".join(text.split())
        if not value:
            if existing is None or "partner_type" in self.columns:
                fail("partner_type", _("Give the partner type, e.g. community, "
                                       "local_government or school."))
            return ""
        code = self.partner_types.get(value.lower())
        if code is None:
            fail("partner_type", _("Unknown partner type “%(value)s”: write one of %(codes)s "
                                   "(or its name).") % {
                "value": value, "codes": ", ".join(PartnerType.values)})
            return ""
        return code

    # Across rows: lead networks (which may be rows of the same file) and names.

    def _is_lead(self, row: NetworkRow) -> bool:
        if row.existing_id is not None and "is_lead" not in self.columns:
            return self.lookups.networks[row.existing_id][1]
        return bool(row.fields["is_lead"])

    def _across(self, result: Checked[NetworkRow]) -> None:
        """Rows that fail here leave the file; checked again until none fails,
        since a row may rest on one that left (its lead network)."""
        rows = result.valid
        while True:
            failed: dict[NetworkRow, list[RowError]] = {}
            self._resolve_leads(rows, failed)
            self._check_names(rows, failed)
            self._check_members(rows, failed)
            if not failed:
                break
            for problems in failed.values():
                result.errors.extend(problems)
            rows = [r for r in rows if r not in failed]
        result.valid = rows

    def _resolve_leads(self, rows: list[NetworkRow],
                       failed: dict[NetworkRow, list[RowError]]) -> None:
        by_id = {r.existing_id: r for r in rows if r.existing_id is not None}
        by_name: dict[str, list[NetworkRow | int]] = {}
        for r in rows:
            by_name.setdefault(name_key(r.fields["name"]), []).append(r)
        for pk, (name, _is_lead, _of) in self.lookups.networks.items():
            if pk not in by_id:
                by_name.setdefault(name_key(name), []).append(pk)
        has_lead_column = any(c in self.columns for c in LEAD_COLUMNS)
        column = "lead_network_id" if "lead_network_id" in self.columns else "lead_network_name"
        for r in rows:
            r.lead_id, r.lead_row = None, None

            def fail(message: str, r: NetworkRow = r) -> None:
                failed.setdefault(r, []).append(RowError(r.row, column, message))

            if r.existing_id is not None and not has_lead_column:
                r.lead_id = self.lookups.networks[r.existing_id][2]  # unchanged
                if r.lead_id is not None and self._is_lead(r):
                    failed.setdefault(r, []).append(RowError(r.row, "is_lead", _(
                        "This network belongs to a lead network, and a lead network (แม่ข่าย) "
                        "does not belong to another: add the lead network column and leave "
                        "it empty, or write no here.")))
                continue
            if r.lead_ref is None:
                continue
            target: NetworkRow | int | None = None
            how, value = r.lead_ref
            if how == "id":
                target = by_id.get(value) or (value if value in self.lookups.networks
                                              else None)
                if target is None:
                    elsewhere = self.lookups.network_province(value)
                    fail(_("Network %(id)d is in another province: a network belongs to a "
                           "lead network of its own province.") % {"id": value}
                         if elsewhere else
                         _("There is no network %(id)d: give the id of a lead network of this "
                           "province, or its name.") % {"id": value})
                    continue
            else:
                found = by_name.get(name_key(value), [])
                if not found:
                    fail(_("There is no lead network named “%(name)s” in this province or in "
                           "this file.") % {"name": value})
                    continue
                if len(found) > 1:
                    fail(_("More than one network is named “%(name)s”: give the lead "
                           "network's id instead.") % {"name": value})
                    continue
                target = found[0]
            if isinstance(target, NetworkRow):
                lead_name, lead_is_lead = target.fields["name"], self._is_lead(target)
                same = target is r
            else:
                lead_name, lead_is_lead = self.lookups.networks[target][:2]
                same = target == r.existing_id
            if same:
                fail(_("A network cannot be its own lead network."))
            elif self._is_lead(r):
                fail(_("A lead network (แม่ข่าย) does not belong to another lead network: "
                       "write no under is_lead or leave this empty."))
            elif not lead_is_lead:
                fail(_("%(name)s is not a lead network (แม่ข่าย): choose a lead network as "
                       "the one this network belongs to.") % {"name": lead_name})
            elif isinstance(target, NetworkRow) and target.existing_id is None:
                r.lead_row = target
            else:
                r.lead_id = target.existing_id if isinstance(target, NetworkRow) else target

    def _check_names(self, rows: list[NetworkRow],
                     failed: dict[NetworkRow, list[RowError]]) -> None:
        """A new row named as a network of the province that the file does not
        update would add it a second time."""
        in_file = {r.existing_id for r in rows if r.existing_id is not None}
        for r in rows:
            if r.existing_id is not None:
                continue
            recorded = [pk for pk in self.lookups.network_names.get(
                name_key(r.fields["name"]), []) if pk not in in_file]
            if recorded:
                failed.setdefault(r, []).append(RowError(r.row, "name", _(
                    "A network named “%(name)s” is already recorded in this province (id "
                    "%(id)d): write %(id)d in the id column to update it, or choose another "
                    "name.") % {"name": r.fields["name"], "id": recorded[0]}))

    def _check_members(self, rows: list[NetworkRow],
                       failed: dict[NetworkRow, list[RowError]]) -> None:
        """A lead network cannot stop being one while it has member networks."""
        by_id = {r.existing_id: r for r in rows if r.existing_id is not None}
        members: dict[int, list[int]] = {}
        for pk, (_name, _is_lead, lead) in self.lookups.networks.items():
            if lead is not None:
                members.setdefault(lead, []).append(pk)
        for r in rows:
            if r.existing_id is None or self._is_lead(r):
                continue
            staying = [m for m in members.get(r.existing_id, [])
                       if m not in by_id or by_id[m].lead_id == r.existing_id]
            if staying:
                failed.setdefault(r, []).append(RowError(r.row, "is_lead", _(
                    "This network leads %(count)d member networks: move them to another lead "
                    "network first.") % {"count": len(staying)}))


def write_networks(checked: Checked[NetworkRow], *, actor: User,
                   progress: Any = None) -> tuple[int, int]:
    """Adds the new networks and updates those whose id matched (only the
    fields the file has columns for), with their areas and needs. Call inside
    a transaction; the caller writes the one audit row."""
    del actor  # networks keep no history of their own; the job's audit row says who
    rows = checked.valid
    new = [r for r in rows if r.existing_id is None]
    old = [r for r in rows if r.existing_id is not None]
    created = [Network(lead_network_id=r.lead_id, **r.fields) for r in new]
    if connection.features.can_return_rows_from_bulk_insert:
        Network.objects.bulk_create(created, batch_size=500)
    else:  # pragma: no cover — both SQLite ≥ 3.35 and PostgreSQL return the ids
        for network in created:
            network.save()
    for r, network in zip(new, created, strict=True):
        r.existing_id = network.pk
    # Leads added by this file have their ids only now.
    late = []
    for r, network in zip(new, created, strict=True):
        if r.lead_row is not None:
            network.lead_network_id = r.lead_row.existing_id
            late.append(network)
    Network.objects.bulk_update(late, ["lead_network"], batch_size=500)
    if progress is not None:
        progress(len(new))
    fields = [f for f in FIELDS if checked.updates(f)]
    lead = checked.updates("lead_network")
    for batch in batches(old, 500):
        current = Network.objects.in_bulk([r.existing_id for r in batch])
        changed = []
        for r in batch:
            network = current[r.existing_id]
            before = [getattr(network, f) for f in fields], network.lead_network_id
            for f in fields:
                setattr(network, f, r.fields[f])
            if lead:
                network.lead_network_id = (r.lead_row.existing_id if r.lead_row is not None
                                           else r.lead_id)
            if ([getattr(network, f) for f in fields], network.lead_network_id) != before:
                changed.append(network)
        Network.objects.bulk_update(changed, [*fields, *(["lead_network"] if lead else [])])
    for relation in RELATIONS:
        written = rows if checked.updates(relation) else new
        set_links(Network, relation, {r.existing_id: r.relations[relation] for r in written
                                      if r.existing_id is not None})
    if progress is not None:
        progress(len(rows))
    return len(new), len(old)

