"""Place suggestions as you type in the report forms (issue 16): a short
list of subdistricts by name, served to anyone, loaded by htmx from npm."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_typing_a_subdistrict_name_offers_the_few_of_that_name(client: Client) -> None:
    body = client.get("/areas/suggest/", {"place": "เกาะเต่า"}).content.decode()
    assert 'name="subdistrict_choice" value="840503"' in body  # Ko Tao, Ko Pha-ngan
    assert body.count('name="subdistrict_choice"') <= 8
    narrowed = client.get("/areas/suggest/", {"place": "เกาะเต่า เกาะพะงัน"}).content.decode()
    assert narrowed.count('name="subdistrict_choice"') == 1 and "checked" in narrowed


def test_too_short_or_unknown_names_offer_nothing_to_choose(client: Client) -> None:
    short = client.get("/areas/suggest/", {"place": "ก"}).content.decode()
    assert "subdistrict_choice" not in short
    body = client.get("/areas/suggest/", {"place": "ไม่มีตำบลนี้เลย"}).content.decode()
    assert "subdistrict_choice" not in body and 'class="help"' in body


def test_the_report_forms_load_htmx_from_our_own_static_files(client: Client) -> None:
    page = client.get("/report/").content.decode()
    assert 'hx-get="/areas/suggest/"' in page and 'id="place-choices"' in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reporter_picks_the_subdistrict_from_suggestions_before_sending(
        live_server: Any, browser: Any) -> None:
    from lnob.cases.models import ReceivedReport
    from lnob.geo.loader import load_geography
    from lnob.geo.models import District, Province, Subdistrict

    load_geography(Province, District, Subdistrict)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    page.goto(live_server.url + "/report/")
    page.fill("#id_first_name", "ยายแดง")
    page.locator("#id_place").press_sequentially("เกาะเต่า", delay=30)
    choice = page.locator("#place-choices input[value='840503']")
    choice.wait_for(timeout=10_000)  # no submit needed to see the choices
    choice.check()
    page.fill("#id_summary", "อยู่คนเดียว ไม่มีคนดูแล")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/report/thanks/")  # one submit, no second round
    assert ReceivedReport.objects.get().report["subdistrict_code"] == "840503"
    context.close()


def test_the_forum_form_asks_the_subdistrict_by_name_in_the_officers_province(
        client: Client, officer: Any) -> None:
    from lnob.networks.models import Network, PartnerType

    organiser = Network.objects.create(name="เครือข่ายเมือง", partner_type=PartnerType.COMMUNITY,
                                       province_code="84", capacity=5, is_lead=True)
    client.force_login(officer)
    page = client.get("/forums/new/").content.decode()
    assert 'id="id_where"' in page and '"box": "where"' in page.replace("&quot;", '"')
    assert "<optgroup" not in page.split('id="id_where"')[0][-2000:]  # no select of 131
    # Two คลองน้อย in Surat Thani: both offered, nothing written until one is chosen.
    data = {"where": "คลองน้อย", "organiser": str(organiser.pk), "held_on": "1/11/2569"}
    response = client.post("/forums/new/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="840107"' in body and 'value="841803"' in body
    suggested = client.get("/areas/suggest/", {"box": "where", "where": "คลองน้อย",
                                               "within": "84"}).content.decode()
    assert suggested.count('name="subdistrict_choice"') == 2
