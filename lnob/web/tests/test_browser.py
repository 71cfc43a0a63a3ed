"""A person at a real browser (Debian's Chromium): sign in, switch to English,
browse Thailand down to a subdistrict."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.conftest import PASSWORD, sign_in
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def volunteer(transactional_db: None) -> User:
    # A transactional test empties the tables after each test; reload areas.
    load_geography(Province, District, Subdistrict)
    from django.contrib.auth.hashers import make_password

    user = User.objects.create(username="volunteer.kotao", first_name="สุดา",
                               password=make_password(PASSWORD))
    role_grant(actor=None, user=user, role=Role.VOLUNTEER, area_code="840503")
    return user


def test_a_volunteer_signs_in_switches_language_and_browses_to_a_subdistrict(
        live_server: Any, page: Any, volunteer: User) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "th"  # an English browser, Thai page
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith('"Sarabun"') or font.startswith("Sarabun")

    sign_in(page, live_server.url, "volunteer.kotao")
    assert page.locator("a[href='/workspace/840503/']").count() == 1

    page.locator("form.lang button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"

    page.locator("details.menu summary").click()  # the header's menu: every page
    page.locator(".menu-panel a[href='/areas/']").click()
    page.fill("#area-q", "Surat")
    page.locator("form.search button").click()
    page.locator("a[href='/areas/84/']").first.click()
    page.locator("a[href='/areas/8405/']").click()
    page.locator("a[href='/areas/840503/']").click()
    assert page.locator("h1").inner_text().startswith("Ko Tao")
    assert page.locator("html").get_attribute("lang") == "en"  # the choice stuck
    page.locator("a[href='/workspace/840503/']").click()
    assert "สุดา" in page.locator("table").inner_text()

    # The choice is kept for the next visit too.
    page.goto(live_server.url + "/areas/")
    assert page.locator("html").get_attribute("lang") == "en"
