"""The giving path in Chromium on a 390 px phone: an anonymous giver offers
time in ต.เกาะเต่า → the lead network's coordinator sees it in the inbox →
accepts it → the volunteer appears in capacity and in the next matching run
→ the giver's status page says "accepted"."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from lnob.conftest import sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.models import Subdistrict
from lnob.giving import catalogue
from lnob.giving.models import Offer
from lnob.matching.services import build_problem
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.testing import reload_migration_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def area(transactional_db: None) -> Network:
    reload_migration_data()
    catalogue.load(apps)
    lead = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                  province_code="84", is_lead=True, capacity=20)
    lead.subdistricts.add(Subdistrict.objects.get(code="840503"))
    from django.contrib.auth.hashers import make_password

    from lnob.conftest import PASSWORD

    coordinator = User.objects.create(username="coordinator.phangan",
                                      password=make_password(PASSWORD))
    role_grant(actor=None, user=coordinator, role=Role.NETWORK_COORDINATOR, area_code="8405")
    return lead


def test_an_offer_of_time_becomes_a_volunteer_the_giver_sees_accepted(
        live_server: Any, browser: Any, area: Network) -> None:
    base = live_server.url
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = phone.new_page()
    page.set_default_timeout(15_000)

    # 1. Anyone, on a phone, without signing in.
    page.goto(base + "/")
    page.locator("main a[href='/give/']").click()
    page.wait_for_url(base + "/give/")
    page.locator("input[name=kind][value=time]").check()
    page.fill("#id_place", "เกาะเต่า")
    page.locator("input[name=skills][value=visiting]").check()
    page.locator("input[name=skills][value=caring]").check()
    page.fill("#id_when", "เสาร์-อาทิตย์")
    page.fill("#id_giver_name", "สมใจ อาสาดี")
    page.fill("#id_giver_phone", "081-234-5678")
    page.locator("#id_consent").check()
    page.locator("main form.give button[type=submit]").click()
    # Two subdistricts are called เกาะเต่า: the page asks which one.
    page.locator("input[name=area_choice][value='840503']").check()
    page.locator("main form.give button[type=submit]").click()
    page.wait_for_url(base + "/give/thanks/")
    reference = page.locator("[data-reference]").inner_text().strip()
    offer = Offer.objects.get()
    assert reference == offer.reference and offer.network == area
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # 2. The lead network's coordinator sees it in the inbox and accepts it.
    sign_in(page, base, "coordinator.phangan")
    offers = page.locator("[data-inbox=offers]")
    assert offers.count() == 1
    offers.locator(f"a[href='/giving/offers/{offer.pk}/']").click()
    page.wait_for_url(base + f"/giving/offers/{offer.pk}/")
    assert "081-234-5678" in page.locator("main").inner_text()
    accept = page.locator("form[data-step=accept]")
    accept.locator("input[name=checks_done]").check()
    accept.locator("button[type=submit]").click()
    page.wait_for_url(base + f"/giving/offers/{offer.pk}/")
    assert page.locator("[data-status=accepted]").count() == 1

    # 3. The volunteer is in capacity and in the next matching run.
    volunteer = Volunteer.objects.get(offers=offer)
    page.goto(base + "/capacity/volunteers/")
    assert "สมใจ" in page.locator("main").inner_text()
    problem, _read = build_problem("84")
    assert volunteer.pk in [int(v) for v in problem.volunteers.ids]

    # 4. The giver's status page says "accepted", and nothing about anyone helped.
    page.context.clear_cookies()
    page.goto(base + f"/give/status/?reference={reference}")
    stage = page.locator("[data-stage]")
    assert stage.get_attribute("data-stage") == "accepted"
    assert "สมใจ" not in page.locator("main").inner_text()
    phone.close()
