"""Page forms for community forums. They offer only the choices the user may
make (subdistricts where they work, networks of the province) and parse what
people type; the services decide what is valid, so the rules live in one
place and the API gets the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lnob.cases.forums.access import ROLES
from lnob.cases.forums.selectors import organisers_for
from lnob.cases.forums.services import ForumData
from lnob.cases.models import Forum
from lnob.core.access import area_codes
from lnob.core.forms import ThaiDateField, add_service_errors
from lnob.geo.forms import choose_subdistrict, suggest_attrs
from lnob.networks.models import PartnerType

Choices = list[tuple[str, Any]]

# The services name fields as the API does; the forms name them for people.
SERVICE_FIELDS = {"subdistrict_code": "where", "organiser_id": "organiser",
                  "village_code": "village_number"}


def _number(attrs: dict[str, str] | None = None) -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", **(attrs or {})})


class ForumEditForm(forms.Form):
    """What can change once a forum is recorded."""

    held_on = ThaiDateField(label=_("Date of the forum"), required=False)
    village_number = forms.IntegerField(
        label=_("Village (หมู่ที่)"), required=False,
        help_text=_("The village number, if the forum is for one village; empty for the "
                    "whole subdistrict."), widget=_number())
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("e.g. the village hall, the temple's sala"))
    minutes = forms.CharField(label=_("Minutes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, subdistrict_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subdistrict_code = subdistrict_code
        for kind, label in PartnerType.choices:
            self.fields[f"attendance_{kind}"] = forms.IntegerField(
                label=label, required=False, widget=_number({"min": "0"}))

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[f"attendance_{kind}"] for kind in PartnerType.values]

    def _village_code(self, subdistrict_code: str) -> str:
        number = self.cleaned_data.get("village_number")
        if number is None or not subdistrict_code:
            return ""
        return f"{subdistrict_code}{number:02d}" if 0 < number < 100 else str(number)

    def to_data(self) -> ForumData:
        c = self.cleaned_data
        return ForumData(
            held_on=c.get("held_on"), place=c.get("place", ""), minutes=c.get("minutes", ""),
            attendance={kind: c.get(f"attendance_{kind}") for kind in PartnerType.values},
            village_code=self._village_code(self.subdistrict_code))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, lambda key: SERVICE_FIELDS.get(
            key, key.replace("attendance.", "attendance_")))


def forum_initial(forum: Forum, attendance: list[tuple[str, str, int]]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "held_on": forum.held_on, "place": forum.place, "minutes": forum.minutes,
        "village_number": forum.village.number if forum.village else None}
    initial.update({f"attendance_{kind}": count or None for kind, _label, count in attendance})
    return initial


class ForumForm(ForumEditForm):
    """A new forum: also where it is held and who organises it."""

    def __init__(self, *args: Any, user: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The subdistrict typed by name, with suggestions in the user's areas of
        # the province (lnob.geo.forms); a code may come in the hidden field.
        codes = area_codes(user, ROLES)
        self.place_areas = [province_code] if "" in codes else sorted(
            c for c in codes if c.startswith(province_code) or province_code.startswith(c))
        self.places: list[Any] = []
        self.fields["where"] = forms.CharField(
            label=_("Subdistrict"), max_length=120, required=False,
            help_text=_("Type the subdistrict's name, and its district if you "
                        "know it: เกาะเต่า เกาะพะงัน"),
            widget=forms.TextInput(attrs=suggest_attrs(self.place_areas, box="where")))
        self.fields["subdistrict"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["organiser"] = forms.ChoiceField(
            label=_("Organising network"), required=False,
            choices=[("", "—"), *organiser_choices(province_code)])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["subdistrict"] = choose_subdistrict(self, cleaned, within=self.place_areas,
                                                    text="where", missing=None) or ""
        return cleaned

    def to_data(self) -> ForumData:
        data = super().to_data()
        code = self.cleaned_data.get("subdistrict", "")
        organiser = self.cleaned_data.get("organiser", "")
        data.subdistrict_code = code
        data.organiser_id = int(organiser) if organiser else None
        data.village_code = self._village_code(code)
        return data


def organiser_choices(province_code: str) -> list[Any]:
    """The province's networks grouped by the district they work in (those
    working in several districts in a group of their own), each labelled with
    where it works so that two networks of the same name can be told apart:
    "ชมรมผู้สูงอายุ (lead network) · ต.เกาะเต่า"."""
    several = gettext("Several districts")
    groups: dict[str, list[tuple[str, str]]] = {}
    networks = organisers_for(province_code).prefetch_related("subdistricts__district")
    for n in networks:
        places = sorted(n.subdistricts.all(), key=lambda s: s.code)
        districts = {s.district_id for s in places}
        group = places[0].district.name if len(districts) == 1 else (
            several if places else gettext("No area recorded"))
        label = gettext("%(name)s (lead network)") % {"name": n.name} if n.is_lead else n.name
        if places:
            where = places[0].name + (f" +{len(places) - 1}" if len(places) > 1 else "")
            label = f"{label} · {where}"
        groups.setdefault(group, []).append((str(n.pk), label))
    return sorted(groups.items(), key=lambda item: (item[0] in (several,), item[0]))
