"""The whole path in Chromium: a public report on a phone → the coordinator's
inbox → a community forum verifies it → a volunteer is assigned → the
volunteer logs a visit → the officer closes the case → the public status page
says "closed"."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from lnob.cases.intake.door import file_waiting
from lnob.cases.models import Case, Visit
from lnob.conftest import PASSWORD, sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.migrations import _national_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def account(username: str, role: Role, area: str) -> User:
    user = User.objects.create(username=username, password=make_password(PASSWORD))
    role_grant(actor=None, user=user, role=role, area_code=area)
    return user


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    # Transactional tests empty the tables afterwards; put back what migrations load.
    load_geography(Province, District, Subdistrict)
    _national_taxonomy.load()
    lead = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                  province_code="84", is_lead=True, capacity=20)
    lead.subdistricts.add(Subdistrict.objects.get(code="840503"))
    carer = account("volunteer.kotao", Role.VOLUNTEER, "840503")
    volunteer = Volunteer.objects.create(first_name="สุดา", last_name="เอื้ออารี",
                                         province_code="84", network=lead, user=carer)
    volunteer.subdistricts.add(Subdistrict.objects.get(code="840503"))
    return {"lead": lead, "volunteer": volunteer,
            "coordinator": account("coordinator.phangan", Role.NETWORK_COORDINATOR, "8405"),
            "officer": account("officer.surat", Role.PROVINCIAL_OFFICER, "84")}


def test_from_a_public_report_to_a_closed_case(live_server: Any, browser: Any,
                                               people: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)

    # 1. Anyone, on a phone, without signing in.
    page.goto(base + "/report/")
    page.fill("#id_first_name", "ยายแดง")
    page.fill("#id_place", "เกาะเต่า")
    page.fill("#id_summary", "อยู่คนเดียว เดินไม่ได้ ไม่มีคนดูแล")
    page.locator("input[name=urgent_reasons][value=alone_bedridden]").check()
    page.locator("main form button[type=submit]").click()
    # Two subdistricts are called เกาะเต่า: the page asks which one.
    page.locator("input[name=subdistrict_choice][value='840503']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/report/thanks/")
    reference = page.locator("[data-reference]").inner_text().strip()
    file_waiting()  # the worker's round (``lnob worker`` does one every second)
    case = Case.objects.get()
    assert reference == case.reference and case.urgent
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # 2. The coordinator of the district sees it, urgent, in the inbox.
    sign_in(page, base, "coordinator.phangan")
    new_reports = page.locator("[data-inbox=new]")
    assert "ยายแดง" in new_reports.inner_text()
    assert new_reports.locator(".urgent").count() == 1

    # 3. A community forum verifies it.
    page.goto(base + "/forums/new/")
    page.fill("#id_where", "เกาะเต่า")  # by name; the only one in the coordinator's district
    page.select_option("#id_organiser", str(people["lead"].pk))
    today = timezone.localdate()
    page.fill("#id_held_on", f"{today.day}/{today.month}/{today.year + 543}")
    page.fill("#id_attendance_community", "23")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/forums/*/")
    page.locator("input[name=fill]").locator("xpath=..").locator("button").click()
    page.select_option(f"#d-{case.pk}", "verified")
    page.locator("form[action$='/decide/'] button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "verified"

    # 4. Assigned to the volunteer who covers Ko Tao.
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("summary", has_text="มอบหมาย").click()
    page.select_option("#s-vol", str(people["volunteer"].pk))
    page.locator("details[open] button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.status == "assigned" and case.volunteer_id == people["volunteer"].pk

    # 5. The volunteer logs a visit on the phone.
    sign_in(page, base, "volunteer.kotao")
    page.goto(f"{base}/cases/{case.pk}/visits/new/")
    page.fill("#id_done", "พาไปโรงพยาบาล ซื้อยา")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/")  # back to "my people", with the "saved" message
    assert page.locator("[role=status]").count() == 1
    assert Visit.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.status == "in_care"

    # 6. The provincial officer closes the case.
    sign_in(page, base, "officer.surat")
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("summary", has_text="ปิด").first.click()
    page.select_option("details[open] select[name=reason]", "self_reliant")
    page.locator("details[open] button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.status == "closed"

    # 7. The reporter checks the reference: "closed", nothing personal.
    page.context.clear_cookies()
    page.goto(f"{base}/report/status/?reference={reference}")
    status = page.locator("[data-stage]")
    assert status.get_attribute("data-stage") == "closed"
    assert "ยายแดง" not in page.locator("main").inner_text()
    context.close()
