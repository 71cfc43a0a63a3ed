"""A province's matching rules in the Django admin (staff only): the needs a
carer must serve, and the caseload weights (lnob/matching/weights.py). Need
codes are checked against the province's taxonomy."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext as _

from lnob.matching.models import ProvinceRules
from lnob.matching.weights import rules_errors
from lnob.registry.models import Need


class ProvinceRulesForm(forms.ModelForm):
    class Meta:
        model = ProvinceRules
        fields = ("province_code", "must_serve", "case_weights")

    def clean_case_weights(self) -> Any:
        rules = self.cleaned_data["case_weights"] or {}
        province = self.cleaned_data.get("province_code", "")
        known = Need.objects.filter(Q(province_code="") | Q(province_code=province)) \
            .values_list("code", flat=True)
        errors = rules_errors(rules, known)
        if errors:
            raise forms.ValidationError(errors)
        return rules

    def clean_must_serve(self) -> Any:
        codes = self.cleaned_data["must_serve"] or []
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise forms.ValidationError(_('Give a list of need codes, e.g. ["health"].'))
        province = self.cleaned_data.get("province_code", "")
        known = set(Need.objects.filter(Q(province_code="") | Q(province_code=province))
                    .values_list("code", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise forms.ValidationError(_("Unknown need codes: %(codes)s.") % {
                "codes": ", ".join(unknown)})
        return sorted(set(codes))


@admin.register(ProvinceRules)
class ProvinceRulesAdmin(admin.ModelAdmin):
    form = ProvinceRulesForm
    list_display = ("province_code", "must_serve", "case_weights")
