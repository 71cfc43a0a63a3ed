"""The export of the person list: the same persons as the list page shows for
the same filters, citizen IDs masked unless the user's role may see them in
that person's area, one audit row per export."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from lnob.core import audit
from lnob.core.access import AREA_LEVEL_FIELDS, area_codes, area_q
from lnob.core.citizen_id import CitizenIdError, format_citizen_id, mask_citizen_id
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction
from lnob.exports.columns import LIST_SEPARATOR, PERSON_COLUMNS, header
from lnob.exports.responses import Format, download, export_area, filename
from lnob.exports.writers import Row
from lnob.registry.access import AREA_READERS, EDITORS, ID_READERS
from lnob.registry.models import Person, PersonNeed
from lnob.registry.selectors import PersonFilters, person_list, shareable

CHUNK = 2000  # persons read at once; their needs and groups take one query each
FULLY_MASKED = "x-xxxx-xxxxx-xx-x"  # a stored ID that cannot even be masked

# Read straight from the person table: no model instances, no joins.
_FIELDS = ("id", "external_ref", "citizen_id", "no_citizen_id_reason", "title", "first_name",
           "last_name", "sex", "birth_date", "birth_year_only", "phone", "subdistrict_id",
           "village_id", "house_number", "address_text", "source", "status", "severity",
           "created_at")


def _chunks(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _needs_of(ids: list[int]) -> dict[int, str]:
    found: dict[int, list[str]] = defaultdict(list)
    for person_id, code, severity in (PersonNeed.objects.filter(person_id__in=ids)
                                      .order_by("person_id", "-severity", "need__code")
                                      .values_list("person_id", "need__code", "severity")):
        found[person_id].append(f"{code}:{severity}")
    return {k: LIST_SEPARATOR.join(v) for k, v in found.items()}


def _groups_of(ids: list[int]) -> dict[int, str]:
    found: dict[int, list[str]] = defaultdict(list)
    through = Person.target_groups.through.objects
    for person_id, code in (through.filter(person_id__in=ids)
                            .order_by("person_id", "targetgroup__code")
                            .values_list("person_id", "targetgroup__code")):
        found[person_id].append(code)
    return {k: LIST_SEPARATOR.join(v) for k, v in found.items()}


class _CitizenIds:
    """Unmasked (1-2345-67890-12-1) where the user may read IDs, masked elsewhere."""

    def __init__(self, user: Any) -> None:
        self.readable = area_codes(user, ID_READERS)
        self.shows: dict[str, bool] = {}

    def shown(self, citizen_id: str, subdistrict: str) -> str:
        if not citizen_id:
            return ""
        show = self.shows.get(subdistrict)
        if show is None:
            show = self.shows[subdistrict] = any(subdistrict.startswith(c)
                                                 for c in self.readable)
        try:
            return format_citizen_id(citizen_id) if show else mask_citizen_id(citizen_id)
        except CitizenIdError:
            return citizen_id if show else FULLY_MASKED


def person_rows(user: Any, persons: QuerySet[Person]) -> Iterator[Row]:
    """One row per person in ``PERSON_COLUMNS`` order, read ``CHUNK`` persons at
    a time with their needs and target groups (two queries per chunk)."""
    ids = _CitizenIds(user)
    rows = persons.values_list(*_FIELDS).iterator(chunk_size=CHUNK)
    for chunk in _chunks(rows, CHUNK):
        pks = [r[0] for r in chunk]
        needs, groups = _needs_of(pks), _groups_of(pks)
        for (pk, ref, cid, no_cid, title, first, last, sex, born, year_only, phone,
             subdistrict, village, house, address, source, status, severity,
             created) in chunk:
            birth = "" if born is None else (str(born.year) if year_only else born.isoformat())
            yield [ref, ids.shown(cid, subdistrict), no_cid, title, first, last, sex, birth,
                   phone, subdistrict, int(village[6:]) if village else None, house, address,
                   groups.get(pk, ""), needs.get(pk, ""), source, status, pk, severity,
                   timezone.localtime(created).isoformat(timespec="seconds")]


def export_persons(request: HttpRequest, filters: PersonFilters, fmt: Format, *,
                   via: str = "web") -> HttpResponseBase:
    """The download of ``person_list(user, filters)``, audited before any row is
    sent (what was asked for) and after (what was sent)."""
    user = request.user
    # Restricted persons and those who refused a consent-based sharing stay
    # listed on the pages, never in a file (PDPA).
    persons = shareable(person_list(user, filters))
    unmasked = bool(area_codes(user, ID_READERS)) and persons.filter(
        area_q(user, AREA_LEVEL_FIELDS, ID_READERS)).exclude(citizen_id="").exists()
    area = export_area(user, (*AREA_READERS, *EDITORS), filters.area)
    detail: dict[str, Any] = {"format": fmt, "filters": dataclasses.asdict(filters),
                              "count": persons.count(), "unmasked": unmasked}
    if via != "web":
        detail["via"] = via
    started = audit.record(AuditAction.EXPORT, request=request,
                           object_type="registry.person_list", area_code=area, detail=detail)
    return download(fmt, header(PERSON_COLUMNS, thai=thai_active()),
                    person_rows(user, persons), name=filename("persons", area, fmt),
                    sheet_title="persons", audited=started)
