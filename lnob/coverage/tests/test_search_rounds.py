"""Search rounds: recorded by the roles that work in the subdistrict, audited,
counted for ก.1 (searching) at once; the subdistrict page's form and the API,
each with an in-area user, an out-of-area user (404) and a stranger (403)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from lnob.core.errors import NotFound
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.services import api_token_create
from lnob.core.thaidates import format_date
from lnob.coverage.compute import five_k
from lnob.coverage.models import AreaRollup, SearchRound, SubdistrictSummary
from lnob.coverage.rollup import rollup_verify
from lnob.coverage.services import SearchRoundData, search_round_record
from lnob.coverage.tests.conftest import KO_TAO
from lnob.testing import today

pytestmark = pytest.mark.django_db
BAN_TAI = "840502"  # Ko Pha-ngan's other subdistrict: nobody reported there


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):  # the messages are checked in English
        yield


def data(**overrides: Any) -> SearchRoundData:
    values: dict[str, Any] = {"subdistrict_code": BAN_TAI, "held_on": today(),
                              "searched_by": "เครือข่ายแม่ข่ายและ อสม. หมู่ 2"}
    values.update(overrides)
    return SearchRoundData(**values)


def test_a_search_round_gives_the_subdistrict_k1_at_once_and_is_audited(
        built: None, officer: User, commit: Callable[[], Any]) -> None:
    before = AreaRollup.objects.get(code="84").k1
    assert not five_k(SubdistrictSummary.objects.get(code=BAN_TAI), today())[0]
    with commit():
        found = search_round_record(actor=officer, data=data(note="เดินสำรวจทุกหลังคาเรือน"))
    assert (found.province_code, found.district_code, found.created_by) == ("84", "8405",
                                                                            officer)
    row = SubdistrictSummary.objects.get(code=BAN_TAI)
    assert row.search_rounds == 1 and row.found == 0
    assert five_k(row, today())[0]
    for code in ("8405", "84", ""):
        area = AreaRollup.objects.get(code=code)
        assert area.search_rounds == 1, code
    assert AreaRollup.objects.get(code="84").k1 == before + 1
    event = AuditEvent.objects.get(object_type="coverage.searchround")
    assert (event.action, event.object_id, event.area_code) == ("create", str(found.pk), BAN_TAI)
    assert rollup_verify() == []


def test_a_second_round_or_people_found_do_not_count_the_subdistrict_twice(
        people: Callable[..., list[Any]], built: None, officer: User,
        commit: Callable[[], Any]) -> None:
    people(reported=1)  # Ko Tao holds ก.1 already
    k1 = AreaRollup.objects.get(code="8405").k1
    with commit():
        search_round_record(actor=officer, data=data(subdistrict_code=KO_TAO))
        search_round_record(actor=officer, data=data(subdistrict_code=KO_TAO))
    assert SubdistrictSummary.objects.get(code=KO_TAO).search_rounds == 2
    assert AreaRollup.objects.get(code="8405").k1 == k1
    assert rollup_verify() == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"held_on": None}, "held_on", "Give the date"),
    ({"held_on": datetime.timedelta(days=1)}, "held_on", "in the future"),
    ({"held_on": -datetime.timedelta(days=366 * 6)}, "held_on", "check the year"),
    ({"searched_by": "  "}, "searched_by", "required"),
    ({"note": "x" * 2001}, "note", "at most 2000"),
    ({"subdistrict_code": "999999"}, "subdistrict_code", "Unknown subdistrict"),
])
def test_bad_input_is_named_by_field_and_nothing_is_written(
        officer: User, changes: dict[str, Any], field: str, message: str) -> None:
    if isinstance(changes.get("held_on"), datetime.timedelta):
        # Days from today, read when the test runs (a run may cross midnight).
        changes = {**changes, "held_on": today() + changes["held_on"]}
    with pytest.raises(ValidationError) as refused:
        search_round_record(actor=officer, data=data(**changes))
    assert message in " ".join(refused.value.message_dict[field])
    assert not SearchRound.objects.exists()
    assert not AuditEvent.objects.filter(object_type="coverage.searchround").exists()


def test_nobody_records_a_round_outside_their_areas_or_without_the_role(
        officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User]) -> None:
    member = make_user("member", Role.COMMITTEE_MEMBER, "84")
    for user in (other_officer, stranger, member):
        with pytest.raises(NotFound):
            search_round_record(actor=user, data=data())
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "8405")
    assert search_round_record(actor=coordinator, data=data()).pk


# ------------------------------------------------------------------ page

def _post(client: Client, code: str = BAN_TAI, **fields: str) -> Any:
    values = {"held_on": format_date(today(), "th"), "searched_by": "อสม. หมู่ 2", "note": ""}
    values.update(fields)
    return client.post(f"/coverage/{code}/search-rounds/", values)


def test_the_subdistrict_page_records_a_round_and_lists_it_in_buddhist_era(
        client: Client, built: None, officer: User, commit: Callable[[], Any]) -> None:
    client.force_login(officer)
    page = client.get(f"/coverage/{BAN_TAI}/").content.decode()
    assert 'name="searched_by"' in page
    assert client.get(f"/coverage/{BAN_TAI}/search-rounds/").status_code == 405
    with commit():
        response = _post(client, note="รอบเช้า")
    assert response.status_code == 302 and response.url == f"/coverage/{BAN_TAI}/"
    page = client.get(f"/coverage/{BAN_TAI}/").content.decode()
    assert "อสม. หมู่ 2" in page and "รอบเช้า" in page
    assert format_date(today(), "th") in page  # in Buddhist Era, like the forums
    assert SubdistrictSummary.objects.get(code=BAN_TAI).search_rounds == 1


def test_a_bad_form_shows_its_errors_and_records_nothing(
        client: Client, built: None, officer: User) -> None:
    client.force_login(officer)
    response = _post(client, held_on="31/2/2569", searched_by="")
    assert response.status_code == 400
    body = response.content.decode()
    # Both problems at once: the date that does not exist, who searched.
    assert 'id="sr-held_on-err"' in body and 'id="sr-searched_by-err"' in body
    assert not SearchRound.objects.exists()


def test_the_form_outside_the_area_is_404_and_for_a_stranger_403(
        client: Client, built: None, other_officer: User, stranger: User,
        make_user: Callable[..., User]) -> None:
    assert _post(client).status_code == 302  # anonymous → sign in
    client.force_login(other_officer)
    assert _post(client).status_code == 404
    client.force_login(stranger)
    assert _post(client).status_code == 403
    member = make_user("member", Role.COMMITTEE_MEMBER, "84")
    client.force_login(member)
    assert _post(client).status_code == 403  # sees the page, not the form
    page = client.get(f"/coverage/{BAN_TAI}/").content.decode()
    assert 'id="h-search-rounds"' in page and "sr-held_on" not in page
    assert not SearchRound.objects.exists()


# ------------------------------------------------------------------- API

def _auth(user: User) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="t", scope="write")
    return {"Authorization": f"Bearer {raw}"}


def test_the_api_records_and_lists_rounds_in_the_area(
        client: Client, built: None, officer: User, commit: Callable[[], Any]) -> None:
    auth = _auth(officer)
    payload = {"subdistrict_code": BAN_TAI, "held_on": today().isoformat(),
               "searched_by": "ทีมค้นหา"}
    with commit():
        response = client.post("/api/v1/coverage/search-rounds", payload,
                               content_type="application/json", headers=auth)
    assert response.status_code == 201, response.content
    assert response.json()["subdistrict_code"] == BAN_TAI
    assert SubdistrictSummary.objects.get(code=BAN_TAI).search_rounds == 1
    listed = client.get("/api/v1/coverage/search-rounds?area=8405", headers=auth).json()
    assert [r["searched_by"] for r in listed] == ["ทีมค้นหา"]
    bad = client.post("/api/v1/coverage/search-rounds", {**payload, "searched_by": ""},
                      content_type="application/json", headers=auth)
    assert bad.status_code == 422  # named by field, as every service error


def test_the_api_outside_the_area_is_404_and_for_a_stranger_403(
        client: Client, built: None, officer: User, other_officer: User,
        stranger: User) -> None:
    payload = {"subdistrict_code": BAN_TAI, "held_on": today().isoformat(),
               "searched_by": "ทีมค้นหา"}
    assert client.post("/api/v1/coverage/search-rounds", payload,
                       content_type="application/json").status_code == 401
    auth = _auth(other_officer)
    assert client.post("/api/v1/coverage/search-rounds", payload,
                       content_type="application/json", headers=auth).status_code == 404
    assert client.get("/api/v1/coverage/search-rounds?area=84",
                      headers=auth).status_code == 404
    auth = _auth(stranger)
    assert client.post("/api/v1/coverage/search-rounds", payload,
                       content_type="application/json", headers=auth).status_code == 403
    assert client.get("/api/v1/coverage/search-rounds", headers=auth).status_code == 403
    assert not SearchRound.objects.exists()
