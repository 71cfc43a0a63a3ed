"""Requests of data subjects under the PDPA (ss. 30–36): who asked for what
about which person, and the 30-day clock the law gives for the answer."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ANSWER_WITHIN_DAYS = 30  # PDPA s.30: answer within 30 days of the request


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access: a copy of everything held (s.30)")
    CORRECTION = "correction", _("Correction (s.35)")
    RESTRICTION = "restriction", _("Restriction of processing (s.34)")
    OBJECTION = "objection", _("Objection to processing (s.32)")
    ERASURE = "erasure", _("Erasure or anonymisation (s.33)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused (with the reason)")


class SubjectRequest(models.Model):
    """A request of one data subject: a person of the registry, or a giver
    (issue 17), known by the phone their offers were made with."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("person"))
    giver_phone = models.CharField(_("giver's phone"), max_length=20, blank=True,
                                   db_index=True)
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due by"))
    requester = models.CharField(_("who asked (the person or their representative)"),
                                 max_length=150, blank=True)
    note = models.TextField(_("what was asked"), blank=True)
    legal_hold = models.BooleanField(
        _("legal hold (a law or a court requires keeping the data)"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    outcome = models.TextField(_("answer"), blank=True)
    area_code = models.CharField(max_length=6, editable=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="privacy_request_due")]
        constraints = [models.CheckConstraint(
            condition=(models.Q(person__isnull=False) & models.Q(giver_phone=""))
            | (models.Q(person__isnull=True) & ~models.Q(giver_phone="")),
            name="privacy_request_one_subject")]

    def __str__(self) -> str:
        subject = f"#{self.person_id}" if self.person_id else "giver"
        return f"{self.get_kind_display()} {subject} ({self.status})"

    @property
    def is_giver(self) -> bool:
        return not self.person_id

    @property
    def overdue(self) -> bool:
        return self.status == RequestStatus.OPEN and self.due_on < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days

    @staticmethod
    def due_from(received_on: datetime.date) -> datetime.date:
        return received_on + datetime.timedelta(days=ANSWER_WITHIN_DAYS)
