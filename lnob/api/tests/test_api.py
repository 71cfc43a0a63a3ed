from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.conftest import IN_SUBDISTRICT
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.geo.models import Village
from lnob.testing import bearer

pytestmark = pytest.mark.django_db
VILLAGES = f"/api/v1/geo/subdistricts/{IN_SUBDISTRICT}/villages"


def post_json(client: Client, url: str, body: object,
              headers: dict[str, str] | None = None) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", headers=headers)


def test_the_openapi_schema_and_docs_are_served(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "LNOB API"
    assert "/api/v1/geo/provinces" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_geography_needs_no_login(client: Client) -> None:
    provinces = client.get("/api/v1/geo/provinces").json()
    assert len(provinces) == 77
    assert provinces[0] == {"code": "10", "name_th": "กรุงเทพมหานคร", "name_en": "Bangkok"}
    districts = client.get("/api/v1/geo/provinces/84/districts").json()
    assert len(districts) == 19 and districts[4]["code"] == "8405"
    subdistricts = client.get("/api/v1/geo/districts/8405/subdistricts").json()
    assert [s["name_en"] for s in subdistricts] == ["Ko Pha-ngan", "Ban Tai", "Ko Tao"]
    assert subdistricts[2]["postal_codes"] == ["84360"]


def test_search_finds_thai_and_english_names(client: Client) -> None:
    codes = [h["code"] for h in client.get("/api/v1/geo/search", {"q": "พะงัน"}).json()]
    assert "8405" in codes
    codes = [h["code"] for h in client.get("/api/v1/geo/search", {"q": "phangan"}).json()]
    assert "8405" in codes


def test_an_unknown_area_code_is_a_404_with_a_message(client: Client) -> None:
    response = client.get("/api/v1/geo/provinces/99/districts")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_me_says_who_i_am_and_where(client: Client, officer: User) -> None:
    me = client.get("/api/v1/me", headers=bearer(officer)).json()
    assert me["username"] == "officer84"
    assert me["grants"] == [{"role": "provincial_officer", "area_code": "84"}]


def test_an_officer_adds_a_village_in_their_province(client: Client, officer: User) -> None:
    body = {"number": 7, "name_th": "บ้านเจ็ด"}
    response = post_json(client, VILLAGES, body, headers=bearer(officer))
    assert response.status_code == 201
    assert response.json()["code"] == "84050307"


def test_adding_a_village_is_404_out_of_area_and_401_anonymous(
        client: Client, other_officer: User, make_user: Callable[..., User]) -> None:
    body = {"number": 7, "name_th": "บ้านเจ็ด"}
    assert post_json(client, VILLAGES, body).status_code == 401
    assert post_json(client, VILLAGES, body, headers=bearer(other_officer)).status_code == 404
    volunteer = make_user("vol", Role.VOLUNTEER, IN_SUBDISTRICT)
    assert post_json(client, VILLAGES, body, headers=bearer(volunteer)).status_code == 404
    assert not Village.objects.exists()


@pytest.mark.parametrize(("body", "field"), [
    ({"number": 0, "name_th": "บ้าน"}, "number"),
    ({"number": "เจ็ด", "name_th": "บ้าน"}, "number"),
    ({"name_th": "บ้าน"}, "number"),
    ({"number": 7, "name_th": ""}, "name_th"),
    ({"number": 7, "name_th": "ก" * 151}, "name_th"),
])
def test_a_bad_payload_names_the_field_in_thai_and_writes_nothing(
        client: Client, officer: User, body: dict, field: str) -> None:
    response = post_json(client, VILLAGES, body, headers=bearer(officer))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in errors[0]["message"])  # Thai by default
    assert not Village.objects.exists()


def test_errors_come_in_english_when_english_was_chosen(client: Client, officer: User) -> None:
    client.cookies["django_language"] = "en"
    response = post_json(client, VILLAGES, {"number": 0, "name_th": "บ้าน"}, headers=bearer(officer))
    assert response.json()["errors"][0]["message"] == "Must be at least 1."


def test_a_duplicate_village_number_is_refused_with_the_field(client: Client,
                                                              officer: User) -> None:
    auth = bearer(officer)
    post_json(client, VILLAGES, {"number": 7, "name_th": "บ้านเจ็ด"}, headers=auth)
    response = post_json(client, VILLAGES, {"number": 7, "name_th": "ซ้ำ"}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "number"
    assert Village.objects.get().name_th == "บ้านเจ็ด"


def test_malformed_json_is_refused_and_writes_nothing(client: Client, officer: User) -> None:
    response = post_json(client, VILLAGES, '{"number": 7, "name_th": ', headers=bearer(officer))
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["field"] == "body"
    assert not Village.objects.exists()


def test_an_oversized_payload_is_refused_before_it_is_read(client: Client,
                                                           officer: User) -> None:
    big = {"number": 7, "name_th": "บ้าน", "pad": "x" * (2 * 1024 * 1024)}
    response = post_json(client, VILLAGES, big, headers=bearer(officer))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "too_large"
    assert not Village.objects.exists()
