"""The care-capacity services: what they refuse (with the field named and
nothing written), fund balances, and one audit row per change."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.networks import services
from lnob.networks.models import (
    Committee,
    CommitteeMember,
    Fund,
    FundTransaction,
    Network,
    PartnerType,
    Volunteer,
)
from lnob.networks.selectors import balance_history
from lnob.registry.taxonomy import Need
from lnob.testing.factories import (
    KO_TAO,
    KRABI_TOWN,
    CommitteeFactory,
    CommitteeMemberFactory,
    FundFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db


def refused(call: Callable[[], Any]) -> dict[str, list[str]]:
    """The errors of a refused call, in English (pages are Thai by default)."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def network_data(**overrides: Any) -> services.NetworkData:
    values: dict[str, Any] = {"name": "กลุ่มออมทรัพย์เกาะเต่า", "partner_type": "savings_group",
                              "province_code": "84", "subdistricts": [KO_TAO]}
    values.update(overrides)
    return services.NetworkData(**values)


def volunteer_data(**overrides: Any) -> services.VolunteerData:
    values: dict[str, Any] = {"first_name": "สุดา", "last_name": "ใจดี",
                              "province_code": "84", "subdistricts": [KO_TAO]}
    values.update(overrides)
    return services.VolunteerData(**values)


# --- networks ---------------------------------------------------------------------------

def test_an_officer_records_a_network_with_its_areas_needs_and_capacity(
        officer: User, health: Need) -> None:
    network = services.network_create(actor=officer, data=network_data(
        capacity=40, needs=[health.pk], contact_phone="๐๘๑-๒๓๔-๕๖๗๘", is_lead=True))
    assert [s.code for s in network.subdistricts.all()] == [KO_TAO]
    assert list(network.needs.all()) == [health]
    assert network.capacity == 40 and network.is_lead
    assert network.contact_phone == "0812345678"  # Thai digits and dashes, kept as digits
    event = AuditEvent.objects.get(object_type="networks.network")
    assert (event.action, event.actor, event.area_code) == ("create", officer, "84")


def test_subdistricts_outside_the_networks_province_are_refused(officer: User) -> None:
    errors = refused(lambda: services.network_create(
        actor=officer, data=network_data(subdistricts=[KO_TAO, KRABI_TOWN])))
    assert list(errors) == ["subdistricts"]
    assert "(810101)" in errors["subdistricts"][0]
    assert not Network.objects.exists()


def test_villages_outside_the_province_and_unknown_codes_are_refused(officer: User) -> None:
    errors = refused(lambda: services.network_create(
        actor=officer, data=network_data(villages=["84050399"], subdistricts=["849999"])))
    assert set(errors) == {"villages", "subdistricts"}
    assert not Network.objects.exists()


def test_a_member_network_must_point_to_a_lead_network_of_its_own_province(
        officer: User, admin: User) -> None:
    krabi_lead = NetworkFactory.create(province_code="81", is_lead=True, name="แม่ข่ายกระบี่")
    errors = refused(lambda: services.network_create(
        actor=admin, data=network_data(lead_network=krabi_lead.pk)))
    assert list(errors) == ["lead_network"]
    assert "แม่ข่ายกระบี่" in errors["lead_network"][0]
    assert "another province" in errors["lead_network"][0]
    assert not Network.objects.filter(province_code="84").exists()


def test_a_member_network_cannot_point_to_a_network_that_is_not_a_lead(officer: User) -> None:
    plain = NetworkFactory.create(is_lead=False, name="กลุ่มธรรมดา")
    errors = refused(lambda: services.network_create(
        actor=officer, data=network_data(lead_network=plain.pk)))
    assert list(errors) == ["lead_network"]
    assert "is not a lead network" in errors["lead_network"][0]
    assert Network.objects.count() == 1


def test_a_lead_network_belongs_to_no_other_and_keeps_its_members(officer: User) -> None:
    lead = NetworkFactory.create(is_lead=True)
    other_lead = NetworkFactory.create(is_lead=True)
    member = services.network_create(actor=officer, data=network_data(lead_network=lead.pk))
    assert member.lead_network == lead
    errors = refused(lambda: services.network_update(
        actor=officer, network=lead, data=network_data(is_lead=True,
                                                       lead_network=other_lead.pk)))
    assert list(errors) == ["lead_network"]
    errors = refused(lambda: services.network_update(
        actor=officer, network=lead, data=network_data(is_lead=False)))
    assert list(errors) == ["is_lead"]
    lead.refresh_from_db()
    assert lead.is_lead and lead.lead_network is None


def test_a_coordinator_may_only_cover_subdistricts_of_their_district(coordinator: User) -> None:
    errors = refused(lambda: services.network_create(
        actor=coordinator, data=network_data(subdistricts=[KO_TAO, "840101"])))
    assert list(errors) == ["subdistricts"]
    errors = refused(lambda: services.network_create(
        actor=coordinator, data=network_data(subdistricts=[])))
    assert "at least one subdistrict" in errors["subdistricts"][0]
    network = services.network_create(actor=coordinator, data=network_data())
    assert network.province_code == "84"


def test_an_update_records_which_fields_changed(officer: User) -> None:
    network = services.network_create(actor=officer, data=network_data())
    services.network_update(actor=officer, network=network,
                            data=network_data(capacity=12, subdistricts=[KO_TAO, "840502"]))
    event = AuditEvent.objects.get(action="update", object_type="networks.network")
    assert event.detail == {"changed": ["capacity", "subdistricts"]}


def test_a_caller_that_skipped_the_access_check_is_stopped(other_officer: User) -> None:
    network = NetworkFactory.create(subdistricts=[KO_TAO])
    with pytest.raises(PermissionError):
        services.network_update(actor=other_officer, network=network, data=network_data())
    with pytest.raises(PermissionError):
        services.network_create(actor=other_officer, data=network_data())


# --- volunteers -------------------------------------------------------------------------

def test_a_volunteer_follows_five_people_unless_told_otherwise(coordinator: User) -> None:
    volunteer = services.volunteer_create(actor=coordinator, data=volunteer_data())
    assert volunteer.capacity == 5
    assert AuditEvent.objects.get(object_type="networks.volunteer").detail == {}  # no names


def test_a_volunteer_can_cover_single_villages(coordinator: User, other_officer: User) -> None:
    from lnob.geo.models import Village

    mae_haad = Village.objects.create(code=KO_TAO + "01", subdistrict_id=KO_TAO, number=1,
                                      name_th="บ้านแม่หาด")
    Village.objects.create(code="81010101", subdistrict_id=KRABI_TOWN, number=1, name_th="ไกล")
    volunteer = services.volunteer_create(actor=coordinator, data=volunteer_data(
        subdistricts=[], villages=[mae_haad.code]))
    assert list(volunteer.villages.values_list("code", flat=True)) == [mae_haad.code]
    assert services.VolunteerData.of(volunteer).villages == [mae_haad.code]
    errors = refused(lambda: services.volunteer_create(actor=coordinator, data=volunteer_data(
        villages=["81010101"])))
    assert "villages" in errors


def test_a_volunteer_with_negative_capacity_is_refused_naming_the_field(officer: User) -> None:
    errors = refused(lambda: services.volunteer_create(actor=officer,
                                                       data=volunteer_data(capacity=-1)))
    assert list(errors) == ["capacity"]
    assert "cannot be negative" in errors["capacity"][0]
    assert not Volunteer.objects.exists()
    assert not AuditEvent.objects.filter(object_type="networks.volunteer").exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"first_name": "  "}, "first_name"),
    ({"phone": "12"}, "phone"),
    ({"subdistricts": [KRABI_TOWN]}, "subdistricts"),
    ({"capacity": 1000}, "capacity"),
    ({"province_code": "99"}, "province_code"),
])
def test_other_bad_volunteer_input_is_refused_naming_the_field(
        admin: User, overrides: dict[str, Any], field: str) -> None:
    errors = refused(lambda: services.volunteer_create(actor=admin,
                                                       data=volunteer_data(**overrides)))
    assert field in errors
    assert not Volunteer.objects.exists()


def test_a_volunteers_network_must_be_of_the_same_province(admin: User) -> None:
    krabi = NetworkFactory.create(province_code="81")
    errors = refused(lambda: services.volunteer_create(
        actor=admin, data=volunteer_data(network=krabi.pk)))
    assert list(errors) == ["network"]


def test_needs_of_another_province_are_refused(officer: User) -> None:
    krabi_need = Need.objects.create(code="boats", name_th="เรือ", province_code="81")
    errors = refused(lambda: services.volunteer_create(
        actor=officer, data=volunteer_data(needs=[krabi_need.pk])))
    assert list(errors) == ["needs"]


# --- funds ------------------------------------------------------------------------------

def day(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def record(actor: User, fund: Fund, kind: str, amount: str, on: datetime.date) -> Any:
    return services.fund_transaction_record(actor=actor, fund=fund, date=on, kind=kind,
                                            amount=amount)


def test_the_balance_is_the_sum_of_a_dated_history(officer: User) -> None:
    fund = FundFactory.create()
    record(officer, fund, "contribution", "1000", day(30))
    record(officer, fund, "disbursement", "250.50", day(10))
    record(officer, fund, "contribution", "100", day(20))  # recorded late, dated earlier
    fund.refresh_from_db()
    assert fund.balance == Decimal("849.50")
    lines = [(line.transaction.date, line.transaction.kind, line.balance)
             for line in balance_history(fund)]
    assert lines == [(day(30), "contribution", Decimal("1000")),
                     (day(20), "contribution", Decimal("1100")),
                     (day(10), "disbursement", Decimal("849.50"))]
    events = AuditEvent.objects.filter(object_type="networks.fund", object_id=str(fund.pk))
    assert events.count() == 3
    assert events.first().detail["balance"] == "849.50"  # type: ignore[union-attr]


@pytest.mark.parametrize("amount", ["0", "-5", "0.00", "abc", "1.005"])
def test_a_transaction_amount_must_be_more_than_zero_baht(officer: User, amount: str) -> None:
    fund = FundFactory.create()
    errors = refused(lambda: record(officer, fund, "contribution", amount, day(1)))
    assert list(errors) == ["amount"]
    assert not FundTransaction.objects.exists()


def test_a_disbursement_over_the_balance_is_refused(officer: User) -> None:
    fund = FundFactory.create()
    record(officer, fund, "contribution", "500", day(5))
    errors = refused(lambda: record(officer, fund, "disbursement", "500.01", day(1)))
    assert list(errors) == ["amount"]
    assert "500.00" in errors["amount"][0]
    fund.refresh_from_db()
    assert fund.balance == Decimal("500")
    assert fund.transactions.count() == 1
    record(officer, fund, "disbursement", "500", day(1))  # all of it is fine
    fund.refresh_from_db()
    assert fund.balance == 0


def test_a_backdated_disbursement_may_not_take_money_the_fund_did_not_yet_have(
        officer: User) -> None:
    fund = FundFactory.create()
    record(officer, fund, "contribution", "100", day(10))
    record(officer, fund, "contribution", "900", day(2))
    errors = refused(lambda: record(officer, fund, "disbursement", "300", day(5)))
    assert list(errors) == ["amount"]
    record(officer, fund, "disbursement", "100", day(5))
    fund.refresh_from_db()
    assert fund.balance == Decimal("900")


def test_a_later_balance_limits_a_disbursement_dated_earlier(officer: User) -> None:
    fund = FundFactory.create()
    record(officer, fund, "contribution", "1000", day(10))
    record(officer, fund, "disbursement", "800", day(3))
    # On day 5 the fund held 1000, but taking 300 then would leave −100 on day 3.
    errors = refused(lambda: record(officer, fund, "disbursement", "300", day(5)))
    assert list(errors) == ["amount"]


def test_a_transaction_needs_a_past_date_and_a_known_kind(officer: User) -> None:
    fund = FundFactory.create()
    errors = refused(lambda: record(officer, fund, "contribution", "10", day(-1)))
    assert list(errors) == ["date"]
    errors = refused(lambda: record(officer, fund, "gift", "10", day(1)))
    assert list(errors) == ["kind"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"area_code": "8499"}, "area_code"),
    ({"members": -3}, "members"),
    ({"name": ""}, "name"),
    ({"kind": "casino"}, "kind"),
])
def test_bad_fund_input_is_refused_naming_the_field(officer: User, overrides: dict[str, Any],
                                                    field: str) -> None:
    values: dict[str, Any] = {"name": "กองทุน", "kind": "other", "area_code": KO_TAO}
    values.update(overrides)
    errors = refused(lambda: services.fund_create(actor=officer,
                                                  data=services.FundData(**values)))
    assert list(errors) == [field]
    assert not Fund.objects.exists()


def test_a_funds_network_must_be_of_its_province(officer: User) -> None:
    krabi = NetworkFactory.create(province_code="81")
    data = services.FundData(name="กองทุน", kind="other", area_code=KO_TAO, network=krabi.pk)
    assert list(refused(lambda: services.fund_create(actor=officer, data=data))) == ["network"]


# --- committees -------------------------------------------------------------------------

@pytest.mark.parametrize(("level", "code", "message"), [
    ("subdistrict", "8405", "6 digits"),
    ("district", "840503", "4 digits"),
    ("province", "8405", "2 digits"),
    ("subdistrict", "849999", "Unknown area code"),
    ("district", "8499", "Unknown area code"),
    ("ward", "8405", "Choose the level"),
])
def test_a_committee_area_code_must_match_its_level_and_exist(
        officer: User, level: str, code: str, message: str) -> None:
    data = services.CommitteeData(name="คณะกรรมการ", level=level, area_code=code)
    errors = refused(lambda: services.committee_create(actor=officer, data=data))
    field = "level" if level == "ward" else "area_code"
    assert message in errors[field][0]
    assert not Committee.objects.exists()


def test_a_committee_has_one_chair_from_civil_society(officer: User) -> None:
    committee = CommitteeFactory.create()
    services.committee_member_add(actor=officer, committee=committee, name="นางสาวใจ",
                                  role="chair", partner_type=PartnerType.CIVIL_SOCIETY)
    errors = refused(lambda: services.committee_member_add(
        actor=officer, committee=committee, name="นายสอง", role="chair",
        partner_type=PartnerType.CIVIL_SOCIETY))
    assert list(errors) == ["role"]
    assert "นางสาวใจ" in errors["role"][0]
    assert committee.members.count() == 1


def test_the_database_also_refuses_a_second_chair(db: None) -> None:
    first = CommitteeMemberFactory.create(role="chair")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitteeMember.objects.create(committee=first.committee, name="x", role="chair",
                                       partner_type=PartnerType.CIVIL_SOCIETY)


def test_the_chair_comes_from_civil_society(officer: User) -> None:
    committee = CommitteeFactory.create()
    errors = refused(lambda: services.committee_member_add(
        actor=officer, committee=committee, name="นายอำเภอ", role="chair",
        partner_type=PartnerType.PROVINCIAL_AGENCY))
    assert list(errors) == ["partner_type"]
    assert not committee.members.exists()


def test_members_and_meetings_are_recorded_and_audited_on_the_committee(officer: User) -> None:
    committee = CommitteeFactory.create()
    member = services.committee_member_add(actor=officer, committee=committee, name="พมจ.",
                                           role="secretary",
                                           partner_type=PartnerType.PROVINCIAL_AGENCY)
    services.committee_meeting_record(actor=officer, committee=committee, date=day(3),
                                      minutes="ทบทวนรายชื่อ")
    services.committee_member_remove(actor=officer, member=member)
    errors = refused(lambda: services.committee_meeting_record(actor=officer,
                                                               committee=committee, date=None))
    assert list(errors) == ["date"]
    assert committee.meetings.count() == 1 and not committee.members.exists()
    events = AuditEvent.objects.filter(object_type="networks.committee",
                                       object_id=str(committee.pk))
    assert events.count() == 3


def test_an_officer_of_a_district_cannot_put_a_fund_on_the_whole_province(
        make_user: Callable[..., User]) -> None:
    district_officer = make_user("d", Role.PROVINCIAL_OFFICER, "8405")
    data = services.FundData(name="กองทุนจังหวัด", kind="other", area_code="84")
    errors = refused(lambda: services.fund_create(actor=district_officer, data=data))
    assert list(errors) == ["area_code"]
