"""`lnob match --province CODE` / `lnob match --all`: a matching run from the
terminal, with progress; the proposal is kept for review like a page's run."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.geo.models import Province
from lnob.matching.models import RunStatus
from lnob.matching.services import run_execute, run_start, warning_text


class Command(BaseCommand):
    help = "Propose carers for the verified and cared-for cases of a province or the country."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--province", metavar="CODE", help="2-digit DOPA province code")
        where.add_argument("--all", action="store_true", help="the whole country")
        parser.add_argument("--workers", type=int, default=1,
                            help="processes solving independent parts at once (default 1)")
        parser.add_argument("--weight", action="append", default=[], metavar="NAME=N",
                            help="change a weight, e.g. --weight unmet_need_cost=60")
        parser.add_argument("--rebalance", action="append", default=[], metavar="CODE",
                            help="a district or subdistrict where people in care may be "
                                 "moved (default: everyone keeps their current carer)")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = "" if options["all"] else options["province"]
        if scope and not Province.objects.filter(code=scope).exists():
            raise CommandError(f"Unknown province code {scope!r}.")
        weights = {}
        for item in options["weight"]:
            name, _sep, value = item.partition("=")
            weights[name.strip()] = value.strip()
        try:
            run = run_start(actor=None, scope_code=scope, params=weights,
                            options={"rebalance": options["rebalance"]})
        except ValidationError as err:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in err.message_dict.items())) from err
        run = run_execute(run, workers=options["workers"], progress=lambda phase, pct:
                          self.stdout.write(f"  {pct:3d}% {phase}"))
        if run.status != RunStatus.DONE:
            raise CommandError(f"Run {run.pk} failed: {run.error.get('message_en')}")
        f = run.figures
        self.stdout.write(self.style.SUCCESS(
            f"Run {run.pk}: {f['cases']:,} cases, {f['placed']:,} placed, "
            f"{f['unplaced']:,} unplaced, {f['holes']:,} subdistricts with holes, "
            f"total cost {f['total_cost']:,} ({f.get('seconds', 0):.1f} s)."))
        self.stdout.write(f"  kept with their current carer: {f.get('kept', 0):,}")
        for reason, count in sorted(f["reasons"].items()):
            self.stdout.write(f"  unplaced, {reason}: {count:,}")
        for w in f.get("warnings", []):
            what, fix = warning_text(w)
            self.stdout.write(f"  left out: {what} {fix}")
        self.stdout.write("Review and accept it on /matching/ or through the API.")
