"""What a volunteer's phone keeps for working offline: the people they care
for (name, village, needs, the case's version and next visit) and the
subdistricts where they may file a report. Only the cases assigned to the
volunteer's own record — never an area's list — so a lost phone holds the few
people its owner visits, nothing more (docs/offline.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lnob.cases.access import cases_visible_to
from lnob.cases.care import CARING
from lnob.core.access import grants_of, roles_in
from lnob.core.roles import REPORTER_ROLES
from lnob.geo.models import Subdistrict

# The most people one phone keeps: a volunteer follows about five (capacity).
MAX_PEOPLE = 200


@dataclass
class Need:
    id: int
    name: str


@dataclass
class MyPerson:
    case_id: int
    version: int
    status: str
    status_label: str
    urgent: bool
    person_id: int
    name: str
    village: str
    subdistrict: str
    next_visit_due: datetime.date | None
    overdue: bool
    needs: list[Need] = field(default_factory=list)


@dataclass
class Area:
    code: str
    name: str


def my_people(user: Any) -> list[MyPerson]:
    """The cases assigned to the user's volunteer record and in their areas
    (as ``cases_visible_to`` scopes them), in care or waiting for a first
    visit, most due first (no date last)."""
    today = timezone.localdate()
    cases = (cases_visible_to(user)
             .filter(volunteer__user=user, status__in=CARING)
             .select_related("person", "person__village", "subdistrict")
             .prefetch_related("person__needs__need")
             .order_by("next_visit_due", "-urgent", "pk")[:MAX_PEOPLE])
    people = []
    for case in cases:
        person = case.person
        village = person.village
        people.append(MyPerson(
            case_id=case.pk, version=case.version, status=case.status,
            status_label=str(case.get_status_display()), urgent=case.urgent,
            person_id=person.pk, name=person.full_name,
            village=str(village) if village is not None else "",
            subdistrict=case.subdistrict.name if case.subdistrict_id else "",
            next_visit_due=case.next_visit_due,
            overdue=case.next_visit_due is not None and case.next_visit_due < today,
            needs=[Need(pn.need_id, pn.need.name) for pn in person.needs.all()]))
    # Due dates first, the cases with none after them.
    people.sort(key=lambda p: (p.next_visit_due is None, p.next_visit_due or today))
    return people


def my_report_areas(user: Any) -> list[Area]:
    """The subdistricts the user may file a report in without a search: those
    of their grants at subdistrict level, and those their volunteer record
    covers (directly or by a village), where their role lets them report."""
    codes = {g.area_code for g in grants_of(user, list(REPORTER_ROLES))
             if len(g.area_code) == 6}
    volunteer = getattr(user, "volunteer", None)
    if volunteer is not None:
        codes |= set(volunteer.subdistricts.values_list("code", flat=True))
        codes |= set(volunteer.villages.values_list("subdistrict_id", flat=True))
    codes = {c for c in codes if roles_in(user, c) & REPORTER_ROLES}
    found = Subdistrict.objects.filter(code__in=codes).select_related("district")
    return sorted((Area(s.code, f"{s.name} {s.district.name}") for s in found),
                  key=lambda a: a.code)



