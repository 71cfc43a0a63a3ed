from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from lnob.core import audit
from lnob.core.access import require_area
from lnob.core.models import AuditAction
from lnob.core.selectors import sees_team_contacts, team_of_area
from lnob.geo.selectors import area_by_code

router = Router(tags=["workspaces"])


class MemberOut(Schema):
    username: str = Field(..., description="empty for nationwide roles without an area")
    full_name: str = Field(..., description="empty for nationwide roles without an area")
    phone: str = Field(..., description="empty for nationwide roles without an area")
    role: str
    area_code: str


class WorkspaceOut(Schema):
    code: str
    name_th: str
    name_en: str
    team: list[MemberOut]


@router.get("/{code}", response=WorkspaceOut)
def workspace(request: HttpRequest, code: str) -> dict[str, Any]:
    """The team of an area: for anyone holding a role on it (404 outside)."""
    require_area(request.user, code)
    area = area_by_code(code)
    if area is None or len(code) == 8:
        raise Http404
    team = list(team_of_area(code))
    contacts = sees_team_contacts(request.user, code)
    if contacts:
        audit.record(AuditAction.VIEW, request=request, object_type="workspace",
                     object_id=code, area_code=code,
                     detail={"users": sorted({g.user_id for g in team}), "via": "api"})
    return {
        "code": area.code, "name_th": area.name_th, "name_en": area.name_en,
        "team": [{"username": g.user.get_username() if contacts else "",
                  "full_name": g.user.get_full_name() if contacts else "",
                  "phone": g.user.phone if contacts else "",
                  "role": g.role, "area_code": g.area_code} for g in team],
    }
