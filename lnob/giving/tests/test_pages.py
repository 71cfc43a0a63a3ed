"""The giving pages: the public /give/ door (phone first, no sign-in, the
report page's protections), its status page, the needs board, and the
handlers' pages with an in-area user, an out-of-area user and a stranger."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.giving import services as giving
from lnob.giving.access import CONTACT_AUDIT_TYPE
from lnob.giving.models import GoodsItem, Offer
from lnob.giving.tests.conftest import KO_TAO, submit
from lnob.networks.models import Network

pytestmark = pytest.mark.django_db

TIME_OFFER = {"kind": "time", "place": "เกาะเต่า เกาะพะงัน", "skills": ["visiting"],
              "when": "วันเสาร์", "giver_kind": "person", "giver_name": "สมใจ อาสาดี",
              "giver_phone": "081-234-5678", "consent": "on"}


def post(client: Client, **changes: Any) -> Any:
    return client.post("/give/", {**TIME_OFFER, **changes}, REMOTE_ADDR="203.0.113.50")


def test_anyone_offers_time_and_gets_a_reference_and_a_status(client: Client,
                                                               lead: Network) -> None:
    page = client.get("/give/")
    assert page.status_code == 200 and "ช่วย" in page.content.decode()
    response = post(client)
    assert response.status_code == 302 and response["Location"] == "/give/thanks/"
    offer = Offer.objects.get()
    assert (offer.area_code, offer.network, offer.skills) == (KO_TAO, lead, ["visiting"])
    thanks = client.get("/give/thanks/").content.decode()
    assert offer.reference in thanks
    status = client.get("/give/status/", {"reference": offer.reference}).content.decode()
    assert 'data-stage="received"' in status
    assert "สมใจ" not in status and "081" not in status


def test_the_honeypot_keeps_nothing(client: Client, lead: Network) -> None:
    assert post(client, website="http://spam.example").status_code == 302
    assert Offer.objects.count() == 0


def test_an_oversized_offer_is_refused_whole(client: Client, lead: Network) -> None:
    response = post(client, description="ก" * 20000)
    assert response.status_code == 413 and Offer.objects.count() == 0


def test_an_unknown_place_asks_the_giver_to_choose(client: Client, lead: Network) -> None:
    response = post(client, place="ไม่มีที่นี่แน่นอน")
    assert response.status_code == 400 and Offer.objects.count() == 0
    assert "ไม่มีที่นี่แน่นอน" in response.content.decode()
    several = post(client, place="บางรัก")  # several subdistricts and districts
    assert several.status_code == 400 and 'name="area_choice"' in several.content.decode()
    chosen = post(client, place="บางรัก", area_choice=KO_TAO)
    assert chosen.status_code == 302


def test_quantities_must_be_positive_on_the_page(client: Client, lead: Network,
                                                 diapers: GoodsItem) -> None:
    response = post(client, kind="goods", goods_item=str(diapers.pk), quantity="0",
                    area_code=KO_TAO)
    assert response.status_code == 400 and Offer.objects.count() == 0


def test_too_many_offers_from_one_address_are_refused(client: Client, lead: Network) -> None:
    for _i in range(giving.PUBLIC_OFFERS_PER_HOUR):
        assert post(client).status_code == 302
    assert post(client).status_code == 429


def test_the_status_page_never_finds_a_made_up_reference(client: Client) -> None:
    assert client.get("/give/status/", {"reference": "ZZZZZ-ZZZZZ"}).status_code == 404


def test_the_public_home_links_to_the_giving_page(client: Client) -> None:
    assert 'href="/give/"' in client.get("/").content.decode()


# ------------------------------------------------------------------ handlers

def test_offer_pages_in_area_out_of_area_and_stranger(
        client: Client, lead: Network, coordinator: User, other_coordinator: User,
        stranger: User) -> None:
    offer = submit()
    client.force_login(coordinator)
    listed = client.get("/giving/offers/")
    assert listed.status_code == 200 and "สมใจ" in listed.content.decode()
    detail = client.get(f"/giving/offers/{offer.pk}/")
    assert detail.status_code == 200 and "0812345678" in detail.content.decode()
    assert AuditEvent.objects.filter(object_type=CONTACT_AUDIT_TYPE).count() == 2
    client.force_login(other_coordinator)
    assert "สมใจ" not in client.get("/giving/offers/").content.decode()
    assert client.get(f"/giving/offers/{offer.pk}/").status_code == 404
    assert client.post(f"/giving/offers/{offer.pk}/", {
        "action": "contact", "version": offer.version}).status_code == 404
    client.force_login(stranger)
    assert client.get("/giving/offers/").status_code == 403
    assert client.get(f"/giving/offers/{offer.pk}/").status_code == 403
    assert Offer.objects.get(pk=offer.pk).status == "received"


def test_the_coordinator_sees_the_offer_in_the_inbox_and_accepts_it(
        client: Client, lead: Network, coordinator: User) -> None:
    offer = submit()
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert 'data-inbox="offers"' in home and f"/giving/offers/{offer.pk}/" in home
    assert "สมใจ" not in home  # the inbox row says what and where, not who
    refused = client.post(f"/giving/offers/{offer.pk}/", {"action": "accept",
                                                          "version": offer.version})
    assert refused.status_code == 400
    accepted = client.post(f"/giving/offers/{offer.pk}/", {
        "action": "accept", "version": offer.version, "checks_done": "on"})
    assert accepted.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.volunteer is not None


def test_the_offers_export_is_audited_and_scoped(
        client: Client, lead: Network, coordinator: User, other_coordinator: User,
        stranger: User) -> None:
    submit()
    client.force_login(coordinator)
    response = client.get("/giving/offers/export.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "สมใจ" in body
    assert AuditEvent.objects.filter(object_type="giving.offer_list", action="export").exists()
    client.force_login(other_coordinator)
    body = b"".join(client.get("/giving/offers/export.csv")
                    .streaming_content).decode()  # type: ignore[attr-defined]
    assert "สมใจ" not in body
    client.force_login(stranger)
    assert client.get("/giving/offers/export.csv").status_code == 403


def test_stock_and_allocation_pages_in_area_out_of_area_and_stranger(
        client: Client, lead: Network, officer: User, other_officer: User, stranger: User,
        diapers: GoodsItem) -> None:
    client.force_login(officer)
    added = client.post("/giving/stock/", {"network": lead.pk, "item": diapers.pk,
                                           "quantity": 10})
    assert added.status_code == 302
    assert "แม่ข่ายเกาะเต่า" in client.get("/giving/stock/").content.decode()
    assert client.get(f"/giving/allocate/{KO_TAO}/").status_code == 200
    client.force_login(other_officer)
    assert "แม่ข่ายเกาะเต่า" not in client.get("/giving/stock/").content.decode()
    assert client.get(f"/giving/allocate/{KO_TAO}/").status_code == 404
    client.force_login(stranger)
    assert client.get("/giving/stock/").status_code == 403
    assert client.get(f"/giving/allocate/{KO_TAO}/").status_code == 403


def test_the_needs_board_is_public_and_never_shows_a_small_count(client: Client) -> None:
    page = client.get("/give/needs/84/")
    assert page.status_code == 200
    assert client.get("/give/needs/").status_code == 200
    assert client.get("/give/needs/999/").status_code == 404
