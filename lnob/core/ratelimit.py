"""Limits per client or per user, counted atomically in the database so that
they hold across processes and hosts (one row per key and window; an upsert
that returns the new count).

The count is a sliding window estimated from two fixed ones, as large
services do: ``previous × (share of it still inside the window) + current``.
It never lets a sender through twice the limit at a window's edge, and costs
one statement (an upsert that also reads the window before).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction

from lnob.core.models import RateCounter

_PURGE_EVERY = 600.0  # seconds between deletions of old windows, per process
_last_purge = [0.0]


@dataclass(frozen=True)
class Limit:
    """``count`` events per ``period`` seconds for one kind of action."""

    scope: str
    count: int
    period: int


def _upsert(key: str, window: int, previous: int) -> tuple[int, int]:
    """The new count of this window and the count of the window before, in
    one statement (one round trip)."""
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 — table name from the model
            "ON CONFLICT (key, window_start) DO UPDATE "
            f"SET count = {table}.count + 1 RETURNING count, "
            f"(SELECT p.count FROM {table} p WHERE p.key = %s AND p.window_start = %s)",
            [key, window, key, previous])
        current, before = cursor.fetchone()
        return int(current), int(before or 0)


def _estimate(limit: Limit, key: str, current: int, window: int, now: float,
              previous: int | None = None) -> float:
    if previous is None:
        previous = (RateCounter.objects.filter(key=key, window_start=window - limit.period)
                    .values_list("count", flat=True).first() or 0)
    inside = 1.0 - (now - window) / limit.period
    return previous * inside + current


def hit(limit: Limit, ident: str, *, now: float | None = None) -> bool:
    """Counts one event for ``ident``; False when it goes past the limit (the
    caller refuses the request). Runs in the caller's transaction, if any: a
    refused or rolled-back request then counts nothing on PostgreSQL, and
    parallel requests of one sender queue on the counter's row."""
    now = time.time() if now is None else now
    window = int(now) - int(now) % limit.period
    key = f"{limit.scope}:{ident}"
    # No savepoint of its own (two round trips less): one statement, whose
    # failure fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        current, previous = _upsert(key, window, window - limit.period)
        allowed = _estimate(limit, key, current, window, now, previous) <= limit.count
    _purge_old(now)
    return allowed


def remaining(limit: Limit, ident: str, *, now: float | None = None) -> int:
    """How many more events ``ident`` may have now (nothing is counted)."""
    now = time.time() if now is None else now
    window = int(now) - int(now) % limit.period
    key = f"{limit.scope}:{ident}"
    current = (RateCounter.objects.filter(key=key, window_start=window)
               .values_list("count", flat=True).first() or 0)
    return max(0, int(limit.count - _estimate(limit, key, current, window, now)))


def _purge_old(now: float) -> None:
    if now - _last_purge[0] < _PURGE_EVERY:
        return
    _last_purge[0] = now
    # The longest limit is a day; older windows can no longer count.
    RateCounter.objects.filter(window_start__lt=int(now) - 2 * 86400).delete()
