"""Transfers: asking, accepting, declining, cancelling, and the figures of
both sides. The helpers here are shared by the page and API tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lnob.cases.access import cases_visible_to
from lnob.cases.models import Case, CaseEvent, Transfer
from lnob.cases.services import CaseChanged, case_open, case_step
from lnob.cases.transfers.selectors import (
    TransferCounts,
    transfer_counts,
    transfers_outgoing,
    transfers_to_accept,
)
from lnob.cases.transfers.services import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
)
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Village
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Household, Person, PersonChange
from lnob.registry.services import household_start, person_create
from lnob.registry.taxonomy import Need, TargetGroup
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db

AO_NANG = "810116"  # อ่าวนาง, เมืองกระบี่, กระบี่ (81)
KO_TAO = "840503"


def open_case(officer: User, **overrides: Any) -> Case:
    """A person of เกาะเต่า with a target group and a need, and their case."""
    group = TargetGroup.objects.get(code="in_hardship", province_code="")
    need = Need.objects.get(code="health", province_code="")
    fields: dict[str, Any] = {"target_group_ids": [group.pk], "needs": {need.pk: 3}}
    fields.update(overrides)
    person = person_create(actor=officer, data=person_data(**fields))
    return case_open(actor=officer, person=person)


def network_of(province: str, name: str = "", **fields: Any) -> Network:
    return Network.objects.create(name=name or f"เครือข่าย {province}",
                                  partner_type=PartnerType.COMMUNITY, province_code=province,
                                  capacity=10, **fields)


def in_care(officer: User, case: Case, network: Network) -> Case:
    """Verified, assigned to a network and its volunteer, in care, with a
    visit due."""
    volunteer = Volunteer.objects.create(first_name="ใจดี", network=network,
                                         province_code=network.province_code)
    case = case_step(actor=officer, case=case, action="verify", expected_version=case.version)
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     network_id=network.pk, volunteer_id=volunteer.pk)
    case = case_step(actor=officer, case=case, action="start_care",
                     expected_version=case.version)
    Case.objects.filter(pk=case.pk).update(next_visit_due=datetime.date(2025, 7, 1))
    case.refresh_from_db()
    return case


def ask(officer: User, case: Case, to: str = AO_NANG, network: Network | None = None,
        note: str = "ย้ายไปอยู่กับลูกสาวที่กระบี่") -> Transfer:
    return transfer_request(actor=officer, case=case, to_subdistrict=to,
                            to_network=network.pk if network else None, note=note,
                            expected_version=case.version)


@pytest.fixture
def case(officer: User) -> Case:
    return open_case(officer)


def test_an_accepted_transfer_moves_the_case_and_the_person_with_history_and_next_visit(
        officer: User, other_officer: User, case: Case) -> None:
    Village.objects.create(code="84050301", subdistrict_id=KO_TAO, number=1, name_th="บ้านแม่หาด")
    Person.objects.filter(pk=case.person_id).update(village_id="84050301")
    household = household_start(actor=officer, head=Person.objects.get(pk=case.person_id))
    case = in_care(officer, case, network_of("84"))
    krabi = network_of("81", "เครือข่ายอ่าวนาง")
    transfer = ask(officer, case, network=krabi)
    case.refresh_from_db()
    assert (case.status, case.subdistrict_id) == ("in_care", KO_TAO)  # stays while pending

    transfer = transfer_accept(actor=other_officer, transfer=transfer, note="รับดูแลแล้ว")

    assert (transfer.status, transfer.decided_by) == ("accepted", other_officer)
    case.refresh_from_db()
    assert (case.subdistrict_id, case.district_code, case.province_code) == (
        AO_NANG, "8101", "81")
    assert (case.network, case.volunteer, case.status) == (krabi, None, "verified")
    assert case.next_visit_due == datetime.date(2025, 7, 1)
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "open", "verify", "assign", "start_care", "transfer_request", "transfer_accept"]
    person = Person.objects.get(pk=case.person_id)
    assert (person.subdistrict_id, person.district_code, person.province_code) == (
        AO_NANG, "8101", "81")
    assert (person.village, person.household, person.status) == (None, None, "verified")
    assert Household.objects.get(pk=household.pk).head is None
    moved = PersonChange.objects.get(person=person, action="transfer")
    assert moved.changes["subdistrict"] == [KO_TAO, AO_NANG]
    assert moved.changes["village"] == ["84050301", ""]
    assert AuditEvent.objects.filter(object_type="cases.transfer", object_id=str(transfer.pk),
                                     area_code=KO_TAO).exists()  # the sending side's log
    assert transfer_counts("84") == TransferCounts(1, 0, 0)
    assert transfer_counts("81") == TransferCounts(0, 1, 0)
    assert transfer_counts(KO_TAO).transferred_out == 1
    assert transfer_counts("8101").transferred_in == 1
    assert transfer_counts("") == TransferCounts(0, 0, 1)


def test_the_case_changes_hands_only_on_acceptance(officer: User, other_officer: User,
                                                   case: Case) -> None:
    transfer = ask(officer, case)
    assert list(cases_visible_to(officer)) == [case]
    assert list(cases_visible_to(other_officer)) == []
    assert list(transfers_to_accept(other_officer)) == [transfer]
    assert list(transfers_to_accept(officer)) == []
    assert list(transfers_outgoing(officer)) == [transfer]
    assert list(transfers_outgoing(other_officer)) == []
    transfer_accept(actor=other_officer, transfer=transfer)
    assert list(cases_visible_to(officer)) == []
    assert list(cases_visible_to(other_officer)) == [case]
    assert list(transfers_to_accept(other_officer)) == []


def test_a_declined_transfer_leaves_everything_as_it_was(officer: User, other_officer: User,
                                                         case: Case) -> None:
    network = network_of("84")
    case = in_care(officer, case, network)
    transfer = ask(officer, case)
    with pytest.raises(ValidationError) as err:
        transfer_decline(actor=other_officer, transfer=transfer, note=" ")
    assert "note" in err.value.message_dict
    transfer = transfer_decline(actor=other_officer, transfer=transfer,
                                note="ไม่พบผู้รับในพื้นที่")
    assert (transfer.status, transfer.decision_note) == ("declined", "ไม่พบผู้รับในพื้นที่")
    case.refresh_from_db()
    assert (case.subdistrict_id, case.network, case.status) == (KO_TAO, network, "in_care")
    assert case.volunteer is not None
    person = Person.objects.get(pk=case.person_id)
    assert (person.subdistrict_id, person.status) == (KO_TAO, "in_care")
    assert CaseEvent.objects.filter(case=case).values_list("action", flat=True).last() == (
        "transfer_decline")
    assert transfer_counts("84") == transfer_counts("81") == TransferCounts(0, 0, 0)
    ask(officer, case)  # and may be asked again, elsewhere or later


def test_a_second_pending_transfer_is_refused(officer: User, case: Case) -> None:
    ask(officer, case)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        ask(officer, case, to="810101")
    assert "case" in err.value.message_dict
    assert Transfer.objects.count() == 1


def test_a_closed_case_is_refused(officer: User, case: Case) -> None:
    case = case_step(actor=officer, case=case, action="verify", expected_version=1)
    case = case_step(actor=officer, case=case, action="close", expected_version=2,
                     reason="moved_away")
    with pytest.raises(ValidationError) as err:
        ask(officer, case)
    assert "case" in err.value.message_dict
    assert not Transfer.objects.exists()


def test_only_the_receiving_side_answers_and_only_the_sending_side_cancels(
        officer: User, other_officer: User, make_user: Callable[..., User],
        case: Case) -> None:
    transfer = ask(officer, case)
    colleague = make_user("officer84b", Role.PROVINCIAL_OFFICER, "84")
    volunteer81 = make_user("vol81", Role.VOLUNTEER, "81")
    for outsider in (officer, colleague, volunteer81):
        with pytest.raises(PermissionError):
            transfer_accept(actor=outsider, transfer=transfer)
        with pytest.raises(PermissionError):
            transfer_decline(actor=outsider, transfer=transfer, note="ไม่")
    with pytest.raises(PermissionError):
        transfer_cancel(actor=other_officer, transfer=transfer)
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.status, case.subdistrict_id) == ("pending", KO_TAO)
    transfer = transfer_cancel(actor=colleague, transfer=transfer, note="ญาติรับกลับมาแล้ว")
    assert transfer.status == "cancelled"
    assert CaseEvent.objects.filter(case=case).values_list("action", flat=True).last() == (
        "transfer_cancel")
    with pytest.raises(ValidationError) as err:  # a late answer finds it closed
        transfer_accept(actor=other_officer, transfer=transfer)
    assert "transfer" in err.value.message_dict
    case.refresh_from_db()
    assert case.subdistrict_id == KO_TAO


def test_only_handlers_of_the_case_may_ask(case: Case, other_officer: User,
                                           make_user: Callable[..., User]) -> None:
    volunteer = make_user("vol84", Role.VOLUNTEER, "84")
    for actor in (other_officer, volunteer):
        with pytest.raises(PermissionError):
            ask(actor, case)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(("to", "network", "note", "field"), [
    ("999999", None, "ย้าย", "to_subdistrict"),
    ("", None, "ย้าย", "to_subdistrict"),
    (KO_TAO, None, "ย้าย", "to_subdistrict"),
    (AO_NANG, "84", "ย้าย", "to_network"),
    (AO_NANG, "81-inactive", "ย้าย", "to_network"),
    (AO_NANG, None, "  ", "note"),
])
def test_bad_input_names_the_field_and_changes_nothing(
        officer: User, case: Case, to: str, network: str | None, note: str,
        field: str) -> None:
    chosen = None
    if network is not None:
        chosen = network_of(network[:2], active=not network.endswith("inactive"))
    with pytest.raises(ValidationError) as err:
        ask(officer, case, to=to, network=chosen, note=note)
    assert field in err.value.message_dict
    assert not Transfer.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_a_transfer_based_on_an_old_version_is_refused(officer: User, case: Case) -> None:
    seen = Case.objects.get(pk=case.pk)
    case_step(actor=officer, case=case, action="verify", expected_version=1)
    with pytest.raises(CaseChanged):
        ask(officer, seen)
    assert not Transfer.objects.exists()


def test_a_case_is_handed_to_another_network_of_its_subdistrict(
        officer: User, make_user: Callable[..., User], case: Case) -> None:
    Village.objects.create(code="84050301", subdistrict_id=KO_TAO, number=1, name_th="บ้านแม่หาด")
    Person.objects.filter(pk=case.person_id).update(village_id="84050301")
    first, second = network_of("84", "เครือข่ายแม่หาด"), network_of("84", "เครือข่ายเกาะเต่า")
    case = in_care(officer, case, first)
    with pytest.raises(ValidationError) as err:
        ask(officer, case, to=KO_TAO, network=first)
    assert "to_network" in err.value.message_dict
    transfer = ask(officer, case, to=KO_TAO, network=second)
    with pytest.raises(PermissionError):  # the one who asked cannot agree for the other side
        transfer_accept(actor=officer, transfer=transfer)
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, KO_TAO)
    assert list(transfers_to_accept(coordinator)) == [transfer]
    transfer_accept(actor=coordinator, transfer=transfer)
    case.refresh_from_db()
    assert (case.subdistrict_id, case.network, case.volunteer, case.status) == (
        KO_TAO, second, None, "verified")
    person = Person.objects.get(pk=case.person_id)
    assert person.village_id == "84050301"  # the person did not move
    assert not PersonChange.objects.filter(person=person, action="transfer").exists()
    assert transfer_counts("84") == TransferCounts(0, 0, 1)


def test_figures_count_accepted_transfers_of_a_period_only(
        officer: User, other_officer: User, make_user: Callable[..., User]) -> None:
    accepted = ask(officer, open_case(officer))
    transfer_accept(actor=other_officer, transfer=accepted)
    declined = ask(officer, open_case(officer, citizen_id="", no_citizen_id_reason="unknown"))
    transfer_decline(actor=other_officer, transfer=declined, note="ไม่")
    third = open_case(officer, first_name="สาม", citizen_id="",
                      no_citizen_id_reason="unknown")
    ask(officer, third)  # still pending
    now = timezone.now()
    assert transfer_counts("84") == TransferCounts(1, 0, 0)
    assert transfer_counts("84", since=now) == TransferCounts(0, 0, 0)
    assert transfer_counts("81", since=now - datetime.timedelta(hours=1),
                           until=now + datetime.timedelta(hours=1)) == TransferCounts(0, 1, 0)
