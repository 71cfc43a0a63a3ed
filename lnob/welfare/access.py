"""Who may see and change a person's welfare: the area officers and
coordinators (disability is sensitive data, PDPA s.26), never volunteers.
Schemes are national data, edited by system administrators."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lnob.core.access import AREA_LEVEL_FIELDS, area_q, grants_of
from lnob.core.errors import NotAllowed, NotFound
from lnob.core.roles import Role
from lnob.registry.models import Person

READERS = (Role.PROVINCIAL_OFFICER, Role.NETWORK_COORDINATOR, Role.SYSTEM_ADMIN)
EDITORS = READERS
SCHEME_EDITORS = (Role.SYSTEM_ADMIN,)
# Tables that carry the three codes as plain strings.
CODE_FIELDS = {2: "province_code", 4: "district_code", 6: "subdistrict_code"}


def persons_for_welfare(user: Any) -> QuerySet[Person]:
    return Person.objects.filter(area_q(user, AREA_LEVEL_FIELDS, READERS))


def in_area(user: Any) -> Q:
    """Rows of welfare tables (eligibility, referrals) in the user's areas."""
    return area_q(user, CODE_FIELDS, READERS)


def welfare_person_for(user: Any, person_id: int) -> Person:
    """The person whose welfare the user may read; NotFound otherwise."""
    person = persons_for_welfare(user).filter(pk=person_id).select_related(
        "subdistrict", "subdistrict__district", "subdistrict__province").first()
    if person is None:
        raise NotFound
    return person


def require_editor(user: Any, person: Person) -> None:
    if not persons_for_welfare(user).filter(pk=person.pk).exists():
        raise NotFound
    if not grants_of(user, EDITORS):
        raise NotAllowed


def can_edit_schemes(user: Any) -> bool:
    return any(g.area_code == "" for g in grants_of(user, SCHEME_EDITORS))
