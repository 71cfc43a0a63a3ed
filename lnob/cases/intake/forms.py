"""The report forms: the public page and the hotline's fast form share one
shape; the hotline adds the person's ID and phone and the caller's contact."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.cases.intake import services as intake
from lnob.cases.models import UrgentReason
from lnob.core.forms import CitizenIdField
from lnob.geo.forms import suggest_attrs
from lnob.geo.selectors import subdistrict_matches


class ReportForm(forms.Form):
    first_name = forms.CharField(label=_("Who needs help (name, or how people call them)"),
                                 max_length=intake.MAX_NAME)
    last_name = forms.CharField(label=_("Surname, if known"), max_length=intake.MAX_NAME,
                                required=False)
    place = forms.CharField(label=_("Subdistrict (ตำบล), and district if you know it"),
                            max_length=120, required=False,
                            help_text=_("For example: เกาะเต่า เกาะพะงัน"))
    subdistrict = forms.CharField(required=False, widget=forms.HiddenInput)
    village_number = forms.IntegerField(label=_("Village number (หมู่ที่), if known"),
                                        min_value=1, max_value=99, required=False)
    address_text = forms.CharField(label=_("Where exactly (house, landmarks)"),
                                   max_length=intake.MAX_PLACE, required=False)
    summary = forms.CharField(label=_("What is wrong"), max_length=intake.MAX_SUMMARY,
                              widget=forms.Textarea(attrs={"rows": 4}))
    urgent_reasons = forms.MultipleChoiceField(
        label=_("Is it urgent?"), choices=UrgentReason.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    reporter_name = forms.CharField(label=_("Your name (leave empty to stay anonymous)"),
                                    max_length=intake.MAX_CONTACT, required=False)
    reporter_phone = forms.CharField(label=_("Your phone, if we may call you back"),
                                     max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places: list[Any] = []  # subdistricts to choose from when the name is ambiguous
        self.fields["reporter_phone"].widget.attrs.update(inputmode="tel", autocomplete="tel")
        # Suggestions as the place is typed (htmx; without JavaScript the
        # choices come after submitting, as before).
        self.fields["place"].widget.attrs.update(suggest_attrs())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = (data.get("subdistrict") or self.data.get("subdistrict_choice") or "").strip()
        if chosen.isdigit() and len(chosen) == 6:
            if self.data.get("subdistrict") != chosen and hasattr(self.data, "copy"):
                # Kept in the form's hidden field, so that the answer survives the
                # duplicate warning (the form is shown again without the choices).
                kept: Any = self.data.copy()
                kept["subdistrict"] = chosen
                self.data = kept
            return data | {"subdistrict": chosen}
        query = (data.get("place") or "").strip()
        if not query:
            self.add_error("place", _("Say which subdistrict the person is in."))
            return data
        found = subdistrict_matches(query)
        if len(found) == 1:
            return data | {"subdistrict": found[0].code}
        if not found:
            self.add_error("place", _("No subdistrict is called “%(name)s”. Check the "
                                      "spelling, or write only the subdistrict's name.")
                           % {"name": query})
        else:
            self.places = found
            self.add_error("place", _("Several subdistricts have this name: choose one."))
        return data

    def report(self) -> intake.Report:
        d = self.cleaned_data
        return intake.Report(
            first_name=d["first_name"], last_name=d.get("last_name", ""),
            subdistrict_code=d["subdistrict"], village_number=d.get("village_number"),
            address_text=d.get("address_text", ""), summary=d["summary"],
            urgent_reasons=list(d.get("urgent_reasons") or []),
            reporter_name=d.get("reporter_name", ""),
            reporter_phone=d.get("reporter_phone", ""),
            citizen_id=d.get("citizen_id", ""), phone=d.get("phone", ""))


class PublicReportForm(ReportForm):
    # A honeypot: hidden from people by CSS; bots fill every field they see.
    website = forms.CharField(required=False, label=_("Leave this empty"))


class HotlineReportForm(ReportForm):
    citizen_id = CitizenIdField(required=False)
    phone = forms.CharField(label=_("The person's phone"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter_name"].label = _("Caller's name (if given)")
        self.fields["reporter_phone"].label = _("Caller's phone (if given)")
        self.fields["phone"].widget.attrs.update(inputmode="tel")


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference number"), max_length=20)
