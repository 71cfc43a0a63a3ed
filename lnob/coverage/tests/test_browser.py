"""The public dashboard on a phone: the tile map of the provinces and a small
count shown as "<5", in Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from lnob.coverage import builtin
from lnob.coverage.models import Indicator, MilestoneTarget
from lnob.coverage.rollup import rollup_full
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.registry.migrations import _national_taxonomy
from lnob.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def country(transactional_db: None) -> None:
    # Transactional tests empty the tables afterwards; put back what migrations load.
    load_geography(Province, District, Subdistrict)
    _national_taxonomy.load()
    builtin.install(Indicator, MilestoneTarget)
    for i in range(3):  # three people reported in Ko Tao: a small count
        Person.objects.create(first_name=f"ทดสอบ{i}", subdistrict_id="840503",
                              province_code="84", district_code="8405", source="public")
    rollup_full()


def test_the_public_dashboard_on_a_phone_shows_the_map_and_hides_small_counts(
        live_server: Any, browser: Any, country: None) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/coverage/public/")
    tiles = page.locator(".tiles .tile")
    assert tiles.count() == 77
    surat = page.locator('.tile[data-code="84"]')
    assert surat.is_visible()
    assert "สุราษฎร์ธานี" in (surat.get_attribute("aria-label") or "")
    box = page.locator(".tiles").bounding_box()
    assert box is not None and box["width"] <= 390  # fits the phone, no sideways scroll
    row = page.locator("#table-public tbody tr", has_text="สุราษฎร์ธานี")
    assert row.locator("td", has_text="<5").count() >= 1
    assert "ทดสอบ" not in page.content()
    surat.click()
    page.wait_for_url(live_server.url + "/coverage/public/84/")
    assert page.locator("td", has_text="<5").count() >= 1
    context.close()
