"""Who handles data subjects' requests: the provincial office (the data
controller's secretariat) and system administrators, in their areas."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lnob.core.access import area_q, covers
from lnob.core.roles import allowed
from lnob.privacy.models import SubjectRequest

HANDLERS = allowed("privacy.handle")


def requests_visible_to(user: Any) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(area_q(user, "area_code", HANDLERS))


def request_for(user: Any, pk: int) -> SubjectRequest:
    found = requests_visible_to(user).select_related("person").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def handles(user: Any, area_code: str) -> bool:
    return covers(user, area_code, HANDLERS)
