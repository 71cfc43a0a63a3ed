from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.cases.models import Case
from lnob.core.models import AuditAction, AuditEvent, User
from lnob.core.roles import Role
from lnob.registry.models import Person
from lnob.registry.services import person_create
from lnob.testing import bearer
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db



@pytest.fixture
def person(officer: User) -> Person:
    return person_create(actor=officer, data=person_data())


def test_a_case_is_opened_and_stepped_through_the_api(client: Client, officer: User,
                                                      person: Person) -> None:
    auth = bearer(officer)
    opened = client.post("/api/v1/cases", {"person_id": person.pk, "urgent": True},
                         content_type="application/json", headers=auth)
    assert opened.status_code == 201
    case = opened.json()
    assert (case["status"], case["urgent"], case["version"]) == ("reported", True, 1)
    assert "verify" in case["next_steps"]
    stepped = client.post(f"/api/v1/cases/{case['id']}/steps",
                          {"action": "verify", "version": 1, "note": "เวที"},
                          content_type="application/json", headers=auth)
    assert stepped.status_code == 200
    assert [e["to_status"] for e in stepped.json()["events"]] == ["reported", "verified"]
    again = client.post(f"/api/v1/cases/{case['id']}/steps",
                        {"action": "reject", "version": 1, "note": "x"},
                        content_type="application/json", headers=auth)
    assert again.status_code == 409
    closing = client.post(f"/api/v1/cases/{case['id']}/steps",
                          {"action": "close", "version": 2, "reason": "bored"},
                          content_type="application/json", headers=auth)
    assert closing.status_code == 422
    assert closing.json()["errors"][0]["field"] == "reason"
    assert Case.objects.get().status == "verified"


def test_cases_api_in_area_out_of_area_stranger_and_anonymous(
        client: Client, officer: User, other_officer: User,
        make_user: Callable[..., User], person: Person) -> None:
    created = client.post("/api/v1/cases", {"person_id": person.pk},
                          content_type="application/json", headers=bearer(officer)).json()
    url = f"/api/v1/cases/{created['id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(other_officer)).status_code == 404
    assert client.get("/api/v1/cases", headers=bearer(other_officer)).json()["results"] == []
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, "")
    assert client.get(url, headers=bearer(analyst)).status_code == 403
    listed = client.get("/api/v1/cases", headers=bearer(officer)).json()["results"]
    assert [c["id"] for c in listed] == [created["id"]]


def test_reading_a_case_is_audited_once_and_refusals_come_in_one_body_in_thai(
        client: Client, officer: User, other_officer: User, person: Person) -> None:
    auth = bearer(officer)
    created = client.post("/api/v1/cases", {"person_id": person.pk},
                          content_type="application/json", headers=auth).json()
    url = f"/api/v1/cases/{created['id']}"
    assert client.get(url, headers=auth).status_code == 200
    assert client.get(f"{url}/visits", headers=auth).status_code == 200
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="cases.case",
                                      object_id=str(created["id"]))
    assert [v.detail for v in views.order_by("pk")] == [{"via": "api"},
                                                        {"via": "api", "visits": True}]
    assert {v.area_code for v in views} == {person.area_code}
    assert client.get(url, headers=bearer(other_officer)).status_code == 404
    assert views.count() == 2  # a refused read is not a view
    stale = client.post(f"{url}/steps", {"action": "verify", "version": 7},
                        content_type="application/json", headers=auth)
    assert stale.status_code == 409
    assert stale.json() == {"errors": [{"field": "version", "code": "conflict", "message":
                                        "กรณีนี้มีการเปลี่ยนแปลงหลังจากที่คุณอ่าน "
                                        "โหลดใหม่แล้วลองอีกครั้ง"}]}
    merge = client.post(f"{url}/steps", {"action": "merge", "version": 1},
                        content_type="application/json", headers=auth)
    assert merge.status_code == 422  # a step only the merge of two records takes
    assert merge.json()["errors"][0]["field"] == "action"
    assert Case.objects.get().status == "reported"
