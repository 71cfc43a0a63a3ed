"""The volunteer's journey in fewer round trips (issue 16): a form sent by
htmx that saves gets the next page in its own answer (lnob/core/landing.py),
with every property of the page the browser would have asked for next."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.cases.models import Case, Visit
from lnob.cases.services import case_step
from lnob.conftest import PASSWORD
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.thaidates import be_year
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing import today
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "LNOB-Land": "1"}


@pytest.fixture
def carer(make_user: Callable[..., User], officer: User) -> tuple[User, Case]:
    user = make_user("อพม.สมศรี", Role.VOLUNTEER, "840503")
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=10)
    network.subdistricts.add(Subdistrict.objects.get(code="840503"))
    volunteer = Volunteer.objects.create(first_name="สมศรี", province_code="84",
                                         network=network, user=user, capacity=10)
    volunteer.subdistricts.add(Subdistrict.objects.get(code="840503"))
    case = verified_case(officer, Need.objects.get(code="health", province_code=""), "ยายแดง")
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk)
    return user, case


def visit(case: Case, **extra: Any) -> dict[str, Any]:
    return {"visited_on": f"{today().day}/{today().month}/{be_year(today().year)}",
            "done": "เยี่ยมบ้าน", "next_visit_on": "", "version": case.version, **extra}


def test_signing_in_with_htmx_answers_my_people_in_one_round_trip(
        carer: tuple[User, Case]) -> None:
    user, case = carer
    client = Client(enforce_csrf_checks=True)
    token = client.get("/accounts/login/").cookies["csrftoken"].value
    response = client.post("/accounts/login/", {
        "username": user.username, "password": PASSWORD, "next": "",
        "csrfmiddlewaretoken": token}, headers=HTMX)
    assert response.status_code == 200 and response["HX-Push-Url"] == "/"
    body = response.content.decode()
    assert 'data-home="my-people"' in body and f"/cases/{case.pk}/visits/new/" in body
    # The page is the signed-in page the browser would have fetched: not kept,
    # under the CSP, with the new session (the sign-in changes its key).
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response.cookies["sessionid"].value == client.cookies["sessionid"].value
    assert client.get("/").status_code == 200 and 'data-home="my-people"' in client.get(
        "/").content.decode()
    # Seeing my people is audited as when the page is opened.
    assert AuditEvent.objects.filter(action="view", object_type="cases.inbox").count() >= 1


def test_without_htmx_signing_in_is_the_plain_redirect(carer: tuple[User, Case]) -> None:
    user, _case = carer
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username,
                                                "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "HX-Push-Url" not in response


def test_a_wrong_password_with_htmx_shows_the_form_again_and_signs_nobody_in(
        carer: tuple[User, Case]) -> None:
    user, _case = carer
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username,
                                                "password": "wrong"}, headers=HTMX)
    assert response.status_code == 200 and 'id="id_password"' in response.content.decode()
    assert "HX-Push-Url" not in response and "sessionid" not in response.cookies
    assert client.get("/").content.decode().count('data-home="my-people"') == 0


def test_without_the_csrf_token_nothing_is_signed_in_nor_shown(
        carer: tuple[User, Case]) -> None:
    user, _case = carer
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": user.username,
                                                "password": PASSWORD}, headers=HTMX)
    assert response.status_code == 403 and "my-people" not in response.content.decode()


def test_a_user_who_needs_a_code_is_sent_to_it_not_shown_the_home(
        make_user: Callable[..., User], settings: Any) -> None:
    settings.TWO_FACTOR_ROLES = (Role.PROVINCIAL_OFFICER,)
    officer = make_user("officer.code", Role.PROVINCIAL_OFFICER, "84")
    client = Client()
    response = client.post("/accounts/login/", {"username": officer.username,
                                                "password": PASSWORD}, headers=HTMX)
    # Not followed: the browser goes to "/" itself, which asks for the code.
    assert response.status_code == 200 and response["HX-Redirect"] == "/"
    assert response.content == b"" and "sessionid" in response.cookies
    follow = client.get("/")
    assert follow.status_code == 302 and follow["Location"].startswith("/accounts/2fa/")


def test_logging_a_visit_with_htmx_answers_my_people_with_the_saved_message(
        carer: tuple[User, Case]) -> None:
    user, case = carer
    client = Client()
    client.force_login(user)
    response = client.post(f"/cases/{case.pk}/visits/new/", visit(case), headers=HTMX)
    assert response.status_code == 200 and response["HX-Push-Url"] == "/"
    body = response.content.decode()
    assert 'role="status"' in body and "บันทึกการเยี่ยมแล้ว เยี่ยมครั้งต่อไป" in body
    assert 'data-home="my-people"' in body
    assert Visit.objects.filter(case=case).count() == 1
    # The message was shown once: the next page does not repeat it.
    assert 'role="status"' not in client.get("/").content.decode()


def test_a_refused_visit_with_htmx_shows_the_form_with_its_errors(
        carer: tuple[User, Case]) -> None:
    user, case = carer
    client = Client()
    client.force_login(user)
    response = client.post(f"/cases/{case.pk}/visits/new/", visit(case, done=""), headers=HTMX)
    assert response.status_code == 400 and "HX-Push-Url" not in response
    assert 'id="id_done"' in response.content.decode()
    stale = client.post(f"/cases/{case.pk}/visits/new/",
                        visit(case, version=case.version - 1), headers=HTMX)
    assert stale.status_code == 409
    assert Visit.objects.filter(case=case).count() == 0


def test_another_reader_lands_on_the_case_page(carer: tuple[User, Case],
                                               officer: User) -> None:
    _user, case = carer
    client = Client()
    client.force_login(officer)
    response = client.post(f"/cases/{case.pk}/visits/new/", visit(case), headers=HTMX)
    assert response.status_code == 200 and response["HX-Push-Url"] == f"/cases/{case.pk}/"


def test_out_of_area_and_strangers_get_nothing(carer: tuple[User, Case],
                                               other_officer: User) -> None:
    _user, case = carer
    client = Client()
    client.force_login(other_officer)
    response = client.post(f"/cases/{case.pk}/visits/new/", visit(case), headers=HTMX)
    assert response.status_code == 404 and "ยายแดง" not in response.content.decode()
    stranger = Client().post(f"/cases/{case.pk}/visits/new/", visit(case), headers=HTMX)
    # Not signed in: sent to sign in (the browser goes there itself), nothing saved.
    assert stranger.status_code == 200 and stranger["HX-Redirect"].startswith("/accounts/login/")
    assert Visit.objects.filter(case=case).count() == 0


def test_a_redirect_elsewhere_is_left_to_the_browser(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/persons/"}, headers=HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == "/persons/"
    assert "django_language" in response.cookies


def test_next_visit_dates_are_not_lost_in_the_landing(carer: tuple[User, Case]) -> None:
    user, case = carer
    client = Client()
    client.force_login(user)
    client.post(f"/cases/{case.pk}/visits/new/", visit(case), headers=HTMX)
    case.refresh_from_db()
    assert case.next_visit_due is not None and case.next_visit_due > today() - datetime.timedelta(1)
