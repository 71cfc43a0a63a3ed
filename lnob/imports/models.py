"""An import: the uploaded file, what checking it found, and what was written."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    PERSONS = "persons", _("People in need")
    NETWORKS = "networks", _("Networks")
    VOLUNTEERS = "volunteers", _("Volunteers")
    # A provider's list of recipients of a welfare scheme (imports/welfare.py):
    # matched to persons, then the benefits recorded. Not offered on /imports/
    # (it has its own page, /imports/welfare-list/, and is its creator's).
    WELFARE_LIST = "welfare_list", _("A provider's list of recipients")


# The kinds uploaded on /imports/ (a spreadsheet of records to create).
RECORD_KINDS = (ImportKind.PERSONS, ImportKind.NETWORKS, ImportKind.VOLUNTEERS)


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked — waiting for your decision")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed — nothing was imported")
    CANCELLED = "cancelled", _("Cancelled — nothing was imported")


class ImportJob(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    province_code = models.CharField(_("province"), max_length=2)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    # A provider's list: the scheme whose benefits it records.
    scheme_code = models.CharField(_("scheme"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices,
                              default=ImportStatus.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    # The first errors, for the page; all of them are in the error file.
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Valid rows that look like persons already registered: row, person, likelihood.
    likely_duplicates = models.JSONField(default=list, blank=True)
    # Persons: what each row does (counts, the first rows that are not new persons,
    # warnings of rows kept all the same, villages to create) and, once imported,
    # what was written ("written").
    outcomes = models.JSONField(default=dict, blank=True)
    problem = models.TextField(_("problem"), blank=True)  # why the whole file was refused
    done_rows = models.PositiveIntegerField(default=0)  # progress while importing
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process checking or importing it (lnob.core.jobs.current_runner); when
    # it dies, the reaper marks the job failed and keeps here the step it was at
    # ("checking" or "importing"), so that the user can retry it.
    runner = models.CharField(max_length=80, blank=True)
    interrupted = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def retryable(self) -> bool:
        """Failed because its worker died, not because of the file."""
        return self.status == ImportStatus.FAILED and bool(self.interrupted)

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.done_rows / self.valid_rows) if self.valid_rows else 0
