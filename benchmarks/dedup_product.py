"""Duplicates in the product at national scale (issue 9): intake hints at 1 M persons
(goal < 200 ms), indexing everyone's features and keys, a province's search from the
stored features beside the same search normalising every record again, and a merge
and its undo.

Runs on SQLite in a temporary folder, or on PostgreSQL when DATABASE_URL is set
(``make bench`` runs it both ways). ``LNOB_BENCH_PERSONS=100000`` to try smaller;
``LNOB_BENCH_VAR_DIR`` to reuse the SQLite folder of an earlier run.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time

from benchmarks import national_database
from benchmarks.coverage import line

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "1000000"))
SAMPLES = 200


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    made, generated, seconds = national_database("lnob-bench-dedup-", PERSONS)
    from django.db import connection
    from django.db.models import Count

    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.dedup.engine import find_duplicates
    from lnob.dedup.engine.synthetic import misspell
    from lnob.dedup.hints import likely_duplicates
    from lnob.dedup.merge import merge, merge_undo
    from lnob.dedup.models import BlockingKey
    from lnob.dedup.runs import run_execute, run_start
    from lnob.dedup.store import index_scope, record_of
    from lnob.registry.models import Person

    print(f"LNOB duplicates in the product — {connection.vendor}, "
          f"Python {sys.version.split()[0]}")
    print(f"  {made:,} persons ({generated:,} generated in {seconds:,.0f} s)")

    start = time.perf_counter()
    indexed = index_scope("")
    seconds = time.perf_counter() - start
    keys = BlockingKey.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{'index features and keys of everyone':<46} {seconds:9.1f} s  "
          f"({indexed:,} persons, {indexed / max(seconds, 1e-9):,.0f}/s, {keys:,} keys; "
          f"peak RSS {_rss_mb():,.0f} MB)")

    # Intake: a person typed in again, with a mistake, by an officer of their province.
    rng = random.Random(9)
    ids = list(Person.objects.values_list("pk", flat=True))
    sample = list(Person.objects.filter(pk__in=rng.sample(ids, SAMPLES)).values(
        "pk", "title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
        "citizen_id", "phone", "subdistrict_id", "village_id", "house_number",
        "province_code"))
    officers: dict[str, User] = {}
    times, found, exact = [], 0, []
    for values in sample:
        province = values["province_code"]
        if province not in officers:
            officers[province], _ = User.objects.get_or_create(username=f"bench-{province}")
            role_grant(actor=None, user=officers[province], role=Role.PROVINCIAL_OFFICER,
                       area_code=province)
        typed = record_of({**values, "pk": None,
                           "first_name": misspell(rng, values["first_name"]),
                           "citizen_id": values["citizen_id"] if rng.random() < 0.5 else ""})
        t0 = time.perf_counter()
        hints = likely_duplicates(typed, user=officers[province])
        times.append((time.perf_counter() - t0) * 1000)
        found += any(h.person_id == values["pk"] for h in hints)
        if values["citizen_id"]:
            t0 = time.perf_counter()
            list(Person.objects.filter(citizen_id=values["citizen_id"])[:5])
            exact.append((time.perf_counter() - t0) * 1000)
    line("intake hints, one record typed again", times, target=200)
    print(f"{'  beside: a look-up by exact citizen ID':<46} p50 {statistics.median(exact):9.1f} "
          f"ms  (the hints take ×{statistics.median(times) / statistics.median(exact):.1f} "
          "of it, and also find the misspelt and the ID-less)")
    print(f"{'  the person typed again was among the hints':<46} {found} of {len(sample)} "
          f"(first name misspelt, citizen ID left out in half)")

    # A province's search: stored features, beside normalising every record again.
    biggest = (Person.objects.order_by().values("province_code").annotate(n=Count("id"))
               .order_by("-n").first() or {"province_code": "30"})["province_code"]
    run = run_execute(run_start(actor=None, scope_code=biggest))
    f = run.figures
    stored = f["read_s"] + f["score_s"] + f["queue_s"]
    start = time.perf_counter()
    records = [record_of(v) for v in Person.objects.filter(province_code=biggest).values(
        "pk", "title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
        "citizen_id", "phone", "subdistrict_id", "village_id", "house_number")]
    find_duplicates(records)
    again = time.perf_counter() - start
    print(f"{'search of province ' + biggest + ' (stored features)':<46} {stored:9.1f} s  "
          f"({f['records']:,} records, {f['pairs']:,} pairs; read {f['read_s']} s, score "
          f"{f['score_s']} s, queue {f['queue_s']} s)")
    print(f"{'  beside: normalising every record again':<46} {again:9.1f} s  (the search "
          f"from stored features takes ×{stored / max(again, 1e-9):.2f} of it)")

    # One merge and its undo, of two records of the biggest province.
    officer = officers.get(biggest) or User.objects.create(username=f"bench-{biggest}x")
    role_grant(actor=None, user=officer, role=Role.PROVINCIAL_OFFICER, area_code=biggest)
    pairs = list(Person.objects.filter(province_code=biggest).order_by("pk")[:40])
    merge_ms, undo_ms = [], []
    for kept, other in zip(pairs[::2], pairs[1::2], strict=True):
        t0 = time.perf_counter()
        record = merge(actor=officer, kept=kept, merged=other)
        merge_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        merge_undo(actor=officer, record=record)
        undo_ms.append((time.perf_counter() - t0) * 1000)
    line("merge two records (cases, history, consents)", merge_ms)
    line("undo that merge", undo_ms)
    print(f"{'load average (1, 5, 15 min)':<46} "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())}  (the machine is shared)")


if __name__ == "__main__":
    main()
