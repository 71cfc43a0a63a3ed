"""``python -m benchmarks.backup``: ``lnob backup`` and ``lnob restore`` (onto
a new, empty database and var folder: a new host) at LNOB_BENCH_PERSONS
(default 200,000) synthetic persons of one province with their cases, against
a tenth of that measured in the same run. SQLite by default; under
``scripts/with-postgres.sh`` PostgreSQL (pg_dump custom format)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "200000"))
LNOB = str(Path(sys.executable).with_name("lnob"))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="lnob-bench-backup-"))
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                       "LNOB_PLAIN_STATIC": "1", "LNOB_VAR_DIR": str(folder / "var")})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lnob.demo.writer import generate_province

    call_command("migrate", verbosity=0)
    print(f"LNOB backup benchmark — {connection.vendor}")
    results = {}
    # A province is generated once: a tenth in Krabi, then the rest in Nakhon Ratchasima.
    for n, province in ((PERSONS // 10, "81"), (PERSONS, "30")):
        start = time.perf_counter()
        generate_province(province, n - (PERSONS // 10 if province == "30" else 0),
                          seed=2549, today=date(2026, 11, 6))
        print(f"  {n:,} persons in all, in {time.perf_counter() - start:.1f} s")
        backups = folder / f"backups-{n}"
        start = time.perf_counter()
        call_command("backup", "--to", str(backups), verbosity=0)
        backup_s = time.perf_counter() - start
        [made] = list(backups.iterdir())
        size = sum(p.stat().st_size for p in made.iterdir()) / 1e6
        env = {**os.environ, "LNOB_VAR_DIR": str(folder / f"new-host-{n}")}
        if connection.vendor == "postgresql":
            target = f"{connection.settings_dict['NAME']}_restored_{n}"
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
                cursor.execute(f'CREATE DATABASE "{target}"')
            env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + target
        start = time.perf_counter()
        subprocess.run([LNOB, "restore", str(made), "--yes"], env=env, check=True)  # noqa: S603
        restore_s = time.perf_counter() - start
        results[n] = (backup_s, restore_s, size)
    small, big = results[PERSONS // 10], results[PERSONS]
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    for n, (b, r, mb) in results.items():
        print(f"{n:>9,} persons: backup {b:6.1f} s, restore {r:6.1f} s (counts checked), "
              f"{mb:7.1f} MB")
    print(f"×{big[0] / small[0]:.1f} backup and ×{big[1] / small[1]:.1f} restore time for "
          f"×10 persons; load average {load} (2 shared cores)")
    shutil.rmtree(folder, ignore_errors=True)  # the backups of a million persons: gigabytes


if __name__ == "__main__":
    main()
