"""The flow network of one block, built from arrays, and its flow split into
(group, volunteer, people) triples.

A direct arc from every group to every covering volunteer would need
groups × candidates arcs (tens of millions in a dense province). The costs only
depend on the area level and on which of the group's needs the volunteer serves,
so the same choices are offered through shared nodes instead:

* entry node ``E(area, needs)`` per level (village, subdistrict, district,
  province): all groups living in ``area`` with the same needs. A group enters at
  its village (or subdistrict when it has none); ``E`` passes on to the next level
  up at no cost.
* hub node ``H(area, S)``: the volunteers covering ``area`` at that level who serve
  at least the needs ``S``. ``E(area, N) → H(area, S)`` costs the level's tier plus
  ``unmet_need_cost × |N \\ S|``; there is one for every ``S = N ∩ served(v)`` of a
  volunteer ``v`` there. ``H → v`` is free.

The cheapest route from a group to a volunteer costs exactly the direct arc's cost
(via ``S = N ∩ served(v)`` at the nearest level), and any dearer route is never
used by an optimal flow (the cheaper one is uncapacitated), so the optimum is the
same as with direct arcs. A current giver keeps a direct arc with the continuity
bonus. ``solver`` re-prices every placement and checks the total against the
solver's optimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compile import popcount
from .graph import BlockInput, ragged_arange

LEVELS = 4


def unique_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of one row per distinct row, row → distinct id), distinct rows ordered
    by the columns (the first column is the primary key)."""
    size = columns[0].size
    if size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    new = np.zeros(size, dtype=bool)
    new[0] = True
    for col in columns:
        s = col[order]
        new[1:] |= s[1:] != s[:-1]
    inverse = np.empty(size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def join_on(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with left[i] == right[j]."""
    order = np.argsort(right, kind="stable")
    sorted_right = right[order]
    lo = np.searchsorted(sorted_right, left, side="left")
    counts = np.searchsorted(sorted_right, left, side="right") - lo
    i = np.repeat(np.arange(left.size, dtype=np.int64), counts)
    return i, order[ragged_arange(lo, counts)]


def _words(m: np.ndarray) -> list[np.ndarray]:
    return [m[:, w] for w in range(m.shape[1])]


@dataclass(frozen=True, eq=False)
class FlowNetwork:
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs2: np.ndarray
    supplies: np.ndarray
    layer: np.ndarray       # per node: 0 group, 1..4 entry levels, 5 hub, 6 volunteer, 7+
    vol_base: int


def build(b: BlockInput) -> FlowNetwork:
    n_g, n_v, n_n = b.g_size.size, b.v_cap.size, b.n_cap.size
    tier = np.asarray(b.costs[:4], dtype=np.int64)
    unmet, threshold, unplaced = b.costs[4], b.costs[5], b.costs[6]
    big = max(int(b.g_size.sum()), 1)

    # Areas of each group per level, and the coverage (level, area, volunteer).
    sd, vil = b.loc_sd[b.g_loc], b.loc_vil[b.g_loc]
    g_area = [vil, sd, sd // 100, sd // 10_000]
    c_count = np.diff(b.loc_ptr)
    c_loc = np.repeat(np.arange(b.loc_sd.size, dtype=np.int64), c_count)
    c_area_all = [b.loc_vil[c_loc], b.loc_sd[c_loc], b.loc_sd[c_loc] // 100,
                  b.loc_sd[c_loc] // 10_000]

    # Entry nodes per level.
    entry_of_group = []     # per level: group → entry id within the level, -1
    entry_area, entry_needs = [], []
    for level in range(LEVELS):
        has = g_area[level] >= 0
        rows = np.flatnonzero(has)
        first, inverse = unique_rows(g_area[level][rows], *_words(b.g_needs[rows]))
        of_group = np.full(n_g, -1, dtype=np.int64)
        of_group[rows] = inverse
        entry_of_group.append(of_group)
        entry_area.append(g_area[level][rows][first])
        entry_needs.append(b.g_needs[rows][first])
    entry_base = np.cumsum([n_g] + [a.size for a in entry_area])

    # Hubs per level, entry → hub arcs and hub → volunteer arcs.
    hub_parts: list[tuple[np.ndarray, np.ndarray]] = []   # (area, S) per level
    e_h: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (entry node, hub id, cost)
    h_v: list[tuple[np.ndarray, np.ndarray]] = []          # (hub id, volunteer)
    hub_count = 0
    for level in range(LEVELS):
        at = b.cand_level == level
        first, _ = unique_rows(c_area_all[level][at], b.cand_vol[at])
        cov_area, cov_vol = c_area_all[level][at][first], b.cand_vol[at][first]
        mfirst, _ = unique_rows(cov_area, *_words(b.v_serve[cov_vol]))
        m_area, m_serve = cov_area[mfirst], b.v_serve[cov_vol[mfirst]]
        ei, mj = join_on(entry_area[level], m_area)
        needs = entry_needs[level][ei]
        served = needs & m_serve[mj]
        efirst, _ = unique_rows(ei, *_words(served))
        ei, served, needs = ei[efirst], served[efirst], needs[efirst]
        hfirst, hub_of = unique_rows(entry_area[level][ei], *_words(served))
        h_area, h_set = entry_area[level][ei][hfirst], served[hfirst]
        cost = tier[level] + unmet * popcount(needs & ~served)
        e_h.append((entry_base[level] + ei, hub_count + hub_of, cost))
        hi, vj = join_on(h_area, cov_area)
        ok = ((b.v_serve[cov_vol[vj]] & h_set[hi]) == h_set[hi]).all(axis=1)
        h_v.append((hub_count + hi[ok], cov_vol[vj][ok]))
        hub_parts.append((h_area, h_set))
        hub_count += h_area.size
    hub_base = int(entry_base[-1])
    vol_base = hub_base + hub_count
    net_base = vol_base + n_v
    sink = net_base + n_n

    groups = np.arange(n_g, dtype=np.int64)
    entry = np.where(entry_of_group[0] >= 0, entry_base[0] + entry_of_group[0],
                     entry_base[1] + entry_of_group[1])
    chain_t, chain_h = [], []
    for level in range(LEVELS - 1):
        has = entry_of_group[level] >= 0
        per = entry_area[level + 1].size + 1
        pairs = np.unique(entry_of_group[level][has] * per + entry_of_group[level + 1][has])
        chain_t.append(entry_base[level] + pairs // per)
        chain_h.append(entry_base[level + 1] + pairs % per)

    # Continuity: a direct arc to the current giver, at the level it covers the group.
    cur_g = np.flatnonzero(b.g_cur >= 0)
    key = c_loc * n_v + b.cand_vol
    want = b.g_loc[cur_g] * n_v + b.g_cur[cur_g]
    pos = np.minimum(np.searchsorted(key, want), max(key.size - 1, 0))
    found = key[pos] == want if key.size else np.zeros(0, dtype=bool)
    cur_g, pos = cur_g[found], pos[found]
    cur_v = b.g_cur[cur_g]
    cur_cost2 = 2 * (tier[b.cand_level[pos]]
                     + unmet * popcount(b.g_needs[cur_g] & ~b.v_serve[cur_v])) \
        - (2 * threshold + 1)

    vols = np.arange(n_v, dtype=np.int64)
    tails = np.concatenate([
        groups, cur_g, groups, *chain_t, *(t for t, _, _ in e_h),
        *(hub_base + h for h, _ in h_v), vol_base + vols, net_base + np.arange(n_n)])
    heads = np.concatenate([
        entry, vol_base + cur_v, np.full(n_g, sink), *chain_h,
        *(hub_base + h for _, h, _ in e_h), *(vol_base + v for _, v in h_v),
        np.where(b.v_net >= 0, net_base + b.v_net, sink), np.full(n_n, sink)])
    n_chain = sum(t.size for t in chain_t)
    n_hv = sum(h.size for h, _ in h_v)
    caps = np.concatenate([
        b.g_size, b.g_size[cur_g], b.g_size, np.full(n_chain, big),
        np.full(sum(t.size for t, _, _ in e_h), big), np.full(n_hv, big), b.v_cap, b.n_cap])
    costs2 = np.concatenate([
        np.zeros(n_g, np.int64), cur_cost2, 2 * unplaced * b.g_sev,
        np.zeros(n_chain, np.int64), *(2 * c for _, _, c in e_h),
        np.zeros(n_hv + n_v + n_n, np.int64)])
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_g] = b.g_size
    supplies[sink] = -int(b.g_size.sum())
    layer = np.full(sink + 1, 7, dtype=np.int64)
    layer[:n_g] = 0
    for level in range(LEVELS):
        layer[entry_base[level]:entry_base[level + 1]] = 1 + level
    layer[hub_base:vol_base] = 5
    layer[vol_base:net_base] = 6
    return FlowNetwork(tails=tails, heads=heads, caps=caps, costs2=costs2, supplies=supplies,
                       layer=layer, vol_base=vol_base)


def paths(net: FlowNetwork, flows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split the flow into (group, volunteer, people): follow each group's units
    through entry and hub nodes, layer by layer, handing a node's incoming units
    to its outgoing arcs in order (any order is optimal, see the module doc)."""
    used = flows > 0
    tails, heads, flow = net.tails[used], net.heads[used], flows[used]
    layer = net.layer
    start = layer[tails] == 0
    seg_origin, seg_node, seg_count = tails[start], heads[start], flow[start]
    for current in (1, 2, 3, 4, 5):  # entry levels, then hubs: all inflow is known
        here = layer[seg_node] == current
        s_order = np.flatnonzero(here)
        s_order = s_order[np.argsort(seg_node[s_order], kind="stable")]
        a_order = np.flatnonzero(layer[tails] == current)
        a_order = a_order[np.argsort(tails[a_order], kind="stable")]
        ends_in = np.cumsum(seg_count[s_order])
        ends_out = np.cumsum(flow[a_order])
        cuts = np.union1d(ends_in, ends_out)
        src = s_order[np.searchsorted(ends_in, cuts - 1, side="right")]
        dst = a_order[np.searchsorted(ends_out, cuts - 1, side="right")]
        seg_origin = np.concatenate([seg_origin[~here], seg_origin[src]])
        seg_node = np.concatenate([seg_node[~here], heads[dst]])
        seg_count = np.concatenate([seg_count[~here], np.diff(cuts, prepend=0)])
    at_vol = layer[seg_node] == 6   # the rest went to the sink: unplaced
    g, v, c = seg_origin[at_vol], seg_node[at_vol] - net.vol_base, seg_count[at_vol]
    n_v = int(v.max()) + 1 if v.size else 1
    pair, inverse = np.unique(g * n_v + v, return_inverse=True)
    return pair // n_v, pair % n_v, np.bincount(inverse, weights=c).astype(np.int64)
