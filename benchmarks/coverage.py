"""Coverage roll-ups at national scale (issue 7's speed targets: at 1 M people
nationwide, national and province page p95 ≤ 150 ms, full rebuild ≤ 60 s, an
incremental update after one case change ≤ 20 ms).

Runs on SQLite in a temporary folder, or on PostgreSQL when DATABASE_URL is
set (``make bench`` runs it both ways). Beside the pages it prints the time
of computing the same national table straight from the person table in the
same run. ``LNOB_BENCH_PERSONS=100000`` to try smaller; ``LNOB_BENCH_VAR_DIR``
to reuse the SQLite folder of an earlier run instead of generating again.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from typing import Any

from benchmarks import national_database, percentile

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "1000000"))
SAMPLES = 40


def line(name: str, values: list[float], unit: str = "ms", target: float | None = None,
         baseline: float | None = None, baseline_name: str = "") -> None:
    p50, p95 = statistics.median(values), percentile(values, 95)
    verdict = "" if target is None else ("  ok" if p95 <= target else "  OVER TARGET")
    ratio = f"   ×{baseline / p95:,.1f} faster than {baseline_name} ({baseline:,.1f} {unit})" \
        if baseline else ""
    print(f"{name:<46} p50 {p50:9.1f} {unit}  p95 {p95:9.1f} {unit}"
          f"{f'  (target ≤ {target:g})' if target else ''}{verdict}{ratio}")


def main() -> None:
    made, generated, seconds = national_database("lnob-bench-coverage-", PERSONS)
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.coverage.models import SubdistrictSummary
    from lnob.coverage.rollup import rollup_full, rollup_refresh
    from lnob.registry.models import Person

    print(f"LNOB coverage benchmark — {connection.vendor}, Python {sys.version.split()[0]}")
    if generated:
        print(f"  generated {generated:,} persons nationwide in {seconds:,.0f} s")
    else:
        print(f"  {made:,} persons already there (LNOB_BENCH_VAR_DIR)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The national table straight from the person table: the baseline.
    def direct() -> Any:
        return list(Person.objects.order_by().values_list("province_code", "status")
                    .annotate(n=Count("id")))

    direct()
    direct_ms = [_ms(direct) for _ in range(5)]

    rebuilds = [_ms(rollup_full) / 1000 for _ in range(2)]
    print(f"\n{made:,} persons; {SAMPLES} requests per page (in-process, full rendering)")
    line("full roll-up rebuild (lnob rollup --full)", rebuilds, "s", target=60)
    line("national table from the person table", direct_ms)

    # Incremental: what the receiver does after a case step commits.
    rng = random.Random(7)
    codes = list(SubdistrictSummary.objects.filter(found__gt=0).values_list("code", flat=True))
    picks = [rng.choice(codes) for _ in range(SAMPLES)]
    refresh_ms = [_ms(lambda c=c: rollup_refresh([c], capacity=False)) for c in picks]
    line("incremental update after one case change", refresh_ms, target=20,
         baseline=statistics.median(rebuilds) * 1000, baseline_name="a full rebuild")
    capacity_ms = [_ms(lambda c=c: rollup_refresh([c])) for c in picks[:10]]
    line("incremental update after a capacity change", capacity_ms)
    print(f"{'load average (1, 5, 15 min)':<46} "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())}  (the machine is shared)")

    analyst, _ = User.objects.get_or_create(username="bench-analyst")
    role_grant(actor=None, user=analyst, role=Role.NATIONAL_ANALYST, area_code="")
    biggest = (Person.objects.order_by().values("province_code").annotate(n=Count("id"))
               .order_by("-n").first() or {"province_code": "30"})["province_code"]
    officer, _ = User.objects.get_or_create(username="bench-officer")
    role_grant(actor=None, user=officer, role=Role.PROVINCIAL_OFFICER, area_code=biggest)
    clients = {}
    for user in (analyst, officer):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    anonymous = Client()
    pages = [
        ("national page", clients[analyst.pk], "/coverage/", 150.0),
        ("national page sorted by in care", clients[analyst.pk], "/coverage/?sort=in_care",
         150.0),
        (f"province page ({biggest}, the most people)", clients[officer.pk],
         f"/coverage/{biggest}/", 150.0),
        ("public dashboard", anonymous, "/coverage/public/", None),
        (f"public province page ({biggest})", anonymous, f"/coverage/public/{biggest}/", None),
    ]
    for name, client, url, target in pages:
        for _ in range(3):
            assert client.get(url).status_code == 200, url  # warm up
        times = [_ms(lambda c=client, u=url: _ok(c, u)) for _ in range(SAMPLES)]
        line(name, times, target=target, baseline=statistics.median(direct_ms)
             if "national" in name else None, baseline_name="the person-table query")


def _ms(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _ok(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)


if __name__ == "__main__":
    main()
