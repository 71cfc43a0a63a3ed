"""What each role's home leads with (issue 16).

- a volunteer: "my people", what is due first, one tap to log a visit;
- coordinators and officers: the inbox with counts (:mod:`lnob.web.inbox`);
- a new province's officer: a start checklist until the province has
  villages, networks and volunteers;
- the national analyst and the committee: the key figures of their areas
  (from the coverage roll-ups, never the person table) and links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lnob.cases.inbox import my_people
from lnob.cases.models import Forum
from lnob.core.access import grants_of
from lnob.core.roles import Role
from lnob.coverage import selectors as coverage
from lnob.coverage.indicators import variables
from lnob.coverage.models import Roadmap, RoadmapStatus
from lnob.geo.models import Village
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import Person

MY_PEOPLE_SHOWN = 50
# The figures an analyst's or a committee member's home leads with.
KEY_FIGURES = (
    ("found", _("People found")),
    ("reported", _("Waiting for verification")),
    ("verified", _("Verified, no carer yet")),
    ("in_care", _("In care")),
    ("subdistricts", _("Subdistricts")),
    ("no_lead", _("Subdistricts without a lead network")),
    ("five_k_all", _("Subdistricts with all five ก")),
    ("remaining", _("Remaining capacity")),
)


@dataclass
class Due:
    case: Any
    overdue: bool
    due_today: bool


def people_due(user: Any) -> tuple[list[Due], int]:
    """The volunteer's people, due first, and how many there are."""
    cases = my_people(user)
    today = timezone.localdate()
    rows = [Due(c, c.next_visit_due is not None and c.next_visit_due < today,
                c.next_visit_due is None or c.next_visit_due == today)
            for c in cases[:MY_PEOPLE_SHOWN]]
    return rows, (len(rows) if len(rows) < MY_PEOPLE_SHOWN else cases.count())


@dataclass
class Step:
    label: Any
    done: bool
    url: str
    hint: Any = ""


def start_checklist(user: Any) -> list[tuple[str, str, list[Step]]]:
    """For each province the user is the officer of that has no villages,
    networks or volunteers yet: the steps to start, each ticked when done."""
    out = []
    for grant in grants_of(user, [Role.PROVINCIAL_OFFICER]):
        code = grant.area_code
        if len(code) != 2:
            continue
        villages = Village.objects.filter(code__startswith=code).exists()
        networks = Network.objects.filter(province_code=code).exists()
        volunteers = Volunteer.objects.filter(province_code=code).exists()
        if villages and networks and volunteers:
            continue
        roadmap = Roadmap.objects.filter(province_code=code).first()
        steps = [
            Step(_("Record the villages (หมู่ที่) of each subdistrict"), villages,
                 reverse("area_detail", args=[code])),
            Step(_("Record the networks and choose a lead network (แม่ข่าย) in each area"),
                 networks, reverse("network_new")),
            Step(_("Record the volunteers"), volunteers, reverse("volunteer_new")),
            Step(_("Import the first spreadsheet of people in need"),
                 Person.objects.filter(province_code=code).exists(), reverse("import_list"),
                 _("or register them one by one")),
            Step(_("Hold the first community forum"),
                 Forum.objects.filter(province_code=code).exists(), reverse("forum_new")),
            Step(_("Set the launch day and the roadmap, for the committee chair to approve"),
                 roadmap is not None and roadmap.status == RoadmapStatus.APPROVED,
                 reverse("coverage_roadmap", args=[code])),
        ]
        out.append((code, coverage.area_name(code), steps))
    return out


@dataclass
class Figures:
    code: str
    name: str
    figures: list[tuple[Any, Any]]


def key_figures(user: Any) -> list[Figures]:
    """The key figures of each area of the user's analyst or committee grants
    (the whole country for a national grant); empty before the first roll-up."""
    on = coverage.today()
    out = []
    seen: set[str] = set()
    for grant in grants_of(user, [Role.NATIONAL_ANALYST, Role.COMMITTEE_MEMBER]):
        code = grant.area_code
        if code in seen:
            continue
        seen.add(code)
        row = coverage.rollup_of(code)
        if row is None:
            continue
        values = variables(row, on)
        out.append(Figures(code, coverage.area_name(code) if code else str(_("Thailand")),
                           [(label, values.get(key)) for key, label in KEY_FIGURES]))
    return out
