"""The case sections of each role's home page: what needs their action now,
urgent first.

New reports, cases waiting for a forum, verified but unassigned, overdue
visits and holes in coverage — each a short list from the cases the user may
see, with a count of all. The whole inbox (these, transfers, follow-up actions
and PDPA requests) is composed a layer up, in :mod:`lnob.web.inbox`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases import workflow as wf
from lnob.cases.access import READERS, cases_visible_to
from lnob.cases.models import AgendaItem, Case
from lnob.core.access import grants_of
from lnob.core.idsfirst import first_ids, in_order, rows_by_id
from lnob.core.roles import Role

SHOWN = 10  # rows per section; the count says how many there are


@dataclass
class Section:
    key: str
    title: Any
    count: int
    rows: list[Any] = field(default_factory=list)


def _waiting_for_forum() -> Q:
    # IN, not EXISTS: PostgreSQL hashes the few undecided items once, where
    # EXISTS looked each new report up in the index (5,400 after a flood).
    return Q(pk__in=AgendaItem.objects.filter(decision="").values("case_id"))


def section_of(key: str, title: Any, qs: QuerySet[Any], count: int | None = None) -> Section:
    """A section of the first rows of ``qs`` and the count of all (``count``
    when the caller has it already, from :func:`case_counts`)."""
    if count is None:
        count = qs.count()
    if count <= SHOWN:
        return Section(key, title, count, list(qs[:SHOWN]) if count else [])
    # Many rows: the first ones are picked without the joins (from the inbox
    # index — joined first, PostgreSQL hashed every person of the province to
    # keep ten: 33 ms of an officer's home at 20,000 persons), then read with
    # them by id. Two statements rather than one with a subquery: the user's
    # areas and the section's condition are compiled once, not twice (Django
    # compiling them was a third of a busy home page's CPU).
    return Section(key, title, count, in_order(qs, first_ids(qs, 0, SHOWN)))


def sections_read_together(specs: list[tuple[str, Any, QuerySet[Any], int]]) -> list[Section]:
    """Sections of one model (``(key, title, queryset, count)`` each, the
    querysets differing only in their condition): each section's first ids
    picked without joins, then every section's rows read in one statement
    by id — the joins and columns compiled and sent once for the home page's
    five case sections, not five times (issue 21). A section whose count is
    0 sends nothing."""
    picked = {key: first_ids(qs, 0, SHOWN) if count else []
              for key, _title, qs, count in specs}
    wanted = {pk for ids in picked.values() for pk in ids}
    rows = rows_by_id(specs[0][2], wanted) if wanted else {}
    return [Section(key, title, count, [rows[pk] for pk in picked[key] if pk in rows])
            for key, title, _qs, count in specs]


def _conditions() -> dict[str, tuple[Any, Any]]:
    """Each section's title and condition on the cases the user may see —
    the one definition both the lists and the counts use."""
    on_agenda = _waiting_for_forum()
    reported = Q(status=wf.REPORTED)
    return {
        "new": (_("New reports in your areas"), reported & ~on_agenda),
        "forum": (_("Waiting for a community forum"), reported & on_agenda),
        "unassigned": (_("Verified, no carer yet"), Q(status=wf.VERIFIED)),
        "overdue": (_("Visits overdue"), Q(status__in=(wf.ASSIGNED, wf.IN_CARE),
                                           next_visit_due__lt=timezone.localdate())),
        "holes": (_("Reports from areas no network covers"),
                  Q(status__in=wf.OPEN_STATES, coverage_hole=True)),
    }


# What an inbox row shows (web/home.html, the API's inbox): the rest of a
# case and its person is not read.
ROW_FIELDS = ("urgent", "next_visit_due", "person__title", "person__first_name",
              "person__last_name", "subdistrict__name_th", "subdistrict__name_en")


def case_sections(user: Any) -> dict[str, tuple[Any, QuerySet[Case]]]:
    """Each inbox section's title and cases, by key (the case list filters by it)."""
    if not grants_of(user, READERS):
        return {}
    cases = cases_visible_to(user).select_related("person", "subdistrict").order_by(
        "-urgent", "opened_at", "id")
    return {key: (title, cases.filter(condition))
            for key, (title, condition) in _conditions().items()}


def case_counts(user: Any) -> dict[str, int]:
    """How many cases each section holds, in one query (one pass over the
    user's cases, a conditional count per section) instead of one each."""
    if not grants_of(user, READERS):
        return {}
    conditions = _conditions()
    # Only open cases can be in a section (the status index skips the closed
    # ones), and "new" is every new report less those waiting for a forum:
    # the undecided agenda is read once, not twice.
    counted = {key: Count("pk", filter=condition)
               for key, (_title, condition) in conditions.items() if key != "new"}
    counts = cases_visible_to(user).filter(status__in=wf.OPEN_STATES).aggregate(
        reported=Count("pk", filter=Q(status=wf.REPORTED)), **counted)
    counts["new"] = counts.pop("reported") - counts["forum"]
    return {key: counts[key] for key in conditions}


def my_people(user: Any) -> QuerySet[Case]:
    """A volunteer's people: the open cases they care for, what is due first
    (no next visit date set counts as due now, then overdue, then the soonest)."""
    if not grants_of(user, [Role.VOLUNTEER]):
        return Case.objects.none()
    return (cases_visible_to(user)
            .filter(volunteer__user=user, status__in=(wf.ASSIGNED, wf.IN_CARE))
            .select_related("person", "subdistrict", "person__village")
            .order_by(F("next_visit_due").asc(nulls_first=True), "-urgent", "id"))
