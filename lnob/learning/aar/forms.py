"""Page forms for after action reviews. They offer the choices the user may
make and parse what people type; the services decide what is valid, so the
API gets the same rules and messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lnob.cases.forums.access import forums_visible_to
from lnob.core.forms import ThaiDateField, add_service_errors
from lnob.core.thaidates import format_date
from lnob.learning.aar.selectors import owner_choices, participation_of
from lnob.learning.aar.services import MILESTONE_MONTHS, AarData, ActionData
from lnob.learning.access import AAR_WRITERS
from lnob.learning.common import set_choices
from lnob.learning.models import ActionStatus, Activity, AfterActionReview
from lnob.networks.forms import area_choices
from lnob.networks.models import PartnerType

# The services name fields as the API does; the forms name them for people.
SERVICE_FIELDS = {"area_code": "area", "forum_id": "forum", "case_id": "case",
                  "owner_id": "owner", "lesson_id": "lesson"}


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, lambda key: SERVICE_FIELDS.get(  # type: ignore[arg-type]
            key, key.replace("participation.", "participation_")))


class AarForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    activity = forms.ChoiceField(label=_("What is reviewed"), choices=Activity.choices)
    area = forms.ChoiceField(label=_("Area"), required=False,
                             help_text=_("For a forum or a case, the area is theirs."))
    forum = forms.ChoiceField(label=_("Community forum"), required=False)
    case = forms.IntegerField(label=_("Case number"), required=False, min_value=1,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    milestone_month = forms.TypedChoiceField(label=_("Milestone"), required=False, coerce=int,
                                             empty_value=None)
    activity_note = forms.CharField(label=_("About the activity"), max_length=200,
                                    required=False,
                                    help_text=_("e.g. which search round, where the event was"))
    held_on = ThaiDateField(label=_("Date of the review"), required=False)
    expected = forms.CharField(label=_("What did we expect to happen?"), widget=_textarea())
    happened = forms.CharField(label=_("What actually happened?"), widget=_textarea())
    difference = forms.CharField(label=_("Why was there a difference?"), widget=_textarea())
    next_steps = forms.CharField(label=_("What will we keep doing, and what will we change?"),
                                 widget=_textarea())

    def __init__(self, *args: Any, user: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title", "expected", "happened", "difference", "next_steps"):
            self.fields[name].required = False  # the service names what is missing
        set_choices(self, "area", area_choices(user, AAR_WRITERS, province_code))
        set_choices(self, "milestone_month", [("", "—"), *(
            (m, gettext("%(months)d months after D-Day") % {"months": m})
            for m in MILESTONE_MONTHS)])
        forums = forums_visible_to(user).filter(province_code=province_code).select_related(
            "subdistrict").order_by("-held_on", "-id")[:200]
        set_choices(self, "forum", [("", "—"), *(
            (str(f.pk), f"{f.subdistrict.name} · {format_date(f.held_on, 'th')}")
            for f in forums)])
        for kind, label in PartnerType.choices:
            self.fields[f"participation_{kind}"] = forms.IntegerField(
                label=label, required=False, min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}))

    def participation_fields(self) -> list[forms.BoundField]:
        return [self[f"participation_{kind}"] for kind in PartnerType.values]

    def question_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("expected", "happened", "difference", "next_steps")]

    def to_data(self) -> AarData:
        c = self.cleaned_data
        forum = c.get("forum")
        return AarData(
            title=c.get("title", ""), area_code=c.get("area", ""), held_on=c.get("held_on"),
            activity=c.get("activity", Activity.AREA), forum_id=int(forum) if forum else None,
            case_id=c.get("case"), milestone_month=c.get("milestone_month"),
            activity_note=c.get("activity_note", ""), expected=c.get("expected", ""),
            happened=c.get("happened", ""), difference=c.get("difference", ""),
            next_steps=c.get("next_steps", ""),
            participation={k: c.get(f"participation_{k}") for k in PartnerType.values})


def aar_initial(aar: AfterActionReview) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "title": aar.title, "activity": aar.activity, "area": aar.area_code,
        "forum": str(aar.forum_id or ""), "case": aar.case_id,
        "milestone_month": aar.milestone_month, "activity_note": aar.activity_note,
        "held_on": aar.held_on, "expected": aar.expected, "happened": aar.happened,
        "difference": aar.difference, "next_steps": aar.next_steps}
    initial.update({f"participation_{kind}": count or None
                    for kind, _label, count in participation_of(aar)})
    return initial


class LessonForm(forms.Form):
    text = forms.CharField(label=_("Lesson"), max_length=500, widget=_textarea(2),
                           required=False)
    tags = forms.CharField(label=_("Tags"), max_length=600, required=False,
                           help_text=_("Separated by commas, e.g. ชุมชนต้นแบบ, อาสาสมัคร"))


class ActionForm(ServiceErrorsMixin, forms.Form):
    text = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.ChoiceField(label=_("Who will do it"), required=False)
    due_on = ThaiDateField(label=_("Due date"), required=False)
    lesson = forms.ChoiceField(label=_("From the lesson"), required=False)

    def __init__(self, *args: Any, aar: AfterActionReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "owner", [("", "—"), *(
            (str(u.pk), f"{u.get_full_name() or u.get_username()} ({u.get_username()})")
            for u in owner_choices(aar))])
        set_choices(self, "lesson", [("", "—"), *(
            (str(lesson.pk), lesson.text[:80]) for lesson in aar.lessons.order_by("id"))])

    def to_data(self) -> ActionData:
        c = self.cleaned_data
        return ActionData(text=c.get("text", ""), due_on=c.get("due_on"),
                          owner_id=int(c["owner"]) if c.get("owner") else None,
                          lesson_id=int(c["lesson"]) if c.get("lesson") else None)


class ActionCloseForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AarFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    activity = forms.ChoiceField(label=_("What is reviewed"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    date_from = ThaiDateField(label=_("From"), required=False)
    date_to = ThaiDateField(label=_("To"), required=False)
    open_actions = forms.BooleanField(label=_("With open follow-up actions"), required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "province", [("", gettext("All your areas")), *provinces])
        set_choices(self, "activity", [("", "—"), *Activity.choices])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext("The end of the period is before its start."))
        return data
