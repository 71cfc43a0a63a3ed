"""Who sees which cases: the same areas as persons; volunteers see the cases
assigned to them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lnob.cases import workflow as wf
from lnob.cases.models import Case
from lnob.core.access import AREA_LEVEL_FIELDS, area_q, grants_of, roles_in
from lnob.core.roles import Role, allowed
from lnob.registry.access import AREA_READERS

READERS = allowed("cases.read")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    q = area_q(user, AREA_LEVEL_FIELDS, AREA_READERS)
    if grants_of(user, [Role.VOLUNTEER]):
        q |= Q(volunteer__user=user) & area_q(user, AREA_LEVEL_FIELDS, [Role.VOLUNTEER])
    return Case.objects.filter(q)


def case_for(user: Any, case_id: int) -> Case:
    case = cases_visible_to(user).filter(pk=case_id).select_related(
        "person", "subdistrict", "network", "volunteer", "duplicate_of").first()
    if case is None:
        raise Http404
    return case


def roles_on(user: Any, case: Case) -> set[str]:
    return roles_in(user, case.area_code)


def next_steps(user: Any, case: Case) -> list[str]:
    return wf.actions_from(case.status, roles_on(user, case))
