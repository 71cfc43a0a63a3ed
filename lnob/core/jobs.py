"""Background jobs that finish or fail cleanly.

A job (an import, a matching run, a duplicate search, a django-tasks task)
records its *runner*: ``kind:host:pid`` of the process doing it (the worker,
a web process for small files, a terminal command). The worker writes a
heartbeat row every few seconds (:class:`lnob.core.models.WorkerBeat`).

The reaper (:func:`reap`, run by every worker and every ``lnob serve`` every
few seconds) marks as failed — with a message saying nothing was kept — the
jobs whose runner is dead: on this host the process is simply gone; on
another host its heartbeat is older than ``LNOB_WORKER_STALE_SECONDS``. A
dead runner's job can then be retried or cancelled by its user. The apps
register what to reap for their own jobs (:func:`register_reaper`), so the
core never imports them.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone, translation

log = logging.getLogger(__name__)
HOST = socket.gethostname()[:40]
_runner: str | None = None
Alive = Callable[[str], "bool | None"]
REAPERS: list[Callable[[Alive], int]] = []


class WorkerDied(Exception):
    """The worker running a task stopped before the task finished."""


def in_both(message: Any) -> str:
    """A lazy message in Thai, then English: the reaper runs outside any
    request, and whoever reads its message may read either."""
    with translation.override("th"):
        thai = str(message)
    with translation.override("en"):
        english = str(message)
    return thai if thai == english else f"{thai} ({english})"


def fault(point: str) -> None:
    """A named point where the resilience tests kill this process
    (``LNOB_FAULT=import-written``): the process dies there as from
    ``kill -9``, with no clean-up. Nothing happens otherwise."""
    if os.environ.get("LNOB_FAULT") == point:
        log.warning("LNOB_FAULT=%s: the process dies here", point)
        logging.shutdown()
        os._exit(137)


def runner_id(kind: str) -> str:
    return f"{kind}:{HOST}:{os.getpid()}"


def set_runner(runner: str | None) -> None:
    """Called by the worker at start: the jobs it runs carry its id."""
    global _runner
    _runner = runner


def current_runner() -> str:
    """Who runs a job started now: the worker's id in the worker, else this
    process (a web process running a small file at once, a terminal)."""
    return _runner or runner_id("web")


def stale_seconds() -> int:
    return int(getattr(settings, "LNOB_WORKER_STALE_SECONDS", 60))


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a recycled pid: alive only if it is still one of ours
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True
    if b"<defunct>" in cmdline or not cmdline:
        return False
    return any(name in cmdline for name in (b"lnob", b"gunicorn", b"python", b"pytest"))


class Liveness:
    """Whether a runner is alive: True, False, or None when this host cannot
    tell (a web process of another host; that host's reaper will)."""

    def __init__(self, dead: Iterable[str] = ()) -> None:
        from lnob.core.models import WorkerBeat

        limit = timezone.now() - datetime.timedelta(seconds=stale_seconds())
        self.beats = {w: at >= limit for w, at in
                      WorkerBeat.objects.values_list("worker_id", "beat_at")}
        self.cache: dict[str, bool | None] = dict.fromkeys(dead, False)

    def __call__(self, runner: str) -> bool | None:
        if runner not in self.cache:
            self.cache[runner] = self._alive(runner)
        return self.cache[runner]

    def _alive(self, runner: str) -> bool | None:
        parts = runner.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            return None
        _kind, host, pid = parts
        if host == HOST:
            return pid_alive(int(pid))
        return self.beats.get(runner)


def register_reaper(reaper: Callable[[Alive], int]) -> None:
    if reaper not in REAPERS:
        REAPERS.append(reaper)


def reap(*, dead: Iterable[str] = ()) -> int:
    """Marks the jobs of dead runners as failed; returns how many. Safe to
    run from any number of processes at once (conditional updates). ``dead``:
    runners known to be dead although their process lives (a worker whose
    jobs were cut by a database outage)."""
    from lnob.core.models import AreaRun, WorkerBeat

    alive = Liveness(dead)
    found = _reap_tasks(alive)
    for model in apps.get_models():
        if issubclass(model, AreaRun):
            found += _reap_runs(model, alive)
    for reaper in REAPERS:
        found += reaper(alive)
    gone = [w for w in alive.beats if alive(w) is False and w not in dead]
    if gone:
        WorkerBeat.objects.filter(worker_id__in=gone).delete()
    return found


def _reap_tasks(alive: Alive) -> int:
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0
    found = 0
    for pk, workers, path in DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids", "task_path"):
        if workers and alive(workers[-1]) is False:
            found += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now(),
                exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
                traceback=f"{WorkerDied.__qualname__}: worker {workers[-1]} stopped while "
                          f"running {path}")
            log.warning("Task %s (%s): its worker %s stopped; marked failed",
                        pk, path, workers[-1])
    return found


def _reap_runs(model: Any, alive: Alive) -> int:
    found = 0
    for pk, runner in (model.objects.filter(status="running", finished_at=None)
                       .exclude(runner="").values_list("pk", "runner")):
        if alive(runner) is False:
            found += model.objects.filter(pk=pk, status="running", runner=runner).update(
                status="failed", finished_at=timezone.now(), error=model.interrupted_error())
            log.warning("%s %s: its runner %s stopped; marked failed",
                        model._meta.label, pk, runner)
    return found


def reap_quietly(*, dead: Iterable[str] = ()) -> int:
    """:func:`reap` for loops that must never stop on it (worker, server)."""
    try:
        return reap(dead=dead)
    except DatabaseError:
        log.warning("The reaper could not reach the database; it tries again later")
        return 0


# ------------------------------------------------------------------ disk

@dataclass(frozen=True)
class Disk:
    path: str
    free_mb: int
    low: bool


def disk_state() -> Disk:
    """Free space where uploads and the SQLite file live; ``low`` under
    ``LNOB_MIN_FREE_DISK_MB`` (then /healthz answers 503)."""
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path != path.parent:
        path = path.parent
    free = shutil.disk_usage(path).free // (1024 * 1024)
    return Disk(str(path), free, free < int(getattr(settings, "LNOB_MIN_FREE_DISK_MB", 200)))
