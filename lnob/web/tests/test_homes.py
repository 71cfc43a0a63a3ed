"""Homes that lead, feedback after saving and the next visit proposed
(issue 16)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from lnob.cases.models import Case, Visit
from lnob.cases.services import case_step
from lnob.cases.visit_rules import next_visit_days
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.thaidates import be_year
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing import today
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer(make_user: Callable[..., User]) -> tuple[User, Volunteer]:
    user = make_user("อพม.สมศรี", Role.VOLUNTEER, "840503")
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=10)
    network.subdistricts.add(Subdistrict.objects.get(code="840503"))
    volunteer = Volunteer.objects.create(first_name="สมศรี", province_code="84",
                                         network=network, user=user, capacity=10)
    volunteer.subdistricts.add(Subdistrict.objects.get(code="840503"))
    return user, volunteer


def cared_for(officer: User, volunteer: Volunteer, name: str,
              due: datetime.date | None) -> Case:
    need = Need.objects.get(code="health", province_code="")
    case = verified_case(officer, need, name)
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk)
    Case.objects.filter(pk=case.pk).update(next_visit_due=due)
    return Case.objects.get(pk=case.pk)


def be(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{be_year(day.year)}"


def test_the_volunteer_home_is_my_people_due_first_with_one_tap_to_log_a_visit(
        client: Client, officer: User, carer: tuple[User, Volunteer]) -> None:
    user, volunteer = carer
    later = cared_for(officer, volunteer, "ภายหลัง", today() + datetime.timedelta(days=20))
    overdue = cared_for(officer, volunteer, "เลยกำหนด", today() - datetime.timedelta(days=3))
    undated = cared_for(officer, volunteer, "ไม่มีวัน", None)
    client.force_login(user)
    body = client.get("/").content.decode()
    people = body.split('data-home="my-people"')[1].split("</ul>")[0]
    order = [people.index(f"/cases/{c.pk}/visits/new/") for c in (undated, overdue, later)]
    assert order == sorted(order)  # no date, then overdue, then the soonest
    assert 'class="person-due overdue"' in people
    assert 'data-inbox="overdue"' not in body  # not listed twice


def test_a_visit_proposes_the_next_one_by_the_rule_and_only_the_box_clears_it(
        client: Client, officer: User, carer: tuple[User, Volunteer]) -> None:
    user, volunteer = carer
    case = cared_for(officer, volunteer, "สมหญิง", None)  # severity 3: 14 days by default
    client.force_login(user)
    days = next_visit_days("84", 3)
    assert days == 14
    form = client.get(f"/cases/{case.pk}/visits/new/").content.decode()
    assert f'value="{be(today() + datetime.timedelta(days=days))}"' in form \
        or (today() + datetime.timedelta(days=days)).isoformat() in form
    response = client.post(f"/cases/{case.pk}/visits/new/", {
        "visited_on": be(today()), "done": "เยี่ยมบ้าน", "next_visit_on": "",
        "version": case.version}, follow=True)
    assert response.redirect_chain[-1][0] == "/"  # back to my people
    assert 'role="status"' in response.content.decode()
    case.refresh_from_db()
    assert case.next_visit_due == today() + datetime.timedelta(days=days)  # empty kept the rule
    client.post(f"/cases/{case.pk}/visits/new/", {
        "visited_on": be(today()), "done": "เยี่ยมอีกครั้ง", "next_visit_on": "",
        "no_next_visit": "on", "version": case.version})
    case.refresh_from_db()
    assert case.next_visit_due is None and Visit.objects.filter(case=case).count() == 2


def test_the_rule_is_data_per_province(settings: Any) -> None:
    settings.NEXT_VISIT_RULES = {"": {"days": 30, "by_severity": {}, "urgent": 0},
                                 "81": {"days": 10, "by_severity": {"4": 3}}}
    assert next_visit_days("84", 4) == 30 and next_visit_days("84", 4, urgent=True) == 30
    assert next_visit_days("81", 1) == 10 and next_visit_days("81", 4) == 3
    settings.NEXT_VISIT_RULES = {"": {"days": 21}}  # keys not given keep the default
    assert next_visit_days("84", 1) == 21 and next_visit_days("84", 4) == 7


def test_every_page_write_says_it_was_saved(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/areas/840503/villages/new/", {"number": "7", "name_th": "บ้านใหม่"},
                           follow=True)
    assert response.status_code == 200
    assert '<div class="messages" role="status">' in response.content.decode()


def test_a_new_province_officer_sees_the_start_checklist(
        client: Client, make_user: Callable[..., User], officer: User) -> None:
    client.force_login(make_user("officer81", Role.PROVINCIAL_OFFICER, "81"))
    body = client.get("/").content.decode()
    checklist = body.split('data-home="checklist"')[1].split("</section>")[0]
    assert checklist.count("<li") == 6 and "✓" not in checklist
    assert "/capacity/networks/new/" in checklist and "/coverage/81/roadmap/" in checklist
    # A province with villages, networks and volunteers no longer needs it.
    network = Network.objects.create(name="เครือข่าย", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=1)
    Volunteer.objects.create(first_name="อาสา", province_code="84", network=network)
    client.force_login(officer)
    assert 'data-home="checklist"' in client.get("/").content.decode()  # no village yet
    client.post("/areas/840503/villages/new/", {"number": "1", "name_th": "บ้านหนึ่ง"})
    assert 'data-home="checklist"' not in client.get("/").content.decode()


def test_the_public_home_leads_to_reporting_a_person_in_need(client: Client) -> None:
    body = client.get("/").content.decode()
    main = body.split('<main id="main">')[1]
    assert main.index('href="/report/"') < main.index('href="/accounts/login/"')
    assert 'class="button big" href="/report/"' in main


def test_settings_hold_a_sensible_default_rule() -> None:
    rules: Any = settings.NEXT_VISIT_RULES
    assert rules[""]["days"] == 30
