"""The runs: :func:`solve` (min-cost flow with OR-Tools) and :func:`greedy`.

Both check the input, plan the blocks (see :mod:`.graph`), place each block —
in this process, or in ``workers`` processes — and explain the result.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import time
import weakref
from collections import deque
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from . import network
from .compile import Compiled, compile_problem, popcount
from .explain import reasons, subdistrict_totals
from .graph import (
    PRIORITIES,
    BlockInput,
    Plan,
    block_arcs,
    must_penalty,
    param_costs,
    plan,
    ragged_arange,
    rank_in_runs,
    subset,
    unplaced_costs2,
)
from .model import LEVEL_NAMES, Parameters, Problem, Result

Progress = Callable[[int, int], None]
"""Called with (blocks done, blocks in all) as the run goes."""


@dataclass(frozen=True, eq=False)
class BlockOutput:
    g: np.ndarray           # local group
    v: np.ndarray           # local volunteer
    flow: np.ndarray        # people of the group placed with the volunteer
    unplaced: np.ndarray    # (groups, 10): people of each priority level left unplaced
    objective2: int         # twice the block's cost, unplaced people included
    arcs: int
    cpu_seconds: float      # CPU time of the block (not wall: the machine may be shared)


def flow_block(b: BlockInput) -> BlockOutput:
    """The block's min-cost flow (network in :mod:`.network`).

    Nodes: groups, entry and hub nodes, volunteers, binding networks, and sinks
    (one per independent part of the block, reached through one node per
    district). Every group has an arc to its sink — the unplaced arc, costing by
    severity — so a solution always exists. Volunteer → network (or → sink when
    the network cannot bind) carries the volunteer's capacity, network → sink the
    network's.

    The solver is given no supplies: the flow starts with everyone unplaced (a
    feasible flow) and the solver finds the cheapest circulation in what is left
    of the network — the arcs' remaining capacity, and each used arc backwards at
    minus its cost. Start plus circulation is the optimal flow. Without supplies
    OR-Tools adds no source joined to every group, and that runs faster.
    """
    start = time.process_time()
    net = network.build(b)
    number = net.solver_node
    f0 = net.start
    fwd = np.flatnonzero(f0 < net.caps)
    back = np.flatnonzero(f0 > 0)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        number[np.concatenate([net.tails[fwd], net.heads[back]])].astype(np.int32),
        number[np.concatenate([net.heads[fwd], net.tails[back]])].astype(np.int32),
        np.concatenate([net.caps[fwd] - f0[fwd], f0[back]]),
        np.concatenate([net.costs2[fwd], -net.costs2[back]]))
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # cannot happen: staying as we started is feasible
        raise RuntimeError(f"min-cost flow ended with status {status}")
    moved = np.asarray(smcf.flows(np.arange(fwd.size + back.size, dtype=np.int32)),
                       dtype=np.int64)
    flows = f0.copy()
    flows[fwd] += moved[:fwd.size]
    flows[back] -= moved[fwd.size:]
    g, v, count = network.paths(net, flows)
    return BlockOutput(g=g, v=v, flow=count, unplaced=net.unplaced(flows, b.g_size.size),
                       objective2=int(smcf.optimal_cost()) + int(f0 @ net.costs2),
                       arcs=int(net.tails.size), cpu_seconds=time.process_time() - start)


def greedy_block(b: BlockInput) -> BlockOutput:
    """The baseline: most severe groups first, each to its cheapest covering
    volunteers that still have room (volunteer and network), never at a cost above
    leaving them unplaced."""
    start = time.process_time()
    g, v, cost2 = block_arcs(b)
    levels = b.g_sev.shape[1]
    priority = levels - 1 - np.argmax(b.g_sev[:, ::-1] > 0, axis=1)  # one per group here
    unplaced2 = unplaced_costs2(b.costs)[priority]
    g_rank = np.empty(b.g_size.size, dtype=np.int64)
    g_rank[np.argsort(-priority, kind="stable")] = np.arange(b.g_size.size)
    order = np.lexsort((v, cost2, g_rank[g]))
    keep = cost2[order] < unplaced2[g[order]]
    order = order[keep]
    arc_g, arc_v, arc_c = g[order].tolist(), v[order].tolist(), cost2[order].tolist()
    left = b.g_size.tolist()
    v_left = b.v_cap.tolist()
    v_net = b.v_net.tolist()
    n_left = b.n_cap.tolist()
    weight = b.g_weight.tolist()
    out_g, out_v, out_f, out_c = [], [], [], []
    for a in range(len(arc_g)):
        grp = arc_g[a]
        want = left[grp]
        if not want:
            continue
        vol = arc_v[a]
        take = min(want, v_left[vol])
        net = v_net[vol]
        if net >= 0:
            take = min(take, n_left[net])
        take -= take % weight[grp]   # whole people only (sizes are in weight units)
        if take <= 0:
            continue
        left[grp] = want - take
        v_left[vol] -= take
        if net >= 0:
            n_left[net] -= take
        out_g.append(grp)
        out_v.append(vol)
        out_f.append(take)
        out_c.append(arc_c[a])
    flow = np.asarray(out_f, dtype=np.int64)
    cost = np.asarray(out_c, dtype=np.int64)
    left_over = np.asarray(left, dtype=np.int64)
    unplaced = np.zeros((b.g_size.size, levels), dtype=np.int64)
    unplaced[np.arange(b.g_size.size), priority] = left_over
    objective2 = int((flow * cost).sum() + (left_over * unplaced2).sum())
    return BlockOutput(g=np.asarray(out_g, dtype=np.int64), v=np.asarray(out_v, dtype=np.int64),
                       flow=flow, unplaced=unplaced, objective2=objective2, arcs=int(g.size),
                       cpu_seconds=time.process_time() - start)


_CAND_KEYS: weakref.WeakKeyDictionary[Plan, np.ndarray] = weakref.WeakKeyDictionary()


def placement_cost2(c: Compiled, p: Plan, params: Parameters, g: np.ndarray,
                    v: np.ndarray) -> np.ndarray:
    """Twice the cost of placing group ``g``'s people with volunteer ``v``."""
    key = _CAND_KEYS.get(p)
    if key is None:     # (location, volunteer) of every candidate, sorted; once per plan
        key = np.repeat(np.arange(p.cand.ptr.size - 1, dtype=np.int64), np.diff(p.cand.ptr)) \
            * max(c.m, 1) + p.cand.vol
        _CAND_KEYS[p] = key
    level = p.cand.level[np.searchsorted(key, p.groups.loc[g] * max(c.m, 1) + v)]
    tier = np.asarray(params.tier_costs, dtype=np.int64)
    cost = tier[level] + params.unmet_need_cost * popcount(p.groups.needs[g] & ~c.v_serve[v]) \
        + must_penalty(params) * popcount(p.groups.needs[g] & c.must & ~c.v_serve[v])
    return 2 * cost - np.where(p.groups.cur[g] == v, 2 * params.continuity_threshold + 1, 0)


def balance_loads(c: Compiled, p: Plan, params: Parameters, pg: np.ndarray, pv: np.ndarray,
                  pf: np.ndarray, pc: np.ndarray, held: np.ndarray, capacity: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Evens out loads within each network where the cost is equal: a person
    placed with volunteer ``v`` moves to ``w`` of the same network when placing
    them with ``w`` costs exactly the same, ``w`` has room for their weight, and
    ``w``'s share of its capacity after the move stays below ``v``'s before it.
    The total cost, each network's load and who is placed do not change, so the
    proposal stays optimal. Loads are in weight units. ``held``: the weight kept
    with each volunteer (fixed care); ``capacity``: each volunteer's whole
    capacity. Returns new (g, v, people, cost) rows."""
    if pg.size == 0:
        return pg, pv, pf, pc
    row_w = p.groups.weight[pg]
    used = np.bincount(pv, weights=pf * row_w, minlength=c.m).astype(np.int64)
    share = (held + used) / np.maximum(capacity, 1)
    light = int(row_w.min())
    after = (held + used + light) / np.maximum(capacity, 1)
    # Only a volunteer above the least loaded of its network with room can give.
    open_ = p.usable_vol & (c.v_cap - used >= light)
    least = np.full(c.n_cap.size, np.inf)
    np.minimum.at(least, c.v_net[open_], after[open_])
    movable = np.flatnonzero(share[pv] > least[c.v_net[pv]])
    if movable.size == 0:
        return pg, pv, pf, pc
    # Receivers: volunteers with room, per (place, network) they cover.
    cand_loc = np.repeat(np.arange(p.cand.ptr.size - 1, dtype=np.int64), np.diff(p.cand.ptr))
    open_cand = np.flatnonzero(open_[p.cand.vol])
    span = c.n_cap.size + 1
    t_i, w_i = network.join_on(p.groups.loc[pg[movable]] * span + c.v_net[pv[movable]],
                               cand_loc[open_cand] * span + c.v_net[p.cand.vol[open_cand]])
    t, w = movable[t_i], p.cand.vol[open_cand[w_i]]
    ok = (w != pv[t]) & (after[w] < share[pv[t]])
    t, w = t[ok], w[ok]
    if t.size == 0:
        return pg, pv, pf, pc
    same = placement_cost2(c, p, params, pg[t], w) == pc[t]
    t, w = t[same], w[same]
    if t.size == 0:
        return pg, pv, pf, pc
    load = (held + used).tolist()
    room = (c.v_cap - used).tolist()
    cap = np.maximum(capacity, 1).tolist()
    flow = pf.tolist()
    owner = pv.tolist()
    weight = row_w.tolist()
    order = np.argsort(t, kind="stable")
    t, w = t[order], w[order]
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    ends = np.r_[starts[1:], t.size]
    w_list = w.tolist()
    alternatives = {int(t[i]): w_list[i:j] for i, j in zip(starts.tolist(), ends.tolist(),
                                                           strict=True)}
    moved: dict[tuple[int, int], int] = {}
    # The most loaded first (share of capacity), then row order.
    for a in sorted(alternatives, key=lambda a: (-load[owner[a]] / cap[owner[a]], a)):
        v = owner[a]
        u = weight[a]
        while flow[a] > 0:
            best = min(alternatives[a], key=lambda x: ((load[x] + u) / cap[x], x))
            if room[best] < u or (load[best] + u) / cap[best] >= load[v] / cap[v]:
                break
            flow[a] -= 1
            load[v] -= u
            room[v] += u
            load[best] += u
            room[best] -= u
            moved[(a, best)] = moved.get((a, best), 0) + 1
    if not moved:
        return pg, pv, pf, pc
    rows = np.asarray([a for a, _ in moved], dtype=np.int64)
    new_v = np.asarray([b for _, b in moved], dtype=np.int64)
    new_f = np.asarray(list(moved.values()), dtype=np.int64)
    g = np.concatenate([pg, pg[rows]])
    v = np.concatenate([pv, new_v])
    f = np.concatenate([np.asarray(flow, dtype=np.int64), new_f])
    cost = np.concatenate([pc, pc[rows]])
    keep = f > 0
    return g[keep], v[keep], f[keep], cost[keep]


def whole_people(p: Plan, pg: np.ndarray, pf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flows in weight units → whole people per (group, volunteer) row, rounded
    down (a person split between volunteers by the flow is placed with none of
    them: :func:`repair_rounding` looks for a place for them), and per group and
    priority level how many are then unplaced, the lowest levels first."""
    grp = p.groups
    people = pf // grp.weight[pg]
    placed = np.bincount(pg, weights=people, minlength=len(grp)).astype(np.int64)
    left = grp.size - placed
    below = np.cumsum(grp.sev, axis=1) - grp.sev
    return people, np.clip(left[:, None] - below, 0, grp.sev)


def near(p: Plan, unplaced: np.ndarray, vols: np.ndarray) -> np.ndarray:
    """Groups with someone unplaced that one of ``vols`` covers (the volunteers
    whose room the rounding changed)."""
    mark = np.zeros(int(p.usable_vol.size), dtype=bool)
    mark[vols] = True
    cand_loc = np.repeat(np.arange(p.cand.ptr.size - 1, dtype=np.int64), np.diff(p.cand.ptr))
    locs = np.zeros(p.cand.ptr.size - 1, dtype=bool)
    locs[cand_loc[mark[p.cand.vol]]] = True
    return np.flatnonzero(unplaced.any(axis=1) & locs[p.groups.loc])


def swap_in(c: Compiled, p: Plan, params: Parameters, pg: np.ndarray, pv: np.ndarray,
            pf: np.ndarray, unplaced: np.ndarray, split: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """A person the rounding left out (their group's flow was split) takes the
    place of one less pressing person who weighs no more than they do, where
    the room that frees is enough and the total cost falls — the swap the flow
    itself would have made between whole people. The one moved out is then
    unplaced and may in turn take the place of someone less pressing
    (``repair_rounding`` may still find them room). Changes
    ``unplaced`` in place; returns the new people per row, the added (group,
    volunteer, people) rows and how many swaps were made."""
    empty = np.zeros(0, dtype=np.int64)
    if split.size == 0 or pg.size == 0:
        return pf, empty, empty, empty, 0
    w = p.groups.weight.tolist()
    load = pf * p.groups.weight[pg]
    v_room = (c.v_cap - np.bincount(pv, weights=load, minlength=c.m)).astype(np.int64).tolist()
    n_room = (c.n_cap - np.bincount(c.v_net[pv], weights=load, minlength=c.n_cap.size)
              ).astype(np.int64).tolist()
    net = c.v_net.tolist()
    unplaced2 = unplaced_costs2(param_costs(params)).tolist()
    placed = (p.groups.sev - unplaced).tolist()   # per group and level: placed people
    left = unplaced.tolist()
    flow = pf.tolist()
    row_g, row_v = pg.tolist(), pv.tolist()
    row_cost = placement_cost2(c, p, params, pg, pv).tolist()
    # Per volunteer: the lowest level among the people placed with it (only a
    # volunteer holding someone less pressing can give a place), and its rows,
    # least pressing first (the first that fits is the one to move out).
    has = p.groups.sev - unplaced > 0
    lowest = np.where(has.any(axis=1), np.argmax(has, axis=1), PRIORITIES)
    rows_at: dict[int, list[int]] = {}
    for r in np.lexsort((np.arange(pg.size), lowest[pg], pv)).tolist():
        rows_at.setdefault(row_v[r], []).append(r)
    min_low = np.full(c.m, PRIORITIES, dtype=np.int64)
    np.minimum.at(min_low, pv[pf > 0], lowest[pg[pf > 0]])
    added: dict[tuple[int, int], int] = {}
    swaps = 0
    # The most pressing first; the candidates of the groups to try, with their
    # costs, in one pass.
    top = PRIORITIES - 1 - np.argmax(unplaced[:, ::-1] > 0, axis=1)
    queue = deque(sorted(split.tolist(), key=lambda g: (-int(top[g]), g)))
    queued = set(queue)
    first = np.sort(np.asarray(queue, dtype=np.int64))
    counts = np.diff(p.cand.ptr)[p.groups.loc[first]]
    q_g = np.repeat(first, counts)
    q_v = p.cand.vol[ragged_arange(p.cand.ptr[p.groups.loc[first]], counts)]
    keep = p.usable_vol[q_v] & (min_low[q_v] < top[q_g])
    q_g, q_v = q_g[keep], q_v[keep]
    q_cost = placement_cost2(c, p, params, q_g, q_v)
    bounds = np.searchsorted(q_g, first), np.searchsorted(q_g, first, side="right")
    ready = {g: (q_v[a:b], q_cost[a:b]) for g, a, b in zip(
        first.tolist(), bounds[0].tolist(), bounds[1].tolist(), strict=True)}
    while queue:    # each swap lowers the total cost, so this ends
        g = queue.popleft()
        queued.discard(g)
        if g in ready:
            vols, cost_all = ready.pop(g)
        else:           # moved out by a swap: its candidates now
            loc = int(p.groups.loc[g])
            vols = p.cand.vol[p.cand.ptr[loc]:p.cand.ptr[loc + 1]]
            vols = vols[p.usable_vol[vols]]
            cost_all = placement_cost2(c, p, params, np.full(vols.size, g), vols)
        if vols.size == 0:
            continue
        for level in range(PRIORITIES - 1, -1, -1):
            if not left[g][level]:
                continue
            ok = (min_low[vols] < level) & (cost_all < unplaced2[level])
            pairs = list(zip(vols[ok].tolist(), cost_all[ok].tolist(), strict=True))
            while left[g][level] > 0:
                best = None
                for v, cost in pairs:
                    for r in rows_at.get(v, ()):
                        h = row_g[r]
                        if flow[r] == 0 or h == g or w[h] > w[g] \
                                or v_room[v] + w[h] < w[g] or n_room[net[v]] + w[h] < w[g]:
                            continue
                        low = next(lv for lv in range(PRIORITIES) if placed[h][lv])
                        if low >= level:
                            if lowest[h] >= level:
                                break       # the rest are as pressing or more
                            continue
                        gain = w[g] * (unplaced2[level] - cost) \
                            - w[h] * (unplaced2[low] - row_cost[r])
                        if gain > 0 and (best is None or gain > best[0]):
                            best = (gain, v, r, h, low)
                        break               # the least pressing that fits, at v
                if best is None:
                    break
                _gain, v, r, h, low = best
                flow[r] -= 1
                placed[h][low] -= 1
                left[h][low] += 1
                v_room[v] += w[h] - w[g]
                n_room[net[v]] += w[h] - w[g]
                left[g][level] -= 1
                placed[g][level] += 1
                added[(g, v)] = added.get((g, v), 0) + 1
                swaps += 1
                if h not in queued:
                    queue.append(h)
                    queued.add(h)     # the one moved out may take someone's place
    if not added:
        return pf, empty, empty, empty, 0
    unplaced[:] = np.asarray(left, dtype=np.int64)
    return (np.asarray(flow, dtype=np.int64),
            np.asarray([a for a, _ in added], dtype=np.int64),
            np.asarray([b for _, b in added], dtype=np.int64),
            np.asarray(list(added.values()), dtype=np.int64), swaps)


def repair_rounding(c: Compiled, p: Plan, params: Parameters, pg: np.ndarray,
                    pv: np.ndarray, pf: np.ndarray, unplaced: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """After rounding down, the room left (by a person the flow split, or where
    a unit or two remain) is offered to the unplaced: the most pressing first
    (priority level, then group order), each to their cheapest covering
    volunteer with room for their weight (the volunteer and its network), never
    at a cost above leaving them unplaced. Changes ``unplaced`` in place;
    returns the added (group, volunteer, people) rows and how many were placed."""
    empty = np.zeros(0, dtype=np.int64)
    w = p.groups.weight
    load = pf * w[pg]
    v_room = c.v_cap - np.bincount(pv, weights=load, minlength=c.m).astype(np.int64)
    n_room = c.n_cap - np.bincount(c.v_net[pv], weights=load,
                                   minlength=c.n_cap.size).astype(np.int64)
    room_at = np.minimum(v_room, n_room[c.v_net])
    open_ = p.usable_vol & (room_at >= 1)
    waiting = np.flatnonzero(unplaced.any(axis=1))
    if waiting.size == 0 or not open_.any():
        return empty, empty, empty, 0
    cand = subset(p.cand, open_)
    locs = p.groups.loc[waiting]
    counts = np.diff(cand.ptr)[locs]
    g = np.repeat(waiting, counts)
    v = cand.vol[ragged_arange(cand.ptr[locs], counts)]
    fits = room_at[v] >= w[g]
    g, v = g[fits], v[fits]
    if g.size == 0:
        return empty, empty, empty, 0
    step = 1_000_000    # in slices: the need masks of millions of pairs are large
    cost = np.concatenate([placement_cost2(c, p, params, g[i:i + step], v[i:i + step])
                           for i in range(0, g.size, step)])
    order = np.lexsort((v, g, cost))
    g, v, cost = g[order], v[order], cost[order]
    unplaced2 = unplaced_costs2(param_costs(params))
    vr, nr = v_room.tolist(), n_room.tolist()
    net = c.v_net.tolist()
    weight = w.tolist()
    left = unplaced.tolist()
    added: dict[tuple[int, int], int] = {}
    for level in range(PRIORITIES - 1, -1, -1):   # the most pressing first
        at = (unplaced[g, level] > 0) & (cost < unplaced2[level])
        for gi, vi in zip(g[at].tolist(), v[at].tolist(), strict=True):
            u = weight[gi]
            row = left[gi]
            while row[level] > 0 and vr[vi] >= u and nr[net[vi]] >= u:
                row[level] -= 1
                vr[vi] -= u
                nr[net[vi]] -= u
                added[(gi, vi)] = added.get((gi, vi), 0) + 1
    if not added:
        return empty, empty, empty, 0
    unplaced[:] = np.asarray(left, dtype=np.int64)
    return (np.asarray([a for a, _ in added], dtype=np.int64),
            np.asarray([b for _, b in added], dtype=np.int64),
            np.asarray(list(added.values()), dtype=np.int64), sum(added.values()))


def _run_blocks(fn: Callable[[BlockInput], BlockOutput], blocks: list[BlockInput],
                workers: int, progress: Progress | None) -> list[BlockOutput]:
    outputs: list[BlockOutput | None] = [None] * len(blocks)
    order = sorted(range(len(blocks)), key=lambda i: -blocks[i].arcs)  # largest first
    done = 0
    if workers == 1 or len(blocks) <= 1:
        for i in order:
            outputs[i] = fn(blocks[i])
            done += 1
            if progress:
                progress(done, len(blocks))
    else:
        # "spawn": fresh workers that hold only their blocks (no copy of this
        # process's memory, no fork of a threaded process).
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(blocks)),
                                 mp_context=context) as pool:
            futures = {pool.submit(fn, blocks[i]): i for i in order}
            for future in as_completed(futures):
                outputs[futures[future]] = future.result()
                done += 1
                if progress:
                    progress(done, len(blocks))
    return [o for o in outputs if o is not None]


def _in_areas(c: Compiled, areas: Collection[str]) -> np.ndarray:
    """Whether each person's subdistrict lies in one of ``areas`` (DOPA codes of 2,
    4 or 6 digits; "" is everywhere)."""
    inside = np.zeros(c.n, dtype=bool)
    for code in areas:
        code = str(code)
        if code == "":
            inside[:] = True
        elif code.isdigit() and len(code) in (2, 4, 6):
            inside |= c.p_sd // 10 ** (6 - len(code)) == int(code)
        else:
            raise ValueError(f"rebalance areas are DOPA codes of 2, 4 or 6 digits, "
                             f"not {code!r}")
    return inside


def held_load(c: Compiled, fixed: np.ndarray) -> np.ndarray:
    """Per volunteer: the weight of the people kept with them (fixed care)."""
    return np.bincount(c.p_cur[fixed], weights=c.p_weight[fixed],
                       minlength=c.m).astype(np.int64)


def keep_current(c: Compiled, fixed: np.ndarray) -> Compiled:
    """The people not ``fixed``, with the places of the fixed ones (their current
    carer) taken off their volunteer's and network's capacity."""
    held = held_load(c, fixed)
    net_held = np.bincount(c.v_net, weights=held, minlength=c.n_cap.size).astype(np.int64)
    free = ~fixed
    return dataclasses.replace(
        c, p_sd=c.p_sd[free], p_vil=c.p_vil[free], p_needs=c.p_needs[free],
        p_sev=c.p_sev[free], p_main=c.p_main[free], p_cur=c.p_cur[free],
        p_urgent=c.p_urgent[free], p_wait=c.p_wait[free], p_weight=c.p_weight[free],
        v_cap=np.maximum(c.v_cap - held, 0), n_cap=np.maximum(c.n_cap - net_held, 0))


def placement_levels(c: Compiled, person: np.ndarray, vol: np.ndarray) -> np.ndarray:
    """Nearest level (0 village .. 3 province) at which ``vol`` covers ``person``;
    4 (outside) when it does not."""
    span = 10**9
    keys = np.sort((c.cov_vol * 4 + c.cov_level) * span + c.cov_code)
    out = np.full(person.size, len(LEVEL_NAMES) - 1, dtype=np.int64)
    if keys.size == 0 or person.size == 0:
        return out
    sd, vil = c.p_sd[person], c.p_vil[person]
    for level, area in ((3, sd // 10_000), (2, sd // 100), (1, sd), (0, vil)):  # far → near
        want = (vol * 4 + level) * span + area
        pos = np.minimum(np.searchsorted(keys, want), keys.size - 1)
        out = np.where((keys[pos] == want) & (area >= 0), level, out)
    return out


def _run(problem: Problem, params: Parameters | None, workers: int, decompose: bool,
         group: bool, progress: Progress | None, method: str,
         rebalance: Collection[str] = (), balance: bool = True) -> Result:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a whole number ≥ 1, not {workers!r}")
    if isinstance(rebalance, str):
        rebalance = (rebalance,)
    params = params if params is not None else Parameters()
    params.validate()
    clock = time.perf_counter()
    stats: dict[str, float] = {}

    whole = compile_problem(problem)
    # Current care is fixed unless the person lives in an area being rebalanced.
    fixed = (whole.p_cur >= 0) & ~_in_areas(whole, rebalance)
    c = keep_current(whole, fixed) if fixed.any() else whole
    free_rows = np.flatnonzero(~fixed)
    stats["compile_s"] = time.perf_counter() - clock
    p = plan(c, params, decompose=decompose, group=group, by_severity=method == "greedy")
    stats["plan_s"] = time.perf_counter() - clock - stats["compile_s"]

    fn = flow_block if method == "min_cost_flow" else greedy_block
    outputs = _run_blocks(fn, p.blocks, workers, progress)
    stats["place_s"] = time.perf_counter() - clock - stats["compile_s"] - stats["plan_s"]

    # Spread each group's flows over its members: those left unplaced per priority
    # level as the flow says — the most recent first, so that among equals the
    # longest waiting keep the places — then the volunteers in turn.
    grp = p.groups
    n_groups = len(grp)
    unplaced = grp.sev.copy()          # groups outside every block stay unplaced
    if outputs:
        pg = np.concatenate([bg[o.g] for bg, o in zip(p.block_groups, outputs, strict=True)])
        pv = np.concatenate([bv[o.v] for bv, o in zip(p.block_vols, outputs, strict=True)])
        pf = np.concatenate([o.flow for o in outputs])
        for bg, o in zip(p.block_groups, outputs, strict=True):
            unplaced[bg] = o.unplaced
    else:
        pg = pv = pf = np.zeros(0, dtype=np.int64)
    weighted = whole.weighted
    if weighted:
        # The flow counted weight units: back to whole people, then the room the
        # rounding left is offered to the unplaced.
        tick = time.process_time()
        cut = pf % grp.weight[pg] != 0
        split, touched = np.unique(pg[cut]), np.unique(pv[cut])
        pf, unplaced = whole_people(p, pg, pf)
        # Whom the rounding left out takes the place of someone less pressing
        # where that frees enough room; the room left goes to the unplaced, the
        # most pressing first; then anyone near that room may still take the
        # place of someone less pressing (and the room that frees is offered
        # again).
        stats["swapped"] = 0
        if method == "min_cost_flow":
            pf, add_g, add_v, add_f, stats["swapped"] = swap_in(c, p, params, pg, pv, pf,
                                                                unplaced, split)
            pg, pv, pf = (np.concatenate([pg, add_g]), np.concatenate([pv, add_v]),
                          np.concatenate([pf, add_f]))
        add_g, add_v, add_f, stats["repaired"] = repair_rounding(c, p, params, pg, pv, pf,
                                                                 unplaced)
        pg, pv, pf = (np.concatenate([pg, add_g]), np.concatenate([pv, add_v]),
                      np.concatenate([pf, add_f]))
        if method == "min_cost_flow":
            touched = np.union1d(touched, add_v)
            pf, add_g, add_v, add_f, more = swap_in(
                c, p, params, pg, pv, pf, unplaced, near(p, unplaced, touched))
            stats["swapped"] += more
            pg, pv, pf = (np.concatenate([pg, add_g]), np.concatenate([pv, add_v]),
                          np.concatenate([pf, add_f]))
            add_g, add_v, add_f, again = repair_rounding(c, p, params, pg, pv, pf, unplaced)
            stats["repaired"] += again
            pg, pv, pf = (np.concatenate([pg, add_g]), np.concatenate([pv, add_v]),
                          np.concatenate([pf, add_f]))
        keep = pf > 0
        pg, pv, pf = pg[keep], pv[keep], pf[keep]
        stats["rounding_cpu_s"] = time.process_time() - tick
    pc = placement_cost2(c, p, params, pg, pv)
    if balance and method == "min_cost_flow":
        tick = time.process_time()
        held = held_load(whole, fixed)
        pg, pv, pf, pc = balance_loads(c, p, params, pg, pv, pf, pc, held, whole.v_cap)
        stats["balance_cpu_s"] = time.process_time() - tick
    member_g = grp.of_person[grp.members]
    member_pri = c.p_pri[grp.members]
    by = np.lexsort((-c.p_wait[grp.members], member_pri, member_g))
    members, member_g, member_pri = grp.members[by], member_g[by], member_pri[by]
    left_out = rank_in_runs(member_g * PRIORITIES + member_pri) < unplaced[member_g, member_pri]
    placed_members, placed_g = members[~left_out], member_g[~left_out]
    placed_ptr = np.searchsorted(placed_g, np.arange(n_groups + 1))
    order = np.argsort(pg, kind="stable")
    at_g = np.repeat(pg[order], pf[order])
    person = placed_members[placed_ptr[at_g] + rank_in_runs(at_g)]
    if person.size != placed_members.size:  # a bug, never the input's fault
        raise RuntimeError("flows and unplaced counts disagree")
    volunteer_index = np.full(c.n, -1, dtype=np.int64)
    volunteer_index[person] = np.repeat(pv[order], pf[order])
    person_cost2 = unplaced_costs2(param_costs(params))[c.p_pri]
    person_cost2[person] = np.repeat(pc[order], pf[order])
    person_cost2 *= c.p_weight     # each weight unit costs what the person costs

    expected = sum(o.objective2 for o in outputs)
    in_blocks = np.zeros(n_groups, dtype=bool)
    for bg in p.block_groups:
        in_blocks[bg] = True
    alone = ~in_blocks[grp.of_person]
    expected += int(person_cost2[alone].sum())
    if weighted:
        # The flow in weight units is a relaxation (a person may be split): its
        # optimum bounds every proposal's cost from below.
        stats["lower_bound"] = expected / 2
        if int(person_cost2.sum()) < expected and method == "min_cost_flow":
            raise RuntimeError(f"cost below the bound: {person_cost2.sum()} < {expected}")
    elif int(person_cost2.sum()) != expected:  # a bug, never the input's fault
        raise RuntimeError(f"cost check failed: {person_cost2.sum()} != {expected}")

    why = reasons(c, p, params, volunteer_index)
    # Back to everyone: the fixed people keep their carer (costing nothing: their
    # place is not part of what is solved).
    n = whole.n
    all_vol = whole.p_cur.copy()
    all_vol[free_rows] = volunteer_index
    all_cost2 = np.zeros(n, dtype=np.int64)
    all_cost2[free_rows] = person_cost2
    all_reason = np.full(n, -1, dtype=np.int64)
    all_reason[free_rows] = why.reason
    named = np.zeros(n, dtype=np.int64)
    named[free_rows] = np.diff(why.full_offsets)
    full_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(named, out=full_offsets[1:])
    full_more = np.zeros(n, dtype=np.int64)
    full_more[free_rows] = why.full_more
    placed_rows = np.flatnonzero(all_vol >= 0)
    level_index = np.full(n, -1, dtype=np.int64)
    level_index[placed_rows] = placement_levels(whole, placed_rows, all_vol[placed_rows])
    totals = subdistrict_totals(whole, all_vol)
    stats.update(
        explain_s=time.perf_counter() - clock - stats["compile_s"] - stats["plan_s"]
        - stats["place_s"],
        seconds=time.perf_counter() - clock, people=whole.n, kept_fixed=int(fixed.sum()),
        volunteers=c.m, networks=int(c.n_cap.size), locations=int(p.loc.sd.size),
        groups=len(grp), components=p.components, blocks=len(p.blocks),
        candidate_arcs=sum(b.arcs for b in p.blocks),
        arcs=sum(o.arcs for o in outputs),
        largest_block_arcs=max((o.arcs for o in outputs), default=0),
        block_cpu_s=sum(o.cpu_seconds for o in outputs))
    return Result(problem=problem, method=method, volunteer_index=all_vol,
                  person_cost2=all_cost2, reason_index=all_reason,
                  need_codes=whole.need_codes, main_need=whole.p_main, severity=whole.p_sev,
                  full_offsets=full_offsets, full_volunteers=why.full_volunteers,
                  full_more=full_more, subdistricts=totals, stats=stats,
                  level_index=level_index, fixed=fixed)


def solve(problem: Problem, params: Parameters | None = None, *, workers: int = 1,
          decompose: bool = True, group: bool = True,
          progress: Progress | None = None, rebalance: Collection[str] = (),
          balance: bool = True) -> Result:
    """The optimal proposal: minimum total cost (see :class:`Parameters`).

    ``balance`` (on by default) evens out loads within each network between
    volunteers at equal cost (see :func:`balance_loads`); the total is the same.

    Everyone with a current giver keeps them (their place is taken off the
    giver's capacity) unless they live in one of the ``rebalance`` areas (DOPA
    codes of 2, 4 or 6 digits; "" for everywhere): there the continuity bonus
    applies and a move may be proposed.

    ``workers`` > 1 solves independent blocks in that many processes.
    ``decompose``/``group`` (on by default) can be turned off to check that they
    change nothing but the time. Raises :class:`MatchingInputError` on bad input.
    """
    return _run(problem, params, workers, decompose, group, progress, "min_cost_flow",
                rebalance, balance)


def greedy(problem: Problem, params: Parameters | None = None, *, workers: int = 1,
           progress: Progress | None = None, rebalance: Collection[str] = ()) -> Result:
    """The greedy baseline on the same costs, for comparison (not optimal)."""
    return _run(problem, params, workers, True, True, progress, "greedy", rebalance)
