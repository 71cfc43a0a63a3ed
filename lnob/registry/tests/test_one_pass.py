"""Issue 16: the registration form shows all its errors in one pass, and the
history reads as words, not stored codes."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db

FORM = {"title": "นาง", "first_name": "บุญมี", "last_name": "ศรีสุข", "sex": "F",
        "birth_date": "6 พ.ย. 2490", "citizen_id": "1-1017-00203-44-1",
        "subdistrict": "840503", "source": "network", "consent_status": "given",
        "purposes": "care", "lawful_basis": "consent"}


def test_a_wrong_check_digit_does_not_hide_a_future_birth_date(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/persons/new/", FORM | {
        "citizen_id": "1-1017-00203-44-2", "birth_date": "6/11/2590"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_citizen_id-err"' in body
    assert 'id="id_birth_date-err"' in body  # the same submit, not the next one
    assert not Person.objects.exists()


def test_a_missing_id_reason_shows_beside_another_error(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/persons/new/", FORM | {"citizen_id": "", "village_number": "100"})
    body = response.content.decode()
    assert 'id="id_village_number-err"' in body
    assert 'id="id_no_citizen_id_reason-err"' in body


def test_the_history_shows_labels_be_dates_and_yes_no_not_field_codes(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    person = make_person(birth_date=datetime.date(1966, 3, 12))
    client.force_login(officer)
    history = client.get(f"/persons/{person.pk}/").content.decode().split('class="history"')[1]
    assert "birth_date" not in history and "1966-03-12" not in history
    assert "12 มี.ค. 2509" in history  # the Buddhist Era date, Thai month
    assert "840503" not in history and "เกาะเต่า" in history  # the place by name


def test_the_person_list_filters_by_an_area_name_not_only_a_dopa_code(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    kotao = make_person(first_name="เกาะเต่าคน")
    make_person(first_name="สมุยคน", subdistrict_code="840401", citizen_id="",
                no_citizen_id_reason="unknown")
    client.force_login(officer)
    page = client.get("/persons/").content.decode()
    assert "เกาะเต่า (เกาะพะงัน)" in page  # a suggestion by name, with its district
    for typed in ("เกาะเต่า (เกาะพะงัน)", "เกาะเต่า", "840503"):
        body = client.get("/persons/", {"area": typed}).content.decode()
        assert f"/persons/{kotao.pk}/" in body and "สมุยคน" not in body, typed
    assert "เกาะเต่าคน" not in client.get("/persons/", {"area": "ไม่มีที่นี่"}).content.decode()
