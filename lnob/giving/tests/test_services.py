"""The giving services: an offer is routed to the lead network of its area,
takes its steps, and on acceptance becomes capacity; goods reach people from
stock that never goes below zero, recorded on their case."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lnob.cases.intake.services import TooManyReports
from lnob.cases.models import CaseEvent
from lnob.core.errors import Conflict, NotFound, Refused
from lnob.core.models import AuditEvent, User
from lnob.giving import services as giving
from lnob.giving.models import Allocation, GoodsItem, Offer, Stock
from lnob.giving.selectors import proposals_for, unmet_grid
from lnob.giving.tests.conftest import KO_TAO, submit
from lnob.networks.models import Fund, FundKind, Network, Volunteer
from lnob.registry.access import persons_visible_to
from lnob.registry.models import Need
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db


def step(actor: User, offer: Offer, action: str, **kw: object) -> Offer:
    return giving.offer_step(actor=actor, offer=offer, action=action,
                             expected_version=offer.version, **kw)  # type: ignore[arg-type]


def test_an_offer_goes_to_the_lead_network_of_its_subdistrict(lead: Network) -> None:
    offer = submit()
    assert offer.network == lead and not offer.coverage_hole
    assert offer.status == "received" and len(offer.reference) == 11
    row = AuditEvent.objects.get(object_type=giving.PUBLIC_AUDIT_TYPE)
    assert "สมใจ" not in str(row.detail) and "0812345678" not in str(row.detail)


def test_an_offer_where_no_network_works_is_a_hole_for_the_provincial_office(db: None) -> None:
    offer = submit(area_code="840501")
    assert offer.network is None and offer.coverage_hole


def test_an_offer_for_a_whole_district_goes_to_a_network_in_it(lead: Network) -> None:
    assert submit(area_code="8405").network == lead


@pytest.mark.parametrize(("overrides", "field"), [
    ({"area_code": "999999"}, "area_code"),
    ({"giver_phone": "12"}, "giver_phone"),
    ({"consent": False}, "consent"),
    ({"skills": []}, "skills"),
    ({"kind": "goods", "goods_item": None, "quantity": 3}, "goods_item"),
    ({"kind": "service", "description": "ตรวจสุขภาพที่บ้าน", "capacity": 0}, "capacity"),
    ({"kind": "pledge", "fund": None, "amount": "100"}, "fund"),
])
def test_bad_input_names_the_field_and_writes_nothing(
        lead: Network, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        submit(**overrides)
    assert field in err.value.message_dict
    assert Offer.objects.count() == 0


def test_quantities_must_be_positive(lead: Network, diapers: GoodsItem) -> None:
    for bad in (0, -5):
        with pytest.raises(ValidationError) as err:
            submit(kind="goods", goods_item=diapers.pk, quantity=bad)
        assert "quantity" in err.value.message_dict


def test_the_public_door_is_limited_per_address_like_the_report_page(lead: Network) -> None:
    for _i in range(giving.PUBLIC_OFFERS_PER_HOUR):
        submit(ip="198.51.100.9")
    with pytest.raises(TooManyReports):
        submit(ip="198.51.100.9")
    submit(ip="198.51.100.10")  # another address is not held back


def test_accepting_a_time_offer_makes_a_volunteer_of_the_network(
        lead: Network, coordinator: User) -> None:
    offer = submit()
    offer = step(coordinator, offer, "contact")
    with pytest.raises(ValidationError) as err:
        step(coordinator, offer, "accept")
    assert "checks_done" in err.value.message_dict
    offer = step(coordinator, offer, "accept", checks_done=True)
    volunteer = Volunteer.objects.get(offers=offer)
    assert (volunteer.first_name, volunteer.last_name, volunteer.network) == (
        "สมใจ", "อาสาดี", lead)
    assert [s.code for s in volunteer.subdistricts.all()] == [KO_TAO]
    assert {n.code for n in volunteer.needs.all()} == {"daily_care", "health"}
    assert volunteer.active and volunteer.capacity > 0  # matching reads these


def test_a_declined_offer_keeps_its_reason(lead: Network, coordinator: User) -> None:
    offer = submit()
    with pytest.raises(ValidationError):
        step(coordinator, offer, "decline")
    offer = step(coordinator, offer, "decline", reason="not_needed")
    assert (offer.status, offer.decline_reason) == ("declined", "not_needed")
    with pytest.raises(Refused):
        step(coordinator, offer, "accept", checks_done=True)


def test_a_step_from_an_old_version_is_a_conflict(lead: Network, coordinator: User) -> None:
    offer = submit()
    stale = Offer.objects.get(pk=offer.pk)
    step(coordinator, offer, "contact")
    with pytest.raises(Conflict):
        step(coordinator, stale, "decline", reason="other")


def test_out_of_area_and_strangers_cannot_take_steps(
        lead: Network, other_officer: User, stranger: User) -> None:
    offer = submit()
    for user in (other_officer, stranger):
        with pytest.raises(NotFound):
            step(user, offer, "contact")
    assert Offer.objects.get(pk=offer.pk).status == "received"


def test_accepted_goods_become_stock_and_reach_a_person_recorded_on_the_case(
        lead: Network, coordinator: User, officer: User, diapers: GoodsItem) -> None:
    daily_care = Need.objects.get(code="daily_care", province_code="")
    case = verified_case(officer, daily_care, "ยายแดง")
    offer = submit(kind="goods", goods_item=diapers.pk, quantity=12, skills=[])
    step(coordinator, offer, "accept")
    stock = Stock.objects.get(network=lead, item=diapers)
    assert stock.quantity == 12
    proposal = proposals_for(KO_TAO, persons_visible_to(coordinator), Stock.objects.all())
    assert [(p.person, p.stock) for p in proposal] == [(case.person, stock)]
    giving.allocate(actor=coordinator, person=case.person, stock=stock, quantity=5)
    stock.refresh_from_db()
    assert stock.quantity == 7
    event = CaseEvent.objects.filter(case=case, action="support").get()
    assert "ผ้าอ้อมผู้ใหญ่" in event.note
    assert Allocation.objects.get().need == daily_care
    with pytest.raises(Refused) as err:
        giving.allocate(actor=coordinator, person=case.person, stock=stock, quantity=8)
    assert err.value.code == "stock_short"
    stock.refresh_from_db()
    assert stock.quantity == 7


def test_an_accepted_service_is_capacity_given_out_until_full(
        lead: Network, coordinator: User, officer: User, need: Need) -> None:
    case = verified_case(officer, need)
    offer = submit(kind="service", description="พยาบาลเยี่ยมบ้าน", capacity=1, skills=[])
    offer = step(coordinator, offer, "accept")
    assert offer.capacity_left == 1
    giving.allocate(actor=coordinator, person=case.person, offer=offer, quantity=1)
    with pytest.raises(Refused):
        giving.allocate(actor=coordinator, person=case.person, offer=offer, quantity=1)


def test_a_pledge_is_never_money_received_until_the_fund_records_it(
        lead: Network, officer: User) -> None:
    fund = Fund.objects.create(name="กองทุนสวัสดิการชุมชนเกาะเต่า", province_code="84",
                               area_code=KO_TAO, kind=FundKind.COMMUNITY_WELFARE)
    offer = submit(kind="pledge", fund=fund.pk, amount="1500", skills=[])
    offer = step(officer, offer, "accept")
    assert giving.public_stage(offer.reference) == "pledged"
    assert "use" not in giving.next_steps(offer)
    fund.refresh_from_db()
    assert fund.balance == 0
    offer = giving.pledge_receive(actor=officer, offer=offer, date=timezone.localdate())
    fund.refresh_from_db()
    assert fund.balance == Decimal("1500.00") and offer.status == "used"
    assert giving.public_stage(offer.reference) == "used"


def test_the_status_says_the_stage_and_nothing_else(lead: Network) -> None:
    offer = submit()
    assert giving.public_stage(offer.reference.replace("-", "").lower()) == "received"
    assert giving.public_stage("AAAAA-AAAAA") is None


def test_unmet_needs_are_counted_until_something_is_given_for_them(
        lead: Network, officer: User, coordinator: User, diapers: GoodsItem) -> None:
    daily_care = Need.objects.get(code="daily_care", province_code="")
    cases = [verified_case(officer, daily_care, f"คนที่{i}") for i in range(7)]

    def unmet() -> int:
        _level, rows, needs, grid = unmet_grid("8405")
        return grid[[c for c, _n in rows].index(KO_TAO)][needs.index(daily_care)]

    assert unmet() == 7
    stock = giving.stock_add(actor=officer, network=lead, item=diapers, quantity=3)
    for case in cases[:3]:
        giving.allocate(actor=coordinator, person=case.person, stock=stock, quantity=1)
    assert unmet() == 4


def test_the_provincial_office_gives_a_hole_offer_to_a_network_when_accepting(
        lead: Network, officer: User) -> None:
    offer = submit(area_code="840501")  # no network covers เกาะพะงัน subdistrict
    assert offer.coverage_hole
    with pytest.raises(ValidationError) as err:
        step(officer, offer, "accept", checks_done=True)
    assert "network" in err.value.message_dict
    offer = step(officer, offer, "accept", checks_done=True, network_id=lead.pk)
    assert offer.network == lead and offer.volunteer is not None
    assert offer.volunteer.network == lead
