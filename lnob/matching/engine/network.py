"""The flow network of one block, built from arrays, and its flow split into
(group, volunteer, people) triples.

A direct arc from every group to every covering volunteer would need
groups × candidates arcs (tens of millions in a dense province). The costs only
depend on the area level and on which of the group's needs the volunteer serves,
so for each level (village, subdistrict, district, province) and each (area,
needs) of the block's groups the cheapest in arcs of three shapes is used:

* direct arcs ``group → v`` to the area's volunteers;
* arcs ``group → H(area, S)`` to hub nodes: ``H(area, S)`` leads (free) to the
  volunteers covering ``area`` at that level who serve at least the needs ``S``;
  the arc costs the level's tier plus ``unmet_need_cost × |N \\ S|``, and there is
  one for every ``S = N ∩ served(v)`` of a volunteer ``v`` there;
* an entry node ``E(area, N)`` shared by the groups with needs ``N`` in ``area``,
  which has those arcs to the hubs. A group has one arc to its nearest entry node;
  each entry node passes on (free) to the group's next one up, the same needs in
  the area above.

The cheapest route from a group to a volunteer costs exactly the direct arc's cost
(via ``S = N ∩ served(v)`` at the nearest level), and any dearer route is never
used by an optimal flow (the cheaper one has room for all that the volunteer can
take), so the optimum is the same as with direct arcs only. A current giver keeps
a direct arc with the continuity bonus. ``solver`` re-prices every placement and
checks the total against the solver's optimum.

Each independent part of a block (a component of the plan) has its own sink,
reached through one collecting node per district: the solver runs about twice as
fast on parts that do not share a sink. The network comes with a starting flow —
everyone unplaced — from which ``solver`` looks for the cheapest circulation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compile import popcount
from .graph import BlockInput, ragged_arange, unplaced_costs2

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
    start: np.ndarray       # a feasible flow to start from: everyone unplaced
    layer: np.ndarray       # per node: GROUP, ENTRY + level, HUB, VOLUNTEER or OTHER
    vol_base: int
    unplaced_severity: np.ndarray   # the first arcs are group → sink, one per priority level
    solver_node: np.ndarray         # node → the number the solver sees
    levels: int = 10

    def unplaced(self, flows: np.ndarray, groups: int) -> np.ndarray:
        """(groups, levels): how many of each priority level the flow leaves unplaced."""
        k = self.unplaced_severity.size
        out = np.zeros((groups, self.levels), dtype=np.int64)
        np.add.at(out, (self.tails[:k], self.unplaced_severity), flows[:k])
        return out


GROUP, ENTRY, HUB, VOLUNTEER, OTHER = 0, 1, 1 + LEVELS, 2 + LEVELS, 3 + LEVELS
# Choosing how an (area, needs) reaches its volunteers: shared nodes make the solver
# work harder per arc, so they must save this many times the arcs to be used.
# (Any choice gives the same optimum; the tests force each one in turn.)
DIRECT_WEIGHT, FLAT_WEIGHT, ENTRY_WEIGHT = 1.0, 1.5, 2.5


@dataclass
class _Arcs:
    tails: list[np.ndarray]
    heads: list[np.ndarray]
    caps: list[np.ndarray]
    costs2: list[np.ndarray]

    def add(self, tails: np.ndarray, heads: np.ndarray, caps: np.ndarray | int,
            costs2: np.ndarray | int) -> None:
        self.tails.append(tails)
        self.heads.append(heads)
        self.caps.append(np.broadcast_to(np.asarray(caps, dtype=np.int64), tails.shape))
        self.costs2.append(np.broadcast_to(np.asarray(costs2, dtype=np.int64), tails.shape))


def build(b: BlockInput) -> FlowNetwork:
    """Per level and per (area, needs) of the block's groups, the cheapest of:
    direct arcs to the volunteers, arcs to the hubs, or a shared entry node that
    has the arcs to the hubs. A group reaches its nearest entry node; each entry
    node passes on to the group's next one up (same needs, the area above), so a
    group needs one arc for all its entry levels."""
    n_g, n_v, n_n = b.g_size.size, b.v_cap.size, b.n_cap.size
    tier = np.asarray(b.costs[:4], dtype=np.int64)
    unmet, threshold, penalty = b.costs[4], b.costs[5], b.costs[8]
    must = b.must
    big = max(int(b.g_size.sum()), 1)
    sd, vil = b.loc_sd[b.g_loc], b.loc_vil[b.g_loc]
    g_area = [vil, sd, sd // 100, sd // 10_000]
    c_loc = np.repeat(np.arange(b.loc_sd.size, dtype=np.int64), np.diff(b.loc_ptr))
    c_area = [b.loc_vil[c_loc], b.loc_sd[c_loc], b.loc_sd[c_loc] // 100,
              b.loc_sd[c_loc] // 10_000]

    # Node ids are assigned at the end; collect (kind, local id) pieces first.
    group_arcs = _Arcs([], [], [], [])      # group → volunteer (heads: volunteer)
    to_hub: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []    # group → hub
    entry_at = np.full((LEVELS, n_g), -1, dtype=np.int64)          # group's entry per level
    entry_start = [0] * (LEVELS + 1)
    entry_hub: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # entry → hub
    hub_vol: list[tuple[np.ndarray, np.ndarray]] = []
    n_entry = n_hub = 0
    for level in range(LEVELS):
        at = b.cand_level == level
        first, _ = unique_rows(c_area[level][at], b.cand_vol[at])
        cov_area, cov_vol = c_area[level][at][first], b.cand_vol[at][first]
        if cov_area.size == 0:
            entry_start[level + 1] = n_entry
            continue
        areas, per_area = np.unique(cov_area, return_counts=True)
        groups = np.flatnonzero(g_area[level] >= 0)
        groups = groups[np.isin(g_area[level][groups], areas)]
        e_first, e_of = unique_rows(g_area[level][groups], *_words(b.g_needs[groups]))
        e_area, e_needs = g_area[level][groups][e_first], b.g_needs[groups][e_first]
        e_groups = np.bincount(e_of, minlength=e_first.size)
        e_vols = per_area[np.searchsorted(areas, e_area)]
        # The distinct subsets S = needs ∩ served among the area's volunteers.
        m_first, _ = unique_rows(cov_area, *_words(b.v_serve[cov_vol]))
        ei, mj = join_on(e_area, cov_area[m_first])
        served = e_needs[ei] & b.v_serve[cov_vol[m_first]][mj]
        s_first, _ = unique_rows(ei, *_words(served))
        ei, served = ei[s_first], served[s_first]
        s_cost2 = 2 * (tier[level] + unmet * popcount(e_needs[ei] & ~served)
                       + penalty * popcount(e_needs[ei] & must & ~served))
        e_sets = np.bincount(ei, minlength=e_first.size)
        direct = DIRECT_WEIGHT * e_groups * e_vols
        flat = FLAT_WEIGHT * e_groups * e_sets
        shared = ENTRY_WEIGHT * (e_groups + e_sets)
        mode = np.argmin(np.stack([direct, flat, shared]), axis=0)

        # Direct: group → each volunteer of the area.
        g_direct = groups[mode[e_of] == 0]
        gi, vj = join_on(g_area[level][g_direct], cov_area)
        g, v = g_direct[gi], cov_vol[vj]
        group_arcs.add(g, v, b.g_size[g], 2 * (
            tier[level] + unmet * popcount(b.g_needs[g] & ~b.v_serve[v])
            + penalty * popcount(b.g_needs[g] & must & ~b.v_serve[v])))
        # Hubs for the subsets used by the other two modes.
        use = mode[ei] > 0
        ei, served, s_cost2 = ei[use], served[use], s_cost2[use]
        h_first, h_of = unique_rows(e_area[ei], *_words(served))
        h_area, h_set = e_area[ei][h_first], served[h_first]
        hi, vj = join_on(h_area, cov_area)
        ok = ((b.v_serve[cov_vol[vj]] & h_set[hi]) == h_set[hi]).all(axis=1)
        hub_vol.append((n_hub + hi[ok], cov_vol[vj][ok]))
        # Flat: group → each hub of its (area, needs).
        flat_e = mode[ei] == 1
        order = np.argsort(ei[flat_e], kind="stable")
        f_e, f_hub, f_cost = ei[flat_e][order], h_of[flat_e][order], s_cost2[flat_e][order]
        g_flat = groups[mode[e_of] == 1]
        lo = np.searchsorted(f_e, e_of[mode[e_of] == 1], side="left")
        counts = np.searchsorted(f_e, e_of[mode[e_of] == 1], side="right") - lo
        pick = ragged_arange(lo, counts)
        to_hub.append((np.repeat(g_flat, counts), n_hub + f_hub[pick], f_cost[pick]))
        # Shared: group → entry → each hub.
        entries = np.flatnonzero(mode == 2)
        e_local = np.full(e_first.size, -1, dtype=np.int64)
        e_local[entries] = n_entry + np.arange(entries.size)
        g_shared = groups[mode[e_of] == 2]
        entry_at[level, g_shared] = e_local[e_of[mode[e_of] == 2]]
        shared_e = mode[ei] == 2
        entry_hub.append((e_local[ei[shared_e]], n_hub + h_of[shared_e], s_cost2[shared_e]))
        n_entry += entries.size
        n_hub += h_area.size
        entry_start[level + 1] = n_entry

    entry_base = n_g
    hub_base = entry_base + n_entry
    vol_base = hub_base + n_hub
    net_base = vol_base + n_v
    n_nodes = net_base + n_n          # sinks come after, once their number is known

    # Continuity: a direct arc to the current giver, at the level it covers the group.
    cur_g = np.flatnonzero(b.g_cur >= 0)
    key = c_loc * n_v + b.cand_vol
    want = b.g_loc[cur_g] * n_v + b.g_cur[cur_g]
    pos = np.minimum(np.searchsorted(key, want), max(key.size - 1, 0))
    found = key[pos] == want if key.size else np.zeros(0, dtype=bool)
    cur_g, pos = cur_g[found], pos[found]
    cur_v = b.g_cur[cur_g]
    cur_cost2 = 2 * (tier[b.cand_level[pos]]
                     + unmet * popcount(b.g_needs[cur_g] & ~b.v_serve[cur_v])
                     + penalty * popcount(b.g_needs[cur_g] & must & ~b.v_serve[cur_v])) \
        - (2 * threshold + 1)

    # Arcs inside the network (to the sinks: below).
    arcs = _Arcs([], [], [], [])
    for t, h, cap, cost in zip(group_arcs.tails, group_arcs.heads, group_arcs.caps,
                               group_arcs.costs2, strict=True):
        arcs.add(t, vol_base + h, cap, cost)
    arcs.add(cur_g, vol_base + cur_v, b.g_size[cur_g], cur_cost2)
    for g, h, cost in to_hub:
        arcs.add(g, hub_base + h, b.g_size[g], cost)
    last = np.full(n_g, -1, dtype=np.int64)   # the group's entry node so far
    for level in range(LEVELS):
        g = np.flatnonzero(entry_at[level] >= 0)
        e = entry_at[level, g]
        first = last[g] < 0
        arcs.add(g[first], entry_base + e[first], b.g_size[g[first]], 0)
        per = n_entry + 1
        pairs = np.unique(last[g[~first]] * per + e[~first])
        arcs.add(entry_base + pairs // per, entry_base + pairs % per, big, 0)
        last[g] = e
    # A hub passes on at most what its volunteers can take (tight capacities save
    # the solver work and change nothing: a volunteer takes no more than its own).
    hub_t = np.concatenate([h for h, _ in hub_vol]) if hub_vol else np.zeros(0, np.int64)
    hub_v = np.concatenate([v for _, v in hub_vol]) if hub_vol else np.zeros(0, np.int64)
    hub_cap = np.bincount(hub_t, weights=b.v_cap[hub_v], minlength=n_hub).astype(np.int64)
    for e, h, cost in entry_hub:
        arcs.add(entry_base + e, hub_base + h, np.minimum(hub_cap[h], big), cost)
    arcs.add(hub_base + hub_t, vol_base + hub_v, np.minimum(b.v_cap[hub_v], big), 0)
    vols = np.arange(n_v, dtype=np.int64)
    binding = b.v_net >= 0
    arcs.add(vol_base + vols[binding], net_base + b.v_net[binding], b.v_cap[binding], 0)
    inner_t, inner_h = np.concatenate(arcs.tails), np.concatenate(arcs.heads)

    # Sinks: each independent part of the block has its own (the solver slows down
    # markedly when unrelated parts share one), reached through one collecting node
    # per district of the part. Unplaced arcs (first), free volunteers and
    # networks end there.
    sd, vil = b.loc_sd[b.g_loc], b.loc_vil[b.g_loc]
    place = np.where(vil >= 0, vil, sd * 100)             # a village code
    node_key = _spread(inner_t, inner_h, n_nodes, b.g_part * PART_KEY + place)
    if (node_key[inner_t] // PART_KEY != node_key[inner_h] // PART_KEY).any():
        raise RuntimeError("an arc joins two parts of a block")  # a bug in the plan
    to_t = np.concatenate([*(np.flatnonzero(b.g_sev[:, i]) for i in range(b.g_sev.shape[1])),
                           vol_base + vols[~binding], net_base + np.arange(n_n, dtype=np.int64)])
    collect, to_collect = np.unique(node_key[to_t] // DISTRICT_KEY, return_inverse=True)
    part_of = collect * DISTRICT_KEY // PART_KEY
    parts, sink_of = np.unique(part_of, return_inverse=True)
    collect_base = n_nodes
    sink_base = collect_base + collect.size
    n_nodes = sink_base + parts.size

    out = _Arcs([], [], [], [])
    unplaced_severity: list[np.ndarray] = []
    level_cost2 = unplaced_costs2(b.costs)
    for level in range(b.g_sev.shape[1]):  # unplaced arcs come first
        has = np.flatnonzero(b.g_sev[:, level])
        out.add(has, np.zeros(has.size, dtype=np.int64), b.g_sev[has, level],
                int(level_cost2[level]))
        unplaced_severity.append(np.full(has.size, level, dtype=np.int64))
    k = sum(t.size for t in out.tails)
    for t, h, cap, cost in zip(arcs.tails, arcs.heads, arcs.caps, arcs.costs2, strict=True):
        out.add(t, h, cap, cost)
    free = vols[~binding]
    out.add(vol_base + free, np.zeros(free.size, dtype=np.int64), b.v_cap[free], 0)
    out.add(net_base + np.arange(n_n, dtype=np.int64), np.zeros(n_n, dtype=np.int64),
            b.n_cap, 0)
    tails, heads = np.concatenate(out.tails), np.concatenate(out.heads)
    caps, costs2 = np.concatenate(out.caps), np.concatenate(out.costs2)
    into = np.concatenate([np.arange(k), np.arange(tails.size - free.size - n_n, tails.size)])
    heads[into] = collect_base + to_collect
    collect_cap = np.bincount(to_collect, weights=caps[into], minlength=collect.size)
    start_collect = np.bincount(to_collect[:k], weights=caps[:k], minlength=collect.size)
    tails = np.concatenate([tails, collect_base + np.arange(collect.size)])
    heads = np.concatenate([heads, sink_base + sink_of])
    caps = np.concatenate([caps, collect_cap.astype(np.int64)])
    costs2 = np.concatenate([costs2, np.zeros(collect.size, dtype=np.int64)])
    # The starting flow: everyone unplaced.
    start = np.zeros(tails.size, dtype=np.int64)
    start[:k] = caps[:k]
    start[tails.size - collect.size:] = start_collect.astype(np.int64)

    layer = np.full(n_nodes, OTHER, dtype=np.int64)
    layer[:n_g] = GROUP
    for level in range(LEVELS):
        layer[entry_base + entry_start[level]:entry_base + entry_start[level + 1]] = \
            ENTRY + level
    layer[hub_base:vol_base] = HUB
    layer[vol_base:net_base] = VOLUNTEER
    order = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    order[:collect_base] = node_key    # collecting nodes and sinks last (measured faster)
    number = np.empty(n_nodes, dtype=np.int64)
    number[np.argsort(order, kind="stable")] = np.arange(n_nodes)
    return FlowNetwork(tails=tails, heads=heads, caps=caps, costs2=costs2, start=start,
                       layer=layer, vol_base=vol_base,
                       unplaced_severity=np.concatenate(unplaced_severity),
                       solver_node=number, levels=int(b.g_sev.shape[1]))


PART_KEY = 10**9        # node key: part × PART_KEY + village code (8 digits)
DISTRICT_KEY = 10**4    # village code // DISTRICT_KEY: the district


def _spread(tails: np.ndarray, heads: np.ndarray, n_nodes: int,
            group_key: np.ndarray) -> np.ndarray:
    """Each node's key: the smallest key among the groups that reach it (groups
    come first). Used to number nodes so that each place's groups, hubs and
    volunteers are close together (the solver runs markedly faster on such an
    order) and to find each node's part and district."""
    key = np.full(n_nodes, np.iinfo(np.int64).max, dtype=np.int64)
    key[:group_key.size] = group_key
    while True:  # one arc further each time: group → entries → hub → volunteer → network
        before = key.copy()
        np.minimum.at(key, heads, key[tails])
        if np.array_equal(key, before):
            return key


def paths(net: FlowNetwork, flows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split the flow into (group, volunteer, people): follow each group's units
    through entry and hub nodes, layer by layer, handing a node's incoming units
    to its outgoing arcs in order (any order is optimal, see the module doc)."""
    used = flows > 0
    tails, heads, flow = net.tails[used], net.heads[used], flows[used]
    layer = net.layer
    start = layer[tails] == GROUP
    seg_origin, seg_node, seg_count = tails[start], heads[start], flow[start]
    for current in (*range(ENTRY, ENTRY + LEVELS), HUB):  # all of a node's inflow is known
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
    at_vol = layer[seg_node] == VOLUNTEER   # the rest went to the sink: unplaced
    g, v, c = seg_origin[at_vol], seg_node[at_vol] - net.vol_base, seg_count[at_vol]
    n_v = int(v.max()) + 1 if v.size else 1
    pair, inverse = np.unique(g * n_v + v, return_inverse=True)
    return pair // n_v, pair % n_v, np.bincount(inverse, weights=c).astype(np.int64)
