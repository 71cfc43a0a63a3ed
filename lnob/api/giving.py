"""The giving side over the API: the public door (an offer, its stage by
reference number, the needs board) and the handlers' offers, steps, stock
and allocations, with the same scoping, checks and audit as the pages
(``lnob.giving.access``, ``selectors`` and ``services``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from lnob.core.access import grants_of
from lnob.core.errors import NotFound
from lnob.core.models import User
from lnob.geo.selectors import area_by_code
from lnob.giving import access
from lnob.giving import selectors as sel
from lnob.giving import services as giving
from lnob.giving.models import Offer
from lnob.registry.access import persons_visible_to

router = Router(tags=["giving"])


def _actor(request: HttpRequest, roles: Any) -> User:
    if not grants_of(request.user, roles):
        raise HttpError(403, _("Your role does not allow this."))
    return cast(User, request.user)


class PublicOfferIn(Schema):
    kind: str = Field(..., description="time, goods, service, pledge")
    giver_name: str = Field(..., max_length=giving.MAX_NAME)
    giver_phone: str = Field(..., max_length=20)
    area_code: str = Field(..., min_length=4, max_length=6,
                           description="a subdistrict (6 digits) or district (4 digits) code")
    consent: bool = Field(..., description="the network may call the giver about the offer")
    giver_kind: str = Field("person", description="person, organisation")
    organisation: str = Field("", max_length=200)
    giver_email: str = Field("", max_length=254)
    skills: list[str] = Field([], description="time offers: visiting, driving, cooking, caring, "
                                              "repairs, tutoring, counselling, other")
    when: str = Field("", max_length=giving.MAX_WHEN)
    goods_item: int | None = Field(None, description="goods offers: a catalogue id")
    quantity: int | None = None
    capacity: int | None = None
    fund: int | None = Field(None, description="pledges: a fund of the area's province")
    amount: Decimal | None = None
    description: str = Field("", max_length=giving.MAX_TEXT)


class PublicOfferOut(Schema):
    reference: str


class OfferStageOut(Schema):
    reference: str
    stage: str = Field(..., description="received, contacted, accepted, pledged, declined, used")


class OfferOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    giver_kind: str
    giver_name: str
    organisation: str
    giver_phone: str
    giver_email: str
    area_code: str
    skills: list[str]
    when: str
    goods_item_id: int | None
    quantity: int | None
    capacity: int | None
    capacity_left: int | None
    fund_id: int | None
    amount: Decimal | None
    pledge_received: bool
    description: str
    network_id: int | None
    coverage_hole: bool
    decline_reason: str
    volunteer_id: int | None
    created_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_pledge_received(obj: Offer) -> bool:
        return obj.fund_transaction_id is not None


class OfferStepIn(Schema):
    action: str = Field(..., description=", ".join(giving.STEPS))
    version: int = Field(..., description="the version you read; a newer one → 409")
    note: str = Field("", max_length=giving.MAX_TEXT)
    reason: str = Field("", description="declines: not_needed, unreachable, unsuitable, "
                                        "withdrawn, other")
    checks_done: bool = Field(False, description="time offers: the giver was met and checked")
    network_id: int | None = Field(None, description="accepting an offer no network covers")


class PledgeReceivedIn(Schema):
    date: datetime.date


class StockOut(Schema):
    id: int
    network_id: int
    item_id: int
    item: str
    quantity: int

    @staticmethod
    def resolve_item(obj: Any) -> str:
        return str(obj.item.name)


class StockIn(Schema):
    network_id: int
    item_id: int
    quantity: int


class AllocationIn(Schema):
    person_id: int
    quantity: int
    stock_id: int | None = None
    offer_id: int | None = Field(None, description="an accepted service offer")
    note: str = Field("", max_length=giving.MAX_TEXT)


class AllocationOut(Schema):
    id: int
    person_id: int
    stock_id: int | None
    offer_id: int | None
    need_id: int | None
    quantity: int


class BoardRowOut(Schema):
    code: str
    name: str
    cells: list[int | str]


class UnplacedOut(Schema):
    columns: list[str]
    rows: list[BoardRowOut]
    total: list[int | str]
    as_of: datetime.date | None = None


class BoardOut(Schema):
    code: str
    name: str
    level: str
    columns: list[str]
    rows: list[BoardRowOut]
    total: list[int | str] = Field(..., description="cells: a number, \"<5\" or \"×\" (hidden)")
    unplaced: UnplacedOut | None = Field(None, description=(
        "people the latest matching runs left without a carer, by area and reason "
        "(suppressed the same way); null before any finished run"))


# ------------------------------------------------------------------ public

@router.post("/offers/public", response={201: PublicOfferOut}, auth=None)
def public_offer_create(request: HttpRequest, payload: PublicOfferIn) -> Status:
    """Anyone, no token: files an offer (the /give/ page's checks and hourly
    limit) and answers only its reference number."""
    offer = giving.offer_submit(data=giving.OfferData(**payload.dict()), request=request)
    return Status(201, {"reference": offer.reference})


@router.get("/offers/public/{reference}", response=OfferStageOut, auth=None)
def public_offer_stage(request: HttpRequest, reference: str) -> dict[str, str]:
    stage = giving.public_stage(reference, request=request)
    if stage is None:
        raise HttpError(404, _("No offer has this reference number."))
    return {"reference": reference, "stage": stage}


@router.get("/needs/{code}", response=BoardOut, auth=None)
def needs_board(request: HttpRequest, code: str) -> dict[str, Any]:
    """What is needed and not yet met under an area ("00" for Thailand by
    province): small counts suppressed as on the public dashboard."""
    code = "" if code == "00" else code
    if code and (not code.isdigit() or len(code) not in (2, 4) or area_by_code(code) is None):
        raise NotFound
    board = sel.needs_board(code)
    unplaced = board.unplaced
    return {"code": board.code, "name": str(board.name), "level": board.level,
            "columns": board.columns, "total": board.total,
            "rows": [{"code": c, "name": n, "cells": cells} for c, n, cells in board.rows],
            "unplaced": None if unplaced is None else {
                "columns": unplaced.columns, "total": unplaced.total, "as_of": unplaced.as_of,
                "rows": [{"code": c, "name": n, "cells": cells}
                         for c, n, cells in unplaced.rows]}}


# ------------------------------------------------------------------ handlers

@router.get("/offers", response=list[OfferOut])
def offer_list(request: HttpRequest, status: str = "") -> list[Offer]:
    """Offers of the user's areas, newest first (at most 500); each call audited."""
    user = _actor(request, access.HANDLERS)
    offers = access.offers_visible_to(user)
    if status:
        offers = offers.filter(status=status)
    shown = list(offers[:500])
    access.offer_contact_viewed(shown, request=request, how="api")
    return shown


@router.get("/offers/{offer_id}", response=OfferOut)
def offer_get(request: HttpRequest, offer_id: int) -> Offer:
    user = _actor(request, access.HANDLERS)
    offer = access.offer_for(user, offer_id)
    access.offer_contact_viewed(offer, request=request, how="api")
    return offer


@router.post("/offers/{offer_id}/steps", response=OfferOut)
def offer_step(request: HttpRequest, offer_id: int, payload: OfferStepIn) -> Offer:
    user = _actor(request, access.HANDLERS)
    offer = access.offer_for(user, offer_id)
    return giving.offer_step(actor=user, offer=offer, action=payload.action,
                             expected_version=payload.version, note=payload.note,
                             reason=payload.reason, checks_done=payload.checks_done,
                             network_id=payload.network_id, request=request)


@router.post("/offers/{offer_id}/pledge-received", response=OfferOut)
def pledge_received(request: HttpRequest, offer_id: int, payload: PledgeReceivedIn) -> Offer:
    """The fund received the pledged money: recorded as its contribution."""
    user = _actor(request, access.HANDLERS)
    offer = access.offer_for(user, offer_id)
    return giving.pledge_receive(actor=user, offer=offer, date=payload.date, request=request)


@router.get("/stock", response=list[StockOut])
def stock_list(request: HttpRequest) -> Any:
    user = _actor(request, access.STOCK_READERS)
    return list(access.stock_visible_to(user).select_related("item")[:1000])


@router.post("/stock", response={201: StockOut})
def stock_add(request: HttpRequest, payload: StockIn) -> Status:
    from lnob.giving.models import GoodsItem
    from lnob.networks.access import networks_visible_to

    user = _actor(request, access.ALLOCATORS)
    network = networks_visible_to(user, access.ALLOCATORS).filter(pk=payload.network_id).first()
    item = GoodsItem.objects.filter(pk=payload.item_id).first()
    if network is None or item is None:
        raise NotFound
    stock = giving.stock_add(actor=user, network=network, item=item, quantity=payload.quantity,
                             request=request)
    return Status(201, stock)


@router.post("/allocations", response={201: AllocationOut})
def allocation_create(request: HttpRequest, payload: AllocationIn) -> Status:
    """Gives stock (or a place of an accepted service) to a person; recorded
    on their case. 422 ``stock_short`` when the stock has less."""
    user = _actor(request, access.ALLOCATORS)
    person = persons_visible_to(user).filter(pk=payload.person_id).first()
    if person is None:
        raise NotFound
    stock = access.stock_for(user, payload.stock_id) if payload.stock_id else None
    offer = access.offer_for(user, payload.offer_id) if payload.offer_id else None
    allocation = giving.allocate(actor=user, person=person, quantity=payload.quantity,
                                 stock=stock, offer=offer, note=payload.note, request=request)
    return Status(201, allocation)
