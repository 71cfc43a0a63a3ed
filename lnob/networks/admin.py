"""Care capacity in the Django admin (staff only). The pages and the API are
where people work; this is for fixing data. A fund's balance and its money
are read-only here: only ``fund_transaction_record`` keeps them in step."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lnob.networks.models import (
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    Fund,
    FundTransaction,
    Network,
    Volunteer,
)


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "partner_type", "province_code", "is_lead", "lead_network",
                    "capacity", "active")
    list_filter = ("partner_type", "is_lead", "active")
    search_fields = ("name", "leader_name", "province_code")
    raw_id_fields = ("lead_network", "subdistricts", "villages")
    filter_horizontal = ("needs",)


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "phone", "is_msdhs", "network", "province_code", "capacity",
                    "active")
    list_filter = ("is_msdhs", "active")
    search_fields = ("first_name", "last_name", "phone")
    raw_id_fields = ("network", "user", "subdistricts", "villages")
    filter_horizontal = ("needs",)


class FundTransactionInline(admin.TabularInline):
    model = FundTransaction
    extra = 0
    can_delete = False
    fields = ("date", "kind", "amount", "note", "recorded_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area_code", "network", "members", "balance")
    list_filter = ("kind",)
    search_fields = ("name", "area_code")
    raw_id_fields = ("network",)
    readonly_fields = ("balance",)
    inlines = [FundTransactionInline]


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ("name", "role", "partner_type", "user")
    raw_id_fields = ("user",)


class CommitteeMeetingInline(admin.StackedInline):
    model = CommitteeMeeting
    extra = 0


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "area_code", "province_code")
    list_filter = ("level",)
    search_fields = ("name", "area_code")
    inlines = [CommitteeMemberInline, CommitteeMeetingInline]
