"""Keeping the roll-ups current: the full rebuild, the incremental refresh of
a few subdistricts, and the check that the stored rows are what the source
tables say.

- ``rollup_full()`` recomputes every subdistrict with set-based queries and
  rewrites both tables in one transaction.
- ``rollup_refresh(codes)`` recomputes the given subdistricts now (the same
  queries, restricted to them) and carries the difference up to their
  district, province and the nation: a change in one subdistrict touches
  four rows above it, whatever the size of the country.
- ``rollup_verify()`` recomputes everything in memory and lists what differs.
"""

from __future__ import annotations

import datetime
import json
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Model, Q
from django.utils import timezone

from lnob.core import followups
from lnob.core.bulk import batches
from lnob.coverage import contributors
from lnob.coverage.compute import (
    CAPACITY_FIELDS,
    CHUNK,
    COUNT_FIELDS,
    HISTOGRAM_FIELDS,
    NESTED_FIELDS,
    PEOPLE_QUERIES,
    Row,
    Where,
    compute_subdistricts,
    flags,
    getter,
    iter_codes,
    received,
    send,
)
from lnob.coverage.histograms import median
from lnob.coverage.models import AreaLevel, AreaRollup, RollupDirty, SubdistrictSummary
from lnob.networks.models import Committee, Fund, Network, Volunteer

DISTINCT_FIELDS = ("networks", "lead_networks", "volunteers", "funds", "committees")
SUMMED_FIELDS = tuple(f for f in COUNT_FIELDS if f not in DISTINCT_FIELDS)
FLAG_FIELDS = ("subdistricts", "lead_covered", "k1", "k3", "k4", "k5", "unserved", "need_short")
DATE_FLAG_FIELDS = ("k2_dates", "all5_dates")
AREA_HISTOGRAMS = HISTOGRAM_FIELDS + DATE_FLAG_FIELDS
MEDIAN_FIELDS = ("median_days_to_verify", "median_days_to_visit")
SUBDISTRICT_FIELDS = ("province_code", "district_code", "has_fund", "first_forum_on",
                      *COUNT_FIELDS, *HISTOGRAM_FIELDS, *NESTED_FIELDS, *MEDIAN_FIELDS,
                      "contributed", "computed_at")
AREA_FIELDS = ("level", "province_code", *COUNT_FIELDS, *FLAG_FIELDS, *AREA_HISTOGRAMS,
               *MEDIAN_FIELDS, "contributed", "computed_at")


# ------------------------------------------------------------------ sums

def contribution(row: Row | SubdistrictSummary) -> dict[str, Any]:
    """What a subdistrict adds to every area above it."""
    get = getter(row)
    out: dict[str, Any] = {name: get(name) for name in SUMMED_FIELDS}
    # Not "waiting": who waits too long is read per subdistrict (the holes),
    # and summing its dates up to the nation would only make rows heavy.
    for name in HISTOGRAM_FIELDS:
        out[name] = get(name) or {}
    out.update(flags(row))
    first = get("first_forum_on")
    out["k2_dates"] = {first.isoformat(): 1} if first else {}
    all_but_2 = out["k1"] and out["k3"] and out["k4"] and out["k5"]
    out["all5_dates"] = {first.isoformat(): 1} if first and all_but_2 else {}
    return out


def _add_histogram(into: dict[str, int], other: Mapping[str, int], sign: int) -> None:
    for key, n in other.items():
        value = into.get(key, 0) + sign * n
        if value:
            into[key] = value
        else:
            into.pop(key, None)


def accumulate(into: dict[str, Any], part: Mapping[str, Any], sign: int = 1) -> dict[str, Any]:
    """``into += sign × part`` over the additive fields (numbers and histograms)."""
    for name, value in part.items():
        if isinstance(value, dict):
            target = into.setdefault(name, {})
            if name in NESTED_FIELDS:
                for step, h in value.items():
                    _add_histogram(target.setdefault(step, {}), h, sign)
                    if not target[step]:
                        del target[step]
            else:
                _add_histogram(target, value, sign)
        else:
            into[name] = into.get(name, 0) + sign * value
    return into


def _sorted_histograms(values: dict[str, Any]) -> dict[str, Any]:
    """Histograms in key order (a stable JSON text), and the medians read from them."""
    for name in AREA_HISTOGRAMS:
        values[name] = dict(sorted(values.get(name, {}).items()))
    values["median_days_to_verify"] = median(values["days_to_verify"])
    values["median_days_to_visit"] = median(values["days_to_visit"])
    return values


def _area_values(area: AreaRollup) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(area, name) for name in SUMMED_FIELDS + FLAG_FIELDS}
    for name in AREA_HISTOGRAMS:
        values[name] = dict(getattr(area, name) or {})
    return values


# ------------------------------------------------------- distinct counts

Distinct = dict[str, dict[str, int]]


def _blank_distinct() -> dict[str, int]:
    return dict.fromkeys(DISTINCT_FIELDS, 0)


def district_distinct(districts: list[str] | None) -> Distinct:
    """Networks, lead networks and volunteers covering a subdistrict (or a
    village) of each district, each counted once; funds and committees lying
    in it (at the district or one of its subdistricts)."""
    out: Distinct = defaultdict(_blank_distinct)
    parts: list[list[str] | None] = [None] if districts is None else list(
        batches(sorted(districts), CHUNK))
    for part in parts:
        def scope(name: str, part: list[str] | None = part) -> dict[str, Any]:
            return {} if part is None else {f"{name}__in": part}

        nets: set[tuple[str, int, bool]] = set()
        nets.update(Network.subdistricts.through.objects.filter(
            network__active=True, **scope("subdistrict__district_id")).values_list(
            "subdistrict__district_id", "network_id", "network__is_lead").distinct())
        nets.update(Network.villages.through.objects.filter(
            network__active=True, **scope("village__subdistrict__district_id")).values_list(
            "village__subdistrict__district_id", "network_id", "network__is_lead").distinct())
        for district, _network, lead in nets:
            out[district]["networks"] += 1
            out[district]["lead_networks"] += int(lead)
        vols: set[tuple[str, int]] = set()     # by a subdistrict or a village
        vols.update(Volunteer.subdistricts.through.objects.filter(
            volunteer__active=True, **scope("subdistrict__district_id")).values_list(
            "subdistrict__district_id", "volunteer_id").distinct())
        vols.update(Volunteer.villages.through.objects.filter(
            volunteer__active=True, **scope("village__subdistrict__district_id")).values_list(
            "village__subdistrict__district_id", "volunteer_id").distinct())
        for district, _volunteer in vols:
            out[district]["volunteers"] += 1
        wanted = None if part is None else set(part)
        provinces = None if part is None else sorted({d[:2] for d in part})
        for model, name in ((Fund, "funds"), (Committee, "committees")):
            qs = model.objects.all() if provinces is None else model.objects.filter(
                province_code__in=provinces)
            for area, n in qs.order_by().values_list("area_code").annotate(n=Count("id")):
                if len(area) >= 4 and (wanted is None or area[:4] in wanted):
                    out[area[:4]][name] += n
    return out


def province_distinct(provinces: list[str] | None) -> Distinct:
    """The active networks, lead networks and volunteers of each province,
    and its funds and committees (each belongs to one province)."""
    out: Distinct = defaultdict(_blank_distinct)
    scope = {} if provinces is None else {"province_code__in": provinces}
    for code, n, leads in (Network.objects.filter(active=True, **scope).order_by()
                           .values_list("province_code")
                           .annotate(n=Count("id"), leads=Count("id", filter=Q(is_lead=True)))):
        out[code]["networks"], out[code]["lead_networks"] = n, leads
    for model, name, extra in ((Volunteer, "volunteers", {"active": True}),
                               (Fund, "funds", {}), (Committee, "committees", {})):
        for code, n in (model.objects.filter(**scope, **extra).order_by()
                        .values_list("province_code").annotate(n=Count("id"))):
            out[code][name] = n
    return out


# ------------------------------------------------------------ full rebuild

@dataclass
class Areas:
    """Area rows by code, built in memory (districts, provinces, nation "")."""

    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    level: dict[str, str] = field(default_factory=dict)


def build_areas(rows: Mapping[str, Row]) -> Areas:
    areas = Areas()
    district_of: dict[str, str] = {}
    for row in rows.values():
        d, p = row["district_code"], row["province_code"]
        district_of[d] = p
        accumulate(areas.values.setdefault(d, {}), contribution(row))
    provinces: dict[str, dict[str, Any]] = {}
    for d, p in district_of.items():
        accumulate(provinces.setdefault(p, {}), areas.values[d])
    nation: dict[str, Any] = {}
    for values in provinces.values():
        accumulate(nation, values)
    areas.values.update(provinces)
    areas.values[""] = nation
    d_distinct, p_distinct = district_distinct(None), province_distinct(None)
    d_contributed = contributors.area_figures(AreaLevel.DISTRICT, None)
    p_contributed = contributors.area_figures(AreaLevel.PROVINCE, None)
    for code in list(areas.values):
        level = AreaLevel.NATION if code == "" else (
            AreaLevel.PROVINCE if len(code) == 2 else AreaLevel.DISTRICT)
        areas.level[code] = level
        if level == AreaLevel.DISTRICT:
            areas.values[code].update(d_distinct.get(code, _blank_distinct()))
            areas.values[code]["contributed"] = d_contributed.get(code, {})
        elif level == AreaLevel.PROVINCE:
            areas.values[code].update(p_distinct.get(code, _blank_distinct()))
            areas.values[code]["contributed"] = p_contributed.get(code, {})
    nation_distinct = _blank_distinct()
    nation_contributed: dict[str, int] = {}
    for p in provinces:
        for name in DISTINCT_FIELDS:
            nation_distinct[name] += areas.values[p][name]
        contributors.add(nation_contributed, areas.values[p]["contributed"])
    areas.values[""].update(nation_distinct)
    areas.values[""]["contributed"] = dict(sorted(nation_contributed.items()))
    for values in areas.values.values():
        for name in COUNT_FIELDS + FLAG_FIELDS:
            values.setdefault(name, 0)
        _sorted_histograms(values)
    return areas


def _summary(row: Row, now: Any) -> SubdistrictSummary:
    return SubdistrictSummary(**{k: v for k, v in row.items()}, computed_at=now)


def _area(code: str, level: str, values: Mapping[str, Any], now: Any) -> AreaRollup:
    return AreaRollup(code=code, level=level,
                      province_code=code[:2] if level != AreaLevel.NATION else "",
                      computed_at=now, **{k: v for k, v in values.items() if k in AREA_FIELDS})


@dataclass
class RebuildReport:
    subdistricts: int
    areas: int
    seconds: float


# Full rebuilds and refreshes at once (docs/decisions/0012):
#
# PostgreSQL — an advisory lock, held to the end of the transaction: a full
# rebuild holds it alone from its first read to its commit, refreshes try it
# shared. Two rebuilds run one after the other (never both deleting and
# inserting the same rows). A refresh that finds a rebuild running does not
# wait: it notes its subdistricts (RollupDirty) and the rebuild recomputes
# them after its commit, so a rebuild never writes back figures older than a
# change that committed while it computed, and a report never waits for it.
#
# SQLite — one writer at a time, and a rebuild must not hold the write lock
# while it computes (every other write would wait): a rebuild first commits a
# marker row (REBUILDING); while one is there, refreshes note their
# subdistricts instead; the rebuild writes everything and, the last one out,
# recomputes the noted subdistricts in the same write transaction.
ROLLUP_LOCK = 0x4C4E4F42_0001
REBUILDING = "*"
MARKER_STALE = datetime.timedelta(hours=1)  # a rebuild that died: its marker ignored


def _lock_alone() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])


def _rebuilding() -> bool:
    """SQLite: whether a rebuild (alive) is computing."""
    return RollupDirty.objects.filter(code=REBUILDING,
                                      at__gte=timezone.now() - MARKER_STALE).exists()


def _take_noted() -> list[str]:
    """SQLite: the subdistricts noted while rebuilds ran (taken: deleted)."""
    noted = RollupDirty.objects.exclude(code=REBUILDING)
    codes = sorted(set(noted.values_list("code", flat=True)))
    if codes:
        noted.delete()
    return codes


def _lock_shared() -> tuple[bool, list[str]]:
    """Whether a refresh may run now (no rebuild holds or waits for the lock),
    and then the subdistricts noted while a rebuild ran (taken: deleted) —
    on PostgreSQL in one round trip; (False, []) while a rebuild runs."""
    if connection.vendor != "postgresql":
        return (False, []) if _rebuilding() else (True, _take_noted())
    table = connection.ops.quote_name(RollupDirty._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(  # the table's name from the model; the key a parameter
            f"WITH lock AS (SELECT pg_try_advisory_xact_lock_shared(%s) AS ok), "  # noqa: S608
            f"taken AS (DELETE FROM {table} WHERE (SELECT ok FROM lock) RETURNING code) "
            f"SELECT (SELECT ok FROM lock), ARRAY(SELECT code FROM taken)", [ROLLUP_LOCK])
        ok, codes = cursor.fetchone()
    return bool(ok), sorted(set(codes or ()))


def _write_all(rows: Mapping[str, Row], areas: Areas) -> None:
    now = timezone.now()
    SubdistrictSummary.objects.all().delete()
    SubdistrictSummary.objects.bulk_create([_summary(r, now) for r in rows.values()],
                                           batch_size=500)
    AreaRollup.objects.all().delete()
    AreaRollup.objects.bulk_create(
        [_area(code, areas.level[code], values, now) for code, values in
         areas.values.items()], batch_size=500)


def rollup_full() -> RebuildReport:
    """Recomputes every row from the source tables and rewrites both tables;
    a change committed meanwhile is recomputed after (never lost)."""
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _lock_alone()
            rows = compute_subdistricts(None)
            areas = build_areas(rows)
            _write_all(rows, areas)
        rollup_refresh(())  # what was noted while it ran
    else:
        marker = RollupDirty.objects.create(code=REBUILDING)
        try:
            rows = compute_subdistricts(None)
            areas = build_areas(rows)
            with transaction.atomic():
                _write_all(rows, areas)
                RollupDirty.objects.filter(pk=marker.pk).delete()
                noted = [] if _rebuilding() else _take_noted()  # the last one out
                if noted:
                    _refresh(noted, True)
        finally:
            RollupDirty.objects.filter(pk=marker.pk).delete()
    return RebuildReport(len(rows), len(areas.values), time.perf_counter() - start)


# ------------------------------------------------------ incremental refresh

def rollup_refresh(codes: Iterable[str], *, capacity: bool = True) -> int:
    """Recomputes these subdistricts (6-digit codes; others are ignored) now,
    and their district, province and the nation. Runs in its own
    transaction (or the caller's). Returns how many subdistricts it
    recomputed.

    For writers that bypass the services' ``areas_changed`` signal — bulk
    imports, the demo generator — after their transaction: one call with all
    the subdistricts they touched.

    ``capacity=False`` when only persons, cases or forums changed: networks,
    volunteers, funds and committees are then taken from the stored rows
    (half the queries)."""
    wanted = iter_codes(codes)
    with transaction.atomic():
        locked, dirty = _lock_shared()
        if locked:
            if dirty:  # noted while a rebuild ran: with every figure
                wanted, capacity = sorted({*wanted, *dirty}), True
            return _refresh(wanted, capacity) if wanted else 0
        RollupDirty.objects.bulk_create([RollupDirty(code=c) for c in wanted])
    # Noted and committed. If the rebuild ended meanwhile, nobody may have seen
    # the note: look once more (a rebuild still running takes it at its end).
    return rollup_refresh(()) if wanted else 0


def _refresh(codes: list[str], capacity: bool) -> int:
    if not capacity and connection.vendor == "postgresql" and len(codes) <= CHUNK:
        done = _refresh_pipelined(codes)
        if done is not None:
            return done
    now = timezone.now()
    old: dict[str, SubdistrictSummary] = {}
    for chunk in batches(codes, CHUNK):
        old.update((s.code, s) for s in SubdistrictSummary.objects.select_for_update()
                   .filter(code__in=chunk).order_by("code"))
    capacity = capacity or len(old) < len(codes)
    new = compute_subdistricts(codes, capacity=capacity, places={
        code: (s.district_code, s.province_code) for code, s in old.items()})
    if not new:
        return 0
    if not capacity:
        for code, row in new.items():
            for name in CAPACITY_FIELDS:
                row[name] = getattr(old[code], name)
    deltas: dict[str, dict[str, Any]] = defaultdict(dict)
    rebuild_parents = False
    for code, row in new.items():
        accumulate(deltas[row["district_code"]], contribution(row))
        if code in old:
            accumulate(deltas[row["district_code"]], contribution(old[code]), -1)
        else:
            rebuild_parents = True
    changed = [_summary(row, now) for code, row in new.items() if code in old]
    _update_changed(SubdistrictSummary, changed, {code: _stored(s, SUBDISTRICT_FIELDS)
                                                  for code, s in old.items()},
                    SUBDISTRICT_FIELDS)
    missing = [_summary(row, now) for code, row in new.items() if code not in old]
    if missing:
        SubdistrictSummary.objects.bulk_create(missing)
    districts = sorted(deltas)
    provinces = sorted({d[:2] for d in districts})
    areas = {a.code: a for a in AreaRollup.objects.select_for_update()
             .filter(code__in=[*districts, *provinces, ""]).order_by("code")}
    if rebuild_parents or len(areas) < len(districts) + len(provinces) + 1:
        _rebuild_parents(districts, provinces, now)
        return len(new)
    before = {code: _stored(a, AREA_FIELDS) for code, a in areas.items()}
    # Districts: the subdistricts' difference, and their own distinct counts.
    d_distinct = district_distinct(districts) if capacity else {
        d: {n: getattr(areas[d], n) for n in DISTINCT_FIELDS} for d in districts}
    d_contributed = contributors.area_figures(AreaLevel.DISTRICT, districts) if capacity \
        else {d: areas[d].contributed for d in districts}
    for d in districts:
        area = areas[d]
        values = accumulate(_area_values(area), deltas[d])
        values.update(d_distinct.get(d, _blank_distinct()))
        _set(area, values, now)
        area.contributed = d_contributed.get(d, {})
    # Provinces: the sum of their districts' differences; the nation: theirs.
    p_distinct = province_distinct(provinces) if capacity else {
        p: {n: getattr(areas[p], n) for n in DISTINCT_FIELDS} for p in provinces}
    p_contributed = contributors.area_figures(AreaLevel.PROVINCE, provinces) if capacity \
        else {p: areas[p].contributed for p in provinces}
    nation_contributed = dict(areas[""].contributed or {})
    nation_delta: dict[str, Any] = {}
    for p in provinces:
        area = areas[p]
        delta: dict[str, Any] = {}
        for d in districts:
            if d[:2] == p:
                accumulate(delta, deltas[d])
        values = accumulate(_area_values(area), delta)
        counts = p_distinct.get(p, _blank_distinct())
        for name in DISTINCT_FIELDS:
            delta[name] = counts[name] - getattr(area, name)
        values.update(counts)
        _set(area, values, now)
        accumulate(nation_delta, delta)
        contributors.add(nation_contributed, area.contributed or {}, -1)
        area.contributed = p_contributed.get(p, {})
        contributors.add(nation_contributed, area.contributed)
    nation = areas[""]
    values = accumulate({**_area_values(nation),
                         **{n: getattr(nation, n) for n in DISTINCT_FIELDS}}, nation_delta)
    _set(nation, values, now)
    nation.contributed = dict(sorted(nation_contributed.items()))
    _update_changed(AreaRollup, list(areas.values()), before, AREA_FIELDS)
    return len(new)


# ------------------------------------------- PostgreSQL: two round trips

def _locked_rows(where: Where) -> Any:
    return (SubdistrictSummary.objects.select_for_update().filter(**where("code"))
            .order_by("code").values_list("code", *SUBDISTRICT_FIELDS[:-1]))


def _pipeline() -> Any:
    """What opens the driver's pipeline (psycopg 3: statements sent
    together, results read after one round trip), or None where there is
    none."""
    connection.ensure_connection()
    raw = connection.connection
    pipeline = getattr(raw, "pipeline", None)
    if pipeline is None:
        return None
    import psycopg

    return pipeline if psycopg.Pipeline.is_supported() else None


def _refresh_pipelined(codes: list[str]) -> int | None:
    """A refresh after persons, cases, forums or search rounds changed, on
    PostgreSQL, in two round trips (a dozen before): lock the subdistrict
    rows and run every query of their figures in one pipeline — the server
    runs them in order, so the queries see what was committed before the
    lock was granted — then write the rows and add the difference to their
    district, province and the nation in the UPDATE itself
    (``coverage_histogram_add``), so the areas' histograms never travel.
    None when a row is missing (the general path rebuilds what is needed)."""
    pipeline = _pipeline()
    if pipeline is None:
        return None
    now = timezone.now()
    cursors = [connection.cursor() for _ in range(len(PEOPLE_QUERIES) + 1)]
    try:
        with pipeline():
            send(cursors[0], "locked_summaries", codes, _locked_rows)
            for cursor, name in zip(cursors[1:], PEOPLE_QUERIES, strict=True):
                send(cursor, name, codes)
        old = {row[0]: _summary_values(row[1:])
               for row in received(cursors[0], "locked_summaries", codes, _locked_rows)}
        got = {name: received(cursor, name, codes)
               for cursor, name in zip(cursors[1:], PEOPLE_QUERIES, strict=True)}
    finally:
        for cursor in cursors:
            cursor.close()
    if len(old) < len(codes) or any(o["district_code"] != c[:4] for c, o in old.items()):
        return None
    new = compute_subdistricts(codes, capacity=False, got=got, places={
        code: (o["district_code"], o["province_code"]) for code, o in old.items()})
    deltas: dict[str, dict[str, Any]] = defaultdict(dict)
    for code, row in new.items():
        for name in CAPACITY_FIELDS:
            row[name] = old[code][name]
        delta = accumulate(accumulate({}, contribution(row)), contribution(old[code]), -1)
        for area in (row["district_code"], row["province_code"], ""):
            accumulate(deltas[area], delta)
    areas = sorted(deltas)  # the order every refresh locks them in
    cursors = [connection.cursor() for _ in areas]
    try:
        with pipeline():
            _update_changed(SubdistrictSummary, [_summary(row, now) for row in new.values()],
                            old, SUBDISTRICT_FIELDS)
            for cursor, code in zip(cursors, areas, strict=True):
                cursor.execute(*_add_to_area(code, deltas[code], now))
        missing = any(cursor.rowcount != 1 for cursor in cursors)
    finally:
        for cursor in cursors:
            cursor.close()
    if missing:  # the tables were emptied since: the areas from the stored rows
        districts = sorted(a for a in areas if len(a) == 4)
        _rebuild_parents(districts, sorted({d[:2] for d in districts}), now)
    return len(new)


def _summary_values(values: tuple[Any, ...]) -> dict[str, Any]:
    """A locked row as the model would read it (JSON decoded)."""
    out = {}
    for name, value in zip(SUBDISTRICT_FIELDS[:-1], values, strict=True):
        field: Any = SubdistrictSummary._meta.get_field(name)
        out[name] = field.from_db_value(value, None, connection) \
            if hasattr(field, "from_db_value") else value
    return out


MEDIANS = {"days_to_verify": "median_days_to_verify", "days_to_visit": "median_days_to_visit"}


def _add_to_area(code: str, delta: Mapping[str, Any], now: Any) -> tuple[str, list[Any]]:
    """``UPDATE`` adding a difference to an area row: numbers with ``+``,
    histograms with ``coverage_histogram_add`` (migration 0005), and the
    medians read again from a changed day histogram."""
    meta, quote = AreaRollup._meta, connection.ops.quote_name
    sets: list[str] = []
    params: list[Any] = []
    for name, value in delta.items():
        field: Any = meta.get_field(name)
        column = quote(field.column)
        if isinstance(value, dict):
            if not value:
                continue
            text = json.dumps(value)
            sets.append(f"{column} = coverage_histogram_add({column}, %s::jsonb)")
            params.append(text)
            if name in MEDIANS:
                sets.append(f"{quote(MEDIANS[name])} = coverage_histogram_median("
                            f"coverage_histogram_add({column}, %s::jsonb))")
                params.append(text)
        elif value:
            sets.append(f"{column} = {column} + %s")
            params.append(value)
    sets.append(f"{quote('computed_at')} = %s")
    # Identifiers from the model's metadata; values are parameters.
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} "  # noqa: S608
           f"WHERE {quote('code')} = %s")
    return sql, [*params, now, code]


def _update_changed(model: type[Model], objects: list[Any], before: dict[str, dict[str, Any]],
                    names: Iterable[str]) -> None:
    """Writes only the fields that changed (and the time): a case step
    changes a few counts and histograms, not the nation's forum dates, and
    encoding and sending unchanged JSON was most of a refresh's writing."""
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for obj in objects:
        old = before.get(obj.pk, {})
        fields = tuple(n for n in names
                       if n == "computed_at" or n not in old or old[n] != getattr(obj, n))
        groups[fields].append(obj)
    for fields, group in groups.items():
        _update(model, group, fields)


def _update(model: type[Model], objects: list[Any], names: Iterable[str]) -> None:
    """``UPDATE … SET every field WHERE pk = …`` for each object, as one
    prepared statement (``bulk_update`` builds a CASE per field and row,
    several times slower for the few rows a refresh writes)."""
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    # Identifiers from the model's metadata; values are parameters.
    pk: Any = meta.pk
    sql = (f"UPDATE {quote(meta.db_table)} SET {sets} "  # noqa: S608
           f"WHERE {quote(pk.column)} = %s")
    params = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
              + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _set(area: AreaRollup, values: dict[str, Any], now: Any) -> None:
    _sorted_histograms(values)
    for name, value in values.items():
        setattr(area, name, value)
    area.computed_at = now


def _rebuild_parents(districts: list[str], provinces: list[str], now: Any) -> None:
    """After the tables were emptied (or a subdistrict appeared): the areas
    above these subdistricts from the stored subdistrict rows, in full."""
    d_distinct, p_distinct = district_distinct(districts), province_distinct(provinces)
    contributed = {**contributors.area_figures(AreaLevel.DISTRICT, districts),
                   **contributors.area_figures(AreaLevel.PROVINCE, provinces)}
    sums: dict[str, dict[str, Any]] = defaultdict(dict)
    for s in SubdistrictSummary.objects.filter(province_code__in=provinces).iterator():
        part = contribution(s)
        if s.district_code in districts:
            accumulate(sums[s.district_code], part)
        accumulate(sums[s.province_code], part)
    rows = []
    for code in [*districts, *provinces]:
        values = sums[code]
        values.update((d_distinct if len(code) == 4 else p_distinct).get(code,
                                                                          _blank_distinct()))
        level = AreaLevel.DISTRICT if len(code) == 4 else AreaLevel.PROVINCE
        values = _complete(values)
        values["contributed"] = contributed.get(code, {})
        rows.append(_area(code, level, values, now))
    AreaRollup.objects.filter(code__in=[*districts, *provinces]).delete()
    AreaRollup.objects.bulk_create(rows)
    nation: dict[str, Any] = {}
    nation_contributed: dict[str, int] = {}
    for area in AreaRollup.objects.filter(level=AreaLevel.PROVINCE):
        accumulate(nation, _area_values(area))
        for name in DISTINCT_FIELDS:
            nation[name] = nation.get(name, 0) + getattr(area, name)
        contributors.add(nation_contributed, area.contributed or {})
    AreaRollup.objects.filter(code="").delete()
    nation = _complete(nation)
    nation["contributed"] = dict(sorted(nation_contributed.items()))
    _area("", AreaLevel.NATION, nation, now).save(force_insert=True)


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    for name in COUNT_FIELDS + FLAG_FIELDS:
        values.setdefault(name, 0)
    return _sorted_histograms(values)


# ---------------------------------------------------------------- verify

def _stored(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def rollup_verify(limit: int = 50) -> list[str]:
    """Recomputes everything in memory and compares with the stored rows;
    returns what differs (at most ``limit`` lines), empty when all agree.
    The refreshes public reports left for the worker (``lnob.core.followups``)
    are done first: what is checked is the roll-up once they are in."""
    from lnob.coverage.receivers import FOLLOWUP, FOLLOWUP_CAPACITY

    followups.drain_all()  # the reports waiting to be filed count too
    followups.catch_up([FOLLOWUP, FOLLOWUP_CAPACITY])
    rows = compute_subdistricts(None)
    areas = build_areas(rows)
    problems: list[str] = []
    compared = [n for n in SUBDISTRICT_FIELDS if n != "computed_at"]
    stored = {s.code: s for s in SubdistrictSummary.objects.iterator()}
    for code, row in rows.items():
        s = stored.pop(code, None)
        if s is None:
            problems.append(f"subdistrict {code}: no stored row")
            continue
        for name in compared:
            if getattr(s, name) != row[name]:
                problems.append(f"subdistrict {code}: {name} stored {getattr(s, name)!r}, "
                                f"computed {row[name]!r}")
    problems.extend(f"subdistrict {code}: stored but not in the geography" for code in stored)
    area_names = [n for n in AREA_FIELDS if n not in ("computed_at", "level", "province_code")]
    stored_areas = {a.code: a for a in AreaRollup.objects.all()}
    for code, values in areas.values.items():
        a = stored_areas.pop(code, None)
        if a is None:
            problems.append(f"area {code or 'TH'}: no stored row")
            continue
        for name in area_names:
            if getattr(a, name) != values.get(name):
                problems.append(f"area {code or 'TH'}: {name} stored {getattr(a, name)!r}, "
                                f"computed {values.get(name)!r}")
    problems.extend(f"area {code}: stored but not computed" for code in stored_areas)
    return problems[:limit] if len(problems) > limit else problems


def is_built() -> bool:
    """Whether a roll-up has ever been built (the national row exists)."""
    return AreaRollup.objects.filter(code="").exists()
