"""The person form asks for the subdistrict by name (issue 16): typed, with
suggestions only in the user's areas, and without JavaScript a short list to
choose from after submitting. No grouped select of every subdistrict."""

from __future__ import annotations

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.tests.test_pages import form_data

pytestmark = pytest.mark.django_db


def test_a_name_found_once_in_the_officers_province_is_enough(client: Client,
                                                             officer: User) -> None:
    client.force_login(officer)
    page = client.get("/persons/new/").content.decode()
    assert 'id="id_place"' in page and 'hx-get="/areas/suggest/"' in page
    assert "<optgroup" not in page  # the old select of every subdistrict is gone
    # อ่างทอง is also a province and six other subdistricts; in Surat Thani only one.
    response = client.post("/persons/new/", form_data(subdistrict="", place="อ่างทอง"))
    assert response.status_code == 302
    assert Person.objects.get().subdistrict_id == "840401"


def test_a_name_found_twice_offers_both_to_choose_and_saves_nothing(client: Client,
                                                                   officer: User) -> None:
    client.force_login(officer)
    response = client.post("/persons/new/", form_data(subdistrict="", place="คลองน้อย"))
    assert response.status_code == 400 and not Person.objects.exists()
    page = response.content.decode()
    assert 'id="id_place-err"' in page
    offered = {v for v in ("840107", "841803") if f'value="{v}"' in page}
    assert offered == {"840107", "841803"}  # both of Surat Thani, none of elsewhere
    assert page.count('name="subdistrict_choice"') == 2
    chosen = client.post("/persons/new/", form_data(subdistrict="", place="คลองน้อย",
                                                    subdistrict_choice="841803"))
    assert chosen.status_code == 302
    assert Person.objects.get().subdistrict_id == "841803"


def test_a_place_outside_the_officers_areas_is_not_found(client: Client,
                                                         officer: User) -> None:
    client.force_login(officer)
    # Ao Nang is in Krabi: the officer of Surat Thani cannot register there.
    response = client.post("/persons/new/", form_data(subdistrict="", place="อ่าวนาง"))
    assert response.status_code == 400 and not Person.objects.exists()
    assert 'id="id_place-err"' in response.content.decode()


def test_the_suggestions_keep_to_the_areas_the_form_names(client: Client) -> None:
    everywhere = client.get("/areas/suggest/", {"place": "คลองน้อย"}).content.decode()
    surat = client.get("/areas/suggest/", {"place": "คลองน้อย",
                                           "within": "84"}).content.decode()
    assert everywhere.count('name="subdistrict_choice"') == 4
    assert surat.count('name="subdistrict_choice"') == 2 and 'value="840107"' in surat


def test_the_edit_form_names_the_place_and_keeps_it(client: Client, officer: User) -> None:
    client.force_login(officer)
    client.post("/persons/new/", form_data())
    person = Person.objects.get()
    page = client.get(f"/persons/{person.pk}/edit/").content.decode()
    assert 'value="เกาะเต่า เกาะพะงัน"' in page and 'value="840503"' not in page
