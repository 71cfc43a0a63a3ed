"""The case sections of each role's home page: what needs their action now,
urgent first.

New reports, cases waiting for a forum, verified but unassigned, overdue
visits and holes in coverage — each a short list from the cases the user may
see, with a count of all. The whole inbox (these, transfers, follow-up actions
and PDPA requests) is composed a layer up, in :mod:`lnob.web.inbox`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases import workflow as wf
from lnob.cases.access import READERS, cases_visible_to
from lnob.cases.models import AgendaItem, Case
from lnob.core.access import grants_of
from lnob.core.roles import Role

SHOWN = 10  # rows per section; the count says how many there are


@dataclass
class Section:
    key: str
    title: Any
    count: int
    rows: list[Any] = field(default_factory=list)


def _waiting_for_forum() -> Exists:
    return Exists(AgendaItem.objects.filter(case=OuterRef("pk"), decision=""))


def section_of(key: str, title: Any, qs: QuerySet[Any]) -> Section:
    """A section of the first rows of ``qs`` and the count of all."""
    return Section(key, title, qs.count(), list(qs[:SHOWN]))


def case_sections(user: Any) -> dict[str, tuple[Any, QuerySet[Case]]]:
    """Each inbox section's title and cases, by key (the case list filters by it)."""
    if not grants_of(user, READERS):
        return {}
    cases = cases_visible_to(user).select_related("person", "subdistrict").order_by(
        "-urgent", "opened_at", "id")
    reported = cases.filter(status=wf.REPORTED).annotate(on_agenda=_waiting_for_forum())
    return {
        "new": (_("New reports in your areas"), reported.filter(on_agenda=False)),
        "forum": (_("Waiting for a community forum"), reported.filter(on_agenda=True)),
        "unassigned": (_("Verified, no carer yet"), cases.filter(status=wf.VERIFIED)),
        "overdue": (_("Visits overdue"), cases.filter(
            status__in=(wf.ASSIGNED, wf.IN_CARE), next_visit_due__lt=timezone.localdate())),
        "holes": (_("Reports from areas no network covers"),
                  cases.filter(status__in=wf.OPEN_STATES, coverage_hole=True)),
    }


def my_people(user: Any) -> QuerySet[Case]:
    """A volunteer's people: the open cases they care for, what is due first
    (no next visit date set counts as due now, then overdue, then the soonest)."""
    if not grants_of(user, [Role.VOLUNTEER]):
        return Case.objects.none()
    return (cases_visible_to(user)
            .filter(volunteer__user=user, status__in=(wf.ASSIGNED, wf.IN_CARE))
            .select_related("person", "subdistrict", "person__village")
            .order_by(F("next_visit_due").asc(nulls_first=True), "-urgent", "id"))
