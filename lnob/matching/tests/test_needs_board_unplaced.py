"""The public needs board (``/give/needs/``, giving) shows why the proposal
in force left people without a carer, by area and reason, worded from the
reason codes: matching registers its counts with giving when it starts
(giving, a lower layer, never imports matching). Small counts are hidden and
none can be worked out from the totals (LP-checked); no giver is named."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from lnob.cases.services import case_open
from lnob.core.models import User
from lnob.giving.selectors import needs_board
from lnob.matching.models import MatchingRun, ProposalRow, RowKind, RunStatus
from lnob.matching.selectors import unplaced_counts
from lnob.registry.services import person_create
from lnob.testing.persons import person_data
from lnob.testing.suppression import assert_safe

pytestmark = pytest.mark.django_db

# Ko Pha-ngan's three subdistricts.
KO_PHANGAN, BAN_TAI, KO_TAO = "840501", "840502", "840503"


def unplaced(officer: User, run: MatchingRun, counts: dict[tuple[str, str], int],
             **params: object) -> None:
    i = ProposalRow.objects.count()
    for (code, reason), n in counts.items():
        for _k in range(n):
            i += 1
            person = person_create(actor=officer, data=person_data(
                first_name=f"คนที่{i}", citizen_id="", no_citizen_id_reason="unknown",
                subdistrict_code=code))
            case = case_open(actor=officer, person=person)
            ProposalRow.objects.create(run=run, case=case, case_version=case.version,
                                       subdistrict_code=code, kind=RowKind.UNPLACED,
                                       reason=reason, reason_params=dict(params))


@pytest.fixture
def run(officer: User) -> MatchingRun:
    old = MatchingRun.objects.create(scope_code="84", status=RunStatus.DONE)
    unplaced(officer, old, {(KO_TAO, "no_coverage"): 30})  # superseded: not counted
    new = MatchingRun.objects.create(scope_code="84", status=RunStatus.DONE)
    unplaced(officer, new, {(KO_PHANGAN, "no_coverage"): 12, (KO_PHANGAN, "no_need_served"): 9,
                            (KO_PHANGAN, "all_full"): 9, (BAN_TAI, "no_coverage"): 6,
                            (BAN_TAI, "must_not_served"): 7, (BAN_TAI, "too_costly"): 5,
                            (KO_TAO, "no_coverage"): 8, (KO_TAO, "all_full"): 2,
                            (KO_TAO, "too_costly"): 6},
             givers=["อาสาสมชาย ใจดี"])
    cache.clear()
    return new


def test_the_board_shows_why_people_are_without_a_carer_with_no_small_count(
        client: Client, run: MatchingRun) -> None:
    board = needs_board("8405").unplaced
    assert board is not None
    cells = {code: row for code, _n, row in board.rows}
    published = [row for _c, _n, row in board.rows] + [board.total]
    assert_safe(published)
    # The newest run only: Ko Tao's 8 without reach (not the old run's 30).
    assert board.columns[0] == "ไม่มีอาสาสมัครหรือเครือข่ายในระยะที่ไปถึง"
    assert cells[KO_TAO][0] in (8, "×") and cells[KO_TAO][-1] in (16, "×")
    assert board.total[-1] == 64
    page = client.get("/give/needs/8405/", HTTP_ACCEPT_LANGUAGE="th")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ไม่มีอาสาสมัครหรือเครือข่ายในระยะที่ไปถึง" in text
    assert "อาสาสมชาย" not in text  # a full giver's name stays in matching
    api = client.get("/api/v1/giving/needs/8405").json()["unplaced"]
    assert api["total"] == board.total and api["columns"] == board.columns
    assert [r["cells"] for r in api["rows"]] == [row for _c, _n, row in board.rows]


def test_the_province_board_counts_districts_and_names_places_in_sentences(
        client: Client, run: MatchingRun) -> None:
    # The raw counts: the newest run of the province only, by district and reason.
    raw = unplaced_counts("84", 4)
    assert raw.counts == {("8405", "no_reach"): 26, ("8405", "need_not_served"): 16,
                          ("8405", "all_full"): 11, ("8405", "other"): 11}
    board = needs_board("84").unplaced
    assert board is not None
    assert_safe([row for _c, _n, row in board.rows] + [board.total])
    # The largest count the district table publishes, as a sentence naming the
    # place ("ไม่มีอาสาสมัคร…: 12 คน ใน ต.เกาะพะงัน").
    district = needs_board("8405").unplaced
    assert district is not None
    shown = [(v, district.columns[i], name) for _c, name, row in district.rows
             for i, v in enumerate(row[:-1]) if isinstance(v, int)]
    assert shown
    v, what, place = max(shown)
    page = client.get("/give/needs/8405/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert f"{what}: {v} คน ใน ต.{place}" in page


def test_without_a_finished_run_the_board_has_no_unplaced_table(
        client: Client, officer: User) -> None:
    MatchingRun.objects.create(scope_code="84", status=RunStatus.RUNNING)
    cache.clear()
    assert needs_board("84").unplaced is None
    assert client.get("/api/v1/giving/needs/84").json()["unplaced"] is None
    assert "ยังไม่มีผู้ดูแล" not in client.get("/give/needs/84/").content.decode()
