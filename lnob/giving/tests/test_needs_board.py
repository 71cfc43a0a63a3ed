"""The public needs board never shows a count under 5, nor one that can be
worked out from the others: the published table is checked with a linear
programme (scipy) that finds the smallest and largest value each hidden
cell could take given everything published."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from lnob.core.models import User
from lnob.giving.selectors import Board, needs_board
from lnob.registry.models import Need
from lnob.registry.services import person_create
from lnob.testing.persons import person_data
from lnob.testing.suppression import ranges

pytestmark = pytest.mark.django_db


def published(board: Board) -> list[list[int | str]]:
    return [cells for _c, _n, cells in board.rows] + [board.total]


def register(officer: User, counts: dict[tuple[str, str], int]) -> None:
    """``counts[(subdistrict, need code)]`` people with that one need, open cases."""
    from lnob.cases.services import case_open

    needs = {n.code: n for n in Need.objects.filter(province_code="")}
    i = 0
    for (code, need), n in counts.items():
        for _k in range(n):
            i += 1
            person = person_create(actor=officer, data=person_data(
                first_name=f"คนที่{i}", citizen_id="", no_citizen_id_reason="unknown",
                subdistrict_code=code, needs={needs[need].pk: 2}))
            case_open(actor=officer, person=person)


def test_no_small_count_is_shown_or_can_be_worked_out(officer: User, client: Client) -> None:
    # Ko Pha-ngan's three subdistricts: 840501 เกาะพะงัน, 840502 บ้านใต้, 840503 เกาะเต่า.
    register(officer, {("840501", "health"): 9, ("840501", "daily_care"): 2,
                       ("840502", "health"): 7, ("840502", "daily_care"): 8,
                       ("840503", "health"): 3, ("840503", "housing"): 6})
    cache.clear()
    grid = published(needs_board("8405"))
    assert not [v for row in grid for v in row if isinstance(v, int) and v < 5]
    assert "<5" in [v for row in grid for v in row]
    for cell, (low, high) in ranges(grid).items():
        assert high - low >= 1, (cell, low, high, grid)
    page = client.get("/give/needs/8405/").content.decode()
    assert "คนที่1" not in page and "&lt;5" in page


def test_the_board_shows_the_people_waiting_in_each_area_when_five_or_more(officer: User) -> None:
    register(officer, {("840501", "health"): 6, ("840502", "health"): 7,
                       ("840503", "health"): 8})
    cache.clear()
    board = needs_board("8405")
    assert [cells[-1] for _c, _n, cells in board.rows] == [6, 7, 8]  # "all needs"
