"""``lnob welfare_list FILE --scheme old_age_allowance --user officer84 [--write]``:
match a provider's list of recipients to persons (docs/welfare.md) and, with
``--write``, record the benefit of every matched row. A file with unknown
columns or bad rows is reported row by row and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.core.models import User
from lnob.imports.reading import FileRefused
from lnob.imports.welfare import AMBIGUOUS, MATCHED, UNMATCHED, agency_check, agency_write
from lnob.welfare.models import Scheme


class Command(BaseCommand):
    help = "Match a provider's list of recipients (CSV/XLSX, Thai headers) to persons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--scheme", required=True, help="scheme code")
        parser.add_argument("--user", required=True, help="the officer importing")
        parser.add_argument("--write", action="store_true",
                            help="record the benefits of the matched rows")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = Scheme.objects.filter(code=options["scheme"]).first()
        if scheme is None:
            raise CommandError(f"Unknown scheme {options['scheme']!r}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Unknown user {options['user']!r}.")
        try:
            check = agency_check(Path(options["file"]), user=user)
        except FileRefused as err:
            raise CommandError(str(err)) from err
        for e in check.errors:
            self.stdout.write(f"row {e.row} · {e.column}: {e.message}")
        if check.errors:
            raise CommandError(f"{len(check.errors)} problems: nothing was recorded.")
        for w in check.warnings:
            self.stdout.write(w)
        for r in check.rows:
            if r.outcome != MATCHED:
                candidates = ", ".join(map(str, r.candidates))
                self.stdout.write(f"row {r.row} · {r.outcome} {candidates}".rstrip())
        self.stdout.write(f"{len(check.rows):,} rows: {check.count(MATCHED):,} matched, "
                          f"{check.count(AMBIGUOUS):,} ambiguous, "
                          f"{check.count(UNMATCHED):,} unmatched ({check.seconds:.1f} s).")
        if options["write"]:
            n = agency_write(check, actor=user, scheme=scheme,
                             file_name=Path(options["file"]).name)
            self.stdout.write(f"{n:,} benefits recorded.")
