"""Community welfare funds over the API: the access trio on every operation,
the balance and member count kept, a payment over the balance refused (422)
and changing nothing."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.networks.models import Fund, FundTransaction
from lnob.registry.models import Person
from lnob.testing import bearer, today
from lnob.welfare.funds.models import FundBenefit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/welfare/funds"


def call(client: Client, method: str, url: str, user: User | None, body: object = None) -> Any:
    headers = bearer(user) if user is not None else {}
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    return getattr(client, method)(BASE + url, headers=headers, **kwargs)


def trio(client: Client, method: str, url: str, body: object, other_officer: User,
         stranger: User, volunteer: User) -> None:
    assert call(client, method, url, other_officer, body).status_code == 404
    assert call(client, method, url, stranger, body).status_code == 403
    assert call(client, method, url, volunteer, body).status_code == 403
    assert call(client, method, url, None, body).status_code == 401


def test_a_fund_over_the_api(client: Client, officer: User, coordinator: User,
                             other_officer: User, stranger: User, volunteer: User,
                             fund: Fund, elder: Person) -> None:
    joined = (today() - datetime.timedelta(days=40)).isoformat()
    url = f"/{fund.pk}/members"
    body = {"person_id": elder.pk, "member_number": "001", "joined_on": joined}
    trio(client, "post", url, body, other_officer, stranger, volunteer)
    assert call(client, "post", url, coordinator, body).status_code == 403
    created = call(client, "post", url, officer, body)
    assert created.status_code == 201, created.content
    member = created.json()
    assert member["person_id"] == elder.pk
    other = call(client, "post", url, officer, {"first_name": "มาลี", "joined_on": joined})
    assert other.status_code == 201
    bad = call(client, "post", url, officer, {"first_name": "", "citizen_id": "12"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"first_name", "citizen_id"}

    url = f"/{fund.pk}/contributions"
    body = {"period": "2026-11", "date": today().isoformat(), "contributions": [
        {"member_id": member["id"], "amount": "50"},
        {"member_id": other.json()["id"], "amount": "50"}]}
    trio(client, "post", url, body, other_officer, stranger, volunteer)
    made = call(client, "post", url, officer, body)
    assert made.status_code == 201 and made.json()["recorded"] == 2
    assert float(made.json()["balance"]) == 100.0

    url = f"/{fund.pk}/rates/death"
    trio(client, "put", url, {"amount_baht": 3000}, other_officer, stranger, volunteer)
    assert call(client, "put", url, officer, {"amount_baht": 3000}).status_code == 200

    url = f"/{fund.pk}/benefits"
    body = {"member_id": member["id"], "kind": "death", "date": today().isoformat()}
    trio(client, "post", url, body, other_officer, stranger, volunteer)
    refused = call(client, "post", url, officer, body)  # the rate, 3,000 > 100
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert (error["field"], error["code"]) == ("amount", "fund_balance_short")
    assert fund.name in error["message"] and "100.00" in error["message"]
    assert not FundBenefit.objects.exists()
    assert FundTransaction.objects.filter(fund=fund).count() == 1
    body["amount"] = "60"
    paid = call(client, "post", url, officer, body)
    assert paid.status_code == 201 and paid.json()["person_id"] == elder.pk

    listed = call(client, "get", "", officer).json()
    assert [(f["id"], f["members"]) for f in listed] == [(fund.pk, 2)]
    assert call(client, "get", "", other_officer).json() == []
    assert call(client, "get", "", stranger).status_code == 403
    assert call(client, "get", "", None).status_code == 401

    url = f"/{fund.pk}"
    trio(client, "get", url, None, other_officer, stranger, volunteer)
    assert call(client, "get", url, coordinator).status_code == 200
    got = call(client, "get", url, officer).json()
    assert got["members"] == 2 and float(got["balance"]) == 40.0
    month = got["contributions_by_month"]
    assert [(m["period"], m["members"], float(m["total"])) for m in month] == [
        ("2026-11", 2, 100.0)]
    assert [b["kind"] for b in got["benefits"]] == ["death"]

    url = f"/members/{member['id']}/leave"
    trio(client, "post", url, {"left_on": today().isoformat()}, other_officer, stranger,
         volunteer)
    assert call(client, "post", url, officer, {"left_on": today().isoformat()}).status_code == 200
    fund.refresh_from_db()
    assert fund.members == 1
