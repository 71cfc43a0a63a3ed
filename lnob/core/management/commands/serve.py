"""``lnob serve``: migrate, collect static files, then run gunicorn and the
background worker (imports of large files) until stopped. Every hour it also
asks the worker for the coverage snapshots due that day (the first of each
month, a province's milestone days): docs/decisions/0009-snapshot-schedule.md."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

log = logging.getLogger(__name__)
SNAPSHOT_CHECK_SECONDS = 3600


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


class Command(BaseCommand):
    help = "Serve LNOB with gunicorn (static files by whitenoise) and the task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LNOB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background worker (run it elsewhere)")
        parser.add_argument("--no-snapshots", action="store_true",
                            help="do not ask for the coverage snapshots due each day "
                                 "(another server or cron's `lnob snapshot` does)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        commands = [[os.path.join(bin_dir, "gunicorn"), "lnob.wsgi:application",
                     "--bind", options["bind"], "--workers", str(options["workers"]),
                     "--access-logfile", "-", "--error-logfile", "-",
                     # A province-wide XLSX export takes about 30 s at 200 k persons.
                     "--timeout", os.environ.get("LNOB_REQUEST_TIMEOUT", "120"),
                     "--forwarded-allow-ips", "127.0.0.1"]]
        if not options["no_worker"]:
            commands.append([os.path.join(bin_dir, "lnob"), "db_worker"])
        self.stdout.write(f"Serving on http://{options['bind']}/ (Ctrl+C to stop)")
        sys.stdout.flush()
        processes = [subprocess.Popen(c) for c in commands]  # noqa: S603 — our own binaries
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # Run until stopped, or until either process ends (then stop the other).
        next_check = time.monotonic()
        while not stopping and all(p.poll() is None for p in processes):
            if not options["no_snapshots"] and time.monotonic() >= next_check:
                ask_for_snapshots()
                next_check = time.monotonic() + SNAPSHOT_CHECK_SECONDS
            time.sleep(0.5)
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
