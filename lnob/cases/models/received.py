"""Public reports kept at the door, waiting for the worker to file them.

The public page (and the public API) must take a flood of reports — a
broadcast of the hotline's number — without making anyone wait: the door
checks the report, counts it against the sender's hourly limit and keeps it
here with its reference number, one row in one short transaction. The
worker then files it (the person, the case, its routing, the repeat check,
the audit) a second or two later, in batches (``lnob.cases.intake.filing``;
decision 0033)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases.models.case import new_reference


class ReceivedReport(models.Model):
    reference = models.CharField(_("reference number"), max_length=11, unique=True,
                                 default=new_reference, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # The sender's address, for the audit rows written when it is filed.
    ip = models.GenericIPAddressField(null=True, blank=True)
    # What the report says (the fields of ``lnob.cases.intake.services.Report``).
    report = models.JSONField()
    # Filing failed this many times (a fault of the system, never of the
    # report, which the door checked): it stays, with the last error, for the
    # worker's next round and for the administrators (``/healthz``).
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("received public report")
        verbose_name_plural = _("received public reports")

    def __str__(self) -> str:
        return self.reference
