"""``lnob serve``: migrate, collect static files, then run gunicorn and the
background worker (``lnob worker``) until stopped, each supervised on its own:
a child that exits is started again after a back-off (1 s, 2 s, 4 s … 30 s;
back to 1 s once it has stayed up a minute), and never takes the other down.
It says what it does. Every 15 s it runs the reaper of jobs whose worker died
(``lnob.core.jobs``); every hour it asks the worker for the coverage
snapshots due that day (docs/decisions/0009-snapshot-schedule.md)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connections

from lnob.core import jobs
from lnob.web.concurrency import default_web_workers

log = logging.getLogger(__name__)
SNAPSHOT_CHECK_SECONDS = 3600
REAP_SECONDS = 15
BACKOFF_MAX = 30.0
STABLE_SECONDS = 60.0


def ask_for_snapshots() -> None:
    """One check of the snapshot schedule; a failure is logged, never fatal
    to the server (the next check, an hour later, tries again)."""
    from lnob.coverage.tasks import snapshots_ask

    try:
        snapshots_ask()
    except Exception:
        log.exception("checking the coverage snapshots due today failed")
    finally:
        connections.close_all()  # no idle connection held between checks


@dataclass
class Child:
    """One supervised process: how to start it, and its restarts."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    delay: float = 1.0
    restart_at: float | None = None
    restarts: int = field(default=0)

    def start(self, say: Any) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 — our own binaries
        self.started, self.restart_at = time.monotonic(), None
        say(f"{self.name}: started (pid {self.process.pid})")

    def check(self, say: Any) -> None:
        """Starts it again when due; notices when it has exited."""
        now = time.monotonic()
        if self.process is None:
            if self.restart_at is not None and now >= self.restart_at:
                self.restarts += 1
                self.start(say)
            return
        code = self.process.poll()
        if code is None:
            if now - self.started >= STABLE_SECONDS:
                self.delay = 1.0
            return
        self.process = None
        if now - self.started >= STABLE_SECONDS:
            self.delay = 1.0
        say(f"{self.name}: exited with code {code}; starting it again in {self.delay:.0f} s "
            "(the other processes keep running)")
        self.restart_at = now + self.delay
        self.delay = min(self.delay * 2, BACKOFF_MAX)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Command(BaseCommand):
    help = ("Serve LNOB with gunicorn (static files by whitenoise) and the task worker, "
            "each started again if it stops.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LNOB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=default_web_workers())
        parser.add_argument("--task-workers", type=int,
                            default=int(os.environ.get("LNOB_TASK_WORKERS", "1")),
                            help="background worker processes (one stuck task then "
                                 "blocks nothing while another worker runs)")
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background worker (run it elsewhere)")
        parser.add_argument("--no-snapshots", action="store_true",
                            help="do not ask for the coverage snapshots due each day "
                                 "(another server or cron's `lnob snapshot` does)")

    def say(self, message: str) -> None:
        self.stdout.write(f"lnob serve: {message}")
        self.stdout.flush()

    def prepare(self, migrate: bool) -> None:
        """Migrate and collect static files, waiting for a database that is
        not up yet (the server then starts on its own when it is)."""
        delay = 1.0
        while True:
            try:
                if migrate:
                    pending = _pending_migrations()
                    if pending == 0:
                        self.say("the database is up to date")
                    else:
                        self.say("migrating the database"
                                 + (f": {pending} migrations to apply" if pending else "")
                                 + (" (the first start loads Thailand's geography: about "
                                    "a minute) …" if pending and pending > 20 else " …"))
                        call_command("migrate", interactive=False, verbosity=0)
                break
            except DatabaseError as err:
                if self.stopping:
                    raise SystemExit(1) from err
                first = str(err).strip().splitlines()[0] if str(err).strip() else repr(err)
                self.say(f"the database does not answer ({first}); trying again in "
                         f"{delay:.0f} s")
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
        self.say("collecting static files …")
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()

    stopping = False

    def handle(self, *args: Any, **options: Any) -> None:
        def stop(signum: int, frame: Any) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.say(f"starting (database: {connections['default'].vendor}, "
                 f"address: {options['bind']}) …")
        self.prepare(not options["no_migrate"])
        bin_dir = os.path.dirname(sys.executable)
        children = [Child("web server (gunicorn)", [
            os.path.join(bin_dir, "gunicorn"), "lnob.wsgi:application",
            "--bind", options["bind"], "--workers", str(options["workers"]),
            "--access-logfile", "-", "--error-logfile", "-",
            # A province-wide XLSX export takes about 30 s at 200 k persons.
            "--timeout", os.environ.get("LNOB_REQUEST_TIMEOUT", "120"),
            "--forwarded-allow-ips", "127.0.0.1"])]
        if not options["no_worker"]:
            count = max(1, options["task_workers"])
            for n in range(count):
                name = "task worker" + (f" {n + 1}" if count > 1 else "")
                children.append(Child(name, [os.path.join(bin_dir, "lnob"), "worker"]))
        self.say(f"serving on http://{options['bind']}/ (Ctrl+C to stop)")
        for child in children:
            child.start(self.say)
        next_check = next_reap = time.monotonic()
        while not self.stopping:
            for child in children:
                child.check(self.say)
            now = time.monotonic()
            if now >= next_reap:
                if jobs.reap_quietly():
                    self.say("marked the jobs of a stopped worker as failed (they can be "
                             "retried)")
                connections.close_all()
                next_reap = now + REAP_SECONDS
            if not options["no_snapshots"] and now >= next_check:
                ask_for_snapshots()
                next_check = now + SNAPSHOT_CHECK_SECONDS
            time.sleep(0.5)
        self.say("stopping …")
        for child in children:
            child.stop()
        for child in children:
            child.wait()
        self.say("stopped")


def _pending_migrations() -> int | None:
    """How many migrations ``migrate`` would apply; None when that cannot be
    read (the database not up yet: ``migrate`` then says why)."""
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections["default"])
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # any failure: migrate itself reports it
        return None
