"""The figures of subdistricts, computed from the source tables with
set-based queries (``GROUP BY`` over persons, cases, forums and capacity).

One function serves the full rebuild (every subdistrict at once) and the
incremental refresh (a few subdistricts: the same queries restricted to
``subdistrict IN (…)``, which the indexes on the subdistrict columns answer).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import CharField, Count, F, Func, Max, Min, Q

from lnob.cases.models import Case, CaseEvent, Forum, Visit
from lnob.core.bulk import batches
from lnob.coverage import contributors
from lnob.coverage.histograms import median
from lnob.coverage.models import SearchRound
from lnob.geo.models import Subdistrict
from lnob.networks.models import Committee, CommitteeLevel, Fund, Network, Volunteer
from lnob.registry.models import Person, PersonNeed, Status

CHUNK = 400  # codes per IN (…) list: well under SQLite's variable limit
COUNT_FIELDS = ("found", "reported", "verified", "assigned", "in_care", "closed", "rejected",
                "duplicate", "network_capacity", "volunteer_capacity", "networks",
                "lead_networks", "volunteers", "funds", "committees", "forums",
                "search_rounds")
HISTOGRAM_FIELDS = ("by_group", "need_demand", "need_capacity", "forum_dates",
                    "days_to_verify", "days_to_visit", "found_months", "verified_months",
                    "care_months")
NESTED_FIELDS = ("waiting",)
OPEN_VERIFIED = (Status.VERIFIED, Status.ASSIGNED, Status.IN_CARE)
WAITING_STEPS = (Status.REPORTED, Status.VERIFIED, Status.ASSIGNED)
VISIT_DUE = "visit_due"

Row = dict[str, Any]
Where = Callable[[str], dict[str, Any]]


_SQL: dict[tuple[str, str, int], tuple[str, list[Any], list[int], list[str]]] = {}
# The queries of persons, cases and forums (a refresh after such a change
# runs these only), by name; each builds a ``values_list`` queryset given a
# ``where(field)`` that restricts it to the subdistricts asked for.
QUERIES: dict[str, Callable[[Where], Any]] = {}
Fetched = dict[str, list[tuple[Any, ...]]]


def _compiled(name: str, chunk: list[str] | None,
              build: Callable[[Where], Any] | None = None) -> tuple[str, list[Any], list[str]]:
    """The SQL of query ``name`` (or of ``build``, cached under that name) for
    these codes (``None``: every subdistrict), its parameters, and the names
    of the tuple's fields.

    The SQL is compiled once per shape (every subdistrict, or a chunk of n
    codes) and run again with new codes: building and compiling a queryset
    costs ~1 ms, most of a one-subdistrict refresh."""
    size = -1 if chunk is None else len(chunk)
    key = (name, connection.vendor, size)
    if key not in _SQL:
        marks = [f"\x00{name}{i}" for i in range(max(size, 0))]
        qs = (build or QUERIES[name])((lambda field: {}) if chunk is None else
                                      (lambda field: {f"{field}__in": marks}))
        sql, params = qs.query.sql_with_params()
        params = list(params)
        # The tuple's order, as Django's values_list iterator makes it: the
        # named fields, then annotations added after them.
        fields = list(qs._fields)
        fields += [name for name in qs.query.annotation_select if name not in fields]
        _SQL[key] = (sql, params, [params.index(m) for m in marks], fields)
    sql, params, positions, fields = _SQL[key]
    values = list(params)
    for position, code in zip(positions, chunk or (), strict=True):
        values[position] = code
    return sql, values, fields


def send(cursor: Any, name: str, chunk: list[str],
         build: Callable[[Where], Any] | None = None) -> None:
    """Runs query ``name`` (or ``build``) for a chunk of codes on this
    cursor; in a pipeline (see ``rollup``), the rows come later, from
    ``received``."""
    sql, values, _fields = _compiled(name, chunk, build)
    cursor.execute(sql, values)


def received(cursor: Any, name: str, chunk: list[str],
             build: Callable[[Where], Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of a cursor that ran ``send(cursor, name, chunk, build)``,
    as ``_select`` would give them."""
    return list(_ordered(cursor, _compiled(name, chunk, build)[2]))


def _ordered(cursor: Any, fields: list[str]) -> Iterator[tuple[Any, ...]]:
    names = [c[0] for c in cursor.description]
    order = [names.index(f) for f in fields]
    if order == list(range(len(order))) and len(names) == len(order):
        while batch := cursor.fetchmany(10_000):
            yield from batch
    else:
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                yield tuple(row[i] for i in order)


def _select(name: str, chunk: list[str] | None,
            got: Fetched | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows of query ``name`` as tuples, run straight through the cursor
    (the ORM's row iterator costs seconds over the million rows of a full
    rebuild), unless ``got`` already holds them. Values come as the database
    gives them (see ``_date`` and ``_iso``)."""
    if got is not None and name in got:
        yield from got[name]
        return
    sql, values, fields = _compiled(name, chunk)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        yield from _ordered(cursor, fields)


def query(name: str) -> Callable[[Callable[[Where], Any]], Callable[[Where], Any]]:
    def register(build: Callable[[Where], Any]) -> Callable[[Where], Any]:
        QUERIES[name] = build
        return build
    return register


def _date(value: Any) -> datetime.date:
    """A date from the database: SQLite gives raw text where the ORM would convert."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat()


def blank_row(code: str, district: str, province: str) -> Row:
    row: Row = {"code": code, "district_code": district, "province_code": province,
                "has_fund": False, "first_forum_on": None, "median_days_to_verify": None,
                "median_days_to_visit": None}
    row.update(dict.fromkeys(COUNT_FIELDS, 0))
    for name in HISTOGRAM_FIELDS + NESTED_FIELDS:
        row[name] = {}
    row["contributed"] = {}
    return row


def _bump(h: dict[str, int], key: Any, n: int = 1) -> None:
    key = str(key)
    h[key] = h.get(key, 0) + n


class _Local(Func):
    """A moment's day or month in Bangkok, as ISO text, computed by the
    database: no per-row conversion in Python (at a million rows, Django's
    own time-zone functions on SQLite cost half a minute). Thailand has kept
    UTC+7 without daylight saving since 1920, so SQLite adds 7 hours to the
    UTC text it stores; PostgreSQL converts with the zone's name."""

    output_field = CharField()
    sqlite_format = ""
    postgresql_format = ""

    # The formats go as parameters: a literal "%Y" in the SQL would break
    # Django's logging of the query (``sql % params``).
    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self.as_sql(compiler, connection,
                                  template="strftime(%%s, %(expressions)s, %%s)", **extra)
        return sql, (self.sqlite_format, *params, "+7 hours")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self.as_sql(compiler, connection,
                                  template="to_char(%(expressions)s AT TIME ZONE %%s, %%s)",
                                  **extra)
        return sql, (*params, settings.TIME_ZONE, self.postgresql_format)


class LocalDay(_Local):
    sqlite_format = "%Y-%m-%d"
    postgresql_format = "YYYY-MM-DD"


class LocalMonth(_Local):
    sqlite_format = "%Y-%m"
    postgresql_format = "YYYY-MM"


CAPACITY_FIELDS = ("network_capacity", "volunteer_capacity", "networks", "lead_networks",
                   "volunteers", "funds", "committees", "need_capacity", "has_fund",
                   "contributed")


def compute_subdistricts(codes: Collection[str] | None = None, *, capacity: bool = True,
                         places: dict[str, tuple[str, str]] | None = None,
                         got: Fetched | None = None) -> dict[str, Row]:
    """The figures of these subdistricts (``None``: all of them), by code.
    Unknown codes are left out; ``places`` gives known codes' (district,
    province). ``capacity=False`` leaves out networks,
    volunteers, funds and committees (``CAPACITY_FIELDS`` stay blank): for a
    change of persons or cases, which cannot change them. ``got``: the
    results of the person, case and forum queries, already fetched for these
    codes (one chunk)."""
    geo = Subdistrict.objects.order_by("code").values_list("code", "district_id", "province_id")
    if codes is not None:
        wanted = sorted({c for c in codes if len(c) == 6})
        found: list[tuple[str, str, str]] = []
        if places is not None and all(c in places for c in wanted):
            # The caller knows them (the stored rows): no geography query.
            found = [(c, *places[c]) for c in wanted]
        for chunk in ([] if found else batches(wanted, CHUNK)):
            found.extend(geo.filter(code__in=chunk))
        rows = {c: blank_row(c, d, p) for c, d, p in found}
        for chunk in batches(sorted(rows), CHUNK):
            _fill(rows, chunk, capacity, got)
    else:
        rows = {c: blank_row(c, d, p) for c, d, p in geo}
        _fill(rows, None, capacity)
    return rows


def _fill(rows: dict[str, Row], chunk: list[str] | None, capacity: bool,
          got: Fetched | None = None) -> None:
    def where(field: str) -> dict[str, Any]:
        return {} if chunk is None else {f"{field}__in": chunk}

    _persons(rows, chunk, got)
    _groups_and_needs(rows, chunk, got)
    if capacity:
        _networks(rows, chunk)
        _volunteers(rows, chunk)
        _funds_and_committees(rows, chunk, where)
        for code, figures in contributors.subdistrict_figures(chunk).items():
            if code in rows:
                rows[code]["contributed"] = figures
    _forums(rows, chunk, got)
    _cases(rows, chunk, got)
    for row in rows.values():
        forum_days = [k for k, c in row["forum_dates"].items() if c]
        row["first_forum_on"] = datetime.date.fromisoformat(min(forum_days)) if forum_days \
            else None
        for name in HISTOGRAM_FIELDS:
            row[name] = dict(sorted(row[name].items()))
        row["median_days_to_verify"] = median(row["days_to_verify"])
        row["median_days_to_visit"] = median(row["days_to_visit"])
        row["waiting"] = {k: dict(sorted(v.items())) for k, v in sorted(row["waiting"].items())
                          if v}


@query("persons")
def _persons_query(where: Where) -> Any:
    return (Person.objects.filter(**where("subdistrict_id")).order_by()
            .annotate(m=LocalMonth("created_at"))
            .values_list("subdistrict_id", "status", "m").annotate(n=Count("id")))


@query("groups")
def _groups_query(where: Where) -> Any:
    return (Person.target_groups.through.objects.filter(**where("person__subdistrict_id"))
            .exclude(person__status__in=(Status.DUPLICATE, Status.REJECTED))
            .order_by().values_list("person__subdistrict_id", "targetgroup_id")
            .annotate(n=Count("id")))


@query("needs")
def _needs_query(where: Where) -> Any:
    return (PersonNeed.objects.filter(person__status__in=OPEN_VERIFIED,
                                      **where("person__subdistrict_id"))
            .order_by().values_list("person__subdistrict_id", "need_id")
            .annotate(n=Count("id")))


def _persons(rows: dict[str, Row], chunk: list[str] | None, got: Fetched | None) -> None:
    people = _select("persons", chunk, got)
    for code, status, month, n in people:
        row = rows.get(code)
        if row is None:
            continue
        if status in row:
            row[status] += n
        if status != Status.DUPLICATE:
            row["found"] += n
            if month:
                _bump(row["found_months"], month, n)


def _groups_and_needs(rows: dict[str, Row], chunk: list[str] | None,
                      got: Fetched | None) -> None:
    for code, group, n in _select("groups", chunk, got):
        if code in rows:
            _bump(rows[code]["by_group"], group, n)
    for code, need, n in _select("needs", chunk, got):
        if code in rows:
            _bump(rows[code]["need_demand"], need, n)


def shares(total: int, codes: list[str]) -> Iterator[tuple[str, int]]:
    """``total`` shared out over ``codes`` in whole numbers that add up to it
    exactly: the first ``total % n`` codes (in code order) get one more."""
    ordered = sorted(codes)
    if not ordered:
        return
    base, extra = divmod(total, len(ordered))
    for i, code in enumerate(ordered):
        yield code, base + (1 if i < extra else 0)


def _coverage(model: type[Network] | type[Volunteer], chunk: list[str] | None,
              with_villages: bool) -> dict[int, set[str]]:
    """Active givers covering the chunk's subdistricts (or all), with every
    subdistrict each one covers (its share of capacity depends on them all)."""
    owner = f"{model._meta.model_name}_id"
    active = {f"{model._meta.model_name}__active": True}
    by_sd = model.subdistricts.through.objects.filter(**active)
    by_village = model.villages.through.objects.filter(**active)   # a village: its subdistrict
    if chunk is not None:
        ids = set(by_sd.filter(subdistrict_id__in=chunk).values_list(owner, flat=True))
        if with_villages:
            ids |= set(by_village.filter(village__subdistrict_id__in=chunk)
                       .values_list(owner, flat=True))
        id_lists: list[list[int] | None] = list(batches(sorted(ids), CHUNK))
    else:
        id_lists = [None]
    covered: dict[int, set[str]] = defaultdict(set)
    for ids_chunk in id_lists:
        scope = {} if ids_chunk is None else {f"{owner}__in": ids_chunk}
        for giver, code in by_sd.filter(**scope).values_list(owner, "subdistrict_id"):
            covered[giver].add(code)
        if with_villages:
            scope = {} if ids_chunk is None else {f"{owner}__in": ids_chunk}
            for giver, code in by_village.filter(**scope).values_list(
                    owner, "village__subdistrict_id"):
                covered[giver].add(code)
    return covered


def _needs_of(model: type[Network] | type[Volunteer], ids: list[int],
              everything: bool) -> dict[int, list[int]]:
    owner = f"{model._meta.model_name}_id"
    through = model.needs.through.objects
    needs: dict[int, list[int]] = defaultdict(list)
    parts: list[list[int] | None] = [None] if everything else list(batches(ids, CHUNK))
    for chunk in parts:
        scope: dict[str, Any] = {} if chunk is None else {f"{owner}__in": chunk}
        for giver, need in through.filter(**scope).values_list(owner, "need_id"):
            needs[giver].append(need)
    return needs


def _networks(rows: dict[str, Row], chunk: list[str] | None) -> None:
    covered = _coverage(Network, chunk, with_villages=True)
    ids = sorted(covered)
    info: dict[int, tuple[int, bool]] = {}
    parts: list[list[int] | None] = [None] if chunk is None else list(batches(ids, CHUNK))
    for part in parts:
        qs = Network.objects.filter(active=True)
        if part is not None:
            qs = qs.filter(pk__in=part)
        info.update((pk, (cap, lead)) for pk, cap, lead in
                    qs.values_list("pk", "capacity", "is_lead"))
    needs = _needs_of(Network, ids, everything=chunk is None)
    for giver, codes in covered.items():
        if giver not in info:
            continue
        capacity, lead = info[giver]
        for code, share in shares(capacity, list(codes)):
            row = rows.get(code)
            if row is None:
                continue
            row["networks"] += 1
            row["lead_networks"] += int(lead)
            row["network_capacity"] += share
            for need in needs.get(giver, ()):
                _bump(row["need_capacity"], need, share)


def _volunteers(rows: dict[str, Row], chunk: list[str] | None) -> None:
    covered = _coverage(Volunteer, chunk, with_villages=True)
    ids = sorted(covered)
    info: dict[int, tuple[int, bool]] = {}
    parts: list[list[int] | None] = [None] if chunk is None else list(batches(ids, CHUNK))
    for part in parts:
        qs = Volunteer.objects.filter(active=True)
        if part is not None:
            qs = qs.filter(pk__in=part)
        info.update((pk, (cap, network is None)) for pk, cap, network in
                    qs.values_list("pk", "capacity", "network_id"))
    needs = _needs_of(Volunteer, ids, everything=chunk is None)
    for giver, codes in covered.items():
        if giver not in info:
            continue
        capacity, on_their_own = info[giver]
        for code, share in shares(capacity, list(codes)):
            row = rows.get(code)
            if row is None:
                continue
            row["volunteers"] += 1
            if on_their_own:  # a network's capacity already counts its volunteers
                row["volunteer_capacity"] += share
                for need in needs.get(giver, ()):
                    _bump(row["need_capacity"], need, share)


def _funds_and_committees(rows: dict[str, Row], chunk: list[str] | None, where: Where) -> None:
    funds = Fund.objects.all()
    if chunk is not None:
        areas = set(chunk) | {c[:4] for c in chunk} | {c[:2] for c in chunk}
        funds = funds.filter(area_code__in=sorted(areas))
    per_area: dict[str, int] = defaultdict(int)
    for area, n in funds.order_by().values_list("area_code").annotate(n=Count("id")):
        per_area[area] += n
    for code, row in rows.items():
        row["funds"] = per_area.get(code, 0)
        row["has_fund"] = any(per_area.get(a) for a in (code, code[:4], code[:2]))
    committees = (Committee.objects.filter(level=CommitteeLevel.SUBDISTRICT, **where("area_code"))
                  .order_by().values_list("area_code").annotate(n=Count("id")))
    for code, n in committees:
        if code in rows:
            rows[code]["committees"] += n


@query("forums")
def _forums_query(where: Where) -> Any:
    return (Forum.objects.filter(**where("subdistrict_id")).order_by()
            .values_list("subdistrict_id", "held_on").annotate(n=Count("id")))


@query("search_rounds")
def _search_rounds_query(where: Where) -> Any:
    return (SearchRound.objects.filter(**where("subdistrict_id")).order_by()
            .values_list("subdistrict_id").annotate(n=Count("id")))


def _forums(rows: dict[str, Row], chunk: list[str] | None, got: Fetched | None) -> None:
    for code, held_on, n in _select("forums", chunk, got):
        if code in rows:
            rows[code]["forums"] += n
            _bump(rows[code]["forum_dates"], _iso(held_on), n)
    for code, n in _select("search_rounds", chunk, got):
        if code in rows:
            rows[code]["search_rounds"] += n


# Report → verification: the case's first "verify" step (Bangkok days, as
# text). Care started: the month the case first reached "in care". One pass
# over the events for both.
@query("steps")
def _steps_query(where: Where) -> Any:
    return (CaseEvent.objects.filter(Q(action="verify") | Q(to_status=Status.IN_CARE),
                                     **where("case__subdistrict_id"))
            .order_by().values("case_id", "case__subdistrict_id")
            .annotate(first=Min(LocalDay("at"), filter=Q(action="verify")),
                      care=Min(LocalMonth("at"), filter=Q(to_status=Status.IN_CARE)),
                      opened=Min(LocalDay("case__opened_at")))
            .values_list("case_id", "case__subdistrict_id", "opened", "first", "care"))


# Verification → first visit.
@query("visits")
def _visits_query(where: Where) -> Any:
    return (Visit.objects.filter(**where("case__subdistrict_id")).order_by()
            .values("case_id", "case__subdistrict_id").annotate(first=Min("visited_on"))
            .values_list("case_id", "case__subdistrict_id", "first"))


# Open cases waiting at a step, since the day the step was reached.
@query("waiting")
def _waiting_query(where: Where) -> Any:
    return (Case.objects.filter(status__in=WAITING_STEPS, **where("subdistrict_id")).order_by()
            .annotate(since=Max(LocalDay("events__at"), filter=Q(events__to_status=F("status"))),
                      opened=LocalDay("opened_at"))
            .values_list("subdistrict_id", "status", "since", "opened"))


@query("due")
def _due_query(where: Where) -> Any:
    return (Case.objects.filter(status__in=(Status.ASSIGNED, Status.IN_CARE),
                                next_visit_due__isnull=False, **where("subdistrict_id"))
            .order_by().values_list("subdistrict_id", "next_visit_due").annotate(n=Count("id")))


def _cases(rows: dict[str, Row], chunk: list[str] | None, got: Fetched | None) -> None:
    verified_on: dict[int, datetime.date] = {}
    fromiso = datetime.date.fromisoformat
    for case_id, code, opened, first, care in _select("steps", chunk, got):
        row = rows.get(code)
        if row is None:
            continue
        if care:
            _bump(row["care_months"], care)
        if first is None:
            continue
        day = fromiso(first)
        verified_on[case_id] = day
        _bump(row["days_to_verify"], max(0, (day - fromiso(opened)).days))
        _bump(row["verified_months"], first[:7])
    for case_id, code, first in _select("visits", chunk, got):
        row = rows.get(code)
        if row is not None and case_id in verified_on:
            _bump(row["days_to_visit"],
                  max(0, (_date(first) - verified_on[case_id]).days))
    for code, status, since, opened in _select("waiting", chunk, got):
        if code in rows:
            _bump(rows[code]["waiting"].setdefault(status, {}), since or opened)
    for code, day, n in _select("due", chunk, got):
        if code in rows:
            _bump(rows[code]["waiting"].setdefault(VISIT_DUE, {}), _iso(day), n)


# The queries a change of persons, cases, forums or search rounds runs.
PEOPLE_QUERIES = ("persons", "groups", "needs", "forums", "search_rounds", "steps", "visits",
                  "waiting", "due")


def getter(row: Row | Any) -> Callable[[str], Any]:
    """Reads a field of a row, whether a dict or a model instance."""
    if isinstance(row, dict):
        return row.__getitem__
    return lambda name: getattr(row, name)


def searching(row: Row | Any) -> bool:
    """ก.1: people were reported there, or a search round was recorded."""
    get = getter(row)
    return bool(get("found") > 0 or get("search_rounds") > 0)


def five_k(row: Row | Any, on: datetime.date) -> tuple[bool, bool, bool, bool, bool]:
    """ก.1 searching, ก.2 participation, ก.3 volunteer group, ก.4 fund, ก.5
    committee, for a subdistrict row (a dict or a model) on a day."""
    get = getter(row)
    first_forum = get("first_forum_on")
    k3, k4 = volunteer_group(row), fund(row)
    return (searching(row), first_forum is not None and first_forum <= on,
            k3, k4, get("committees") > 0)


def volunteer_group(row: Row | Any) -> bool:
    """ก.3: active volunteers cover it (accepted time offers among them), or
    a contributor's capacity counts as one (an accepted service)."""
    get = getter(row)
    return bool(get("volunteers") > 0 or "k3" in contributors.five_k_held(get("contributed")))


def fund(row: Row | Any) -> bool:
    """ก.4: a fund of the area or above it, or a contributor's pool counts
    as one (goods accepted for the subdistrict, like a rice bank)."""
    get = getter(row)
    return bool(get("has_fund") or "k4" in contributors.five_k_held(get("contributed")))


def flags(row: Row | Any) -> dict[str, int]:
    """What a subdistrict adds to the counts of subdistricts of its areas."""
    get = getter(row)
    k1, k3, k4, k5 = searching(row), volunteer_group(row), fund(row), get("committees") > 0
    demand, capacity = get("need_demand"), get("need_capacity")
    open_verified = get("verified") + get("assigned") + get("in_care")
    return {
        "subdistricts": 1, "lead_covered": int(get("lead_networks") > 0),
        "k1": int(k1), "k3": int(k3), "k4": int(k4), "k5": int(k5),
        "unserved": int(open_verified > 0 and get("networks") == 0 and get("volunteers") == 0),
        "need_short": int(any(n > capacity.get(need, 0) for need, n in demand.items())),
    }


def iter_codes(values: Iterable[str]) -> list[str]:
    return sorted({v for v in values if isinstance(v, str) and len(v) == 6 and v.isdigit()})
