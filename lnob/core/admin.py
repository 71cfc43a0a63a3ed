from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from lnob.core.models import ApiToken, AuditEvent, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("role", "area_code", "granted_at")
    readonly_fields = ("role", "area_code", "granted_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # grants go through lnob.core.services.role_grant (audited)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("LNOB", {"fields": ("phone",)}))  # type: ignore[misc]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "area_code", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_id", "area_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
