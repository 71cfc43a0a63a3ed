"""Batch searches for duplicates in a province or the whole country.

A run brings the stored features up to date, scores every pair the blocking rules
propose with Splink (``engine.find_duplicates_in_table``), and fills the review
queue: each pair above the review threshold, explained, with the engine's
suggestion ("merge" for pairs it would cluster, never through a thin record).
Pairs a person marked "not the same person", and pairs already merged, are never
proposed again. Nothing is merged by the run itself: a person decides (a page lets
an officer merge all the sure pairs at once). The queue is written in one
transaction at the end, so a failed run leaves none of its pairs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pyarrow.compute as pc
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit, jobs, quotas
from lnob.core.access import area_codes, covers
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.dedup.engine import find_duplicates_in_table
from lnob.dedup.engine.features import features_from_row
from lnob.dedup.engine.model import Model, TermFrequencies
from lnob.dedup.merge import MERGERS
from lnob.dedup.models import CandidatePair, DedupRun, PairStatus, RunStatus
from lnob.dedup.store import features_of_scope, index_scope, stale_ids
from lnob.dedup.trained import current_model

Progress = Callable[[int, str], None]


def runs_visible_to(user: Any) -> QuerySet[DedupRun]:
    codes = area_codes(user, MERGERS)
    if "" in codes:
        return DedupRun.objects.all()
    return DedupRun.objects.filter(scope_code__in={c[:2] for c in codes if len(c) >= 2})


@transaction.atomic(durable=True)
def run_start(*, actor: User | None, scope_code: str, request: Any = None) -> DedupRun:
    if scope_code and (len(scope_code) != 2 or not scope_code.isdigit()):
        raise ValidationError({"scope_code": _("Give a 2-digit province code, or none for "
                                               "the whole country.")})
    if actor is not None and not covers(actor, scope_code, MERGERS):
        raise NotAllowed("not_merger", _("You may search only your own province."),
                         field="scope_code")
    quotas.check_run_start(actor=actor, model=DedupRun, scope_code=scope_code)
    run = DedupRun.objects.create(scope_code=scope_code, started_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=run,
                 area_code=scope_code)
    return run


def _progress_saver(run: DedupRun) -> Progress:
    def save(percent: int, phase: str) -> None:
        DedupRun.objects.filter(pk=run.pk).update(progress=percent, phase=phase)
    return save


def run_execute(run: DedupRun, *, model: Model | None = None,
                progress: Progress | None = None) -> DedupRun:
    """Runs a queued run to the end (in the worker, or in the terminal)."""
    model = model or current_model()
    save = _progress_saver(run)

    def report(percent: int, phase: str) -> None:
        save(percent, phase)
        if progress is not None:
            progress(percent, phase)

    DedupRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING,
                                              runner=jobs.current_runner())
    timings: dict[str, float] = {}
    try:
        start = time.perf_counter()
        report(5, "features")
        stale = len(stale_ids(run.scope_code))
        index_scope(run.scope_code)
        timings["features_s"] = time.perf_counter() - start
        report(30, "reading")
        start = time.perf_counter()
        table = features_of_scope(run.scope_code)
        timings["read_s"] = time.perf_counter() - start
        report(45, "scoring")
        start = time.perf_counter()
        result = find_duplicates_in_table(table, model)
        timings["score_s"] = time.perf_counter() - start
        report(80, "queue")
        start = time.perf_counter()
        figures = _fill_queue(run, table, result, model)
        timings["queue_s"] = time.perf_counter() - start
    except Exception as err:  # the run is marked failed; its queue was never written
        DedupRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=str(err)[:500])
        raise
    figures.update(records=table.num_rows, reindexed=stale,
                   **{k: round(v, 2) for k, v in timings.items()})
    DedupRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, progress=100,
                                              phase="", figures=figures,
                                              finished_at=timezone.now())
    report(100, "done")
    run.refresh_from_db()
    return run


@transaction.atomic
def _fill_queue(run: DedupRun, table: Any, result: Any, model: Model) -> dict[str, float]:
    pairs = result.pairs
    left = pairs.column("rid_l").to_numpy()
    right = pairs.column("rid_r").to_numpy()
    ids = [int(v) for v in table.column("record_id").to_pylist()]
    provinces = [(v or "")[:2] for v in table.column("sd").to_pylist()]
    counts = pc.value_counts(table.column("first_fold").drop_null())
    tf = TermFrequencies({"first_fold": dict(zip(counts.field("values").to_pylist(),
                                                 counts.field("counts").to_pylist(),
                                                 strict=True))},
                         {"first_fold": int(pc.sum(counts.field("counts")).as_py() or 0)})
    # The pairs already in the queue for this scope: their decision, and their row.
    queued = CandidatePair.objects.all() if not run.scope_code else (
        CandidatePair.objects.filter(Q(left_province=run.scope_code)
                                     | Q(right_province=run.scope_code)))
    known = {(lid, rid): (pk, status) for pk, lid, rid, status in queued.values_list(
        "pk", "left_id", "right_id", "status")}
    needed = sorted(set(left.tolist()) | set(right.tolist()))
    rows = table.take(needed).to_pylist() if needed else []
    features = {rid: features_from_row(row) for rid, row in zip(needed, rows, strict=True)}
    new, updated, skipped, sure, thin = [], [], 0, 0, 0
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = ids[i], ids[j]
        lo, hi = (i, j) if a < b else (j, i)
        key = (min(a, b), max(a, b))
        existing = known.get(key)
        if existing is not None and existing[1] in (PairStatus.DISTINCT, PairStatus.MERGED):
            skipped += 1
            continue
        match = model.score(features[lo], features[hi], tf)
        suggestion = "merge" if (result.cluster_of[i] == result.cluster_of[j]
                                 and match.decision == "merge") else "review"
        sure += suggestion == "merge"
        thin += bool(match.thin)
        values = {"probability": match.probability, "match_weight": match.match_weight,
                  "suggestion": suggestion, "thin": bool(match.thin),
                  "evidence": match.as_dict(), "run": run}
        if existing is not None:
            updated.append(CandidatePair(pk=existing[0], **values))
        else:
            new.append(CandidatePair(left_id=key[0], right_id=key[1],
                                     left_province=provinces[lo],
                                     right_province=provinces[hi], **values))
    CandidatePair.objects.bulk_create(new, batch_size=1000)
    CandidatePair.objects.bulk_update(updated, ["probability", "match_weight", "suggestion",
                                                "thin", "evidence", "run"], batch_size=1000)
    return {"pairs": len(new) + len(updated), "new": len(new), "again": len(updated),
            "not_proposed_again": skipped, "sure": sure, "thin": thin,
            "clusters": len(result.clusters())}
