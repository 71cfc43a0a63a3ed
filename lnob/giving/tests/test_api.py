"""/api/v1/giving: the public door and the handlers' operations, each with an
in-area user, an out-of-area user and a stranger."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.giving.access import CONTACT_AUDIT_TYPE
from lnob.giving.models import GoodsItem, Offer, Stock
from lnob.giving.tests.conftest import KO_TAO, submit
from lnob.networks.models import Network
from lnob.registry.models import Need
from lnob.testing import bearer
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db
API = "/api/v1/giving"


def send(client: Client, method: str, url: str, user: User | None = None,
         body: object = None) -> Any:
    extra: dict[str, Any] = {f"HTTP_{k.upper()}": v
                             for k, v in (bearer(user) if user else {}).items()}
    path = url if url.startswith("/api/") else API + url
    return client.generic(method, path, data=json.dumps(body or {}),
                          content_type="application/json", REMOTE_ADDR="203.0.113.60", **extra)


def test_anyone_offers_through_the_api_and_follows_it(client: Client, lead: Network) -> None:
    response = send(client, "POST", "/offers/public", body={
        "kind": "time", "giver_name": "สมใจ", "giver_phone": "0812345678",
        "area_code": KO_TAO, "consent": True, "skills": ["driving"]})
    assert response.status_code == 201
    reference = response.json()["reference"]
    stage = send(client, "GET", f"/offers/public/{reference}")
    assert stage.json() == {"reference": reference, "stage": "received"}
    bad = send(client, "POST", "/offers/public", body={
        "kind": "goods", "giver_name": "สมใจ", "giver_phone": "0812345678",
        "area_code": KO_TAO, "consent": True, "quantity": -1})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"goods_item", "quantity"} <= fields
    assert Offer.objects.count() == 1


def test_offers_in_area_out_of_area_and_stranger(
        client: Client, lead: Network, coordinator: User, other_coordinator: User,
        stranger: User) -> None:
    offer = submit()
    listed = send(client, "GET", "/offers", coordinator)
    assert [o["reference"] for o in listed.json()] == [offer.reference]
    one = send(client, "GET", f"/offers/{offer.pk}", coordinator)
    assert one.json()["giver_phone"] == "0812345678"
    assert AuditEvent.objects.filter(object_type=CONTACT_AUDIT_TYPE).count() == 2
    assert send(client, "GET", "/offers", other_coordinator).json() == []
    assert send(client, "GET", f"/offers/{offer.pk}",
                other_coordinator).status_code == 404
    assert send(client, "POST", f"/offers/{offer.pk}/steps", other_coordinator, {
        "action": "contact", "version": 1}).status_code == 404
    assert send(client, "GET", "/offers", stranger).status_code == 403
    assert send(client, "POST", f"/offers/{offer.pk}/steps", stranger, {
        "action": "contact", "version": 1}).status_code == 403
    done = send(client, "POST", f"/offers/{offer.pk}/steps", coordinator, {
        "action": "accept", "version": 1, "checks_done": True})
    assert done.json()["status"] == "accepted"
    stale = send(client, "POST", f"/offers/{offer.pk}/steps", coordinator, {
        "action": "use", "version": 1})
    assert stale.status_code == 409


def test_stock_and_allocations_in_area_out_of_area_and_stranger(
        client: Client, lead: Network, officer: User, other_officer: User, stranger: User,
        diapers: GoodsItem, need: Need) -> None:
    case = verified_case(officer, need)
    added = send(client, "POST", "/stock", officer, {"network_id": lead.pk,
                                                      "item_id": diapers.pk, "quantity": 2})
    assert added.status_code == 201
    stock = Stock.objects.get()
    assert send(client, "POST", "/stock", other_officer, {
        "network_id": lead.pk, "item_id": diapers.pk,
        "quantity": 2}).status_code == 404
    assert send(client, "GET", "/stock", other_officer).json() == []
    assert send(client, "GET", "/stock", stranger).status_code == 403
    body = {"person_id": case.person.pk, "stock_id": stock.pk, "quantity": 3}
    short = send(client, "POST", "/allocations", officer, body)
    assert short.status_code == 422
    assert short.json()["errors"][0]["code"] == "stock_short"
    assert send(client, "POST", "/allocations", other_officer,
                body | {"quantity": 1}).status_code == 404
    assert send(client, "POST", "/allocations", stranger,
                body | {"quantity": 1}).status_code == 403
    given = send(client, "POST", "/allocations", officer, body | {"quantity": 2})
    assert given.status_code == 201
    stock.refresh_from_db()
    assert stock.quantity == 0


def test_the_needs_board_api_is_public_and_suppressed(client: Client, officer: User,
                                                      need: Need) -> None:
    for i in range(3):
        verified_case(officer, need, f"คนที่{i}")
    board = send(client, "GET", "/needs/8405").json()
    cells = [c for row in board["rows"] for c in row["cells"]] + board["total"]
    assert not [c for c in cells if isinstance(c, int) and c < 5]
    assert "คนที่0" not in json.dumps(board, ensure_ascii=False)
    assert send(client, "GET", "/needs/99").status_code == 404


def test_the_api_inbox_lists_offers_to_answer_without_the_giver(
        client: Client, lead: Network, coordinator: User) -> None:
    offer = submit()
    sections = {s["key"]: s for s in send(client, "GET", "/api/v1/inbox", coordinator).json()}
    assert [r["id"] for r in sections["offers"]["rows"]] == [offer.pk]
    assert offer.reference in sections["offers"]["rows"][0]["label"]
    assert "สมใจ" not in json.dumps(sections, ensure_ascii=False)
