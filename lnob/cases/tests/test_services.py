from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from lnob.cases.models import Case, CaseEvent
from lnob.cases.services import CaseChanged, case_open, case_step
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import Person
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer: User) -> Person:
    return person_create(actor=officer, data=person_data())


@pytest.fixture
def case(officer: User, person: Person) -> Case:
    return case_open(actor=officer, person=person, urgent=True)


@pytest.fixture
def network(db: None) -> Network:
    return Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                  province_code="84", capacity=10)


def test_a_case_goes_from_report_to_closed_with_its_history_and_audit(
        officer: User, case: Case, network: Network) -> None:
    case = case_step(actor=officer, case=case, action="verify", expected_version=1,
                     note="เวทีประชาคมหมู่ 1")
    case = case_step(actor=officer, case=case, action="assign", expected_version=2,
                     network_id=network.pk)
    case = case_step(actor=officer, case=case, action="start_care", expected_version=3)
    case = case_step(actor=officer, case=case, action="close", expected_version=4,
                     reason="self_reliant")
    assert (case.status, case.close_reason, case.network) == ("closed", "self_reliant", network)
    assert case.closed_at is not None
    steps = list(CaseEvent.objects.filter(case=case).values_list("action", "to_status"))
    assert steps == [("open", "reported"), ("verify", "verified"), ("assign", "assigned"),
                     ("start_care", "in_care"), ("close", "closed")]
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 5
    case = case_step(actor=officer, case=case, action="reopen", expected_version=5,
                     note="อาการกลับมา")
    assert (case.status, case.close_reason, case.closed_at) == ("verified", "", None)


def test_the_second_of_two_simultaneous_changes_is_told_to_reload(officer: User,
                                                                  case: Case) -> None:
    seen_by_the_second = Case.objects.get(pk=case.pk)
    case_step(actor=officer, case=case, action="verify", expected_version=1)
    with pytest.raises(CaseChanged):  # read before the first change, saved after it
        case_step(actor=officer, case=seen_by_the_second, action="reject",
                  expected_version=1, note="x")
    fresh = Case.objects.get(pk=case.pk)
    with pytest.raises(CaseChanged):  # the page still showed version 1
        case_step(actor=officer, case=fresh, action="reject", expected_version=1, note="x")
    case.refresh_from_db()
    assert case.status == "verified"
    assert CaseEvent.objects.filter(case=case, action="reject").count() == 0


def test_a_rejection_needs_a_reason(officer: User, case: Case) -> None:
    with pytest.raises(ValidationError) as err:
        case_step(actor=officer, case=case, action="reject", expected_version=1, note=" ")
    assert "note" in err.value.message_dict
    case.refresh_from_db()
    assert case.status == "reported"


def test_closing_needs_a_known_reason_and_assigning_an_assignee_of_the_province(
        officer: User, case: Case, network: Network) -> None:
    case = case_step(actor=officer, case=case, action="verify", expected_version=1)
    with pytest.raises(ValidationError) as closing:
        case_step(actor=officer, case=case, action="close", expected_version=2, reason="bored")
    assert "reason" in closing.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        case_step(actor=officer, case=case, action="assign", expected_version=2)
    assert "assignee" in nobody.value.message_dict
    elsewhere = Network.objects.create(name="กระบี่", partner_type=PartnerType.COMMUNITY,
                                       province_code="81")
    with pytest.raises(ValidationError) as other:
        case_step(actor=officer, case=case, action="assign", expected_version=2,
                  network_id=elsewhere.pk)
    assert "network" in other.value.message_dict
    case.refresh_from_db()
    assert (case.status, case.version) == ("verified", 2)


def test_a_duplicate_points_at_the_case_that_is_kept_never_itself(
        officer: User, case: Case, make_user: Callable[..., User]) -> None:
    other_person = person_create(actor=officer, data=person_data(citizen_id="",
                                                                 no_citizen_id_reason="unknown"))
    kept = case_open(actor=officer, person=other_person)
    with pytest.raises(ValidationError) as itself:
        case_step(actor=officer, case=case, action="mark_duplicate", expected_version=1,
                  duplicate_of=case)
    assert "duplicate_of" in itself.value.message_dict
    case = case_step(actor=officer, case=case, action="mark_duplicate", expected_version=1,
                     duplicate_of=kept)
    assert case.duplicate_of == kept
    with pytest.raises(ValidationError) as circular:
        case_step(actor=officer, case=kept, action="mark_duplicate", expected_version=1,
                  duplicate_of=case)
    assert "duplicate_of" in circular.value.message_dict


def test_roles_and_areas_are_checked(officer: User, other_officer: User, case: Case,
                                     make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionError):
        case_step(actor=other_officer, case=case, action="verify", expected_version=1)
    committee = make_user("committee", Role.COMMITTEE_MEMBER, "84")
    with pytest.raises(ValidationError) as role:
        case_step(actor=committee, case=case, action="verify", expected_version=1)
    assert "action" in role.value.message_dict
    case.refresh_from_db()
    assert case.status == "reported"


def test_a_person_has_at_most_one_open_case(officer: User, case: Case,
                                            person: Person) -> None:
    with pytest.raises(ValidationError):
        case_open(actor=officer, person=person)
    assert Case.objects.filter(person=person).count() == 1
