"""The giving pages: the public "I want to help" page, its status page and
the needs board (no sign-in), and the handlers' offers, stock and
allocation pages (scoped to their areas, 404 outside)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lnob.cases.intake.services import TooManyReports
from lnob.core import audit
from lnob.core.access import area_codes, area_q, covers, public, requires_roles
from lnob.core.errors import NotFound
from lnob.core.forms import add_service_errors
from lnob.core.models import AuditAction, User
from lnob.core.public import body_too_big
from lnob.core.roles import allowed
from lnob.geo import selectors as geo
from lnob.geo.models import Province
from lnob.giving import access
from lnob.giving import selectors as sel
from lnob.giving import services as giving
from lnob.giving.exports import export_offers
from lnob.giving.forms import (
    AllocateForm,
    GoodsItemForm,
    OfferForm,
    StatusForm,
    StepForm,
    StockForm,
    set_choices,
)
from lnob.giving.models import OfferStatus
from lnob.networks.access import networks_visible_to
from lnob.registry.access import persons_visible_to


def _slow_down(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "giving/public_error.html", {"message": message}, status=429)


@public
@never_cache
def give(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if body_too_big(request):
            return render(request, "giving/public_error.html", {"message": _(
                "The offer is too long. Shorten the description and send it again.")},
                status=413)
        form = OfferForm(request.POST)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # The honeypot was filled: a bot. Answer as if received, keep nothing.
                return redirect("give_thanks")
            try:
                offer = giving.offer_submit(data=form.offer(), request=request)
            except TooManyReports:
                return _slow_down(request, _(
                    "Many offers came from your connection in the last hour. Please wait an "
                    "hour, or call the provincial office."))
            except ValidationError as err:
                add_service_errors(form, err, {"area_code": "place"})
            else:
                request.session["giving_reference"] = offer.reference
                return redirect("give_thanks")
        status = 400
    else:
        form, status = OfferForm(), 200
    return render(request, "giving/give.html", {"form": form}, status=status)


@public
@never_cache
def give_thanks(request: HttpRequest) -> HttpResponse:
    reference = request.session.pop("giving_reference", "")
    return render(request, "giving/thanks.html", {"reference": reference})


@public
@never_cache
def give_status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.GET or None)
    stage, status = None, 200
    if form.is_valid():
        try:
            stage = giving.public_stage(form.cleaned_data["reference"], request=request)
        except TooManyReports:
            return _slow_down(request, _(
                "Too many look-ups from your connection in the last hour. Please wait."))
        if stage is None:
            form.add_error("reference", _("No offer has this reference number. Check it and "
                                          "try again."))
            status = 404
    stages = [(k, OfferStatus(k).label) for k in (OfferStatus.RECEIVED, OfferStatus.CONTACTED,
                                                   OfferStatus.ACCEPTED, OfferStatus.USED)]
    return render(request, "giving/status.html", {"form": form, "stage": stage,
                                                  "stages": stages}, status=status)


@public
def needs_board(request: HttpRequest, code: str = "") -> HttpResponse:
    """What is needed and not yet met, by area and need: figures only, small
    counts hidden. Thailand by province, a province by district, a district
    by subdistrict."""
    if code and (not code.isdigit() or len(code) not in (2, 4) or
                 geo.area_by_code(code) is None):
        raise NotFound
    board = sel.needs_board(code)
    parents = geo.ancestors(geo.area_by_code(code)) if code else []  # type: ignore[arg-type]
    # Each cell with its column's name: on a phone the table becomes labelled cards.
    rows = [(c, n, list(zip(board.columns, cells, strict=True))) for c, n, cells in board.rows]
    total = list(zip(board.columns, board.total, strict=True))
    unplaced = board.unplaced
    context: dict[str, Any] = {
        "board": board, "parents": parents, "rows": rows, "total": total,
        "highlights": sel.highlights(board, _("people")), "unplaced": unplaced}
    if unplaced is not None:
        context.update(
            unplaced_rows=[(c, n, list(zip(unplaced.columns, cells, strict=True)))
                           for c, n, cells in unplaced.rows],
            unplaced_total=list(zip(unplaced.columns, unplaced.total, strict=True)),
            unplaced_highlights=sel.highlights(unplaced, _("people")))
    return render(request, "giving/needs_board.html", context)


# ------------------------------------------------------------------ signed in

@requires_roles(*access.HANDLERS)
def offer_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    offers = access.offers_visible_to(user).select_related("subdistrict", "goods_item",
                                                           "network")
    wanted = request.GET.get("status", "")
    if wanted in OfferStatus.values:
        offers = offers.filter(status=wanted)
    shown = list(offers[:200])
    access.offer_contact_viewed(shown, request=request, how="list")
    return render(request, "giving/offer_list.html", {
        "offers": shown, "count": offers.count(), "status": wanted,
        "statuses": OfferStatus.choices})


@requires_roles(*access.HANDLERS)
def offer_export(request: HttpRequest) -> HttpResponseBase:
    user = cast(User, request.user)
    area = request.GET.get("area", "")[:6]
    offers = access.offers_visible_to(user).order_by("created_at", "id")
    if area.isdigit() and len(area) in (2, 4, 6):
        offers = offers.filter(area_code__startswith=area)
    return export_offers(request, offers, area)


@requires_roles(*access.HANDLERS)
@never_cache
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    offer = access.offer_for(user, pk)
    form = StepForm(request.POST or None)
    networks = networks_visible_to(user).filter(province_code=offer.province_code, active=True)
    set_choices(form, "network", [("", "—")] + [(n.pk, n.name) for n in networks])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                giving.offer_step(actor=user, offer=offer, action=d["action"],
                                  expected_version=d["version"], note=d.get("note") or "",
                                  reason=d.get("reason") or "",
                                  checks_done=bool(d.get("checks_done")),
                                  network_id=d.get("network"), request=request)
            except ValidationError as err:
                add_service_errors(form, err, {"checks_done": "checks_done"})
            else:
                return redirect("offer_detail", pk=offer.pk)
    access.offer_contact_viewed(offer, request=request)
    return render(request, "giving/offer_detail.html", {
        "offer": offer, "form": form, "steps": giving.next_steps(offer),
        "labels": giving.STEP_LABELS,
        # The giver's PDPA requests are recorded by the provincial office.
        "can_record_request": covers(request.user, offer.area_code, allowed("privacy.handle"))
        and not offer.giver_phone.startswith(giving.ANONYMOUS_PREFIX)}, status=status)


@requires_roles(*access.STOCK_READERS)
def stock_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    stock = access.stock_visible_to(user).select_related("network", "item").order_by(
        "network__name", "item__sort")
    editable = networks_visible_to(user, access.ALLOCATORS).filter(active=True)
    form: StockForm | None = None
    status = 200
    if editable.exists():
        form = StockForm(request.POST or None)
        set_choices(form, "network", [(n.pk, n.name) for n in editable])
        provinces = {n.province_code for n in editable}
        items = {i.pk: i for p in provinces for i in giving.catalogue_for(p)}
        set_choices(form, "item", [(pk, f"{i.name} ({i.unit})") for pk, i in items.items()])
        if request.method == "POST":
            status = 400
            if form.is_valid():
                d = form.cleaned_data
                network = editable.get(pk=d["network"])
                try:
                    giving.stock_add(actor=user, network=network, item=items[d["item"]],
                                     quantity=d["quantity"], request=request)
                except ValidationError as err:
                    add_service_errors(form, err)
                else:
                    return redirect("stock_list")
    # Where the stock can be given: the subdistricts its networks cover, in the user's areas.
    from lnob.geo.models import Subdistrict

    holders = stock.filter(quantity__gt=0).values("network_id")
    places = Subdistrict.objects.filter(
        networks__in=holders).filter(area_q(user, "code", access.ALLOCATORS)).distinct(
    ).order_by("code")[:50]
    return render(request, "giving/stock_list.html", {
        "stock": stock, "form": form, "places": places,
        "edits_catalogue": bool(area_codes(user, access.CATALOGUE_EDITORS))}, status=status)


@requires_roles(*access.ALLOCATORS)
def allocate(request: HttpRequest, code: str) -> HttpResponse:
    """A proposal for a subdistrict: who could be given what, and why; each
    line given with one click (recorded on the person's case)."""
    user = cast(User, request.user)
    subdistrict = geo.subdistrict_by_code(code)
    if subdistrict is None or not any(code.startswith(c) for c in
                                      area_codes(user, access.ALLOCATORS)):
        raise NotFound
    persons = persons_visible_to(user)
    stock = access.stock_visible_to(user)
    form = AllocateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            person = persons.filter(pk=d["person"]).first()
            chosen = stock.filter(pk=d["stock"]).first()
            if person is None or chosen is None:
                raise NotFound
            giving.allocate(actor=user, person=person, stock=chosen, quantity=d["quantity"],
                            note=d.get("note") or "", request=request)
            return redirect("giving_allocate", code=code)
    proposals = sel.proposals_for(code, persons, stock)
    if proposals:  # names of people in need are shown: audited like a list of persons
        audit.record(AuditAction.VIEW, request=request, object_type="giving.proposals",
                     area_code=code, detail={"persons": [p.person.pk for p in proposals]})
    return render(request, "giving/allocate.html", {
        "subdistrict": subdistrict, "proposals": proposals, "form": form}, status=status)


@requires_roles(*access.CATALOGUE_EDITORS)
def catalogue(request: HttpRequest) -> HttpResponse:
    """The goods catalogue of the officer's provinces: the national lines and
    the province's own, which the officer adds to (or takes out)."""
    from django.db.models import Q

    from lnob.giving.models import GoodsItem
    from lnob.registry.taxonomy import Need

    user = cast(User, request.user)
    codes = area_codes(user, access.CATALOGUE_EDITORS)
    provinces = sorted({c[:2] for c in codes if len(c) >= 2}) if "" not in codes else \
        list(Province.objects.order_by("code").values_list("code", flat=True))
    form = GoodsItemForm(request.POST if request.POST.get("name_th") is not None else None)
    names = geo.area_names(set(provinces))
    set_choices(form, "province", [(p, names.get(p, p)) for p in provinces])
    set_choices(form, "need", [("", "—")] + [(n.pk, n.name) for n in Need.objects.filter(
        Q(province_code="") | Q(province_code__in=provinces), active=True)])
    status = 200
    if request.method == "POST":
        status = 400
        item_id = request.POST.get("item")
        if item_id and item_id.isdigit():
            item = GoodsItem.objects.filter(pk=int(item_id)).first()
            if item is None:
                raise NotFound
            giving.goods_item_set_active(actor=user, item=item,
                                         active=request.POST.get("active") == "1",
                                         request=request)
            return redirect("goods_catalogue")
        if form.is_valid():
            d = form.cleaned_data
            need = Need.objects.filter(pk=d["need"]).first() if d.get("need") else None
            try:
                giving.goods_item_create(
                    actor=user, province_code=d["province"], name_th=d["name_th"],
                    name_en=d.get("name_en") or "", unit_th=d.get("unit_th") or "",
                    unit_en=d.get("unit_en") or "", need=need, request=request)
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                return redirect("goods_catalogue")
    items = GoodsItem.objects.filter(Q(province_code="") | Q(province_code__in=provinces)
                                     ).select_related("need").order_by("province_code", "sort")
    return render(request, "giving/catalogue.html", {"items": items, "form": form},
                  status=status)
