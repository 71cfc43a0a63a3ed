from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.geo.population import ce_year, population_load


class Command(BaseCommand):
    help = ("Load registered population per subdistrict (DOPA's statistics CSV: "
            "subdistrict_code, male, female, total) for a year. Nothing is loaded when a "
            "line is wrong; each wrong line is listed. See docs/coverage.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the CSV file (UTF-8; a DOPA export)")
        parser.add_argument("--year", type=int, required=True,
                            help="the year of the figures, CE or BE (2568 = 2025)")
        parser.add_argument("--source", required=True,
                            help="where the figures come from, e.g. "
                                 "'DOPA stat.bora.dopa.go.th, December 2567'")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        result = population_load(text, year=ce_year(options["year"]), source=options["source"])
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} wrong line(s): nothing loaded")
        self.stdout.write(f"{result.loaded} subdistricts loaded "
                          f"({result.skipped_totals} province or district total lines skipped)")
