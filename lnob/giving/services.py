"""Every change on the giving side goes through here: an offer filed from the
public page and routed to the lead network of its area, its steps (contacted,
accepted — when it becomes capacity — declined with a reason, used), goods put
in stock, and stock or services given to people, recorded on their case.

Each write is one transaction with its audit row; givers' names and phones
never go into the audit detail (the log is read more widely)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases import workflow as wf
from lnob.cases.intake.services import TooManyReports
from lnob.cases.models import Case
from lnob.cases.services import case_comment, lead_networks_for
from lnob.core import audit, followups, ratelimit
from lnob.core.access import covers
from lnob.core.clientip import rate_key
from lnob.core.errors import Conflict, NotFound, Refused
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.geo.models import District, Subdistrict
from lnob.giving import access
from lnob.giving.models import (
    SKILL_NEEDS,
    Allocation,
    DeclineReason,
    GoodsItem,
    Offer,
    OfferKind,
    OfferStatus,
    Skill,
    Stock,
)
from lnob.networks.models import Fund, FundTransaction, Network
from lnob.networks.services import VolunteerData, fund_transaction_record, volunteer_create
from lnob.registry.models import Need, Person

MAX_NAME, MAX_TEXT, MAX_WHEN = 150, 1000, 200
MAX_QUANTITY, MAX_CAPACITY = 100_000, 10_000
MAX_AMOUNT = Decimal("100000000")
# The public page: offers per client address in a sliding hour, like /report/.
PUBLIC_OFFERS_PER_HOUR = 5
PUBLIC_OFFERS = ratelimit.Limit("public_offer", PUBLIC_OFFERS_PER_HOUR, 3600)
STATUS_LOOKUPS = ratelimit.Limit("public_offer_status", 30, 3600)
PUBLIC_AUDIT_TYPE = "giving.public_offer"
STATUS_AUDIT_TYPE = "giving.public_status"


@dataclass
class OfferData:
    """What the public page (or the API) sends."""

    kind: str
    giver_name: str
    giver_phone: str
    area_code: str
    consent: bool = False
    giver_kind: str = "person"
    organisation: str = ""
    giver_email: str = ""
    skills: list[str] = field(default_factory=list)
    when: str = ""
    goods_item: int | None = None
    quantity: int | None = None
    capacity: int | None = None
    fund: int | None = None
    amount: Any = None
    description: str = ""


def _phone_ok(phone: str) -> bool:
    digits = phone.replace("-", "").replace(" ", "")
    return digits.isdigit() and 9 <= len(digits) <= 10


def _positive(errors: dict[str, str], name: str, value: Any, maximum: int) -> int | None:
    if value in (None, ""):
        errors[name] = _("Give a number greater than zero.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = _("Give a whole number greater than zero.")
        return None
    if number <= 0:
        errors[name] = _("Give a number greater than zero.")
    elif number > maximum:
        errors[name] = _("At most %(limit)s.") % {"limit": f"{maximum:,}"}
    return number


def _area(code: str) -> tuple[Subdistrict | None, str, str] | None:
    """(subdistrict or None, district code, province code) of a subdistrict or
    district code, or None when it is neither."""
    code = (code or "").strip()
    if len(code) == 6 and code.isdigit():
        sd = Subdistrict.objects.filter(code=code).first()
        return (sd, sd.district_id, sd.province_id) if sd else None
    if len(code) == 4 and code.isdigit():
        district = District.objects.filter(code=code).first()
        return (None, district.code, district.province_id) if district else None
    return None


def catalogue_for(province_code: str) -> Any:
    """The goods a province takes: the national lines and its own, active."""
    return GoodsItem.objects.filter(Q(province_code="") | Q(province_code=province_code),
                                    active=True).order_by("sort", "name_th")


def _check(data: OfferData) -> tuple[dict[str, str], dict[str, Any]]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    if data.kind not in OfferKind.values:
        errors["kind"] = _("Choose what you offer.")
    name = data.giver_name.strip()
    if not name:
        errors["giver_name"] = _("Give your name, or your organisation's.")
    for key, value, limit in (("giver_name", name, MAX_NAME),
                              ("organisation", data.organisation, 200),
                              ("description", data.description, MAX_TEXT),
                              ("when", data.when, MAX_WHEN)):
        if len(value) > limit:
            errors[key] = _("Too long: at most %(limit)s characters.") % {"limit": limit}
    if not _phone_ok(data.giver_phone):
        errors["giver_phone"] = _("Give a phone number the network can call: 9 or 10 digits.")
    if not data.consent:
        errors["consent"] = _("Tick the box so that the network may call you about your offer.")
    area = _area(data.area_code)
    if area is None:
        errors["area_code"] = _("Choose the subdistrict or district where you can help.")
    else:
        fields["subdistrict"], fields["district_code"], fields["province_code"] = area
    if data.kind == OfferKind.TIME:
        unknown = set(data.skills) - set(Skill.values)
        if not data.skills or unknown:
            errors["skills"] = _("Choose at least one thing you can do from the list.")
    elif data.kind == OfferKind.GOODS:
        item = None
        if data.goods_item is not None and area is not None:
            item = catalogue_for(area[2]).filter(pk=data.goods_item).first()
        if item is None:
            errors["goods_item"] = _("Choose the goods from the list.")
        fields["goods_item"] = item
        fields["quantity"] = _positive(errors, "quantity", data.quantity, MAX_QUANTITY)
    elif data.kind == OfferKind.SERVICE:
        if not data.description.strip():
            errors["description"] = _("Say what the service is (for example: home visits by "
                                      "a nurse, meals at the temple).")
        fields["capacity"] = _positive(errors, "capacity", data.capacity, MAX_CAPACITY)
    elif data.kind == OfferKind.PLEDGE:
        fund = None
        if data.fund is not None and area is not None:
            fund = Fund.objects.filter(pk=data.fund, province_code=area[2]).first()
        if fund is None:
            errors["fund"] = _("Choose a fund of the area from the list.")
        fields["fund"] = fund
        try:
            amount = Decimal(str(data.amount).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            amount = Decimal("0")
        if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
            errors["amount"] = _("Give the amount in baht, greater than zero.")
        else:
            fields["amount"] = amount.quantize(Decimal("0.01"))
    return errors, fields


def route(area_code: str) -> tuple[Network | None, bool]:
    """Who an offer goes to: the lead network of the subdistrict (or, for a
    whole district, of its first subdistrict that has one), else any network
    covering it; none at all is a hole, answered by the provincial office."""
    if len(area_code) == 6:
        networks, hole = lead_networks_for(area_code)
        return (networks[0] if networks else None), hole
    covering = Network.objects.filter(
        Q(subdistricts__district_id=area_code) | Q(villages__subdistrict__district_id=area_code),
        active=True).distinct().order_by("-is_lead", "name")
    first = covering.first()
    return first, first is None


@transaction.atomic
def offer_submit(*, data: OfferData, request: Any = None) -> Offer:
    """Files an offer from the public page: checked, counted against the
    client's hourly limit (TooManyReports past it), routed. Raises
    ValidationError naming the field; nothing is written then."""
    errors, fields = _check(data)
    if not ratelimit.hit(PUBLIC_OFFERS, rate_key(audit.client_ip(request))):
        raise TooManyReports
    if errors:
        raise ValidationError(errors)
    code = data.area_code.strip()
    network, hole = route(code)
    offer = Offer.objects.create(
        kind=data.kind, giver_kind=data.giver_kind if data.giver_kind in ("person",
                                                                          "organisation")
        else "person", giver_name=data.giver_name.strip(),
        organisation=data.organisation.strip(), giver_phone=data.giver_phone.strip(),
        giver_email=data.giver_email.strip(), consent_at=timezone.now(), area_code=code,
        skills=sorted(set(data.skills)) if data.kind == OfferKind.TIME else [],
        when=data.when.strip(), description=data.description.strip(), network=network,
        coverage_hole=hole, **fields)
    with followups.deferred():  # counted by the worker's catch-up, as public reports are
        _counted(offer)
    audit.record(AuditAction.CREATE, request=request, object_type=PUBLIC_AUDIT_TYPE,
                 object_id=str(offer.pk), area_code=code,
                 detail={"kind": offer.kind, "network": network.pk if network else None,
                         "coverage_hole": hole})
    return offer


def _counted(offer: Offer) -> None:
    """The coverage roll-ups count offers (``giving.counted``): the
    subdistrict's row, or for an offer to a whole district one subdistrict
    of it, which refreshes the district, province and nation rows above."""
    code = offer.subdistrict_id or Subdistrict.objects.filter(
        district_id=offer.district_code).order_by("code").values_list("code", flat=True).first()
    if code:
        areas_changed.send(sender=Offer, codes={str(code)})


# The steps of an offer: from which statuses, to which.
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "contact": (frozenset({OfferStatus.RECEIVED}), OfferStatus.CONTACTED),
    "accept": (frozenset({OfferStatus.RECEIVED, OfferStatus.CONTACTED}), OfferStatus.ACCEPTED),
    "decline": (frozenset({OfferStatus.RECEIVED, OfferStatus.CONTACTED}), OfferStatus.DECLINED),
    "use": (frozenset({OfferStatus.ACCEPTED}), OfferStatus.USED),
}
STEP_LABELS = {"contact": gettext_lazy("Contacted the giver"),
               "accept": gettext_lazy("Accept"), "decline": gettext_lazy("Decline"),
               "use": gettext_lazy("Used: it reached people")}


def next_steps(offer: Offer) -> list[str]:
    steps = [s for s, (before, _after) in STEPS.items() if offer.status in before]
    if offer.kind == OfferKind.PLEDGE and offer.fund_transaction_id is None:
        # A pledge is "used" only when the fund records the money (pledge_receive).
        steps = [s for s in steps if s != "use"]
    return steps


@transaction.atomic
def offer_step(*, actor: User, offer: Offer, action: str, expected_version: int,
               note: str = "", reason: str = "", checks_done: bool = False,
               network_id: int | None = None, request: Any = None) -> Offer:
    """Takes one step of an offer. On acceptance the offer becomes capacity:
    time → a volunteer of the network (once the coordinator confirms the
    checks), goods → the network's stock, a service → capacity to give, a
    pledge → recorded as pledged (never as money received)."""
    if not access.may_handle(actor, offer):
        raise NotFound
    if action not in STEPS:
        raise Refused("unknown_step", gettext_lazy("There is no such step."), field="action")
    before, after = STEPS[action]
    if offer.status not in before or action not in next_steps(offer):
        raise Refused("wrong_state", gettext_lazy(
            "This step cannot be taken from the offer's current status."), field="action")
    errors: dict[str, str] = {}
    if len(note) > MAX_TEXT:
        errors["note"] = _("Too long: at most %(limit)s characters.") % {"limit": MAX_TEXT}
    if action == "decline" and reason not in DeclineReason.values:
        errors["reason"] = _("Choose why the offer is declined.")
    network = offer.network
    if action == "accept" and network_id is not None:
        network = Network.objects.filter(pk=network_id, province_code=offer.province_code,
                                         active=True).first()
        if network is None:
            errors["network"] = _("Choose an active network of the offer's province.")
    if action == "accept" and offer.kind in (OfferKind.TIME, OfferKind.GOODS) and \
            network is None and "network" not in errors:
        errors["network"] = _("No network covers this area: choose the network that will "
                              "take the offer.")
    if action == "accept" and offer.kind == OfferKind.TIME and not checks_done:
        errors["checks_done"] = _("Confirm that you met the giver, checked their identity and "
                                  "explained how volunteers work with people's records.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    updates: dict[str, Any] = {"status": after, "version": F("version") + 1}
    if action == "contact":
        updates["contacted_at"] = now
    elif action in ("accept", "decline"):
        updates["decided_at"] = now
        updates["decline_reason"] = reason if action == "decline" else ""
        updates["network"] = network
    elif action == "use":
        updates["used_at"] = now
    if note.strip():
        updates["note"] = (offer.note + "\n" if offer.note else "") + note.strip()
    if Offer.objects.filter(pk=offer.pk, version=expected_version, status=offer.status).update(
            **updates) != 1:
        raise Conflict
    offer.refresh_from_db()
    if action == "accept":
        _becomes_capacity(actor, offer, request)
    _counted(offer)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=offer,
                 area_code=offer.area_code,
                 detail={"action": action, "from": sorted(before), "to": after,
                         "reason": reason})
    return offer


def _becomes_capacity(actor: User, offer: Offer, request: Any) -> None:
    if offer.kind == OfferKind.TIME:
        first, _sep, last = offer.giver_name.partition(" ")
        subdistricts = ([offer.subdistrict_id] if offer.subdistrict_id else list(
            Subdistrict.objects.filter(district_id=offer.area_code).values_list(
                "code", flat=True)))
        codes = {c for s in offer.skills for c in SKILL_NEEDS.get(Skill(s), ())}
        needs = list(Need.objects.filter(code__in=codes, province_code="").values_list(
            "pk", flat=True))
        volunteer = volunteer_create(actor=actor, request=request, data=VolunteerData(
            first_name=first[:100], last_name=last.strip()[:100], phone=offer.giver_phone,
            province_code=offer.province_code, network=offer.network_id,
            subdistricts=subdistricts, needs=needs, capacity=5))
        Offer.objects.filter(pk=offer.pk).update(volunteer=volunteer)
        offer.volunteer = volunteer
    elif offer.kind == OfferKind.GOODS:
        network, item = offer.network, offer.goods_item
        if network is not None and item is not None and offer.quantity:
            _stock_in(network, item, offer.quantity)
    elif offer.kind == OfferKind.SERVICE:
        Offer.objects.filter(pk=offer.pk).update(capacity_left=offer.capacity)
        offer.capacity_left = offer.capacity


def _stock_in(network: Network, item: GoodsItem, quantity: int) -> Stock:
    stock, _created = Stock.objects.select_for_update().get_or_create(
        network=network, item=item, defaults={"province_code": network.province_code})
    Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity,
                                             updated_at=timezone.now())
    stock.refresh_from_db()
    return stock


@transaction.atomic
def pledge_receive(*, actor: User, offer: Offer, date: Any, request: Any = None) -> Offer:
    """The fund received the pledged money: recorded as the fund's contribution
    (through the fund's own service: its editors only), and the pledge is used."""
    if not access.may_handle(actor, offer):
        raise NotFound
    if offer.kind != OfferKind.PLEDGE or offer.status != OfferStatus.ACCEPTED or \
            offer.fund_transaction_id is not None or offer.fund is None:
        raise Refused("wrong_state", gettext_lazy(
            "Only an accepted pledge not yet received can be recorded as received."))
    entry: FundTransaction = fund_transaction_record(
        actor=actor, fund=offer.fund, date=date, kind=FundTransaction.Kind.CONTRIBUTION,
        amount=offer.amount, note=_("Pledge %(reference)s") % {"reference": offer.reference},
        request=request)
    if Offer.objects.filter(pk=offer.pk, version=offer.version).update(
            fund_transaction=entry, status=OfferStatus.USED, used_at=timezone.now(),
            version=F("version") + 1) != 1:
        raise Conflict
    offer.refresh_from_db()
    _counted(offer)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=offer,
                 area_code=offer.area_code, detail={"action": "pledge_received",
                                                    "transaction": entry.pk})
    return offer


@transaction.atomic
def stock_add(*, actor: User, network: Network, item: GoodsItem, quantity: Any,
              request: Any = None) -> Stock:
    """Goods a network received outside the public page (a delivery, a drive)."""
    if not covers(actor, network.province_code, access.ALLOCATORS) and not \
            access.stock_visible_to(actor).filter(network=network).exists():
        raise NotFound
    errors: dict[str, str] = {}
    number = _positive(errors, "quantity", quantity, MAX_QUANTITY)
    if not catalogue_for(network.province_code).filter(pk=item.pk).exists():
        errors["item"] = _("Choose the goods from the province's catalogue.")
    if errors or number is None:
        raise ValidationError(errors)
    stock = _stock_in(network, item, number)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=stock,
                 area_code=network.province_code, detail={"added": number})
    return stock


@transaction.atomic
def allocate(*, actor: User, person: Person, quantity: Any, stock: Stock | None = None,
             offer: Offer | None = None, need: Need | None = None, note: str = "",
             request: Any = None) -> Allocation:
    """Gives goods from a network's stock (or a place of an accepted service)
    to a person for one of their needs, and records the delivery on their open
    case as a support event. The stock's row is locked while it is counted:
    many allocations at once never take it below zero (the database refuses
    that too)."""
    if not covers(actor, person.area_code, access.ALLOCATORS):
        raise NotFound
    if (stock is None) == (offer is None):
        raise Refused("what_to_give", gettext_lazy("Choose the stock or the service to give."),
                      field="stock")
    errors: dict[str, str] = {}
    number = _positive(errors, "quantity", quantity, MAX_QUANTITY)
    if len(note) > MAX_TEXT:
        errors["note"] = _("Too long: at most %(limit)s characters.") % {"limit": MAX_TEXT}
    if errors or number is None:
        raise ValidationError(errors)
    case = Case.objects.filter(person=person, status__in=wf.OPEN_STATES).first()
    if case is None:
        raise Refused("no_open_case", gettext_lazy(
            "This person has no open case: open one before recording help given."),
            field="person")
    if stock is not None:
        locked = Stock.objects.select_for_update().select_related("item", "network").filter(
            pk=stock.pk).first()
        if locked is None or locked.province_code != person.province_code:
            raise NotFound
        if number > locked.quantity:
            raise Refused("stock_short", gettext_lazy(
                "Only %(left)s %(unit)s of %(item)s left in stock."), field="quantity",
                left=locked.quantity, unit=locked.item.unit, item=locked.item.name)
        Stock.objects.filter(pk=locked.pk).update(quantity=F("quantity") - number,
                                                  updated_at=timezone.now())
        what = f"{locked.item.name} × {number} {locked.item.unit} ({locked.network.name})"
        need = need or locked.item.need
    elif offer is not None:
        locked_offer = Offer.objects.select_for_update().filter(
            pk=offer.pk, kind=OfferKind.SERVICE, status=OfferStatus.ACCEPTED,
            province_code=person.province_code).first()
        if locked_offer is None:
            raise NotFound
        left = locked_offer.capacity_left or 0
        if number > left:
            raise Refused("service_full", gettext_lazy(
                "The service has room for %(left)s more people only."), field="quantity",
                left=left)
        Offer.objects.filter(pk=offer.pk).update(capacity_left=F("capacity_left") - number)
        what = f"{locked_offer.description[:80]} ({number})"
    allocation = Allocation.objects.create(
        person=person, need=need, stock=stock, offer=offer, quantity=number,
        subdistrict_code=person.area_code, province_code=person.province_code, by=actor)
    text = _("Help given: %(what)s") % {"what": what} + (f" — {note.strip()}" if note.strip()
                                                         else "")
    case_comment(actor=actor, case=case, note=text, action="support",
                 allocation=allocation.pk)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=allocation,
                 area_code=person.area_code,
                 detail={"stock": stock.pk if stock else None,
                         "offer": offer.pk if offer else None, "quantity": number})
    return allocation


@transaction.atomic
def goods_item_create(*, actor: User, province_code: str, name_th: str, name_en: str = "",
                      unit_th: str = "", unit_en: str = "", need: Need | None = None,
                      request: Any = None) -> GoodsItem:
    """A province's own line in its goods catalogue (the provincial office)."""
    if not covers(actor, province_code, access.CATALOGUE_EDITORS) or len(province_code) != 2:
        raise NotFound
    errors: dict[str, str] = {}
    name_th = name_th.strip()
    if not name_th:
        errors["name_th"] = _("Give the Thai name of the goods.")
    for key, value, limit in (("name_th", name_th, 150), ("name_en", name_en, 150),
                              ("unit_th", unit_th, 40), ("unit_en", unit_en, 40)):
        if len(value) > limit:
            errors[key] = _("Too long: at most %(limit)s characters.") % {"limit": limit}
    if need is not None and need.province_code not in ("", province_code):
        errors["need"] = _("Choose a need of the province's taxonomy.")
    if not errors and catalogue_for(province_code).filter(name_th=name_th).exists():
        errors["name_th"] = _("The catalogue already has “%(name)s”.") % {"name": name_th}
    if errors:
        raise ValidationError(errors)
    code = f"p{province_code}-{GoodsItem.objects.filter(province_code=province_code).count() + 1}"
    item = GoodsItem.objects.create(
        code=code, province_code=province_code, name_th=name_th, name_en=name_en.strip(),
        unit_th=unit_th.strip() or "ชิ้น", unit_en=unit_en.strip() or "pieces", need=need,
        sort=1000)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=item,
                 area_code=province_code)
    return item


@transaction.atomic
def goods_item_set_active(*, actor: User, item: GoodsItem, active: bool,
                          request: Any = None) -> GoodsItem:
    """Takes a province's line out of the catalogue (or back); national lines
    are the ministry's."""
    if not item.province_code or not covers(actor, item.province_code,
                                            access.CATALOGUE_EDITORS):
        raise NotFound
    GoodsItem.objects.filter(pk=item.pk).update(active=active)
    item.refresh_from_db()
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=item,
                 area_code=item.province_code, detail={"active": active})
    return item


def public_stage(reference: str, *, request: Any = None) -> str | None:
    """What the giver's status page may say: the stage of the offer, never a
    word about the people helped. Rate-limited and audited like the report's."""
    if not ratelimit.hit(STATUS_LOOKUPS, rate_key(audit.client_ip(request))):
        raise TooManyReports
    ref = reference.strip().upper().replace(" ", "")
    if len(ref) == 10:
        ref = f"{ref[:5]}-{ref[5:]}"
    found = Offer.objects.filter(reference=ref).values_list("status", "kind").first()
    stage = None
    if found:
        stage = found[0]
        if found[1] == OfferKind.PLEDGE and stage == OfferStatus.ACCEPTED:
            stage = "pledged"  # never shown as money received before the fund records it
    audit.record(AuditAction.VIEW, request=request, object_type=STATUS_AUDIT_TYPE,
                 detail={"found": stage is not None})
    return stage


# Givers' contact details, once forgotten: a token per giver (so that counts of
# givers stay right) that no longer leads to anyone.
ANONYMOUS_PREFIX = "anon-"


def giver_offers(phone: str) -> Any:
    """Every offer made with this phone: what LNOB holds about that giver."""
    phone = phone.strip()
    if not phone or phone.startswith(ANONYMOUS_PREFIX):
        return Offer.objects.none()
    return Offer.objects.filter(giver_phone=phone)


@transaction.atomic
def givers_anonymise(*, actor: User | None, offers: Any, request: Any = None,
                     why: str = "request") -> int:
    """Forgets the givers' contact details on ``offers`` (name, organisation of
    a person giver, phone, e-mail, the free text they wrote and the notes
    about them): each giver's phone becomes one random token, so the counts
    of offers and givers stay right. Returns how many offers changed."""
    import secrets

    tokens: dict[str, str] = {}
    done = 0
    for offer in offers.exclude(giver_phone__startswith=ANONYMOUS_PREFIX).select_for_update(
            ).order_by("id"):
        token = tokens.setdefault(offer.giver_phone,
                                  ANONYMOUS_PREFIX + secrets.token_hex(6))
        Offer.objects.filter(pk=offer.pk).update(
            giver_name="", giver_phone=token, giver_email="", description="", note="",
            organisation=offer.organisation if offer.giver_kind == "organisation" else "",
            version=F("version") + 1)
        done += 1
    audit.record(AuditAction.UPDATE, actor=actor, request=request,
                 object_type="giving.givers_anonymised",
                 detail={"offers": done, "givers": len(tokens), "why": why})
    return done
