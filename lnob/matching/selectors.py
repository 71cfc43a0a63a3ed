"""Reads of matching for other apps: aggregates only.

``unplaced_counts`` feeds the public needs board of giving (layer 5b, which
may not import matching): ``MatchingConfig.ready`` registers it with
``giving.selectors.unplaced_provider_register``."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone

from lnob.geo.models import Province
from lnob.giving.selectors import UnplacedCounts
from lnob.matching import reasons
from lnob.matching.models import MatchingRun, ProposalRow, RowKind, RunStatus


def latest_runs(area_code: str = "") -> dict[str, MatchingRun]:
    """For each province of the area, the newest finished run that covered it
    (its own, or a nationwide one if newer): the proposal in force."""
    done = MatchingRun.objects.filter(status=RunStatus.DONE).order_by("-created_at", "-id")
    provinces = [area_code[:2]] if area_code else list(
        Province.objects.order_by("code").values_list("code", flat=True))
    national = done.filter(scope_code="").first()
    out: dict[str, MatchingRun] = {}
    for run in done.filter(scope_code__in=provinces):
        out.setdefault(run.scope_code, run)
    for code in provinces:
        own = out.get(code)
        if national is not None and (own is None or (national.created_at, national.pk)
                                     > (own.created_at, own.pk)):
            out[code] = national
    return out


def unplaced_counts(area_code: str, width: int) -> UnplacedCounts:
    """People the proposal in force left without a carer, in ``area_code``
    ("" = Thailand), per child area (the first ``width`` digits of the
    subdistrict) and the board's reason group. Counts only."""
    runs = latest_runs(area_code)
    columns = [(code, str(words)) for code, words in reasons.BOARD_TEXT.items()]
    if not runs:
        return UnplacedCounts(columns, {})
    where = Q()
    for province, run in runs.items():
        where |= Q(run_id=run.pk, subdistrict_code__startswith=province)
    rows = ProposalRow.objects.filter(where, kind=RowKind.UNPLACED)
    if len(area_code) > 2:
        rows = rows.filter(subdistrict_code__startswith=area_code)
    counts: Counter[tuple[str, str]] = Counter()
    for sub, reason, n in rows.values_list("subdistrict_code", "reason").annotate(
            n=Count("id")).order_by():
        counts[(sub[:width], reasons.board_group(reason))] += n
    days = [run.finished_at or run.created_at for run in runs.values()]
    return UnplacedCounts(columns, dict(counts), timezone.localtime(max(days)).date())
