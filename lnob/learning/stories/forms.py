"""Page forms for good stories; the services decide what is valid."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lnob.core.forms import add_service_errors
from lnob.learning.access import STORY_WRITERS
from lnob.learning.common import set_choices
from lnob.learning.models import Story, StoryPerson
from lnob.learning.stories.services import StoryData
from lnob.networks.forms import area_choices
from lnob.networks.models import Network

SERVICE_FIELDS = {"area_code": "area", "network_ids": "networks", "person_ids": "persons"}


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False,
                              help_text=_("One or two sentences shown in lists and the feed."))
    body = forms.CharField(label=_("Story"), required=False,
                           widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Plain text; an empty line starts a new paragraph."))
    area = forms.ChoiceField(label=_("Area"), required=False)
    networks = forms.MultipleChoiceField(label=_("Networks involved"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    tags = forms.CharField(label=_("Tags"), max_length=600, required=False,
                           help_text=_("Separated by commas, e.g. ชุมชนต้นแบบ, อาสาสมัคร"))
    persons = forms.CharField(
        label=_("People of the registry in the story"), max_length=500, required=False,
        help_text=_("Their numbers in the registry, separated by commas. A story is published "
                    "only when everyone in it has consented to publication."))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "area", area_choices(user, STORY_WRITERS, province_code))
        set_choices(self, "networks", [
            (str(n.pk), gettext("%(name)s (lead network)") % {"name": n.name}
             if n.is_lead else n.name)
            for n in Network.objects.filter(province_code=province_code, active=True).order_by(
                "-is_lead", "name")[:300]])

    def clean_persons(self) -> list[int]:
        raw = self.cleaned_data.get("persons", "")
        parts = [p for p in re.split(r"[\s,;]+", raw) if p]
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            raise ValidationError(gettext("Give the people's registry numbers (digits), "
                                          "separated by commas."))
        return [int(p) for p in parts]

    def to_data(self) -> StoryData:
        c = self.cleaned_data
        return StoryData(title=c.get("title", ""), summary=c.get("summary", ""),
                         body=c.get("body", ""), area_code=c.get("area", ""),
                         network_ids=[int(i) for i in c.get("networks", [])],
                         tags=c.get("tags", ""), person_ids=c.get("persons", []))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)


def story_initial(story: Story) -> dict[str, Any]:
    return {
        "title": story.title, "summary": story.summary, "body": story.body,
        "area": story.area_code, "version": story.version,
        "networks": [str(pk) for pk in story.networks.values_list("pk", flat=True)],
        "tags": ", ".join(story.tags.values_list("name", flat=True)),
        "persons": ", ".join(str(pid) for pid in StoryPerson.objects.filter(
            story=story).values_list("person_id", flat=True)),
    }


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={
                                "accept": "image/jpeg,image/png,image/webp"}))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "province", [("", gettext("All provinces")), *provinces])
