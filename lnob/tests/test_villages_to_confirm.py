"""Villages created "to confirm" (by an import or a report naming a หมู่ที่ not yet
recorded), confirmed by the provincial office on the subdistrict page; official
village lists loaded with ``lnob load_villages FILE``."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.conftest import IN_SUBDISTRICT
from lnob.core.models import AuditEvent, User
from lnob.geo.models import Village
from lnob.geo.services import villages_create_to_confirm
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db
CODE = f"{IN_SUBDISTRICT}07"


@pytest.fixture
def to_confirm(db: None) -> Village:
    villages_create_to_confirm(actor=None, villages={CODE: (IN_SUBDISTRICT, 7)})
    return Village.objects.get(code=CODE)


def test_an_officer_of_the_area_sees_and_confirms_a_village(
        client: Client, officer: User, to_confirm: Village) -> None:
    client.force_login(officer)
    page = client.get(f"/areas/{IN_SUBDISTRICT}/").content.decode()
    assert f'data-to-confirm="{CODE}"' in page and f"/villages/{CODE}/confirm/" in page
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/{CODE}/confirm/",
                           {"name_th": "บ้านหาดทรายรี"})
    assert response.status_code == 302
    to_confirm.refresh_from_db()
    assert (to_confirm.name_th, to_confirm.to_confirm) == ("บ้านหาดทรายรี", False)
    assert AuditEvent.objects.filter(object_id=CODE, action="update").exists()


def test_confirming_without_a_name_says_so_and_changes_nothing(
        client: Client, officer: User, to_confirm: Village) -> None:
    client.force_login(officer)
    response = client.post(f"/areas/{IN_SUBDISTRICT}/villages/{CODE}/confirm/",
                           {"name_th": " "})
    assert response.status_code == 400
    to_confirm.refresh_from_db()
    assert to_confirm.to_confirm


def test_an_out_of_area_officer_and_a_stranger_cannot_confirm(
        client: Client, other_officer: User, stranger: User, to_confirm: Village) -> None:
    client.force_login(other_officer)
    assert client.post(f"/areas/{IN_SUBDISTRICT}/villages/{CODE}/confirm/",
                       {"name_th": "x"}).status_code == 404
    assert "/confirm/" not in client.get(f"/areas/{IN_SUBDISTRICT}/").content.decode()
    client.force_login(stranger)
    assert client.post(f"/areas/{IN_SUBDISTRICT}/villages/{CODE}/confirm/",
                       {"name_th": "x"}).status_code == 403
    to_confirm.refresh_from_db()
    assert to_confirm.to_confirm


def test_a_form_naming_a_village_not_yet_recorded_creates_it_to_confirm(officer: User) -> None:
    person = person_create(actor=officer, data=person_data(village_number=12))
    assert person.village_id == f"{IN_SUBDISTRICT}12"
    assert Village.objects.get(code=f"{IN_SUBDISTRICT}12").to_confirm


def _village_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "villages.csv"
    lines = ["รหัสหมู่บ้าน,หมู่ที่,ชื่อหมู่บ้าน,name_en", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    return path


def test_load_villages_creates_names_and_confirms(
        tmp_path: Path, to_confirm: Village) -> None:
    path = _village_file(tmp_path, [[f"{IN_SUBDISTRICT}01", "1", "บ้านแม่หาด", "Ban Mae Hat"],
                                    [CODE, "7", "บ้านหาดทรายรี", ""]])
    out = io.StringIO()
    call_command("load_villages", str(path), stdout=out)
    assert "1 created, 1 updated (1 that imports had created to confirm" in out.getvalue()
    assert Village.objects.get(code=f"{IN_SUBDISTRICT}01").name_en == "Ban Mae Hat"
    to_confirm.refresh_from_db()
    assert (to_confirm.name_th, to_confirm.to_confirm) == ("บ้านหาดทรายรี", False)
    call_command("load_villages", str(path), stdout=io.StringIO())  # again: nothing new
    assert Village.objects.count() == 2


def test_load_villages_names_every_problem_and_loads_nothing(
        tmp_path: Path, make_user: Callable[..., User]) -> None:
    path = _village_file(tmp_path, [[f"{IN_SUBDISTRICT}01", "1", "บ้านแม่หาด", ""],
                                    ["99999901", "2", "", ""],
                                    [f"{IN_SUBDISTRICT}03", "4", "บ้าน", ""]])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("load_villages", str(path), stdout=out)
    assert exit_.value.code == 1
    text = out.getvalue()
    assert text.count("row 3:") == 3 and "row 4:" in text  # every problem of row 3
    assert not Village.objects.exists()
    call_command("load_villages", str(path), stdout=io.StringIO(), skip_invalid=True)
    assert list(Village.objects.values_list("code", flat=True)) == [f"{IN_SUBDISTRICT}01"]
