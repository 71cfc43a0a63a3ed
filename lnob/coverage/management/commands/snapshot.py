"""``lnob snapshot``: keep today's figures of the provinces and the nation
that are due (the first run of each month, a province's milestone day).
Run it daily (cron, or the ``take_snapshots`` task); ``--all`` takes every
area now."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.coverage.models import AreaRollup, SnapshotKind
from lnob.coverage.roadmap import snapshots_take


class Command(BaseCommand):
    help = "Store the coverage figures due today (monthly and milestone snapshots)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true",
                            help="Take every province and the nation now.")
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="The day to file the snapshot under (default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options["date"]:
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date takes YYYY-MM-DD (ค.ศ.).") from exc
        areas = None
        if options["all"]:
            areas = {code: SnapshotKind.MANUAL.value for code in
                     ["", *AreaRollup.objects.filter(level="province")
                      .values_list("code", flat=True)]}
        n = snapshots_take(on, areas=areas)
        self.stdout.write(f"{n} snapshots stored.")
