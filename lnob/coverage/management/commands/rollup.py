"""``lnob rollup``: rebuild the coverage roll-ups, or check them.

- ``lnob rollup --full``: recompute every subdistrict, district, province and
  the nation from the source tables (after a bulk load, or to repair).
- ``lnob rollup --verify``: recompute in memory and compare with what is
  stored; exits non-zero when anything differs.
- ``lnob rollup 840503 840501``: recompute these subdistricts now.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.coverage.rollup import rollup_full, rollup_refresh, rollup_verify


class Command(BaseCommand):
    help = "Rebuild (--full), check (--verify) or refresh some subdistricts' coverage roll-ups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", metavar="SUBDISTRICT",
                            help="6-digit subdistrict codes to recompute now.")
        parser.add_argument("--full", action="store_true",
                            help="Recompute every row from the source tables.")
        parser.add_argument("--verify", action="store_true",
                            help="Compare the stored rows with a recomputation; exit 1 on "
                                 "any difference.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["full"] or options["verify"] or options["codes"]):
            raise CommandError("Say what to do: --full, --verify, or subdistrict codes.")
        if options["codes"]:
            n = rollup_refresh(options["codes"])
            self.stdout.write(f"{n} subdistricts recomputed.")
        if options["full"]:
            report = rollup_full()
            self.stdout.write(f"{report.subdistricts:,} subdistricts and {report.areas:,} "
                              f"areas rebuilt in {report.seconds:.1f} s.")
        if options["verify"]:
            problems = rollup_verify()
            if problems:
                for line in problems:
                    self.stderr.write(line)
                raise CommandError(f"The roll-ups differ from the source tables "
                                   f"({len(problems)} differences shown); run "
                                   "`lnob rollup --full`.")
            self.stdout.write("The roll-ups agree with the source tables.")
