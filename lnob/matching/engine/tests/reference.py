"""An independent statement of the model, for the tests: plain Python over records
(string prefixes, one variable per person and volunteer) and an exact optimum by
``scipy.optimize.milp``. Shares nothing with the engine but the record types."""

from __future__ import annotations

from collections.abc import Sequence

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


def cost2(person: Person, volunteer: Volunteer, params: Parameters) -> int | None:
    """Twice the cost of the placement (None if the volunteer does not cover)."""
    lvl = level(person, volunteer)
    if lvl is None:
        return None
    tiers = (params.cost_same_village, params.cost_same_subdistrict,
             params.cost_same_district, params.cost_same_province)
    unmet = len(set(person.needs) - set(volunteer.needs))
    value = 2 * (tiers[lvl] + params.unmet_need_cost * unmet)
    if person.current_giver is not None and person.current_giver == volunteer.id:
        value -= 2 * params.continuity_threshold + 1
    return value


def unplaced2(person: Person, params: Parameters) -> int:
    return 2 * params.unplaced_cost_per_severity * max(person.needs.values())


def optimum2(people: Sequence[Person], volunteers: Sequence[Volunteer],
             networks: Sequence[Network], params: Parameters) -> int:
    """Twice the minimum total cost, by a mixed-integer program."""
    arcs = [(p, v, c) for p, person in enumerate(people) for v, vol in enumerate(volunteers)
            if (c := cost2(person, vol, params)) is not None]
    n_x, n = len(arcs), len(people)
    costs = np.array([c for _, _, c in arcs] + [unplaced2(p, params) for p in people], float)
    net_index = {net.id: i for i, net in enumerate(networks)}
    rows, cols, vals, lower, upper = [], [], [], [], []
    row = 0
    for p in range(n):  # each person: one volunteer or unplaced
        for j, (ap, _, _) in enumerate(arcs):
            if ap == p:
                rows.append(row)
                cols.append(j)
                vals.append(1)
        rows.append(row)
        cols.append(n_x + p)
        vals.append(1)
        lower.append(1)
        upper.append(1)
        row += 1
    for v, vol in enumerate(volunteers):
        for j, (_, av, _) in enumerate(arcs):
            if av == v:
                rows.append(row)
                cols.append(j)
                vals.append(1)
        lower.append(0)
        upper.append(vol.capacity or 0)
        row += 1
    for net in networks:
        for j, (_, av, _) in enumerate(arcs):
            if net_index[volunteers[av].network] == net_index[net.id]:
                rows.append(row)
                cols.append(j)
                vals.append(1)
        lower.append(0)
        upper.append(net.capacity or 0)
        row += 1
    matrix = coo_array((vals, (rows, cols)), shape=(row, n_x + n))
    res = milp(costs, constraints=LinearConstraint(matrix, lower, upper),
               integrality=np.ones(n_x + n), bounds=Bounds(0, 1))
    assert res.success, res.message
    return round(res.fun)
