from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.cases.models import Case, Transfer
from lnob.cases.tests.test_transfers_services import AO_NANG, KO_TAO, ask, network_of, open_case
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.testing import bearer

pytestmark = pytest.mark.django_db



def post(client: Client, url: str, body: dict[str, Any], user: User) -> Any:
    return client.post(url, body, content_type="application/json", headers=bearer(user))


@pytest.fixture
def case(officer: User) -> Case:
    return open_case(officer)


def test_a_transfer_is_asked_for_and_accepted_through_the_api(
        client: Client, officer: User, other_officer: User, case: Case) -> None:
    krabi = network_of("81")
    created = post(client, "/api/v1/transfers", {
        "case_id": case.pk, "to_subdistrict": AO_NANG, "to_network_id": krabi.pk,
        "note": "ย้ายไปอยู่กับลูกสาว", "version": case.version}, officer)
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["to_subdistrict_code"], body["to_network_id"]) == (
        "pending", AO_NANG, krabi.pk)
    assert (body["can_cancel"], body["can_answer"]) == (True, False)
    url = f"/api/v1/transfers/{body['id']}"
    incoming = client.get("/api/v1/transfers?direction=incoming",
                          headers=bearer(other_officer)).json()["results"]
    assert [t["id"] for t in incoming] == [body["id"]]
    assert client.get("/api/v1/transfers?direction=incoming",
                      headers=bearer(officer)).json()["results"] == []
    outgoing = client.get("/api/v1/transfers?direction=outgoing",
                          headers=bearer(officer)).json()["results"]
    assert [t["id"] for t in outgoing] == [body["id"]]
    seen = client.get(url, headers=bearer(other_officer)).json()
    assert seen["case_summary"]["name"] == "นายสมชาย ใจดี"
    assert seen["case_summary"]["needs"] == [[3, "สุขภาพ"]]
    assert seen["can_answer"] is True
    assert client.get(f"/api/v1/cases/{case.pk}", headers=bearer(other_officer)).status_code == 404
    accepted = post(client, f"{url}/accept", {"note": "รับแล้ว"}, other_officer)
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["case_summary"]) == ("accepted", None)
    assert client.get(f"/api/v1/cases/{case.pk}", headers=bearer(other_officer)).json()[
        "subdistrict_code"] == AO_NANG
    assert client.get(f"/api/v1/cases/{case.pk}", headers=bearer(officer)).status_code == 404
    answered = client.get("/api/v1/transfers?status=accepted&direction=outgoing",
                          headers=bearer(officer)).json()["results"]
    assert [t["id"] for t in answered] == [body["id"]]


@pytest.mark.parametrize(("body", "field"), [
    ({"to_subdistrict": "999999", "note": "ย้าย"}, "to_subdistrict"),
    ({"to_subdistrict": AO_NANG, "note": " "}, "note"),
    ({"to_subdistrict": KO_TAO, "note": "ย้าย"}, "to_subdistrict"),
    ({"to_subdistrict": AO_NANG}, "note"),
    ({"to_subdistrict": AO_NANG, "note": "ย้าย", "to_network_id": 999}, "to_network"),
])
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
        client: Client, officer: User, case: Case, body: dict[str, Any], field: str) -> None:
    response = post(client, "/api/v1/transfers",
                    {"case_id": case.pk, "version": case.version, **body}, officer)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Transfer.objects.exists()
    assert Case.objects.get(pk=case.pk).version == case.version


def test_an_old_version_is_a_409_and_a_second_transfer_a_422(
        client: Client, officer: User, case: Case) -> None:
    stale = post(client, "/api/v1/transfers", {
        "case_id": case.pk, "to_subdistrict": AO_NANG, "note": "ย้าย", "version": 0}, officer)
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    ask(officer, case)
    case.refresh_from_db()
    again = post(client, "/api/v1/transfers", {
        "case_id": case.pk, "to_subdistrict": "810101", "note": "ย้าย",
        "version": case.version}, officer)
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "case"
    assert Transfer.objects.count() == 1


def test_answers_follow_the_sides(client: Client, officer: User, other_officer: User,
                                  case: Case) -> None:
    transfer = ask(officer, case)
    url = f"/api/v1/transfers/{transfer.pk}"
    assert post(client, f"{url}/accept", {}, officer).status_code == 403
    assert post(client, f"{url}/cancel", {}, other_officer).status_code == 403
    declined = post(client, f"{url}/decline", {"note": ""}, other_officer)
    assert declined.status_code == 422
    assert declined.json()["errors"][0]["field"] == "note"
    assert post(client, f"{url}/decline", {"note": "ไม่มีผู้ดูแล"},
                other_officer).json()["status"] == "declined"
    late = post(client, f"{url}/accept", {}, other_officer)
    assert late.status_code == 422
    assert late.json()["errors"][0]["field"] == "transfer"
    case.refresh_from_db()
    assert case.subdistrict_id == KO_TAO


def test_transfers_api_in_area_out_of_area_stranger_and_anonymous(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], case: Case) -> None:
    transfer = ask(officer, case)
    url = f"/api/v1/transfers/{transfer.pk}"
    bangkok = make_user("officer10", Role.PROVINCIAL_OFFICER, "10")
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/transfers").status_code == 401
    assert client.get(url, headers=bearer(officer)).status_code == 200
    assert client.get(url, headers=bearer(other_officer)).status_code == 200
    assert client.get(url, headers=bearer(bangkok)).status_code == 404
    assert client.get("/api/v1/transfers", headers=bearer(bangkok)).json()["results"] == []
    assert client.get(url, headers=bearer(stranger)).status_code == 403
    for action in ("accept", "decline", "cancel"):
        assert post(client, f"{url}/{action}", {"note": "x"}, bangkok).status_code == 404
    other_case = open_case(officer, first_name="สอง", citizen_id="",
                           no_citizen_id_reason="unknown")
    outside = post(client, "/api/v1/transfers", {
        "case_id": other_case.pk, "to_subdistrict": "810101", "note": "ย้าย",
        "version": other_case.version}, other_officer)
    assert outside.status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    assert Transfer.objects.count() == 1
