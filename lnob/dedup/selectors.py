"""Reads for the duplicate pages, always from what the user may merge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from lnob.core.access import AREA_LEVEL_FIELDS, area_q
from lnob.dedup.merge import MERGERS
from lnob.dedup.models import CandidatePair, Merge, PairStatus
from lnob.registry.models import Person, Source


def mergeable_persons(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(area_q(user, AREA_LEVEL_FIELDS, MERGERS))


def pairs_for(user: Any) -> QuerySet[CandidatePair]:
    """Pairs whose two records both lie in the user's merge areas (a pair across
    provinces is for a national role)."""
    persons = mergeable_persons(user).values("pk")
    away = Merge.objects.filter(undone_at=None).values("merged_id")
    return (CandidatePair.objects.filter(left__in=persons, right__in=persons)
            .exclude(left__in=away).exclude(right__in=away)
            .select_related("left", "right", "left__subdistrict", "right__subdistrict"))


def pair_for(user: Any, pk: int) -> CandidatePair | None:
    persons = mergeable_persons(user).values("pk")
    return CandidatePair.objects.filter(pk=pk, left__in=persons, right__in=persons
                                        ).select_related("left", "right").first()


def merges_for(user: Any) -> QuerySet[Merge]:
    persons = mergeable_persons(user).values("pk")
    return Merge.objects.filter(kept__in=persons, merged__in=persons).select_related(
        "kept", "merged", "actor", "undone_by")


def queue_counts(user: Any) -> dict[str, int]:
    counts = dict(pairs_for(user).values_list("status").annotate(n=Count("pk")))
    sure = pairs_for(user).filter(status=PairStatus.PENDING, suggestion="merge",
                                  thin=False).count()
    return {**{s: counts.get(s, 0) for s in PairStatus.values}, "sure": sure}


@dataclass
class RateRow:
    key: str
    label: str
    records: int
    merged_away: int
    waiting: int

    @property
    def rate(self) -> float | None:
        """Share of the records that repeat someone: merged away, or in a pair
        waiting for a decision (counted once per record)."""
        return (self.merged_away + self.waiting) / self.records if self.records else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(100 * self.rate, 1)


def duplicate_rates(persons: QuerySet[Person], by: str) -> list[RateRow]:
    """Duplicate rates of the records in ``persons`` by ``by`` ("province_code",
    "source" or "source_network"), highest first. A record counts as a repeat when
    it was merged into another, or when it is the newer record of a pair waiting."""
    from lnob.geo.models import Province
    from lnob.networks.models import Network

    field = {"source_network": "source_network_id"}.get(by, by)
    records = dict(persons.values_list(field).annotate(n=Count("pk")))
    away_ids = Merge.objects.filter(undone_at=None).values("merged_id")
    merged = dict(persons.filter(pk__in=away_ids).values_list(field).annotate(n=Count("pk")))
    waiting_ids = CandidatePair.objects.filter(
        status__in=(PairStatus.PENDING, PairStatus.LATER)).values("right_id")
    waiting = dict(persons.filter(pk__in=waiting_ids).exclude(pk__in=away_ids)
                   .values_list(field).annotate(n=Count("pk")))
    if by == "province_code":
        names = {p.code: p.name for p in Province.objects.filter(code__in=list(records))}
    elif by == "source":
        names = {k: str(v) for k, v in Source.choices}
    else:
        names = {str(pk): name for pk, name in Network.objects.filter(
            pk__in=[k for k in records if k]).values_list("pk", "name")}
    rows = [RateRow(str(k or ""), str(names.get(str(k), k or "—")), n, merged.get(k, 0),
                    waiting.get(k, 0)) for k, n in records.items()]
    rows.sort(key=lambda r: (-(r.rate or 0), -r.records, r.label))
    return rows


def per_province_totals(rows: list[RateRow]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals["records"] += r.records
        totals["merged_away"] += r.merged_away
        totals["waiting"] += r.waiting
    return dict(totals)



def waiting_pairs(user: Any) -> int | None:
    """Pairs waiting for the user's decision; None for those who do not merge."""
    from lnob.core.access import grants_of

    if not grants_of(user, MERGERS):
        return None
    return pairs_for(user).filter(status=PairStatus.PENDING).count()


def person_context(user: Any, person: Person) -> dict[str, Any]:
    """What a person's page says about duplicates: the record this one was merged
    into, the records merged into it, and the pairs waiting (for those who merge)."""
    from lnob.core.access import covers

    # Asked on every person's page (issue 21): one read of the merges either
    # way, and the ids of this person's pairs first (rarely any); only those
    # few go through pairs_for()'s rules, instead of its subqueries over the
    # province's persons.
    merges = list(Merge.objects.filter(Q(merged=person) | Q(kept=person), undone_at=None)
                  .select_related("kept", "merged"))
    pairs: list[CandidatePair] = []
    if covers(user, person.area_code, MERGERS):
        mine = list(CandidatePair.objects.filter(
            Q(left=person) | Q(right=person),
            status__in=(PairStatus.PENDING, PairStatus.LATER)).values_list("pk", flat=True))
        if mine:
            pairs = list(pairs_for(user).filter(pk__in=mine))
    return {"merged_into": next((m for m in merges if m.merged_id == person.pk), None),
            "merged_records": [m for m in merges if m.kept_id == person.pk],
            "duplicate_pairs": pairs}
