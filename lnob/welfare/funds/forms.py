"""Forms of a fund's page: a member, a month's contributions, a benefit, a rate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.core.forms import ThaiDateField
from lnob.core.thaidates import be_year
from lnob.welfare.funds.models import FundBenefitKind, FundMember


class MemberForm(forms.Form):
    person = forms.IntegerField(label=_("Person number in the registry (if registered)"),
                                required=False, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=40, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    citizen_id = forms.CharField(label=_("Citizen ID"), max_length=20, required=False)
    birth_date = ThaiDateField(label=_("Birth date"), required=False)
    member_number = forms.CharField(label=_("Member number"), max_length=30, required=False)
    joined_on = ThaiDateField(label=_("Joined on"), required=False)


class LeaveForm(forms.Form):
    left_on = ThaiDateField(label=_("Left on"))


def this_month_be() -> str:
    today = timezone.localdate()
    return f"{be_year(today.year)}-{today.month:02d}"


class ContributionsForm(forms.Form):
    """One form for all active members: an amount field per member."""

    period = forms.CharField(label=_("Month (e.g. 2569-11)"), max_length=7)
    date = ThaiDateField(label=_("Date received"))

    def __init__(self, *args: Any, members: list[FundMember], default: str = "",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"member_{m.pk}"] = forms.CharField(
                label=f"{m.member_number} {m.name}".strip(), required=False, max_length=20,
                initial=default)

    def amounts(self) -> dict[int, str]:
        return {m.pk: (self.cleaned_data.get(f"member_{m.pk}") or "").strip()
                for m in self.members}


class BenefitPayForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Fund member"),
                                    queryset=FundMember.objects.none())
    kind = forms.ModelChoiceField(label=_("Kind of benefit"),
                                  queryset=FundBenefitKind.objects.all())
    person = forms.IntegerField(label=_("Paid to (person number, if not the member)"),
                                required=False, min_value=1)
    amount = forms.CharField(label=_("Amount (baht; empty: the fund's rate)"), max_length=20,
                             required=False)
    date = ThaiDateField(label=_("Date paid"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        if members is not None:
            field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = _member_label  # type: ignore[attr-defined]


def _member_label(member: FundMember) -> str:
    return f"{member.member_number} {member.name}".strip()


class RateForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind of benefit"),
                                  queryset=FundBenefitKind.objects.all())
    amount_baht = forms.IntegerField(label=_("Amount (baht)"), min_value=0)
    note = forms.CharField(label=_("Conditions"), max_length=255, required=False)
