"""Matching engine benchmark (issue #6): ``python -m benchmarks.matching``.

A synthetic Thailand — real DOPA codes from ``geothai`` (77 provinces, 928
districts, 7,436 subdistricts), 4–18 villages per subdistrict — with 1,000,000
people in need, 200,000 volunteers in 60,000 networks, solved whole; the greedy
baseline on the same problem in the same run; then one province (Nakhon
Ratchasima, 30) with 200,000 people. No database.

Smaller: LNOB_BENCH_MATCH_PEOPLE=100000 (volunteers and networks follow at 1/5
and 6/100), LNOB_BENCH_MATCH_PROVINCE_PEOPLE=20000; LNOB_BENCH_MATCH_WORKERS
(default 2) processes solve independent blocks; LNOB_BENCH_MATCH_COUNTRY=0 skips
the country (minutes) and runs only the province. LNOB_BENCH_MATCH_WEIGHTS=0
skips the province solved again with caseload weights (issue #15, decision 0017).

Issue #15: 5 % of the people are urgent; current care is fixed (the default).
After "accept all" (every placement applied) it counts volunteers and networks
over capacity, people who had a carer and lost it, and urgent people left out
while a non-urgent person of the same or lower severity holds a place they could
have had — each must be 0. Peak memory is the sum of the RSS of this process and
its workers, sampled every 0.2 s (``/proc``).
"""

from __future__ import annotations

import dataclasses
import gc
import os
import resource
import threading
import time
from dataclasses import dataclass
from typing import Any

import geothai
import numpy as np

from benchmarks.__main__ import row
from lnob.matching.engine import Networks, People, Problem, Result, Volunteers, greedy, solve
from lnob.matching.engine.compile import compile_problem
from lnob.matching.engine.graph import candidates, locations

PEOPLE = int(os.environ.get("LNOB_BENCH_MATCH_PEOPLE", "1000000"))
PROVINCE_PEOPLE = int(os.environ.get("LNOB_BENCH_MATCH_PROVINCE_PEOPLE", "200000"))
WORKERS = int(os.environ.get("LNOB_BENCH_MATCH_WORKERS", "2"))
COUNTRY = os.environ.get("LNOB_BENCH_MATCH_COUNTRY", "1") != "0"
WEIGHTS = os.environ.get("LNOB_BENCH_MATCH_WEIGHTS", "1") != "0"
PROVINCE = "30"  # Nakhon Ratchasima: the most subdistricts

# The national need codes (lnob.registry.taxonomy), how often people have each,
# and how often volunteers serve each.
NEEDS = np.array(["income", "health", "daily_care", "housing", "education", "disability_aids",
                  "mental_health", "protection", "legal_status"])
NEED_ODDS = np.array([25, 22, 15, 10, 8, 6, 5, 5, 4], dtype=float)
SERVE_ODDS = np.array([25, 25, 20, 10, 8, 5, 3, 2, 2], dtype=float)


@dataclass(frozen=True)
class Geography:
    subdistricts: np.ndarray    # int64 codes, sorted
    villages: np.ndarray        # villages per subdistrict


def geography(province: str | None, rng: np.random.Generator) -> Geography:
    codes = [int(s.code)
             for p in geothai.provinces() if province in (None, p.code)
             for d in geothai.districts(p.code)
             for s in geothai.subdistricts(d.code)]
    sds = np.sort(np.asarray(codes, dtype=np.int64))
    return Geography(subdistricts=sds, villages=rng.integers(4, 19, sds.size))


def _top_k(rng: np.random.Generator, odds: np.ndarray, k: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """k distinct picks per row, weighted (Gumbel top-k): (offsets, flat choices)."""
    keys = np.log(odds) - np.log(-np.log(rng.random((k.size, odds.size))))
    order = np.argsort(-keys, axis=1)[:, :int(k.max())]
    take = np.arange(order.shape[1]) < k[:, None]
    offsets = np.zeros(k.size + 1, dtype=np.int64)
    np.cumsum(k, out=offsets[1:])
    return offsets, order[take]


def synthetic(people: int, volunteers: int, networks: int, province: str | None = None,
              seed: int = 2549) -> Problem:
    rng = np.random.default_rng(seed)
    geo = geography(province, rng)
    sds, n_sd = geo.subdistricts, geo.subdistricts.size

    # People: uneven over subdistricts, 85% with a village, 1–3 needs, severity 1–5.
    weight = rng.lognormal(0.0, 0.5, n_sd)
    p_sd = rng.choice(n_sd, people, p=weight / weight.sum())
    has_village = rng.random(people) < 0.85
    p_vil = sds[p_sd] * 100 + 1 + (rng.random(people) * geo.villages[p_sd]).astype(np.int64)
    n_needs = rng.choice([1, 2, 3], people, p=[0.5, 0.33, 0.17])
    need_offsets, need_index = _top_k(rng, NEED_ODDS, n_needs)
    severities = rng.choice([1, 2, 3, 4, 5], need_index.size, p=[0.25, 0.3, 0.25, 0.13, 0.07])

    # Volunteers: where people are, none in 3% of subdistricts (holes).
    demand = np.bincount(p_sd, minlength=n_sd) * rng.lognormal(0.0, 0.3, n_sd)
    demand[rng.random(n_sd) < 0.03] = 0
    v_sd = np.sort(rng.choice(n_sd, volunteers, p=demand / demand.sum()))
    # Networks: runs of volunteers in subdistrict order (mostly within a district).
    cuts = np.sort(rng.choice(np.arange(1, volunteers), networks - 1, replace=False))
    v_net = np.zeros(volunteers, dtype=np.int64)
    v_net[cuts] = 1
    v_net = np.cumsum(v_net)
    # Coverage: 70% their village (30% of them a second one), 27% their subdistrict
    # (10% of them the next one too), 2.5% their district, 0.2% their province.
    kind = rng.random(volunteers)
    home = sds[v_sd]
    first = np.select([kind < 0.70, kind < 0.973, kind < 0.998],
                      [home * 100 + 1 + (rng.random(volunteers) * geo.villages[v_sd]).astype(
                          np.int64), home, home // 100], home // 10_000)
    second_village = (kind < 0.70) & (rng.random(volunteers) < 0.3)
    next_sd = np.minimum(v_sd + 1, n_sd - 1)
    second_sd = (kind >= 0.70) & (kind < 0.973) & (rng.random(volunteers) < 0.1) \
        & (sds[next_sd] // 100 == home // 100) & (next_sd != v_sd)
    second = np.where(second_village,
                      home * 100 + 1 + (first % 100) % geo.villages[v_sd], sds[next_sd])
    has_second = second_village | second_sd
    area_offsets = np.zeros(volunteers + 1, dtype=np.int64)
    np.cumsum(1 + has_second, out=area_offsets[1:])
    areas = np.empty(int(area_offsets[-1]), dtype=np.int64)
    areas[area_offsets[:-1]] = first
    areas[area_offsets[:-1][has_second] + 1] = second[has_second]
    n_serve = rng.choice([1, 2, 3, 4], volunteers, p=[0.3, 0.35, 0.25, 0.1])
    serve_offsets, serve_index = _top_k(rng, SERVE_ODDS, n_serve)
    v_cap = rng.integers(2, 9, volunteers)
    v_cap[rng.random(volunteers) < 0.04] = 0
    member_cap = np.bincount(v_net, weights=v_cap, minlength=networks)
    n_cap = np.round(member_cap * rng.uniform(0.6, 1.2, networks)).astype(np.int64)

    # A quarter of the people already have a giver: someone based in their
    # subdistrict who covers them (a few tries), else who no longer does.
    lo = np.searchsorted(v_sd, p_sd, side="left")
    hi = np.searchsorted(v_sd, p_sd, side="right")
    has_current = (rng.random(people) < 0.25) & (hi > lo)
    pick = np.full(people, -1, dtype=np.int64)
    todo = np.flatnonzero(has_current)
    for _ in range(6):
        v = lo[todo] + (rng.random(todo.size) * (hi - lo)[todo]).astype(np.int64)
        pick[todo] = v
        vil = np.where(has_village[todo], p_vil[todo], -1)
        sd = sds[p_sd[todo]]
        ok = (first[v] == sd) | (first[v] == sd // 100) \
            | (first[v] == sd // 10_000) | (first[v] == vil) | (has_second[v] & (
                (second[v] == vil) | (second[v] == sd)))
        todo = todo[~ok]
    current = np.full(people, None, dtype=object)
    current[has_current] = pick[has_current] + 10_000_000

    urgent = rng.random(people) < 0.05
    waiting_since = rng.integers(0, 3 * 365, people)
    return Problem(
        People(ids=np.arange(people, dtype=np.int64), subdistricts=sds[p_sd].astype("U6"),
               villages=np.where(has_village, p_vil.astype("U8"), ""),
               need_offsets=need_offsets, need_codes=NEEDS[need_index],
               need_severities=severities, current_givers=current, urgent=urgent,
               waiting_since=waiting_since),
        Volunteers(ids=np.arange(volunteers, dtype=np.int64) + 10_000_000,
                   networks=v_net + 20_000_000, capacities=v_cap, area_offsets=area_offsets,
                   area_codes=areas.astype("U8"), need_offsets=serve_offsets,
                   need_codes=NEEDS[serve_index]),
        Networks(ids=np.arange(networks, dtype=np.int64) + 20_000_000, capacities=n_cap))


def cpu_s() -> float:
    """CPU seconds of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def peak_mb() -> tuple[float, float]:
    """Max RSS of this process and of its largest finished child (KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


class TreeMemory:
    """Peak of the summed RSS of this process and all its descendants, sampled
    every ``every`` seconds from /proc (spawned workers each counted once, at
    their own size)."""

    def __init__(self, every: float = 0.2) -> None:
        self.every, self.peak, self._stop = every, 0, threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _tree_rss(self) -> int:
        parent: dict[int, int] = {}
        rss: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parent[int(name)] = int(fields[1])
                rss[int(name)] = int(fields[21]) * self._page
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(p for p, pp in parent.items() if pp == pid)
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._tree_rss())

    def __enter__(self) -> TreeMemory:
        self.peak = self._tree_rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._tree_rss())

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20


def accept_all(problem: Problem, result: Result) -> dict[str, int]:
    """Apply every placement and count what must be 0: volunteers and networks
    over capacity (beyond what their kept people alone already took), people
    who had a carer and lost it, and urgent people left out while a non-urgent
    person of the same or lower severity holds a place they could have had."""
    c = compile_problem(problem)
    vi = result.volunteer_index
    placed = vi >= 0
    # Loads in caseload weight (1 each when the problem has no weights).
    w = c.p_weight
    load = np.bincount(vi[placed], weights=w[placed], minlength=c.m)
    kept = np.bincount(vi[placed & result.fixed], weights=w[placed & result.fixed],
                       minlength=c.m) if result.fixed is not None \
        else np.zeros(c.m, dtype=np.int64)
    over_v = int(((load > c.v_cap) & (load > kept)).sum())
    n_load = np.bincount(c.v_net[vi[placed]], weights=w[placed], minlength=c.n_cap.size)
    n_kept = np.bincount(c.v_net, weights=kept, minlength=c.n_cap.size)
    over_n = int(((n_load > c.n_cap) & (n_load > n_kept)).sum())
    had = c.p_cur >= 0
    lost = int((had & (vi != c.p_cur)).sum())
    # Per volunteer, severity s and weight u: the heaviest non-urgent person of
    # severity ≤ s and weight ≤ u they took in this run. With weights, a place
    # the urgent person could have had is one whose holder weighs no more than
    # they do and frees, with the room left, at least their weight (decision
    # 0017; without weights: any such holder).
    free_placed = placed & ~(result.fixed if result.fixed is not None else np.zeros_like(placed))
    mask = free_placed & ~c.p_urgent
    top = int(w.max()) if w.size else 1
    heaviest = np.zeros((c.m, 7, top + 1), dtype=np.int64)
    np.maximum.at(heaviest, (vi[mask], c.p_sev[mask], w[mask]), w[mask])
    heaviest = np.maximum.accumulate(np.maximum.accumulate(heaviest, axis=1), axis=2)
    room = c.v_cap - load.astype(np.int64)
    n_room = c.n_cap - n_load.astype(np.int64)
    loc = locations(c)
    cand = candidates(c, loc)
    urgent_out = np.flatnonzero(~placed & c.p_urgent)
    violations = 0
    for i in urgent_out.tolist():
        lo, hi = cand.ptr[loc.of_person[i]], cand.ptr[loc.of_person[i] + 1]
        vols = cand.vol[lo:hi]
        ok = ((c.v_serve[vols] & c.p_needs[i] & c.must) == (c.p_needs[i] & c.must)).all(axis=1)
        vols = vols[ok]
        freed = heaviest[vols, c.p_sev[i], w[i]]
        if ((freed > 0) & (freed + room[vols] >= w[i])
                & (freed + n_room[c.v_net[vols]] >= w[i])).any():
            violations += 1
    return {"volunteers over capacity": over_v, "networks over capacity": over_n,
            "people who lost their carer": lost,
            "urgent left out for a less or equally severe non-urgent": violations,
            "urgent people": int(c.p_urgent.sum()), "urgent unplaced": int(urgent_out.size),
            "kept with their carer": int(result.fixed.sum()) if result.fixed is not None else 0}


def print_checks(checks: dict[str, int]) -> None:
    for name, value in checks.items():
        print(f"  after accept all: {name:<58} {value:>9,}")


def describe(result: Result) -> None:
    s = result.stats
    print(f"  {s['people']:,.0f} people in {s['groups']:,.0f} groups at "
          f"{s['locations']:,.0f} places; {s['volunteers']:,.0f} volunteers, "
          f"{s['networks']:,.0f} networks")
    print(f"  {s['components']:,.0f} components in {s['blocks']:,.0f} blocks; "
          f"{s['arcs']:,.0f} arcs (largest block {s['largest_block_arcs']:,.0f}) instead of "
          f"{s['candidate_arcs']:,.0f} group → volunteer pairs")
    print(f"  phases: check {s['compile_s']:.1f} s, plan {s['plan_s']:.1f} s, "
          f"place {s['place_s']:.1f} s (blocks: {s['block_cpu_s']:.1f} s of CPU), "
          f"explain {s['explain_s']:.1f} s")
    reasons = ", ".join(f"{r.value} {n:,}" for r, n in result.reason_counts().items())
    holes = len(result.holes())
    print(f"  unplaced by reason: {reasons}; {holes:,} of {len(result.subdistricts):,} "
          "subdistricts with a hole")


def country() -> None:
    volunteers, networks = PEOPLE // 5, PEOPLE * 6 // 100
    start = time.perf_counter()
    problem = synthetic(PEOPLE, volunteers, networks)
    row("generate synthetic Thailand (NumPy)", time.perf_counter() - start, "s")

    start, cpu = time.perf_counter(), cpu_s()
    with TreeMemory() as tree:
        result = solve(problem, workers=WORKERS)
    solve_s, solve_cpu = time.perf_counter() - start, cpu_s() - cpu
    busy = load()
    start, cpu = time.perf_counter(), cpu_s()
    with TreeMemory() as greedy_tree:
        baseline = greedy(problem, workers=WORKERS)
    greedy_s, greedy_cpu = time.perf_counter() - start, cpu_s() - cpu

    print(f"\nwhole country, min-cost flow (target ≤ 60 s, ≤ 4 GB); {busy}")
    row("  wall time, input checks and arrays included", solve_s, "s", greedy_s, "greedy")
    row("  CPU time, this process and workers", solve_cpu, "s", greedy_cpu, "greedy")
    row(f"  peak memory, process + {WORKERS} workers (sum, sampled)", tree.peak_mb, "MB",
        greedy_tree.peak_mb, "greedy")
    row("  placed", result.placed, "people", baseline.placed, "greedy")
    row("  unplaced", result.unplaced_count, "people", baseline.unplaced_count, "greedy")
    row("  total cost", result.total_cost, "", baseline.total_cost, "greedy")
    describe(result)
    print_checks(accept_all(problem, result))
    print("\nwhole country, greedy baseline (most severe first, cheapest volunteer with room)")
    row("  wall time", greedy_s, "s", solve_s, "min-cost flow")
    row("  CPU time, this process and workers", greedy_cpu, "s", solve_cpu, "min-cost flow")
    row("  placed", baseline.placed, "people", result.placed, "min-cost flow")
    row("  total cost", baseline.total_cost, "", result.total_cost, "min-cost flow")
    start = time.perf_counter()
    assignments = result.assignments()
    unplaced = result.unplaced()
    row(f"  (records: {len(assignments):,} assignments, {len(unplaced):,} unplaced)",
        time.perf_counter() - start, "s")


def main() -> None:
    volunteers, networks = PEOPLE // 5, PEOPLE * 6 // 100
    print(f"Matching benchmark — {PEOPLE:,} people, {volunteers:,} volunteers, "
          f"{networks:,} networks (LNOB_BENCH_MATCH_PEOPLE), {WORKERS} workers "
          f"(LNOB_BENCH_MATCH_WORKERS), {os.cpu_count()} cores\n")
    if COUNTRY:
        country()

    print(f"\none province ({PROVINCE}) with {PROVINCE_PEOPLE:,} people (target ≤ 10 s)")
    problem = synthetic(PROVINCE_PEOPLE, PROVINCE_PEOPLE // 5, PROVINCE_PEOPLE * 6 // 100,
                        province=PROVINCE, seed=2550)
    start, cpu = time.perf_counter(), cpu_s()
    with TreeMemory() as tree:
        result = solve(problem, workers=WORKERS)
    wall, used = time.perf_counter() - start, cpu_s() - cpu
    print(f"  ({load()})")
    row("  wall time, input checks and arrays included", wall, "s")
    row("  CPU time", used, "s")
    row("  peak memory, process tree (sum, sampled)", tree.peak_mb, "MB")
    row("  placed", result.placed, "people")
    row("  unplaced", result.unplaced_count, "people")
    row("  total cost", result.total_cost, "")
    describe(result)
    print_checks(accept_all(problem, result))
    start = time.perf_counter()
    moved = solve(problem, workers=WORKERS, rebalance=[PROVINCE])
    row("  rebalancing the whole province instead: wall time", time.perf_counter() - start, "s")
    checks = accept_all(problem, moved)
    print(f"  rebalanced: people moved from their carer {checks['people who lost their carer']:,}"
          f" (asked for); over capacity {checks['volunteers over capacity']:,} volunteers, "
          f"{checks['networks over capacity']:,} networks")
    if WEIGHTS:
        del moved, checks       # not counted in the weighted run's peak memory
        gc.collect()
        weighted_province(problem, wall, used, tree.peak_mb, result)


def with_weights(problem: Problem) -> Problem:
    """The same people with caseload weights as the product's default rules give
    them: daily care at severity 3 weighs 2, at 4–5 (bedridden) 3; others 1."""
    p = problem.people
    offsets = np.asarray(p.need_offsets)
    owner = np.repeat(np.arange(len(p)), np.diff(offsets))
    sev = np.asarray(p.need_severities)
    daily = np.asarray(p.need_codes) == "daily_care"
    per_need = np.where(daily & (sev >= 4), 3, np.where(daily & (sev == 3), 2, 1))
    weights = np.ones(len(p), dtype=np.int64)
    np.maximum.at(weights, owner, per_need)
    return Problem(dataclasses.replace(p, weights=weights), problem.volunteers,
                   problem.networks, problem.must_serve)


def weighted_province(problem: Problem, wall: float, used: float, peak: float,
                      plain: Result) -> None:
    """Issue #15: capacity in weight units. The same province and capacities,
    solved with weights (flow in weight units, rounded, room left re-offered),
    against the unweighted run above."""
    weighted = with_weights(problem)
    heavy = np.asarray(weighted.people.weights)
    print(f"\n  caseload weights (LNOB_BENCH_MATCH_WEIGHTS): {int((heavy == 2).sum()):,} "
          f"people weigh 2, {int((heavy == 3).sum()):,} weigh 3; same capacities")
    start, cpu = time.perf_counter(), cpu_s()
    with TreeMemory() as tree:
        result = solve(weighted, workers=WORKERS)
    w_wall, w_used = time.perf_counter() - start, cpu_s() - cpu
    print(f"  ({load()})")
    row("  weighted: wall time", w_wall, "s", wall, "unweighted")
    row("  weighted: CPU time", w_used, "s", used, "unweighted")
    row("  weighted: peak memory, process tree (sum, sampled)", tree.peak_mb, "MB", peak,
        "unweighted")
    row("  weighted: placed", result.placed, "people", plain.placed, "unweighted")
    s = result.stats
    gap = result.total_cost - s["lower_bound"]
    print(f"  weighted: total cost {result.total_cost:,.1f}, lower bound (flow in weight "
          f"units) {s['lower_bound']:,.1f}: within {gap:,.1f} "
          f"({100 * gap / max(s['lower_bound'], 1):.4f} %); rounding re-placed "
          f"{s['repaired']:,.0f} people in {s['rounding_cpu_s']:.2f} s of CPU")
    print_checks(accept_all(weighted, result))


if __name__ == "__main__":
    main()
