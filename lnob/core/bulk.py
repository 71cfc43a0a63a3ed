"""Fast bulk inserts for the synthetic-data generator and spreadsheet imports
(SQLite and PostgreSQL).

``QuerySet.bulk_create`` spends ~90 % of its time building model instances and
preparing each field of each row in Python (measured: 58 µs a row, of which
the database takes 4). At a million persons (≈ 5 M rows) that is minutes, so
the generator writes its big tables with one parametrised ``INSERT`` run by
``cursor.executemany`` on plain tuples, in batches. Values go through the
field's own ``get_db_prep_save`` where the database needs a conversion
(dates, datetimes, decimals, JSON), exactly as the ORM would do.

Primary keys are reserved up front (:func:`reserve_ids`) so that rows can point
at each other (a household at its head, a person at their household) without
reading ids back; Django creates foreign keys ``DEFERRABLE INITIALLY DEFERRED``
on both databases, so the order of the inserts inside the transaction does
not matter.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

T = TypeVar("T")
_CONVERTED = frozenset({"DateTimeField", "DateField", "DecimalField", "JSONField"})
# psycopg sends dates and datetimes as they are: no conversion on PostgreSQL.
_AS_IS_ON_POSTGRESQL = frozenset({"DateTimeField", "DateField"})
# SQLite's page cache while a bulk load runs (KiB): the indexes of a large
# table being filled at random places (names, citizen IDs, phones) stay in
# memory instead of being written out and read back. The default is 2 MB.
BULK_CACHE_KIB = 256 * 1024
# SQLite: narrow rows (links, history) go in as one INSERT of many VALUES
# tuples — measured 2-3× faster than executemany, whose per-row overhead
# dominates when a row is small. Wide rows (persons) are faster one by one.
NARROW_COLUMNS = 8
ROWS_PER_INSERT = 500


class TableWriter:
    """``INSERT INTO table (fields…) VALUES (…)`` for many tuples at once."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        columns: list[Any] = [meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in columns)
        self.marks = "({})".format(", ".join(["%s"] * len(columns)))
        # Identifiers come from the model's metadata, values are parameters.
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "  # noqa: S608
        self.width = len(columns)
        self.many = ROWS_PER_INSERT if self.width <= NARROW_COLUMNS else 1
        # PostgreSQL loads rows several times faster through COPY than INSERT.
        self.copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
        postgresql = connection.vendor == "postgresql"
        self.converters: list[tuple[int, Callable[[Any], Any]]] = [
            (i, _prep(f)) for i, f in enumerate(columns)
            if f.get_internal_type() in _CONVERTED
            and not (postgresql and f.get_internal_type() in _AS_IS_ON_POSTGRESQL)]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        params = rows if isinstance(rows, list) else list(rows)
        if not params:
            return 0
        if self.converters:
            # Column by column: one pass of each converter over its column.
            columns = list(zip(*params, strict=True))
            for i, fn in self.converters:
                columns[i] = tuple(map(fn, columns[i]))
            params = list(zip(*columns, strict=True))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_sql) as copy:
                    write_row = copy.write_row
                    for row in params:
                        write_row(row)
            elif self.many == 1:
                cursor.executemany(self.sql + self.marks, params)
            else:
                self._insert_many(cursor.cursor, params)
        return len(params)

    def _insert_many(self, cursor: Any, params: list[Sequence[Any]]) -> None:
        """``INSERT … VALUES (…), (…), …`` of up to ``self.many`` rows each. On
        the driver's cursor: Django's query logging (DEBUG) would quote every
        parameter of every statement again."""
        many = min(self.many, _max_parameters(cursor) // self.width)
        full = self.sql + ", ".join([self.marks] * many)
        for start in range(0, len(params), many):
            chunk = params[start:start + many]
            sql = full if len(chunk) == many else (
                self.sql + ", ".join([self.marks] * len(chunk)))
            cursor.execute(sql, list(chain.from_iterable(chunk)))


def _max_parameters(cursor: Any) -> int:
    """SQLite's limit on parameters in one statement (999 before 3.32)."""
    try:
        return int(cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    except AttributeError:  # Python < 3.11
        return 999


@contextmanager
def bulk_load() -> Iterator[None]:
    """Around many ``TableWriter.write`` calls into large tables: on SQLite a
    larger page cache for the connection (given back afterwards); nothing to
    do on PostgreSQL, whose buffers are the server's."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        # Negative sizes are KiB, positive ones pages: compare in KiB (4 KiB pages).
        if (-before if before < 0 else before * 4) < BULK_CACHE_KIB:
            cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        # On the driver's connection: Django refuses queries in a transaction
        # marked for rollback, and this must not hide the error that did it.
        raw = connection.connection
        if raw is not None:
            raw.execute(f"PRAGMA cache_size = {int(before):d}")


def _prep(field: Any) -> Callable[[Any], Any]:
    """The database value of a Python value, as ``field.get_db_prep_save`` gives it.

    Dates and datetimes skip the field's own checks (the generator only makes
    ``date`` objects and aware datetimes) and go straight to the backend's
    adapter: the full path costs ~14 µs a value, a third of the whole insert.
    Values that repeat (one ``now`` for a whole batch, a few distinct dates or
    JSON documents) are converted once.
    """
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        adapt_datetime = ops.adapt_datetimefield_value
        last: list[Any] = [None, None]  # callers pass one `now` for a whole batch

        def prep_datetime(value: Any) -> Any:
            if value is None:
                return None
            if value is not last[0]:
                last[0], last[1] = value, adapt_datetime(value)
            return last[1]

        return prep_datetime
    if kind == "DateField":
        adapt_date = ops.adapt_datefield_value
        dates: dict[Any, Any] = {}  # few distinct dates in a batch

        def prep_date(value: Any) -> Any:
            found = dates.get(value)
            if found is None and value is not None:
                found = dates[value] = adapt_date(value)
            return found

        return prep_date
    if kind == "JSONField":
        cache: dict[str, Any] = {}
        # COPY takes the document as text: psycopg's Jsonb wrapper would dump it
        # again for every row.
        postgresql = connection.vendor == "postgresql"

        def prep_json(value: Any) -> Any:  # few distinct values: cache them by their text
            if value is None:
                return None  # SQL NULL, as the ORM writes it
            key = repr(value)
            if key not in cache:
                cache[key] = (json.dumps(value, cls=field.encoder) if postgresql
                              else field.get_db_prep_save(value, connection))
            return cache[key]

        return prep_json

    def prep(value: Any) -> Any:
        return None if value is None else field.get_db_prep_save(value, connection)

    return prep


def batches(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (e.g. under SQLite's variable limit)."""
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys nobody else will use, ascending. Call inside the
    transaction that inserts them.

    SQLite: the transaction holds the write lock (``BEGIN IMMEDIATE``), so the
    next ids after the highest ever handed out (``sqlite_sequence``, so a
    deleted row's id is never reused) are ours. PostgreSQL: drawn from the
    column's sequence, safe with concurrent writers.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone():
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                seq = cursor.fetchone()
                top = max(top, seq[0] if seq else 0)
            return list(range(top + 1, top + 1 + count))
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, column, count])
            return sorted(row[0] for row in cursor.fetchall())
    raise NotImplementedError(f"reserve_ids() supports SQLite and PostgreSQL, "
                              f"not {connection.vendor}")


# Rows written at once past which the planner's statistics are refreshed.
ANALYZE_AFTER_ROWS = 5000


def analyze(models: Iterable[type[Model]]) -> None:
    """Refreshes the query planner's statistics of these tables after a bulk
    load. Without it the planner takes a table that grew from nothing to
    20,000 rows for empty until autovacuum gets to it, and chooses nested
    loops over whole tables: measured on a fresh demo province, an officer's
    home spent 539 ms of PostgreSQL CPU, 21 ms once analysed. Outside any
    transaction: ANALYZE takes only a light lock, and its sample is of
    committed rows."""
    tables = sorted({connection.ops.quote_name(m._meta.db_table) for m in models
                     if m._meta.managed and not m._meta.proxy})
    if not tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            for table in tables:  # SQLite's planner statistics (sqlite_stat1)
                cursor.execute(f"ANALYZE {table}")
