"""axe-core (from npm) in Chromium at 390 × 844 on the pages issue 16 changed:
no critical or serious accessibility violation, with the header's menu open
too. The script is injected by Playwright (the page's CSP is bypassed for
the test only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from lnob.conftest import PASSWORD, sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.testing.suites import in_one_suite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(settings.NODE_MODULES) / "axe-core" / "axe.min.js"
SERIOUS = ("critical", "serious")


def violations(page: Any) -> list[tuple[str, str, int]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => [v.id, v.impact, v.nodes.length])")
    return [tuple(v) for v in found if v[1] in SERIOUS]


def check(page: Any, url: str) -> None:
    page.goto(url)
    assert violations(page) == [], url
    page.locator("details.menu summary").click()
    assert violations(page) == [], url + " (menu open)"


@pytest.fixture
def world(transactional_db: None) -> dict[str, Any]:
    from lnob.cases.services import case_step
    from lnob.geo.models import Subdistrict
    from lnob.networks.models import Network, PartnerType, Volunteer
    from lnob.registry.models import Need
    from lnob.testing import reload_migration_data
    from lnob.testing.cases import verified_case

    reload_migration_data()
    hashed = make_password(PASSWORD)
    users = {}
    for name, role, area in [("officer.surat", Role.PROVINCIAL_OFFICER, "84"),
                             ("volunteer.kotao", Role.VOLUNTEER, "840503"),
                             ("officer.krabi", Role.PROVINCIAL_OFFICER, "81"),
                             ("analyst", Role.NATIONAL_ANALYST, "")]:
        users[name] = User.objects.create(username=name, password=hashed, first_name="สมศรี")
        role_grant(actor=None, user=users[name], role=role, area_code=area)
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=5)
    network.subdistricts.add(Subdistrict.objects.get(code="840503"))
    volunteer = Volunteer.objects.create(first_name="สมศรี", province_code="84",
                                         network=network, user=users["volunteer.kotao"],
                                         capacity=5)
    need = Need.objects.get(code="health", province_code="")
    case = verified_case(users["officer.surat"], need, "ยายแดง")
    case = case_step(actor=users["officer.surat"], case=case, action="assign",
                     expected_version=case.version, volunteer_id=volunteer.pk)
    return {"case": case}


def test_the_changed_pages_have_no_serious_accessibility_violation(
        live_server: Any, browser: Any, world: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.set_content('<html lang="th"><body><img src="x.png"></body></html>')
    assert ("image-alt", "critical", 1) in violations(page)  # axe does find problems
    check(page, base + "/")  # the public home
    check(page, base + "/report/")
    sign_in(page, base, "volunteer.kotao")
    check(page, base + "/")  # my people
    check(page, f"{base}/cases/{world['case'].pk}/visits/new/")
    sign_in(page, base, "officer.krabi")
    check(page, base + "/")  # the start checklist
    sign_in(page, base, "officer.surat")
    check(page, base + "/persons/")
    check(page, base + "/forums/new/")
    check(page, base + "/cases/report/")
    sign_in(page, base, "analyst")
    check(page, base + "/")
    context.close()


EVERY_ROLE = [("officer.surat", None), ("volunteer.kotao", None), ("analyst", None),
              ("coordinator.kotao", Role.NETWORK_COORDINATOR),
              ("committee.surat", Role.COMMITTEE_MEMBER), ("hotline", Role.HOTLINE_OPERATOR),
              ("admin", Role.SYSTEM_ADMIN)]


def header_pages(page: Any, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header.top a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if not h.startswith(("/accounts/logout", "/i18n/"))})


@in_one_suite("postgresql")
def test_every_page_the_header_offers_each_role_has_no_serious_violation(
        live_server: Any, browser: Any, world: dict[str, Any]) -> None:
    """Every page of every role's header (and the public's), as each opens it."""
    hashed = make_password(PASSWORD)
    areas = {Role.NETWORK_COORDINATOR: "8405", Role.COMMITTEE_MEMBER: "84",
             Role.HOTLINE_OPERATOR: "", Role.SYSTEM_ADMIN: ""}
    for name, role in EVERY_ROLE:
        if role is not None:
            user = User.objects.create(username=name, password=hashed, first_name="สมชาย")
            role_grant(actor=None, user=user, role=role, area_code=areas[role])
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: dict[str, list[tuple[str, str, int]]] = {}
    page.goto(base + "/")
    seen = 0
    for url in header_pages(page, base):
        page.goto(base + url)
        seen += 1
        if problems := violations(page):
            found[f"public {url}"] = problems
    for name, _role in EVERY_ROLE:
        sign_in(page, base, name)
        for url in header_pages(page, base):
            page.goto(base + url)
            seen += 1
            if problems := violations(page):
                found[f"{name} {url}"] = problems
    context.close()
    assert seen > 40
    assert found == {}
