"""``lnob import persons|networks|volunteers FILE --province CODE``: check a
spreadsheet and import it.

Exit code 0 when everything asked for was done; 1 when the file has bad rows
and nothing was imported (or with --dry-run, when it has bad rows); 2 when the
file itself was refused."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lnob.core import audit
from lnob.core.models import AuditAction, User
from lnob.imports.models import RECORD_KINDS, ImportKind
from lnob.imports.persons import Checked
from lnob.imports.reading import FileRefused
from lnob.imports.services import (
    KINDS,
    after_person_import,
    bad_rows_csv,
    check_file,
    write_persons,
)

SHOWN = 50


class Command(BaseCommand):
    help = ("Check a spreadsheet of people in need, networks or volunteers and import it "
            "into a province.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in RECORD_KINDS])
        parser.add_argument("file", type=Path)
        parser.add_argument("--province", required=True, metavar="CODE")
        parser.add_argument("--sheet", default=None, help="XLSX sheet (default: the first "
                            "that is not empty)")
        parser.add_argument("--as-user", default="admin", metavar="USERNAME",
                            help="who the history and audit log name (default: admin)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        mode.add_argument("--skip-invalid", action="store_true",
                          help="import the valid rows; write the bad ones to --errors-out")
        parser.add_argument("--no-cases", action="store_true",
                            help="persons: open no case for the new persons (by default "
                                 "everyone imported enters the workflow)")
        parser.add_argument("--errors-out", type=Path, default=None,
                            help="where to write the bad rows (default: FILE-errors.csv)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        actor = User.objects.filter(username=options["as_user"]).first()
        if actor is None:
            raise CommandError(f"No user named {options['as_user']!r} (see --as-user).")

        def progress(rows: int, done: str = "checked") -> None:
            self.stderr.write(f"\r  {done} {rows:,} rows…", ending="")
            self.stderr.flush()

        def written(rows: int) -> None:
            progress(rows, "written")

        try:
            checked = check_file(path, options["province"], kind=options["kind"],
                                 sheet=options["sheet"], progress=progress)
        except FileRefused as err:
            self.stderr.write(f"\nRefused: {err}")
            sys.exit(2)
        self.stderr.write("")
        self._summary(checked)
        if options["dry_run"]:
            sys.exit(1 if checked.errors else 0)
        if checked.errors and not options["skip_invalid"]:
            self.stdout.write("Nothing was imported. Fix the rows above, or run again with "
                              "--skip-invalid to import the valid rows.")
            sys.exit(1)
        if checked.errors:
            out = options["errors_out"] or path.with_name(path.stem + "-errors.csv")
            out.write_bytes(bad_rows_csv(path, checked, sheet=options["sheet"]))
            self.stdout.write(f"Bad rows written to {out}.")
        with transaction.atomic():  # persons: indexed for the hints once committed
            if options["kind"] == ImportKind.PERSONS:
                created, updated = write_persons(checked, actor=actor, progress=written,
                                                 open_cases=not options["no_cases"])
            else:
                created, updated = KINDS[options["kind"]].write(checked, actor=actor,
                                                                progress=written)
            audit.record(AuditAction.CREATE, actor=actor, object_type="imports.file",
                         object_id=path.name[:64], area_code=options["province"],
                         detail={"kind": options["kind"], "created": created,
                                 "updated": updated, "via": "cli",
                                 "skipped_rows": checked.error_rows, **checked.written})
        if options["kind"] == ImportKind.PERSONS:
            # Committed: the coverage figures, and the duplicate hints see them at once.
            after_person_import(options["province"], checked.written_ids)
        self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {created + updated:,} rows: {created:,} new {options['kind']}, "
            f"{updated:,} updated."))
        if checked.written:
            w = checked.written
            self.stdout.write(
                f"  persons added to: {w['added_to']:,} (seen again with nothing new: "
                f"{w['seen_again_unchanged']:,}); kept for review: {w['review']:,}; cases "
                f"opened: {w['cases_opened']:,}; villages created to confirm: "
                f"{w['villages_to_confirm']:,}.")

    def _summary(self, checked: Checked[Any]) -> None:
        self.stdout.write(f"{checked.total:,} rows: {len(checked.valid):,} valid, "
                          f"{checked.error_rows:,} with errors.")
        if checked.valid and hasattr(checked.valid[0], "outcome"):
            c = checked.outcomes()
            self.stdout.write(
                f"  new persons: {c['new'] + c['review']:,} (of which kept to review as "
                f"likely duplicates: {c['review']:,}); adds to a person already "
                f"registered or to an earlier row: {c['attach']:,}; updates by reference: "
                f"{c['update']:,}; rows with warnings: "
                f"{len({w.row for w in checked.row_warnings}):,}.")
        for warning in checked.warnings:
            self.stdout.write(f"  note: {warning}")
        problems = sorted([(e.row, 0, e) for e in checked.errors]
                          + [(w.row, 1, w) for w in checked.row_warnings],
                          key=lambda p: (p[0], p[1]))
        for _row, is_warning, e in problems[:SHOWN]:
            label = " (warning, imported all the same)" if is_warning else ""
            self.stdout.write(f"  row {e.row}, {e.column}{label}: {e.message}")
        if len(problems) > SHOWN:
            self.stdout.write(f"  … and {len(problems) - SHOWN:,} more.")
