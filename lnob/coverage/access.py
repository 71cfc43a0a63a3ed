"""Who sees and records search rounds. A round's record names who searched
(people of the area), so only the roles that work with named people in an
area see the list, and the same roles record rounds: provincial officers,
network coordinators and administrators, as for community forums. Outside
the user's areas: 404 (``lnob.core.access.require_area``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lnob.core.access import AREA_LEVEL_FIELDS, area_q, covers
from lnob.core.roles import allowed
from lnob.coverage.models import SearchRound

SEARCH_ROLES = allowed("search_rounds.record")


def search_rounds_visible_to(user: Any) -> QuerySet[SearchRound]:
    return SearchRound.objects.filter(area_q(user, AREA_LEVEL_FIELDS, SEARCH_ROLES))


def may_record_search(user: Any, subdistrict_code: str) -> bool:
    return covers(user, subdistrict_code, SEARCH_ROLES)
