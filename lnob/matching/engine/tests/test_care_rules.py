"""Issue #15 on hand-made cases: current care fixed by default (rebalancing only
where asked), urgent and longest waiting first, must-serve needs, distance in
words, ids of any type, and a run never failed by one record. No database."""

from __future__ import annotations

import pytest

from lnob.matching.engine import (
    MatchingInputError,
    Network,
    Parameters,
    Person,
    Problem,
    Reason,
    Volunteer,
    solve,
    usable,
)

KO_TAO, BAN_TAI = "840503", "840501"
VILLAGE_1 = "84050301"


def test_a_person_in_care_keeps_their_carer_and_uses_up_a_place() -> None:
    # The village volunteer already follows "cared" (severity 1); "severe"
    # (severity 5) would have taken the place with continuity as a mere bonus.
    cared = Person("cared", KO_TAO, {"health": 1}, village=VILLAGE_1, current_giver="v")
    severe = Person("severe", KO_TAO, {"health": 5}, village=VILLAGE_1)
    problem = Problem.from_records([cared, severe], [Volunteer("v", "n", [VILLAGE_1],
                                                               ["health"], 1)],
                                   [Network("n", 5)])
    result = solve(problem)
    a = result.assignments()["cared"]
    assert a.volunteer == "v" and a.fixed and a.kept and a.cost == 0
    assert result.unplaced()[0].person == "severe"
    assert result.unplaced()[0].reason is Reason.ALL_FULL
    # Asked to rebalance the district, the run may move them.
    moved = solve(problem, rebalance=["8405"])
    assert {p: a.volunteer for p, a in moved.assignments().items()} == {"severe": "v"}
    # Rebalancing elsewhere changes nothing here.
    assert "severe" not in solve(problem, rebalance=["8401"]).assignments()


def test_fixed_care_is_deducted_from_the_network_too() -> None:
    people = [Person("a", KO_TAO, {"health": 2}, current_giver="v1"),
              Person("b", KO_TAO, {"health": 2})]
    volunteers = [Volunteer("v1", "n", [KO_TAO], ["health"], 3),
                  Volunteer("v2", "n", [KO_TAO], ["health"], 3)]
    result = solve(Problem.from_records(people, volunteers, [Network("n", 1)]))
    assert set(result.assignments()) == {"a"}


def test_a_kept_carer_who_no_longer_covers_the_person_is_kept_and_said_so() -> None:
    person = Person("p", KO_TAO, {"health": 3}, current_giver="far")
    result = solve(Problem.from_records(
        [person], [Volunteer("far", "n", [BAN_TAI], ["health"], 1)], [Network("n", 1)]))
    a = result.assignments()["p"]
    assert a.volunteer == "far" and a.fixed and a.distance == "outside"


def test_urgent_comes_before_the_same_severity_and_not_before_a_higher_one() -> None:
    volunteers = [Volunteer("v", "n", [KO_TAO], ["health"], 1)]
    waiting = Person("waiting", KO_TAO, {"health": 3}, waiting_since=1)
    urgent = Person("urgent", KO_TAO, {"health": 3}, urgent=True, waiting_since=9)
    result = solve(Problem.from_records([waiting, urgent], volunteers, [Network("n", 1)]))
    assert list(result.assignments()) == ["urgent"]
    severe = Person("severe", KO_TAO, {"health": 4})
    result = solve(Problem.from_records([urgent, severe], volunteers, [Network("n", 1)]))
    assert list(result.assignments()) == ["severe"]


def test_among_equals_the_longest_waiting_is_placed() -> None:
    volunteers = [Volunteer("v", "n", [KO_TAO], ["health"], 2)]
    people = [Person(f"p{i}", KO_TAO, {"health": 3}, waiting_since=since)
              for i, since in enumerate((30, 10, 20))]
    result = solve(Problem.from_records(people, volunteers, [Network("n", 5)]))
    assert set(result.assignments()) == {"p1", "p2"}      # opened on days 10 and 20
    # Without dates, the input order: the first have waited longest.
    plain = [Person(f"q{i}", KO_TAO, {"health": 3}) for i in range(3)]
    result = solve(Problem.from_records(plain, volunteers, [Network("n", 5)]))
    assert set(result.assignments()) == {"q0", "q1"}


def test_a_must_serve_need_is_a_rule_not_a_weight() -> None:
    person = Person("p", KO_TAO, {"medical": 2, "income": 4}, village=VILLAGE_1)
    near = Volunteer("near", "n", [VILLAGE_1], ["income"], 1)
    far = Volunteer("far", "n", ["84"], ["medical"], 1)
    weights = Problem.from_records([person], [near, far], [Network("n", 5)])
    assert solve(weights).assignments()["p"].volunteer == "near"   # 0 + 40 < 60 + 40
    rule = Problem.from_records([person], [near, far], [Network("n", 5)],
                                must_serve=["medical"])
    a = solve(rule).assignments()["p"]
    assert (a.volunteer, a.distance) == ("far", "same_province")
    alone = Problem.from_records([person], [near], [Network("n", 5)], must_serve=["medical"])
    (u,) = solve(alone).unplaced()
    assert u.reason is Reason.MUST_NOT_SERVED
    assert "must be served" in u.message_en and "ต้องได้รับการช่วยเหลือ" in u.message_th


def test_distance_is_given_in_words() -> None:
    people = [Person("village", KO_TAO, {"health": 1}, village=VILLAGE_1),
              Person("subdistrict", KO_TAO, {"health": 1}, village="84050302"),
              Person("district", BAN_TAI, {"health": 1})]
    volunteers = [Volunteer("v1", "n", [VILLAGE_1], ["health"], 1),
                  Volunteer("v2", "n", [KO_TAO], ["health"], 1),
                  Volunteer("v3", "n", ["8405"], ["health"], 1)]
    result = solve(Problem.from_records(people, volunteers, [Network("n", 5)]))
    assert {p: a.distance for p, a in result.assignments().items()} == {
        "village": "same_village", "subdistrict": "same_subdistrict",
        "district": "same_district"}


def test_ids_of_mixed_types_keep_their_type() -> None:
    # A volunteer of no network is its own network "v7": ids 1 and "v7" together.
    volunteers = [Volunteer(5, 1, [KO_TAO], ["health"], 1),
                  Volunteer(7, "v7", [KO_TAO], ["health"], 1)]
    people = [Person(1, KO_TAO, {"health": 3}, current_giver=7),
              Person("x", KO_TAO, {"health": 2})]
    result = solve(Problem.from_records(people, volunteers, [Network(1, 2), Network("v7", 1)]))
    assert {p: (a.volunteer, a.network) for p, a in result.assignments().items()} == {
        1: (7, "v7"), "x": (5, 1)}


def test_one_bad_record_is_left_out_named_and_the_rest_is_solved() -> None:
    people = [Person("ok", KO_TAO, {"health": 3}),
              Person("gone-carer", KO_TAO, {"health": 4}, current_giver="retired"),
              Person("no-area", None, {"health": 2}),
              Person("moved", KO_TAO, {"health": 2}, village="81010101")]
    volunteers = [Volunteer("v", "n", [KO_TAO], ["health"], 3),
                  Volunteer("nowhere", "n", [], ["health"], 3),
                  Volunteer("orphan", "missing-network", [KO_TAO], ["health"], 3)]
    problem = Problem.from_records(people, volunteers, [Network("n", 5)])
    with pytest.raises(MatchingInputError):
        solve(problem)
    clean, left = usable(problem)
    assert [(x.record, x.record_id, x.code, x.kept) for x in left] == [
        ("volunteer", "orphan", "unknown_network", False),
        ("volunteer", "nowhere", "no_area", False),
        ("person", "no-area", "missing", False),
        ("person", "moved", "bad_code", False),
        ("person", "gone-carer", "unknown_giver", True)]
    assert all(x.message_en and x.message_th for x in left)
    result = solve(clean)
    assert set(result.assignments()) == {"ok", "gone-carer"}


def test_a_bad_parameter_still_fails_the_run() -> None:
    with pytest.raises(MatchingInputError) as err:
        solve(Problem.from_records([], [], []), Parameters(urgent_cost=1000))
    assert err.value.field == "urgent_cost"


def test_loads_are_evened_out_within_a_network_where_the_cost_is_equal() -> None:
    people = [Person(f"p{i}", KO_TAO, {"health": 2}) for i in range(6)]
    volunteers = [Volunteer("big", "n", [KO_TAO], ["health"], 6),
                  Volunteer("small", "n", [KO_TAO], ["health"], 3),
                  Volunteer("busy", "n", [KO_TAO], ["health"], 3)]
    kept = Person("kept", KO_TAO, {"health": 2}, current_giver="busy")
    problem = Problem.from_records([*people, kept], volunteers, [Network("n", 20)])
    result = solve(problem)
    loads = {v.id: 0 for v in volunteers}
    for a in result.assignments().values():
        loads[a.volunteer] += 1
    # 7 people on 12 places: about 58 % each — 4 of 6, 2 of 3, 1 kept + 0-1 of 3.
    assert loads == {"big": 3, "small": 2, "busy": 2} or loads == {"big": 4, "small": 2,
                                                                  "busy": 1}
    assert max(loads[v.id] / (v.capacity or 1) for v in volunteers) <= 2 / 3
    unbalanced = solve(problem, balance=False)
    assert unbalanced.total_cost == result.total_cost
