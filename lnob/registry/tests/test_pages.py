from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.taxonomy import Need, TargetGroup

pytestmark = pytest.mark.django_db


def form_data(**overrides: str) -> dict[str, str]:
    data = {"title": "นาง", "first_name": "บุญมี", "last_name": "ศรีสุข", "sex": "F",
            "birth_date": "6 พ.ย. 2490", "citizen_id": "๑-๑๐๑๗-๐๐๒๐๓-๔๔-๑",
            "subdistrict": "840503", "source": "network", "consent_status": "given",
            "purposes": "care", "lawful_basis": "consent"}
    data.update(overrides)
    return data


def test_an_officer_registers_a_person_as_thai_people_write(client: Client, officer: User,
                                                            need_health: Need) -> None:
    client.force_login(officer)
    response = client.post("/persons/new/", form_data(**{f"need_{need_health.pk}": "4"}))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.birth_date == datetime.date(1947, 11, 6)
    assert person.citizen_id == "1101700203441"
    assert person.severity == 4
    assert person.consents.get().purposes == ["care"]


def test_a_year_only_birth_date_is_kept_as_such(client: Client, officer: User) -> None:
    client.force_login(officer)
    client.post("/persons/new/", form_data(birth_date="2490"))
    person = Person.objects.get()
    assert (person.birth_date, person.birth_year_only) == (datetime.date(1947, 1, 1), True)
    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert "2490" in page and "1 ม.ค. 2490" not in page


@pytest.mark.parametrize(("overrides", "field"), [
    ({"citizen_id": "1-1017-00203-44-2"}, "citizen_id"),
    ({"birth_date": "31/2/2549"}, "birth_date"),
    ({"birth_date": "6/11/2590"}, "birth_date"),  # in the future
    ({"village_number": "100"}, "village_number"),
    ({"subdistrict": "810101"}, "place"),  # outside the officer's areas: under the place box
    ({"subdistrict": "", "place": "เกาะเต่ามากมาย"}, "place"),  # no such subdistrict
])
def test_the_form_marks_the_wrong_field_and_saves_nothing(client: Client, officer: User,
                                                          overrides: dict, field: str) -> None:
    client.force_login(officer)
    response = client.post("/persons/new/", form_data(**overrides))
    assert response.status_code == 400
    assert f'id="id_{field}-err"' in response.content.decode()
    assert not Person.objects.exists()


def test_search_finds_by_part_of_a_thai_name_by_id_and_by_phone(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สมศักดิ์", last_name="รักษ์ไทย", phone="0812345678",
                citizen_id="0000000000001")
    make_person(first_name="มะลิ", last_name="หอมดี", citizen_id="",
                no_citizen_id_reason="lost")
    client.force_login(officer)
    for query in ("ศักดิ์", "รักษ์ไทย", "0-0000-00000-00-1", "2345678"):
        body = client.get("/persons/", {"q": query}).content.decode()
        assert "สมศักดิ์" in body and "มะลิ" not in body, query


def test_filters_by_need_severity_and_group(client: Client, officer: User,
                                            make_person: Callable[..., Person],
                                            need_health: Need,
                                            group_elderly: TargetGroup) -> None:
    make_person(first_name="หนัก", needs={need_health.pk: 4},
                target_group_ids=[group_elderly.pk])
    make_person(first_name="เบา", citizen_id="", no_citizen_id_reason="unknown")
    client.force_login(officer)
    body = client.get("/persons/", {"severity": "3", "need": str(need_health.pk),
                                    "group": str(group_elderly.pk)}).content.decode()
    assert "หนัก" in body and "เบา" not in body


def test_two_people_editing_at_once_the_second_is_told_to_reload(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    person = make_person()
    client.force_login(officer)
    first = client.post(f"/persons/{person.pk}/edit/", form_data(phone="1", version="1"))
    assert first.status_code == 302
    second = client.post(f"/persons/{person.pk}/edit/", form_data(phone="2", version="1"))
    assert second.status_code == 409
    assert 'role="alert"' in second.content.decode()
    person.refresh_from_db()
    assert person.phone == "1"


def test_the_history_shows_who_changed_what(client: Client, officer: User,
                                            make_person: Callable[..., Person]) -> None:
    person = make_person()
    client.force_login(officer)
    client.post(f"/persons/{person.pk}/edit/", form_data(last_name="ศรีงาม", version="1"))
    body = client.get(f"/persons/{person.pk}/").content.decode()
    assert "ศรีสุข → ศรีงาม" in body or "ใจดี → ศรีงาม" in body
    assert "officer84" in body


def test_an_officer_adds_a_province_sub_group_that_other_provinces_do_not_see(
        client: Client, officer: User, other_officer: User, group_elderly: TargetGroup) -> None:
    client.force_login(officer)
    response = client.post("/persons/taxonomy/", {
        "kind": "group", "province": "84", "parent": group_elderly.pk,
        "code": "fisher_elderly", "name_th": "ผู้สูงอายุชาวประมง"})
    assert response.status_code == 302
    assert "ผู้สูงอายุชาวประมง" in client.get("/persons/new/").content.decode()
    client.force_login(other_officer)
    assert "ผู้สูงอายุชาวประมง" not in client.get("/persons/new/").content.decode()
    refused = client.post("/persons/taxonomy/", {
        "kind": "need", "province": "84", "code": "boats", "name_th": "เรือ"})
    assert refused.status_code == 400
    assert not Need.objects.filter(code="boats").exists()


def test_the_empty_list_says_what_to_do_next(client: Client, officer: User) -> None:
    client.force_login(officer)
    body = client.get("/persons/").content.decode()
    assert 'class="empty"' in body and "/persons/new/" in body


def test_another_member_joins_the_household_at_its_address(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    head = make_person(house_number="12/4")
    client.force_login(officer)
    client.post(f"/persons/{head.pk}/household/")
    head.refresh_from_db()
    form = client.get(f"/persons/new/?household={head.household_id}").content.decode()
    assert 'value="12/4"' in form
    response = client.post("/persons/new/", form_data(household=str(head.household_id),
                                                      house_number="12/4", citizen_id="",
                                                      no_citizen_id_reason="unknown"))
    assert response.status_code == 302
    assert head.household is not None
    assert head.household.members.count() == 2


def test_a_household_of_another_province_cannot_be_joined(
        client: Client, officer: User, other_officer: User,
        make_person: Callable[..., Person]) -> None:
    head = make_person()
    client.force_login(officer)
    client.post(f"/persons/{head.pk}/household/")
    head.refresh_from_db()
    client.force_login(other_officer)
    assert client.get(f"/persons/new/?household={head.household_id}").status_code == 404


def test_the_area_filter_offers_the_areas_of_the_readers_own_grants_by_name(
        client: Client, officer: User, make_user: Callable[..., User]) -> None:
    from lnob.core.roles import Role

    client.force_login(officer)  # the province of Surat Thani (84)
    page = client.get("/persons/").content.decode()
    options = page.split('<datalist id="f-area-options">')[1].split("</datalist>")[0]
    assert '<option value="เกาะเต่า (เกาะพะงัน)"></option>' in options
    assert options.count("<option") > 100  # its districts and subdistricts
    client.force_login(make_user("c", Role.NETWORK_COORDINATOR, "8405"))  # อ.เกาะพะงัน only
    page = client.get("/persons/").content.decode()
    options = page.split('<datalist id="f-area-options">')[1].split("</datalist>")[0]
    assert "เกาะเต่า (เกาะพะงัน)" in options and "เมืองสุราษฎร์ธานี" not in options
