"""Reads of community forums, always starting from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from lnob.cases import workflow as wf
from lnob.cases.forums.access import forums_visible_to
from lnob.cases.models import AgendaItem, Case, Forum
from lnob.networks.models import Network, PartnerType


def forum_list(user: Any, subdistrict_code: str = "") -> QuerySet[Forum]:
    """The forums of the user's areas, newest first, with how many cases each
    has on its agenda and how many of them it has decided."""
    qs = forums_visible_to(user)
    if subdistrict_code:
        qs = qs.filter(subdistrict_id=subdistrict_code)
    return qs.select_related("subdistrict", "village", "organiser").annotate(
        agenda_count=Count("agenda"),
        decided_count=Count("agenda", filter=~Q(agenda__decision=""))).order_by(
        "-held_on", "-id")


def agenda_of(forum: Forum) -> QuerySet[AgendaItem]:
    return forum.agenda.select_related("case", "case__person", "case__person__village",
                                       "decided_by").order_by("id")


def agenda_candidates(forum: Forum, *, village_only: bool = False) -> QuerySet[Case]:
    """Reported cases of the forum's subdistrict not yet on its agenda (only
    those of the forum's village with ``village_only``, when it has one)."""
    qs = Case.objects.filter(subdistrict_id=forum.subdistrict_id, status=wf.REPORTED).exclude(
        agenda_items__forum=forum)
    if village_only and forum.village_id:
        qs = qs.filter(person__village_id=forum.village_id)
    return qs.select_related("person", "person__village").order_by(
        "person__village_id", "person__name_key", "id")


def attendance_of(forum: Forum) -> list[tuple[str, str, int]]:
    """(partner type, its label, people) in the order of the partner types,
    zeros included, for the page and the form."""
    counts = dict(forum.attendance.values_list("partner_type", "count"))
    return [(value, str(label), counts.get(value, 0)) for value, label in PartnerType.choices]


def organisers_for(province_code: str) -> QuerySet[Network]:
    """The active networks of the province, lead networks first."""
    return Network.objects.filter(province_code=province_code, active=True).order_by(
        "-is_lead", "name")


@dataclass(frozen=True)
class SheetRow:
    """One line of the printed forum sheet: what the forum needs to recognise
    the person, and nothing else (no health, needs, IDs, phones or notes)."""

    name: str
    village: str
    groups: list[str]


def sheet_rows(forum: Forum) -> list[SheetRow]:
    items = forum.agenda.select_related("case__person", "case__person__village").prefetch_related(
        "case__person__target_groups").order_by("id")
    rows = []
    for item in items:
        person = item.case.person
        rows.append(SheetRow(
            name=person.full_name,
            village=person.village.name if person.village else "",
            groups=[g.name for g in person.target_groups.all()]))
    return rows
