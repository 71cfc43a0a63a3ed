"""Welfare data in the Django admin (staff only): the kinds of benefit
community welfare funds pay are data an administrator may add to. Members,
contributions and benefits are not here: only the fund services keep them in
step with the fund's balance and member count."""

from django.contrib import admin

from lnob.welfare.models import FundBenefitKind


@admin.register(FundBenefitKind)
class FundBenefitKindAdmin(admin.ModelAdmin[FundBenefitKind]):
    list_display = ("code", "name_th", "name_en", "order")
    ordering = ("order", "code")
