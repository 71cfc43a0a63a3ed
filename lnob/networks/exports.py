"""Exports of the network and volunteer lists: the same rows as the list pages
for the same filters, one audit row per export (volunteers are personal data;
networks are audited too, it costs one row)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from lnob.core import audit
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction
from lnob.core.roles import Role
from lnob.exports.columns import LIST_SEPARATOR, NETWORK_COLUMNS, VOLUNTEER_COLUMNS, Column, header
from lnob.exports.responses import Format, download, export_area, filename
from lnob.exports.writers import Row
from lnob.networks import access
from lnob.networks.models import Network, Volunteer
from lnob.networks.selectors import (
    NetworkFilters,
    VolunteerFilters,
    network_list,
    volunteer_list,
)

CHUNK = 2000  # rows read at once; their areas and needs are prefetched per chunk


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _codes(items: Any) -> str:
    return LIST_SEPARATOR.join(sorted(item.code for item in items))


def _when(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def network_rows(networks: QuerySet[Network]) -> Iterator[Row]:
    for n in networks.iterator(chunk_size=CHUNK):
        lead = n.lead_network
        yield [n.pk, n.name, n.partner_type, n.province_code, _yes_no(n.is_lead),
               lead.pk if lead else None, lead.name if lead else "", n.leader_name,
               n.contact_phone, n.contact_email, _codes(n.subdistricts.all()),
               _codes(n.villages.all()), n.capacity, _codes(n.needs.all()),
               _yes_no(n.active), _when(n.created_at)]


def volunteer_rows(volunteers: QuerySet[Volunteer]) -> Iterator[Row]:
    for v in volunteers.iterator(chunk_size=CHUNK):
        network = v.network
        yield [v.pk, v.first_name, v.last_name, v.phone, _yes_no(v.is_msdhs),
               network.pk if network else None, network.name if network else "",
               v.province_code, _codes(v.subdistricts.all()), _codes(v.needs.all()),
               v.capacity, _yes_no(v.active), _when(v.created_at)]


def _export(request: HttpRequest, *, kind: str, object_type: str, roles: tuple[Role, ...],
            filters: Any, fmt: Format, qs: QuerySet[Any], columns: tuple[Column, ...],
            rows: Iterator[Row]) -> HttpResponseBase:
    area = export_area(request.user, roles, filters.area)
    started = audit.record(
        AuditAction.EXPORT, request=request, object_type=object_type, area_code=area,
        detail={"format": fmt, "filters": dataclasses.asdict(filters), "count": qs.count()})
    return download(fmt, header(columns, thai=thai_active()), rows,
                    name=filename(kind, area, fmt), sheet_title=kind, audited=started)


def export_networks(request: HttpRequest, filters: NetworkFilters,
                    fmt: Format) -> HttpResponseBase:
    networks = network_list(request.user, filters)
    return _export(request, kind="networks", object_type="networks.network_list",
                   roles=access.READERS, filters=filters, fmt=fmt, qs=networks,
                   columns=NETWORK_COLUMNS, rows=network_rows(networks))


def export_volunteers(request: HttpRequest, filters: VolunteerFilters,
                      fmt: Format) -> HttpResponseBase:
    volunteers = volunteer_list(request.user, filters)
    return _export(request, kind="volunteers", object_type="networks.volunteer_list",
                   roles=access.VOLUNTEER_READERS, filters=filters, fmt=fmt, qs=volunteers,
                   columns=VOLUNTEER_COLUMNS, rows=volunteer_rows(volunteers))
