"""Reads of after action reviews, always starting from what the user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lnob.core.models import RoleGrant, User
from lnob.learning.access import AAR_READERS, aars_visible_to, sees_personal_data
from lnob.learning.models import (
    ActionStatus,
    Activity,
    AfterActionReview,
    FollowUpAction,
    Tag,
)
from lnob.learning.redact import name_patterns, redact
from lnob.networks.models import PartnerType

QUESTIONS = ("expected", "happened", "difference", "next_steps")


@dataclass
class AarFilters:
    q: str = ""
    area: str = ""  # a province, district or subdistrict code: the reviews inside it
    activity: str = ""
    tag: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    open_actions: bool = False


def aar_list(user: Any, filters: AarFilters) -> QuerySet[AfterActionReview]:
    qs = aars_visible_to(user)
    if filters.area:
        qs = qs.filter(area_code__startswith=filters.area)
    if filters.activity:
        qs = qs.filter(activity=filters.activity)
    if filters.date_from:
        qs = qs.filter(held_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(held_on__lte=filters.date_to)
    if filters.tag:
        qs = qs.filter(lessons__tags__key=filters.tag.casefold())
    if filters.q:
        words = filters.q.split()[:5]
        for word in words:
            qs = qs.filter(Q(title__icontains=word) | Q(happened__icontains=word)
                           | Q(expected__icontains=word) | Q(difference__icontains=word)
                           | Q(next_steps__icontains=word) | Q(lessons__text__icontains=word))
    if filters.open_actions:
        qs = qs.filter(actions__status=ActionStatus.OPEN)
    return qs.annotate(
        lesson_count=Count("lessons", distinct=True),
        open_count=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
    ).order_by("-held_on", "-id").distinct()


def participation_of(aar: AfterActionReview) -> list[tuple[str, str, int]]:
    """(partner type, its label, people), zeros included, in the order of the types."""
    counts = dict(aar.participation.values_list("partner_type", "count"))
    return [(value, str(label), counts.get(value, 0)) for value, label in PartnerType.choices]


def lessons_of(aar: AfterActionReview) -> list[Any]:
    return list(aar.lessons.prefetch_related("tags").order_by("id"))


def actions_of(aar: AfterActionReview) -> QuerySet[FollowUpAction]:
    return aar.actions.select_related("owner", "lesson").order_by("status", "due_on", "id")


def followups_of(user: Any) -> QuerySet[FollowUpAction]:
    """The open follow-up actions the user owns, soonest due first."""
    if not getattr(user, "is_authenticated", False):
        return FollowUpAction.objects.none()
    return (FollowUpAction.objects.filter(owner=user, status=ActionStatus.OPEN)
            .select_related("aar").order_by("due_on", "id"))


def owner_choices(aar: AfterActionReview) -> QuerySet[User]:
    """Who may own an action of this review: whoever can read it (a reader's
    role on the review's area or an area containing it)."""
    code = aar.area_code
    containing = {"", code[:2], code[:4], code[:6]}
    users = RoleGrant.objects.filter(role__in=[str(r) for r in AAR_READERS],
                                     area_code__in=containing).values("user_id")
    return User.objects.filter(pk__in=users, is_active=True).order_by("first_name", "username")


def tags_in_use() -> QuerySet[Tag]:
    return Tag.objects.annotate(n=Count("lessons", distinct=True) + Count(
        "stories", distinct=True)).filter(n__gt=0).order_by("name")


def milestone_aars(user: Any, province_code: str) -> dict[int, list[AfterActionReview]]:
    """The province's reviews of its milestones, by month."""
    found: dict[int, list[AfterActionReview]] = {}
    for aar in aars_visible_to(user).filter(province_code=province_code,
                                            activity=Activity.MILESTONE).order_by("held_on"):
        found.setdefault(aar.milestone_month or 0, []).append(aar)
    return found


def overdue_count(user: Any) -> int:
    return followups_of(user).filter(due_on__lt=timezone.localdate()).count()


def shown_to(user: Any, aar: AfterActionReview) -> AfterActionReview:
    """The review as this user may read it, never to be saved: for the roles
    that see no personal data (committee members, analysts), citizen IDs and
    the names of registry people the writers typed are hidden in its title,
    answers, lessons and actions. Lessons and actions come with it as
    ``shown_lessons`` and ``shown_actions``."""
    lessons, actions = lessons_of(aar), list(actions_of(aar))
    if not sees_personal_data(user, aar.area_code):
        patterns = name_patterns(aar.named_person_ids or [])
        for key in ("title", "activity_note", *QUESTIONS):
            setattr(aar, key, redact(getattr(aar, key), patterns))
        for item in (*lessons, *actions):
            item.text = redact(item.text, patterns)
    aar.shown_lessons = lessons  # type: ignore[attr-defined]
    aar.shown_actions = actions  # type: ignore[attr-defined]
    return aar
