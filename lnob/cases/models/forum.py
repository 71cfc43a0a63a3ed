"""Community forums (เวทีประชาคม): a public meeting of an area that verifies
the people reported there. Attendance is counted by partner type; each case on
the agenda gets one decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.networks.models import PartnerType


class ForumDecision(models.TextChoices):
    VERIFIED = "verified", _("Verified: in need of care")
    NOT_TARGET = "not_target", _("Not a target of care")
    MORE_INFO = "more_info", _("Needs more information")


class Forum(models.Model):
    organiser = models.ForeignKey("networks.Network", on_delete=models.PROTECT,
                                  related_name="forums", verbose_name=_("organising network"))
    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"))
    village = models.ForeignKey("geo.Village", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("village"))
    province_code = models.CharField(max_length=2, editable=False)
    district_code = models.CharField(max_length=4, editable=False)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community forum")
        verbose_name_plural = _("community forums")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["province_code", "-held_on"], name="forum_province"),
            models.Index(fields=["district_code", "-held_on"], name="forum_district"),
            models.Index(fields=["subdistrict", "-held_on"], name="forum_subdistrict"),
        ]

    def __str__(self) -> str:
        return f"{self.subdistrict_id} {self.held_on}"

    @property
    def area_code(self) -> str:
        return str(self.subdistrict_id)


class ForumAttendance(models.Model):
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="attendance")
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    count = models.PositiveIntegerField(_("people attending"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forum", "partner_type"],
                                               name="uniq_forum_attendance")]

    def __str__(self) -> str:
        return f"{self.partner_type}: {self.count}"


class AgendaItem(models.Model):
    """A reported case brought to the forum, and what the forum decided."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="agenda_items")
    decision = models.CharField(_("decision"), max_length=12, choices=ForumDecision.choices,
                                blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["forum", "case"], name="uniq_agenda_case")]
        indexes = [
            # The cases waiting for a forum (the inbox's sections): the few
            # undecided items, not every item decided since the first forum.
            models.Index(fields=["case"], condition=models.Q(decision=""),
                         name="agenda_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.forum_id}/{self.case_id}: {self.decision or '-'}"
