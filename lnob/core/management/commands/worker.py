"""``lnob worker``: the background worker (django-tasks' database worker) made
to survive: a heartbeat every few seconds, the reaper of jobs whose runner
died, a watchdog that restarts a task stuck past ``LNOB_TASK_TIMEOUT``
seconds, a database outage waited out instead of a crash, and the follow-ups
requests left (``lnob.core.followups``: the duplicate index and roll-ups of
public reports) done in batches every ``LNOB_CATCHUP_SECONDS``.

``lnob serve`` starts it (and starts it again if it stops); on other hosts run
it on its own under systemd (docs/deploy.md)."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from lnob.core import followups, jobs
from lnob.core.models import WorkerBeat

log = logging.getLogger("lnob.worker")
BEAT_SECONDS = 5.0
REAP_SECONDS = 15.0


class Heart(threading.Thread):
    """Beats (one row per worker), reaps, and watches the running task."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="lnob-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()
        self.task_path = ""
        self.task_started: float | None = None
        self.task_started_at: Any = None
        self.next_reap = 0.0

    def run(self) -> None:
        while not self.stopping.is_set():
            self.beat()
            if time.monotonic() >= self.next_reap:
                if jobs.reap_quietly():
                    log.info("The reaper marked jobs of stopped workers as failed")
                self.next_reap = time.monotonic() + REAP_SECONDS
            self.watch()
            self.stopping.wait(BEAT_SECONDS)
        connections.close_all()

    def beat(self) -> None:
        try:
            WorkerBeat.objects.update_or_create(worker_id=self.worker_id, defaults={
                "host": jobs.HOST, "pid": os.getpid(), "beat_at": timezone.now(),
                "task_path": self.task_path[:200], "task_started_at": self.task_started_at})
        except DatabaseError as err:  # the database is away, or SQLite is busy: next beat
            log.warning("Heartbeat not written: %s", err)
            connections.close_all()

    def watch(self) -> None:
        limit = int(getattr(settings, "LNOB_TASK_TIMEOUT", 4 * 3600))
        if self.task_started is not None and time.monotonic() - self.task_started > limit:
            log.error("Task %s has run for more than %d s: the worker stops so that it is "
                      "started again and the task marked failed", self.task_path, limit)
            logging.shutdown()
            os._exit(75)

    def running(self, path: str) -> None:
        self.task_path, self.task_started = path, time.monotonic()
        self.task_started_at = timezone.now()
        self.beat()

    def idle(self) -> None:
        self.task_path, self.task_started, self.task_started_at = "", None, None

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(DatabaseError):
            WorkerBeat.objects.filter(worker_id=self.worker_id).delete()


class CatchUp(threading.Thread):
    """Does the follow-ups requests left, in batches, every few seconds —
    beside the tasks, so that a long import never holds them back."""

    def __init__(self) -> None:
        super().__init__(name="lnob-catch-up", daemon=True)
        self.stopping = threading.Event()
        self.seconds = float(getattr(settings, "LNOB_CATCHUP_SECONDS", 1.0))

    def run(self) -> None:
        while not self.stopping.is_set():
            followups.catch_up_quietly()
            close_old_connections()  # a connection broken by an outage is renewed
            self.stopping.wait(self.seconds)
        connections.close_all()

    def stop(self) -> None:
        self.stopping.set()


class LnobWorker(Worker):
    heart: Heart

    def run(self) -> None:
        delay = 1.0
        while self.running:
            try:
                self._release_own()
                super().run()
                return
            except DatabaseError as err:  # an outage: wait it out, never crash on it
                log.warning("Database unreachable (%s); the worker tries again in %.0f s",
                            str(err).strip().splitlines()[0] if str(err) else err, delay)
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                self.startup_delay = False

    def _release_own(self) -> None:
        """Tasks this worker was running when the database went away (their end
        could not be written): failed, so that they can be asked for again."""
        close_old_connections()
        jobs.reap(dead=[self.worker_id])

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.heart.running(db_task_result.task_path)
        try:
            super().run_task(db_task_result)
        finally:
            self.heart.idle()


class Command(BaseCommand):
    help = "Run the background worker with a heartbeat, the reaper and a watchdog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks for work when idle")
        parser.add_argument("--queue-name", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        nice = int(getattr(settings, "LNOB_WORKER_NICE", 0))
        if nice > 0:
            os.nice(nice)  # the pages first: the worker's work can wait a moment
        worker_id = jobs.runner_id("worker")
        jobs.set_runner(worker_id)
        worker = LnobWorker(queue_names=options["queue_name"].split(","),
                            interval=options["interval"], batch=False,
                            backend_name="default", startup_delay=True, max_tasks=None,
                            worker_id=worker_id, excluded_queue_names=[])
        heart = worker.heart = Heart(worker_id)
        heart.start()
        catch_up = CatchUp()
        catch_up.start()
        log.info("Worker %s started (heartbeat every %.0f s)", worker_id, BEAT_SECONDS)
        worker.configure_signals()
        try:
            worker.run()
        finally:
            catch_up.stop()
            heart.stop()
