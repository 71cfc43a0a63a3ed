"""Deduplication in the product: each person's comparable features and blocking keys
(kept as the person is saved), batch runs, the review queue of pairs, and merges
that can be undone. The pure engine is ``lnob.dedup.engine``; see docs/dedup.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.core.models import AreaRun


class PersonFeatures(models.Model):
    """The engine's features of one person (``engine.normalise``), stored so that a
    batch run reads them instead of normalising everyone again. Stale when the
    person's version or the engine's features version moved on."""

    person = models.OneToOneField("registry.Person", on_delete=models.CASCADE,
                                  primary_key=True, related_name="dedup_features")
    person_version = models.PositiveIntegerField()
    features_version = models.PositiveIntegerField()
    province_code = models.CharField(max_length=2, db_index=True)
    title = models.CharField(max_length=10, null=True)
    sex = models.CharField(max_length=1, null=True)
    first = models.CharField(max_length=100, null=True)
    first_fold = models.CharField(max_length=100, null=True, db_index=True)
    first_sound = models.CharField(max_length=20, null=True)
    last = models.CharField(max_length=100, null=True)
    last_fold = models.CharField(max_length=100, null=True)
    last_sound = models.CharField(max_length=20, null=True)
    dob_y = models.IntegerField(null=True)
    dob_m = models.IntegerField(null=True)
    dob_d = models.IntegerField(null=True)
    dob_year_only = models.BooleanField(default=False)
    dob_key = models.CharField(max_length=10, null=True)
    cid = models.CharField(max_length=13, null=True)
    cid_ok = models.BooleanField(default=False)
    phone = models.CharField(max_length=10, null=True)
    sd = models.CharField(max_length=6, null=True)
    district = models.CharField(max_length=4, null=True)
    village = models.CharField(max_length=8, null=True)
    house = models.CharField(max_length=30, null=True)
    thin = models.BooleanField(default=False)
    thin_reasons = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"features of person {self.person_id}"


class BlockingKey(models.Model):
    """One blocking key of a person (``engine.blocking_keys``), as a 64-bit hash of
    rule and key: the persons sharing a key with a new record are its candidates."""

    key = models.BigIntegerField()
    person = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="dedup_key_person")]

    def __str__(self) -> str:
        return f"key {self.key} of person {self.person_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DedupRun(AreaRun):
    """A batch search for duplicates in a province or the whole country ("")."""

    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.QUEUED)
    error = models.CharField(max_length=500, blank=True)

    class Meta(AreaRun.Meta):
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")

    def __str__(self) -> str:
        return f"dedup run {self.pk} {self.scope_code or 'TH'} {self.status}"


class PairStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    LATER = "later", _("Decide later")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


class CandidatePair(models.Model):
    """Two records that may be one person, waiting for (or holding) a person's
    decision. ``left`` has the smaller id. A pair marked "not the same person" is
    remembered and never proposed again."""

    left = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey("registry.Person", on_delete=models.CASCADE, related_name="+")
    # The province of each record: the queue of a province holds pairs touching it.
    left_province = models.CharField(max_length=2, db_index=True)
    right_province = models.CharField(max_length=2, db_index=True)
    probability = models.FloatField()
    match_weight = models.FloatField()
    suggestion = models.CharField(max_length=10)  # the engine's decision: merge / review
    thin = models.BooleanField(default=False)
    evidence = models.JSONField(default=dict)  # Match.as_dict()
    status = models.CharField(_("decision"), max_length=10, choices=PairStatus.choices,
                              default=PairStatus.PENDING)
    run = models.ForeignKey(DedupRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="pairs")
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="uniq_dedup_pair"),
            models.CheckConstraint(condition=models.Q(left__lt=models.F("right")),
                                   name="dedup_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="dedup_pair_queue")]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} {self.status}"


class Merge(models.Model):
    """One record merged into another: what moved, so that it can be undone."""

    kept = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("record kept"))
    merged = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("record merged into it"))
    pair = models.ForeignKey(CandidatePair, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="merges")
    # Ids of the rows moved and the values changed, for the undo (see merge.py).
    moved = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-at", "-id"]
        constraints = [
            # A record is merged away at most once at a time.
            models.UniqueConstraint(fields=["merged"], condition=models.Q(undone_at=None),
                                    name="uniq_dedup_active_merge"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id}→{self.kept_id}"

    @property
    def active(self) -> bool:
        return self.undone_at is None
