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

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model

T = TypeVar("T")
_CONVERTED = frozenset({"DateTimeField", "DateField", "DecimalField", "JSONField"})


class TableWriter:
    """``INSERT INTO table (fields…) VALUES (…)`` for many tuples at once."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        columns: list[Any] = [meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        # Identifiers come from the model's metadata, values are parameters.
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        # PostgreSQL loads rows several times faster through COPY than INSERT.
        self.copy_sql = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"
        self.converters: list[tuple[int, Callable[[Any], Any]]] = [
            (i, _prep(f)) for i, f in enumerate(columns)
            if f.get_internal_type() in _CONVERTED]

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        if self.converters:
            convert = self.converters

            def prepared(row: Sequence[Any]) -> Sequence[Any]:
                values = list(row)
                for i, fn in convert:
                    values[i] = fn(values[i])
                return values

            params = [prepared(r) for r in rows]
        else:
            params = list(rows)
        if params:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(self.copy_sql) as copy:
                        for row in params:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, params)
        return len(params)


def _prep(field: Any) -> Callable[[Any], Any]:
    """The database value of a Python value, as ``field.get_db_prep_save`` gives it.

    Dates and datetimes skip the field's own checks (the generator only makes
    ``date`` objects and aware datetimes) and go straight to the backend's
    adapter: the full path costs ~14 µs a value, a third of the whole insert.
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

        def prep_date(value: Any) -> Any:
            return None if value is None else adapt_date(value)

        return prep_date
    if kind == "JSONField":
        cache: dict[str, Any] = {}

        def prep_json(value: Any) -> Any:  # few distinct values: cache them by their text
            key = repr(value)
            if key not in cache:
                cache[key] = field.get_db_prep_save(value, connection)
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
