"""Offline in Chromium on a phone: the volunteer's people are kept on the
phone, visits logged with no signal wait ("waiting to send") and reach the
server once, within 5 s of the network returning; a visit on a case closed
meanwhile is kept and flagged; a refused one comes back with the reason and
stays editable, nothing typed lost."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import OperationalError
from django.utils import timezone

from lnob.cases.care import visit_log
from lnob.cases.models import Case, Visit
from lnob.cases.services import case_step
from lnob.conftest import PASSWORD, sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing import reload_migration_data
from lnob.testing.cases import verified_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def account(username: str, role: Role, area: str) -> User:
    user = User.objects.create(username=username, password=make_password(PASSWORD))
    role_grant(actor=None, user=user, role=role, area_code=area)
    return user


@pytest.fixture
def cases(transactional_db: None) -> dict[str, Any]:
    reload_migration_data()
    from lnob.geo.models import Subdistrict

    kotao = Subdistrict.objects.get(code="840503")
    lead = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                  province_code="84", is_lead=True, capacity=20)
    lead.subdistricts.add(kotao)
    carer = account("volunteer.kotao", Role.VOLUNTEER, "840503")
    volunteer = Volunteer.objects.create(first_name="สุดา", province_code="84", network=lead,
                                         user=carer, capacity=10)
    volunteer.subdistricts.add(kotao)
    officer = account("officer.surat", Role.PROVINCIAL_OFFICER, "84")
    need = Need.objects.get(code="health", province_code="")
    found = {"officer": officer, "carer": carer, "need": need}
    for key, name in (("well", "ยายแดง"), ("closing", "ตาคำ"), ("changing", "ป้าศรี")):
        case = verified_case(officer, need, name)
        found[key] = case_step(actor=officer, case=case, action="assign",
                               expected_version=case.version, volunteer_id=volunteer.pk)
    return found


def _settled(read: Callable[[], Any]) -> Any:
    """Reads the database while the live server writes to it: SQLite's shared
    in-memory test database answers "table is locked" for a moment then."""
    for _ in range(50):
        try:
            return read()
        except OperationalError:
            time.sleep(0.05)
    return read()


# How many people IndexedDB keeps (without creating the database: no version asked).
KEPT_PEOPLE = """new Promise(done => {
    const open = indexedDB.open("lnob-offline");
    open.onupgradeneeded = () => open.transaction.abort();
    open.onerror = () => done(0);
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("people")) { db.close(); return done(0); }
        const count = db.transaction("people").objectStore("people").count();
        count.onsuccess = () => { db.close(); done(count.result); };
    };
})"""


def _until(page: Any, expression: str, seconds: float = 15) -> None:
    """Waits until a (promise-returning) expression in the page is true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        page.wait_for_timeout(100)


def _log_visit(page: Any, case: Case, done: str) -> None:
    waiting = page.locator(f"[data-state=waiting]:has-text('{case.person.first_name}')")
    before = waiting.count()
    page.locator(f"[data-case-id='{case.pk}'] button").click()
    page.fill("#ov-done", done)
    page.locator("#ov-needs input[value=better]").check()
    page.locator("#offline-visit-form button[type=submit]").click()
    waiting.nth(before).wait_for()


def test_visits_logged_with_no_signal_are_sent_once_when_it_returns(
        live_server: Any, browser: Any, cases: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, "volunteer.kotao")
    page.goto(base + "/cases/offline/")
    # Online, the page keeps the volunteer's three people on the phone.
    page.locator(f"[data-case-id='{cases['well'].pk}']").wait_for()
    assert page.locator(".offline-person").count() == 3
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    _until(page, "caches.open('lnob-offline-page').then(c => c.match('/cases/offline/'))"
                 ".then(r => !!r)")
    assert page.evaluate(KEPT_PEOPLE) == 3
    # Installable on Android: Chromium finds nothing missing in the manifest,
    # icons or worker (a test browser's profile is always "incognito").
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
    problems = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    print("installability:", problems)
    assert [p["errorId"] for p in problems if p["errorId"] != "in-incognito"] == []
    cdp.detach()

    # No signal: the page still opens (the service worker's copy), with the
    # people from IndexedDB.
    context.set_offline(True)
    page.reload()
    page.locator(f"[data-case-id='{cases['well'].pk}']").wait_for()
    assert "ไม่มีสัญญาณ" in page.locator("#offline-net").inner_text()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    # Any other page asked for with no signal: the offline page instead.
    page.goto(base + "/cases/")
    page.locator(f"[data-case-id='{cases['well'].pk}']").wait_for()

    _log_visit(page, cases["well"], "พาไปหาหมอ ยาครบ")
    _log_visit(page, cases["closing"], "ตาคำย้ายไปอยู่กับลูก")
    _log_visit(page, cases["changing"], "ป้าศรีขอผ้าอ้อมผู้ใหญ่เพิ่ม")
    assert "รอส่ง" in page.locator("#offline-outbox").inner_text()
    assert "3" in page.locator("#offline-net").inner_text()
    page.wait_for_timeout(1000)
    assert not Visit.objects.exists()

    # Meanwhile, at the office: one case is closed, another one visited.
    officer = cases["officer"]
    closing = Case.objects.get(pk=cases["closing"].pk)
    case_step(actor=officer, case=closing, action="close", expected_version=closing.version,
              reason="moved_away")
    changing = Case.objects.get(pk=cases["changing"].pk)
    visit_log(actor=officer, case=changing, visited_on=timezone.localdate(),
              done="เจ้าหน้าที่เยี่ยม", expected_version=changing.version)

    # The network returns: the visit reaches the server within 5 s, once.
    context.set_offline(False)
    back = time.monotonic()
    while not _settled(Visit.objects.filter(case=cases["well"]).exists):
        assert time.monotonic() - back < 5, "the visit did not reach the server in 5 s"
        time.sleep(0.05)
    print(f"offline visit on the server {time.monotonic() - back:.2f} s after the network "
          f"returned (load average {os.getloadavg()[0]:.1f})")
    page.locator("[data-state=refused]").wait_for()
    page.wait_for_timeout(1500)  # a second sync (interval, "online") must not add one
    assert Visit.objects.filter(case=cases["well"]).count() == 1
    assert Visit.objects.get(case=cases["well"]).done == "พาไปหาหมอ ยาครบ"
    assert "ส่งแล้ว" in page.locator("[data-state=sent]").inner_text()

    # The visit on the case closed meanwhile: kept and flagged, the case still closed.
    kept = Visit.objects.get(case=cases["closing"])
    assert (kept.flag, kept.done) == ("case_closed", "ตาคำย้ายไปอยู่กับลูก")
    assert Case.objects.get(pk=cases["closing"].pk).status == "closed"
    assert "ปิดก่อน" in page.locator("[data-state=flagged]").inner_text()

    # The visit on the case that changed: refused with the reason, editable,
    # nothing typed lost; sent again on the case as it is now.
    refused = page.locator("[data-state=refused]")
    assert "เปลี่ยนแปลง" in refused.inner_text()
    assert Visit.objects.filter(case=cases["changing"]).count() == 1  # the officer's
    refused.locator("button", has_text="แก้ไข").click()
    assert page.input_value("#ov-done") == "ป้าศรีขอผ้าอ้อมผู้ใหญ่เพิ่ม"
    assert page.locator("#ov-needs input[value=better]").is_checked()
    assert "เปลี่ยนแปลง" in page.locator("#offline-visit-reason").inner_text()
    page.locator("#offline-visit-form button[type=submit]").click()
    page.locator("[data-state=refused]").wait_for(state="detached")
    mine = Visit.objects.filter(case=cases["changing"], actor=cases["carer"])
    deadline = time.monotonic() + 5
    while not _settled(mine.exists):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert mine.get().done == "ป้าศรีขอผ้าอ้อมผู้ใหญ่เพิ่ม"
    assert Visit.objects.count() == 4
    context.close()


def test_a_report_and_two_visits_of_one_person_filed_with_no_signal(
        live_server: Any, browser: Any, cases: dict[str, Any]) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH",
                                  service_workers="allow")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, base, "volunteer.kotao")
    # The volunteer never opened the offline page: any page they open keeps it
    # and their people on the phone in advance (once per session).
    page.goto(base + "/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    _until(page, "caches.open('lnob-offline-page').then(c => c.match('/cases/offline/'))"
                 ".then(r => !!r)")
    _until(page, KEPT_PEOPLE + ".then(n => n === 3)")
    context.set_offline(True)
    page.goto(base + "/cases/offline/")
    page.locator("#or-area option[value='840503']").wait_for(state="attached")
    # Two visits of the same person: the second was saved after the first,
    # so it is not a conflict with it.
    _log_visit(page, cases["well"], "เช้า: วัดความดัน")
    _log_visit(page, cases["well"], "เย็น: ส่งข้าว")
    page.fill("#or-first", "ลุงมี")
    page.fill("#or-village", "๒")
    page.fill("#or-summary", "อยู่คนเดียว ไม่มีอาหาร")
    page.locator("input[name=urgent_reasons][value=alone_bedridden]").check()
    page.locator("#offline-report-form button[type=submit]").click()
    page.locator("[data-state=waiting]:has-text('ลุงมี')").wait_for()
    before = Case.objects.count()
    context.set_offline(False)
    page.locator("[data-state=sent]:has-text('ลุงมี')").wait_for()
    page.wait_for_function("document.querySelectorAll('[data-state=sent]').length === 3")
    assert sorted(_settled(lambda: list(Visit.objects.filter(case=cases["well"])
                                        .values_list("done", flat=True)))) == [
        "เช้า: วัดความดัน", "เย็น: ส่งข้าว"]
    reported = Case.objects.get(person__first_name="ลุงมี")
    assert Case.objects.count() == before + 1
    village = reported.person.village
    assert reported.urgent and village is not None and village.number == 2
    assert reported.client_key is not None
    context.close()
