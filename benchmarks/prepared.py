"""Prepared statements on and off, in one process on one PostgreSQL database
(decision 0033): public reports posted through Django's test client, CPU a
report of this (web) process (``process_time``) and of its PostgreSQL backend
(``/proc/<pid>/stat`` of ``pg_backend_pid()``), wall time and the load
average beside. The two modes alternate in rounds, each on a fresh kept
connection after a warm-up, so that a neighbour's load falls on both.

    scripts/with-postgres.sh .venv/bin/python -m benchmarks.prepared

``LNOB_BENCH_REPORTS`` reports a mode (200), in ``LNOB_BENCH_ROUNDS`` rounds (4);
``LNOB_BENCH_NEW=1`` reports a new person each time.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from benchmarks import django_for_benchmark, load

REPORTS = int(os.environ.get("LNOB_BENCH_REPORTS", "200"))
ROUNDS = int(os.environ.get("LNOB_BENCH_ROUNDS", "4"))
WARM_UP = 20
NEW = os.environ.get("LNOB_BENCH_NEW", "") == "1"
SURNAMES = ["ใจดี", "รักถิ่น", "ทะเลงาม", "เอื้ออารี", "ศรีสุข", "บุญมา", "ทองคำ", "แก้วใส"]


def backend_cpu(connection: Any) -> tuple[int, float]:
    """The backend's pid and the CPU seconds it has used (user + system)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def use(connection: Any, prepared: bool) -> None:
    """The next connection binds on the server and prepares (or not)."""
    connection.close()
    options = connection.settings_dict["OPTIONS"]
    options.pop("server_side_binding", None)
    options.pop("prepare_threshold", None)
    if prepared:
        options.update(server_side_binding=True, prepare_threshold=2)
    connection.features.__dict__.pop("uses_server_side_binding", None)


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("benchmarks.prepared needs PostgreSQL: scripts/with-postgres.sh "
                 ".venv/bin/python -m benchmarks.prepared")
    os.environ.setdefault("LNOB_TRUSTED_PROXIES", "127.0.0.1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    django_for_benchmark("lnob-prepared-")
    from django.db import connection
    from django.test import Client

    client = Client()
    sent = 0

    def report() -> None:
        nonlocal sent
        sent += 1
        # Eight people reported again and again (the load benchmark's public
        # report: the "reported again" path, the same work each time), each
        # report from an address of its own (no rate limit hit).
        # LNOB_BENCH_NEW=1: a new person each time instead (each one checks a
        # growing register for duplicates: use many short rounds).
        last = f"{SURNAMES[sent % len(SURNAMES)]}{sent if NEW else ''}"
        response = client.post("/report/", {
            "first_name": "ยายแดง", "last_name": last,
            "place": "เกาะเต่า เกาะพะงัน", "summary": "อยู่คนเดียว ติดเตียง",
            "urgent_reasons": "alone_bedridden"},
            REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.{sent // 62500 % 250}."
                                                          f"{sent // 250 % 250}.{sent % 250}")
        assert response.status_code == 302, (response.status_code, response.content[:300])

    print(f"benchmarks.prepared: {REPORTS} public reports a mode in {ROUNDS} rounds, "
          f"{'a new person each' if NEW else 'eight people reported again and again'}, "
          f"{os.cpu_count()} cores, {load()}", flush=True)
    totals = {False: [0.0, 0.0, 0.0], True: [0.0, 0.0, 0.0]}
    per_round = REPORTS // ROUNDS
    for round_ in range(ROUNDS):
        for prepared in (False, True):
            use(connection, prepared)
            for _ in range(WARM_UP):
                report()
            pid, db0 = backend_cpu(connection)
            web0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(per_round):
                report()
            web, wall = time.process_time() - web0, time.perf_counter() - wall0
            same_pid, db1 = backend_cpu(connection)
            assert same_pid == pid, "the connection was not kept"
            db = db1 - db0
            for i, value in enumerate((web, db, wall)):
                totals[prepared][i] += value
            print(f"round {round_ + 1}, prepared {'on ' if prepared else 'off'}: a report "
                  f"web {web / per_round * 1000:.2f} ms CPU, database "
                  f"{db / per_round * 1000:.2f} ms CPU, wall {wall / per_round * 1000:.2f} ms; "
                  f"{load()}", flush=True)
    n = per_round * ROUNDS
    off, on = ([v / n * 1000 for v in totals[mode]] for mode in (False, True))
    for name, figures in (("off", off), ("on", on)):
        print(f"prepared {name}: web {figures[0]:.2f} + database {figures[1]:.2f} = "
              f"{figures[0] + figures[1]:.2f} ms CPU a report, wall {figures[2]:.2f} ms")
    print(f"on / off: web {on[0] / off[0]:.2f}×, database {on[1] / off[1]:.2f}×, "
          f"CPU {(on[0] + on[1]) / (off[0] + off[1]):.2f}×; {load()}", flush=True)


if __name__ == "__main__":
    main()
