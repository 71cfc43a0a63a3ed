"""Care capacity over the API: create, read, change, filter and walk the
cursor pages; errors name the field and write nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.models import AuditEvent, User
from lnob.networks.models import Committee, Fund, Network, Volunteer
from lnob.registry.taxonomy import Need
from lnob.testing import bearer
from lnob.testing.factories import (
    BAN_TAI,
    KO_TAO,
    KRABI_TOWN,
    CommitteeFactory,
    FundFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: dict[str, Any], user: User) -> Any:
    return client.post(url, body, content_type="application/json", headers=bearer(user))


def patch(client: Client, url: str, body: dict[str, Any], user: User) -> Any:
    return client.patch(url, body, content_type="application/json", headers=bearer(user))


def fields_of(response: Any) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def test_a_network_is_created_read_and_changed(client: Client, officer: User,
                                               health: Need) -> None:
    lead = NetworkFactory.create(is_lead=True, subdistricts=[BAN_TAI])
    created = post(client, "/api/v1/networks", {
        "name": "กลุ่มออมทรัพย์เกาะเต่า", "partner_type": "savings_group",
        "province_code": "84", "lead_network": lead.pk, "subdistricts": [KO_TAO],
        "needs": [health.pk], "capacity": 25, "contact_email": "koh.tao@example.org"}, officer)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["subdistricts"] == [KO_TAO] and body["lead_network"] == lead.pk
    assert body["needs"] == [{"id": health.pk, "code": "health", "name_th": "สุขภาพ",
                              "name_en": "Health"}]
    url = f"/api/v1/networks/{body['id']}"
    assert client.get(url, headers=bearer(officer)).json()["capacity"] == 25
    changed = patch(client, url, {"capacity": 40, "lead_network": None}, officer)
    assert changed.status_code == 200
    assert changed.json()["capacity"] == 40 and changed.json()["lead_network"] is None
    assert changed.json()["subdistricts"] == [KO_TAO]  # untouched by the PATCH
    assert AuditEvent.objects.filter(object_type="networks.network").count() == 2


@pytest.mark.parametrize(("body", "field"), [
    ({"subdistricts": [KO_TAO, KRABI_TOWN]}, "subdistricts"),
    ({"capacity": -1}, "capacity"),
    ({"partner_type": "mafia"}, "partner_type"),
    ({"name": ""}, "name"),
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"name": "ก" * 201}, "name"),
    ({"capacity": "many"}, "capacity"),
])
def test_bad_network_input_is_422_naming_the_field_and_writes_nothing(
        client: Client, officer: User, body: dict[str, Any], field: str) -> None:
    data = {"name": "เครือข่าย", "partner_type": "community", "province_code": "84", **body}
    response = post(client, "/api/v1/networks", data, officer)
    assert response.status_code == 422
    assert fields_of(response) == [field]
    assert not Network.objects.exists()


def test_a_member_of_a_lead_network_of_another_province_is_422(client: Client,
                                                              admin: User) -> None:
    krabi = NetworkFactory.create(province_code="81", is_lead=True)
    response = post(client, "/api/v1/networks", {
        "name": "x", "partner_type": "community", "province_code": "84",
        "lead_network": krabi.pk}, admin)
    assert response.status_code == 422 and fields_of(response) == ["lead_network"]


def test_cursor_pagination_walks_every_page_once(client: Client, officer: User) -> None:
    made = {NetworkFactory.create(subdistricts=[KO_TAO]).pk for _ in range(7)}
    NetworkFactory.create(province_code="81")  # not visible to the officer of 84
    auth = bearer(officer)
    seen: list[int] = []
    url: str | None = "/api/v1/networks?page_size=3"
    pages = 0
    while url:
        page = client.get(url, headers=auth).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_lists_are_filtered_like_the_pages(client: Client, officer: User) -> None:
    NetworkFactory.create(name="แม่ข่ายเกาะเต่า", is_lead=True, subdistricts=[KO_TAO])
    NetworkFactory.create(name="ชมรมบ้านใต้", subdistricts=[BAN_TAI], active=False)
    auth = bearer(officer)

    def names(**params: Any) -> list[str]:
        page = client.get("/api/v1/networks", params, headers=auth).json()
        return [r["name"] for r in page["results"]]

    assert names(q="เกาะเต่า") == ["แม่ข่ายเกาะเต่า"]
    assert names(area=BAN_TAI) == ["ชมรมบ้านใต้"]
    assert names(is_lead="true") == ["แม่ข่ายเกาะเต่า"]
    assert names(active="false") == ["ชมรมบ้านใต้"]


def test_volunteers_are_created_searched_by_phone_and_changed(client: Client,
                                                             coordinator: User) -> None:
    created = post(client, "/api/v1/volunteers", {
        "first_name": "สุดา", "last_name": "ใจงาม", "phone": "081-234-5678",
        "province_code": "84", "subdistricts": [KO_TAO], "is_msdhs": True}, coordinator)
    assert created.status_code == 201, created.content
    assert created.json()["capacity"] == 5 and created.json()["phone"] == "0812345678"
    found = client.get("/api/v1/volunteers", {"q": "234-5678"},
                       headers=bearer(coordinator)).json()["results"]
    assert [v["first_name"] for v in found] == ["สุดา"]
    response = patch(client, f"/api/v1/volunteers/{created.json()['id']}", {"capacity": -3},
                     coordinator)
    assert response.status_code == 422 and fields_of(response) == ["capacity"]
    assert Volunteer.objects.get().capacity == 5


def test_fund_money_over_the_api_keeps_the_balance_and_refuses_overdrafts(
        client: Client, officer: User) -> None:
    fund = FundFactory.create()
    url = f"/api/v1/funds/{fund.pk}/transactions"
    today = timezone.localdate()
    week_ago = (today - datetime.timedelta(days=7)).isoformat()
    first = post(client, url, {"date": week_ago, "kind": "contribution", "amount": "1000"},
                 officer)
    assert first.status_code == 201 and first.json()["balance_after"] == "1000.00"
    second = post(client, url, {"date": today.isoformat(), "kind": "disbursement",
                                "amount": 250.25}, officer)
    assert second.json()["balance_after"] == "749.75"
    for body, field in [({"kind": "disbursement", "amount": "750"}, "amount"),
                        ({"kind": "contribution", "amount": "0"}, "amount"),
                        ({"kind": "contribution", "amount": "ten"}, "amount"),
                        ({"kind": "refund", "amount": "5"}, "kind")]:
        response = post(client, url, {"date": today.isoformat(), **body}, officer)
        assert response.status_code == 422 and fields_of(response) == [field], body
    history = client.get(url, headers=bearer(officer)).json()
    assert [(t["kind"], t["balance_after"]) for t in history] == [
        ("contribution", "1000.00"), ("disbursement", "749.75")]
    assert client.get(f"/api/v1/funds/{fund.pk}", headers=bearer(officer)).json()[
        "balance"] == "749.75"


def test_a_fund_cannot_be_created_on_an_unknown_area(client: Client, officer: User) -> None:
    response = post(client, "/api/v1/funds", {"name": "กองทุน", "kind": "other",
                                              "area_code": "849999"}, officer)
    assert response.status_code == 422 and fields_of(response) == ["area_code"]
    assert not Fund.objects.exists()


def test_a_committee_with_members_and_meetings_over_the_api(client: Client,
                                                           officer: User) -> None:
    created = post(client, "/api/v1/committees", {"name": "คณะกรรมการจังหวัด",
                                                  "level": "province", "area_code": "84"},
                   officer)
    assert created.status_code == 201, created.content
    base = f"/api/v1/committees/{created.json()['id']}"
    chair = post(client, f"{base}/members", {"name": "นางประธาน", "role": "chair",
                                             "partner_type": "civil_society"}, officer)
    assert chair.status_code == 201
    again = post(client, f"{base}/members", {"name": "นายซ้ำ", "role": "chair",
                                             "partner_type": "civil_society"}, officer)
    assert again.status_code == 422 and fields_of(again) == ["role"]
    meeting = post(client, f"{base}/meetings", {"date": "2025-11-05", "minutes": "ประชุม"},
                   officer)
    assert meeting.status_code == 201
    detail = client.get(base, headers=bearer(officer)).json()
    assert [m["name"] for m in detail["members"]] == ["นางประธาน"]
    assert detail["meetings"] == [{"id": meeting.json()["id"], "date": "2025-11-05",
                                   "minutes": "ประชุม"}]
    gone = client.delete(f"{base}/members/{chair.json()['id']}", headers=bearer(officer))
    assert gone.status_code == 204
    assert not Committee.objects.get().members.exists()


@pytest.mark.parametrize(("level", "code"), [("subdistrict", "8405"), ("district", "8499")])
def test_a_committee_area_that_does_not_fit_its_level_is_422(client: Client, officer: User,
                                                            level: str, code: str) -> None:
    response = post(client, "/api/v1/committees", {"name": "x", "level": level,
                                                   "area_code": code}, officer)
    assert response.status_code == 422 and fields_of(response) == ["area_code"]
    assert not Committee.objects.exists()


def test_a_coordinator_cannot_add_funds_or_committees(client: Client,
                                                      coordinator: User) -> None:
    fund = post(client, "/api/v1/funds", {"name": "x", "kind": "other", "area_code": KO_TAO},
                coordinator)
    committee = post(client, "/api/v1/committees", {"name": "x", "level": "subdistrict",
                                                    "area_code": KO_TAO}, coordinator)
    assert fund.status_code == committee.status_code == 403
    members = post(client, f"/api/v1/committees/{CommitteeFactory.create().pk}/members",
                   {"name": "x", "role": "member", "partner_type": "community"}, coordinator)
    assert members.status_code == 403


@pytest.mark.parametrize("loose", [0, 1733443200, 20251105, True, [2025, 11, 5]])
def test_a_date_that_is_not_iso_text_is_refused_not_guessed(client: Client, officer: User,
                                                            loose: Any) -> None:
    created = post(client, "/api/v1/committees", {"name": "คณะกรรมการจังหวัด",
                                                  "level": "province", "area_code": "84"},
                   officer)
    base = f"/api/v1/committees/{created.json()['id']}"
    meeting = post(client, f"{base}/meetings", {"date": loose, "minutes": "ประชุม"}, officer)
    assert meeting.status_code == 422 and fields_of(meeting) == ["date"]
    assert "YYYY-MM-DD" in meeting.json()["errors"][0]["message"]
    assert not Committee.objects.get().meetings.exists()
