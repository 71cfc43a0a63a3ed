"""Evaluating every person for every scheme, and keeping the stored answers
in step (decision 0023).

Only answers that matter are stored: eligible, cannot tell, or receiving. A
person who is plainly not eligible for a scheme and does not receive it has
no row (that is most persons for most schemes): the table stays a few rows a
person, and "no row" reads as "not eligible".

``evaluate_persons(ids)`` rewrites the rows of these persons and of the
members of their households (a child's birth date changes what the rest of
the household may claim); ``evaluate_all()`` rewrites the whole table in
batches. Both read the persons with a few queries per batch, evaluate in
Python with the rules compiled once per run (``rules.compile_rule``: the same
answers as the pure engine, several times faster) and write with bulk
inserts (COPY on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lnob.core.bulk import TableWriter, bulk_load
from lnob.registry.models import Person, Status
from lnob.welfare import rules
from lnob.welfare.models import (
    INCOME_RANGES,
    Benefit,
    Eligibility,
    Result,
    Scheme,
    SchemeVersion,
    WelfareFacts,
)

BATCH = 5_000
# Persons whose records are closed to processing are not evaluated: merged
# duplicates, rejected reports, anonymised and restricted records (PDPA).
LEFT_OUT = (Status.DUPLICATE, Status.REJECTED)


def versions_in_force(on: datetime.date) -> list[tuple[Scheme, SchemeVersion]]:
    """Each active scheme with the version in force on ``on`` (schemes not yet
    in force are left out)."""
    chosen: dict[int, SchemeVersion] = {}
    for version in SchemeVersion.objects.filter(
            scheme__active=True, effective_from__lte=on).select_related("scheme").order_by(
            "scheme_id", "-effective_from"):
        chosen.setdefault(version.scheme_id, version)
    return [(v.scheme, v) for v in sorted(chosen.values(), key=lambda v: v.scheme.code)]


def _held_on(benefit_since: datetime.date | None, until: datetime.date | None,
             on: datetime.date) -> bool:
    return (benefit_since is None or benefit_since <= on) and (until is None or until >= on)


@dataclass
class _Row:
    id: int
    birth_date: datetime.date | None
    birth_year_only: bool
    subdistrict_id: str
    province_code: str
    district_code: str
    household_id: int | None


_FIELDS = ("id", "birth_date", "birth_year_only", "subdistrict_id", "province_code",
           "district_code", "household_id")


def _facts(rows: Sequence[_Row], on: datetime.date) -> dict[int, rules.Facts]:
    ids = [r.id for r in rows]
    # A batch of the full run is a run of ids: a range reads the same rows as a
    # list of thousands of ids, without building and sending the list.
    dense = len(ids) > 100 and ids == sorted(ids) and ids[-1] - ids[0] < 2 * len(ids)
    by_person = Q(person_id__gte=ids[0], person_id__lte=ids[-1]) if dense else Q(
        person_id__in=ids)
    facts = {pk: (disability, income) for pk, disability, income in
             WelfareFacts.objects.filter(by_person).values_list(
                 "person_id", "disability_registered", "income_band")}
    holds: dict[int, set[str]] = defaultdict(set)
    for person_id, code, since, until in Benefit.objects.filter(
            by_person).filter(Q(until__isnull=True) | Q(until__gte=on)).values_list(
            "person_id", "scheme__code", "since", "until"):
        if _held_on(since, until, on):
            holds[person_id].add(code)
    households = {r.household_id for r in rows if r.household_id}
    members: dict[int, list[tuple[int, datetime.date | None]]] = defaultdict(list)
    if households:
        for pid, hh, birth in Person.objects.filter(
                household_id__in=households, erased_at__isnull=True).exclude(
                status__in=LEFT_OUT).values_list("id", "household_id", "birth_date"):
            members[hh].append((pid, birth))
    out: dict[int, rules.Facts] = {}
    for r in rows:
        disability_text, band = facts.get(r.id, ("", ""))
        disability = (disability_text == "yes") if disability_text else None
        income = INCOME_RANGES.get(band)
        household = None if r.household_id is None else tuple(
            b for pid, b in members[r.household_id] if pid != r.id)
        out[r.id] = rules.Facts(
            birth_date=r.birth_date, birth_year_only=r.birth_year_only,
            disability_registered=disability, income=income, area_code=r.subdistrict_id,
            household_birth_dates=household, holds=frozenset(holds[r.id]))
    return out


# The columns written, in the order of the tuples _evaluate_rows makes.
COLUMNS = ("person", "scheme", "version", "result", "missing", "amount_baht", "receiving",
           "province_code", "district_code", "subdistrict_code", "evaluated_on")


@dataclass(frozen=True)
class _Compiled:
    """A scheme's version in force with its rule and amounts compiled once
    (``rules.compile_rule``) for the whole run."""

    scheme_id: int
    code: str
    version_id: int
    check: rules.Evaluator
    amount: Any


def _compiled(schemes: list[tuple[Scheme, SchemeVersion]]) -> list[_Compiled]:
    return [_Compiled(scheme.pk, scheme.code, version.pk, rules.compile_rule(version.rule),
                      rules.compile_amounts(version.amounts, version.amount_baht))
            for scheme, version in schemes]


def _evaluate_rows(rows: Sequence[_Row], schemes: list[_Compiled],
                   on: datetime.date) -> list[tuple[Any, ...]]:
    """The rows to store, as plain tuples (COLUMNS): writing model instances
    through bulk_create costs ten times the evaluation itself."""
    facts = _facts(rows, on)
    out: list[tuple[Any, ...]] = []
    append = out.append
    not_eligible, eligible = rules.NOT_ELIGIBLE, rules.ELIGIBLE
    for r in rows:
        f = facts[r.id]
        holds = f.holds
        for s in schemes:
            outcome = s.check(f, on)
            result = outcome.result
            receiving = s.code in holds
            if result == not_eligible and not receiving:
                continue
            append((r.id, s.scheme_id, s.version_id, result, ",".join(outcome.missing),
                    s.amount(f, on) if result == eligible else None, receiving,
                    r.province_code, r.district_code, r.subdistrict_id, on))
    return out


def _write(rows: list[tuple[Any, ...]]) -> int:
    return TableWriter(Eligibility, COLUMNS).write(rows)


def _persons() -> Any:
    return Person.objects.filter(erased_at__isnull=True, restricted=False).exclude(
        status__in=LEFT_OUT)


def with_households(ids: Iterable[int]) -> set[int]:
    """These persons and everyone sharing a household with them."""
    ids = set(ids)
    ordered = sorted(ids)
    households: set[int] = set()
    for start in range(0, len(ordered), BATCH):
        households.update(Person.objects.filter(
            pk__in=ordered[start:start + BATCH], household__isnull=False).values_list(
            "household_id", flat=True))
    found = sorted(households)
    for start in range(0, len(found), BATCH):
        ids.update(Person.objects.filter(household_id__in=found[start:start + BATCH])
                   .values_list("pk", flat=True))
    return ids


@transaction.atomic
def evaluate_persons(ids: Iterable[int], on: datetime.date | None = None) -> int:
    """Rewrites the stored answers of these persons and their households;
    returns how many rows were written."""
    on = on or timezone.localdate()
    wanted = with_households(ids)
    if not wanted:
        return 0
    schemes = _compiled(versions_in_force(on))
    written = 0
    ordered = sorted(wanted)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start:start + BATCH]
        Eligibility.objects.filter(person_id__in=chunk).delete()
        rows = [_Row(*v) for v in _persons().filter(pk__in=chunk).values_list(*_FIELDS)]
        written += _write(_evaluate_rows(rows, schemes, on))
    return written


@dataclass
class FullReport:
    persons: int
    rows: int
    seconds: float


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The full run makes millions of short-lived tuples and no cycles: the
    cycle collector would walk every live object again and again for nothing
    (measured: a fifth of the run). Back as it was at the end."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def evaluate_all(on: datetime.date | None = None, province_code: str = "") -> FullReport:
    """Rewrites the whole table (or one province's rows), in batches of persons
    read in id order, in one transaction (readers see the old table until the
    end)."""
    on = on or timezone.localdate()
    started = time.perf_counter()
    schemes = _compiled(versions_in_force(on))
    persons = _persons()
    old = Eligibility.objects.all()
    if province_code:
        persons = persons.filter(province_code=province_code)
        old = old.filter(province_code=province_code)
    count = rows_written = 0
    with transaction.atomic(), bulk_load(), _no_cycle_collection():
        old.delete()
        last = 0
        while True:
            batch = [_Row(*v) for v in persons.filter(pk__gt=last).order_by("pk").values_list(
                *_FIELDS)[:BATCH]]
            if not batch:
                break
            last = batch[-1].id
            count += len(batch)
            rows_written += _write(_evaluate_rows(batch, schemes, on))
    return FullReport(count, rows_written, time.perf_counter() - started)


def result_label(result: str) -> Any:
    return dict(Result.choices).get(result, result)
