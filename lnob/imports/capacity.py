"""What the network and the volunteer checkers share: reading the header
against the export's columns, yes/no cells, code lists, needs, the lookups of
one province (loaded once per file), and writing the many-to-many links.

The rules are those of the care-capacity services (``lnob.networks.services``);
their field checks (``lnob.networks.validation``) are reused as they are, and
each message they give is reported under the file's column."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from lnob.core.bulk import batches
from lnob.core.thaidates import to_arabic_digits
from lnob.exports.columns import Column
from lnob.geo.models import Subdistrict, Village
from lnob.imports.persons import RowError, _lookup, _split, _unguard, header_key
from lnob.networks import validation as check
from lnob.networks.models import Network
from lnob.registry.taxonomy import Need

Fail = Callable[[str, str], None]
T = TypeVar("T")
YES = frozenset({"yes", "y", "ใช่", "1", "true"})
NO = frozenset({"no", "n", "ไม่ใช่", "0", "false"})


def header_map(columns: Sequence[Column], extra: dict[str, tuple[str, ...]],
               read_only: Iterable[str]) -> tuple[dict[str, str], frozenset[str]]:
    """Header (normalised) → column key, for the importable columns, the
    read-only ones the importer still reads (``read_only``: ids, names of a
    lead network…) and the extra aliases; and the headers read past."""
    wanted = set(read_only)
    mapping: dict[str, str] = {}
    ignored = set()
    for c in columns:
        if c.importable or c.key in wanted:
            for name in (c.en, c.th, *extra.get(c.key, ())):
                mapping.setdefault(header_key(name), c.key)
        else:
            ignored.update({header_key(c.en), header_key(c.th)})
    for key, names in extra.items():
        for name in names:
            mapping.setdefault(header_key(name), key)
    return mapping, frozenset(ignored - set(mapping))


def read_columns(headers: list[str], mapping: dict[str, str],
                 ignored: frozenset[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    unknown = []
    for i, header in enumerate(headers):
        key = mapping.get(header_key(header))
        if key is not None and key not in columns:
            columns[key] = i
        elif key is None and header and header_key(header) not in ignored:
            unknown.append(header)
    return columns, unknown


def unknown_columns_warning(unknown: list[str]) -> str:
    return _("Columns not read (unknown names): %(names)s. See the template for the names "
             "LNOB reads.") % {"names": ", ".join(unknown)}


def values(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    return {key: _unguard(cells[i].strip()) if i < len(cells) else ""
            for key, i in columns.items()}


def name_key(name: str) -> str:
    """Names compared as people read them: case and spacing do not count."""
    return " ".join(name.split()).casefold()


class ProvinceLookups:
    """The province's subdistricts, villages, needs and networks, loaded once."""

    def __init__(self, province_code: str) -> None:
        self.province = province_code
        self.subdistrict_province = dict(Subdistrict.objects.values_list("code", "province_id"))
        self.villages = set(Village.objects.filter(
            subdistrict__province_id=province_code).values_list("code", flat=True))
        # As the services: any need, national or of this province.
        self.needs = _lookup(Need.objects.filter(province_code__in=["", province_code]))
        self.networks: dict[int, tuple[str, bool, int | None]] = {
            pk: (name, is_lead, lead) for pk, name, is_lead, lead in Network.objects.filter(
                province_code=province_code).values_list("pk", "name", "is_lead",
                                                         "lead_network_id")}
        self.network_names: dict[str, list[int]] = defaultdict(list)
        for pk, (name, _lead, _of) in sorted(self.networks.items()):
            self.network_names[name_key(name)].append(pk)
        self._elsewhere: dict[int, str | None] = {}

    def network_province(self, pk: int) -> str | None:
        """The province of a network that is not in this one (None: no such network)."""
        if pk not in self._elsewhere:
            self._elsewhere[pk] = Network.objects.filter(pk=pk).values_list(
                "province_code", flat=True).first()
        return self._elsewhere[pk]

    def subdistricts(self, text: str, column: str, fail: Fail) -> list[str]:
        codes = sorted({to_arabic_digits(c) for c in _split(text)})
        unknown = [c for c in codes if c not in self.subdistrict_province]
        outside = [c for c in codes if c in self.subdistrict_province
                   and self.subdistrict_province[c] != self.province]
        if unknown:
            fail(column, _("Unknown subdistrict codes: %(codes)s. Write 6-digit subdistrict "
                           "codes separated by “;”.") % {"codes": ", ".join(unknown)})
        elif outside:
            fail(column, _("These subdistricts are not in province %(province)s: %(codes)s. "
                           "Keep only subdistricts of this province.") % {
                "province": self.province, "codes": ", ".join(outside)})
        return codes

    def village_codes(self, text: str, column: str, fail: Fail) -> list[str]:
        codes = sorted({to_arabic_digits(c) for c in _split(text)})
        outside = [c for c in codes if not c.startswith(self.province)]
        unknown = [c for c in codes if c not in self.villages and c not in outside]
        if outside:
            fail(column, _("These villages are not in province %(province)s: %(codes)s.") % {
                "province": self.province, "codes": ", ".join(outside)})
        elif unknown:
            fail(column, _("Unknown village codes: %(codes)s. A village code is the "
                           "subdistrict code and the หมู่ที่ (8 digits), and the village must "
                           "be recorded first on its subdistrict's page.") % {
                "codes": ", ".join(unknown)})
        return codes

    def need_ids(self, text: str, column: str, fail: Fail) -> list[int]:
        ids, unknown = set(), []
        for part in _split(text):
            found = self.needs.get(part.lower())
            if found is None:
                unknown.append(part)
            else:
                ids.add(found)
        if unknown:
            fail(column, _("Unknown needs: %(names)s. Write need codes or names separated by "
                           "“;”.") % {"names": ", ".join(unknown)})
        return sorted(ids)


def yes_no(text: str, default: bool, column: str, fail: Fail) -> bool:
    value = text.strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    fail(column, _("Write yes or no (ใช่ / ไม่ใช่, 1 / 0) instead of “%(value)s”.") % {
        "value": text})
    return default


def record_id(text: str, fail: Fail) -> int | None:
    value = to_arabic_digits(text).strip()
    if not value:
        return None
    if not value.isdigit():
        fail("id", _("The id must be the number LNOB exported (or empty for a new record), "
                     "not “%(value)s”.") % {"value": text})
        return None
    return int(value)


def whole_number(errors: check.Errors, field: str, text: str, *, default: int, maximum: int,
                 negative_message: str) -> int:
    value = to_arabic_digits(text).strip().replace(",", "")
    if not value:
        return default
    return check.count(errors, field, value, maximum=maximum,
                       negative_message=negative_message)


def report(errors: check.Errors, fail: Fail, columns: dict[str, str] | None = None) -> None:
    """The validation helpers' messages, under the file's columns."""
    for field, message in errors.items():
        fail((columns or {}).get(field, field), str(message))


def province_of_row(text: str, province: str, fail: Fail) -> None:
    code = to_arabic_digits(text).strip()
    if code and code != province:
        fail("province_code", _("This row is for province %(code)s, but the file is being "
                                "imported into province %(province)s. Import it into its "
                                "own province, or empty the cell.") % {
            "code": code, "province": province})


def set_links(model: type[models.Model], relation: str, wanted: dict[int, list[Any]]) -> int:
    """Makes each owner's links (a many-to-many relation) exactly ``wanted``;
    owners whose links are already so are left alone. Returns how many owners
    changed."""
    descriptor = getattr(model, relation)
    through = descriptor.through
    owner = descriptor.field.m2m_field_name() + "_id"
    target = descriptor.field.m2m_reverse_field_name() + "_id"
    current: dict[int, set[Any]] = defaultdict(set)
    for chunk in batches(sorted(wanted), 900):
        for o, t in through.objects.filter(**{f"{owner}__in": chunk}).values_list(owner,
                                                                                 target):
            current[o].add(t)
    stale = sorted(o for o, links in wanted.items() if current.get(o, set()) != set(links))
    for chunk in batches(stale, 900):
        through.objects.filter(**{f"{owner}__in": chunk}).delete()
    through.objects.bulk_create(
        [through(**{owner: o, target: t}) for o in stale for t in sorted(set(wanted[o]))],
        batch_size=1000)
    return len(stale)


__all__ = ["RowError", "ProvinceLookups", "header_map", "read_columns", "record_id",
           "report", "set_links", "values", "whole_number", "yes_no"]
