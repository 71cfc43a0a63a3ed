"""Coverage roll-ups, indicators, the roadmap and its snapshots.

``SubdistrictSummary`` holds one row per subdistrict (7,436), computed from
the persons, cases, forums and care capacity of that subdistrict;
``AreaRollup`` holds the same figures for every district, province and the
nation (1,006 rows), summed from the subdistrict rows. Pages and the API read
these two tables only, never the person table.

Figures that depend on the day they are read (a forum dated next week is not
held yet; how long people have waited) are kept as histograms of dates, so a
stored row never goes stale with the calendar: the reader counts the dates up
to the day it asks about.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.core.i18n import localised


class Figures(models.Model):
    """What every level counts. Person counts follow ``Person.status`` (which
    mirrors the person's latest case); ``found`` is everyone reported but
    duplicates."""

    found = models.PositiveIntegerField(default=0)
    reported = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    in_care = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    # Care capacity: a network's capacity is shared out evenly over the
    # subdistricts it covers (so that sums over areas stay exact); volunteers
    # count here only when they belong to no network (a network's capacity
    # already counts its own volunteers' work).
    network_capacity = models.PositiveIntegerField(default=0)
    volunteer_capacity = models.PositiveIntegerField(default=0)
    networks = models.PositiveIntegerField(default=0)
    lead_networks = models.PositiveIntegerField(default=0)
    volunteers = models.PositiveIntegerField(default=0)
    funds = models.PositiveIntegerField(default=0)
    committees = models.PositiveIntegerField(default=0)
    forums = models.PositiveIntegerField(default=0)  # recorded, whatever their date
    search_rounds = models.PositiveIntegerField(default=0)  # recorded; ก.1 as people found are
    # {target group id: persons} (found, less rejected)
    by_group = models.JSONField(default=dict)
    # {need id: verified, assigned or in-care persons with that need}
    need_demand = models.JSONField(default=dict)
    # {need id: capacity of the givers that serve that need}
    need_capacity = models.JSONField(default=dict)
    # {ISO date: forums on that date}
    forum_dates = models.JSONField(default=dict)
    # {days: cases}: report → verification, verification → first visit
    days_to_verify = models.JSONField(default=dict)
    days_to_visit = models.JSONField(default=dict)
    # Their medians, kept with them so that a list of areas reads no histogram.
    median_days_to_verify = models.FloatField(null=True, blank=True)
    median_days_to_visit = models.FloatField(null=True, blank=True)
    # {step: {ISO date: cases}} — open cases at a step since that date
    # (reported, verified, assigned) or due for a visit on it (visit_due)
    waiting = models.JSONField(default=dict)
    # {"YYYY-MM": n}: persons reported, cases verified, cases starting care
    found_months = models.JSONField(default=dict)
    verified_months = models.JSONField(default=dict)
    care_months = models.JSONField(default=dict)
    # {"<contributor>.<key>": n}: figures apps above coverage add through
    # ``lnob.coverage.contributors`` (offers and givers; residents). A
    # subdistrict's are its own; a district's and a province's are counted
    # straight from the contributor's tables (distinct there); the nation's
    # are the sum of the provinces'.
    contributed = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def capacity(self) -> int:
        return self.network_capacity + self.volunteer_capacity

    @property
    def open_verified(self) -> int:
        """Verified people not yet closed: those who need a carer or have one."""
        return self.verified + self.assigned + self.in_care

    @property
    def load(self) -> int:
        return self.assigned + self.in_care

    @property
    def remaining(self) -> int:
        return self.capacity - self.load


class SubdistrictSummary(Figures):
    code = models.CharField(max_length=6, primary_key=True)
    province_code = models.CharField(max_length=2, db_index=True)
    district_code = models.CharField(max_length=4, db_index=True)
    has_fund = models.BooleanField(default=False)  # ก.4: a fund of the area or above it
    first_forum_on = models.DateField(null=True, blank=True)  # ก.2 from this day on

    class Meta:
        verbose_name = _("subdistrict summary")
        verbose_name_plural = _("subdistrict summaries")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RollupDirty(models.Model):
    """A subdistrict whose refresh came while a full rebuild held the roll-up
    lock: the rebuild (or the next refresh) recomputes it once the lock is
    free, so the change is never lost and the report never waits."""

    code = models.CharField(max_length=6)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class AreaLevel(models.TextChoices):
    NATION = "nation", _("Thailand")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")


class AreaRollup(Figures):
    """A district, a province or the nation (code ""), summed from the
    subdistrict rows. Networks, volunteers, funds and committees are counted
    once per area (a network covering ten subdistricts is one network)."""

    code = models.CharField(max_length=4, primary_key=True, blank=True)
    level = models.CharField(max_length=10, choices=AreaLevel.choices)
    province_code = models.CharField(max_length=2, blank=True, db_index=True)
    subdistricts = models.PositiveIntegerField(default=0)
    lead_covered = models.PositiveIntegerField(default=0)  # subdistricts with a lead network
    k1 = models.PositiveIntegerField(default=0)  # … where people were reported or searched for
    k3 = models.PositiveIntegerField(default=0)  # … with active volunteers
    k4 = models.PositiveIntegerField(default=0)  # … with a fund
    k5 = models.PositiveIntegerField(default=0)  # … with a subdistrict committee
    # {ISO date: subdistricts whose first forum was that day} (ก.2)
    k2_dates = models.JSONField(default=dict)
    # the same for subdistricts holding ก.1, ก.3, ก.4 and ก.5: all five from that day
    all5_dates = models.JSONField(default=dict)
    unserved = models.PositiveIntegerField(default=0)  # verified people, no giver
    need_short = models.PositiveIntegerField(default=0)  # demand over capacity for a need

    class Meta:
        verbose_name = _("area roll-up")
        verbose_name_plural = _("area roll-ups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code or "TH"


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Indicator(models.Model):
    """A measured figure (ตัวชี้วัด): a formula over the roll-ups' figures
    (see ``lnob.coverage.indicators.VARIABLES``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    formula = models.CharField(_("formula"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices,
                                 default=Direction.UP)
    # Whether the public may see it: figures about people are shown to the
    # public only when the counts behind them are not suppressed.
    people_inputs = models.JSONField(_("person counts it is computed from"), default=list,
                                     blank=True)
    sort = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self.name_th, self.name_en)

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS.get(self.unit, self.unit))


UNIT_LABELS = {"%": "%", "people": _("people"), "days": _("days"), "forums": _("forums"),
               "per 100": _("per 100"), "per 1000": _("per 1,000 residents")}
MILESTONE_MONTHS = (3, 6, 9, 12)


class RoadmapStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: waiting for the committee chair")
    APPROVED = "approved", _("Approved by the committee chair")


class Roadmap(models.Model):
    """A province's launch day (D-Day) and whether the chair of its province
    committee approved its targets."""

    province_code = models.CharField(_("province"), max_length=2, unique=True)
    d_day = models.DateField(_("launch day (D-Day)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RoadmapStatus.choices,
                              default=RoadmapStatus.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")

    def __str__(self) -> str:
        return f"{self.province_code} {self.d_day}"


class MilestoneTarget(models.Model):
    """The target of an indicator at 3, 6, 9 or 12 months after D-Day: the
    national default (province code "") or a province's own."""

    province_code = models.CharField(max_length=2, blank=True)
    month = models.PositiveSmallIntegerField(_("month"))
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    target = models.FloatField(_("target"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province_code", "month", "indicator"],
                                    name="uniq_milestone_target"),
            models.CheckConstraint(condition=models.Q(month__in=MILESTONE_MONTHS),
                                   name="milestone_month_3_6_9_12"),
        ]

    def __str__(self) -> str:
        return f"{self.province_code or 'TH'} {self.month}m {self.indicator_id}={self.target}"


class SnapshotKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    MILESTONE = "milestone", _("Milestone")
    MANUAL = "manual", _("Taken by hand")


class Snapshot(models.Model):
    """The figures and indicator values of an area (a province, or "" for
    the nation) as they were on a day: a past milestone reads these."""

    area_code = models.CharField(max_length=2, blank=True)
    taken_on = models.DateField()
    kind = models.CharField(max_length=10, choices=SnapshotKind.choices)
    figures = models.JSONField(default=dict)
    indicators = models.JSONField(default=dict)  # {code: value or null}
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area_code", "taken_on"]
        constraints = [models.UniqueConstraint(fields=["area_code", "taken_on"],
                                               name="uniq_snapshot_area_day")]

    def __str__(self) -> str:
        return f"{self.area_code or 'TH'} {self.taken_on}"


class SearchRound(models.Model):
    """A search round (การค้นหา): an organised effort to find people in a
    subdistrict, recorded by the provincial office or a network coordinator.
    One held there gives the subdistrict ก.1 (searching) even before anyone
    is reported."""

    subdistrict = models.ForeignKey("geo.Subdistrict", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("subdistrict"))
    province_code = models.CharField(max_length=2, editable=False)
    district_code = models.CharField(max_length=4, editable=False)
    held_on = models.DateField(_("date held"))
    searched_by = models.CharField(_("who searched"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("search round")
        verbose_name_plural = _("search rounds")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["province_code", "-held_on"], name="search_round_province"),
            models.Index(fields=["district_code", "-held_on"], name="search_round_district"),
            models.Index(fields=["subdistrict", "-held_on"], name="search_round_subdistrict"),
        ]

    def __str__(self) -> str:
        return f"{self.subdistrict_id} {self.held_on}"

    @property
    def area_code(self) -> str:
        return str(self.subdistrict_id)
