"""The engine against an independent exact optimum, on small random instances:
same total cost as a MILP over one variable per (person, volunteer), no capacity
or coverage rule broken, whatever the decomposition, grouping or network shape,
with current care fixed or rebalanced, urgent people and must-serve needs; and
the guarantees under the default weights: severity first, urgent before anyone
of the same or lower severity, the longest waiting first among equals."""

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

from .reference import cost2, is_fixed, level, optimum2, unplaced2

# A small real-looking geography: Surat Thani (84) and Krabi (81).
SUBDISTRICTS = ("840101", "840102", "840501", "840503", "810101", "810102")
NEEDS = ("health", "income", "housing", "daily_care")
AREAS = (*SUBDISTRICTS, "84", "81", "8401", "8405", "8101", "84050301", "84050302",
         "84010101", "81010101", "81010201")


@st.composite
def instances(draw: Any) -> tuple[list[Person], list[Volunteer], list[Network], Parameters,
                                  frozenset[str], tuple[str, ...]]:
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
        people.append(Person(i, sd, needs, village=village, current_giver=current,
                             urgent=draw(st.booleans()),
                             waiting_since=draw(st.integers(0, 5))))
    tiers = sorted(draw(st.lists(st.integers(0, 80), min_size=4, max_size=4, unique=True)))
    per_severity = draw(st.integers(tiers[3] + 1, 200))
    params = Parameters(
        cost_same_village=tiers[0], cost_same_subdistrict=tiers[1],
        cost_same_district=tiers[2], cost_same_province=tiers[3],
        unmet_need_cost=draw(st.integers(0, 60)),
        continuity_threshold=draw(st.integers(0, 70)),
        unplaced_cost_per_severity=per_severity,
        urgent_cost=draw(st.integers(0, per_severity - 1)))
    must = frozenset(draw(st.lists(st.sampled_from(NEEDS), max_size=2, unique=True)))
    rebalance = tuple(draw(st.lists(st.sampled_from(("", "84", "8405", "810101")),
                                    max_size=2, unique=True)))
    return people, volunteers, networks, params, must, rebalance


def check_feasible(result: Any, people: list[Person], volunteers: list[Volunteer],
                   networks: list[Network], params: Parameters,
                   must: frozenset[str] = frozenset(), rebalance: tuple[str, ...] = ()) -> int:
    """No rule broken; returns twice the total cost, recomputed independently.
    Fixed care stays as it is (cost 0) and only what is left of a capacity after
    it is used; nobody is placed against a must-serve need. Loads and costs
    count each person's caseload weight."""
    by_id = {v.id: v for v in volunteers}
    assignments = result.assignments()
    load: dict[Id, int] = {}
    net_load: dict[Id, int] = {}
    held: dict[Id, int] = {}
    net_held: dict[Id, int] = {}
    total2 = 0
    for person in people:
        a = assignments.get(person.id)
        if is_fixed(person, rebalance):
            assert a is not None and a.volunteer == person.current_giver and a.fixed
            assert a.cost == 0
            giver = by_id[a.volunteer]
            held[giver.id] = held.get(giver.id, 0) + person.weight
            net_held[giver.network] = net_held.get(giver.network, 0) + person.weight
            continue
        if a is None:
            total2 += unplaced2(person, params) * person.weight
            continue
        vol = by_id[a.volunteer]
        assert a.network == vol.network and not a.fixed
        assert level(person, vol) is not None, "placed outside the volunteer's coverage"
        assert a.distance == ("same_village", "same_subdistrict", "same_district",
                              "same_province")[level(person, vol)]  # type: ignore[index]
        c2 = cost2(person, vol, params, must)
        assert c2 is not None and a.cost * 2 == c2 * person.weight, \
            "must-serve need left unserved"
        total2 += c2 * person.weight
        load[vol.id] = load.get(vol.id, 0) + person.weight
        net_load[vol.network] = net_load.get(vol.network, 0) + person.weight
    for vol in volunteers:
        assert load.get(vol.id, 0) <= max(0, (vol.capacity or 0) - held.get(vol.id, 0))
    for net in networks:
        assert net_load.get(net.id, 0) <= max(0, (net.capacity or 0) - net_held.get(net.id, 0))
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
    people, volunteers, networks, params, must, rebalance = instance
    problem = Problem.from_records(people, volunteers, networks, must)
    rules = (people, volunteers, networks, params, must, rebalance)
    result = solve_shaped(problem, params, shape, rebalance=rebalance)
    total2 = check_feasible(result, *rules)
    assert total2 == optimum2(people, volunteers, networks, params, must, rebalance)
    # Decomposition and grouping change nothing but the time.
    whole = solve_shaped(problem, params, shape, decompose=False, group=False,
                         rebalance=rebalance)
    assert whole.total_cost == result.total_cost
    check_feasible(whole, *rules)
    # The greedy baseline obeys the same rules and is never better.
    baseline = greedy(problem, params, rebalance=rebalance)
    assert check_feasible(baseline, *rules) >= total2


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_with_default_weights_severity_then_urgency_then_waiting_decide(instance: Any) -> None:
    """If an unplaced person could use a volunteer who took a less severe person,
    or (being urgent) one of the same severity who is not urgent, swapping them
    would lower the cost (a severity step is 1,000 and urgency 500, more than any
    placement's cost difference here: at most 60 + 4 × 40 + 50.5), so the optimum
    never does that; and it is the exact optimum."""
    people, volunteers, networks, _, must, rebalance = instance
    params = Parameters()
    result = solve(Problem.from_records(people, volunteers, networks, must), params,
                   rebalance=rebalance)
    assert check_feasible(result, people, volunteers, networks, params, must, rebalance) \
        == optimum2(people, volunteers, networks, params, must, rebalance)
    placed = result.assignments()
    by_id = {v.id: v for v in volunteers}
    for person in people:
        if person.id in placed:
            continue
        severity = max(person.needs.values())
        for other in people:
            a = placed.get(other.id)
            if a is None or a.fixed or cost2(person, by_id[a.volunteer], params, must) is None:
                continue  # not a place the person could have had
            other_severity = max(other.needs.values())
            # Severity first ...
            assert severity <= other_severity
            # ... and urgent before anyone of the same or lower severity who is not.
            if person.urgent and not other.urgent:
                assert severity < other_severity
            # Among equals (same place, needs and urgency), the longest waiting.
            if (severity, person.urgent, person.subdistrict, person.village,
                    dict(person.needs)) == (other_severity, other.urgent, other.subdistrict,
                                            other.village, dict(other.needs)) \
                    and not is_fixed(other, rebalance) and other.current_giver is None \
                    and person.current_giver is None:
                assert (person.waiting_since, person.id) > (other.waiting_since, other.id)
