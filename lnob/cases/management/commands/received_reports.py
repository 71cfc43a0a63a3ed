"""``lnob received_reports``: the public reports kept at the door and not
filed yet (decision 0033) — how many, the oldest, those whose filing failed
and why; ``--file`` files them now (what the worker does every second),
``--retry`` first gives the failed ones their attempts back (after the
fault is mended)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lnob.cases.intake import door
from lnob.cases.models import ReceivedReport


class Command(BaseCommand):
    help = "List the public reports waiting to be filed; --file files them, --retry the failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", action="store_true", help="file the waiting reports now")
        parser.add_argument("--retry", action="store_true",
                            help="retry the reports whose filing failed (implies --file)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry"]:
            again = ReceivedReport.objects.filter(attempts__gt=0).update(attempts=0, error="")
            self.stdout.write(f"{again} failed reports will be tried again")
        if options["file"] or options["retry"]:
            self.stdout.write(f"{door.file_waiting()} reports taken for filing")
        count, oldest = door.waiting()
        self.stdout.write(f"{count} reports wait to be filed"
                          + (f", the oldest received {oldest.isoformat()}" if oldest else ""))
        for row in ReceivedReport.objects.filter(attempts__gt=0).order_by("id"):
            self.stdout.write(f"  {row.reference}: failed {row.attempts}×: {row.error}")
