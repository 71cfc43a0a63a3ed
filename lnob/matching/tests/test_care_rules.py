"""Issue #15 in the product: current care kept, accepting never over capacity,
rebalancing only where asked (a move releases the old carer), networks as
carers, village coverage, urgent first, must-serve rules, and records that
cannot be used left out with their fix instead of failing the run."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.cases.models import Case
from lnob.cases.services import case_step
from lnob.core.models import AuditEvent, User
from lnob.geo.models import Subdistrict, Village
from lnob.matching.models import MatchingRun, ProvinceRules, RowKind, RunStatus
from lnob.matching.reasons import row_decision
from lnob.matching.services import rows_accept, run_execute, run_start, warning_text
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db
KO_TAO = "840503"


@pytest.fixture
def team(db: None, need: Need) -> list[Volunteer]:
    network = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", capacity=0, is_lead=True)
    made = []
    for name in ("สุดา", "มานพ"):
        v = Volunteer.objects.create(first_name=name, province_code="84", network=network,
                                     capacity=1)
        v.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
        v.needs.add(need)
        made.append(v)
    return made


def run(officer: User, **options: object) -> MatchingRun:
    params = options.pop("params", None)
    started = run_start(actor=officer, scope_code="84", params=params,  # type: ignore[arg-type]
                        options=options or None)
    done = run_execute(started)
    assert done.status == RunStatus.DONE, done.error
    return done


def assign(officer: User, case: Case, volunteer: Volunteer) -> Case:
    return case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk)


def test_a_person_in_care_keeps_their_carer_and_accept_all_stays_within_capacity(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    team[1].delete()
    cared = assign(officer, verified_case(officer, need, "ดูแลอยู่"), team[0])
    cared.person.needs.update(severity=1)
    severe = verified_case(officer, need, "หนัก")
    severe.person.needs.update(severity=4)
    done = run(officer)
    assert done.rows.get(case=cared).kind == RowKind.UNCHANGED
    assert done.rows.get(case=severe).kind == RowKind.UNPLACED
    assert rows_accept(actor=officer, run=done) == {"accepted": 0, "failed": 0}
    assert Case.objects.get(pk=cared.pk).volunteer_id == team[0].pk
    assert Case.objects.filter(volunteer=team[0], status__in=("assigned", "in_care")).count() == 1


def test_an_accept_that_would_exceed_capacity_is_refused_naming_the_carer_unless_overridden(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    team[1].delete()
    case = verified_case(officer, need, "รอ")
    done = run(officer)
    row = done.rows.get(case=case)
    assert row.volunteer_id == team[0].pk
    assign(officer, verified_case(officer, need, "มาก่อน"), team[0])  # took the last place
    assert rows_accept(actor=officer, run=done) == {"accepted": 0, "failed": 1}
    row.refresh_from_db()
    assert row.decision == "failed" and row.decision_code == "over_capacity"
    assert str(team[0]) in row_decision(row)
    assert Case.objects.get(pk=case.pk).volunteer_id is None
    outcome = rows_accept(actor=officer, run=done, row_ids=[row.pk],
                          override_reason="ไม่มีผู้อื่นบนเกาะ")
    assert outcome == {"accepted": 0, "failed": 0}   # a decided row is not taken again
    row.decision = ""
    row.save()
    outcome = rows_accept(actor=officer, run=done, row_ids=[row.pk],
                          override_reason="ไม่มีผู้อื่นบนเกาะ")
    assert outcome == {"accepted": 1, "failed": 0}
    event = Case.objects.get(pk=case.pk).events.last()
    assert event is not None and event.detail["capacity_override"] == "ไม่มีผู้อื่นบนเกาะ"
    assert AuditEvent.objects.filter(object_id=str(done.pk),
                                     detail__capacity_override="ไม่มีผู้อื่นบนเกาะ").exists()


def test_a_move_is_proposed_only_when_rebalancing_and_accepting_it_releases_the_old_carer(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    village = Village.objects.create(code=KO_TAO + "01", subdistrict_id=KO_TAO, number=1,
                                     name_th="บ้านแม่หาด")
    team[1].subdistricts.clear()
    team[1].villages.add(village)
    case = verified_case(officer, need)
    case.person.village = village
    case.person.save()
    case = assign(officer, case, team[0])
    weights = {"continuity_threshold": 5}
    kept = run(officer, params=weights).rows.get(case=case)
    assert kept.kind == RowKind.UNCHANGED
    with pytest.raises(ValidationError):
        run_start(actor=officer, scope_code="84", options={"rebalance": ["81"]})
    moved = run(officer, params=weights, rebalance=["8405"])
    row = moved.rows.get(case=case)
    assert (row.kind, row.volunteer_id, row.previous_volunteer_id, row.distance) == (
        RowKind.CHANGED, team[1].pk, team[0].pk, "same_village")
    assert rows_accept(actor=officer, run=moved) == {"accepted": 1, "failed": 0}
    assert Case.objects.get(pk=case.pk).volunteer_id == team[1].pk
    assert not Case.objects.filter(volunteer=team[0]).exists()


def test_a_network_with_no_volunteer_is_proposed_as_the_carer(
        officer: User, need: Need) -> None:
    temple = Network.objects.create(name="เครือข่ายวัด", partner_type=PartnerType.COMMUNITY,
                                    province_code="84", capacity=2)
    temple.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    temple.needs.add(need)
    case = verified_case(officer, need)
    done = run(officer)
    row = done.rows.get(case=case)
    assert (row.kind, row.volunteer_id, row.network_id) == (RowKind.NEW, None, temple.pk)
    assert rows_accept(actor=officer, run=done) == {"accepted": 1, "failed": 0}
    case.refresh_from_db()
    assert (case.network_id, case.volunteer_id) == (temple.pk, None)
    # Next run: the network keeps the person it cares for.
    again = run(officer).rows.get(case=case)
    assert (again.kind, again.network_id) == (RowKind.UNCHANGED, temple.pk)


def test_urgent_first_among_the_same_severity(officer: User, need: Need,
                                               team: list[Volunteer]) -> None:
    team[1].delete()
    waiting = verified_case(officer, need, "รอนาน")
    urgent = verified_case(officer, need, "ด่วน")
    Case.objects.filter(pk=urgent.pk).update(urgent=True, urgent_reasons=["no_caregiver"])
    done = run(officer)
    assert done.rows.get(case=urgent).kind == RowKind.NEW
    assert done.rows.get(case=urgent).urgent
    assert done.rows.get(case=waiting).kind == RowKind.UNPLACED


def test_a_must_serve_need_of_the_province_is_a_rule(officer: User, need: Need,
                                                     team: list[Volunteer]) -> None:
    other = Need.objects.exclude(pk=need.pk).filter(province_code="").first()
    assert other is not None
    case = verified_case(officer, need)
    case.person.needs.create(need=other, severity=2)
    assert run(officer).rows.get(case=case).kind == RowKind.NEW   # a weight by default
    ProvinceRules.objects.create(province_code="84", must_serve=[other.code])
    done = run(officer)
    assert done.options["must_serve"] == [other.code]
    row = done.rows.get(case=case)
    assert (row.kind, row.reason) == (RowKind.UNPLACED, "must_not_served")


def test_records_that_cannot_be_used_are_left_out_with_their_fix(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    ok = verified_case(officer, need, "ปกติ")
    moved = verified_case(officer, need, "ย้าย")
    village = Village.objects.create(code="84050101", subdistrict_id="840501", number=1,
                                     name_th="บ้านใหม่")
    moved.person.village = village
    moved.person.subdistrict_id = "840501"
    moved.person.save()
    orphaned = assign(officer, verified_case(officer, need, "ผู้ดูแลลาออก"), team[0])
    Volunteer.objects.filter(pk=team[0].pk).update(active=False)
    lonely = Volunteer.objects.create(first_name="เดี่ยว", province_code="84", capacity=1)
    done = run(officer)
    codes = {(w["code"], w["id"]) for w in done.figures["warnings"]}
    assert codes == {("person_moved", moved.pk), ("carer_inactive", orphaned.pk),
                     ("volunteer_no_area", lonely.pk)}
    left = done.rows.get(case=moved)
    assert left.kind == RowKind.LEFT_OUT and left.reason == "person_moved"
    assert done.rows.get(case=ok).kind == RowKind.NEW
    assert done.rows.get(case=orphaned).volunteer_id == team[1].pk or \
        done.rows.get(case=ok).volunteer_id == team[1].pk
    for w in done.figures["warnings"]:
        what, fix = warning_text(w)
        assert str(w["id"]) in what and fix


def test_the_run_page_names_each_left_out_record_with_its_fix_in_thai(
        client: Client, officer: User, need: Need, team: list[Volunteer]) -> None:
    moved = verified_case(officer, need, "ย้าย")
    village = Village.objects.create(code="84050101", subdistrict_id="840501", number=1,
                                     name_th="บ้านใหม่")
    moved.person.village = village
    moved.person.subdistrict_id = "840501"
    moved.person.save()
    team[1].subdistricts.clear()
    done = run(officer)
    client.force_login(officer)
    page = client.get(f"/matching/{done.pk}/").content.decode()
    assert 'data-warning="volunteer_no_area"' in page and 'data-warning="person_moved"' in page
    assert "เพิ่มตำบลหรือหมู่บ้านที่ดูแลในหน้าข้อมูลอาสาสมัคร" in page
    tab = client.get(f"/matching/{done.pk}/?kind=left_out").content.decode()
    assert "ย้าย" in tab and "ส่งต่อกรณีไปยังตำบลที่ผู้รับอาศัยอยู่ในปัจจุบัน" in tab


def test_the_run_page_shows_each_carers_load_before_and_after(
        client: Client, officer: User, need: Need, team: list[Volunteer]) -> None:
    verified_case(officer, need, "ก")
    done = run(officer)
    client.force_login(officer)
    page = client.get(f"/matching/{done.pk}/").content.decode()
    assert 'data-load="' in page
    loads = [r for r in page.split('data-load="')[1:]]
    assert any(r.startswith(f"{team[0].pk}:0:1:1") or r.startswith(f"{team[1].pk}:0:1:1")
               for r in loads)


def test_a_provinces_rules_name_only_known_needs(db: None) -> None:
    from lnob.matching.admin import ProvinceRulesForm

    form = ProvinceRulesForm({"province_code": "84", "must_serve": '["health", "nope"]'})
    assert not form.is_valid() and "nope" in str(form.errors["must_serve"])
    form = ProvinceRulesForm({"province_code": "84", "must_serve": '["health"]'})
    assert form.is_valid(), form.errors


def test_accept_all_applies_a_move_that_waits_for_another_move(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    third = Volunteer.objects.create(first_name="สาม", province_code="84",
                                     network=team[0].network, capacity=1)
    a = assign(officer, verified_case(officer, need, "เอ"), team[0])
    c = assign(officer, verified_case(officer, need, "ซี"), team[1])
    done = MatchingRun.objects.create(scope_code="84", status=RunStatus.DONE)
    # A moves into team[1]'s only place, which C's move (the later row) frees.
    first = done.rows.create(case=a, case_version=a.version, kind=RowKind.CHANGED,
                             volunteer=team[1], network=team[1].network,
                             previous_volunteer=team[0], subdistrict_code=KO_TAO)
    done.rows.create(case=c, case_version=c.version, kind=RowKind.CHANGED, volunteer=third,
                     network=third.network, previous_volunteer=team[1],
                     subdistrict_code=KO_TAO)
    assert rows_accept(actor=officer, run=done) == {"accepted": 2, "failed": 0}
    first.refresh_from_db()
    assert first.decision == "accepted"
    assert Case.objects.get(pk=a.pk).volunteer_id == team[1].pk
    assert Case.objects.get(pk=c.pk).volunteer_id == third.pk


def test_the_api_takes_rebalance_areas_and_an_override(client: Client, officer: User,
                                                       need: Need,
                                                       team: list[Volunteer]) -> None:
    from lnob.testing import bearer

    team[1].delete()
    verified_case(officer, need, "รอ")
    auth = bearer(officer)
    started = client.post("/api/v1/matching/runs", {"scope_code": "84", "rebalance": ["8405"]},
                          content_type="application/json", headers=auth)
    assert started.status_code == 202
    run_id = started.json()["id"]
    status = client.get(f"/api/v1/matching/runs/{run_id}", headers=auth).json()
    assert status["options"]["rebalance"] == ["8405"]
    (row,) = client.get(f"/api/v1/matching/runs/{run_id}/proposal", headers=auth).json()[
        "results"]
    assert (row["kind"], row["distance"], row["urgent"]) == ("new", "same_subdistrict", False)
    assign(officer, verified_case(officer, need, "มาก่อน"), team[0])
    refused = client.post(f"/api/v1/matching/runs/{run_id}/decisions", {"row_ids": [row["id"]]},
                          content_type="application/json", headers=auth)
    assert refused.json() == {"accepted": 0, "failed": 1}
    MatchingRun.objects.get(pk=run_id).rows.update(decision="")
    decided = client.post(f"/api/v1/matching/runs/{run_id}/decisions",
                          {"row_ids": [row["id"]], "override_reason": "ไม่มีผู้อื่น"},
                          content_type="application/json", headers=auth)
    assert decided.json() == {"accepted": 1, "failed": 0}


def test_a_volunteer_of_no_network_beside_networks_is_proposed(
        officer: User, need: Need, team: list[Volunteer]) -> None:
    team[1].delete()
    solo = Volunteer.objects.create(first_name="เดี่ยว", province_code="84", capacity=1)
    solo.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    solo.needs.add(need)
    cases = [verified_case(officer, need, n) for n in ("หนึ่ง", "สอง")]
    done = run(officer)
    assert {done.rows.get(case=c).volunteer_id for c in cases} == {team[0].pk, solo.pk}
    assert not done.figures["warnings"]
