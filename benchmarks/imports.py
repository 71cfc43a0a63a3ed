"""Importing 200 k person rows from CSV, validated (issue 4's targets: ≥ 20 k
rows/s on SQLite, ≥ 50 k on PostgreSQL, preview < 10 s, peak memory < 1 GB).

SQLite in a temporary folder, or PostgreSQL when DATABASE_URL is set. The
baseline is a plain load of the same rows without any checking, in the same run.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("LNOB_BENCH_IMPORT_ROWS", "200000"))
PROVINCE = "30"


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, subdistricts: list[str], rows: int) -> None:
    from lnob.core.citizen_id import check_digit, format_citizen_id
    from lnob.demo.names import name_pools

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


def main() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING"})
    tmp = Path(tempfile.mkdtemp(prefix="lnob-bench-import-"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["LNOB_VAR_DIR"] = str(tmp)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from lnob.core.bulk import TableWriter, reserve_ids
    from lnob.core.models import User
    from lnob.geo.models import Subdistrict
    from lnob.imports.services import PERSON_COLUMNS, ROW_FIELDS, check_file, write_persons
    from lnob.registry.models import Person

    call_command("migrate", verbosity=0)
    actor, _ = User.objects.get_or_create(username="bench-importer")
    subdistricts = list(Subdistrict.objects.filter(province_id=PROVINCE)
                        .values_list("code", flat=True))
    path = tmp / "persons.csv"
    write_file(path, subdistricts, ROWS)
    print(f"LNOB import benchmark — {connection.vendor}, {ROWS:,} rows, "
          f"{path.stat().st_size / 1e6:.1f} MB CSV, Python {sys.version.split()[0]}")

    start = time.perf_counter()
    checked = check_file(path, PROVINCE)
    preview_s = time.perf_counter() - start
    assert not checked.errors, checked.errors[:3]

    start = time.perf_counter()
    with transaction.atomic():
        checked = check_file(path, PROVINCE)
        created, _updated = write_persons(checked, actor=actor)
    import_s = time.perf_counter() - start
    assert created == ROWS

    # Baseline: the same rows, already clean, straight into the person table —
    # no reading, no checking, no needs, groups or history.
    rows = [tuple(r.fields[k] for k in ROW_FIELDS) for r in checked.valid]
    del checked
    start = time.perf_counter()
    with transaction.atomic():
        ids = reserve_ids(Person, len(rows))
        writer = TableWriter(Person, PERSON_COLUMNS)
        now = timezone.now()
        for i in range(0, len(rows), 5000):
            writer.write([(pk, *r, actor.pk, now, now, 1)
                          for pk, r in zip(ids[i:i + 5000], rows[i:i + 5000], strict=True)])
        transaction.set_rollback(True)
    bare_s = time.perf_counter() - start

    print(f"  preview (read + check every row)      {preview_s:7.1f} s")
    print(f"  import (check + write, one transaction) {import_s:7.1f} s  "
          f"{ROWS / import_s:9,.0f} rows/s   ×{import_s / bare_s:.2f} of a plain load of the "
          f"same rows ({ROWS / bare_s:,.0f} rows/s)")
    print(f"  peak memory (max RSS)                 {max_rss_mb():7.0f} MB")


if __name__ == "__main__":
    main()
