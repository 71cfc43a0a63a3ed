"""Issue #15 in the product, continued: caseload weights (capacity counted in
weight, the rules as data per province) and rebalancing chains ("accept all"
releases before it assigns, or applies a swap as one chain)."""

from __future__ import annotations

import pytest
from django.test import Client

from lnob.cases.models import Case, CaseEvent
from lnob.cases.services import case_step
from lnob.core.models import User
from lnob.geo.models import Subdistrict
from lnob.matching.models import MatchingRun, ProvinceRules, RowKind, RunStatus
from lnob.matching.reasons import row_decision
from lnob.matching.services import carer_loads, rows_accept, run_execute, run_start
from lnob.matching.weights import DEFAULT_CASE_WEIGHTS, case_weights, rules_errors, weight_of
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing.cases import verified_case

pytestmark = pytest.mark.django_db
KO_TAO = "840503"


def carer(name: str, capacity: int, *needs: Need) -> Volunteer:
    network = Network.objects.create(name="เครือข่าย" + name, province_code="84", capacity=0,
                                     partner_type=PartnerType.COMMUNITY)
    v = Volunteer.objects.create(first_name=name, province_code="84", network=network,
                                 capacity=capacity)
    v.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    v.needs.add(*needs)
    return v


def case_with(officer: User, name: str, **needs: int) -> Case:
    case = verified_case(officer, Need.objects.get(code="health", province_code=""), name)
    case.person.needs.all().delete()
    for code, severity in needs.items():
        case.person.needs.create(need=Need.objects.get(code=code, province_code=""),
                                 severity=severity)
    return case


def run(officer: User, **options: object) -> MatchingRun:
    params = options.pop("params", None)
    done = run_execute(run_start(actor=officer, scope_code="84", params=params,  # type: ignore[arg-type]
                                 options=options or None))
    assert done.status == RunStatus.DONE, done.error
    return done


def assign(officer: User, case: Case, volunteer: Volunteer) -> Case:
    case.refresh_from_db()
    return case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk)


def load(volunteer: Volunteer) -> int:
    return Case.objects.filter(volunteer=volunteer, status__in=("assigned", "in_care")).count()


def test_the_default_rules_weigh_a_bedridden_person_three_and_a_province_can_change_them(
        officer: User) -> None:
    assert weight_of({"daily_care": 4}, None) == 3
    assert weight_of({"daily_care": 3, "income": 2}, None) == 2
    assert weight_of({"health": 4}, DEFAULT_CASE_WEIGHTS) == 1
    bedridden = case_with(officer, "ติดเตียง", daily_care=4)
    assert case_weights([bedridden.pk]) == {bedridden.pk: 3}
    ProvinceRules.objects.create(province_code="84", case_weights={"severity": {"4": 2}})
    assert case_weights([bedridden.pk]) == {bedridden.pk: 2}
    assert rules_errors({"severity": {"5": 2}}, ["health"])
    assert rules_errors({"needs": {"nope": {"4": 2}}}, ["health"])
    assert rules_errors({"severity": {"4": 11}}, ["health"])
    assert rules_errors({"needs": {"health": {"4": 4}}}, ["health"]) == []


def test_a_heavy_case_needs_room_for_its_weight(officer: User) -> None:
    daily = Need.objects.get(code="daily_care", province_code="")
    small = carer("สุดา", 2, daily)
    bedridden = case_with(officer, "ติดเตียง", daily_care=4)
    light = case_with(officer, "เบา", daily_care=2)
    done = run(officer)
    # Two places: the bedridden person (three) cannot fit, the light one can.
    assert done.rows.get(case=bedridden).kind == RowKind.UNPLACED
    assert done.rows.get(case=bedridden).reason == "all_full"
    assert done.rows.get(case=light).volunteer_id == small.pk
    small.capacity = 4
    small.save()
    again = run(officer)
    assert again.rows.get(case=bedridden).volunteer_id == small.pk
    assert again.rows.get(case=light).volunteer_id == small.pk
    assert rows_accept(actor=officer, run=again) == {"accepted": 2, "failed": 0}
    assert [(x["before"], x["after"], x["capacity"]) for x in carer_loads(again)] == []
    assert sum(case_weights(Case.objects.filter(volunteer=small).values_list(
        "pk", flat=True)).values()) == 4


def test_accepting_is_refused_when_the_weight_would_exceed_the_capacity(officer: User) -> None:
    daily = Need.objects.get(code="daily_care", province_code="")
    v = carer("มานพ", 3, daily)
    severe = case_with(officer, "หนัก", daily_care=3)          # weight 2
    done = run(officer)
    row = done.rows.get(case=severe)
    assert row.volunteer_id == v.pk
    loads = carer_loads(done)
    assert [(x["before"], x["after"], x["capacity"]) for x in loads] == [(0, 2, 3)]
    # Meanwhile another severe person (weight 2) is assigned by hand: one head
    # of three, but four weight units of three if the row were accepted.
    assign(officer, case_with(officer, "มาก่อน", daily_care=3), v)
    assert rows_accept(actor=officer, run=done) == {"accepted": 0, "failed": 1}
    row.refresh_from_db()
    assert row.decision == "failed" and str(v) in row_decision(row)
    assert load(v) == 1
    # An officer may override, with a reason.
    row.decision = ""
    row.save()
    assert rows_accept(actor=officer, run=done, override_reason="ญาติช่วยดูแล") == {
        "accepted": 1, "failed": 0}
    assert load(v) == 2


def test_rebalancing_that_gives_a_carer_to_someone_more_severe_releases_the_first_person(
        officer: User) -> None:
    health = Need.objects.get(code="health", province_code="")
    v = carer("สุดา", 1, health)
    first = assign(officer, case_with(officer, "ดูแลอยู่", health=1), v)
    severe = case_with(officer, "หนัก", health=4)
    kept = run(officer)
    assert kept.rows.get(case=severe).kind == RowKind.UNPLACED   # care is kept by default
    moved = run(officer, rebalance=["84"])
    assert moved.rows.get(case=severe).volunteer_id == v.pk
    left = moved.rows.get(case=first)
    assert (left.kind, left.previous_volunteer_id) == (RowKind.UNPLACED, v.pk)
    assert rows_accept(actor=officer, run=moved) == {"accepted": 1, "failed": 0,
                                                      "released": 1}
    first.refresh_from_db()
    assert (first.status, first.volunteer_id) == ("verified", None)
    assert CaseEvent.objects.filter(case=first, action="release").exists()
    assert Case.objects.get(pk=severe.pk).volunteer_id == v.pk
    assert load(v) == 1


def test_a_swap_of_carers_is_accepted_as_one_chain(officer: User) -> None:
    health = Need.objects.get(code="health", province_code="")
    income = Need.objects.get(code="income", province_code="")
    v = carer("สุดา", 1, health)
    w = carer("มานพ", 1, income)
    a = assign(officer, case_with(officer, "เอ", health=3), w)   # each with the wrong one
    b = assign(officer, case_with(officer, "บี", income=3), v)
    done = run(officer, rebalance=["84"], params={"continuity_threshold": 10})
    assert done.rows.get(case=a).volunteer_id == v.pk
    assert done.rows.get(case=b).volunteer_id == w.pk
    # Each row alone puts its carer over capacity; together they fit.
    assert rows_accept(actor=officer, run=done) == {"accepted": 2, "failed": 0}
    assert Case.objects.get(pk=a.pk).volunteer_id == v.pk
    assert Case.objects.get(pk=b.pk).volunteer_id == w.pk
    assert (load(v), load(w)) == (1, 1)


def test_a_chain_that_cannot_finish_changes_nothing(officer: User) -> None:
    health = Need.objects.get(code="health", province_code="")
    income = Need.objects.get(code="income", province_code="")
    v = carer("สุดา", 1, health)
    w = carer("มานพ", 1, income)
    a = assign(officer, case_with(officer, "เอ", health=3), w)
    b = assign(officer, case_with(officer, "บี", income=3), v)
    done = run(officer, rebalance=["84"], params={"continuity_threshold": 10})
    # The officer rejects B's move: A cannot take V, and B is not released.
    b_row = done.rows.get(case=b)
    b_row.decision = "rejected"
    b_row.save()
    assert rows_accept(actor=officer, run=done) == {"accepted": 0, "failed": 1}
    assert Case.objects.get(pk=a.pk).volunteer_id == w.pk
    assert Case.objects.get(pk=b.pk).volunteer_id == v.pk
    assert not CaseEvent.objects.filter(action="release").exists()


def test_the_run_page_compares_each_carers_load_with_the_last_accepted_run(
        officer: User, client: Client) -> None:
    health = Need.objects.get(code="health", province_code="")
    v = carer("สุดา", 4, health)
    w = carer("มานพ", 4, health)
    first = run(officer)
    assert all(x["then"] is None for x in carer_loads(first))   # nothing accepted yet
    case_with(officer, "หนึ่ง", health=2)
    first = run(officer)
    assert rows_accept(actor=officer, run=first) == {"accepted": 1, "failed": 0}
    first.refresh_from_db()
    assert first.accepted_at is not None and sum(first.accepted_loads.values()) == 2
    # Since then: an officer assigned someone by hand to W, and a new case waits.
    assign(officer, case_with(officer, "สอง", health=2), w)
    case_with(officer, "สาม", daily_care=4)
    second = run(officer)
    loads = {x["id"]: x for x in carer_loads(second) if x["kind"] == "volunteer"}
    assert loads[w.pk]["then"] == 0 and loads[w.pk]["before"] == 1
    assert all(x["since"] == first.pk for x in loads.values())
    taker = next(x for x in loads.values() if x["after"] > x["before"])
    assert taker["after"] - taker["before"] == 3              # a bedridden person weighs 3
    client.force_login(officer)
    page = client.get(f"/matching/{second.pk}/").content.decode()
    assert f'data-then="{w.pk}:0"' in page and v.pk in loads


def test_releasing_a_carer_is_for_managers_of_the_area_and_needs_a_reason(
        officer: User, other_officer: User, stranger: User) -> None:
    from django.core.exceptions import ValidationError

    health = Need.objects.get(code="health", province_code="")
    case = assign(officer, case_with(officer, "ดูแลอยู่", health=2), carer("สุดา", 2, health))
    for outsider in (other_officer, stranger):
        with pytest.raises(PermissionError):
            case_step(actor=outsider, case=case, action="release",
                      expected_version=case.version, note="ย้ายไปอยู่กับญาติ")
    with pytest.raises(ValidationError):
        case_step(actor=officer, case=case, action="release", expected_version=case.version)
    case = case_step(actor=officer, case=case, action="release",
                     expected_version=case.version, note="ย้ายไปอยู่กับญาติ")
    assert (case.status, case.volunteer_id, case.network_id) == ("verified", None, None)
