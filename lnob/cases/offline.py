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
from lnob.cases.workflow import CARING
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





def carer_now(user: Any, case_id: int) -> str | None:
    """Who now cares for a person the user's phone still holds a visit for.

    Only for a case the user cannot see any more (the API answered 404) that
    their own volunteer record was once assigned in its history, and that now
    has another carer: the new volunteer's name when the user may read
    volunteers' names in the case's area (``volunteers.read``), else "another
    volunteer". None otherwise, so a case the user never cared for stays
    unknown to them (issue 16: a refusal that says who has the case now)."""
    from django.utils.translation import gettext as _

    from lnob.cases.models import Case, CaseEvent
    from lnob.core.access import covers
    from lnob.core.roles import allowed
    from lnob.networks.models import Volunteer

    mine = list(Volunteer.objects.filter(user=user).values_list("pk", flat=True))
    case = Case.objects.filter(pk=case_id).select_related("volunteer").first()
    if not mine or case is None or case.volunteer_id in mine:
        return None
    if not CaseEvent.objects.filter(case=case, action="assign",
                                    detail__volunteer__in=mine).exists():
        return None
    if case.volunteer is not None and covers(user, case.area_code, allowed("volunteers.read")):
        return f"{case.volunteer.first_name} {case.volunteer.last_name}".strip()
    return _("another volunteer")
