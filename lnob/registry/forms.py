"""The person form: parses what people type (Thai dates, IDs with dashes);
the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lnob.core.access import area_codes
from lnob.core.citizen_id import mask_citizen_id
from lnob.core.forms import CitizenIdField, ThaiDateField, add_service_errors
from lnob.core.thaidates import ThaiDateError, parse_date
from lnob.geo.forms import choose_subdistrict, place_label_of, suggest_attrs
from lnob.geo.models import Subdistrict
from lnob.registry.access import EDITORS
from lnob.registry.models import (
    ConsentPurpose,
    ConsentStatus,
    LawfulBasis,
    NoCitizenIdReason,
    Person,
    Sex,
    Source,
)
from lnob.registry.selectors import taxonomy_for
from lnob.registry.services import ConsentData, PersonData, birth_date_problem

SEVERITIES = [("0", "—"), ("1", _("1 low")), ("2", _("2 moderate")), ("3", _("3 high")),
              ("4", _("4 critical"))]
# Service error keys that are not form field names.
ERROR_FIELDS = {"subdistrict": "place", "village": "village_number",
                "needs": None, "household": None, "source_network": "source_network"}


class PersonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"list": "titles"}))
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.OTHER)
    birth_date = ThaiDateField(label=_("Birth date (or year only)"), required=False,
                               allow_year_only=True)
    citizen_id = CitizenIdField(required=False)
    # Editing never shows the stored ID (masked roles would read it in the
    # input's value): an empty box keeps it, this box removes it.
    remove_citizen_id = forms.BooleanField(label=_("Remove the recorded citizen ID"),
                                           required=False)
    no_citizen_id_reason = forms.ChoiceField(
        label=_("If there is no citizen ID, why"), required=False,
        choices=[("", "—"), *NoCitizenIdReason.choices])
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    # Typed by name with suggestions (lnob.geo.forms); a code may come in the
    # hidden field instead (a household's address, or a client that knows it).
    place = forms.CharField(label=_("Subdistrict where the person lives"), max_length=120,
                            required=False,
                            help_text=_("Type the subdistrict's name, and its district if you "
                                        "know it: เกาะเต่า เกาะพะงัน"))
    subdistrict = forms.CharField(required=False, widget=forms.HiddenInput)
    village_number = forms.IntegerField(label=_("Village (หมู่ที่)"), required=False,
                                        min_value=1, max_value=99)
    house_number = forms.CharField(label=_("House number"), max_length=30, required=False)
    address_text = forms.CharField(label=_("Address details"), max_length=255, required=False)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label=_("Reported by"), choices=Source.choices)
    source_network = forms.ChoiceField(label=_("Reporting network"), required=False)
    source_note = forms.CharField(label=_("Source details"), max_length=255, required=False)
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, person: Person | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None and person.citizen_id_problem:
            self.fields["citizen_id"] = CitizenIdField(required=False, kept=person.citizen_id)
            self.fields["citizen_id"].help_text = _(
                "This ID was kept as written by an import and is not verified (%(problem)s): "
                "check it against the ID card and correct it.") % {
                "problem": person.get_citizen_id_problem_display()}
        self.places: list[Subdistrict] = []  # to choose from when the name is ambiguous
        self.place_areas = sorted(area_codes(user, EDITORS))
        self.fields["place"].widget.attrs.update(suggest_attrs(self.place_areas))
        provinces = sorted({c[:2] for c in area_codes(user, EDITORS) if c})
        groups, needs = taxonomy_for(provinces[0] if len(provinces) == 1 else "")
        self._choices("target_groups", [(str(g.pk), g.name) for g in groups])
        self.need_fields = []
        for need in needs:
            name = f"need_{need.pk}"
            self.fields[name] = forms.ChoiceField(label=need.name, choices=SEVERITIES,
                                                  required=False, initial="0")
            self.need_fields.append(name)
        from lnob.registry.relations import network_model

        networks = network_model().objects.filter(province_code__in=provinces, active=True)
        self._choices("source_network", [("", "—"), *((str(n.pk), n.name) for n in networks)])
        if person is None:
            self.fields["consent_status"] = forms.ChoiceField(
                label=_("Consent"), choices=ConsentStatus.choices)
            self.fields["purposes"] = forms.MultipleChoiceField(
                label=_("Consented purposes"), choices=ConsentPurpose.choices, required=False,
                widget=forms.CheckboxSelectMultiple, initial=[ConsentPurpose.CARE])
            self.fields["lawful_basis"] = forms.ChoiceField(
                label=_("Lawful basis"), choices=LawfulBasis.choices,
                initial=LawfulBasis.CONSENT)
            # Everyone registered enters the workflow unless the user says otherwise.
            self.fields["no_case"] = forms.BooleanField(
                label=_("Do not open a case now (the person will not appear in inboxes, "
                        "forum agendas or matching)"), required=False)
        else:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
        if person is None or not person.citizen_id:
            del self.fields["remove_citizen_id"]

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared above
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = (self.data.get(self.add_prefix("birth_date")) or "").strip()
        year_only = False
        if raw and cleaned.get("birth_date"):
            try:
                year_only = parse_date(raw, allow_year_only=True).year_only
            except ThaiDateError:
                year_only = False
        cleaned["birth_year_only"] = year_only
        cleaned["subdistrict"] = choose_subdistrict(self, cleaned, within=self.place_areas)
        # The service's checks of single fields, here too: a form error (a wrong
        # check digit) would otherwise keep them until the next submit.
        problem = birth_date_problem(cleaned.get("birth_date"))
        if problem and "birth_date" not in self.errors:
            self.add_error("birth_date", problem)
        typed_id = (self.data.get(self.add_prefix("citizen_id")) or "").strip()
        keeps_id = self.person is not None and bool(self.person.citizen_id) and not \
            cleaned.get("remove_citizen_id")
        if not typed_id and not keeps_id and not cleaned.get("no_citizen_id_reason") \
                and "no_citizen_id_reason" not in self.errors:
            self.add_error("no_citizen_id_reason", _(
                "Without a citizen ID, say why it is missing."))
        return cleaned

    def person_data(self) -> PersonData:
        c = self.cleaned_data
        needs = {int(name.split("_")[1]): int(c[name]) for name in self.need_fields
                 if c.get(name) and c[name] != "0"}
        return PersonData(
            title=c["title"], first_name=c["first_name"], last_name=c["last_name"],
            sex=c["sex"], birth_date=c.get("birth_date"),
            birth_year_only=c.get("birth_year_only", False),
            citizen_id=self._citizen_id(), no_citizen_id_reason=c["no_citizen_id_reason"],
            phone=c["phone"], subdistrict_code=c["subdistrict"],
            village_number=c.get("village_number"), house_number=c["house_number"],
            address_text=c["address_text"],
            target_group_ids=[int(g) for g in c["target_groups"]], needs=needs,
            source=c["source"],
            source_network_id=int(c["source_network"]) if c.get("source_network") else None,
            source_note=c["source_note"],
            household_id=(self.person.household_id if self.person
                          else self.cleaned_data.get("household")),
        )

    def _citizen_id(self) -> str:
        typed = self.cleaned_data.get("citizen_id") or ""
        if typed or self.person is None or self.cleaned_data.get("remove_citizen_id"):
            return typed
        return self.person.citizen_id  # left empty on the edit form: kept as stored

    def stored_id_masked(self) -> str:
        return mask_citizen_id(self.person.citizen_id) if self.person else ""

    def consent_data(self) -> ConsentData | None:
        if "consent_status" not in self.cleaned_data:
            return None
        c = self.cleaned_data
        return ConsentData(status=c["consent_status"], lawful_basis=c["lawful_basis"],
                           purposes=list(c.get("purposes") or []))

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, ERROR_FIELDS)


def initial_for_household(household: Any) -> dict[str, Any]:
    """A new member of a household starts at the household's address."""
    return {"household": household.pk, "place": place_label_of(household.subdistrict_id),
            "village_number": household.village.number if household.village else None,
            "house_number": household.house_number}


def initial_for(person: Person) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(person, name) for name in (
            "title", "first_name", "last_name", "sex", "no_citizen_id_reason",
            "phone", "house_number", "address_text", "source", "source_note")}
    initial.update({
        "birth_date": (str(person.birth_date.year + 543) if person.birth_year_only
                       and person.birth_date else person.birth_date),
        "place": place_label_of(person.subdistrict_id),
        "village_number": person.village.number if person.village else None,
        "target_groups": [str(pk) for pk in person.target_groups.values_list("pk", flat=True)],
        "source_network": person.source_network_id or "",
        "version": person.version,
    })
    for pn in person.needs.all():
        initial[f"need_{pn.need_id}"] = str(pn.severity)
    return initial
