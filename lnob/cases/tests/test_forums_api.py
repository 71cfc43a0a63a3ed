from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lnob.cases.forums.services import agenda_add
from lnob.cases.models import AgendaItem, Case, Forum
from lnob.cases.services import case_step
from lnob.cases.tests.test_forums_helpers import (
    BAN_TAI,
    KO_TAO,
    forum,
    network,
    reported_case,
)
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.testing import bearer

pytestmark = pytest.mark.django_db



def post(client: Client, url: str, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, body, content_type="application/json", headers=auth)


def fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_a_forum_is_held_its_agenda_filled_and_decided_through_the_api(
        client: Client, officer: User) -> None:
    auth = bearer(officer)
    organiser = network()
    first, second = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    created = post(client, "/api/v1/forums", {
        "subdistrict_code": KO_TAO, "organiser_id": organiser.pk,
        "held_on": timezone.localdate().isoformat(), "place": "ศาลาวัด",
        "attendance": {"community": 30, "religious": 2}}, auth)
    assert created.status_code == 201
    body = created.json()
    assert (body["subdistrict_code"], body["attendance"], body["agenda"]) == (
        KO_TAO, {"community": 30, "religious": 2}, [])
    url = f"/api/v1/forums/{body['id']}"
    candidates = client.get(f"{url}/candidates", headers=auth).json()
    assert {c["case_id"] for c in candidates} == {first.pk, second.pk}
    filled = post(client, f"{url}/agenda", {"fill": True}, auth).json()
    assert [(a["person_name"], a["case_version"]) for a in filled["agenda"]] == [
        ("นายก้อย ใจดี", 1), ("นายขวัญ ใจดี", 1)]
    decided = post(client, f"{url}/decisions", {"minutes": "มติ", "decisions": [
        {"case_id": first.pk, "decision": "verified", "version": 1},
        {"case_id": second.pk, "decision": "more_info", "version": 1}]}, auth)
    assert decided.status_code == 200
    agenda = {a["case_id"]: a for a in decided.json()["agenda"]}
    assert (agenda[first.pk]["case_status"], agenda[first.pk]["decision"]) == (
        "verified", "verified")
    assert (agenda[second.pk]["case_status"], agenda[second.pk]["case_version"]) == (
        "reported", 2)
    assert decided.json()["minutes"] == "มติ"
    listed = client.get("/api/v1/forums", headers=auth).json()
    assert [f["id"] for f in listed["results"]] == [body["id"]]
    patched = client.patch(url, {"place": "โรงเรียน"}, content_type="application/json",
                           headers=auth).json()
    assert (patched["place"], patched["attendance"]["community"]) == ("โรงเรียน", 30)
    assert AuditEvent.objects.filter(object_type="cases.forum", action="view").exists()
    assert AuditEvent.objects.filter(object_type="cases.forum_list").exists()


def test_bad_input_is_a_422_naming_the_field_and_nothing_is_written(
        client: Client, officer: User) -> None:
    auth = bearer(officer)
    organiser = network()
    response = post(client, "/api/v1/forums", {
        "subdistrict_code": "849999", "organiser_id": organiser.pk,
        "attendance": {"community": -1}}, auth)
    assert response.status_code == 422
    assert fields(response) == {"subdistrict_code", "held_on", "attendance.community"}
    response = post(client, "/api/v1/forums", {"held_on": "not a date"}, auth)
    assert response.status_code == 422 and "held_on" in fields(response)
    assert not Forum.objects.exists()
    held = forum(officer, organiser)
    next_door = reported_case(officer, "ขวัญ", subdistrict=BAN_TAI)
    here = reported_case(officer, "ก้อย")
    response = post(client, f"/api/v1/forums/{held.pk}/agenda",
                    {"case_ids": [here.pk, next_door.pk]}, auth)
    assert response.status_code == 422 and fields(response) == {"case_ids"}
    assert str(next_door.pk) in response.json()["errors"][0]["message"]
    assert not AgendaItem.objects.exists()
    response = post(client, f"/api/v1/forums/{held.pk}/decisions", {"decisions": [
        {"case_id": here.pk, "decision": "verified"}]}, auth)
    assert response.status_code == 422 and fields(response) == {"decisions"}
    assert Case.objects.get(pk=here.pk).status == "reported"


def test_a_decision_on_a_case_changed_meanwhile_is_a_409(client: Client,
                                                         officer: User) -> None:
    held = forum(officer, network())
    first, second = reported_case(officer, "ก้อย"), reported_case(officer, "ขวัญ")
    agenda_add(actor=officer, forum=held, case_ids=[first.pk, second.pk])
    case_step(actor=officer, case=second, action="verify", expected_version=1)
    response = post(client, f"/api/v1/forums/{held.pk}/decisions", {"decisions": [
        {"case_id": first.pk, "decision": "verified", "version": 1},
        {"case_id": second.pk, "decision": "not_target", "version": 1}]}, bearer(officer))
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "conflict"
    assert Case.objects.get(pk=first.pk).status == "reported"


def test_forums_api_in_area_out_of_area_stranger_and_anonymous(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User]) -> None:
    held = forum(officer, network())
    case = reported_case(officer, "ก้อย")
    agenda_add(actor=officer, forum=held, case_ids=[case.pk])
    url = f"/api/v1/forums/{held.pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(stranger)).status_code == 403
    outsider = bearer(other_officer)
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(f"{url}/candidates", headers=outsider).status_code == 404
    assert post(client, f"{url}/agenda", {"fill": True}, outsider).status_code == 404
    assert post(client, f"{url}/decisions", {"decisions": [
        {"case_id": case.pk, "decision": "verified"}]}, outsider).status_code == 404
    assert client.get("/api/v1/forums", headers=outsider).json()["results"] == []
    assert Case.objects.get(pk=case.pk).status == "reported"
    volunteer = bearer(make_user("vol", Role.VOLUNTEER, KO_TAO))
    assert client.get(url, headers=volunteer).status_code == 403
    assert client.get(url, headers=bearer(officer)).status_code == 200
