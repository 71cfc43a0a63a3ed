"""The engine's rules on hand-made cases: severity first, continuity, each reason
for leaving someone unplaced, bad input, decomposition, the greedy baseline and
the shape of the result. No database."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lnob.matching.engine import (
    MatchingInputError,
    Network,
    Networks,
    Parameters,
    People,
    Person,
    Problem,
    Reason,
    Volunteer,
    Volunteers,
    graph,
    greedy,
    network,
    solve,
)
from lnob.matching.engine.compile import compile_problem
from lnob.matching.engine.graph import plan

from .reference import optimum2

# Surat Thani (84) › Ko Pha-ngan (8405) › Ko Tao (840503), its villages 01 and 02;
# Ban Tai (840501) in the same district; Krabi (81) is another province.
KO_TAO, BAN_TAI, KRABI_SD = "840503", "840501", "810101"
VILLAGE_1, VILLAGE_2 = "84050301", "84050302"


def problem(people: list[Person], volunteers: list[Volunteer],
            networks: list[Network] | None = None) -> Problem:
    if networks is None:
        networks = [Network(n, 1000) for n in sorted({v.network for v in volunteers}, key=str)]
    return Problem.from_records(people, volunteers, networks)


def placed_with(result: Any) -> dict[Any, Any]:
    return {p: a.volunteer for p, a in result.assignments().items()}


# --------------------------------------------------------------------- severity

def test_when_capacity_is_short_the_most_severe_are_placed_first() -> None:
    people = [Person(s, KO_TAO, {"health": s}, village=VILLAGE_1) for s in (1, 2, 3, 4, 5)]
    one = solve(problem(people, [Volunteer("v", "n", [KO_TAO], ["health"], 1)]))
    assert placed_with(one) == {5: "v"}
    two = solve(problem(people, [Volunteer("v", "n", [KO_TAO], ["health"], 2)]))
    assert placed_with(two) == {5: "v", 4: "v"}
    assert [u.person for u in two.unplaced()] == [1, 2, 3]
    assert {u.reason for u in two.unplaced()} == {Reason.ALL_FULL}


def test_severity_outweighs_distance_and_unmet_needs() -> None:
    # The less severe person would be much cheaper to place (own village, needs
    # served); the more severe one is far away and has a need the giver lacks.
    near = Person("near", KO_TAO, {"health": 2}, village=VILLAGE_1)
    far = Person("far", KRABI_SD[:2] + "0101", {"health": 3, "housing": 1})
    giver = Volunteer("v", "n", [VILLAGE_1, "81"], ["health"], 1)
    assert placed_with(solve(problem([near, far], [giver]))) == {"far": "v"}


def test_a_network_caps_its_volunteers_together() -> None:
    people = [Person(i, KO_TAO, {"health": 3}) for i in range(5)]
    volunteers = [Volunteer(f"v{i}", "n", [KO_TAO], ["health"], 3) for i in range(3)]
    result = solve(problem(people, volunteers, [Network("n", 2)]))
    assert result.placed == 2
    assert result.unplaced()[0].reason is Reason.ALL_FULL


# --------------------------------------------------------------------- continuity

def continuity_case(threshold: int, current_area: str) -> Any:
    person = Person("p", KO_TAO, {"health": 3}, village=VILLAGE_1, current_giver="old")
    old = Volunteer("old", "n", [current_area], ["health"], 1)
    new = Volunteer("new", "n", [VILLAGE_1], ["health"], 1)
    return solve(problem([person], [old, new]), Parameters(continuity_threshold=threshold),
                 rebalance=[""])


def test_a_current_giver_stays_unless_moving_gains_more_than_the_threshold() -> None:
    # Subdistrict (10) → village (0) gains 10.
    stays = continuity_case(50, KO_TAO).assignments()["p"]
    assert stays.volunteer == "old" and stays.kept and stays.cost == 10 - 50.5
    assert continuity_case(10, KO_TAO).assignments()["p"].volunteer == "old"  # gain = threshold
    moved = continuity_case(9, KO_TAO).assignments()["p"]
    assert moved.volunteer == "new" and not moved.kept and moved.previous == "old"
    # Province (60) → village (0) gains 60 > 50.
    assert continuity_case(50, "84").assignments()["p"].volunteer == "new"


def test_a_current_giver_who_no_longer_covers_the_person_gives_no_bonus() -> None:
    person = Person("p", KO_TAO, {"health": 3}, current_giver="old")
    old = Volunteer("old", "n", [BAN_TAI], ["health"], 1)
    new = Volunteer("new", "n", ["8405"], ["health"], 1)
    a = solve(problem([person], [old, new]), rebalance=["84"]).assignments()["p"]
    assert (a.volunteer, a.previous, a.kept, a.cost) == ("new", "old", False, 30)


def test_continuity_holds_under_competition() -> None:
    # Both want the village volunteer; the one it already follows keeps it.
    kept = Person("kept", KO_TAO, {"health": 3}, village=VILLAGE_1, current_giver="v")
    other = Person("other", KO_TAO, {"health": 3}, village=VILLAGE_1)
    volunteers = [Volunteer("v", "n", [VILLAGE_1], ["health"], 1),
                  Volunteer("w", "n", [KO_TAO], ["health"], 1)]
    assert placed_with(solve(problem([kept, other], volunteers), rebalance=["8405"])) == {
        "kept": "v", "other": "w"}


# --------------------------------------------------------------------- reasons

def test_every_unplaced_person_has_a_reason_in_thai_and_english() -> None:
    people = [
        Person("nobody", KRABI_SD, {"health": 5}, village=KRABI_SD + "01"),
        Person("severe", KO_TAO, {"income": 5}),
        Person("no-need", KO_TAO, {"legal_status": 1}),
        Person("full", BAN_TAI, {"income": 2}),
    ]
    volunteers = [Volunteer("v-income", "n", ["8405"], ["income"], 1)]
    result = solve(problem(people, volunteers))
    assert placed_with(result) == {"severe": "v-income"}
    reasons = {u.person: u for u in result.unplaced()}
    assert reasons["nobody"].reason is Reason.NO_COVERAGE
    assert "81010101" in reasons["nobody"].message_en and KRABI_SD in reasons["nobody"].message_en
    assert reasons["nobody"].message_th.startswith("ไม่มีผู้ให้")
    assert reasons["no-need"].reason is Reason.NO_NEED_SERVED
    assert reasons["no-need"].main_need == "legal_status"
    assert "legal_status" in reasons["no-need"].message_en
    assert "ความต้องการหลัก" in reasons["no-need"].message_th
    assert reasons["full"].reason is Reason.ALL_FULL
    assert reasons["full"].full_givers == ("v-income",)
    assert "v-income" in reasons["full"].message_en and "เต็ม" in reasons["full"].message_th
    assert result.reason_counts() == {Reason.NO_COVERAGE: 1, Reason.NO_NEED_SERVED: 1,
                                      Reason.ALL_FULL: 1, Reason.TOO_COSTLY: 0,
                                      Reason.MUST_NOT_SERVED: 0}


def test_no_need_served_is_a_penalty_not_a_bar() -> None:
    """Someone whose main need no covering giver serves is still placed when there
    is room (at the cost of the unmet need); the reason only explains why they
    stayed out when they do."""
    alone = solve(problem([Person("p", KO_TAO, {"legal_status": 2})],
                          [Volunteer("v", "n", [KO_TAO], ["income"], 1)]))
    assert alone.assignments()["p"].cost == 10 + 40


def test_all_full_names_the_nearest_full_givers_first() -> None:
    person = Person("p", KO_TAO, {"health": 1}, village=VILLAGE_1)
    taker = Person("taker", KO_TAO, {"health": 5}, village=VILLAGE_1)
    volunteers = [Volunteer("far", "n", ["84"], ["health"], 1),
                  Volunteer("near", "n", [VILLAGE_1], ["health"], 1),
                  Volunteer("mid", "n", [KO_TAO], ["health"], 0)]
    result = solve(problem([person, taker, Person("t2", KO_TAO, {"health": 5})], volunteers),
                   Parameters(named_full_givers=2))
    u = next(u for u in result.unplaced() if u.person == "p")
    assert u.reason is Reason.ALL_FULL
    assert u.full_givers == ("near", "mid") and u.more_full_givers == 1
    assert u.message_en == "All suitable givers are full: near, mid and 1 more."
    assert u.message_th == "ผู้ให้ที่เหมาะสมเต็มทุกราย: near, mid และอีก 1 ราย"


def test_too_costly_when_the_weights_make_leaving_cheaper() -> None:
    person = Person("p", KO_TAO, {"health": 1, "income": 1, "housing": 1})
    giver = Volunteer("v", "n", ["84"], ["health"], 1)
    result = solve(problem([person], [giver]),
                   Parameters(unmet_need_cost=40, unplaced_cost_per_severity=100,
                              urgent_cost=50))
    (u,) = result.unplaced()
    assert u.reason is Reason.TOO_COSTLY and "costs less" in u.message_en
    assert result.total_cost == 100


def test_totals_per_subdistrict_show_the_holes() -> None:
    people = [Person(i, KO_TAO, {"health": 3}) for i in range(4)] + [
        Person("b", BAN_TAI, {"health": 3}), Person("k", KRABI_SD, {"health": 3})]
    volunteers = [Volunteer("v", "n", [KO_TAO], ["health"], 2),
                  Volunteer("d", "n", ["8405"], ["health"], 1)]
    result = solve(problem(people, volunteers, [Network("n", 2)]))
    totals = {t.subdistrict: t for t in result.subdistricts}
    assert (totals[KO_TAO].demand, totals[KO_TAO].capacity) == (4, 3)  # 2 + 1, each ≤ network
    assert (totals[BAN_TAI].demand, totals[BAN_TAI].capacity) == (1, 1)
    assert (totals[KRABI_SD].capacity, totals[KRABI_SD].unplaced) == (0, 1)
    assert sum(t.placed for t in totals.values()) == result.placed == 2
    assert sum(t.unplaced for t in totals.values()) == result.unplaced_count == 4
    assert totals[KO_TAO].unplaced == 2 and totals[KO_TAO].is_hole
    assert [t.subdistrict for t in result.holes()] == [KO_TAO, KRABI_SD, BAN_TAI]


# --------------------------------------------------------------------- bad input

GOOD_PERSON = Person("p1", KO_TAO, {"health": 2}, village=VILLAGE_1)
GOOD_VOLUNTEER = Volunteer("v1", "n1", [KO_TAO], ["health"], 3)
GOOD_NETWORK = Network("n1", 5)


@pytest.mark.parametrize(("people", "volunteers", "networks", "record", "rid", "field", "code"), [
    ([GOOD_PERSON], [Volunteer("v1", "n1", [KO_TAO], ["health"], -1)], [GOOD_NETWORK],
     "volunteer", "v1", "capacity", "negative"),
    ([GOOD_PERSON], [Volunteer("v1", "n1", [KO_TAO], ["health"], None)], [GOOD_NETWORK],
     "volunteer", "v1", "capacity", "missing"),
    ([GOOD_PERSON], [GOOD_VOLUNTEER], [Network("n1", -2)], "network", "n1", "capacity",
     "negative"),
    ([GOOD_PERSON], [GOOD_VOLUNTEER], [Network("n1", None)], "network", "n1", "capacity",
     "missing"),
    ([GOOD_PERSON], [Volunteer("v1", "n1", [], ["health"], 3)], [GOOD_NETWORK],
     "volunteer", "v1", "areas", "no_area"),
    ([GOOD_PERSON], [Volunteer("v1", "n1", ["8405x"], ["health"], 3)], [GOOD_NETWORK],
     "volunteer", "v1", "areas", "bad_code"),
    ([GOOD_PERSON], [Volunteer("v1", "n1", ["840"], ["health"], 3)], [GOOD_NETWORK],
     "volunteer", "v1", "areas", "bad_code"),
    ([GOOD_PERSON], [Volunteer("v1", "n9", [KO_TAO], ["health"], 3)], [GOOD_NETWORK],
     "volunteer", "v1", "network", "unknown_network"),
    ([Person("p1", None, {"health": 2})], [GOOD_VOLUNTEER], [GOOD_NETWORK],
     "person", "p1", "subdistrict", "missing"),
    ([Person("p1", "", {"health": 2})], [GOOD_VOLUNTEER], [GOOD_NETWORK],
     "person", "p1", "subdistrict", "missing"),
    ([Person("p1", "84050", {"health": 2})], [GOOD_VOLUNTEER], [GOOD_NETWORK],
     "person", "p1", "subdistrict", "bad_code"),
    ([Person("p1", "๘๔๐๕๐๓", {"health": 2})], [GOOD_VOLUNTEER], [GOOD_NETWORK],
     "person", "p1", "subdistrict", "bad_code"),
    ([Person("p1", KO_TAO, {"health": 2}, village="84050101")], [GOOD_VOLUNTEER],
     [GOOD_NETWORK], "person", "p1", "village", "bad_code"),
    ([Person("p1", KO_TAO, {"health": 2}, province="81")], [GOOD_VOLUNTEER], [GOOD_NETWORK],
     "person", "p1", "province", "bad_code"),
    ([Person("p1", KO_TAO, {"health": 2}, district="8401")], [GOOD_VOLUNTEER],
     [GOOD_NETWORK], "person", "p1", "district", "bad_code"),
    ([Person("p1", KO_TAO, {})], [GOOD_VOLUNTEER], [GOOD_NETWORK], "person", "p1", "needs",
     "no_need"),
    ([Person("p1", KO_TAO, {"health": 0})], [GOOD_VOLUNTEER], [GOOD_NETWORK], "person", "p1",
     "severity", "out_of_range"),
    ([Person("p1", KO_TAO, {"health": 6})], [GOOD_VOLUNTEER], [GOOD_NETWORK], "person", "p1",
     "severity", "out_of_range"),
    ([Person("p1", KO_TAO, {"": 2})], [GOOD_VOLUNTEER], [GOOD_NETWORK], "person", "p1",
     "needs", "bad_need"),
    ([GOOD_PERSON, GOOD_PERSON], [GOOD_VOLUNTEER], [GOOD_NETWORK], "person", "p1", "id",
     "duplicate"),
    ([Person("p1", KO_TAO, {"health": 2}, current_giver="v9")], [GOOD_VOLUNTEER],
     [GOOD_NETWORK], "person", "p1", "current_giver", "unknown_giver"),
])
def test_bad_input_names_the_record_and_the_field(people: list[Person],
                                                  volunteers: list[Volunteer],
                                                  networks: list[Network], record: str,
                                                  rid: str, field: str, code: str) -> None:
    with pytest.raises(MatchingInputError) as caught:
        solve(Problem.from_records(people, volunteers, networks))
    err = caught.value
    assert (err.record, err.record_id, err.field, err.code) == (record, rid, field, code)
    assert rid in err.message_en and str(err) == err.message_en
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in err.message_th)  # Thai script
    with pytest.raises(MatchingInputError):
        greedy(Problem.from_records(people, volunteers, networks))


@pytest.mark.parametrize(("changes", "field"), [
    ({"cost_same_village": -1}, "cost_same_village"),
    ({"cost_same_subdistrict": 0}, "cost_same_subdistrict"),
    ({"cost_same_district": 70}, "cost_same_province"),
    ({"unplaced_cost_per_severity": 60}, "unplaced_cost_per_severity"),
    ({"unmet_need_cost": 10**7}, "unmet_need_cost"),
    ({"continuity_threshold": True}, "continuity_threshold"),
    ({"continuity_threshold": 1.5}, "continuity_threshold"),
    ({"named_full_givers": 51}, "named_full_givers"),
])
def test_a_parameter_out_of_range_is_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(MatchingInputError) as caught:
        solve(problem([GOOD_PERSON], [GOOD_VOLUNTEER]), Parameters(**changes))
    assert (caught.value.record, caught.value.field) == ("parameters", field)
    assert caught.value.message_th


def test_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="workers"):
        solve(problem([GOOD_PERSON], [GOOD_VOLUNTEER]), workers=0)


# --------------------------------------------------------------------- scale and shape

def random_problem(seed: int, people: int, volunteers: int) -> tuple[list[Person],
                                                                   list[Volunteer],
                                                                   list[Network]]:
    """Two provinces, eight subdistricts, villages, a few province-wide givers;
    networks of a few volunteers within a subdistrict."""
    rng = random.Random(seed)
    subdistricts = [f"{p}{d:02d}{s:02d}" for p in (84, 81) for d in (1, 5) for s in (1, 3)]
    needs = ("health", "income", "housing", "daily_care", "education")
    out_people = []
    vols = []
    for i in range(volunteers):
        sd = rng.choice(subdistricts)
        area = rng.choice([sd + "01", sd + "02", sd, sd, sd[:4], sd[:2] if i % 40 == 0 else sd])
        vols.append(Volunteer(f"v{i}", f"n{sd}-{rng.randrange(4)}", [area],
                              rng.sample(needs, rng.randint(1, 3)), rng.randint(0, 6)))
    for i in range(people):
        sd = rng.choice(subdistricts)
        current = vols[rng.randrange(volunteers)].id if rng.random() < 0.2 else None
        out_people.append(Person(i, sd, {n: rng.randint(1, 5) for n in rng.sample(
            needs, rng.randint(1, 3))}, village=rng.choice([None, sd + "01", sd + "02"]),
            current_giver=current))
    networks = [Network(n, rng.randint(3, 25)) for n in sorted({v.network for v in vols})]
    return out_people, vols, networks


def test_a_medium_instance_matches_the_exact_optimum() -> None:
    people, volunteers, networks = random_problem(6, 300, 60)
    result = solve(Problem.from_records(people, volunteers, networks))
    assert round(result.total_cost * 2) == optimum2(people, volunteers, networks, Parameters())


def test_decomposition_grouping_and_workers_give_the_same_cost(monkeypatch: Any) -> None:
    people, volunteers, networks = random_problem(7, 4000, 500)
    prob = Problem.from_records(people, volunteers, networks)
    monkeypatch.setattr(graph, "BLOCK_ARCS", 1)  # one block per component
    split = solve(prob, rebalance=[""])
    assert split.stats["blocks"] == split.stats["components"] > 1
    assert split.stats["groups"] < len(people)
    whole = solve(prob, decompose=False, group=False, rebalance=[""])
    assert whole.stats["blocks"] == 1
    assert whole.total_cost == split.total_cost
    calls: list[tuple[int, int]] = []
    parallel = solve(prob, workers=2, rebalance=[""],
                     progress=lambda done, total: calls.append((done, total)))
    assert parallel.total_cost == split.total_cost
    assert calls[-1] == (split.stats["blocks"], split.stats["blocks"])
    assert parallel.placed == split.placed


def test_parts_packed_in_one_block_each_get_their_own_sink(monkeypatch: Any) -> None:
    people, volunteers, networks = random_problem(7, 4000, 500)
    prob = Problem.from_records(people, volunteers, networks)
    packed = solve(prob)
    assert packed.stats["blocks"] < packed.stats["components"]
    block = plan(compile_problem(prob), Parameters()).blocks[0]
    net = network.build(block)
    sinks = np.unique(net.heads[np.isin(net.heads, net.tails, invert=True)])
    assert sinks.size == np.unique(block.g_part).size > 1
    monkeypatch.setattr(graph, "BLOCK_ARCS", 1)
    split = solve(prob)
    assert packed.total_cost == split.total_cost
    assert packed.placed == split.placed


def test_columns_and_records_give_the_same_result() -> None:
    people, volunteers, networks = random_problem(8, 500, 80)
    records = solve(Problem.from_records(people, volunteers, networks))
    columns = Problem(
        People(ids=np.arange(len(people)),
               subdistricts=np.array([p.subdistrict for p in people]),
               villages=np.array([p.village or "" for p in people]),
               need_offsets=np.cumsum([0] + [len(p.needs) for p in people]),
               need_codes=np.array([n for p in people for n in p.needs]),
               need_severities=np.array([s for p in people for s in p.needs.values()]),
               current_givers=np.array([p.current_giver for p in people], dtype=object)),
        Volunteers(ids=np.array([v.id for v in volunteers]),
                   networks=np.array([v.network for v in volunteers]),
                   capacities=np.array([v.capacity for v in volunteers]),
                   area_offsets=np.cumsum([0] + [len(v.areas) for v in volunteers]),
                   area_codes=np.array([a for v in volunteers for a in v.areas]),
                   need_offsets=np.cumsum([0] + [len(v.needs) for v in volunteers]),
                   need_codes=np.array([n for v in volunteers for n in v.needs])),
        Networks(ids=np.array([n.id for n in networks]),
                 capacities=np.array([n.capacity for n in networks])))
    by_columns = solve(columns)
    assert by_columns.total_cost == records.total_cost
    assert by_columns.assignments() == records.assignments()
    assert [u.reason for u in by_columns.unplaced()] == [u.reason for u in records.unplaced()]


# --------------------------------------------------------------------- greedy

def test_the_engine_places_more_than_greedy_where_greedy_takes_the_wrong_giver() -> None:
    # Greedy gives the severe person their nearest giver, the only one who covers
    # the other person; the engine sends the severe one a little further.
    a = Person("a", KO_TAO, {"health": 5}, village=VILLAGE_1)
    b = Person("b", BAN_TAI, {"health": 4})
    volunteers = [Volunteer("x", "n", [VILLAGE_1, BAN_TAI], ["health"], 1),
                  Volunteer("y", "n", [KO_TAO], ["health"], 1)]
    prob = problem([a, b], volunteers)
    engine, baseline = solve(prob), greedy(prob)
    assert placed_with(baseline) == {"a": "x"}
    assert placed_with(engine) == {"a": "y", "b": "x"}
    assert engine.placed > baseline.placed and engine.total_cost < baseline.total_cost


def test_the_engine_costs_less_than_greedy_at_the_same_count() -> None:
    a = Person("a", KO_TAO, {"health": 5}, village=VILLAGE_1)
    b = Person("b", KO_TAO, {"income": 4}, village=VILLAGE_1)
    volunteers = [Volunteer("both", "n", [VILLAGE_1], ["health", "income"], 1),
                  Volunteer("health-only", "n", [VILLAGE_1], ["health"], 1)]
    prob = problem([a, b], volunteers)
    engine, baseline = solve(prob), greedy(prob)
    assert engine.placed == baseline.placed == 2
    assert placed_with(engine) == {"a": "health-only", "b": "both"}
    assert engine.total_cost == baseline.total_cost - 40


# --------------------------------------------------------------------- purity

def test_the_engine_imports_no_django() -> None:
    engine_dir = Path(__file__).resolve().parents[1]
    for path in engine_dir.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+django", text, re.MULTILINE), path
    code = ("import sys, lnob.matching.engine; "
            "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))")
    # A fixed command line: this interpreter, a literal script.
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603
