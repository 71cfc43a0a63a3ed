"""Indicators and national targets in the Django admin (staff only): a
formula is checked before it is saved. The roll-ups and snapshots are
computed, never edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from lnob.coverage.indicators import VARIABLES, FormulaError, check
from lnob.coverage.models import Indicator, MilestoneTarget


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ("code", "name_th", "name_en", "formula", "unit", "direction",
                  "people_inputs", "sort", "active")

    def clean_formula(self) -> str:
        formula = str(self.cleaned_data["formula"])
        try:
            check(formula)
        except FormulaError as exc:
            raise forms.ValidationError(
                _("Use numbers, + - * /, parentheses, min(), max() and these names: "
                  "%(names)s.") % {"names": ", ".join(VARIABLES)}) from exc
        return formula


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    form = IndicatorForm
    list_display = ("code", "name_th", "formula", "unit", "direction", "active")


@admin.register(MilestoneTarget)
class MilestoneTargetAdmin(admin.ModelAdmin):
    list_display = ("province_code", "month", "indicator", "target")
    list_filter = ("month", "indicator")

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).select_related("indicator")
