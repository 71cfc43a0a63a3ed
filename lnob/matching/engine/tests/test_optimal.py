"""The engine against an independent exact optimum, on small random instances:
same total cost as a MILP over one variable per (person, volunteer), no capacity
or coverage rule broken, whatever the decomposition, grouping or network shape;
and the priority of severity under the default weights."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lnob.matching.engine import (
    Id,
    Network,
    Parameters,
    Person,
    Problem,
    Volunteer,
    greedy,
    network,
    solve,
)

from .reference import cost2, level, optimum2, unplaced2

# A small real-looking geography: Surat Thani (84) and Krabi (81).
SUBDISTRICTS = ("840101", "840102", "840501", "840503", "810101", "810102")
NEEDS = ("health", "income", "housing", "daily_care")
AREAS = (*SUBDISTRICTS, "84", "81", "8401", "8405", "8101", "84050301", "84050302",
         "84010101", "81010101", "81010201")


@st.composite
def instances(draw: Any) -> tuple[list[Person], list[Volunteer], list[Network], Parameters]:
    n_net = draw(st.integers(1, 3))
    networks = [Network(f"n{i}", draw(st.integers(0, 6))) for i in range(n_net)]
    n_vol = draw(st.integers(0, 6))
    volunteers = [
        Volunteer(f"v{i}", f"n{draw(st.integers(0, n_net - 1))}",
                  draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=3, unique=True)),
                  draw(st.lists(st.sampled_from(NEEDS), max_size=4, unique=True)),
                  draw(st.integers(0, 3)))
        for i in range(n_vol)]
    people = []
    for i in range(draw(st.integers(1, 12))):
        sd = draw(st.sampled_from(SUBDISTRICTS))
        village = draw(st.sampled_from((None, sd + "01", sd + "02")))
        needs = draw(st.dictionaries(st.sampled_from(NEEDS), st.integers(1, 5), min_size=1,
                                     max_size=3))
        current = draw(st.sampled_from([None, *(v.id for v in volunteers)]))
        people.append(Person(i, sd, needs, village=village, current_giver=current))
    tiers = sorted(draw(st.lists(st.integers(0, 80), min_size=4, max_size=4, unique=True)))
    params = Parameters(
        cost_same_village=tiers[0], cost_same_subdistrict=tiers[1],
        cost_same_district=tiers[2], cost_same_province=tiers[3],
        unmet_need_cost=draw(st.integers(0, 60)),
        continuity_threshold=draw(st.integers(0, 70)),
        unplaced_cost_per_severity=draw(st.integers(tiers[3] + 1, 200)))
    return people, volunteers, networks, params


def check_feasible(result: Any, people: list[Person], volunteers: list[Volunteer],
                   networks: list[Network], params: Parameters) -> int:
    """No rule broken; returns twice the total cost, recomputed independently."""
    by_id = {v.id: v for v in volunteers}
    assignments = result.assignments()
    load: dict[Id, int] = {}
    net_load: dict[Id, int] = {}
    total2 = 0
    for person in people:
        a = assignments.get(person.id)
        if a is None:
            total2 += unplaced2(person, params)
            continue
        vol = by_id[a.volunteer]
        assert a.network == vol.network
        assert level(person, vol) is not None, "placed outside the volunteer's coverage"
        c2 = cost2(person, vol, params)
        assert c2 is not None and a.cost * 2 == c2
        total2 += c2
        load[vol.id] = load.get(vol.id, 0) + 1
        net_load[vol.network] = net_load.get(vol.network, 0) + 1
    for vol in volunteers:
        assert load.get(vol.id, 0) <= (vol.capacity or 0)
    for net in networks:
        assert net_load.get(net.id, 0) <= (net.capacity or 0)
    assert result.placed + result.unplaced_count == len(people)
    assert len(result.unplaced()) == result.unplaced_count
    assert total2 == round(result.total_cost * 2)
    return total2


# How each (area, needs) reaches its volunteers: direct arcs, arcs to hubs, or a
# shared entry node; the engine picks by size, these force one kind everywhere.
SHAPES = {"chosen": (1.0, 1.5, 2.5), "direct": (1.0, 1e9, 1e9), "hubs": (1e9, 1.0, 1e9),
          "entries": (1e9, 1e9, 1.0)}


def solve_shaped(problem: Problem, params: Parameters, shape: str, **options: Any) -> Any:
    saved = (network.DIRECT_WEIGHT, network.FLAT_WEIGHT, network.ENTRY_WEIGHT)
    network.DIRECT_WEIGHT, network.FLAT_WEIGHT, network.ENTRY_WEIGHT = SHAPES[shape]
    try:
        return solve(problem, params, **options)
    finally:
        network.DIRECT_WEIGHT, network.FLAT_WEIGHT, network.ENTRY_WEIGHT = saved


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(sorted(SHAPES)))
def test_cost_equals_the_exact_optimum_and_no_rule_is_broken(instance: Any, shape: str) -> None:
    people, volunteers, networks, params = instance
    problem = Problem.from_records(people, volunteers, networks)
    result = solve_shaped(problem, params, shape)
    total2 = check_feasible(result, people, volunteers, networks, params)
    assert total2 == optimum2(people, volunteers, networks, params)
    # Decomposition and grouping change nothing but the time.
    whole = solve_shaped(problem, params, shape, decompose=False, group=False)
    assert whole.total_cost == result.total_cost
    check_feasible(whole, people, volunteers, networks, params)
    # The greedy baseline obeys the same rules and is never better.
    baseline = greedy(problem, params)
    assert check_feasible(baseline, people, volunteers, networks, params) >= total2


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_with_default_weights_no_one_is_left_out_for_someone_less_severe(instance: Any) -> None:
    """If an unplaced person could use a volunteer who took a less severe person,
    swapping them would lower the cost (a severity step, 1,000, is more than any
    placement's cost difference here), so the optimum never does that."""
    people, volunteers, networks, _ = instance
    params = Parameters()
    result = solve(Problem.from_records(people, volunteers, networks), params)
    placed = result.assignments()
    by_id = {v.id: v for v in volunteers}
    for person in people:
        if person.id in placed:
            continue
        for other in people:
            a = placed.get(other.id)
            if a is not None and level(person, by_id[a.volunteer]) is not None:
                assert max(person.needs.values()) <= max(other.needs.values())
