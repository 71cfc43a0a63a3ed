"""Why each unplaced person is unplaced, and the figures per subdistrict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compile import DISTRICT, PROVINCE, SUBDISTRICT, VILLAGE, Compiled
from .graph import Plan, ragged_arange, rank_in_runs
from .model import Parameters, SubdistrictTotals

NO_COVERAGE, NO_NEED_SERVED, ALL_FULL, TOO_COSTLY, MUST_NOT_SERVED = 0, 1, 2, 3, 4


@dataclass(frozen=True, eq=False)
class Reasons:
    reason: np.ndarray          # per person, -1 when placed
    full_offsets: np.ndarray    # per person, ragged
    full_volunteers: np.ndarray
    full_more: np.ndarray


def reasons(c: Compiled, p: Plan, params: Parameters, volunteer_index: np.ndarray) -> Reasons:
    """Checked in order: no volunteer covers the person's area; none of those who do
    serves the main need; all of those who do are full (the volunteer, or its
    network, has less room than the person's weight); otherwise a suitable one had
    room and the weights left them out.

    Worked out per (place, main need), not per person: the volunteers covering a
    place are the same for everyone living there. Full volunteers are named
    nearest first (village, subdistrict, district, province), then by input order.
    """
    n, m, k = c.n, c.m, c.n_cap.size
    placed = volunteer_index >= 0
    load = c.p_weight[placed]
    v_used = np.bincount(volunteer_index[placed], weights=load, minlength=m).astype(np.int64)
    n_used = np.bincount(c.v_net[volunteer_index[placed]], weights=load,
                         minlength=k).astype(np.int64)
    # Room in weight units: a volunteer is full for a person heavier than its room.
    room_at = np.minimum(c.v_cap - v_used, c.n_cap[c.v_net] - n_used[c.v_net])

    un = np.flatnonzero(~placed)
    u_loc, u_main, u_weight = p.loc.of_person[un], c.p_main[un], c.p_weight[un]
    n_loc = p.loc.sd.size
    cand_loc = np.repeat(np.arange(n_loc, dtype=np.int64), np.diff(p.cand.ptr))
    # Candidates nearest first, for naming them.
    order = np.lexsort((p.cand.vol, p.cand.level, cand_loc))
    o_loc, o_vol = cand_loc[order], p.cand.vol[order]
    o_room = room_at[o_vol]
    needs = np.unique(u_main)
    suitable = np.zeros(un.size, dtype=np.int64)
    room = np.zeros(un.size, dtype=np.int64)
    named_key, named_vol = [], []
    for need in needs.tolist():
        word, bit = divmod(need, 64)
        serves = (c.v_serve[o_vol, word] & np.uint64(1 << bit)) != 0
        count = np.bincount(o_loc[serves], minlength=n_loc)
        mine = u_main == need
        suitable[mine] = count[u_loc[mine]]
        for weight in np.unique(u_weight[mine]).tolist():
            free = np.bincount(o_loc[serves & (o_room >= weight)], minlength=n_loc)
            these = mine & (u_weight == weight)
            room[these] = free[u_loc[these]]
        s_loc, s_vol = o_loc[serves], o_vol[serves]
        first = rank_in_runs(s_loc) < params.named_full_givers
        named_key.append(s_loc[first] * (needs.size + 1) + np.searchsorted(needs, need))
        named_vol.append(s_vol[first])
    covering = np.diff(p.cand.ptr)[u_loc]
    why = np.where(covering == 0, NO_COVERAGE, np.where(
        suitable == 0, NO_NEED_SERVED, np.where(room == 0, ALL_FULL, TOO_COSTLY)))
    why = np.where((covering > 0) & ~must_served(c, p, un), MUST_NOT_SERVED, why)
    reason = np.full(n, -1, dtype=np.int64)
    reason[un] = why

    keys = np.concatenate(named_key) if named_key else np.zeros(0, dtype=np.int64)
    vols = np.concatenate(named_vol) if named_vol else np.zeros(0, dtype=np.int64)
    by_key = np.argsort(keys, kind="stable")
    keys, vols = keys[by_key], vols[by_key]
    full = why == ALL_FULL
    want = u_loc[full] * (needs.size + 1) + np.searchsorted(needs, u_main[full])
    lo = np.searchsorted(keys, want, side="left")
    counts = np.searchsorted(keys, want, side="right") - lo
    named = np.zeros(n, dtype=np.int64)
    named[un[full]] = counts
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(named, out=offsets[1:])
    more = np.zeros(n, dtype=np.int64)
    more[un[full]] = suitable[full] - counts
    return Reasons(reason=reason, full_offsets=offsets,
                   full_volunteers=vols[ragged_arange(lo, counts)], full_more=more)


def must_served(c: Compiled, p: Plan, people: np.ndarray) -> np.ndarray:
    """Whether some volunteer covering each person serves all of their needs that
    must be served (True for those who have none)."""
    out = np.ones(people.size, dtype=bool)
    required = c.p_needs[people] & c.must
    has = np.flatnonzero(required.any(axis=1))
    if has.size == 0:
        return out
    locs = p.loc.of_person[people[has]]
    cols = [locs, *(required[has, w] for w in range(c.words))]
    first, of = _unique_rows(cols)
    u_loc, u_req = locs[first], required[has][first]
    counts = np.diff(p.cand.ptr)[u_loc]
    idx = ragged_arange(p.cand.ptr[u_loc], counts)
    pair = np.repeat(np.arange(first.size, dtype=np.int64), counts)
    ok = ((c.v_serve[p.cand.vol[idx]] & u_req[pair]) == u_req[pair]).all(axis=1)
    found = np.bincount(pair[ok], minlength=first.size) > 0
    out[has] = found[of]
    return out


def _unique_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort(columns[::-1])
    new = np.zeros(order.size, dtype=bool)
    new[0] = True
    for col in columns:
        s = col[order]
        new[1:] |= s[1:] != s[:-1]
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


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
