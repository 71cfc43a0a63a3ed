"""Welfare eligibility and agency lists at scale (issue 18's targets: full
evaluation ≤ 60 s, incremental after one change ≤ 20 ms p95).

Builds N synthetic persons nationwide straight with bulk inserts (ages 0–95,
8 % without a birth date, households of three for 60 %, welfare facts for
60 %, half the elders on the old-age allowance), then measures:

- the full evaluation (``lnob welfare_evaluate``) four times: into an empty
  table, again the same day (nothing changed), the next day, and after a new
  version of every scheme (every row rewritten: the worst case); against a
  baseline measured in the same run: the per-person path
  (``evaluate_persons([id])`` one at a time, as the signal receiver does) over
  a sample, extrapolated to N. CPU beside wall: this process's, and on
  PostgreSQL the server backend's (``/proc/<pid>/stat``);
- the incremental update after one person's facts change (p50/p95);
- an agency list of up to 100 k rows with known truth (rows with a
  registered citizen ID, rows without an ID copied from a registered person,
  rows of people not registered): check time, and matched / ambiguous /
  unmatched against the truth, with any wrong match counted.

SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set
(``scripts/with-postgres.sh``). ``LNOB_BENCH_PERSONS`` (default 1 000 000,
the issue's figure; generated with the bulk writers: COPY on PostgreSQL),
``LNOB_BENCH_LIST_ROWS`` (default 100 000; 0 leaves the agency list out) and
``LNOB_BENCH_BASELINE_SAMPLE`` (persons timed on the per-person path, 500).
The load average is printed beside every timing (the machine is shared), and
the peak memory of the process tree at the end.

Generating 1 M persons takes minutes: keep them between runs with
``LNOB_BENCH_VAR_DIR=<folder>`` (SQLite) or ``LNOB_BENCH_KEEP=1`` with a
``DATABASE_URL`` of your own PostgreSQL cluster (not ``with-postgres.sh``,
which removes its cluster); ``LNOB_BENCH_GENERATE_ONLY=1`` only generates.
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import django_for_benchmark, load, peak_mb, percentile

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "1000000"))
# 0: leave the agency list out (it needs the duplicate index of every person).
LIST_ROWS = int(os.environ.get("LNOB_BENCH_LIST_ROWS", "100000"))
BASELINE_SAMPLE = int(os.environ.get("LNOB_BENCH_BASELINE_SAMPLE", "500"))
SAMPLES = 40
TODAY = datetime.date(2026, 6, 15)


def citizen_id(n: int) -> str:
    from lnob.core.citizen_id import check_digit

    first12 = f"1{n:011d}"
    return first12 + str(check_digit(first12))


def generate(n: int, rng: random.Random) -> None:
    """N persons nationwide, written with the bulk paths of the imports and the
    demo generator (``lnob.core.bulk``: COPY on PostgreSQL, multi-row INSERT
    on SQLite, ids reserved up front) — the services' pace would be a few per
    second; the benchmark measures evaluation, not registration."""
    from django.utils import timezone

    from lnob.core.bulk import TableWriter, bulk_load, reserve_ids
    from lnob.core.thainames import name_pools
    from lnob.geo.models import Subdistrict
    from lnob.imports.services import PERSON_COLUMNS
    from lnob.registry.models import Household, Person
    from lnob.welfare.models import Benefit, Scheme, WelfareFacts

    pools = name_pools()
    subdistricts = list(Subdistrict.objects.values_list("code", "district_id", "province_id"))
    batch = 20_000
    now = timezone.now()
    households_needed = int(n * 0.6) // 3
    sd_of_household: list[tuple[str, str, str]] = [rng.choice(subdistricts)
                                                   for _ in range(households_needed)]
    household_ids = reserve_ids(Household, households_needed)
    households = TableWriter(Household, ["id", "subdistrict", "house_number", "created_at"])
    persons = TableWriter(Person, [*PERSON_COLUMNS, "household"])
    facts = TableWriter(WelfareFacts, ["person", "disability_registered", "income_band",
                                       "updated_at"])
    benefits = TableWriter(Benefit, ["person", "scheme", "amount_baht", "source",
                                     "source_note", "recorded_at"])
    old_age = Scheme.objects.get(code="old_age_allowance").pk
    person_ids = reserve_ids(Person, n)
    with bulk_load():
        for start in range(0, households_needed, batch):
            households.write([(household_ids[k], sd_of_household[k][0], "", now)
                              for k in range(start, min(households_needed, start + batch))])
        for start in range(0, n, batch):
            rows, fact_rows, benefit_rows = [], [], []
            for i in range(start, min(n, start + batch)):
                hh_index = i // 3 if i < households_needed * 3 else None
                code, district, province = (sd_of_household[hh_index] if hh_index is not None
                                            else rng.choice(subdistricts))
                sex = rng.choice("MF")
                first = rng.choice(pools.male if sex == "M" else pools.female)
                last = rng.choice(pools.family)
                age = rng.randint(0, 95)
                birth = None if rng.random() < 0.08 else TODAY - datetime.timedelta(
                    days=age * 365 + rng.randint(0, 364))
                cid = citizen_id(i + 1) if rng.random() < 0.9 else ""
                pk = person_ids[i]
                # PERSON_COLUMNS: id, ROW_FIELDS (imports/persons.py), entered_by,
                # created_at, updated_at, version; then the household.
                rows.append((
                    pk, "", first, last, sex, birth, False, cid, "" if cid else "unknown", "",
                    code, None, "", "", province, district, "network", "reported", "", "",
                    f"{first} {last}".lower(), 0, "", None, now, now, 1,
                    household_ids[hh_index] if hh_index is not None else None))
                if rng.random() < 0.6:
                    fact_rows.append((pk, "yes" if rng.random() < 0.06 else "no", rng.choice(
                        ["", "lt30k", "30k_100k", "30k_100k", "ge100k"]), now))
                if birth is not None and (TODAY - birth).days >= 60 * 365 and rng.random() < 0.5:
                    benefit_rows.append((pk, old_age, 600, "agency_list", "", now))
            persons.write(rows)
            facts.write(fact_rows)
            benefits.write(benefit_rows)


def agency_file(path: Path, rows: int, rng: random.Random) -> dict[int, int | None]:
    """A provider's list with known truth: row number → the person it is (None: not
    registered). 60 % rows by citizen ID, 25 % without an ID (a registered person's
    name, birth date and subdistrict as registered), 15 % people not registered."""
    from lnob.core.thaidates import be_year
    from lnob.registry.models import Person

    with_id = list(Person.objects.exclude(citizen_id="").filter(
        birth_date__isnull=False).values_list(
        "pk", "citizen_id", "first_name", "last_name", "birth_date", "subdistrict_id")[:rows])
    rng.shuffle(with_id)
    truth: dict[int, int | None] = {}
    used: set[int] = set()

    def be(d: datetime.date) -> str:
        return f"{d.day}/{d.month}/{be_year(d.year)}"

    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ลำดับ", "เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "วันเกิด", "รหัสตำบล",
                      "วันที่เริ่มรับ", "จำนวนเงิน"])
        pool = iter(with_id)
        for row in range(2, rows + 2):
            kind = rng.random()
            if kind < 0.85:
                pk, cid, first, last, birth, sd = next(pool)
                used.add(pk)
                truth[row] = pk
                born = be(birth) if birth else ""
                out.writerow([row - 1, cid if kind < 0.6 else "", first, last, born, sd,
                              "1/10/2568", "600"])
            else:
                truth[row] = None
                out.writerow([row - 1, citizen_id(10**10 + row), "ไม่มี", f"ในทะเบียน{row}",
                              be(TODAY - datetime.timedelta(days=25_000 + row % 900)),
                              "840503", "1/10/2568", "600"])
    return truth


def setup() -> tuple[Any, bool]:
    """Django on a new temporary folder, or on ``LNOB_BENCH_VAR_DIR`` (an earlier
    run's SQLite folder, whose persons are kept), or on the PostgreSQL database of
    ``DATABASE_URL`` (persons already there are kept when ``LNOB_BENCH_KEEP=1``:
    a cluster of your own kept between runs); True when persons must be made."""
    reuse = os.environ.get("LNOB_BENCH_VAR_DIR")
    if reuse and not os.environ.get("DATABASE_URL"):
        os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                           "LNOB_VAR_DIR": reuse})
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from lnob.registry.models import Person

        return reuse, not Person.objects.exists()
    tmp = django_for_benchmark("lnob-bench-welfare-")
    if os.environ.get("DATABASE_URL") and os.environ.get("LNOB_BENCH_KEEP") == "1":
        from lnob.registry.models import Person

        return tmp, not Person.objects.exists()
    return tmp, True


def server_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (0 on
    SQLite, whose work is in this process's own CPU time)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn: Any) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of this process, CPU seconds of the PostgreSQL
    backend) of one call. On SQLite the database works inside the process, so
    the CPU time is the work done whatever the load; on PostgreSQL the server's
    share is the third figure."""
    server = server_cpu()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, server_cpu() - server


def cpu_text(cpu: float, server: float) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"{cpu:.1f} s CPU"
    return f"{cpu:.1f} s CPU in Python + {server:.1f} s CPU of the server = {cpu + server:.1f} s"


def new_versions(effective_from: datetime.date) -> None:
    """A new version of every scheme from ``effective_from``, the same rule and
    amounts (a fiscal year's versions): every stored row names another version
    after it, so a full run rewrites every row. Marked "benchmark" to be
    removed at the start of the next run."""
    from lnob.welfare.evaluate import versions_in_force
    from lnob.welfare.models import SchemeVersion

    for scheme, version in versions_in_force(effective_from):
        SchemeVersion.objects.create(
            scheme=scheme, fiscal_year=version.fiscal_year, effective_from=effective_from,
            rule=version.rule, amounts=version.amounts, amount_baht=version.amount_baht,
            source="benchmark")


def main() -> None:
    tmp, fresh = setup()
    from django.db import connection, transaction

    from lnob.core.models import User
    from lnob.core.roles import Role
    from lnob.core.services import role_grant
    from lnob.registry.models import Person
    from lnob.welfare.evaluate import evaluate_all, evaluate_persons
    from lnob.welfare.models import Eligibility, SchemeVersion, WelfareFacts

    rng = random.Random(2549)
    print(f"LNOB welfare benchmark — {connection.vendor}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores shared with other work")
    started = time.perf_counter()
    if fresh:
        with transaction.atomic():
            generate(PERSONS, rng)
        print(f"  generated {PERSONS:,} persons in {time.perf_counter() - started:,.0f} s "
              f"({load()})")
    else:
        print(f"  {Person.objects.count():,} persons already there (kept from an earlier run)")
    if os.environ.get("LNOB_BENCH_GENERATE_ONLY") == "1":
        print(f"data in {tmp} (LNOB_BENCH_GENERATE_ONLY: nothing measured)")
        return
    # An earlier run's answers and versions (kept data): set-up, not measured.
    table = connection.ops.quote_name(Eligibility._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    Eligibility.objects.all().delete()
    SchemeVersion.objects.filter(source="benchmark").delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    reports: list[Any] = []
    full: list[float] = []
    tomorrow = TODAY + datetime.timedelta(days=1)
    runs = (("into an empty table", TODAY, None),
            ("again the same day (nothing changed: reads only)", TODAY, None),
            ("the next day (answers that crossed an age rewritten, the rest read only)",
             tomorrow, None),
            ("after a new version of every scheme (every row replaced)", tomorrow,
             lambda: new_versions(tomorrow)))
    for label, day, before in runs:
        if before is not None:
            before()
        wall, cpu, server = timed(lambda day=day: reports.append(evaluate_all(on=day)))
        full.append(wall)
        report = reports[-1]
        print(f"\nfull evaluation of {report.persons:,} persons × 5 schemes → {report.rows:,} "
              f"answers, {label}: {report.inserted:,} rows written, {report.deleted:,} "
              f"deleted; {wall:.1f} s wall, "
              f"{cpu_text(cpu, server)} (target ≤ 60 s) "
              f"{'ok' if wall <= 60 else 'OVER TARGET (wall)'} ({load()})")

    ids = list(Person.objects.values_list("pk", flat=True))
    sample = rng.sample(ids, min(BASELINE_SAMPLE, len(ids)))
    start = time.perf_counter()
    for pk in sample:
        evaluate_persons([pk], on=tomorrow)
    per_person = (time.perf_counter() - start) / len(sample)
    extrapolated = per_person * len(ids)
    print(f"baseline: the per-person path over {len(sample):,} persons, extrapolated: "
          f"{extrapolated:,.0f} s → the batch is ×{extrapolated / min(full):,.1f} faster "
          f"({load()})")

    times, cpus, servers = [], [], []
    for pk in rng.sample(ids, SAMPLES):
        WelfareFacts.objects.update_or_create(person_id=pk, defaults={
            "income_band": rng.choice(["lt30k", "ge100k", ""])})

        def one(pk: int = pk) -> None:
            with transaction.atomic():
                evaluate_persons([pk], on=tomorrow)

        wall, cpu, server = timed(one)
        times.append(wall * 1000)
        cpus.append(cpu * 1000)
        servers.append(server * 1000)
    p95 = percentile(times, 95)
    server_text = (f"; server CPU p50 {statistics.median(servers):.1f} ms, p95 "
                   f"{percentile(servers, 95):.1f} ms" if connection.vendor == "postgresql"
                   else "")
    print(f"incremental after one person's facts change ({SAMPLES} samples): "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms wall; CPU p50 "
          f"{statistics.median(cpus):.1f} ms, p95 {percentile(cpus, 95):.1f} ms{server_text} "
          f"(target ≤ 20 ms) {'ok' if p95 <= 20 else 'OVER TARGET (wall)'} ({load()})")

    rows = min(LIST_ROWS, int(PERSONS * 0.8))
    if rows <= 0:
        print(f"\n(agency list left out: LNOB_BENCH_LIST_ROWS=0)\npeak memory of the process "
              f"tree {peak_mb():,.0f} MB; data in {tmp}")
        return
    officer, new = User.objects.get_or_create(username="bench-admin")
    if new:
        role_grant(actor=None, user=officer, role=Role.SYSTEM_ADMIN, area_code="")
    start = time.perf_counter()
    from lnob.dedup.store import index_scope

    index_scope("")  # only the persons not indexed yet
    print(f"\n(duplicate index built for {PERSONS:,} persons in "
          f"{time.perf_counter() - start:,.0f} s; set-up, not measured) ({load()})")
    path = Path(tempfile.mkdtemp(prefix="lnob-bench-list-")) / "list.csv"
    truth = agency_file(path, rows, rng)
    from lnob.imports.welfare import AMBIGUOUS, MATCHED, UNMATCHED, agency_check

    check = agency_check(path, user=officer)
    assert check.ok, check.errors[:5]
    kinds = {"registered": [r for r in check.rows if truth[r.row] is not None],
             "not registered": [r for r in check.rows if truth[r.row] is None]}
    print(f"agency list of {len(check.rows):,} rows checked and matched in "
          f"{check.seconds:.1f} s ({load()})")
    for kind, found in kinds.items():
        right = sum(1 for r in found if r.outcome == MATCHED and r.person_id == truth[r.row])
        wrong = sum(1 for r in found if r.outcome == MATCHED and r.person_id != truth[r.row])
        print(f"  {kind:<15} {len(found):>7,} rows: matched right {right:,}, matched WRONG "
              f"{wrong:,}, ambiguous {sum(r.outcome == AMBIGUOUS for r in found):,}, "
              f"unmatched {sum(r.outcome == UNMATCHED for r in found):,}")
    by_id = [r for r in kinds["registered"] if r.citizen_id]
    no_id = [r for r in kinds["registered"] if not r.citizen_id]
    print(f"  of the registered: with ID {sum(r.outcome == MATCHED for r in by_id):,}/"
          f"{len(by_id):,} matched; without ID {sum(r.outcome == MATCHED for r in no_id):,}/"
          f"{len(no_id):,} matched by the duplicate engine, "
          f"{sum(r.outcome == AMBIGUOUS for r in no_id):,} left for an officer")
    print(f"\npeak memory of the process tree {peak_mb():,.0f} MB; data in {tmp}")


if __name__ == "__main__":
    main()
