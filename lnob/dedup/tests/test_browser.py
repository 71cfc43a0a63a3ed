"""On a phone: an officer registering someone already registered is warned first;
then, from the review queue, compares the two records and merges them."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.conftest import sign_in
from lnob.core.models import User
from lnob.dedup.models import Merge
from lnob.dedup.runs import run_execute, run_start
from lnob.dedup.tests.conftest import person_data
from lnob.registry.models import Person, Status
from lnob.registry.services import ConsentData, person_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_warned_at_registration_then_merged_from_the_queue(
        live_server: Any, browser: Any, officer_account: User) -> None:
    first = person_create(actor=officer_account, data=person_data(),
                          consent=ConsentData(status="given", lawful_basis="consent",
                                              purposes=["care"]))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "officer.surat", "/persons/new/")

    page.fill("#id_title", "นาย")
    page.fill("#id_first_name", "สมชาญ")  # ญ for ย
    page.fill("#id_last_name", "ใจดี")
    page.select_option("#id_sex", "M")
    page.fill("#id_birth_date", "14/3/2493")
    page.select_option("#id_no_citizen_id_reason", "unknown")
    page.fill("#id_place", "เกาะเต่า เกาะพะงัน")  # typed by name (issue 16)
    page.select_option("#id_source", "hotline")
    page.locator("main form button[type=submit]").last.click()
    warning = page.locator("#hints-title")
    assert warning.is_visible()
    assert page.locator(f"[data-hint-person='{first.pk}']").is_visible()
    assert Person.objects.count() == 1
    page.locator("main form button[type=submit]").last.click()  # not them: save again
    page.wait_for_url(live_server.url + "/persons/*/")
    assert Person.objects.count() == 2

    run_execute(run_start(actor=None, scope_code="84"))
    page.goto(live_server.url + "/duplicates/")
    page.locator("main table a").first.click()
    page.wait_for_url(live_server.url + "/duplicates/pairs/*/")
    assert "เลขประจำตัวประชาชน" in page.locator("main").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the pair page scrolls sideways on a phone"
    page.locator("button[value=keep_left]").click()
    page.wait_for_url(live_server.url + "/duplicates/")
    merged = Merge.objects.get()
    assert merged.kept_id == first.pk
    second = Person.objects.get(pk=merged.merged_id)
    assert second.status == Status.DUPLICATE
