from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.conftest import IN_SUBDISTRICT
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict, Village
from lnob.geo.services import village_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ko_tao() -> Subdistrict:
    return Subdistrict.objects.get(code=IN_SUBDISTRICT)


def test_a_village_code_is_its_subdistrict_code_and_two_digit_number(
        officer: User, ko_tao: Subdistrict) -> None:
    village = village_create(actor=officer, subdistrict=ko_tao, number=3, name_th="บ้านโฉลก")
    assert village.code == "84050303"
    assert AuditEvent.objects.filter(action="create", object_id="84050303",
                                     area_code=IN_SUBDISTRICT).count() == 1


@pytest.mark.parametrize("number", [0, 100, -1])
def test_it_refuses_a_village_number_outside_1_to_99(officer: User, ko_tao: Subdistrict,
                                                     number: int) -> None:
    with pytest.raises(ValidationError) as err:
        village_create(actor=officer, subdistrict=ko_tao, number=number, name_th="บ้าน")
    assert "number" in err.value.message_dict
    assert not Village.objects.exists()


def test_it_refuses_the_same_number_twice(officer: User, ko_tao: Subdistrict) -> None:
    village_create(actor=officer, subdistrict=ko_tao, number=1, name_th="บ้านแม่หาด")
    with pytest.raises(ValidationError) as err:
        village_create(actor=officer, subdistrict=ko_tao, number=1, name_th="ซ้ำ")
    assert "number" in err.value.message_dict
    assert Village.objects.get().name_th == "บ้านแม่หาด"


def test_an_officer_of_another_province_cannot_add_one(other_officer: User,
                                                       ko_tao: Subdistrict) -> None:
    with pytest.raises(PermissionError):
        village_create(actor=other_officer, subdistrict=ko_tao, number=1, name_th="บ้าน")
    assert not Village.objects.exists()


def test_the_page_form_adds_a_village_for_an_in_area_officer(client: Client,
                                                             officer: User) -> None:
    client.force_login(officer)
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/new/",
                           {"number": "4", "name_th": "บ้านใหม่"})
    assert response.status_code == 302
    assert client.get(f"/areas/{IN_SUBDISTRICT}/").content.decode().count("บ้านใหม่") == 1


def test_the_page_form_says_what_is_wrong_and_adds_nothing(client: Client,
                                                           officer: User) -> None:
    client.force_login(officer)
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/new/",
                           {"number": "abc", "name_th": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="v-number-err"' in body and 'id="v-name-err"' in body
    assert not Village.objects.exists()


def test_page_form_is_404_for_an_out_of_area_officer_and_login_for_anonymous(
        client: Client, other_officer: User) -> None:
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/new/",
                           {"number": "4", "name_th": "บ้านใหม่"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(other_officer)
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/new/",
                           {"number": "4", "name_th": "บ้านใหม่"})
    assert response.status_code == 404
    assert not Village.objects.exists()


def test_a_volunteer_in_the_area_cannot_add_villages(client: Client,
                                                     make_user: Callable[..., User]) -> None:
    volunteer = make_user("vol", Role.VOLUNTEER, IN_SUBDISTRICT)
    client.force_login(volunteer)
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/new/",
                           {"number": "4", "name_th": "บ้านใหม่"})
    assert response.status_code == 403
    assert not Village.objects.exists()
