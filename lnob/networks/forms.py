"""Page forms for care capacity. They offer only choices the user may make
(areas where they work, needs and networks of the province) and parse what
people type; the services decide what is valid, so the rules live in one place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lnob.core.access import area_codes, covers
from lnob.core.forms import ThaiDateField
from lnob.core.roles import Role
from lnob.core.thaidates import to_arabic_digits
from lnob.geo.models import District, Province, Subdistrict, Village
from lnob.networks.models import (
    CommitteeLevel,
    CommitteeRole,
    FundKind,
    FundTransaction,
    Network,
    PartnerType,
)
from lnob.networks.selectors import lead_networks_of, needs_for
from lnob.networks.services import CommitteeData, FundData, NetworkData, VolunteerData

Choices = list[tuple[str, Any]]


def _in_areas(user: Any, roles: Iterable[Role], province_code: str, field: str = "code") -> Q:
    """Rows of the province that lie in the user's areas for these roles."""
    codes = area_codes(user, roles)
    if "" in codes or province_code in codes:
        return Q(**{f"{field}__startswith": province_code})
    q = Q(pk__in=[])
    for code in codes:
        if code.startswith(province_code):
            q |= Q(**{f"{field}__startswith": code})
    return q


def subdistricts_for(user: Any, roles: Iterable[Role],
                     province_code: str) -> QuerySet[Subdistrict]:
    return (Subdistrict.objects.filter(_in_areas(user, roles, province_code))
            .select_related("district").order_by("code"))


def area_choices(user: Any, roles: Iterable[Role], province_code: str) -> Choices:
    """The province, its districts and subdistricts in the user's areas, for a
    fund's or a committee's area; grouped by district so a long list stays readable.
    Names only (the DOPA code is the value, never shown in the Thai interface)."""
    choices: Choices = [("", "—")]
    province = Province.objects.filter(code=province_code).first()
    if province is not None and covers(user, province_code, roles):
        choices.append((province.code, _("%(name)s (whole province)") % {"name": province.name}))
    by_district: dict[str, Choices] = {}
    for s in subdistricts_for(user, roles, province_code):
        by_district.setdefault(s.district_id, []).append((s.code, s.name))
    for district in District.objects.filter(province_id=province_code).order_by("code"):
        options = by_district.get(district.code, [])
        if covers(user, district.code, roles):
            options.insert(0, (district.code,
                                _("%(name)s (whole district)") % {"name": district.name}))
        if options:
            choices.append((district.name, options))
    return choices


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(name)
    field.choices = choices


def area_filter_choices(user: Any, roles: Iterable[Role]) -> Choices:
    """Areas to filter a list by: the user's own areas and the ones right
    below them (all provinces for a national grant)."""
    choices: Choices = []
    for code in area_codes(user, roles):
        if code == "":
            choices += [(p.code, p.name) for p in Province.objects.all()]
        elif len(code) == 2:
            choices += [(p.code, p.name) for p in Province.objects.filter(code=code)]
            choices += [(d.code, f"— {d.name}") for d in District.objects.filter(province_id=code)]
        elif len(code) == 4:
            choices += [(d.code, d.name) for d in District.objects.filter(code=code)]
            choices += [(s.code, f"— {s.name}")
                        for s in Subdistrict.objects.filter(district_id=code)]
        else:
            choices += [(s.code, s.name) for s in Subdistrict.objects.filter(code=code)]
    return choices


class CoverageForm(forms.Form):
    """Shared by networks and volunteers: subdistricts and needs of one province."""

    subdistricts = forms.MultipleChoiceField(label=_("Subdistricts covered"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    needs = forms.MultipleChoiceField(label=_("Needs"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, user: Any, province_code: str, roles: Iterable[Role],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.province_code = province_code
        subs = self.subdistrict_rows = list(subdistricts_for(user, roles, province_code))
        self.district_names = {s.district_id: s.district.name for s in subs}
        _set_choices(self, "subdistricts", [(s.code, s.name) for s in subs])
        _set_choices(self, "needs", [(str(n.pk), n.name) for n in needs_for(province_code)])

    def subdistrict_groups(self) -> list[tuple[str, list[Any], bool]]:
        """The subdistrict checkboxes grouped by district, each group open when
        something in it is ticked, for the template."""
        groups: dict[str, list[Any]] = {}
        for box in self["subdistricts"]:
            code = str(box.data["value"])
            groups.setdefault(self.district_names.get(code[:4], code[:4]), []).append(box)
        return [(name, boxes, any(b.data["selected"] for b in boxes))
                for name, boxes in groups.items()]


def _ids(values: Iterable[str]) -> list[int]:
    return [int(v) for v in values]


def _id(value: str | None) -> int | None:
    return int(value) if value else None


class NetworkForm(CoverageForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    partner_type = forms.ChoiceField(label=_("Partner type"), choices=PartnerType.choices)
    is_lead = forms.BooleanField(label=_("This is a lead network (แม่ข่าย) of its area"),
                                 required=False)
    lead_network = forms.ChoiceField(label=_("Lead network it belongs to"), required=False)
    leader_name = forms.CharField(label=_("Leader"), max_length=150, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    contact_email = forms.CharField(label=_("Contact e-mail"), max_length=254, required=False,
                                    widget=forms.EmailInput)
    villages = forms.MultipleChoiceField(label=_("Villages covered (หมู่ที่)"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("How many people it can care for in total"),
                                  initial=0, widget=forms.NumberInput(attrs={"inputmode":
                                                                             "numeric"}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    field_order = ["name", "partner_type", "is_lead", "lead_network", "leader_name",
                   "contact_phone", "contact_email", "capacity", "needs", "subdistricts",
                   "villages", "active"]

    def __init__(self, *args: Any, network: Network | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leads = lead_networks_of(self.province_code)
        if network is not None:
            leads = leads.exclude(pk=network.pk)
        _set_choices(self, "lead_network", [("", "—"), *((str(n.pk), n.name) for n in leads)])
        codes = [s.code for s in self.subdistrict_rows]
        villages = Village.objects.filter(subdistrict_id__in=codes).select_related("subdistrict")
        _set_choices(self, "villages", [
            (v.code, f"{v.name}, {v.subdistrict.name}") for v in villages.order_by("code")])

    def to_data(self) -> NetworkData:
        c = self.cleaned_data
        return NetworkData(
            name=c["name"], partner_type=c["partner_type"], province_code=self.province_code,
            is_lead=c["is_lead"], lead_network=_id(c.get("lead_network")),
            leader_name=c["leader_name"], contact_phone=c["contact_phone"],
            contact_email=c["contact_email"], subdistricts=list(c["subdistricts"]),
            villages=list(c["villages"]), capacity=c["capacity"], needs=_ids(c["needs"]),
            active=c["active"])


def network_initial(data: NetworkData) -> dict[str, Any]:
    initial = dict(data.__dict__)
    initial["needs"] = [str(n) for n in data.needs]
    initial["lead_network"] = str(data.lead_network or "")
    return initial


class VolunteerForm(CoverageForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    is_msdhs = forms.BooleanField(label=_("MSDHS volunteer (อพม.)"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    capacity = forms.IntegerField(label=_("How many people they can follow"), initial=5,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    villages = forms.MultipleChoiceField(label=_("Villages covered (หมู่ที่)"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    field_order = ["first_name", "last_name", "phone", "is_msdhs", "network", "capacity",
                   "needs", "subdistricts", "villages", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        networks = Network.objects.filter(province_code=self.province_code).order_by("name")
        _set_choices(self, "network", [("", "—"), *((str(n.pk), n.name) for n in networks)])
        codes = [s.code for s in self.subdistrict_rows]
        villages = Village.objects.filter(subdistrict_id__in=codes).select_related("subdistrict")
        _set_choices(self, "villages", [
            (v.code, f"{v.name}, {v.subdistrict.name}") for v in villages.order_by("code")])

    def to_data(self) -> VolunteerData:
        c = self.cleaned_data
        return VolunteerData(
            first_name=c["first_name"], last_name=c["last_name"], phone=c["phone"],
            is_msdhs=c["is_msdhs"], network=_id(c.get("network")),
            province_code=self.province_code, subdistricts=list(c["subdistricts"]),
            villages=list(c["villages"]), needs=_ids(c["needs"]), capacity=c["capacity"],
            active=c["active"])


def volunteer_initial(data: VolunteerData) -> dict[str, Any]:
    initial = dict(data.__dict__)
    initial["needs"] = [str(n) for n in data.needs]
    initial["network"] = str(data.network or "")
    return initial


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    area_code = forms.ChoiceField(label=_("Area"))
    network = forms.ChoiceField(label=_("Network that runs it"), required=False)
    members = forms.IntegerField(label=_("Members"), initial=0,
                                 widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args: Any, user: Any, province_code: str, roles: Iterable[Role],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "area_code", area_choices(user, roles, province_code))
        networks = Network.objects.filter(province_code=province_code).order_by("name")
        _set_choices(self, "network", [("", "—"), *((str(n.pk), n.name) for n in networks)])

    def to_data(self) -> FundData:
        c = self.cleaned_data
        return FundData(name=c["name"], kind=c["kind"], area_code=c["area_code"],
                        network=_id(c.get("network")), members=c["members"])


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=CommitteeLevel.choices)
    area_code = forms.ChoiceField(label=_("Area"))

    def __init__(self, *args: Any, user: Any, province_code: str, roles: Iterable[Role],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "area_code", area_choices(user, roles, province_code))

    def to_data(self) -> CommitteeData:
        c = self.cleaned_data
        return CommitteeData(name=c["name"], level=c["level"], area_code=c["area_code"])


class TransactionForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=FundTransaction.Kind.choices,
                             widget=forms.RadioSelect)
    amount = forms.CharField(label=_("Amount (baht)"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def clean_amount(self) -> str:
        # "1,500.50" and Thai digits as people type them; the service checks the value.
        return to_arabic_digits(self.cleaned_data["amount"]).replace(",", "").strip()


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRole.choices,
                             initial=CommitteeRole.MEMBER)
    partner_type = forms.ChoiceField(label=_("Partner type"), choices=PartnerType.choices)


class MeetingForm(forms.Form):
    date = ThaiDateField(label=_("Date"))
    minutes = forms.CharField(label=_("Minutes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
