"""The one way to write the audit log."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.http import HttpRequest

from lnob.core import clientip
from lnob.core.models import AuditAction, AuditEvent, User

_batch: contextvars.ContextVar[list[AuditEvent] | None] = contextvars.ContextVar(
    "lnob_audit_batch", default=None)
_client: contextvars.ContextVar[str | None] = contextvars.ContextVar("lnob_audit_client",
                                                                    default=None)


@contextlib.contextmanager
def client(ip: str | None) -> Iterator[None]:
    """Work done later for a client who is gone (the worker filing a public
    report): the rows recorded in the block carry that client's address."""
    token = _client.set(ip)
    try:
        yield
    finally:
        _client.reset(token)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Inside a transaction: the rows recorded in the block are written
    together (one INSERT) when it ends without an error — for a hot path that
    records several (a public report: its person, its case, the report)."""
    rows: list[AuditEvent] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    if rows:
        AuditEvent.objects.bulk_create(rows)


def client_ip(request: HttpRequest | None) -> str | None:
    return clientip.client_ip(request)


def record(
    action: AuditAction | str,
    *,
    actor: User | Any | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    area_code: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. ``actor`` defaults to the request's user; ``obj``
    fills object type and id. Runs inside the caller's transaction, so a change
    and its audit row land together or not at all."""
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        action=str(action),
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        object_type=object_type,
        object_id=object_id,
        area_code=area_code,
        ip=client_ip(request) if request is not None else _client.get(),
        detail=detail or {},
    )
    rows = _batch.get()
    if rows is None:
        event.save(force_insert=True)
    else:  # written at the end of the batch
        rows.append(event)
    return event
