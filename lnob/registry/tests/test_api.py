from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.models import Person
from lnob.registry.taxonomy import Need
from lnob.testing import bearer

pytestmark = pytest.mark.django_db



def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"first_name": "บุญมา", "last_name": "ทองดี", "sex": "M",
                            "subdistrict_code": "840503", "source": "hotline",
                            "citizen_id": "1-1017-00203-44-1", "birth_date": "1947-11-06",
                            "consent": {"status": "given", "lawful_basis": "consent",
                                        "purposes": ["care"]}}
    data.update(overrides)
    return data


def test_an_officer_creates_a_person_and_sees_the_id_a_coordinator_sees_it_masked(
        client: Client, officer: User, make_user: Callable[..., User],
        need_health: Need) -> None:
    created = client.post("/api/v1/persons", body(needs=[{"need_id": need_health.pk,
                                                           "severity": 2}]),
                          content_type="application/json", headers=bearer(officer))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["citizen_id"] == "1101700203441"
    assert data["needs"] == [{"need_id": need_health.pk, "code": "health", "severity": 2}]
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    seen = client.get(f"/api/v1/persons/{data['id']}", headers=bearer(coordinator)).json()
    assert seen["citizen_id"] == "x-xxxx-xxxxx-44-1"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"citizen_id": "1101700203442"}, "citizen_id"),
    ({"birth_date": "2590-01-01"}, "birth_date"),
    ({"subdistrict_code": "81010"}, "subdistrict_code"),
    ({"subdistrict_code": "810101"}, "subdistrict"),
    ({"village_number": 0}, "village_number"),
    ({"first_name": ""}, "first_name"),
    ({"needs": [{"need_id": 1, "severity": 5}]}, "needs.0.severity"),
])
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
        client: Client, officer: User, overrides: dict, field: str) -> None:
    response = client.post("/api/v1/persons", body(**overrides),
                           content_type="application/json", headers=bearer(officer))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Person.objects.exists()


def test_roles_without_personal_data_cannot_create(client: Client,
                                                   make_user: Callable[..., User]) -> None:
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, "")
    response = client.post("/api/v1/persons", body(), content_type="application/json",
                           headers=bearer(analyst))
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_an_update_with_an_old_version_is_a_409(client: Client, officer: User,
                                                make_person: Callable[..., Person]) -> None:
    person = make_person()
    auth = bearer(officer)
    update = body(phone="0811111111", version=1)
    update.pop("consent")
    assert client.put(f"/api/v1/persons/{person.pk}", update, content_type="application/json",
                      headers=auth).status_code == 200
    again = client.put(f"/api/v1/persons/{person.pk}", {**update, "phone": "2"},
                       content_type="application/json", headers=auth)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "version"
    person.refresh_from_db()
    assert person.phone == "0811111111"


def test_the_list_pages_with_a_cursor_through_everyone_in_the_area(
        client: Client, officer: User, other_officer: User,
        make_person: Callable[..., Person]) -> None:
    for i in range(55):
        make_person(first_name=f"คนที่{i}", citizen_id="", no_citizen_id_reason="unknown")
    auth = bearer(officer)
    first = client.get("/api/v1/persons", headers=auth).json()
    assert len(first["results"]) == 50 and first["next"]
    second = client.get(first["next"], headers=auth).json()
    assert len(second["results"]) == 5 and second["next"] is None
    ids = {p["id"] for p in first["results"] + second["results"]}
    assert len(ids) == 55
    assert client.get("/api/v1/persons", headers=bearer(other_officer)).json()["results"] == []


def test_the_list_filters_by_name(client: Client, officer: User,
                                  make_person: Callable[..., Person]) -> None:
    make_person(first_name="ประยูร")
    make_person(first_name="สมพร", citizen_id="", no_citizen_id_reason="unknown")
    found = client.get("/api/v1/persons", {"q": "ยูร"}, headers=bearer(officer)).json()
    assert [p["first_name"] for p in found["results"]] == ["ประยูร"]


def test_consent_is_recorded_through_the_api(client: Client, officer: User,
                                             make_person: Callable[..., Person]) -> None:
    person = make_person()
    response = client.post(f"/api/v1/persons/{person.pk}/consents",
                           {"status": "refused", "lawful_basis": "consent"},
                           content_type="application/json", headers=bearer(officer))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lawful_basis"
    assert person.consents.count() == 1


def test_the_taxonomy_lists_national_and_the_provinces_own_entries(
        client: Client, officer: User, other_officer: User) -> None:
    national = client.get("/api/v1/taxonomy", headers=bearer(officer)).json()
    assert [g["code"] for g in national["target_groups"]] == [
        "disadvantaged", "in_hardship", "abandoned", "affected"]
    assert len(national["needs"]) == 9
    parent = national["target_groups"][0]["id"]
    added = client.post("/api/v1/taxonomy/target-groups",
                        {"province_code": "84", "code": "sea_gypsy", "name_th": "ชาวเล",
                         "parent_id": parent}, content_type="application/json",
                        headers=bearer(officer))
    assert added.status_code == 201
    refused = client.post("/api/v1/taxonomy/needs",
                          {"province_code": "84", "code": "boats", "name_th": "เรือ"},
                          content_type="application/json", headers=bearer(other_officer))
    assert refused.status_code == 403
    province = client.get("/api/v1/taxonomy", {"province": "84"},
                          headers=bearer(officer)).json()
    assert "sea_gypsy" in [g["code"] for g in province["target_groups"]]
    assert client.get("/api/v1/taxonomy").status_code == 401


def test_a_household_is_started_and_joined_through_the_api(
        client: Client, officer: User, other_officer: User,
        make_person: Callable[..., Person]) -> None:
    head = make_person(house_number="5")
    auth = bearer(officer)
    started = client.post(f"/api/v1/persons/{head.pk}/household", headers=auth)
    assert started.status_code == 201
    household_id = started.json()["id"]
    member = body(first_name="ลูก", household_id=household_id, citizen_id="",
                  no_citizen_id_reason="unknown")
    created = client.post("/api/v1/persons", member, content_type="application/json",
                          headers=auth).json()
    seen = client.get(f"/api/v1/persons/{head.pk}/household", headers=auth).json()
    assert seen["head_id"] == head.pk
    assert seen["member_ids"] == [head.pk, created["id"]]
    assert client.get(f"/api/v1/persons/{head.pk}/household",
                      headers=bearer(other_officer)).status_code == 404
