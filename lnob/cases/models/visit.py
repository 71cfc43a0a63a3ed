"""Visits (การเยี่ยมบ้าน): a volunteer's follow-up of a case — what was done,
how each need changed, and when to come back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NeedChange(models.TextChoices):
    BETTER = "better", _("Better")
    SAME = "same", _("No change")
    WORSE = "worse", _("Worse")
    MET = "met", _("Met: no longer needed")


class VisitFlag(models.TextChoices):
    # A visit the phone kept offline reached the server after the case closed
    # (or otherwise left care): kept, never lost, and shown to the coordinators.
    CASE_CLOSED = "case_closed", _("Logged after the case was closed")


class Visit(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("date of the visit"))
    volunteer = models.ForeignKey("networks.Volunteer", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="visits",
                                  verbose_name=_("volunteer"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    done = models.TextField(_("what was done"))
    next_visit_on = models.DateField(_("next visit"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The phone's key for this visit (a UUID made when it was saved offline): a
    # replay of the same key answers the same visit, never a second one.
    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A database default too: the demo and benchmarks write visits in bulk SQL.
    flag = models.CharField(_("flag"), max_length=16, choices=VisitFlag.choices, blank=True,
                            default="", db_default="")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class VisitNeed(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs")
    need = models.ForeignKey("registry.Need", on_delete=models.PROTECT, related_name="+")
    change = models.CharField(_("change"), max_length=8, choices=NeedChange.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "need"], name="uniq_visit_need")]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.change}"
