"""Reading a short page of a long, joined list in two statements: the page's
ids picked from the list's own table, without its joins, then those rows read
with the joins by id.

One statement that joins and sorts lets PostgreSQL hash every joined row of
the list to keep fifty (an officer's home at 20,000 persons: 33 ms; a name
search after a flood of reports: 16 ms). Picking the ids first reads the
sorting index or the matches only; the second statement reads fifty rows by
primary key (issue 21)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar, overload

from django.db.models import QuerySet

Row = TypeVar("Row")


def first_ids(qs: QuerySet[Any], start: int, stop: int) -> list[Any]:
    """The ids of ``qs``'s rows ``start`` to ``stop`` in its order, picked
    without its joins."""
    return list(qs.select_related(None).prefetch_related(None)
                .values_list("pk", flat=True)[start:stop])


def rows_by_id(qs: QuerySet[Any], ids: Iterable[Any]) -> dict[Any, Any]:
    """These rows by id, read with ``qs``'s joins, columns and prefetches
    (unordered: the callers order them as their ids)."""
    by_id = qs.model._default_manager.filter(pk__in=list(ids)).order_by()
    by_id.query.select_related = qs.query.select_related
    by_id.query.deferred_loading = qs.query.deferred_loading
    by_id = by_id.prefetch_related(*qs._prefetch_related_lookups)  # type: ignore[attr-defined]
    return {row.pk: row for row in by_id}


def in_order(qs: QuerySet[Any], ids: list[Any]) -> list[Any]:
    """The rows of ``ids`` read with ``qs``'s joins, in the order of ``ids``
    (a row gone in between is left out)."""
    rows = rows_by_id(qs, ids) if ids else {}
    return [rows[pk] for pk in ids if pk in rows]


class IdsFirst(Generic[Row]):
    """A queryset as a Paginator's list: counted as it is, each page read
    ids first (:func:`first_ids`, then :func:`in_order`)."""

    def __init__(self, qs: QuerySet[Any]) -> None:
        self.qs = qs
        self.ordered = qs.ordered  # the Paginator warns about unordered lists

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, key: int) -> Row: ...

    @overload
    def __getitem__(self, key: slice) -> list[Row]: ...

    def __getitem__(self, key: int | slice) -> Row | list[Row]:
        if isinstance(key, int):
            rows = self[key:key + 1] if key >= 0 else []
            if not rows:
                raise IndexError(key)
            return rows[0]
        if key.step is not None or key.stop is None or (key.start or 0) < 0:
            raise TypeError("IdsFirst reads pages: a slice from a row to a row, no step")
        return in_order(self.qs, first_ids(self.qs, key.start or 0, key.stop))

    def __iter__(self) -> Iterator[Row]:
        return iter(self.qs)
