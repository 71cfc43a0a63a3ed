"""Official reports: a province's progress report, the national summary and a
Cabinet-style one-page brief. Each is generated in the background for a
period, kept with the figures it was made from (so the page on screen and the
PDF say the same thing), and downloaded as PDF. No personal data is in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PROVINCE = "province", _("Provincial progress report")
    NATIONAL = "national", _("National summary")
    CABINET = "cabinet", _("Cabinet brief")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be generated")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    # A province code for a provincial report; "" for the nation.
    area_code = models.CharField(_("area"), max_length=2, blank=True, db_index=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    thai_digits = models.BooleanField(_("Thai digits"), default=False)
    language = models.CharField(_("language"), max_length=2, default="th")
    # The published stories chosen for the report (ids); none: the latest ones.
    story_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices,
                              default=ReportStatus.QUEUED)
    # Everything the report shows, computed once when it is generated.
    data = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", max_length=200, blank=True)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F(
            "period_start")), name="report_period_in_order")]

    def __str__(self) -> str:
        return f"{self.kind} {self.area_code or 'TH'} {self.period_start}–{self.period_end}"
