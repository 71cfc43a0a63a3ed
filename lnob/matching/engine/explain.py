"""Why each unplaced person is unplaced, and the figures per subdistrict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compile import DISTRICT, PROVINCE, SUBDISTRICT, VILLAGE, Compiled
from .graph import Plan, arc_costs, param_costs, ragged_arange, rank_in_runs
from .model import Parameters, SubdistrictTotals

NO_COVERAGE, NO_NEED_SERVED, ALL_FULL, TOO_COSTLY = 0, 1, 2, 3


@dataclass(frozen=True, eq=False)
class Reasons:
    reason: np.ndarray          # per person, -1 when placed
    full_offsets: np.ndarray    # per person, ragged
    full_volunteers: np.ndarray
    full_more: np.ndarray


def reasons(c: Compiled, p: Plan, params: Parameters, volunteer_index: np.ndarray) -> Reasons:
    """Checked in order: no volunteer covers the person's area; none of those who do
    serves the main need; all of those who do are full (the volunteer, or its
    network); otherwise a suitable one had room and the weights left them out."""
    n, m, k = c.n, c.m, c.n_cap.size
    placed = volunteer_index >= 0
    v_used = np.bincount(volunteer_index[placed], minlength=m)
    n_used = np.bincount(c.v_net[volunteer_index[placed]], minlength=k)
    full_vol = (c.v_cap - v_used <= 0) | (c.n_cap[c.v_net] - n_used[c.v_net] <= 0)

    un = np.flatnonzero(~placed)
    locs = p.loc.of_person[un]
    counts = np.diff(p.cand.ptr)[locs]
    rep = np.repeat(np.arange(un.size, dtype=np.int64), counts)
    idx = ragged_arange(p.cand.ptr[locs], counts)
    v = p.cand.vol[idx]
    main = c.p_main[un][rep]
    bit = np.left_shift(np.uint64(1), (main % 64).astype(np.uint64))
    serves = (c.v_serve[v, main // 64] & bit) != 0
    suitable = np.bincount(rep, weights=serves, minlength=un.size)
    room = np.bincount(rep, weights=serves & ~full_vol[v], minlength=un.size)
    why = np.where(counts == 0, NO_COVERAGE, np.where(
        suitable == 0, NO_NEED_SERVED, np.where(room == 0, ALL_FULL, TOO_COSTLY)))
    reason = np.full(n, -1, dtype=np.int64)
    reason[un] = why

    # Name the full volunteers, cheapest first (as the model prices them).
    sel = serves & (why[rep] == ALL_FULL)
    r, vs = rep[sel], v[sel]
    persons = un[r]
    cost2 = 2 * arc_costs(c.p_needs[persons], c.v_serve[vs], p.cand.level[idx][sel],
                          param_costs(params))
    cost2 -= np.where(c.p_cur[persons] == vs, 2 * params.continuity_threshold + 1, 0)
    order = np.lexsort((vs, cost2, r))
    r, vs = r[order], vs[order]
    keep = rank_in_runs(r) < params.named_full_givers
    total = np.bincount(r, minlength=un.size)
    named = np.zeros(n, dtype=np.int64)
    named[un] = np.minimum(total, params.named_full_givers)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(named, out=offsets[1:])
    more = np.zeros(n, dtype=np.int64)
    more[un] = np.maximum(total - params.named_full_givers, 0)
    return Reasons(reason=reason, full_offsets=offsets, full_volunteers=vs[keep],
                   full_more=more)


def subdistrict_totals(c: Compiled, volunteer_index: np.ndarray
                       ) -> tuple[SubdistrictTotals, ...]:
    """Demand, placed and unplaced per subdistrict where people live, and the
    capacity that could reach it: volunteers covering it, a village in it, or the
    district or province around it, each capped by their network."""
    covered_sd = np.concatenate([c.cov_code[c.cov_level == VILLAGE] // 100,
                                 c.cov_code[c.cov_level == SUBDISTRICT]])
    sds = np.unique(np.concatenate([c.p_sd, covered_sd]))
    s = sds.size
    p_sd = np.searchsorted(sds, c.p_sd)
    placed = volunteer_index >= 0
    demand = np.bincount(p_sd, minlength=s)
    n_placed = np.bincount(p_sd[placed], minlength=s)

    divisor = np.select([c.cov_level == VILLAGE, c.cov_level == SUBDISTRICT,
                         c.cov_level == DISTRICT, c.cov_level == PROVINCE],
                        [1, 1, 100, 10_000]).astype(np.int64)
    first_sd = np.where(c.cov_level == VILLAGE, c.cov_code // 100, c.cov_code * divisor)
    last_sd = np.where(c.cov_level == VILLAGE, c.cov_code // 100 + 1,
                       (c.cov_code + 1) * divisor)
    lo = np.searchsorted(sds, first_sd)
    hi = np.searchsorted(sds, last_sd)
    counts = hi - lo
    vol = np.repeat(c.cov_vol, counts)
    sd = ragged_arange(lo, counts)
    pair = np.unique(vol * s + sd)
    vol, sd = pair // s, pair % s
    effective = np.minimum(c.v_cap, c.n_cap[c.v_net])
    capacity = np.bincount(sd, weights=effective[vol], minlength=s).astype(np.int64)
    rows = zip(sds.tolist(), demand.tolist(), capacity.tolist(), n_placed.tolist(), strict=True)
    return tuple(SubdistrictTotals(subdistrict=f"{code:06d}", demand=d, capacity=cap,
                                   placed=pl, unplaced=d - pl)
                 for code, d, cap, pl in rows)
