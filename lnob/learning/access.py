"""Who reads and writes after action reviews, good stories and reports.

AARs and reports carry no personal data: the people who run an area and
those who review its progress read them (officers, coordinators, committee
members, national analysts, administrators); officers, coordinators and
administrators write AARs. Stories are written by the same roles; a
provincial officer (or an administrator) of the area reviews and publishes
them. Published stories are public. Outside the user's areas: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lnob.core.access import area_q, covers, grants_of
from lnob.core.roles import PERSONAL_DATA_ROLES, allowed
from lnob.learning.models import AfterActionReview, FollowUpAction, Report, Story, StoryStatus

AAR_READERS = allowed("aars.read")
AAR_WRITERS = allowed("aars.write")
STORY_WRITERS = allowed("stories.write")
STORY_READERS = allowed("stories.read")
# "Reviewed by a provincial officer": the secretariat of the province.
STORY_REVIEWERS = allowed("stories.review")
REPORT_READERS = AAR_READERS
PROVINCE_REPORTERS = allowed("official_reports.province")
NATIONAL_REPORTERS = allowed("official_reports.national")


# After action reviews

def aars_visible_to(user: Any) -> QuerySet[AfterActionReview]:
    return AfterActionReview.objects.filter(area_q(user, "area_code", AAR_READERS))


def aar_for(user: Any, pk: int) -> AfterActionReview:
    aar = aars_visible_to(user).filter(pk=pk).select_related(
        "forum", "forum__subdistrict", "case", "created_by").first()
    if aar is None:
        raise Http404
    return aar


def may_write_aar(user: Any, area_code: str) -> bool:
    return covers(user, area_code, AAR_WRITERS)


def sees_personal_data(user: Any, area_code: str) -> bool:
    """Whether the user works with named people in this area (else names and
    IDs typed into a review are hidden from them)."""
    return covers(user, area_code, PERSONAL_DATA_ROLES)


def may_own_action(user: Any, aar: AfterActionReview) -> bool:
    """A follow-up's owner must be able to open the review it came from."""
    return covers(user, aar.area_code, AAR_READERS)


def action_for(user: Any, pk: int) -> FollowUpAction:
    """An action the user owns, or one of a review the user may write."""
    action = FollowUpAction.objects.select_related("aar", "owner").filter(pk=pk).first()
    if action is None or not (action.owner_id == getattr(user, "pk", None)
                              or may_write_aar(user, action.aar.area_code)):
        raise Http404
    return action


# Good stories

def stories_visible_to(user: Any) -> QuerySet[Story]:
    """Every story of the user's areas, whatever its status (not the public view)."""
    return Story.objects.filter(area_q(user, "area_code", STORY_READERS))


def story_for(user: Any, pk: int) -> Story:
    story = stories_visible_to(user).filter(pk=pk).first()
    if story is None:
        raise Http404
    return story


def may_write_story(user: Any, area_code: str) -> bool:
    return covers(user, area_code, STORY_WRITERS)


def may_review_story(user: Any, story: Story) -> bool:
    return covers(user, story.area_code, STORY_REVIEWERS)


def published_stories() -> QuerySet[Story]:
    return Story.objects.filter(status=StoryStatus.PUBLISHED)


def may_see_photo_of(user: Any, story: Story) -> bool:
    if story.status == StoryStatus.PUBLISHED:
        return True
    return covers(user, story.area_code, STORY_READERS)


# Reports

def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Provincial reports of the user's provinces; national ones for nationwide readers."""
    codes = {g.area_code for g in grants_of(user, REPORT_READERS)}
    if "" in codes:
        return Report.objects.all()
    if not codes:
        return Report.objects.none()
    provinces = {code[:2] for code in codes}
    return Report.objects.filter(Q(area_code__in=provinces) & ~Q(area_code=""))


def report_for(user: Any, pk: int) -> Report:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def may_request_report(user: Any, kind: str, area_code: str) -> bool:
    if kind == "province":
        return len(area_code) == 2 and covers(user, area_code, PROVINCE_REPORTERS)
    return any(g.area_code == "" for g in grants_of(user, NATIONAL_REPORTERS))
