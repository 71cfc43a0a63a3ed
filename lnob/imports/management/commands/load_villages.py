"""``lnob load_villages FILE``: load an official village list (หมู่บ้าน) where a
province has one — CSV or XLSX with the columns DOPA code (8 digits: subdistrict code
and หมู่ที่), number (optional, checked against the code), Thai name, English name
(optional). Thai or English headers.

New villages are created, recorded ones take the list's names, and villages created
"to confirm" by imports are confirmed. Exit code 1 when a row is bad and nothing was
loaded (or with --dry-run); 2 when the file itself was refused."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.core.models import User
from lnob.core.thaidates import to_arabic_digits
from lnob.geo.services import VillageRow, village_rows_check, villages_load
from lnob.imports.persons import header_key
from lnob.imports.reading import FileRefused, read_table

HEADERS = {
    "code": ("code", "dopa_code", "village_code", "รหัสหมู่บ้าน", "รหัส", "รหัสกรมการปกครอง"),
    "number": ("number", "village_number", "moo", "หมู่ที่", "หมู่"),
    "name_th": ("name_th", "name", "thai name", "ชื่อหมู่บ้าน", "ชื่อ", "หมู่บ้าน"),
    "name_en": ("name_en", "english name", "ชื่อภาษาอังกฤษ"),
}
WHICH = {header_key(alias): key for key, names in HEADERS.items() for alias in names}
SHOWN = 50


class Command(BaseCommand):
    help = "Load an official list of villages (DOPA code, number, name) into the geography."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--sheet", default=None)
        parser.add_argument("--as-user", default="", metavar="USERNAME",
                            help="who the audit log names (default: the system)")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        mode.add_argument("--skip-invalid", action="store_true",
                          help="load the valid rows even when some are bad")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["as_user"]:
            actor = User.objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['as_user']!r}.")
        try:
            table = read_table(path, sheet=options["sheet"])
        except FileRefused as err:
            self.stderr.write(f"Refused: {err}")
            sys.exit(2)
        columns = {WHICH[header_key(h)]: i for i, h in enumerate(table.headers)
                   if header_key(h) in WHICH}
        if "code" not in columns or "name_th" not in columns:
            self.stderr.write("The file needs a village code column (code / รหัสหมู่บ้าน) and "
                              "a Thai name column (name_th / ชื่อหมู่บ้าน).")
            sys.exit(1)

        def cell(cells: list[str], key: str) -> str:
            i = columns.get(key)
            return to_arabic_digits(cells[i]).strip() if i is not None and i < len(cells) \
                else ""

        rows = [VillageRow(number, cell(cells, "code").replace("-", ""), cell(cells, "number"),
                           cells[columns["name_th"]].strip() if columns["name_th"] < len(cells)
                           else "", cell(cells, "name_en"))
                for number, cells in table.rows]
        valid, errors = village_rows_check(rows)
        self.stdout.write(f"{len(rows):,} rows: {len(valid):,} valid, "
                          f"{len({r for r, _m in errors}):,} with errors.")
        for row, message in errors[:SHOWN]:
            self.stdout.write(f"  row {row}: {message}")
        if len(errors) > SHOWN:
            self.stdout.write(f"  … and {len(errors) - SHOWN:,} more.")
        if options["dry_run"] or (errors and not options["skip_invalid"]):
            if errors and not options["dry_run"]:
                self.stdout.write("Nothing was loaded. Fix the rows above, or run again with "
                                  "--skip-invalid.")
            sys.exit(1 if errors else 0)
        done = villages_load(actor=actor, rows=valid)
        self.stdout.write(self.style.SUCCESS(
            f"Villages: {done['created']:,} created, {done['updated']:,} updated "
            f"({done['confirmed']:,} that imports had created to confirm are now confirmed)."))
