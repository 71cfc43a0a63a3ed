"""``python -m benchmarks.privacy``: the time to produce a person's access file
(PDPA s.30: one ZIP of PDF + JSON of everything held, with who opened the
record) at LNOB_BENCH_PERSONS persons (default 1,000,000, nationwide, with
their casework) and LNOB_BENCH_AUDIT_ROWS audit rows (default 5,000,000, of
which a third are views of random persons), against reading the same
person's record page data in the same run. SQLite by default; PostgreSQL
under ``scripts/with-postgres.sh``."""

from __future__ import annotations

import os
import random
import resource
import statistics
import time

from benchmarks import national_database

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "1000000"))
AUDIT_ROWS = int(os.environ.get("LNOB_BENCH_AUDIT_ROWS", "5000000"))
SAMPLES = 25


def _fill_audit(rows: int, max_person: int) -> float:
    """Audit rows written in SQL in one statement (generate_series or a
    recursive CTE): ids spread over the persons, times over two years."""
    from django.db import connection

    start = time.perf_counter()
    if connection.vendor == "postgresql":
        sql = ("INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, "
               "area_code, detail) SELECT now() - (g %% 730) * interval '1 day', 'bench', "
               "'view', CASE WHEN g %% 3 = 0 THEN 'registry.person' ELSE 'cases.inbox' END, "
               "CASE WHEN g %% 3 = 0 THEN ((g::bigint * 7919) %% %s + 1)::text ELSE '' END, '84', "
               "'{}'::jsonb FROM generate_series(1, %s) AS g")
    else:
        sql = ("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s) "
               "INSERT INTO core_auditevent (at, actor_label, action, object_type, object_id, "
               "area_code, detail) SELECT datetime('now', '-' || (n %% 730) || ' days'), "
               "'bench', 'view', CASE WHEN n %% 3 = 0 THEN 'registry.person' ELSE "
               "'cases.inbox' END, CASE WHEN n %% 3 = 0 THEN CAST((n * 7919) %% %s + 1 AS TEXT) "
               "ELSE '' END, '84', '{}' FROM g")
    params = [max_person, rows] if connection.vendor == "postgresql" else [rows, max_person]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return time.perf_counter() - start


def main() -> None:
    persons, made, seconds = national_database("lnob-bench-privacy-", PERSONS)
    from django.db import connection

    from lnob.core.models import AuditEvent, User
    from lnob.privacy.services import access_file
    from lnob.registry.models import Person

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"LNOB access-file benchmark — {connection.vendor}; load {load}")
    print(f"  persons: {persons:,} ({made:,} generated in {seconds:,.1f} s)")
    have = AuditEvent.objects.count()
    if have < AUDIT_ROWS:
        max_id = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 1
        took = _fill_audit(AUDIT_ROWS - have, max_id)
        print(f"  audit rows: {AUDIT_ROWS - have:,} written in {took:,.1f} s")
    print(f"  audit rows now: {AuditEvent.objects.count():,}")
    admin, _ = User.objects.get_or_create(username="bench-admin", is_superuser=True)
    from lnob.core.services import role_grant

    role_grant(actor=None, user=admin, role="system_admin", area_code="")
    ids = list(Person.objects.values_list("pk", flat=True)[:: max(1, persons // 2000)])
    chosen = random.Random(2549).sample(ids, min(SAMPLES, len(ids)))

    def timed(work: object) -> list[float]:
        times = []
        for pk in chosen:
            start = time.perf_counter()
            work(pk)  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000)
        return times

    def baseline(pk: int) -> None:
        person = Person.objects.select_related("subdistrict", "household").get(pk=pk)
        list(person.needs.all()), list(person.changes.all()[:100]), list(person.cases.all())

    base = timed(baseline)
    full = timed(lambda pk: access_file(actor=admin, person=Person.objects.get(pk=pk)))
    size = len(access_file(actor=admin, person=Person.objects.get(pk=chosen[0])))

    def p(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  access file (PDF + JSON), p50 / p95: {p(full, 50):,.0f} / {p(full, 95):,.0f} ms"
          f"  (a ZIP of {size / 1024:,.0f} KB)")
    print(f"  baseline, the record page's reads, p50 / p95: {p(base, 50):,.1f} / "
          f"{p(base, 95):,.1f} ms   ratio p50 ×{p(full, 50) / p(base, 50):,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the process (no children): {peak:,.0f} MB; load {load}")


if __name__ == "__main__":
    main()
