"""The public dashboard's welfare table (issue 18): per province (and per
district of a province), for the chosen scheme, people eligible, receiving,
referred and approved — each column suppressed with its total, so no count
under 5 is shown and none can be worked out (LP-checked), and never a person."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from lnob.core.models import User
from lnob.coverage.public_tables import suppress_columns, welfare_table
from lnob.coverage.rollup import rollup_full
from lnob.registry.services import person_create
from lnob.testing import today
from lnob.testing.persons import person_data
from lnob.testing.suppression import assert_safe
from lnob.welfare.models import Eligibility, Referral, Result, Scheme, SchemeVersion

pytestmark = pytest.mark.django_db


def eligible(officer: User, scheme: Scheme, code: str, n: int, receiving: int,
             referred: int = 0) -> None:
    version = SchemeVersion.objects.filter(scheme=scheme).first()
    for i in range(n):
        person = person_create(actor=officer, data=person_data(
            first_name=f"คน{code}{i}", citizen_id="", no_citizen_id_reason="unknown",
            subdistrict_code=code))
        Eligibility.objects.update_or_create(
            person=person, scheme=scheme, defaults={
                "version": version, "result": Result.ELIGIBLE, "receiving": i < receiving,
                "province_code": code[:2], "district_code": code[:4],
                "subdistrict_code": code, "evaluated_on": today()})
        if i < referred:
            Referral.objects.create(person=person, scheme=scheme, province_code=code[:2],
                                    district_code=code[:4], subdistrict_code=code,
                                    due_on=today() + datetime.timedelta(days=30))


@pytest.fixture
def welfare(officer: User, other_officer: User, people: Callable[..., list[Any]]) -> Scheme:
    people(in_care=2)
    scheme = Scheme.objects.get(code="old_age_allowance")
    eligible(officer, scheme, "840503", 12, receiving=9, referred=3)  # Surat Thani
    eligible(officer, scheme, "840101", 8, receiving=6, referred=6)
    eligible(other_officer, scheme, "810101", 2, receiving=1)  # Krabi: fewer than 5
    rollup_full()
    cache.clear()
    return scheme


def column_tables(rows: list[list[Any]], total: list[Any]) -> list[list[list[Any]]]:
    """Each column as the public reads it: the areas' cells and the total."""
    return [[[row[c], row[c]] for row in rows] + [[total[c], total[c]]]
            for c in range(len(total))]


def test_the_nation_shows_each_province_suppressed_per_column(
        client: Client, welfare: Scheme) -> None:
    table, _schemes, scheme = welfare_table("", "old_age_allowance")
    assert table is not None and scheme == welfare
    cells = {code: row[1:] for code, row in zip(table.codes, table.rows, strict=True)}
    total = table.total[1:]  # type: ignore[index]
    for column in column_tables(list(cells.values()), total):
        assert_safe(column)
    # Surat Thani: 20 eligible, 15 receiving, 9 referred (published or hidden
    # with a complement), Krabi's 2 never shown.
    assert cells["84"][0] in (20, "×") and cells["81"][0] == "<5"
    assert total[0] == 22 or total[0] == "×"
    page = client.get("/coverage/public/?scheme=old_age_allowance")
    assert page.status_code == 200
    text = page.content.decode()
    assert "เบี้ยยังชีพผู้สูงอายุ" in text
    assert "คน840503" not in text  # never a person
    api = client.get("/api/v1/coverage/public/00/welfare?scheme=old_age_allowance").json()
    assert api["scheme"] == "old_age_allowance" and api["columns"] == list(table.keys)
    assert {r["code"]: list(r["cells"].values()) for r in api["rows"]} == cells
    assert client.get("/api/v1/coverage/public/99/welfare").status_code == 404


def test_a_province_shows_its_districts_and_refuses_nothing_for_a_bad_scheme(
        client: Client, welfare: Scheme) -> None:
    table, _schemes, _scheme = welfare_table("84", "old_age_allowance")
    assert table is not None
    cells = {code: row[1:] for code, row in zip(table.codes, table.rows, strict=True)}
    for column in column_tables(list(cells.values()), table.total[1:]):  # type: ignore[index]
        assert_safe(column)
    assert set(cells) >= {"8401", "8405"}
    page = client.get("/coverage/public/84/?scheme=no-such-scheme")
    assert page.status_code == 200  # an unknown scheme shows the first one
    assert re.search(r'id="table-welfare"', page.content.decode())


def test_a_column_with_one_small_count_hides_a_complement() -> None:
    rows, total = suppress_columns([[12], [3], [20]], [35])
    column: list[list[Any]] = [[r[0], r[0]] for r in rows] + [[total[0], total[0]]]
    assert [r[0] for r in rows].count("<5") == 1 and "×" in [r[0] for r in rows] + total
    assert_safe(column)
