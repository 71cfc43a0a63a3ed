"""A provincial officer on a phone registers a person found by a network."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.conftest import sign_in
from lnob.core.models import User
from lnob.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_registers_a_person_on_a_phone(live_server: Any, browser: Any,
                                                  officer_account: User) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "officer.surat", "/persons/new/")

    page.fill("#id_title", "นาง")
    page.fill("#id_first_name", "บุญมี")
    page.fill("#id_last_name", "ศรีสุข")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "6 พ.ย. 2490")
    page.fill("#id_citizen_id", "1-1017-00203-44-2")  # one digit wrong
    # The place by name: suggestions come as it is typed, only in the officer's province.
    page.locator("#id_place").press_sequentially("เกาะเต่า", delay=30)
    choice = page.locator("#place-choices input[value='840503']")
    choice.wait_for(timeout=10_000)
    assert page.locator("#place-choices input[type=radio]").count() == 1
    assert choice.is_checked()  # the only one in Surat Thani, chosen already
    page.select_option("#id_source", "network")
    page.locator("main form button[type=submit]").click()
    error = page.locator("#id_citizen_id-err")
    assert error.is_visible()
    assert Person.objects.count() == 0

    page.fill("#id_citizen_id", "1-1017-00203-44-1")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/persons/*/")
    assert page.locator("h1").inner_text() == "นางบุญมี ศรีสุข"
    assert "x-xxxx-xxxxx-44-1" in page.locator("main").inner_text()
    assert "6 พ.ย. 2490" in page.locator("main").inner_text()
    assert Person.objects.get().subdistrict_id == "840503"
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
