"""Welfare over the API: the access trio on every operation, and the same
rules as the pages."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.testing import bearer
from lnob.welfare.models import Benefit, Referral, Scheme, SchemeVersion

pytestmark = pytest.mark.django_db
BASE = "/api/v1/welfare"


def call(client: Client, method: str, url: str, user: User | None, body: object = None) -> Any:
    headers = bearer(user) if user is not None else {}
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    return getattr(client, method)(BASE + url, headers=headers, **kwargs)


def test_person_welfare_trio(client: Client, officer: User, other_officer: User,
                             stranger: User, volunteer: User, elder: Person) -> None:
    url = f"/persons/{elder.pk}"
    response = call(client, "get", url, officer)
    assert response.status_code == 200
    body = response.json()
    old_age = next(e for e in body["eligibility"] if e["scheme"] == "old_age_allowance")
    assert (old_age["result"], old_age["amount_baht"], old_age["receiving"]) == (
        "eligible", 700, False)
    disability = next(e for e in body["eligibility"] if e["scheme"] == "disability_allowance")
    assert disability["missing"] == ["disability_registered"]
    assert call(client, "get", url, other_officer).status_code == 404
    assert call(client, "get", url, stranger).status_code == 403
    assert call(client, "get", url, volunteer).status_code == 403
    assert call(client, "get", url, None).status_code == 401


def test_facts_benefits_and_referrals_over_the_api(client: Client, officer: User,
                                                   other_officer: User, elder: Person) -> None:
    facts = {"disability_registered": "yes", "income_band": "lt30k"}
    url = f"/persons/{elder.pk}/facts"
    assert call(client, "put", url, other_officer, facts).status_code == 404
    bad = call(client, "put", url, officer, {"disability_registered": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "disability_registered"
    body = call(client, "put", url, officer, facts).json()
    assert body["facts"] == facts

    url = f"/persons/{elder.pk}/benefits"
    benefit = {"scheme": "old_age_allowance", "since": "2024-01-01", "amount_baht": 700}
    assert call(client, "post", url, other_officer, benefit).status_code == 404
    assert call(client, "post", url, officer, {"scheme": "nope"}).status_code == 404
    created = call(client, "post", url, officer, benefit)
    assert created.status_code == 201
    assert Benefit.objects.get().source == "api"
    end_url = f"/benefits/{created.json()['id']}/end"
    assert call(client, "post", end_url, other_officer, {"until": "2025-01-01"}).status_code == 404
    assert call(client, "post", end_url, officer, {"until": "2025-01-01"}).status_code == 200

    url = f"/persons/{elder.pk}/referrals"
    old_age = {"scheme": "old_age_allowance", "provider_name": "อบต.เกาะเต่า",
               "provider_address": "หมู่ 1 ตำบลเกาะเต่า"}
    assert call(client, "post", url, other_officer, old_age).status_code == 404
    referral = call(client, "post", url, officer, old_age).json()
    assert referral["provider_address"] == "หมู่ 1 ตำบลเกาะเต่า"  # printed on the letter
    again = call(client, "post", url, officer, old_age)
    assert again.status_code == 409
    step = f"/referrals/{referral['id']}/step"
    assert call(client, "post", step, other_officer,
                {"status": "received", "version": 1}).status_code == 404
    assert call(client, "post", step, officer,
                {"status": "received", "version": 1}).json()["status"] == "received"
    assert call(client, "post", step, officer,
                {"status": "approved", "version": 1}).status_code == 409
    assert call(client, "post", step, officer,
                {"status": "sent", "version": 2}).status_code == 422
    assert Referral.objects.get().status == "received"


def test_to_refer_and_counts(client: Client, officer: User, other_officer: User,
                             stranger: User, elder: Person) -> None:
    rows = call(client, "get", "/to-refer", officer).json()["results"]
    assert {(r["person_id"], r["scheme"]) for r in rows} == {(elder.pk, "old_age_allowance")}
    assert call(client, "get", "/to-refer", other_officer).json()["results"] == []
    assert call(client, "get", "/to-refer", stranger).status_code == 403
    counts = call(client, "get", "/counts?area=84", officer).json()
    assert next(c for c in counts if c["scheme"] == "old_age_allowance")["eligible"] == 1
    assert call(client, "get", "/counts?area=84", other_officer).status_code == 404
    assert call(client, "get", "/counts?area=84", stranger).status_code == 404


def test_scheme_versions_by_admins_only(client: Client, admin: User, officer: User,
                                        stranger: User) -> None:
    assert len(call(client, "get", "/schemes", stranger).json()) == 5
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    version = {"fiscal_year": 2570, "effective_from": tomorrow,
               "rule": {"age": {"from": 60}}, "amount_baht": 650}
    url = "/schemes/old_age_allowance/versions"
    assert call(client, "post", url, officer, version).status_code == 403
    bad = call(client, "post", url, admin, {**version, "rule": {"age": {"over": 60}}})
    assert bad.status_code == 422
    assert "rule.age" in bad.json()["errors"][0]["message"]
    assert call(client, "post", url, admin, version).status_code == 201
    assert SchemeVersion.objects.filter(scheme=Scheme.objects.get(
        code="old_age_allowance")).count() == 2


def test_the_inbox_api_carries_the_welfare_sections(client: Client, officer: User,
                                                    elder: Person) -> None:
    response = client.get("/api/v1/inbox", headers=bearer(officer))
    sections = {s["key"]: s for s in response.json()}
    assert sections["welfare_to_refer"]["rows"][0]["label"] == elder.full_name


def test_a_stranger_can_write_nothing(client: Client, stranger: User, volunteer: User,
                                      elder: Person, officer: User, old_age: Scheme) -> None:
    benefit = Benefit.objects.create(person=elder, scheme=old_age, source="officer")
    referral = Referral.objects.create(person=elder, scheme=old_age, province_code="84",
                                       district_code="8405", subdistrict_code="840503",
                                       due_on=timezone.localdate())
    writes = [("put", f"/persons/{elder.pk}/facts", {"income_band": "lt30k"}),
              ("post", f"/persons/{elder.pk}/benefits", {"scheme": "old_age_allowance"}),
              ("post", f"/benefits/{benefit.pk}/end", {"until": "2025-01-01"}),
              ("post", f"/persons/{elder.pk}/referrals", {"scheme": "old_age_allowance"}),
              ("post", f"/referrals/{referral.pk}/step", {"status": "received", "version": 1})]
    for method, url, body in writes:
        for user in (stranger, volunteer):
            assert call(client, method, url, user, body).status_code == 403, (url, user)
        assert call(client, method, url, None, body).status_code == 401
    referral.refresh_from_db()
    assert referral.status == "sent" and Benefit.objects.count() == 1
