from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.cases.models import Case
from lnob.cases.services import case_open, case_step
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.networks.models import Volunteer
from lnob.registry.models import Person
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(officer: User) -> Person:
    return person_create(actor=officer, data=person_data())


def other_person(officer: User, name: str) -> Person:
    return person_create(actor=officer, data=person_data(
        first_name=name, citizen_id="", no_citizen_id_reason="unknown"))


def test_an_officer_opens_a_case_from_the_person_page_and_verifies_it(
        client: Client, officer: User, person: Person) -> None:
    client.force_login(officer)
    assert "/cases/open/" in client.get(f"/persons/{person.pk}/").content.decode()
    response = client.post(f"/cases/open/{person.pk}/", {"urgent": "1"})
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.urgent and case.status == "reported"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="verify"' in page and 'value="close"' not in page
    client.post(f"/cases/{case.pk}/step/", {"action": "verify", "version": "1",
                                            "note": "เวทีหมู่ 1"})
    case.refresh_from_db()
    assert case.status == "verified"
    assert f"/cases/{case.pk}/" in client.get(f"/persons/{person.pk}/").content.decode()


def test_the_inbox_puts_urgent_cases_first_and_is_audited(
        client: Client, officer: User, person: Person) -> None:
    calm = case_open(actor=officer, person=other_person(officer, "สงบ"))
    urgent = case_open(actor=officer, person=person, urgent=True)
    client.force_login(officer)
    body = client.get("/cases/").content.decode()
    assert body.index(f"/cases/{urgent.pk}/") < body.index(f"/cases/{calm.pk}/")
    assert AuditEvent.objects.get(object_type="cases.case_list").detail["cases"] == [
        urgent.pk, calm.pk]


def test_a_step_on_a_case_changed_meanwhile_says_reload_and_changes_nothing(
        client: Client, officer: User, person: Person) -> None:
    case = case_open(actor=officer, person=person)
    case_step(actor=officer, case=case, action="verify", expected_version=1)
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/step/", {"action": "reject", "version": "1",
                                                       "note": "ไม่เข้าเกณฑ์"})
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "verified"


def test_a_step_with_missing_input_names_the_field(client: Client, officer: User,
                                                   person: Person) -> None:
    case = case_open(actor=officer, person=person)
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/step/", {"action": "reject", "version": "1"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "reported"


def test_cases_are_404_outside_the_area_403_for_strangers_and_login_for_anonymous(
        client: Client, officer: User, other_officer: User, stranger: User,
        person: Person) -> None:
    case = case_open(actor=officer, person=person)
    assert client.get(f"/cases/{case.pk}/")["Location"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    client.force_login(other_officer)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/step/", {"action": "verify",
                                                   "version": "1"}).status_code == 404
    assert f"/cases/{case.pk}/" not in client.get("/cases/").content.decode()


def test_a_volunteer_sees_the_case_assigned_to_them_and_can_start_care(
        client: Client, officer: User, make_user: Callable[..., User],
        person: Person) -> None:
    account = make_user("vol", Role.VOLUNTEER, "840503")
    volunteer = Volunteer.objects.create(first_name="สุดา", province_code="84", user=account)
    case = case_open(actor=officer, person=person)
    other = case_open(actor=officer, person=other_person(officer, "อื่น"))
    case = case_step(actor=officer, case=case, action="verify", expected_version=1)
    case = case_step(actor=officer, case=case, action="assign", expected_version=2,
                     volunteer_id=volunteer.pk)
    client.force_login(account)
    assert client.get(f"/cases/{other.pk}/").status_code == 404
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="start_care"' in page and 'value="close"' not in page
    client.post(f"/cases/{case.pk}/step/", {"action": "start_care", "version": "3"})
    case.refresh_from_db()
    assert case.status == "in_care"


def test_a_volunteer_sees_the_person_of_a_case_assigned_to_them(
        client: Client, officer: User, make_user: Callable[..., User],
        person: Person) -> None:
    account = make_user("vol2", Role.VOLUNTEER, "840503")
    client.force_login(account)
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    volunteer = Volunteer.objects.create(first_name="มานี", province_code="84", user=account)
    case = case_open(actor=officer, person=person)
    case = case_step(actor=officer, case=case, action="verify", expected_version=1)
    case_step(actor=officer, case=case, action="assign", expected_version=2,
              volunteer_id=volunteer.pk)
    assert client.get(f"/persons/{person.pk}/").status_code == 200


def test_a_case_reported_again_many_times_shows_its_latest_history_and_all_on_request(
        client: Client, officer: User, person: Person,
        make_user: Callable[..., User]) -> None:
    """Issue 21: a case a public reporter sent 1,000 times rendered every
    entry (450 ms a page). The latest 50 show, the rest on request."""
    from lnob.cases.models import CaseEvent
    from lnob.cases.views import HISTORY_SHOWN

    case = case_open(actor=officer, person=person)
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, actor_label="public", action="report_again",
                  from_status="reported", to_status="reported", note=f"ครั้งที่ {n}")
        for n in range(1, HISTORY_SHOWN + 11))
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "ครั้งที่ 60<" in page and "ครั้งที่ 11<" in page  # the latest 50, oldest first
    assert "ครั้งที่ 10<" not in page
    assert page.index("ครั้งที่ 11<") < page.index("ครั้งที่ 60<")
    assert 'href="?history=all' in page and "อีก 11 รายการ" in page  # the opening + 10
    whole = client.get(f"/cases/{case.pk}/?history=all").content.decode()
    assert "ครั้งที่ 1<" in whole and 'href="?history=all' not in whole
    # Out of the area: still 404 with the parameter.
    other = make_user("officer.krabi2", Role.PROVINCIAL_OFFICER, "81")
    client.force_login(other)
    assert client.get(f"/cases/{case.pk}/?history=all").status_code == 404
