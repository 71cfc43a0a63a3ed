"""`lnob dedup --province CODE` / `--all`: a search for duplicates from the terminal,
with progress; the pairs go to the review queue like a page's search.
`--index` only brings the stored features up to date; `--retrain` trains a new model
on the stored features, with the review decisions as truth when there are enough."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lnob.dedup.engine import retrain
from lnob.dedup.engine.features import features_from_row
from lnob.dedup.models import CandidatePair, Merge, PairStatus, RunStatus
from lnob.dedup.runs import run_execute, run_start
from lnob.dedup.store import features_of_scope, index_scope
from lnob.dedup.trained import current_model, model_path
from lnob.geo.models import Province

# Fewer decided records than this and the thresholds are kept from the model before.
MIN_DECIDED = 200


def decisions() -> dict[str, int]:
    """Record id → person, from the review: merged records are one person, each
    record of a pair marked "not the same person" its own."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for kept, merged in Merge.objects.filter(undone_at=None).values_list("kept_id",
                                                                           "merged_id"):
        parent[find(merged)] = find(kept)
    for left, right in CandidatePair.objects.filter(status=PairStatus.DISTINCT).values_list(
            "left_id", "right_id"):
        find(left), find(right)
    return {str(record): find(record) for record in list(parent)}


class Command(BaseCommand):
    help = "Search a province or the country for records of one person (review queue)."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--province", metavar="CODE", help="2-digit DOPA province code")
        where.add_argument("--all", action="store_true", help="the whole country")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--index", action="store_true",
                          help="only bring the stored features and keys up to date")
        what.add_argument("--retrain", action="store_true",
                          help="train a new model on the stored features and save it")

    def handle(self, *args: Any, **options: Any) -> None:
        scope = "" if options["all"] else options["province"]
        if scope and not Province.objects.filter(code=scope).exists():
            raise CommandError(f"Unknown province code {scope!r}.")
        if options["index"]:
            self.stdout.write(f"{index_scope(scope):,} persons indexed.")
            return
        if options["retrain"]:
            self._retrain(scope)
            return
        try:
            run = run_start(actor=None, scope_code=scope)
        except ValidationError as err:
            raise CommandError("; ".join(m for ms in err.message_dict.values()
                                         for m in ms)) from err
        run = run_execute(run, progress=lambda pct, phase: self.stdout.write(
            f"  {pct:3d}% {phase}"))
        if run.status != RunStatus.DONE:
            raise CommandError(f"Search {run.pk} failed: {run.error}")
        f = run.figures
        self.stdout.write(self.style.SUCCESS(
            f"Search {run.pk}: {f['records']:,} records, {f['pairs']:,} pairs that may be "
            f"one person ({f['new']:,} new, {f['sure']:,} almost certain, {f['thin']:,} "
            f"with a thin record); {f['not_proposed_again']:,} decided before, not "
            "proposed again."))
        self.stdout.write("Review them on /duplicates/ or through the API.")

    def _retrain(self, scope: str) -> None:
        index_scope(scope)
        table = features_of_scope(scope)
        if table.num_rows < 1000:
            raise CommandError(f"Only {table.num_rows:,} records: at least 1,000 are needed "
                               "to train.")
        decided = decisions()
        records = [features_from_row(r) for r in table.to_pylist()]
        truth = {r.record_id: decided.get(r.record_id, -int(r.record_id)) for r in records}
        enough = len(decided) >= MIN_DECIDED
        previous = current_model()
        model = retrain(records, previous=previous, person_of=truth if enough else None)
        path = model.save(model_path())
        how = (f"thresholds from {len(decided):,} decided records" if enough else
               f"thresholds kept: fewer than {MIN_DECIDED} decided records")
        self.stdout.write(self.style.SUCCESS(
            f"Model {model.version} trained on {len(records):,} records ({how}); saved to "
            f"{path}."))
