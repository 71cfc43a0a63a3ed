"""Matching runs in the product: read from the database, solve, propose,
accept through the workflow; failures save nothing; access by area."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from lnob.cases.models import Case
from lnob.cases.services import case_step
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.matching.models import HoleRow, MatchingRun, ProposalRow, RunStatus
from lnob.matching.reasons import row_decision, row_why
from lnob.matching.services import rows_accept, run_execute, run_start
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing import bearer
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db
KO_TAO, KO_PHANGAN = "840503", "840501"


@pytest.fixture
def carers(db: None, need: Need) -> list[Volunteer]:
    network = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=0, is_lead=True)
    made = []
    for name, capacity in (("สุดา", 1), ("มานพ", 1)):
        v = Volunteer.objects.create(first_name=name, province_code="84", network=network,
                                     capacity=capacity)
        v.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
        v.needs.add(need)
        made.append(v)
    return made


def done_run(officer: User) -> MatchingRun:
    run = run_execute(run_start(actor=officer, scope_code="84"))
    assert run.status == RunStatus.DONE, run.error
    return run


def test_a_run_proposes_carers_and_accepting_assigns_them(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    cases = [verified_case(officer, need, name) for name in ("ก", "ข")]
    run = done_run(officer)
    assert run.figures["placed"] == 2 and run.figures["unplaced"] == 0
    assert {r.kind for r in run.rows.all()} == {"new"}
    assert all(Case.objects.get(pk=c.pk).status == "verified" for c in cases)  # nothing yet
    outcome = rows_accept(actor=officer, run=run)
    assert outcome == {"accepted": 2, "failed": 0}
    assigned = {Case.objects.get(pk=c.pk).volunteer_id for c in cases}
    assert assigned == {v.pk for v in carers}
    event = Case.objects.get(pk=cases[0].pk).events.last()
    assert event is not None and event.action == "assign" and f"{run.pk}" in event.note


def test_when_capacity_is_short_the_most_severe_is_placed_and_the_rest_explained(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    carers[1].delete()
    mild = verified_case(officer, need, "เบา")
    mild.person.needs.update(severity=1)
    severe = verified_case(officer, need, "หนัก")
    severe.person.needs.update(severity=4)
    run = done_run(officer)
    placed = run.rows.get(kind="new")
    assert placed.case_id == severe.pk
    unplaced = run.rows.get(kind="unplaced")
    assert unplaced.case_id == mild.pk and unplaced.reason == "all_full"
    # A code and its parameters are stored, worded in the reader's language when shown.
    assert unplaced.reason_params["givers"] == [str(carers[0].pk)]
    assert not unplaced.message_th and not unplaced.message_en
    with translation.override("en"):
        assert row_why(unplaced) == f"All suitable givers are full: {carers[0].pk}."
    with translation.override("th"):
        assert row_why(unplaced) == f"ผู้ให้ที่เหมาะสมเต็มทุกราย: {carers[0].pk}"
    assert HoleRow.objects.get(run=run, subdistrict_code=KO_TAO).unplaced == 1


def test_a_case_no_one_covers_is_unplaced_with_the_reason(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    Case.objects.filter(pk=case.pk).update(subdistrict_id=KO_PHANGAN)
    run = done_run(officer)
    row = run.rows.get()
    assert row.kind == "unplaced" and row.reason == "no_coverage"
    assert row.reason_params["subdistrict"] == KO_PHANGAN
    with translation.override("en"):
        assert row_why(row) == f"No giver covers subdistrict {KO_PHANGAN}."
    with translation.override("th"):
        assert row_why(row) == f"ไม่มีผู้ให้ที่ดูแลพื้นที่ตำบล {KO_PHANGAN}"


def test_rows_stored_with_their_words_before_reason_codes_still_read(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    Case.objects.filter(pk=case.pk).update(subdistrict_id=KO_PHANGAN)
    row = done_run(officer).rows.get()
    ProposalRow.objects.filter(pk=row.pk).update(
        reason_params={}, message_th="ข้อความเดิม", message_en="the old words",
        decision="failed", decision_note="old note")
    row.refresh_from_db()
    with translation.override("en"):
        assert (row_why(row), row_decision(row)) == ("the old words", "old note")
    with translation.override("th"):
        assert row_why(row) == "ข้อความเดิม"


def test_the_page_names_the_place_and_the_full_givers_not_their_codes(
        client: Client, officer: User, need: Need, carers: list[Volunteer]) -> None:
    uncovered = verified_case(officer, need, "ไกล")
    Case.objects.filter(pk=uncovered.pk).update(subdistrict_id=KO_PHANGAN)
    carers[1].delete()
    for name in ("หนึ่ง", "สอง"):
        verified_case(officer, need, name)
    run = done_run(officer)
    params = [r.reason_params for r in run.rows.filter(kind="unplaced")]
    assert any(p.get("subdistrict") == KO_PHANGAN for p in params)  # codes are stored
    client.force_login(officer)
    page = client.get(f"/matching/{run.pk}/?kind=unplaced").content.decode()
    assert "เกาะพะงัน" in page and f"ตำบล {KO_PHANGAN}" not in page
    assert "ผู้ให้ที่เหมาะสมเต็มทุกราย: สุดา" in page  # the full volunteer, by name


def test_a_case_changed_after_the_run_is_not_applied(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    run = done_run(officer)
    case_step(actor=officer, case=case, action="close", expected_version=case.version,
              reason="moved_away")
    assert rows_accept(actor=officer, run=run) == {"accepted": 0, "failed": 1}
    row = run.rows.get()
    assert row.decision == "failed"
    assert (row.decision_code, row.decision_note) == ("case_changed", "")
    with translation.override("th"):
        assert row_decision(row) == gettext("The case changed after the run.") != (
            "The case changed after the run.")
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_a_volunteer_with_no_area_is_left_out_named_and_the_rest_is_solved(
        officer: User, need: Need, carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    carers[0].subdistricts.clear()
    run = done_run(officer)
    (warning,) = run.figures["warnings"]
    assert (warning["code"], warning["id"]) == ("volunteer_no_area", carers[0].pk)
    assert run.rows.get(case=case).volunteer_id == carers[1].pk


@pytest.mark.parametrize(("params", "field"), [
    ({"unmet_need_cost": -1}, "unmet_need_cost"),
    ({"cost_same_village": 50, "cost_same_subdistrict": 10}, "cost_same_subdistrict"),
    ({"no_such_weight": 1}, "no_such_weight"),
    ({"unmet_need_cost": "มาก"}, "params"),
])
def test_bad_weights_are_refused_by_name(officer: User, params: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        run_start(actor=officer, scope_code="84", params=params)
    assert field in err.value.message_dict
    assert not MatchingRun.objects.exists()


def test_runs_are_scoped_to_the_province(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], need: Need, carers: list[Volunteer]) -> None:
    verified_case(officer, need)
    client.force_login(officer)
    response = client.post("/matching/", {"scope": "84"})
    run = MatchingRun.objects.get()
    assert response["Location"] == f"/matching/{run.pk}/"
    assert run.status == RunStatus.DONE  # the test's task backend runs it at once
    page = client.get(f"/matching/{run.pk}/").content.decode()
    assert "สมชาย" in page or "สุดา" in page
    assert client.post("/matching/", {"scope": "81"}).status_code == 400
    client.force_login(other_officer)
    assert client.get(f"/matching/{run.pk}/").status_code == 404
    assert client.get(f"/matching/{run.pk}/holes.csv").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/matching/{run.pk}/").status_code == 403
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, "")
    client.force_login(analyst)
    page = client.get(f"/matching/{run.pk}/").content.decode()
    assert "สุดา" not in page  # figures and holes, not people
    assert client.get(f"/matching/{run.pk}/unplaced.csv").status_code == 404
    assert client.get(f"/matching/{run.pk}/holes.csv").status_code == 200
    assert AuditEvent.objects.filter(action="export", object_id=str(run.pk)).count() == 1


def test_accepting_from_the_page(client: Client, officer: User, need: Need,
                                 carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    run = done_run(officer)
    row = run.rows.get()
    client.force_login(officer)
    response = client.post(f"/matching/{run.pk}/decide/", {"row": [row.pk],
                                                          "decision": "accept"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "assigned"


def test_the_command_line_prints_the_figures(officer: User, need: Need,
                                             carers: list[Volunteer]) -> None:
    verified_case(officer, need)
    out = io.StringIO()
    call_command("match", province="84", stdout=out)
    assert "1 placed" in out.getvalue() and "100% done" in out.getvalue()


def test_the_api_starts_reads_and_accepts(client: Client, officer: User, other_officer: User,
                                          need: Need, carers: list[Volunteer]) -> None:
    case = verified_case(officer, need)
    auth = bearer(officer)
    started = client.post("/api/v1/matching/runs", {"scope_code": "84"},
                          content_type="application/json", headers=auth)
    assert started.status_code == 202
    run_id = started.json()["id"]
    status = client.get(f"/api/v1/matching/runs/{run_id}", headers=auth).json()
    assert status["status"] == "done" and status["figures"]["placed"] == 1
    rows = client.get(f"/api/v1/matching/runs/{run_id}/proposal", headers=auth).json()
    assert rows["results"][0]["case_id"] == case.pk
    decided = client.post(f"/api/v1/matching/runs/{run_id}/decisions", {"row_ids": None},
                          content_type="application/json", headers=auth)
    assert decided.json() == {"accepted": 1, "failed": 0}
    assert client.get(f"/api/v1/matching/runs/{run_id}",
                      headers=bearer(other_officer)).status_code == 404
    bad = client.post("/api/v1/matching/runs", {"scope_code": "84",
                                                "params": {"unmet_need_cost": -5}},
                      content_type="application/json", headers=auth)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "unmet_need_cost"
