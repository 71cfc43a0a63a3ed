from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lnob.core.access import grants_of

router = Router(tags=["accounts"])


class GrantOut(Schema):
    role: str
    area_code: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    grants: list[GrantOut]


@router.get("", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),  # type: ignore[union-attr]
        "email": user.email,  # type: ignore[union-attr]
        "grants": [{"role": g.role, "area_code": g.area_code} for g in grants_of(user)],
    }
