from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import translation

from lnob.core.templatetags.thai import bedate, bedatetime, masked_id

pytestmark = pytest.mark.django_db


def test_pages_open_in_thai_even_for_an_english_browser(client: Client) -> None:
    response = client.get("/areas/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="th">' in body
    assert "ประเทศไทย" in body
    assert response["Content-Language"] == "th"


def test_the_switch_to_english_sticks(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/areas/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/areas/").content.decode()
    assert '<html lang="en">' in client.get("/areas/84/").content.decode()
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert '<html lang="th">' in client.get("/areas/").content.decode()


def test_thai_pages_show_names_in_thai_and_english_pages_in_english(client: Client) -> None:
    assert "<h1>สุราษฎร์ธานี" in client.get("/areas/84/").content.decode()
    client.cookies["django_language"] = "en"
    assert "<h1>Surat Thani" in client.get("/areas/84/").content.decode()


def test_the_page_uses_the_sarabun_font_from_static_files(client: Client) -> None:
    body = client.get("/").content.decode()
    assert "/static/web/lnob.css" in body
    css = b"".join(client.get("/static/web/lnob.css").streaming_content).decode()  # type: ignore[attr-defined]
    assert 'font-family: "Sarabun"' in css
    font = client.get("/static/vendor/sarabun/sarabun-thai-400-normal.woff2")
    assert font.status_code == 200


def test_dates_are_buddhist_era_on_thai_pages_and_ce_on_english_ones() -> None:
    with translation.override("th"):
        assert bedate(date(2006, 11, 6)) == "6 พ.ย. 2549"
    with translation.override("en"):
        assert bedate(date(2006, 11, 6)) == "6 Nov 2006"


def test_a_record_made_at_0630_in_bangkok_is_dated_that_day_not_the_day_before() -> None:
    made = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)  # 06:30 on 25 Nov in Bangkok
    with translation.override("th"):
        assert bedate(made) == "25 พ.ย. 2569"
        assert bedatetime(made) == "25 พ.ย. 2569 06:30"


def test_citizen_ids_are_shown_masked() -> None:
    assert masked_id("1234567890121") == "x-xxxx-xxxxx-12-1"
    assert masked_id("") == ""
