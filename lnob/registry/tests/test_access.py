"""Who sees which persons: in-area, out-of-area and strangers, for every role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.services import api_token_create
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_person: Callable[..., Person]) -> Person:
    return make_person()  # in ต.เกาะเต่า (840503), entered by the province officer


@pytest.mark.parametrize(("role", "area", "sees"), [
    (Role.PROVINCIAL_OFFICER, "84", True),
    (Role.PROVINCIAL_OFFICER, "81", False),
    (Role.NETWORK_COORDINATOR, "8405", True),
    (Role.NETWORK_COORDINATOR, "8401", False),
    (Role.SYSTEM_ADMIN, "", True),
    (Role.VOLUNTEER, "840503", False),  # not reported by them
])
def test_person_page_and_api_in_area_and_out_of_area(
        client: Client, make_user: Callable[..., User], person: Person, role: Role, area: str,
        sees: bool) -> None:
    user = make_user("u", role, area)
    client.force_login(user)
    assert client.get(f"/persons/{person.pk}/").status_code == (200 if sees else 404)
    listed = person.full_name in client.get("/persons/").content.decode()
    assert listed is sees
    client.logout()
    _t, raw = api_token_create(actor=user, name="t", scope="write")
    api = client.get(f"/api/v1/persons/{person.pk}", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == (200 if sees else 404)


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.COMMITTEE_MEMBER])
def test_analysts_and_committee_members_see_no_personal_data(
        client: Client, make_user: Callable[..., User], person: Person, role: Role) -> None:
    client.force_login(make_user("u", role, "84" if role == Role.COMMITTEE_MEMBER else ""))
    assert client.get("/persons/").status_code == 403
    assert client.get(f"/persons/{person.pk}/").status_code == 403


def test_a_stranger_is_refused_and_anonymous_is_sent_to_sign_in(
        client: Client, stranger: User, person: Person) -> None:
    assert client.get(f"/persons/{person.pk}/")["Location"].startswith("/accounts/login/")
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 401
    client.force_login(stranger)
    assert client.get(f"/persons/{person.pk}/").status_code == 403


def test_a_volunteer_sees_the_people_they_reported(
        client: Client, make_user: Callable[..., User], make_person: Callable[..., Person],
        person: Person) -> None:
    volunteer = make_user("vol", Role.VOLUNTEER, "840503")
    own = make_person(actor=volunteer, first_name="มาลี")
    client.force_login(volunteer)
    body = client.get("/persons/").content.decode()
    assert "มาลี" in body and person.full_name not in body
    assert client.get(f"/persons/{own.pk}/").status_code == 200


def test_every_view_of_a_person_is_audited(client: Client, officer: User,
                                           person: Person) -> None:
    client.force_login(officer)
    client.get(f"/persons/{person.pk}/")
    client.get("/persons/")
    assert AuditEvent.objects.filter(action="view", object_type="registry.person",
                                     object_id=str(person.pk), actor=officer).count() == 1
    listing = AuditEvent.objects.get(action="view", object_type="registry.person_list")
    assert listing.detail["persons"] == [person.pk]


def test_the_citizen_id_is_masked_until_an_officer_asks_and_that_is_audited(
        client: Client, officer: User, make_user: Callable[..., User], person: Person) -> None:
    client.force_login(officer)
    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert "x-xxxx-xxxxx-44-1" in page and "1-1017-00203-44-1" not in page
    shown = client.post(f"/persons/{person.pk}/citizen-id/").content.decode()
    assert "1-1017-00203-44-1" in shown
    assert AuditEvent.objects.filter(object_id=str(person.pk),
                                     detail__unmasked=True).count() == 1
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    client.force_login(coordinator)
    assert client.post(f"/persons/{person.pk}/citizen-id/").status_code == 403
    api = client.get(f"/api/v1/persons/{person.pk}").json()
    assert api["citizen_id"] == "x-xxxx-xxxxx-44-1"


def test_who_may_edit_a_person_in_area_out_of_area_a_reporting_volunteer_and_a_stranger(
        make_user: Callable[..., User], make_person: Callable[..., Person],
        stranger: User) -> None:
    from lnob.registry.access import can_edit

    coordinator = make_user("c", Role.NETWORK_COORDINATOR, "8405")
    elsewhere = make_user("c81", Role.NETWORK_COORDINATOR, "8101")
    volunteer = make_user("v", Role.VOLUNTEER, "840503")
    reported = make_person(actor=volunteer)  # in ต.เกาะเต่า, reported by the volunteer
    by_officer = make_person()
    analyst = make_user("a", Role.NATIONAL_ANALYST, "")
    assert can_edit(coordinator, by_officer) and can_edit(coordinator, reported)
    assert not can_edit(elsewhere, by_officer)
    assert can_edit(volunteer, reported) and not can_edit(volunteer, by_officer)
    assert not can_edit(stranger, by_officer)
    assert not can_edit(analyst, by_officer)  # sees the nation's figures, edits nobody
