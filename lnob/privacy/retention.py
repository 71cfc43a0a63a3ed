"""How long LNOB keeps each kind of record, and the purge that applies it
(``lnob retention``: a dry run that counts, then ``--apply``).

The periods are settings (days), documented in docs/security.md:
- the audit log: LNOB_AUDIT_RETENTION_DAYS (default 730; the Computer Crime Act
  asks for at least 90, so less is refused);
- uploaded import files: kept while the import waits, deleted at once when it
  failed or was cancelled, LNOB_IMPORT_FILE_DAYS (default 30) after it was done;
- rate-limit counters: 2 days;
- persons with no open case whose last case closed LNOB_PERSON_RETENTION_YEARS
  (default 10) ago are anonymised (their counts stay), unless a request of
  theirs is under a legal hold;
- givers' contact details (name, phone, e-mail, what they wrote) on their
  offers are forgotten LNOB_GIVER_RETENTION_MONTHS (default 24) after their
  last offer was used or declined, when none is open (issue 17): the offers
  and the count of givers stay.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_AUDIT_DAYS = 90  # Computer Crime Act B.E. 2550 s.26


@dataclass(frozen=True)
class Rule:
    key: str
    title: Any
    due: Callable[[datetime.datetime], QuerySet[Any]]
    purge: Callable[[QuerySet[Any], Any], int]


def _days(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _audit_due(now: datetime.datetime) -> QuerySet[Any]:
    from lnob.core.models import AuditEvent

    days = max(MIN_AUDIT_DAYS, _days("AUDIT_RETENTION_DAYS", 730))
    return AuditEvent.objects.filter(at__lt=now - datetime.timedelta(days=days))


def _audit_purge(rows: QuerySet[Any], actor: Any) -> int:
    # The only deletion of audit rows there is: by age, after the legal minimum.
    return int(rows._raw_delete(rows.db))


def _files_due(now: datetime.datetime) -> QuerySet[Any]:
    from lnob.imports.models import ImportJob, ImportStatus

    kept = now - datetime.timedelta(days=_days("IMPORT_FILE_DAYS", 30))
    return ImportJob.objects.exclude(file="").filter(
        Q(status__in=[ImportStatus.FAILED, ImportStatus.CANCELLED])
        | Q(status=ImportStatus.DONE, created_at__lt=kept))


def _files_purge(jobs: QuerySet[Any], actor: Any) -> int:
    done = 0
    for job in jobs.iterator():
        job.file.delete(save=False)
        type(job).objects.filter(pk=job.pk).update(file="")
        done += 1
    return done


def _counters_due(now: datetime.datetime) -> QuerySet[Any]:
    from lnob.core.models import RateCounter

    return RateCounter.objects.filter(window_start__lt=int(now.timestamp()) - 2 * 86400)


def _delete(rows: QuerySet[Any], actor: Any) -> int:
    return int(rows.delete()[0])


def _persons_due(now: datetime.datetime) -> QuerySet[Any]:
    from lnob.cases.workflow import OPEN_STATES
    from lnob.privacy.models import SubjectRequest
    from lnob.registry.models import Person

    years = _days("PERSON_RETENTION_YEARS", 10)
    before = now - datetime.timedelta(days=365 * years)
    held = SubjectRequest.objects.filter(legal_hold=True).values("person_id")
    return (Person.objects.filter(erased_at=None).exclude(cases__status__in=OPEN_STATES)
            .exclude(pk__in=held).annotate(last_closed=Max("cases__closed_at"))
            .filter(last_closed__lt=before))


def _persons_purge(persons: QuerySet[Any], actor: Any) -> int:
    from lnob.cases.services import cases_anonymise
    from lnob.learning.stories.services import story_people_forget
    from lnob.registry.services import person_anonymise

    done = 0
    for person in persons.iterator():
        cases_anonymise(actor=actor, person=person)
        story_people_forget(person_id=person.pk)
        person_anonymise(actor=actor, person=person)
        done += 1
    return done


def _givers_due(now: datetime.datetime) -> QuerySet[Any]:
    """Offers whose giver's contact details are due to be forgotten: every
    offer made with that phone is closed (used or declined) and none was
    made, decided or used in the last LNOB_GIVER_RETENTION_MONTHS (default
    24), and no request of that giver is under a legal hold."""
    from lnob.giving.models import Offer, OfferStatus
    from lnob.giving.services import ANONYMOUS_PREFIX
    from lnob.privacy.models import SubjectRequest

    months = _days("GIVER_RETENTION_MONTHS", 24)
    before = now - datetime.timedelta(days=30 * months)
    closed = (OfferStatus.USED, OfferStatus.DECLINED)
    still_open = Offer.objects.exclude(status__in=closed).values("giver_phone")
    recent = Offer.objects.filter(Q(created_at__gte=before) | Q(decided_at__gte=before)
                                  | Q(used_at__gte=before)).values("giver_phone")
    held = SubjectRequest.objects.filter(legal_hold=True).exclude(
        giver_phone="").values("giver_phone")
    return (Offer.objects.exclude(giver_phone__startswith=ANONYMOUS_PREFIX)
            .exclude(giver_phone__in=still_open).exclude(giver_phone__in=recent)
            .exclude(giver_phone__in=held))


def _givers_purge(offers: QuerySet[Any], actor: Any) -> int:
    from lnob.giving.services import givers_anonymise

    return givers_anonymise(actor=actor, offers=offers, why="retention")


RULES = [
    Rule("audit", _("Audit log rows past the retention period"), _audit_due, _audit_purge),
    Rule("import_files", _("Uploaded import files no longer needed"), _files_due,
         _files_purge),
    Rule("rate_counters", _("Rate-limit counters older than 2 days"), _counters_due, _delete),
    Rule("persons", _("Persons whose last case closed long ago (anonymised)"), _persons_due,
         _persons_purge),
    Rule("givers", _("Offers whose giver's contact details are forgotten (givers with no "
                     "offer open or recent)"), _givers_due, _givers_purge),
]


def retention_run(*, actor: Any, apply: bool, now: datetime.datetime | None = None
                  ) -> dict[str, int]:
    """Per rule, how many records are due (dry run) or were purged (apply)."""
    from lnob.core import audit
    from lnob.core.models import AuditAction

    now = now or timezone.now()
    counts = {}
    for rule in RULES:
        due = rule.due(now)
        counts[rule.key] = rule.purge(due, actor) if apply else due.count()
    if apply:
        audit.record(AuditAction.DELETE, actor=actor, object_type="privacy.retention",
                     detail=counts)
    return counts
