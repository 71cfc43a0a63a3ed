"""Follow-ups: the work a request leaves for the worker.

A public report must answer at once with its reference number, but some of
what a new person and case change is heavy and need not be current to the
second: the duplicate index (the person's features and blocking keys) and the
coverage roll-ups. Inside :func:`deferred`, the apps that do that work
(``lnob.dedup``, ``lnob.coverage``, through their receivers of
``persons_changed`` and ``areas_changed``) call :func:`defer` instead of
doing it: the keys are written as :class:`~lnob.core.models.FollowUp` rows in
the request's own transaction (one INSERT for all of them, so a rolled-back
report leaves none), and the worker's catch-up thread (``lnob worker``, every
``LNOB_CATCHUP_SECONDS``) takes them in batches and runs the handler the app
registered (:func:`register`).

Beside the keyed follow-ups, an app may register a *drain*
(:func:`register_drain`): work kept in a table of its own (the public
reports received at the door, ``lnob.cases.intake.door``), done first in each
round so that the follow-ups it leaves are done in the same round.

Eventually consistent: a report is in the figures and the duplicate index a
second or two after it is saved while the worker runs (``/healthz`` shows
how many follow-ups wait and the age of the oldest). Nothing is lost when the
worker is down: the rows wait, and ``lnob rollup --verify`` (and anyone
calling :func:`catch_up`) does them first. A handler that fails leaves its
rows for the next round (its transaction rolls back).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lnob.core.models import FollowUp

log = logging.getLogger(__name__)
Handler = Callable[[list[str]], Any]
HANDLERS: dict[str, Handler] = {}


@dataclass(frozen=True)
class Drain:
    """Work an app keeps in its own table: ``run()`` does a batch of it and
    returns how many it did (0 when none waits); ``waiting()`` says how many
    wait and since when (``(count, oldest datetime or None)``)."""

    run: Callable[[], int]
    waiting: Callable[[], tuple[int, Any]]


DRAINS: dict[str, Drain] = {}
BATCH = 5000
_notes: contextvars.ContextVar[dict[str, set[str]] | None] = contextvars.ContextVar(
    "lnob_followups", default=None)


def register(kind: str, handler: Handler) -> None:
    """``handler(keys)`` does the work of these keys (it runs in a transaction
    that also takes them: if it raises, they stay for the next round)."""
    HANDLERS[kind] = handler


def register_drain(name: str, work: Drain) -> None:
    DRAINS[name] = work


def drain(name: str) -> int:
    """Does a drain's waiting work until none is left; how many items."""
    done = 0
    while (did := DRAINS[name].run()) > 0:
        done += did
    return done


def drain_all() -> int:
    """Does all the drains' waiting work (before counting or verifying
    figures it changes); returns how many items were done."""
    return sum(drain(name) for name in sorted(DRAINS))


def active() -> bool:
    return _notes.get() is not None


def defer(kind: str, keys: Iterable[Any]) -> bool:
    """Inside :func:`deferred`: notes the keys and returns True (the caller
    does nothing more now); outside it, False (the caller does the work)."""
    notes = _notes.get()
    if notes is None:
        return False
    notes.setdefault(kind, set()).update(str(k) for k in keys if k not in (None, ""))
    return True


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Inside a transaction: the follow-ups noted in the block are written
    (one INSERT) when it ends without an error, still in the transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("follow-ups are deferred inside the writer's transaction")
    notes: dict[str, set[str]] = {}
    token = _notes.set(notes)
    try:
        yield
    finally:
        _notes.reset(token)
    now = timezone.now()
    rows = [FollowUp(kind=kind, key=key, at=now)
            for kind, keys in sorted(notes.items()) for key in sorted(keys)]
    if rows:
        FollowUp.objects.bulk_create(rows)


def _take(kind: str, limit: int) -> list[str]:
    """Takes (deletes) up to ``limit`` waiting keys of a kind, in the caller's
    transaction; on PostgreSQL rows another worker is taking are skipped."""
    table = connection.ops.quote_name(FollowUp._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(  # the table's name from the model; values are parameters
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608
                "WHERE kind = %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING key",
                [kind, limit])
            keys = [row[0] for row in cursor.fetchall()]
    else:
        taken = list(FollowUp.objects.filter(kind=kind).order_by("id")
                     .values_list("id", "key")[:limit])
        FollowUp.objects.filter(id__in=[pk for pk, _key in taken]).delete()
        keys = [key for _pk, key in taken]
    return sorted(set(keys))


def catch_up(kinds: Iterable[str] | None = None, *, limit: int = BATCH) -> int:
    """Does the waiting follow-ups (of these kinds; all registered ones, and
    the drains first, by default) until none waits; returns how many keys
    (and drained items) were done."""
    done = 0
    if kinds is None:
        done += drain_all()
    # A plain read first: no write transaction (SQLite's write lock) when
    # nothing waits, which is most seconds.
    waiting_kinds = set(FollowUp.objects.values_list("kind", flat=True).distinct())
    for kind in sorted(HANDLERS if kinds is None else kinds):
        handler = HANDLERS.get(kind)
        if handler is None or kind not in waiting_kinds:
            continue
        while True:
            with transaction.atomic():
                keys = _take(kind, limit)
                if keys:
                    handler(keys)
            done += len(keys)
            if len(keys) < limit:
                break
    return done


def catch_up_quietly() -> int:
    """:func:`catch_up` for the worker's loop, which must never stop on it."""
    done = 0
    for name in sorted(DRAINS):  # first: what they do leaves follow-ups for below
        try:
            done += drain(name)
        except DatabaseError as err:
            log.warning("%s could not be done now: %s; it waits for the next round", name, err)
        except Exception:
            log.exception("%s failed; what waits is kept for the next round", name)
    for kind in sorted(HANDLERS):  # one failing kind never holds the others back
        try:
            done += catch_up([kind])
        except DatabaseError as err:
            log.warning("Follow-ups (%s) could not be done now: %s; they wait for the "
                        "next round", kind, err)
        except Exception:
            log.exception("A follow-up (%s) failed; its rows wait for the next round", kind)
    return done


def waiting() -> dict[str, Any]:
    """How many follow-ups wait, and how old the oldest is (seconds); the
    same of each drain under its name."""
    oldest = FollowUp.objects.order_by("id").values_list("at", flat=True).first()
    now = timezone.now()
    found: dict[str, Any] = {
        "waiting": FollowUp.objects.count() if oldest is not None else 0,
        "oldest_seconds": None if oldest is None else round((now - oldest).total_seconds())}
    for name, work in sorted(DRAINS.items()):
        count, since = work.waiting()
        found[name] = {"waiting": count, "oldest_seconds": None if since is None else
                       round((now - since).total_seconds())}
    return found
