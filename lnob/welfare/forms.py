"""The welfare forms of a person's page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lnob.core.forms import ThaiDateField
from lnob.welfare.models import IncomeBand, ReferralStatus, Scheme, YesNoUnknown


class FactsForm(forms.Form):
    disability_registered = forms.ChoiceField(label=_("Disability card"),
                                              choices=YesNoUnknown.choices, required=False)
    income_band = forms.ChoiceField(label=_("Household income per head"),
                                    choices=IncomeBand.choices, required=False)


class BenefitForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    since = ThaiDateField(label=_("Since"), required=False)
    amount_baht = forms.IntegerField(label=_("Amount (baht)"), min_value=0, required=False)
    source_note = forms.CharField(label=_("Source details"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(active=True)  # type: ignore[attr-defined]


class EndBenefitForm(forms.Form):
    until = ThaiDateField(label=_("Until"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ReferralForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    provider_name = forms.CharField(label=_("Provider"), max_length=200, required=False)
    provider_address = forms.CharField(label=_("Provider's address"), max_length=300,
                                       required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = Scheme.objects.filter(active=True)  # type: ignore[attr-defined]


class ReferralStepForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[
        c for c in ReferralStatus.choices if c[0] != ReferralStatus.SENT])
    reason = forms.CharField(label=_("Reason for refusal"), max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
