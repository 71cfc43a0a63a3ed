"""The offers list as CSV (audited: givers' contact details are personal data)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.models import AuditAction
from lnob.exports.responses import download, export_area, filename
from lnob.giving.access import HANDLERS
from lnob.giving.models import Offer


def _header() -> list[str]:
    return [_("Reference number"), _("Kind"), _("Status"), _("Giver"), _("Organisation"),
            _("Phone"), _("E-mail"), _("Area code"), _("Skills"), _("Goods"), _("Quantity"),
            _("People it can serve"), _("Fund"), _("Amount pledged (baht)"),
            _("Routed to"), _("No network covers the area"), _("Reason declined"),
            _("Received")]


def offer_rows(offers: QuerySet[Offer]) -> Iterator[list[Any]]:
    for o in offers.select_related("goods_item", "fund", "network").iterator(chunk_size=500):
        yield [o.reference, o.get_kind_display(), o.get_status_display(), o.giver_name,
               o.organisation, o.giver_phone, o.giver_email, o.area_code, " ".join(o.skills),
               o.goods_item.name if o.goods_item else "", o.quantity or "",
               o.capacity or "", o.fund.name if o.fund else "",
               str(o.amount) if o.amount is not None else "",
               o.network.name if o.network else "", _("yes") if o.coverage_hole else "",
               o.get_decline_reason_display(), o.created_at.date().isoformat()]


def export_offers(request: HttpRequest, offers: QuerySet[Offer], area: str) -> HttpResponseBase:
    where = export_area(request.user, HANDLERS, area)
    started = audit.record(AuditAction.EXPORT, request=request, object_type="giving.offer_list",
                           area_code=where, detail={"format": "csv", "area": area,
                                                    "count": offers.count()})
    return download("csv", _header(), offer_rows(offers), name=filename("offers", where, "csv"),
                    sheet_title="offers", audited=started)
