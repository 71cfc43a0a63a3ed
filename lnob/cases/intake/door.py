"""The public door: a report from anyone is kept at once and filed by the
worker a second or two later (issue 21, "speed for a country"; decision
0033).

Filing a report — the person, the case, its routing to the lead networks,
the check for a repeat of an open case, the history and the audit — is a
dozen statements and most of a report's CPU. After a broadcast of the
hotline's number the public page must take hundreds of reports a second
without anyone waiting, so the door does only what must be answered at
once: it checks the report (every error the reporter can mend is said now,
naming the field), counts it against the sender's hourly limit and keeps it
with its reference number in :class:`~lnob.cases.models.ReceivedReport` —
one short transaction. The worker's catch-up round (``lnob worker``) files
what waits, in batches of :data:`BATCH` per transaction, each report in a
savepoint of its own, oldest first.

Nothing is lost while the worker is down: the reports wait, ``/healthz``
counts them and the age of the oldest, and the status page answers
"received" for a reference still waiting."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F

from lnob.cases.intake import services as intake
from lnob.cases.models import ReceivedReport
from lnob.core import audit, followups, ratelimit
from lnob.core.clientip import rate_key

log = logging.getLogger(__name__)
BATCH = 200  # reports filed in one transaction (one commit) by the worker
MAX_ATTEMPTS = 5  # a report whose filing failed so often waits for a person


def receive_public(*, report: intake.Report, request: Any = None) -> str:
    """Keeps a public report for filing and returns its reference number.
    Raises ValidationError naming the field, or TooManyReports (the sender's
    hourly limit): then nothing is kept and nothing is counted."""
    errors = intake.check(report)
    ip = audit.client_ip(request)
    with intake.saved_whatever_follows() as saved:
        # Counted in the report's transaction: a refused report counts
        # nothing (on PostgreSQL; SQLite's counter is not rolled back).
        if not ratelimit.hit(intake.PUBLIC_REPORTS, rate_key(ip)):
            raise intake.TooManyReports
        if errors:
            raise ValidationError(errors)
        kept = ReceivedReport.objects.create(ip=ip, report=dataclasses.asdict(report))
        saved["report"] = kept.reference
    return kept.reference


def _take(limit: int) -> list[ReceivedReport]:
    rows = ReceivedReport.objects.filter(attempts__lt=MAX_ATTEMPTS).order_by("id")
    if connection.vendor == "postgresql":
        # Two workers (two hosts) file different reports, never one twice.
        rows = rows.select_for_update(skip_locked=True)
    return list(rows[:limit])


def file_received(limit: int = BATCH) -> int:
    """Files up to ``limit`` waiting reports in one transaction; returns how
    many were taken (filed, or failed and kept with the error)."""
    with transaction.atomic():
        rows = _take(limit)
        filed, failed = [], []
        for row in rows:
            try:
                # Each in a savepoint of its own (report_file's): one report's
                # failure never undoes another's.
                with audit.client(row.ip):
                    intake.report_file(actor=None, report=intake.Report(**row.report),
                                       reference=row.reference)
                filed.append(row.pk)
            except (OperationalError, InterfaceError):
                raise  # the database went away: every row waits for the next round
            except Exception as err:  # a fault of the system: kept, with the error
                log.exception("The public report %s could not be filed", row.reference)
                failed.append((row.pk, _describe(err)))
        ReceivedReport.objects.filter(pk__in=filed).delete()
        for pk, error in failed:
            ReceivedReport.objects.filter(pk=pk).update(attempts=F("attempts") + 1, error=error)
    return len(rows)


def _describe(err: Exception) -> str:
    return f"{type(err).__name__}: {err}"[:2000]


def waiting() -> tuple[int, Any]:
    """How many public reports wait to be filed, and since when."""
    oldest = ReceivedReport.objects.order_by("id").values_list("received_at", flat=True).first()
    return (0, None) if oldest is None else (ReceivedReport.objects.count(), oldest)


DRAIN = "public_reports"
followups.register_drain(DRAIN, followups.Drain(run=file_received, waiting=waiting))


def file_waiting() -> int:
    """Files every waiting report now (what the worker's rounds do); returns
    how many were taken."""
    return followups.drain(DRAIN)
