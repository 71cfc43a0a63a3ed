"""``lnob welfare_list FILE --scheme old_age_allowance --user officer84 [--write]``:
match a provider's list of recipients to persons (docs/welfare.md) and, with
``--write``, record the benefit of every matched row. A file with unknown
columns or bad rows is reported row by row and changes nothing.

The list goes through the same import job as an upload on
``/imports/welfare-list/`` (stored, checked, recorded in one transaction with
the job's "done"): if this command is killed, the reaper marks the job failed
and its user may retry or cancel it on the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.core.models import User
from lnob.imports.models import ImportStatus
from lnob.imports.services import ImportRefused, import_commit, run_check, welfare_list_start
from lnob.imports.welfare import AMBIGUOUS, MATCHED, UNMATCHED


class Command(BaseCommand):
    help = "Match a provider's list of recipients (CSV/XLSX, Thai headers) to persons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--scheme", required=True, help="scheme code")
        parser.add_argument("--user", required=True, help="the officer importing")
        parser.add_argument("--write", action="store_true",
                            help="record the benefits of the matched rows")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Unknown user {options['user']!r}.")
        try:
            with path.open("rb") as f:
                job = welfare_list_start(actor=user, scheme_code=options["scheme"],
                                         upload=File(f, name=path.name))
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from err
        job = run_check(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.problem)
        report = job.outcomes or {}
        errors = report.get("all_errors", [])
        for row, column, message in errors:
            self.stdout.write(f"row {row} · {column}: {message}")
        if errors:
            raise CommandError(f"{len(errors)} problems: nothing was recorded "
                               f"(import job {job.pk}).")
        for w in job.warnings:
            self.stdout.write(w)
        for row, outcome, candidates in report.get("listed", []):
            self.stdout.write(f"row {row} · {outcome} {', '.join(map(str, candidates))}"
                              .rstrip())
        counts = report.get("counts", {})
        self.stdout.write(f"{sum(counts.values()):,} rows: {counts.get(MATCHED, 0):,} matched, "
                          f"{counts.get(AMBIGUOUS, 0):,} ambiguous, "
                          f"{counts.get(UNMATCHED, 0):,} unmatched "
                          f"({report.get('seconds', 0):.1f} s; import job {job.pk}).")
        if options["write"]:
            try:
                job = import_commit(actor=user, job=job)
            except ImportRefused as err:
                raise CommandError(str(err)) from err
            self.stdout.write(f"{job.updated_count:,} benefits recorded.")
