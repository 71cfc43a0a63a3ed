"""``lnob serve``: migrate, collect static files, then run gunicorn."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve LNOB with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("LNOB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable),
                                                             "gunicorn")
        argv = [gunicorn, "lnob.wsgi:application", "--bind", options["bind"],
                "--workers", str(options["workers"]), "--access-logfile", "-",
                "--error-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"]
        self.stdout.write(f"Serving on http://{options['bind']}/ (Ctrl+C to stop)")
        sys.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 — replaces this process with the server
