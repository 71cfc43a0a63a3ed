"""Reproducible speed figures for LNOB (``make bench``). Not part of the test
suite: each figure is printed with a baseline measured in the same run."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from datetime import date
from typing import Any

# The load runs (benchmarks.load drives, benchmarks.locustfile measures, in
# locust's process): each run measures LNOB_BENCH_SECONDS; the signed-in mix
# starts LNOB_BENCH_SETTLE seconds after its last user signed in (the backlog
# of 100 password hashes at once is not the mix's steady state).
SECONDS = int(os.environ.get("LNOB_BENCH_SECONDS", "20"))
SETTLE = int(os.environ.get("LNOB_BENCH_SETTLE", "10"))


def django_for_benchmark(prefix: str) -> Any:
    """Django set up on SQLite in a new temporary folder (or on PostgreSQL when
    ``DATABASE_URL`` is set) and migrated; returns the temporary folder."""
    from pathlib import Path

    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING"})
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    if not os.environ.get("DATABASE_URL"):
        os.environ["LNOB_VAR_DIR"] = str(tmp)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp


def national_database(prefix: str, persons: int) -> tuple[int, int, float]:
    """Django set up on SQLite in a temporary folder (``LNOB_BENCH_VAR_DIR`` to reuse
    an earlier run's), or on PostgreSQL when ``DATABASE_URL`` is set; migrated; and
    ``persons`` synthetic persons generated nationwide with their casework (a
    province already there is kept). Returns (persons, generated now, seconds)."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "lnob.settings", "LOG_LEVEL": "WARNING",
                       "ALLOWED_HOSTS": "testserver", "LNOB_PLAIN_STATIC": "1"})
    if not os.environ.get("DATABASE_URL"):
        os.environ["LNOB_VAR_DIR"] = os.environ.get("LNOB_BENCH_VAR_DIR") or tempfile.mkdtemp(
            prefix=prefix)
    import django

    django.setup()
    from django.core.management import call_command

    from lnob.demo.writer import generate_country
    from lnob.registry.models import Person

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    before = Person.objects.count()
    generate_country(persons, seed=2549, today=date(2026, 11, 6))
    made = Person.objects.count()
    return made, made - before, time.perf_counter() - start


def load() -> str:
    """The load average, printed beside every timing (the machine may be shared)."""
    return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def peak_mb() -> float:
    """Peak RSS of this process plus its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of all its children, living or ended (the
    web server with its workers, PostgreSQL with its backends)."""
    import contextlib

    import psutil

    try:
        root = psutil.Process(pid)
        total = sum(root.cpu_times()[:4])  # user, system, children's user and system
        for child in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += sum(child.cpu_times()[:2])
        return float(total)
    except psutil.Error:
        return 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
