"""An independent statement of the model, for the tests: plain Python over records
(string prefixes, one variable per person and volunteer) and an exact optimum by
``scipy.optimize.milp``. Shares nothing with the engine but the record types."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from lnob.matching.engine import Network, Parameters, Person, Volunteer


def level(person: Person, volunteer: Volunteer) -> int | None:
    """0 village .. 3 province: the nearest level at which the volunteer covers the
    person, None when it does not."""
    areas = set(volunteer.areas)
    sd = person.subdistrict or ""
    for lvl, code in enumerate((person.village, sd, sd[:4], sd[:2])):
        if code and code in areas:
            return lvl
    return None


def cost2(person: Person, volunteer: Volunteer, params: Parameters,
          must_serve: Collection[str] = ()) -> int | None:
    """Twice the cost of the placement (None if the volunteer does not cover, or
    does not serve one of the person's needs that must be served)."""
    lvl = level(person, volunteer)
    if lvl is None:
        return None
    if (set(person.needs) & set(must_serve)) - set(volunteer.needs):
        return None
    tiers = (params.cost_same_village, params.cost_same_subdistrict,
             params.cost_same_district, params.cost_same_province)
    unmet = len(set(person.needs) - set(volunteer.needs))
    value = 2 * (tiers[lvl] + params.unmet_need_cost * unmet)
    if person.current_giver is not None and person.current_giver == volunteer.id:
        value -= 2 * params.continuity_threshold + 1
    return value


def unplaced2(person: Person, params: Parameters) -> int:
    return 2 * (params.unplaced_cost_per_severity * max(person.needs.values())
                + (params.urgent_cost if person.urgent else 0))


def is_fixed(person: Person, rebalance: Collection[str] = ()) -> bool:
    """Whether the person keeps their current giver as it is (not solved)."""
    return person.current_giver is not None and not any(
        (person.subdistrict or "").startswith(code) for code in rebalance)


def optimum2(people: Sequence[Person], volunteers: Sequence[Volunteer],
             networks: Sequence[Network], params: Parameters,
             must_serve: Collection[str] = (), rebalance: Collection[str] = (),
             relax: bool = False) -> int:
    """Twice the minimum total cost, by a mixed-integer program. People whose
    care is fixed take a place of their giver (and its network) and cost 0.

    Caseload weights (the generalised assignment problem): a person of weight w
    takes w of a capacity and costs w times as much. ``relax``: the linear
    relaxation (a person may be split), whose optimum is a lower bound."""
    vol_of = {v.id: v for v in volunteers}
    held: dict[object, int] = {}
    for person in people:
        if is_fixed(person, rebalance):
            giver = vol_of[person.current_giver]  # type: ignore[index]
            held[giver.id] = held.get(giver.id, 0) + person.weight
            held[("net", giver.network)] = held.get(("net", giver.network), 0) \
                + person.weight
    volunteers = [Volunteer(v.id, v.network, v.areas, v.needs,
                            max(0, (v.capacity or 0) - held.get(v.id, 0))) for v in volunteers]
    networks = [Network(n.id, max(0, (n.capacity or 0) - held.get(("net", n.id), 0)))
                for n in networks]
    people = [p for p in people if not is_fixed(p, rebalance)]
    if not people:
        return 0
    arcs = [(p, v, c) for p, person in enumerate(people) for v, vol in enumerate(volunteers)
            if (c := cost2(person, vol, params, must_serve)) is not None]
    n_x, n = len(arcs), len(people)
    costs = np.array([c * people[p].weight for p, _, c in arcs]
                     + [unplaced2(p, params) * p.weight for p in people], float)
    net_index = {net.id: i for i, net in enumerate(networks)}
    n_vol = len(volunteers)
    # Rows: one per person (placed once or unplaced), per volunteer, per network.
    rows, cols = [], []
    for j, (p, v, _) in enumerate(arcs):
        rows += [p, n + v, n + n_vol + net_index[volunteers[v].network]]
        cols += [j, j, j]
    rows += list(range(n))
    cols += [n_x + p for p in range(n)]
    vals = [1] * len(rows)
    for j, (p, _, _) in enumerate(arcs):
        vals[3 * j + 1] = vals[3 * j + 2] = people[p].weight
    lower = [1] * n + [0] * (n_vol + len(networks))
    upper = [1] * n + [v.capacity or 0 for v in volunteers] + [
        net.capacity or 0 for net in networks]
    row = n + n_vol + len(networks)
    matrix = coo_array((vals, (rows, cols)), shape=(row, n_x + n))
    res = milp(costs, constraints=LinearConstraint(matrix, lower, upper),
               integrality=np.zeros(n_x + n) if relax else np.ones(n_x + n),
               bounds=Bounds(0, 1))
    assert res.success, res.message
    return round(res.fun)
