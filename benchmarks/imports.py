"""Importing 200 k person rows from CSV, validated (issue 4's targets: ≥ 20 k
rows/s on SQLite, ≥ 50 k on PostgreSQL, preview < 10 s, peak memory < 1 GB).

SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set.
LNOB_BENCH_IMPORT_ROWS sets the number of rows (default 200,000).

In one run, on the same rows:
1. the preview (read and check every row, write nothing);
2. a plain load: the checked rows written with the same bulk writer into the
   same tables (persons, their history, groups, needs, and since issue 14 the
   case each new person gets with its "open" event) — no reading, no
   checking; on PostgreSQL the deferred foreign-key checks that a commit
   would run are run too (SET CONSTRAINTS ALL IMMEDIATE); then rolled back
   (and the tables vacuumed on PostgreSQL) so that the import finds them as
   before. The same for the person table alone, for comparison;
3. the import: read, check and write in one transaction, committed.

Each figure is wall-clock time, and beside it the CPU time spent on it: this
process's, plus on PostgreSQL the server process's of this connection (read
from /proc: the benchmark's server runs on the same machine). On a machine
shared with other work, wall-clock time grows with the load; the CPU time
much less, and it is what the same work would take on an idle machine.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import django_for_benchmark

ROWS = int(os.environ.get("LNOB_BENCH_IMPORT_ROWS", "200000"))
PROVINCE = "30"


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Clock:
    """Wall-clock and CPU seconds (this process, and PostgreSQL's backend of
    this connection when its /proc entry is readable) since ``start()``."""

    def __init__(self) -> None:
        self.backend: Path | None = None

    def start(self) -> Clock:
        from django.db import connection

        if connection.vendor == "postgresql" and self.backend is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
            self.backend = stat if stat.exists() else None
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def _cpu(self) -> float:
        cpu = time.process_time()
        if self.backend is not None:
            try:
                fields = self.backend.read_text().rsplit(")", 1)[1].split()
                cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                self.backend = None
        return cpu

    def lap(self) -> tuple[float, float]:
        """(wall, CPU) seconds since start()."""
        return time.perf_counter() - self.wall, self._cpu() - self.cpu


def write_file(path: Path, subdistricts: list[str], rows: int) -> None:
    from lnob.core.citizen_id import check_digit, format_citizen_id
    from lnob.core.thainames import name_pools

    names = name_pools()
    rng = random.Random(2549)
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["รหัสอ้างอิง", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล",
                         "วันเกิด", "รหัสตำบล", "กลุ่มเป้าหมาย", "ความต้องการ", "โทรศัพท์"])
        for i in range(rows):
            female = rng.random() < 0.55
            first12 = f"3{rng.randrange(10**11):011d}"
            writer.writerow([
                f"B-{i}", format_citizen_id(first12 + str(check_digit(first12))),
                "นาง" if female else "นาย",
                rng.choice(names.female if female else names.male), rng.choice(names.family),
                f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2470, 2560)}",
                rng.choice(subdistricts), rng.choice(["in_hardship", "disadvantaged"]),
                f"health:{rng.randint(1, 4)}; daily_care:{rng.randint(1, 4)}",
                f"08{rng.randrange(10**8):08d}",
            ])


def plain_load(valid: list[Any], actor: Any, *, persons_only: bool = False,
               prepare: Any = None) -> tuple[float, float]:
    """(Wall, CPU) seconds to write the checked rows with no reading or
    checking, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lnob.core.bulk import TableWriter, bulk_load, reserve_ids
    from lnob.imports.services import BATCH, IMPORTED, PERSON_COLUMNS
    from lnob.registry.models import Person, PersonChange, PersonNeed

    clock = Clock().start()
    with transaction.atomic():
        if prepare is not None:  # what the rows need (villages the import creates)
            prepare()
        ids = reserve_ids(Person, len(valid))
        now = timezone.now()
        persons = TableWriter(Person, PERSON_COLUMNS)
        changes = TableWriter(PersonChange, ["person", "at", "actor", "actor_label", "action",
                                             "changes"])
        groups = TableWriter(Person.target_groups.through, ["person", "targetgroup"])
        needs = TableWriter(PersonNeed, ["person", "need", "severity", "note"])
        with bulk_load():
            for i in range(0, len(valid), BATCH):
                batch = list(zip(ids[i:i + BATCH], valid[i:i + BATCH], strict=True))
                persons.write([(pk, *r.values, actor.pk, now, now, 1) for pk, r in batch])
                if persons_only:
                    continue
                changes.write([(pk, now, actor.pk, "bench", "import", IMPORTED)
                               for pk, _r in batch])
                groups.write([(pk, g) for pk, r in batch for g in r.target_group_ids])
                needs.write([(pk, n, level, "") for pk, r in batch for n, level in r.needs])
            if not persons_only:  # everyone imported has a case (issue 14): so here too
                plain_cases(ids, valid, actor, now)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = clock.lap()
        transaction.set_rollback(True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            from lnob.cases.models import Case, CaseEvent

            for model in (Person, PersonChange, PersonNeed, Person.target_groups.through,
                          Case, CaseEvent):
                cursor.execute(f"VACUUM {model._meta.db_table}")
    return seconds


def plain_cases(ids: list[int], valid: list[Any], actor: Any, now: Any) -> None:
    """The cases an import opens for its new persons, written with no routing
    look-ups or checks: a case row and its "open" event per person."""
    from lnob.cases.models import Case, CaseEvent
    from lnob.cases.models.case import new_reference
    from lnob.core.bulk import TableWriter, reserve_ids
    from lnob.imports.persons import FIELD_INDEX

    sd, province, district, status = (FIELD_INDEX[k] for k in (
        "subdistrict_id", "province_code", "district_code", "status"))
    case_ids = reserve_ids(Case, len(ids))
    TableWriter(Case, [
        "id", "person", "subdistrict", "province_code", "district_code", "status", "urgent",
        "urgent_reasons", "reference", "source", "summary", "reporter_name", "reporter_phone",
        "coverage_hole", "close_reason", "opened_by", "opened_at", "version"]).write(
        [(c, pk, r.values[sd], r.values[province], r.values[district], r.values[status],
          False, [], new_reference(), "import", "", "", "", True, "", actor.pk, now, 1)
         for c, pk, r in zip(case_ids, ids, valid, strict=True)])
    TableWriter(CaseEvent, ["case", "at", "actor", "actor_label", "action", "from_status",
                            "to_status", "note", "detail"]).write(
        [(c, now, actor.pk, "bench", "open", "", r.values[status], "",
          {"routed_to": [], "coverage_hole": True, "via": "import"})
         for c, r in zip(case_ids, valid, strict=True)])


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f}"


def main() -> None:
    tmp = django_for_benchmark("lnob-bench-import-")
    from django.db import connection, transaction

    from lnob.core.models import User
    from lnob.geo.models import Subdistrict
    from lnob.imports.services import check_file, write_persons

    actor, _ = User.objects.get_or_create(username="bench-importer")
    subdistricts = list(Subdistrict.objects.filter(province_id=PROVINCE)
                        .values_list("code", flat=True))
    path = tmp / "persons.csv"
    write_file(path, subdistricts, ROWS)
    print(f"LNOB import benchmark — {connection.vendor}, {ROWS:,} rows, "
          f"{path.stat().st_size / 1e6:.1f} MB CSV, Python {sys.version.split()[0]}")

    clock = Clock().start()
    checked = check_file(path, PROVINCE)
    preview = clock.lap()
    assert not checked.errors, checked.errors[:3]

    bare_persons = plain_load(checked.valid, actor, persons_only=True)
    bare = plain_load(checked.valid, actor)
    del checked

    clock.start()
    with transaction.atomic():
        checked = check_file(path, PROVINCE)
        checked_at = clock.lap()
        created, _updated = write_persons(checked, actor=actor)
        written_at = clock.lap()
    done = clock.lap()
    assert created == ROWS

    def line(name: str, seconds: tuple[float, float], rate: bool = True) -> str:
        wall, cpu = seconds
        per_second = f"{ROWS / wall:9,.0f} rows/s (CPU {ROWS / cpu:7,.0f})" if rate else ""
        return (f"  {name:<46} {wall:6.1f} s  CPU {cpu:5.1f} s {per_second}  "
                f"[{load_average()}]")

    print(line("preview (read + check every row)", preview, rate=False))
    print(line("plain load, persons only", bare_persons))
    print(line("plain load, persons + history, groups, needs, cases", bare))
    print("    (the checked rows, no reading, no checks; "
          f"{'foreign keys checked; ' if connection.vendor == 'postgresql' else ''}"
          "rolled back)")
    print(line("import (read, check, write, commit)", done))
    print(f"    ×{done[0] / bare[0]:.2f} of the plain load's time (CPU ×{done[1] / bare[1]:.2f}),"
          f" i.e. {bare[0] / done[0]:.2f}× its speed; "
          f"read + check {checked_at[0]:.1f} s, write {written_at[0] - checked_at[0]:.1f} s, "
          f"commit {done[0] - written_at[0]:.1f} s")
    print(f"  peak memory (max RSS of the whole run)         {max_rss_mb():6.0f} MB")


if __name__ == "__main__":
    main()
