"""Who sees and runs community forums. A forum's agenda names people, so only
the roles that work with named people in an area see its forums, and the same
roles run them (officers, coordinators and administrators — the ones who may
take a case's verify and reject steps). Outside the user's areas: 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lnob.cases.models import Forum
from lnob.core.access import AREA_LEVEL_FIELDS, area_q, covers
from lnob.core.roles import allowed

ROLES = allowed("forums.run")


def forums_visible_to(user: Any) -> QuerySet[Forum]:
    return Forum.objects.filter(area_q(user, AREA_LEVEL_FIELDS, ROLES))


def forum_for(user: Any, pk: int) -> Forum:
    """The forum if it lies in the user's areas; 404 otherwise (not 403)."""
    forum = forums_visible_to(user).filter(pk=pk).select_related(
        "subdistrict", "subdistrict__district", "subdistrict__province", "village",
        "organiser").first()
    if forum is None:
        raise Http404
    return forum


def may_run(user: Any, area_code: str) -> bool:
    """May hold a forum in this subdistrict, change it and record its decisions."""
    return covers(user, area_code, ROLES)
