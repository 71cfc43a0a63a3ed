"""The form that asks for a report; the service decides what is valid."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lnob.core.forms import ThaiDateField, add_service_errors
from lnob.learning.common import set_choices
from lnob.learning.models import ReportKind
from lnob.learning.reports.services import ReportData

SERVICE_FIELDS = {"area_code": "province", "story_ids": "stories"}


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    province = forms.ChoiceField(label=_("Province"), required=False)
    period_start = ThaiDateField(label=_("Period from"), required=False)
    period_end = ThaiDateField(label=_("Period to"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("th", "ไทย"), ("en", "English")])
    thai_digits = forms.BooleanField(label=_("Thai digits (๑๒๓)"), required=False)
    stories = forms.CharField(label=_("Stories to include"), required=False, max_length=200,
                              help_text=_("Numbers of published stories, separated by commas; "
                                          "empty: the latest ones."))

    def __init__(self, *args: Any, kinds: list[str], provinces: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReportKind.choices)
        set_choices(self, "kind", [(k, labels[k]) for k in kinds])
        set_choices(self, "province", [("", "—"), *provinces])

    def clean_stories(self) -> list[int]:
        parts = [p for p in re.split(r"[\s,;]+", self.cleaned_data.get("stories", "")) if p]
        if any(not p.isdigit() for p in parts):
            raise ValidationError(gettext("Give story numbers (digits), separated by commas."))
        return [int(p) for p in parts]

    def to_data(self) -> ReportData:
        c = self.cleaned_data
        return ReportData(kind=c.get("kind", ""), area_code=c.get("province", ""),
                          period_start=c.get("period_start"), period_end=c.get("period_end"),
                          thai_digits=c.get("thai_digits", False),
                          language=c.get("language", "th"), story_ids=c.get("stories", []))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, SERVICE_FIELDS)
