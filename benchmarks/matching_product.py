"""Matching in the product on the demo province (issue #15):
``python -m benchmarks.matching_product``.

Generates the demo's Surat Thani (84, 2,000 people with their casework, as
``make demo`` does) in a temporary SQLite database (or PostgreSQL when
DATABASE_URL is set), runs matching as an officer would, accepts every row
("accept all"), and counts what must be 0: volunteers and networks over
capacity (in caseload weight) that were not already over before, people who had a carer and lost
it, and urgent people left out while a non-urgent person of the same or lower
severity, placed by the run, holds a place they could have had. Then the same
with the whole province rebalanced. LNOB_BENCH_DEMO_PERSONS to change the size.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import defaultdict
from datetime import date
from typing import Any

PERSONS = int(os.environ.get("LNOB_BENCH_DEMO_PERSONS", "2000"))
PROVINCE = "84"


def setup() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                       "ALLOWED_HOSTS": "testserver", "LNOB_PLAIN_STATIC": "1"})
    if not os.environ.get("DATABASE_URL"):
        os.environ["LNOB_VAR_DIR"] = tempfile.mkdtemp(prefix="lnob-bench-matching-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def loads() -> tuple[dict[int, int], dict[int, int]]:
    """Volunteers and networks over capacity (by how much), counted in caseload
    weight (issue #15: capacity in weight units; see lnob/matching/weights.py)."""
    from lnob.cases.care import CARING
    from lnob.cases.models import Case
    from lnob.matching.weights import case_weights
    from lnob.networks.models import Network, Volunteer

    rows = list(Case.objects.filter(status__in=CARING).values_list("pk", "volunteer_id",
                                                                   "network_id"))
    weight = case_weights(pk for pk, _v, _n in rows)
    by_v: dict[int, int] = defaultdict(int)
    by_n: dict[int, int] = defaultdict(int)
    for pk, vid, nid in rows:
        if vid is not None:
            by_v[vid] += weight[pk]
        if nid is not None:
            by_n[nid] += weight[pk]
    over_v = {v.pk: by_v[v.pk] - v.capacity for v in Volunteer.objects.all()
              if by_v[v.pk] > v.capacity}
    over_n = {n.pk: by_n[n.pk] - n.capacity for n in Network.objects.all()
              if n.capacity and by_n[n.pk] > n.capacity}
    return over_v, over_n


def carers() -> dict[int, tuple[Any, Any]]:
    from lnob.cases.care import CARING
    from lnob.cases.models import Case

    return {pk: (v, n) for pk, v, n in Case.objects.filter(
        province_code=PROVINCE, status__in=CARING).values_list("pk", "volunteer_id",
                                                               "network_id")}


def urgent_left_out(run: Any) -> int:
    """Urgent unplaced rows for whom a carer covering them (and serving what
    must be served) took a non-urgent person of the same or lower severity."""
    from django.db.models import Max

    from lnob.matching.models import RowKind
    from lnob.matching.services import load_snapshot
    from lnob.matching.weights import case_weights
    from lnob.networks.models import Volunteer
    from lnob.registry.models import PersonNeed

    rows = list(run.rows.select_related("case"))
    severity = dict(PersonNeed.objects.filter(person__in=[r.case.person_id for r in rows])
                    .values("person_id").annotate(s=Max("severity"))
                    .values_list("person_id", "s"))
    weight = case_weights(r.case_id for r in rows)
    # With caseload weights a place the urgent person could have had is held
    # by someone who weighs no more and frees, with the room left, their weight
    # (decision 0017): per volunteer, the (severity, weight) of those it took.
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        if r.kind in (RowKind.NEW, RowKind.CHANGED) and not r.urgent and r.volunteer_id:
            taken[r.volunteer_id].append((severity.get(r.case.person_id, 1),
                                          weight.get(r.case_id, 1)))
    now = load_snapshot(run.scope_code)
    room = {v.pk: v.capacity - now.get(f"v{v.pk}", 0) for v in Volunteer.objects.all()}
    covers: dict[str, set[int]] = defaultdict(set)
    for vid, sd in Volunteer.subdistricts.through.objects.values_list("volunteer_id",
                                                                      "subdistrict_id"):
        covers[sd].add(vid)
    for vid, sd in Volunteer.villages.through.objects.values_list("volunteer_id",
                                                                  "village__subdistrict_id"):
        covers[sd].add(vid)  # a village volunteer may or may not reach them: counted as if
    count = 0
    must = set(run.options.get("must_serve", []))
    served: dict[int, set[str]] = defaultdict(set)
    for vid, code in Volunteer.needs.through.objects.values_list("volunteer_id", "need__code"):
        served[vid].add(code)
    for r in rows:
        if r.kind != RowKind.UNPLACED or not r.urgent:
            continue
        needs = set(r.case.person.needs.values_list("need__code", flat=True))
        sev, w = severity.get(r.case.person_id, 1), weight.get(r.case_id, 1)
        for vid in covers[r.case.subdistrict_id]:
            if (needs & must) <= served[vid] and any(
                    s <= sev and u <= w and u + room.get(vid, 0) >= w for s, u in taken[vid]):
                count += 1
                break
    return count


def one_run(officer: Any, rebalance: list[str]) -> None:
    from lnob.matching.services import rows_accept, run_execute, run_start

    over_v0, over_n0 = loads()
    before = carers()
    start = time.perf_counter()
    run = run_execute(run_start(actor=officer, scope_code=PROVINCE,
                                options={"rebalance": rebalance}))
    solve_s = time.perf_counter() - start
    f = run.figures
    start = time.perf_counter()
    outcome = rows_accept(actor=officer, run=run)
    accept_s = time.perf_counter() - start
    over_v, over_n = loads()
    after = carers()
    lost = sum(1 for pk, c in before.items() if after.get(pk) != c)
    print(f"  run {run.pk} ({'rebalance ' + ', '.join(rebalance) if rebalance else 'default'}):"
          f" {f['cases']:,} cases, {f['kept']:,} kept, {f['placed']:,} placed, "
          f"{f['unplaced']:,} unplaced, {f['warning_count']:,} left out; "
          f"{solve_s:.1f} s to run (load average {os.getloadavg()[0]:.1f})")
    print(f"  accept all: {outcome['accepted']:,} accepted, {outcome['failed']:,} refused, "
          f"{outcome.get('released', 0):,} released by a rebalancing chain ({accept_s:.1f} s)")
    for note in run.rows.filter(decision="failed").values_list("decision_note",
                                                                 flat=True)[:5]:
        print(f"    refused: {note}")
    new_over_v = sum(1 for v, n in over_v.items() if n > over_v0.get(v, 0))
    new_over_n = sum(1 for v, n in over_n.items() if n > over_n0.get(v, 0))
    print(f"  volunteers over capacity: {len(over_v0):,} before, {len(over_v):,} after "
          f"({new_over_v:,} made worse by accepting)")
    print(f"  networks over capacity:   {len(over_n0):,} before, {len(over_n):,} after "
          f"({new_over_n:,} made worse by accepting)")
    print(f"  people who had a carer and lost or changed it: {lost:,}"
          + ("" if not rebalance else " (rebalancing was asked)"))
    print(f"  urgent left out for a less or equally severe non-urgent: "
          f"{urgent_left_out(run):,} (urgent rows {run.rows.filter(urgent=True).count():,}, "
          f"unplaced {run.rows.filter(urgent=True, kind='unplaced').count():,})")


def main() -> None:
    setup()
    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.demo.writer import generate_province

    start = time.perf_counter()
    generate_province(PROVINCE, PERSONS, seed=2549, today=date(2026, 11, 6))
    print(f"Matching in the product — demo province {PROVINCE}, {PERSONS:,} people "
          f"(generated in {time.perf_counter() - start:.0f} s)")
    officer = User.objects.create(username="bench.officer")
    role_grant(actor=None, user=officer, role=Role.PROVINCIAL_OFFICER, area_code=PROVINCE)
    one_run(officer, [])
    one_run(officer, [PROVINCE])


if __name__ == "__main__":
    main()
