"""Every write to an after action review goes through here: recording and
changing a review, adding lessons, turning a lesson into follow-up actions and
closing them. Each service checks the actor's role and area, collects every
problem at once and writes nothing if there is one; the change and its audit
row land together."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases.access import cases_visible_to
from lnob.cases.forums.access import forums_visible_to
from lnob.core import audit
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.learning import common
from lnob.learning.access import may_own_action, may_write_aar
from lnob.learning.common import Errors, add, raise_if
from lnob.learning.figures import indicators_at
from lnob.learning.models import (
    AarParticipation,
    ActionStatus,
    Activity,
    AfterActionReview,
    FollowUpAction,
    Lesson,
)
from lnob.learning.stories import consent
from lnob.registry.access import persons_visible_to

MAX_TITLE = 200
MAX_ANSWER = 10_000
MAX_NOTE = 200
MAX_LESSON = 500
MAX_ACTION = 300
MILESTONE_MONTHS = (3, 6, 9, 12)
QUESTIONS = ("expected", "happened", "difference", "next_steps")


def question_labels() -> dict[str, str]:
    return {"expected": _("What did we expect to happen?"),
            "happened": _("What actually happened?"),
            "difference": _("Why was there a difference?"),
            "next_steps": _("What will we keep doing, and what will we change?")}


@dataclass
class AarData:
    """What a form or the API gives to record or change a review."""

    title: str = ""
    area_code: str = ""
    held_on: datetime.date | None = None
    activity: str = Activity.AREA
    forum_id: int | None = None
    case_id: int | None = None
    milestone_month: int | None = None
    activity_note: str = ""
    expected: str = ""
    happened: str = ""
    difference: str = ""
    next_steps: str = ""
    participation: Mapping[str, Any] = field(default_factory=dict)  # partner type → people


@dataclass
class _Clean:
    fields: dict[str, Any]
    participation: dict[str, int]


def _activity(errors: Errors, actor: User, data: AarData, fields: dict[str, Any]) -> str:
    """Links the activity and returns the area it belongs to ("" when the
    review names its area itself)."""
    fields.update(forum=None, case=None, milestone_month=None)
    if data.activity not in Activity.values:
        add(errors, "activity", _("Choose what the review is about."))
        return ""
    if data.activity == Activity.FORUM:
        forum = forums_visible_to(actor).filter(pk=data.forum_id or 0).first()
        if forum is None:
            add(errors, "forum_id", _("Choose a community forum of your areas."))
            return ""
        fields["forum"] = forum
        return str(forum.subdistrict_id)
    if data.activity == Activity.CASE:
        case = cases_visible_to(actor).filter(pk=data.case_id or 0).first()
        if case is None:
            add(errors, "case_id", _("Give the number of a case of your areas."))
            return ""
        fields["case"] = case
        return str(case.subdistrict_id)
    if data.activity == Activity.MILESTONE:
        if data.milestone_month not in MILESTONE_MONTHS:
            add(errors, "milestone_month", _("Choose the milestone: 3, 6, 9 or 12 months."))
        fields["milestone_month"] = data.milestone_month
    return ""


def _validate(actor: User, data: AarData) -> _Clean:
    errors: Errors = {}
    labels = question_labels()
    fields: dict[str, Any] = {
        "title": common.text(errors, "title", data.title, MAX_TITLE, _("Title"), required=True),
        "activity": data.activity,
        "activity_note": common.text(errors, "activity_note", data.activity_note, MAX_NOTE,
                                     _("About the activity")),
    }
    for key in QUESTIONS:
        fields[key] = common.text(errors, key, getattr(data, key), MAX_ANSWER, labels[key],
                                  required=True)
    linked_area = _activity(errors, actor, data, fields)
    code = linked_area or (data.area_code or "").strip()
    levels = (2,) if data.activity in (Activity.D_DAY, Activity.MILESTONE) else (2, 4, 6)
    found = common.area(errors, "area_code", code, levels=levels) if not (
        errors.get("forum_id") or errors.get("case_id")) else None
    if found is not None and not may_write_aar(actor, found.code):
        add(errors, "area_code", _("%(name)s is outside the areas you work in.") % {
            "name": found.name})
    if found is not None:
        fields["area_code"] = found.code
        fields["province_code"] = found.code[:2]
    if data.held_on is None:
        add(errors, "held_on", _("Give the date of the review."))
    elif data.held_on > timezone.localdate():
        add(errors, "held_on", _("A review is held after the activity, and this date is in "
                                 "the future: check the year (Buddhist Era, e.g. 2569)."))
    fields["held_on"] = data.held_on
    counts = common.participation(errors, "participation", data.participation)
    raise_if(errors)
    return _Clean(fields, counts)


def _write_participation(aar: AfterActionReview, counts: dict[str, int]) -> None:
    aar.participation.all().delete()
    AarParticipation.objects.bulk_create(
        [AarParticipation(aar=aar, partner_type=k, count=v) for k, v in counts.items()])


def _find_names(actor: User, aar: AfterActionReview) -> None:
    """The registry people of the province (that the writer may see) whom the
    review names in full."""
    text = "\n".join(getattr(aar, key) for key in ("title", *QUESTIONS))
    aar.named_person_ids = consent.named_in(text, persons_visible_to(actor).filter(
        province_code=aar.province_code))


def _refresh_indicators(aar: AfterActionReview) -> None:
    aar.indicators = [v.as_dict() for v in indicators_at(aar.area_code, aar.held_on)]
    aar.indicators_on = aar.held_on if aar.indicators else None


@transaction.atomic
def aar_create(*, actor: User, data: AarData, request: HttpRequest | None = None
               ) -> AfterActionReview:
    clean = _validate(actor, data)
    aar = AfterActionReview(**clean.fields, created_by=actor)
    _refresh_indicators(aar)
    _find_names(actor, aar)
    aar.save()
    _write_participation(aar, clean.participation)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=aar,
                 area_code=aar.area_code, detail={"activity": aar.activity})
    return aar


@transaction.atomic
def aar_update(*, actor: User, aar: AfterActionReview, data: AarData,
               request: HttpRequest | None = None) -> AfterActionReview:
    if not may_write_aar(actor, aar.area_code):
        raise NotAllowed("not_aar_writer", _("Your role cannot write after action reviews here."))
    clean = _validate(actor, data)
    before = (aar.area_code, aar.held_on)
    for name, value in clean.fields.items():
        setattr(aar, name, value)
    if (aar.area_code, aar.held_on) != before:
        _refresh_indicators(aar)
    _find_names(actor, aar)
    aar.updated_at = timezone.now()
    aar.save()
    _write_participation(aar, clean.participation)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=aar,
                 area_code=aar.area_code, detail={"fields": sorted(clean.fields)})
    return aar


@transaction.atomic
def lesson_add(*, actor: User, aar: AfterActionReview, text: str, tags: Any = None,
               request: HttpRequest | None = None) -> Lesson:
    if not may_write_aar(actor, aar.area_code):
        raise NotAllowed("not_aar_writer", _("Your role cannot write after action reviews here."))
    errors: Errors = {}
    clean = common.text(errors, "text", text, MAX_LESSON, _("Lesson"), required=True)
    names = common.tag_names(errors, "tags", tags)
    raise_if(errors)
    lesson = Lesson.objects.create(aar=aar, text=clean)
    lesson.tags.set(common.tags_for(names))
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=lesson,
                 area_code=aar.area_code, detail={"aar": aar.pk, "tags": names})
    return lesson


@dataclass
class ActionData:
    text: str = ""
    owner_id: int | None = None
    due_on: datetime.date | None = None
    lesson_id: int | None = None


@transaction.atomic
def action_add(*, actor: User, aar: AfterActionReview, data: ActionData,
               request: HttpRequest | None = None) -> FollowUpAction:
    if not may_write_aar(actor, aar.area_code):
        raise NotAllowed("not_aar_writer", _("Your role cannot write after action reviews here."))
    errors: Errors = {}
    text = common.text(errors, "text", data.text, MAX_ACTION, _("Action"), required=True)
    lesson = None
    if data.lesson_id is not None:
        lesson = aar.lessons.filter(pk=data.lesson_id).first()
        if lesson is None:
            add(errors, "lesson_id", _("Choose a lesson of this review."))
    owner = User.objects.filter(pk=data.owner_id or 0, is_active=True).first()
    if owner is None:
        add(errors, "owner_id", _("Choose who will do it."))
    elif not may_own_action(owner, aar):
        add(errors, "owner_id", _("%(name)s does not work in this area, so could not see "
                                  "the review: choose someone who does.") % {
            "name": owner.get_full_name() or owner.get_username()})
    if data.due_on is None:
        add(errors, "due_on", _("Give the date it is due."))
    elif data.due_on < aar.held_on:
        add(errors, "due_on", _("The due date is before the review was held."))
    if errors or owner is None or data.due_on is None:
        raise ValidationError(errors)
    action = FollowUpAction.objects.create(aar=aar, lesson=lesson, text=text, owner=owner,
                                           due_on=data.due_on, created_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=action,
                 area_code=aar.area_code, detail={"aar": aar.pk, "owner": owner.pk,
                                                  "due_on": data.due_on.isoformat()})
    return action


@transaction.atomic
def action_close(*, actor: User, action: FollowUpAction, status: str, note: str = "",
                 request: HttpRequest | None = None) -> FollowUpAction:
    """Done or dropped, by its owner or a writer of the review's area; a
    closed action can be opened again (``status="open"``)."""
    if action.owner_id != actor.pk and not may_write_aar(actor, action.aar.area_code):
        raise NotAllowed("not_aar_writer", _(
            "Only the owner or a writer of the review may close it."))
    errors: Errors = {}
    if status not in ActionStatus.values:
        add(errors, "status", _("Choose done, dropped or open."))
    clean = common.text(errors, "note", note, MAX_ACTION, _("Note"))
    raise_if(errors)
    closing = status != ActionStatus.OPEN
    updated = FollowUpAction.objects.filter(pk=action.pk).update(
        status=status, closed_note=clean, closed_by=actor if closing else None,
        closed_at=timezone.now() if closing else None)
    if not updated:
        raise FollowUpAction.DoesNotExist
    action.refresh_from_db()
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=action,
                 area_code=action.aar.area_code, detail={"status": status})
    return action
