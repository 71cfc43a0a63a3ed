"""After Action Reviews (AAR, การทบทวนหลังการปฏิบัติ): what we expected, what
happened, why there was a difference and what we will keep or change — for an
activity (a forum, a search round, a D-Day, a milestone, a case) or for an
area as a whole. Lessons are tagged; a lesson becomes follow-up actions with
an owner and a due date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.networks.models import PartnerType


class Activity(models.TextChoices):
    AREA = "area", _("The area as a whole")
    FORUM = "forum", _("Community forum")
    SEARCH_ROUND = "search_round", _("Search round")
    D_DAY = "d_day", _("Launch day (D-Day)")
    MILESTONE = "milestone", _("Milestone")
    CASE = "case", _("Case")


class Tag(models.Model):
    """A word that groups lessons and stories: ชุมชนต้นแบบ (model community),
    การมีส่วนร่วม… ``key`` is the name folded for matching, so "Model
    community" and "model  community" are one tag."""

    name = models.CharField(_("name"), max_length=50)
    key = models.CharField(max_length=50, unique=True, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AfterActionReview(models.Model):
    title = models.CharField(_("title"), max_length=200)
    activity = models.CharField(_("activity"), max_length=12, choices=Activity.choices,
                                default=Activity.AREA)
    forum = models.ForeignKey("cases.Forum", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("community forum"))
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("case"))
    milestone_month = models.PositiveSmallIntegerField(_("milestone (months after D-Day)"),
                                                       null=True, blank=True)
    # Which search round, which event: free text where there is no record to link.
    activity_note = models.CharField(_("about the activity"), max_length=200, blank=True)
    # The area reviewed: a province, district or subdistrict code.
    area_code = models.CharField(_("area"), max_length=6, db_index=True)
    province_code = models.CharField(max_length=2, editable=False, db_index=True)
    held_on = models.DateField(_("date of the review"))
    expected = models.TextField(_("What did we expect to happen?"))
    happened = models.TextField(_("What actually happened?"))
    difference = models.TextField(_("Why was there a difference?"))
    next_steps = models.TextField(_("What will we keep doing, and what will we change?"))
    # The indicators of the area as the roll-ups gave them on ``indicators_on``:
    # [{"code", "name_th", "name_en", "unit", "value"}]. Kept, so the review
    # still says what the figures were when it was held.
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    indicators_on = models.DateField(null=True, blank=True)
    # Registry people whose full name the answers mention (found when saved):
    # hidden from the roles that see no personal data, and the writer warned.
    named_person_ids = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("after action review")
        verbose_name_plural = _("after action reviews")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["province_code", "-held_on"], name="aar_province")]

    def __str__(self) -> str:
        return self.title


class AarParticipation(models.Model):
    aar = models.ForeignKey(AfterActionReview, on_delete=models.CASCADE,
                            related_name="participation")
    partner_type = models.CharField(_("partner type"), max_length=20, choices=PartnerType.choices)
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["aar", "partner_type"],
                                               name="uniq_aar_participation")]

    def __str__(self) -> str:
        return f"{self.partner_type}: {self.count}"


class Lesson(models.Model):
    aar = models.ForeignKey(AfterActionReview, on_delete=models.CASCADE, related_name="lessons")
    text = models.CharField(_("lesson"), max_length=500)
    tags = models.ManyToManyField(Tag, blank=True, related_name="lessons",
                                  verbose_name=_("tags"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class FollowUpAction(models.Model):
    """What someone will do because of a lesson, by when. Open actions show in
    the owner's inbox."""

    aar = models.ForeignKey(AfterActionReview, on_delete=models.CASCADE, related_name="actions")
    lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="actions", verbose_name=_("lesson"))
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="followup_actions", verbose_name=_("owner"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN)
    closed_note = models.CharField(_("note"), max_length=300, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner_due")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < timezone.localdate()
