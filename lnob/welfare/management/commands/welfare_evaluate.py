"""``lnob welfare_evaluate``: evaluate every person for every scheme again
(after a bulk load, a new scheme version in force, or to repair), or one
province (``--province 84``). Saves one by one keep the table in step by
themselves; this is the full run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lnob.welfare.evaluate import evaluate_all


class Command(BaseCommand):
    help = "Evaluate the welfare rules for every person (or one province's) and store them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default="", help="2-digit province code")

    def handle(self, *args: Any, **options: Any) -> None:
        report = evaluate_all(province_code=options["province"])
        self.stdout.write(f"{report.persons:,} persons evaluated, {report.rows:,} rows stored "
                          f"({report.inserted:,} written, {report.deleted:,} deleted, the "
                          f"rest unchanged) in {report.seconds:.1f} s.")
