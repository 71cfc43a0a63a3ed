"""Evaluating every person for every scheme, and keeping the stored answers
in step (decision 0023).

Only answers that matter are stored: eligible, cannot tell, or receiving. A
person who is plainly not eligible for a scheme and does not receive it has
no row (that is most persons for most schemes): the table stays a few rows a
person, and "no row" reads as "not eligible".

``evaluate_persons(ids)`` rewrites the rows of these persons and of the
members of their households (a child's birth date changes what the rest of
the household may claim) in five queries for a few persons (the versions in
force; the persons with their households and facts; their benefits; delete;
insert). ``evaluate_all()`` brings the whole table in step in batches of
persons read in id order: it compares each batch's answers with the rows
stored and writes only what changed (answers changed, new, or no longer
given); an unchanged row keeps the day it was written, so a re-run mostly
reads (decision 0034).
Both evaluate in Python with the rules compiled once (``rules.compile_rule``:
the same answers as the pure engine, several times faster) and write with
bulk inserts (COPY on PostgreSQL).
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

from django.db import connection, transaction
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
    return {r.id: _person_facts(r, *facts.get(r.id, ("", "")), members, holds[r.id])
            for r in rows}


def _person_facts(r: _Row, disability_text: str | None, band: str | None,
                  members: dict[int, list[tuple[int, datetime.date | None]]],
                  holds: set[str]) -> rules.Facts:
    """One person's facts for the rules: their own, their benefits held and the
    birth dates of the other members of their household."""
    household = None if r.household_id is None else tuple(
        b for pid, b in members[r.household_id] if pid != r.id)
    return rules.Facts(
        birth_date=r.birth_date, birth_year_only=r.birth_year_only,
        disability_registered=(disability_text == "yes") if disability_text else None,
        income=INCOME_RANGES.get(band or ""), area_code=r.subdistrict_id,
        household_birth_dates=household, holds=frozenset(holds))


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


def _evaluate_rows(rows: Sequence[_Row], schemes: list[_Compiled], on: datetime.date,
                   facts: dict[int, rules.Facts] | None = None) -> list[tuple[Any, ...]]:
    """The rows to store, as plain tuples (COLUMNS): writing model instances
    through bulk_create costs ten times the evaluation itself."""
    if facts is None:
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


# Compiled rules by the versions in force: a version is never edited (a change
# is a new version), so its compiled rule can be kept for the process's life.
_COMPILED: dict[tuple[int, ...], list[_Compiled]] = {}


def _compiled_in_force(on: datetime.date) -> list[_Compiled]:
    """The versions in force on ``on`` (one query: a new version or a scheme
    switched off shows at once, in every process), compiled once per set."""
    schemes = versions_in_force(on)
    key = tuple(version.pk for _, version in schemes)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 32:
            _COMPILED.clear()
        found = _COMPILED[key] = _compiled(schemes)
    return found


def _delete_rows(ids: Sequence[int]) -> None:
    """Deletes these stored rows (by their own ids)."""
    if not ids:
        return
    table = connection.ops.quote_name(Eligibility._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [list(ids)])  # noqa: S608
            return
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608


@transaction.atomic(savepoint=False)
def evaluate_persons(ids: Iterable[int], on: datetime.date | None = None) -> int:
    """Rewrites the stored answers of these persons and their households;
    returns how many rows were written. In the caller's transaction (no
    savepoint: an error aborts the caller's whole write)."""
    on = on or timezone.localdate()
    ordered = sorted(set(ids))
    if not ordered:
        return 0
    schemes = _compiled_in_force(on)
    written = 0
    done: set[int] = set()
    for start in range(0, len(ordered), BATCH):
        written += _evaluate_chunk(ordered[start:start + BATCH], schemes, on, done)
    return written


_READ = (*_FIELDS, "erased_at", "restricted", "status", "welfare_facts__disability_registered",
         "welfare_facts__income_band")


def _evaluate_chunk(chunk: list[int], schemes: list[_Compiled], on: datetime.date,
                    done: set[int]) -> int:
    """One query reads these persons, every member of their households and their
    facts; one their benefits; then their rows are deleted and written again.
    ``done``: persons already rewritten by an earlier chunk (a shared household)."""
    in_households = Person.objects.filter(pk__in=chunk, household__isnull=False).values(
        "household_id")
    # A union, not an OR: PostgreSQL reads "id IN … OR household_id IN (subquery)"
    # by scanning every person (measured: 110 ms at 1 M), each half by its index.
    read = list(Person.objects.filter(pk__in=chunk).order_by().values_list(*_READ).union(
        Person.objects.filter(household_id__in=in_households).order_by().values_list(*_READ)))
    members: dict[int, list[tuple[int, datetime.date | None]]] = defaultdict(list)
    rows: list[_Row] = []
    facts_of: dict[int, tuple[str | None, str | None]] = {}
    rewrite: list[int] = []
    for *fields, erased_at, restricted, status, disability, band in read:
        row = _Row(*fields)
        open_ = erased_at is None and status not in LEFT_OUT
        if open_ and row.household_id is not None:
            members[row.household_id].append((row.id, row.birth_date))
        if row.id in done:
            continue
        done.add(row.id)
        rewrite.append(row.id)
        if open_ and not restricted:
            rows.append(row)
            facts_of[row.id] = (disability, band)
    if not rewrite:
        return 0
    holds: dict[int, set[str]] = defaultdict(set)
    if rows:
        for person_id, code, since, until in Benefit.objects.filter(
                person_id__in=[r.id for r in rows]).filter(
                Q(until__isnull=True) | Q(until__gte=on)).values_list(
                "person_id", "scheme__code", "since", "until"):
            if _held_on(since, until, on):
                holds[person_id].add(code)
    facts = {r.id: _person_facts(r, *facts_of[r.id], members, holds[r.id]) for r in rows}
    Eligibility.objects.filter(person_id__in=rewrite).delete()
    return _write(_evaluate_rows(rows, schemes, on, facts))


@dataclass
class FullReport:
    persons: int
    rows: int  # the answers stored for these persons after the run
    seconds: float
    inserted: int = 0  # rows written (new or changed answers)
    deleted: int = 0  # rows removed (answers no longer given)


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


# The stored row as read back: its id and COLUMNS but the date (an unchanged
# answer keeps the day it was written: decision 0034).
def _column(name: str) -> str:
    return str(Eligibility._meta.get_field(name).column)  # type: ignore[union-attr]


_STORED = ", ".join(("id", *(_column(c) for c in COLUMNS[:-1])))
_ANSWER = len(COLUMNS) - 1  # the columns of an answer: all but the date


class _Stored:
    """The rows stored for a batch of persons: all rows of persons ``lo <
    person_id <= hi`` on a whole run; on a province's run, the rows of the
    province in that range and those of the batch's persons (moved in), by
    (person, scheme). Changes them: SQLite updates a changed row in place,
    PostgreSQL deletes it and copies it in again (an update writes a new row
    version there anyway, and COPY is its fast path)."""

    def __init__(self, province_code: str, on: datetime.date) -> None:
        quote = connection.ops.quote_name
        table = quote(Eligibility._meta.db_table)
        self.postgresql = connection.vendor == "postgresql"
        self.on = on if self.postgresql else on.isoformat()
        # Identifiers from the model's metadata; values are parameters.
        self.select = f"SELECT {_STORED} FROM {table} WHERE "  # noqa: S608
        # Run on the driver's cursor (SQLite only): its placeholders.
        self.update_sql = "UPDATE {} SET {} WHERE id = ?".format(  # noqa: S608
            table, ", ".join(f"{quote(_column(c))} = ?" for c in COLUMNS[2:]))
        self.province_code = province_code

    def read(self, lo: int, hi: int | None,
             persons: list[int]) -> dict[tuple[int, int], tuple[Any, ...]]:
        where, params = "person_id > %s", [lo]
        if hi is not None:
            where, params = where + " AND person_id <= %s", [lo, hi]
        found: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            if not self.province_code:
                cursor.execute(self.select + where, params)
                return {(r[1], r[2]): r for r in cursor.fetchall()}
            cursor.execute(self.select + where + " AND province_code = %s",
                           [*params, self.province_code])
            found.extend(cursor.fetchall())
            for start in range(0, len(persons), 900):
                chunk = persons[start:start + 900]
                cursor.execute(self.select + "person_id IN ({})".format(
                    ", ".join(["%s"] * len(chunk))), chunk)
                found.extend(cursor.fetchall())
        return {(r[1], r[2]): r for r in found}

    def replace(self, changed: list[tuple[int, tuple[Any, ...]]]) -> int:
        """Rows whose answer changed: (stored id, the new answer)."""
        if not changed:
            return 0
        if self.postgresql:
            _delete_rows([pk for pk, _ in changed])
            return _write([answer for _, answer in changed])
        with connection.cursor() as cursor:
            # On the driver's cursor: the rows are plain values already (the
            # date as text), and Django's wrapper would not add anything.
            cursor.cursor.executemany(self.update_sql, [
                (*answer[2:_ANSWER], self.on, pk) for pk, answer in changed])
        return len(changed)


def _changed(stored: dict[tuple[int, int], tuple[Any, ...]],
             answers: list[tuple[Any, ...]]) -> bool:
    """Whether most of these answers differ from the rows stored."""
    same = sum(1 for a in answers if (was := stored.get((a[0], a[1]))) is not None
               and was[1:] == a[:_ANSWER])
    return same < len(answers) // 2


def _step(stored: dict[tuple[int, int], tuple[Any, ...]], answers: list[tuple[Any, ...]],
          report: FullReport, writer: _Stored) -> None:
    """Brings the stored rows of a batch in step with its answers: a row whose
    answer changed is rewritten (with the run's date), a new answer inserted,
    an answer no longer given deleted; an unchanged row is left as it is, with
    the day it was written."""
    insert: list[tuple[Any, ...]] = []
    changed: list[tuple[int, tuple[Any, ...]]] = []
    for answer in answers:
        was = stored.pop((answer[0], answer[1]), None)
        if was is None:
            insert.append(answer)
        elif was[1:] != answer[:_ANSWER]:
            changed.append((was[0], answer))
    delete = [was[0] for was in stored.values()]
    _delete_rows(delete)
    report.inserted += writer.replace(changed) + _write(insert)
    report.deleted += len(delete)
    report.rows += len(answers)


# The indexes a load into most of the table is faster without (decision 0034).
AREA_INDEXES = ("elig_province", "elig_district", "elig_subdistrict")


class _AreaIndexes:
    """SQLite: when a whole run writes most of the table (an empty table, a new
    version of every scheme), the three area indexes are dropped in the run's
    transaction and built again at its end — one sort each instead of millions
    of inserts at random places. Readers see the old table, indexes and all,
    until the commit; an error rolls the drop back with the rest. PostgreSQL
    keeps them: dropping one locks readers out until the commit."""

    def __init__(self, whole: bool) -> None:
        self.usable = whole and connection.vendor == "sqlite"
        self.dropped: list[str] = []

    def drop(self) -> None:
        if not self.usable or self.dropped:
            return
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(AREA_INDEXES))
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "  # noqa: S608
                           f"AND name IN ({marks})", list(AREA_INDEXES))
            found = cursor.fetchall()
            for name, sql in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                self.dropped.append(sql)

    def build(self) -> None:
        with connection.cursor() as cursor:
            for sql in self.dropped:
                cursor.execute(sql)
        self.dropped = []


def evaluate_all(on: datetime.date | None = None, province_code: str = "") -> FullReport:
    """Brings the whole table (or one province's rows) in step, in batches of
    persons read in id order, writing only the rows whose answer changed; in
    one transaction (readers see the old answers until the end, then the new)."""
    on = on or timezone.localdate()
    started = time.perf_counter()
    schemes = _compiled(versions_in_force(on))
    persons = _persons()
    if province_code:
        persons = persons.filter(province_code=province_code)
    report = FullReport(0, 0, 0.0)
    stored = _Stored(province_code, on)
    indexes = _AreaIndexes(whole=not province_code)
    with transaction.atomic(), bulk_load(), _no_cycle_collection():
        last = 0
        while True:
            batch = [_Row(*v) for v in persons.filter(pk__gt=last).order_by("pk").values_list(
                *_FIELDS)[:BATCH]]
            if not batch:
                break
            old = stored.read(last, batch[-1].id, [r.id for r in batch])
            last = batch[-1].id
            report.persons += len(batch)
            answers = _evaluate_rows(batch, schemes, on)
            # Most of the first batch's answers new or changed: so will be the
            # rest's (an empty table, a new version of every scheme).
            if report.persons == len(batch) and len(answers) > 1000 and _changed(old, answers):
                indexes.drop()
            _step(old, answers, report, stored)
        # Rows of persons after the last one evaluated (erased, merged, moved).
        _step(stored.read(last, None, []), [], report, stored)
        indexes.build()
    report.seconds = time.perf_counter() - started
    return report


def result_label(result: str) -> Any:
    return dict(Result.choices).get(result, result)
