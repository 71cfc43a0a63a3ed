"""Reads of accounts, the team of an area, and the audit log — scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lnob.core.access import area_q
from lnob.core.models import AuditEvent, RoleGrant
from lnob.core.roles import AUDIT_READER_ROLES


def audit_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Audit rows of the areas where the user reads the log. Rows with no
    area (sign-ins) are for national readers only."""
    return AuditEvent.objects.filter(area_q(user, "area_code", AUDIT_READER_ROLES)).select_related(
        "actor")


def audit_of_object(user: Any, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """"Who looked at this?" — one index range on (object_type, object_id, at)."""
    return audit_visible_to(user).filter(object_type=object_type, object_id=object_id)


def sees_team_contacts(user: Any, area_code: str) -> bool:
    """Names and phones of an area's team are for those who work with it: a
    role granted on the area (or above it, below the nation), or the system
    administrator. Nationwide roles without an area (the hotline, the national
    analyst) see the team's roles and areas only."""
    from lnob.core.access import grants_of
    from lnob.core.roles import Role

    return any((g.area_code and (area_code.startswith(g.area_code)
                                 or g.area_code.startswith(area_code)))
               or g.role == Role.SYSTEM_ADMIN for g in grants_of(user))


def team_of_area(area_code: str) -> QuerySet[RoleGrant]:
    """Everyone holding a role on this area, inside it, or above it (the
    province's officers are part of a subdistrict's team). Nationwide grants
    (analysts, administrators) are not part of an area's team."""
    above = [area_code[:n] for n in (2, 4) if n < len(area_code)]
    return (RoleGrant.objects.filter(Q(area_code__startswith=area_code) | Q(area_code__in=above))
            .filter(user__is_active=True)
            .select_related("user").order_by("area_code", "role", "user__username"))
