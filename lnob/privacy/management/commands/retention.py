"""``lnob retention``: counts what the retention rules would purge (a dry run);
``--apply`` purges it. Run it daily (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lnob.privacy.retention import RULES, retention_run


class Command(BaseCommand):
    help = "Apply the retention rules: a dry run by default, --apply to purge."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true",
                            help="Purge what is due (otherwise only count it).")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_run(actor=None, apply=options["apply"])
        verb = "purged" if options["apply"] else "due (dry run; --apply to purge)"
        for rule in RULES:
            self.stdout.write(f"{rule.key:<15} {counts[rule.key]:>9,}  {verb}  — {rule.title}")
