"""From compiled columns to independent blocks of the flow network.

* Locations: the distinct (subdistrict, village) places where people live.
* Candidates: per location, the volunteers covering it, found through a sorted
  index of coverage codes (one binary search per location and level, no loop over
  pairs), each at the level of its most specific covering code.
* Groups: people interchangeable for the model but for their severity — same
  location, same needs and same current giver (usually none) — share one node
  (their number of people), and one unplaced arc per severity among them (capacity: how many
  have it), so the flow still chooses whom to leave out by severity.
* Components: locations, volunteers and networks joined by candidate and
  membership links (a network whose capacity cannot bind links nothing). No flow
  crosses components, so each is solved on its own; small ones are packed into
  blocks of about ``BLOCK_ARCS`` arcs so that few solver calls are made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compile import (
    DISTRICT,
    MAX_SEVERITY,
    PROVINCE,
    SUBDISTRICT,
    VILLAGE,
    Compiled,
    popcount,
)
from .model import Parameters

LEVEL_KEY = 10**9          # coverage key = level * LEVEL_KEY + code (codes have ≤ 8 digits)
BLOCK_ARCS = 150_000       # pack small components up to about this many arcs per solve


def ragged_arange(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """concatenate(arange(s, s + c) for s, c in zip(starts, counts)), vectorised."""
    counts = counts.astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    shift = np.repeat(starts.astype(np.int64) - (ends - counts), counts)
    return shift + np.arange(total, dtype=np.int64)


def rank_in_runs(keys: np.ndarray) -> np.ndarray:
    """For sorted ``keys``: 0, 1, 2... within each run of equal keys."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.searchsorted(keys, keys, side="left")
    return np.arange(keys.size, dtype=np.int64) - first


@dataclass(frozen=True, eq=False)
class Locations:
    sd: np.ndarray          # int64 per location
    vil: np.ndarray         # int64 per location, -1 if no village
    of_person: np.ndarray   # int64 per person


def locations(c: Compiled) -> Locations:
    key = c.p_sd * 101 + np.where(c.p_vil >= 0, c.p_vil % 100, 100)
    unique, of_person = np.unique(key, return_inverse=True)
    sd = unique // 101
    number = unique % 101
    vil = np.where(number < 100, sd * 100 + number, -1)
    return Locations(sd=sd, vil=vil, of_person=of_person.astype(np.int64))


def area_at(sd: np.ndarray, vil: np.ndarray, level: int) -> np.ndarray:
    """The code of a location's area at ``level`` (-1 when it has no village)."""
    if level == VILLAGE:
        return vil
    return sd // {SUBDISTRICT: 1, DISTRICT: 100, PROVINCE: 10_000}[level]


@dataclass(frozen=True, eq=False)
class Candidates:
    """Per location (ragged by ``ptr``): covering volunteers and the level."""

    ptr: np.ndarray
    vol: np.ndarray
    level: np.ndarray


def candidates(c: Compiled, loc: Locations) -> Candidates:
    cov_key = c.cov_level * LEVEL_KEY + c.cov_code
    order = np.argsort(cov_key, kind="stable")
    keys, vols = cov_key[order], c.cov_vol[order]
    n_loc = loc.sd.size
    parts_loc, parts_vol, parts_level = [], [], []
    for level in (VILLAGE, SUBDISTRICT, DISTRICT, PROVINCE):  # nearest first
        area = area_at(loc.sd, loc.vil, level)
        key = np.where(area >= 0, level * LEVEL_KEY + area, -1)
        lo = np.searchsorted(keys, key, side="left")
        hi = np.searchsorted(keys, key, side="right")
        counts = np.where(area >= 0, hi - lo, 0)
        parts_loc.append(np.repeat(np.arange(n_loc, dtype=np.int64), counts))
        parts_vol.append(vols[ragged_arange(lo, counts)])
        parts_level.append(np.full(int(counts.sum()), level, dtype=np.int64))
    cand_loc = np.concatenate(parts_loc)
    cand_vol = np.concatenate(parts_vol)
    cand_level = np.concatenate(parts_level)
    # One entry per (location, volunteer): the first seen, i.e. the nearest level.
    _, first = np.unique(cand_loc * max(c.m, 1) + cand_vol, return_index=True)
    cand_loc, cand_vol, cand_level = cand_loc[first], cand_vol[first], cand_level[first]
    ptr = np.zeros(n_loc + 1, dtype=np.int64)
    np.cumsum(np.bincount(cand_loc, minlength=n_loc), out=ptr[1:])
    return Candidates(ptr=ptr, vol=cand_vol, level=cand_level)


def subset(cand: Candidates, keep: np.ndarray) -> Candidates:
    """The candidates whose volunteer is in the boolean mask ``keep``."""
    ok = keep[cand.vol]
    kept = np.zeros(ok.size + 1, dtype=np.int64)
    np.cumsum(ok, out=kept[1:])
    return Candidates(ptr=kept[cand.ptr], vol=cand.vol[ok], level=cand.level[ok])


@dataclass(frozen=True, eq=False)
class Groups:
    members: np.ndarray     # person indices, grouped
    ptr: np.ndarray         # group g's members are members[ptr[g]:ptr[g+1]]
    loc: np.ndarray
    needs: np.ndarray       # uint64 (G, words)
    sev: np.ndarray         # (G, 10): members of each priority level (see unplaced_costs2)
    cur: np.ndarray
    of_person: np.ndarray
    weight: np.ndarray      # per group: each member's caseload weight (one per group)

    @property
    def size(self) -> np.ndarray:
        return np.diff(self.ptr)

    def __len__(self) -> int:
        return int(self.loc.size)


def groups(c: Compiled, loc: Locations, cur: np.ndarray, enabled: bool = True,
           by_severity: bool = False) -> Groups:
    """Group people; ``by_severity`` also splits them by severity (the greedy
    baseline takes the most severe first, so it needs one severity per group).
    ``cur``: each person's current giver where it still matters (-1 elsewhere)."""
    n = c.n
    if enabled:
        columns = [c.p_weight, cur, *(c.p_needs[:, w] for w in range(c.words)),
                   loc.of_person]
        if by_severity:
            columns.insert(0, c.p_pri)
        order = np.lexsort(columns)
        new = np.zeros(n, dtype=bool)
        if n:
            new[0] = True
            for col in columns:
                s = col[order]
                new[1:] |= s[1:] != s[:-1]
    else:
        order = np.arange(n, dtype=np.int64)
        new = np.ones(n, dtype=bool)
    starts = np.flatnonzero(new)
    ptr = np.append(starts, n).astype(np.int64)
    first = order[starts]
    of_person = np.empty(n, dtype=np.int64)
    of_person[order] = np.cumsum(new) - 1
    sev = np.zeros((starts.size, PRIORITIES), dtype=np.int64)
    np.add.at(sev, (of_person, c.p_pri), 1)
    return Groups(members=order.astype(np.int64), ptr=ptr, loc=loc.of_person[first],
                  needs=c.p_needs[first], sev=sev, cur=cur[first], of_person=of_person,
                  weight=c.p_weight[first])


def covers(cand: Candidates, loc: np.ndarray, vol: np.ndarray, m: int) -> np.ndarray:
    """Whether each ``vol`` (or -1) is among the candidates of ``loc``."""
    out = np.zeros(vol.size, dtype=bool)
    rows = np.flatnonzero(vol >= 0)
    if rows.size == 0 or cand.vol.size == 0:
        return out
    key = np.repeat(np.arange(cand.ptr.size - 1, dtype=np.int64), np.diff(cand.ptr)) \
        * max(m, 1) + cand.vol
    want = loc[rows] * max(m, 1) + vol[rows]
    pos = np.minimum(np.searchsorted(key, want), key.size - 1)
    out[rows] = key[pos] == want
    return out


def components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of an undirected graph: a label per node (its smallest
    member), by hooking roots to smaller roots and halving paths, in NumPy."""
    parent = np.arange(size, dtype=np.int64)
    a, b = a.astype(np.int64), b.astype(np.int64)
    while a.size:
        pa, pb = parent[a], parent[b]
        differ = pa != pb
        a, b, pa, pb = a[differ], b[differ], pa[differ], pb[differ]
        if not a.size:
            break
        np.minimum.at(parent, np.maximum(pa, pb), np.minimum(pa, pb))
        while True:  # compress until every node points at a root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return parent


@dataclass(frozen=True, eq=False)
class BlockInput:
    """One solver call's data, in local indices (picklable, self-contained)."""

    g_size: np.ndarray
    g_loc: np.ndarray
    g_needs: np.ndarray
    g_sev: np.ndarray       # (G, 10): members of each priority level
    g_cur: np.ndarray       # local volunteer, -1
    loc_sd: np.ndarray      # per local location: subdistrict code
    loc_vil: np.ndarray     # and village code, -1
    loc_ptr: np.ndarray
    cand_vol: np.ndarray    # local volunteer
    cand_level: np.ndarray
    v_cap: np.ndarray
    v_net: np.ndarray       # local network, -1 when its network cannot bind
    v_serve: np.ndarray
    n_cap: np.ndarray
    costs: tuple[int, ...]  # tier ×4, unmet, continuity threshold, unplaced per severity,
    #                         urgent, must-serve penalty (see param_costs)
    g_part: np.ndarray      # per group: its independent part (component) in the block
    must: np.ndarray        # uint64 (words,): needs that must be served
    g_weight: np.ndarray    # per group: its members' caseload weight (sizes are in units)

    @property
    def arcs(self) -> int:
        return int((self.loc_ptr[self.g_loc + 1] - self.loc_ptr[self.g_loc]).sum())


@dataclass(frozen=True, eq=False)
class Plan:
    """Blocks to solve, with their local → global maps, and what needs no solve."""

    loc: Locations
    cand: Candidates            # all covering volunteers (for the reasons)
    groups: Groups
    blocks: list[BlockInput]
    block_groups: list[np.ndarray]
    block_vols: list[np.ndarray]
    components: int
    usable_vol: np.ndarray
    binding_net: np.ndarray


PRIORITIES = 2 * MAX_SEVERITY   # priority level = 2 × (severity − 1) + urgent


def must_penalty(params: Parameters) -> int:
    """Cost added per must-serve need a placement leaves unserved: more than
    leaving anyone unplaced plus the continuity bonus a current giver earns, so
    an optimal flow never uses such a placement — not even to keep a current
    giver who cannot serve the need (found by the exact-solver test)."""
    return params.unplaced_cost_of(MAX_SEVERITY, True) + params.continuity_threshold + 1


def param_costs(params: Parameters) -> tuple[int, ...]:
    return (*params.tier_costs, params.unmet_need_cost, params.continuity_threshold,
            params.unplaced_cost_per_severity, params.urgent_cost, must_penalty(params))


def unplaced_costs2(costs: tuple[int, ...]) -> np.ndarray:
    """Twice the cost of leaving a person of each priority level unplaced."""
    level = np.arange(PRIORITIES, dtype=np.int64)
    return 2 * (costs[6] * (level // 2 + 1) + costs[7] * (level % 2))


def plan(c: Compiled, params: Parameters, decompose: bool = True, group: bool = True,
         by_severity: bool = False, block_arcs: int | None = None) -> Plan:
    loc = locations(c)
    cand = candidates(c, loc)
    n_loc, m, k = loc.sd.size, c.m, c.n_cap.size
    usable_vol = (c.v_cap > 0) & (c.n_cap[c.v_net] > 0)
    # A current giver who no longer covers the person, or has no room at all, gives
    # no continuity bonus: such people group with everyone else.
    keeps = covers(cand, loc.of_person, c.p_cur, m)
    keeps[keeps] &= usable_vol[c.p_cur[keeps]]
    cur = np.where(keeps, c.p_cur, -1)
    grp = groups(c, loc, cur, enabled=group, by_severity=by_severity)
    usable = subset(cand, usable_vol)
    member_cap = np.bincount(c.v_net[usable_vol], weights=c.v_cap[usable_vol], minlength=k)
    binding_net = c.n_cap < member_cap

    g_arcs = np.diff(usable.ptr)[grp.loc]
    if decompose:
        cand_loc = np.repeat(np.arange(n_loc, dtype=np.int64), np.diff(usable.ptr))
        linked = usable_vol & binding_net[c.v_net]
        label = components(
            n_loc + m + k,
            np.concatenate([cand_loc, n_loc + np.flatnonzero(linked)]),
            np.concatenate([n_loc + usable.vol, n_loc + m + c.v_net[linked]]))
        _, comp = np.unique(label, return_inverse=True)
        g_comp = comp[:n_loc][grp.loc]
    else:
        g_comp = np.zeros(len(grp), dtype=np.int64)
    n_comp = int(g_comp.max()) + 1 if g_comp.size else 0
    comp_arcs = np.bincount(g_comp, weights=g_arcs, minlength=n_comp).astype(np.int64)

    # Pack components, largest first, into blocks.
    block_arcs = BLOCK_ARCS if block_arcs is None else block_arcs
    comp_block = np.full(n_comp, -1, dtype=np.int64)
    block, filled = -1, block_arcs
    for comp in np.argsort(-comp_arcs, kind="stable").tolist():
        arcs = int(comp_arcs[comp])
        if arcs == 0:
            break
        if filled + arcs > block_arcs:
            block, filled = block + 1, 0
        comp_block[comp] = block
        filled += arcs
    g_block = np.where(g_arcs > 0, comp_block[g_comp], -1)

    by_block = np.argsort(g_block, kind="stable")
    bounds = np.searchsorted(g_block[by_block], np.arange(block + 2))
    blocks, block_groups, block_vols = [], [], []
    costs = param_costs(params)
    for b in range(block + 1):
        gs = by_block[bounds[b]:bounds[b + 1]]
        g_locs = grp.loc[gs]
        locs = np.unique(g_locs)
        counts = np.diff(usable.ptr)[locs]
        idx = ragged_arange(usable.ptr[locs], counts)
        vols = np.unique(usable.vol[idx])
        nets_all = c.v_net[vols]
        nets = np.unique(nets_all[binding_net[nets_all]])
        loc_ptr = np.zeros(locs.size + 1, dtype=np.int64)
        np.cumsum(counts, out=loc_ptr[1:])
        cur = grp.cur[gs]
        cur_local = np.searchsorted(vols, cur)
        cur_ok = (cur >= 0) & (cur_local < vols.size)
        cur_ok[cur_ok] &= vols[cur_local[cur_ok]] == cur[cur_ok]
        # In weight units: a person of weight w is w units of flow, each costing
        # what the person costs (see docs/decisions/0017-caseload-weights.md).
        w = grp.weight[gs]
        blocks.append(BlockInput(
            g_size=grp.size[gs] * w, g_loc=np.searchsorted(locs, g_locs),
            g_needs=grp.needs[gs], g_sev=grp.sev[gs] * w[:, None],
            g_cur=np.where(cur_ok, cur_local, -1), loc_sd=loc.sd[locs],
            loc_vil=loc.vil[locs], loc_ptr=loc_ptr,
            cand_vol=np.searchsorted(vols, usable.vol[idx]), cand_level=usable.level[idx],
            v_cap=c.v_cap[vols],
            v_net=np.where(binding_net[nets_all], np.searchsorted(nets, nets_all), -1),
            v_serve=c.v_serve[vols], n_cap=c.n_cap[nets], costs=costs,
            g_part=np.unique(g_comp[gs], return_inverse=True)[1].astype(np.int64),
            must=c.must, g_weight=w))
        block_groups.append(gs)
        block_vols.append(vols)
    return Plan(loc=loc, cand=cand, groups=grp, blocks=blocks, block_groups=block_groups,
                block_vols=block_vols, components=n_comp, usable_vol=usable_vol,
                binding_net=binding_net)


def arc_costs(needs: np.ndarray, serve: np.ndarray, level: np.ndarray,
              costs: tuple[int, ...], must: np.ndarray) -> np.ndarray:
    """Cost of placing (needs) with (serve) at (level), continuity not counted."""
    tier = np.asarray(costs[:4], dtype=np.int64)
    unmet = popcount(needs & ~serve)
    return tier[level] + costs[4] * unmet + costs[8] * popcount(needs & must & ~serve)


def block_arcs(b: BlockInput) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct group → volunteer arcs of a block: (group, volunteer, twice the cost).

    Twice, so that the continuity bonus can be threshold + ½: a current giver stays
    when moving gains exactly the threshold.
    """
    counts = b.loc_ptr[b.g_loc + 1] - b.loc_ptr[b.g_loc]
    g = np.repeat(np.arange(b.g_size.size, dtype=np.int64), counts)
    idx = ragged_arange(b.loc_ptr[b.g_loc], counts)
    v = b.cand_vol[idx]
    cost2 = 2 * arc_costs(b.g_needs[g], b.v_serve[v], b.cand_level[idx], b.costs, b.must)
    cost2 -= np.where(b.g_cur[g] == v, 2 * b.costs[5] + 1, 0)
    return g, v, cost2
