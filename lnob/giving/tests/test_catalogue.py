"""The goods catalogue: the ministry's national lines (loaded by a
migration) and each province's own, added by its provincial office."""

from __future__ import annotations

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.giving.models import GoodsItem
from lnob.giving.services import catalogue_for

pytestmark = pytest.mark.django_db


def test_the_national_catalogue_is_loaded() -> None:
    codes = set(GoodsItem.objects.filter(province_code="").values_list("code", flat=True))
    assert {"rice", "adult_diapers", "infant_milk", "wheelchair", "hospital_bed"} <= codes
    assert GoodsItem.objects.get(code="adult_diapers").need.code == "daily_care"  # type: ignore[union-attr]


def test_a_provincial_officer_adds_a_line_for_the_province_only(
        client: Client, officer: User, other_officer: User, stranger: User) -> None:
    client.force_login(officer)
    assert client.get("/giving/catalogue/").status_code == 200
    response = client.post("/giving/catalogue/", {"province": "84", "name_th": "อาหารทะเลแห้ง",
                                                  "unit_th": "กล่อง"})
    assert response.status_code == 302
    item = GoodsItem.objects.get(name_th="อาหารทะเลแห้ง")
    assert item.province_code == "84" and item in catalogue_for("84")
    assert item not in catalogue_for("81")
    again = client.post("/giving/catalogue/", {"province": "84", "name_th": "อาหารทะเลแห้ง"})
    assert again.status_code == 400
    client.force_login(other_officer)
    assert "อาหารทะเลแห้ง" not in client.get("/giving/catalogue/").content.decode()
    assert client.post("/giving/catalogue/", {"province": "84",
                                              "name_th": "อื่น"}).status_code == 400
    assert client.post("/giving/catalogue/", {"item": item.pk,
                                              "active": "0"}).status_code == 404
    client.force_login(stranger)
    assert client.get("/giving/catalogue/").status_code == 403
    client.force_login(officer)
    assert client.post("/giving/catalogue/", {"item": item.pk, "active": "0"}).status_code == 302
    assert item not in catalogue_for("84")
