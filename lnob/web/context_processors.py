"""What the navigation shows: only the pages the user's roles open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lnob.core.access import grants_of
from lnob.core.roles import (
    AUDIT_READER_ROLES,
    IMPORT_ROLES,
    MATCHING_ROLES,
    PERSONAL_DATA_ROLES,
    REPORTER_ROLES,
)
from lnob.learning.access import AAR_READERS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_persons": bool(grants_of(user, PERSONAL_DATA_ROLES)),
        "nav_capacity": bool(grants_of(user)),
        "nav_audit": bool(grants_of(user, AUDIT_READER_ROLES)),
        "nav_imports": bool(grants_of(user, IMPORT_ROLES)),
        "nav_report": bool(grants_of(user, REPORTER_ROLES)),
        "nav_matching": bool(grants_of(user, MATCHING_ROLES)),
        "nav_learning": bool(grants_of(user, AAR_READERS)),
    }
