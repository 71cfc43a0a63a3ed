"""Reads of dashboards, reports and exports from a streaming replica.

Optional: with ``LNOB_REPLICA_URL`` set, the settings add a ``replica``
database (a PostgreSQL hot standby) and this router sends it some reads —
only where a second or two of lag can never mislead:

- only inside :func:`replica_reads` (the middleware below turns it on for
  GET and HEAD requests of the views named in ``LNOB_REPLICA_VIEWS``: the
  coverage dashboards and roll-up pages, the public dashboard, the list
  exports), never for a page that writes and reads back;
- only models of the apps in ``REPLICA_APPS`` (figures and records), never
  users, sessions, sign-in, roles, audit or tasks (``core``, ``auth``, …): a
  session just written on the primary must not be missed on the replica;
- never inside a transaction on the primary (it must see its own writes).

Every write goes to the primary; migrations run only there. Without a
replica configured every read and write uses ``default``.

A standby that is down never takes a page down: before a page reads from it
the middleware checks its connection (the health check Django does anyway);
one that does not answer is left alone for ``LNOB_REPLICA_RETRY_SECONDS``
(30) and the page reads the primary, and a page whose read fails on the
replica half-way is served again from the primary. A streamed export cut by
the replica's failure stays cut (its audit says so).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Apps whose rows a dashboard, report or export reads; others stay on the primary.
REPLICA_APPS = frozenset({"coverage", "geo", "registry", "cases", "networks", "matching",
                          "dedup", "learning"})
_reading = contextvars.ContextVar("lnob_replica_reads", default=False)
log = logging.getLogger(__name__)
# Until when (time.monotonic()) this process reads the primary instead of a
# replica that did not answer.
_down_until = [0.0]


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads(on: bool = True) -> Iterator[None]:
    """Within the block, reads of :data:`REPLICA_APPS` models may go to the
    replica (when one is configured)."""
    token = _reading.set(on)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        if (_reading.get() and replica_configured()
                and model._meta.app_label in REPLICA_APPS
                and not connections["default"].in_atomic_block):
            return REPLICA
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def replica_usable() -> bool:
    """Whether the replica answers now (a connection that is open and
    usable, or a new one); a replica that does not is marked down for
    ``LNOB_REPLICA_RETRY_SECONDS`` and the primary serves meanwhile."""
    if time.monotonic() < _down_until[0]:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as err:
        replica_down(err)
        return False
    return True


def replica_down(err: BaseException) -> None:
    seconds = float(getattr(settings, "LNOB_REPLICA_RETRY_SECONDS", 30))
    _down_until[0] = time.monotonic() + seconds
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()
    log.warning("Replica database unreachable (%s): reading the primary for the next %.0f s",
                str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__,
                seconds)


def replica_view(request: HttpRequest) -> bool:
    """Whether this request may read from the replica: a GET or HEAD of a
    view named in ``LNOB_REPLICA_VIEWS``."""
    match = getattr(request, "resolver_match", None)
    return (request.method in ("GET", "HEAD") and match is not None
            and match.url_name in getattr(settings, "LNOB_REPLICA_VIEWS", ()))


class ReplicaReadsMiddleware:
    """Turns :func:`replica_reads` on for the views that may use it — for the
    whole response, a streamed export included — and off for every other
    request (set at the start of each, so nothing carries over)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _reading.set(False)
        response = self.get_response(request)
        if getattr(response, "streaming", False) and _reading.get():
            response.streaming_content = _streamed(  # type: ignore[attr-defined]
                response.streaming_content)  # type: ignore[attr-defined]
        _reading.set(False)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        _reading.set(replica_configured() and replica_view(request) and replica_usable())

    def process_exception(self, request: HttpRequest,
                          exception: Exception) -> HttpResponse | None:
        """A page whose read failed on the replica (it went down meanwhile)
        is served again, whole, from the primary."""
        if not (_reading.get() and isinstance(exception, DatabaseError)
                and _failed_on_replica()):
            return None
        replica_down(exception)
        _reading.set(False)
        match = request.resolver_match
        if match is None:
            return None
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response  # Django renders a template response after this


def _failed_on_replica() -> bool:
    """Whether the replica's connection is broken (not a bad query that
    would fail on the primary too)."""
    replica = connections[REPLICA]
    if replica.connection is None:
        return True
    try:
        return not replica.is_usable()
    except DatabaseError:
        return True


def _streamed(parts: Any) -> Iterator[Any]:
    """A streamed body whose rows are read with replica reads on, and off
    while each part is away being sent."""
    iterator = iter(parts)
    try:
        while True:
            _reading.set(True)
            try:
                part = next(iterator)
            except StopIteration:
                return
            _reading.set(False)
            yield part
    finally:
        _reading.set(False)
