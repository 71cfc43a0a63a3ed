"""Who may see and handle offers, stock and allocations. Used by the pages
and the API alike; outside the user's areas the answer is 404.

An offer carries its giver's name and phone (personal data): only the roles
that route offers read it — the provincial office, the network coordinators
and administrators of the offer's area — and every look at the contact
details is audited by the caller (``offer_contact_viewed``). Stock is not
personal: any role that sees the holding network sees it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lnob.core import audit
from lnob.core.access import area_q, covers
from lnob.core.errors import NotFound
from lnob.core.models import AuditAction
from lnob.core.roles import Role
from lnob.giving.models import Allocation, Offer, Stock
from lnob.networks.access import networks_visible_to

# Read offers (the giver's contact) and take their steps.
HANDLERS = (Role.PROVINCIAL_OFFICER, Role.NETWORK_COORDINATOR, Role.SYSTEM_ADMIN)
# Give stock and services to people (their case gets a support event).
ALLOCATORS = HANDLERS
# Edit the province's goods catalogue.
CATALOGUE_EDITORS = (Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN)
# See stock: any role on the holding network's area.
STOCK_READERS = tuple(Role)

CONTACT_AUDIT_TYPE = "giving.offer_contact"


def offers_visible_to(user: Any) -> QuerySet[Offer]:
    return Offer.objects.filter(area_q(user, "area_code", HANDLERS))


def offer_for(user: Any, pk: int) -> Offer:
    """The offer if the user may handle it; NotFound (404) otherwise."""
    offer = offers_visible_to(user).select_related(
        "subdistrict", "network", "goods_item", "fund", "volunteer").filter(pk=pk).first()
    if offer is None:
        raise NotFound
    return offer


def may_handle(user: Any, offer: Offer) -> bool:
    return covers(user, offer.area_code, HANDLERS)


def offer_contact_viewed(offer: Offer | list[Offer], *, request: Any = None,
                         actor: Any = None, how: str = "page") -> None:
    """Audits a look at givers' contact details (one row per look)."""
    offers = offer if isinstance(offer, list) else [offer]
    if not offers:
        return
    audit.record(AuditAction.VIEW, actor=actor, request=request, object_type=CONTACT_AUDIT_TYPE,
                 object_id=str(offers[0].pk) if len(offers) == 1 else "",
                 area_code=offers[0].area_code if len(offers) == 1 else "",
                 detail={"offers": [o.pk for o in offers], "how": how})


def stock_visible_to(user: Any) -> QuerySet[Stock]:
    return Stock.objects.filter(network__in=networks_visible_to(user, STOCK_READERS).values("pk"))


def stock_for(user: Any, pk: int) -> Stock:
    stock = stock_visible_to(user).select_related("network", "item").filter(pk=pk).first()
    if stock is None:
        raise NotFound
    return stock


def allocations_visible_to(user: Any) -> QuerySet[Allocation]:
    return Allocation.objects.filter(area_q(user, "subdistrict_code", ALLOCATORS))
