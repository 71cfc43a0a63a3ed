"""Who may see which persons. Used by the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lnob.core.access import AREA_LEVEL_FIELDS, area_q, covers, grants_of
from lnob.core.roles import Role, allowed
from lnob.registry.models import Person

# Roles that see every person in their areas. Volunteers see only the people
# they reported (and, once care is assigned, the people assigned to them);
# national analysts and committee members see aggregates only.
AREA_READERS = allowed("persons.read_area")
# Roles that may register and edit persons in their areas.
EDITORS = allowed("persons.edit")
# Roles that may see a citizen ID unmasked (each time is audited).
ID_READERS = allowed("persons.read_citizen_id")
# Roles that edit a province's target groups and needs.
TAXONOMY_EDITORS = allowed("taxonomy.edit")


def persons_visible_to(user: Any) -> QuerySet[Person]:
    q = area_q(user, AREA_LEVEL_FIELDS, AREA_READERS)
    if grants_of(user, [Role.VOLUNTEER]):
        # Volunteers: the people they reported or whose case is assigned to
        # them, within their own areas. Through the cases' reverse relation,
        # so the registry imports nothing from the cases app (a layer above).
        assigned = Person.objects.filter(cases__volunteer__user=user).values("pk")
        q |= (Q(entered_by=user) | Q(pk__in=assigned)) & area_q(
            user, AREA_LEVEL_FIELDS, [Role.VOLUNTEER])
    return Person.objects.filter(q)


def person_for(user: Any, person_id: int) -> Person:
    """The person if the user may see them; 404 otherwise (not 403)."""
    person = persons_visible_to(user).filter(pk=person_id).select_related(
        "subdistrict", "subdistrict__district", "subdistrict__province", "village",
        "household", "source_network", "entered_by").first()
    if person is None:
        raise Http404
    return person


def can_edit(user: Any, person: Person) -> bool:
    if not grants_of(user, EDITORS):
        return False
    # A person in the user's areas is visible without asking the database
    # (every view of a person's page asks); a volunteer's reported or
    # assigned person is looked up.
    return covers(user, person.area_code, AREA_READERS) or persons_visible_to(user).filter(
        pk=person.pk).exists()


def can_see_citizen_id(user: Any, person: Person) -> bool:
    return covers(user, person.area_code, ID_READERS)
