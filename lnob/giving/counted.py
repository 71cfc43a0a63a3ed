"""What the giving centre adds to the coverage roll-ups (issue 17, "Counted").

Coverage sits below giving and never imports it: ``GivingConfig.ready``
registers this module's ``CONTRIBUTOR`` with ``lnob.coverage.contributors``
(decision 0028). The figures, per subdistrict (offers made for that
subdistrict) and per district and province (every offer of the area, those
for a whole district included; givers counted once in the area):

- ``offers.<kind>.<status>``: offers by kind and status;
- ``givers``: distinct givers (by phone number);
- accepted capacity — ``accepted.volunteers`` (time offers that became a
  volunteer: already counted among the volunteers, never added to them
  again), ``accepted.goods`` (units of goods accepted into a network's stock),
  ``accepted.service`` (people accepted services can serve),
  ``pledges.received`` (pledges the fund recorded as received) and
  ``pledges.received_baht`` (their amount, whole baht).

Five ก: an accepted service with capacity gives its subdistrict ก.3 (a group
giving care by hand, like volunteers); goods accepted for the subdistrict
give ก.4 (a pool held for the area, like a rice bank — กองทุนข้าว). A
volunteer from a time offer already counts in ก.3 as a volunteer; a received
pledge goes to a fund of the area, which already gives ก.4.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.coverage.contributors import Contributor, Figures
from lnob.giving.models import Offer, OfferKind, OfferStatus

ACCEPTED = (OfferStatus.ACCEPTED, OfferStatus.USED)
_COLUMN = {"subdistrict": "subdistrict_id", "district": "district_code",
           "province": "province_code"}


def _figures(column: str, codes: list[str] | None) -> Figures:
    offers = Offer.objects.all() if column != "subdistrict_id" else Offer.objects.filter(
        subdistrict__isnull=False)
    if codes is not None:
        offers = offers.filter(**{f"{column}__in": codes})
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for code, kind, status, n in (offers.order_by().values_list(column, "kind", "status")
                                  .annotate(n=Count("id"))):
        out[code][f"offers.{kind}.{status}"] = n
    accepted = Q(status__in=ACCEPTED)
    for row in offers.order_by().values(column).annotate(
            givers=Count("giver_phone", distinct=True),
            volunteers=Count("id", filter=accepted & Q(kind=OfferKind.TIME,
                                                       volunteer__isnull=False)),
            goods=Sum("quantity", filter=accepted & Q(kind=OfferKind.GOODS)),
            service=Sum("capacity", filter=accepted & Q(kind=OfferKind.SERVICE)),
            received=Count("id", filter=Q(kind=OfferKind.PLEDGE,
                                          fund_transaction__isnull=False)),
            baht=Sum("amount", filter=Q(kind=OfferKind.PLEDGE,
                                        fund_transaction__isnull=False))):
        figures = out[row[column]]
        figures["givers"] = row["givers"]
        figures["accepted.volunteers"] = row["volunteers"]
        figures["accepted.goods"] = int(row["goods"] or 0)
        figures["accepted.service"] = int(row["service"] or 0)
        figures["pledges.received"] = row["received"]
        figures["pledges.received_baht"] = int(row["baht"] or 0)
    return {code: {k: v for k, v in f.items() if v} for code, f in out.items()}


def subdistricts(codes: list[str] | None) -> Figures:
    return _figures("subdistrict_id", codes)


def areas(level: str, codes: list[str] | None) -> Figures:
    return _figures(_COLUMN[level], codes)


def show(figures: Mapping[str, int]) -> list[tuple[Any, int]]:
    """Offers by kind (and the statuses that have any), givers, accepted capacity."""
    rows: list[tuple[Any, int]] = [
        (_("Offers of help"), sum(n for k, n in figures.items() if k.startswith("offers."))),
        (_("Givers (distinct)"), figures.get("givers", 0))]
    for kind in OfferKind:
        for status in OfferStatus:
            n = figures.get(f"offers.{kind.value}.{status.value}", 0)
            if n:
                rows.append((_("%(kind)s — %(status)s") % {"kind": kind.label,
                                                           "status": status.label}, n))
    rows += [
        (_("Volunteers from accepted time offers (already among the volunteers)"),
         figures.get("accepted.volunteers", 0)),
        (_("Goods accepted into stock (units)"), figures.get("accepted.goods", 0)),
        (_("People accepted services can serve"), figures.get("accepted.service", 0)),
        (_("Pledges the fund received"), figures.get("pledges.received", 0)),
        (_("Pledged money the fund received (baht)"), figures.get("pledges.received_baht", 0)),
    ]
    return rows


CONTRIBUTOR = Contributor(
    name="giving", subdistricts=subdistricts, areas=areas,
    five_k={"accepted.service": "k3", "accepted.goods": "k4"}, show=show,
    title=gettext_lazy("Offers of help"), deferrable=(Offer,))
