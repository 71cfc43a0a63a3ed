"""Matching runs: a proposal of who cares for whom, kept with its parameters
and figures. A proposal changes nothing until an officer accepts its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lnob.core.models import INTERRUPTED, AreaRun


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Proposal ready")
    FAILED = "failed", _("Failed")


class MatchingRun(AreaRun):
    params = models.JSONField(_("weights"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    error = models.JSONField(default=dict, blank=True)  # field, record, messages th/en
    # What else the run was asked: {"rebalance": [area codes], "must_serve": [need codes]}.
    options = models.JSONField(default=dict, blank=True)
    # Just after its rows were last accepted: each carer's caseload weight
    # ({"v<pk>" | "n<pk>": weight}); the next run's page compares with it.
    accepted_loads = models.JSONField(default=dict, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta(AreaRun.Meta):
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"run {self.pk} {self.scope_code or 'TH'} {self.status}"

    @classmethod
    def interrupted_error(cls) -> dict[str, str]:
        with translation.override("en"):
            english = str(INTERRUPTED)
        with translation.override("th"):
            thai = str(INTERRUPTED)
        return {"code": "interrupted", "message_en": english, "message_th": thai}


class RowKind(models.TextChoices):
    NEW = "new", _("New assignment")
    CHANGED = "changed", _("Changed carer")
    UNCHANGED = "unchanged", _("Unchanged")
    UNPLACED = "unplaced", _("No carer found")
    LEFT_OUT = "left_out", _("Left out: record to fix")


class RowDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Could not be applied")


class ProposalRow(models.Model):
    """One case's place in the proposal: its proposed carer, or why none."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="rows")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # The case's version when the run read it: a case changed since is not applied.
    case_version = models.PositiveIntegerField()
    subdistrict_code = models.CharField(max_length=6)
    kind = models.CharField(max_length=10, choices=RowKind.choices)
    volunteer = models.ForeignKey("networks.Volunteer", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    network = models.ForeignKey("networks.Network", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    previous_volunteer = models.ForeignKey("networks.Volunteer", on_delete=models.SET_NULL,
                                           null=True, blank=True, related_name="+")
    cost = models.IntegerField(default=0)
    severity = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(max_length=20, blank=True)
    # The words of an unplaced row's reason, stored until issue 19; since then only
    # ``reason`` and ``reason_params`` (lnob.matching.reasons words them when shown).
    message_th = models.CharField(max_length=500, blank=True)
    message_en = models.CharField(max_length=500, blank=True)
    # Reasons written since issue #15 are a code and its parameters, worded when shown.
    reason_params = models.JSONField(default=dict, blank=True)
    distance = models.CharField(max_length=20, blank=True)   # same_village … outside
    urgent = models.BooleanField(default=False)
    decision = models.CharField(max_length=10, choices=RowDecision.choices, blank=True)
    decision_note = models.CharField(max_length=255, blank=True)  # rows before issue 19
    # Why accepting the row failed: a code and its parameters (lnob.matching.reasons).
    decision_code = models.CharField(max_length=30, blank=True)
    decision_params = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "kind"], name="proposal_run_kind")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.case_id} {self.kind}"


class ProvinceRules(models.Model):
    """A province's matching rules, kept as data: the needs a carer must serve
    (the others stay weights) and the caseload weights of its cases."""

    province_code = models.CharField(_("province"), max_length=2, unique=True)
    must_serve = models.JSONField(_("needs that must be served"), default=list, blank=True)
    # How much of a carer's capacity a case takes, by severity and need (see
    # lnob/matching/weights.py); empty: the default rules.
    case_weights = models.JSONField(_("caseload weights"), default=dict, blank=True)

    class Meta:
        verbose_name = _("matching rules of a province")
        verbose_name_plural = _("matching rules of provinces")

    def __str__(self) -> str:
        return f"{self.province_code}: {', '.join(self.must_serve)}"


class HoleRow(models.Model):
    """Per subdistrict of the run: demand, capacity, placed, unplaced."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="holes")
    subdistrict_code = models.CharField(max_length=6)
    demand = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    placed = models.PositiveIntegerField()
    unplaced = models.PositiveIntegerField()

    class Meta:
        ordering = ["-unplaced", "subdistrict_code"]
        constraints = [models.UniqueConstraint(fields=["run", "subdistrict_code"],
                                               name="uniq_hole_row")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.subdistrict_code}: {self.unplaced}"
