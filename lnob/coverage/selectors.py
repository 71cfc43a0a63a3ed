"""Reads for the coverage pages and API: figures of an area and of the areas
inside it, five-ก readiness, holes, indicators and trends — all from the
roll-up tables, never from the person table."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lnob.core.i18n import localised
from lnob.coverage import histograms as hist
from lnob.coverage.compute import VISIT_DUE, five_k
from lnob.coverage.indicators import evaluate, variables
from lnob.coverage.models import AreaRollup, Indicator, Snapshot, SubdistrictSummary
from lnob.geo.models import District, Province, Subdistrict
from lnob.registry.taxonomy import Need

Rollup = AreaRollup | SubdistrictSummary


@dataclass(frozen=True)
class Column:
    key: str  # a name of ``indicators.VARIABLES``
    label: Any
    people: bool = False  # a count of persons (suppressed in public tables)
    # A word or two for the header of a wide table on a phone; the full
    # label goes in its <abbr title> and in the downloads.
    short: Any = None


# The person counts that add up to ``found`` (each person is at one step).
STEP_COLUMNS = (
    Column("reported", _("Waiting for verification"), True,
           pgettext_lazy("column", "Waiting")),
    Column("verified", _("Verified, no carer yet"), True,
           pgettext_lazy("column", "No carer")),
    Column("assigned", _("Carer assigned"), True, pgettext_lazy("column", "Assigned")),
    Column("in_care", _("In care"), True, pgettext_lazy("column", "In care")),
    Column("closed", _("Closed"), True, pgettext_lazy("column", "Closed")),
    Column("rejected", _("Not a target"), True, pgettext_lazy("column", "Not target")),
)
FOUND = Column("found", _("People found"), True, pgettext_lazy("column", "Found"))
CAPACITY_COLUMNS = (
    Column("lead_networks", _("Lead networks"), short=pgettext_lazy("column", "Lead")),
    Column("networks", _("Networks"), short=pgettext_lazy("column", "Networks")),
    Column("volunteers", _("Volunteers"), short=pgettext_lazy("column", "Vol.")),
    Column("capacity", _("Capacity"), short=pgettext_lazy("column", "Capacity")),
    Column("remaining", _("Remaining capacity"), short=pgettext_lazy("column", "Left")),
    Column("funds", _("Funds"), short=pgettext_lazy("column", "Funds")),
    Column("committees", _("Committees"), short=pgettext_lazy("column", "Comm.")),
    Column("forums_held", _("Forums held"), short=pgettext_lazy("column", "Forums")),
    Column("median_days_to_verify", _("Median days to verification"),
           short=pgettext_lazy("column", "Days to verify")),
    Column("median_days_to_visit", _("Median days to first visit"),
           short=pgettext_lazy("column", "Days to visit")),
)
AREA_COLUMNS = (
    Column("subdistricts", _("Subdistricts"), short=pgettext_lazy("column", "Subdist.")),
    Column("lead_covered", _("with a lead network"),
           short=pgettext_lazy("column", "With lead")),
    Column("five_k_all", _("with all five ก"), short=pgettext_lazy("column", "All 5 ก")),
)
TABLE_COLUMNS = (FOUND, *STEP_COLUMNS, *CAPACITY_COLUMNS)
FIVE_K = (
    ("k1", _("ก.1 Searching"), _("people were reported here, or a search round was "
                                  "recorded")),
    ("k2", _("ก.2 Participation"), _("a community forum was held")),
    ("k3", _("ก.3 Volunteer group"), _("active volunteers cover it")),
    ("k4", _("ก.4 Fund"), _("a fund covers it")),
    ("k5", _("ก.5 Committee"), _("it has a subdistrict committee")),
)
WAIT_STEPS = (
    ("reported", _("waiting for a community forum")),
    ("verified", _("verified, waiting for a carer")),
    ("assigned", _("assigned, waiting for the first visit")),
    (VISIT_DUE, _("visit overdue")),
)
DEFAULT_WAIT_DAYS = 30


@dataclass
class AreaRow:
    code: str
    name: str
    row: Rollup
    values: dict[str, Any] = field(default_factory=dict)


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def rollup_of(code: str) -> Rollup | None:
    if len(code) == 6:
        return SubdistrictSummary.objects.filter(code=code).first()
    return AreaRollup.objects.filter(code=code).first()


def _names(model: Any, **filters: Any) -> dict[str, str]:
    return {code: localised(th, en) for code, th, en in model.objects.filter(**filters)
            .order_by().values_list("code", "name_th", "name_en")}


def _rows(rows: Sequence[Rollup], names: dict[str, str], on: datetime.date) -> list[AreaRow]:
    return [AreaRow(r.code, names.get(r.code, r.code), r, variables(r, on)) for r in rows]


def children(code: str, on: datetime.date) -> list[AreaRow]:
    """The areas one level down: provinces of the nation, districts of a
    province, subdistricts of a district."""
    if code == "":
        rows: list[Rollup] = list(AreaRollup.objects.filter(level="province")
                                  .defer(*AREA_LIST_DEFERRED))
        names = _names(Province)
    elif len(code) == 2:
        rows = list(AreaRollup.objects.filter(level="district", province_code=code)
                    .defer(*AREA_LIST_DEFERRED))
        names = _names(District, province_id=code)
    elif len(code) == 4:
        rows = list(SubdistrictSummary.objects.filter(district_code=code).defer(*LIST_DEFERRED))
        names = _names(Subdistrict, district_id=code)
    else:
        return []
    return sorted(_rows(rows, names, on), key=lambda a: a.code)


# Histograms a list of areas does not need (trends are read per area; medians
# are stored beside their histograms).
LIST_DEFERRED = ("by_group", "found_months", "verified_months", "care_months",
                 "days_to_verify", "days_to_visit")
# … and a list of districts or provinces (holes are read per subdistrict).
AREA_LIST_DEFERRED = (*LIST_DEFERRED, "waiting", "need_demand", "need_capacity")


def subdistricts_in(code: str, on: datetime.date) -> list[AreaRow]:
    """Every subdistrict of a province or district (or the one subdistrict)."""
    if len(code) == 2:
        rows = list(SubdistrictSummary.objects.filter(province_code=code).defer(*LIST_DEFERRED))
        names = _names(Subdistrict, province_id=code)
    elif len(code) == 4:
        rows = list(SubdistrictSummary.objects.filter(district_code=code).defer(*LIST_DEFERRED))
        names = _names(Subdistrict, district_id=code)
    else:
        rows = list(SubdistrictSummary.objects.filter(code=code))
        names = _names(Subdistrict, code=code)
    return sorted(_rows(rows, names, on), key=lambda a: a.code)


@dataclass
class FiveK:
    code: str
    name: str
    marks: tuple[bool, bool, bool, bool, bool]

    @property
    def score(self) -> int:
        return sum(self.marks)


def five_k_matrix(rows: list[AreaRow], on: datetime.date) -> list[FiveK]:
    return [FiveK(a.code, a.name, five_k(a.row, on)) for a in rows]


def five_k_score(matrix: list[FiveK]) -> float | None:
    """The share of all five ก held over the subdistricts, in %."""
    if not matrix:
        return None
    return 100 * sum(m.score for m in matrix) / (5 * len(matrix))


@dataclass
class Hole:
    code: str
    name: str
    kind: str  # no_lead | unserved | need_short | waiting
    label: Any
    detail: str = ""
    count: int = 0


HOLE_LABELS = {
    "no_lead": _("No lead network"),
    "unserved": _("Verified people, but no network or volunteer covers the area"),
    "need_short": _("Demand exceeds capacity for a need"),
    "waiting": _("People waiting too long"),
}


def holes(rows: list[AreaRow], on: datetime.date, wait_days: int = DEFAULT_WAIT_DAYS) -> list[Hole]:
    """The gaps (ช่องโหว่) of these subdistricts, worst first within a kind."""
    needs: dict[str, str] = {}
    limit = (on - datetime.timedelta(days=wait_days)).isoformat()
    labels = {kind: str(label) for kind, label in HOLE_LABELS.items()}
    steps = [(step, str(label)) for step, label in WAIT_STEPS]
    found: list[Hole] = []
    for a in rows:
        r, v = a.row, a.values
        if r.lead_networks == 0:
            found.append(Hole(a.code, a.name, "no_lead", labels["no_lead"], count=v["found"]))
        if v["open_verified"] > 0 and r.networks == 0 and r.volunteers == 0:
            found.append(Hole(a.code, a.name, "unserved", labels["unserved"],
                              count=v["open_verified"]))
        capacity = r.need_capacity
        short = [(need, n, capacity.get(need, 0)) for need, n in r.need_demand.items()
                 if n > capacity.get(need, 0)]
        if short:
            if not needs:
                needs = {str(n.pk): n.name for n in Need.objects.all()}
            detail = ", ".join(f"{needs.get(need, need)} {n}/{cap}" for need, n, cap in
                               sorted(short, key=lambda s: s[2] - s[1]))
            found.append(Hole(a.code, a.name, "need_short", labels["need_short"],
                              detail, sum(n - cap for _need, n, cap in short)))
        waits = []
        waiting = r.waiting
        for step, label in steps:
            n = sum(c for day, c in waiting.get(step, {}).items() if day < limit)
            if n:
                waits.append((label, n))
        if waits:
            found.append(Hole(a.code, a.name, "waiting", labels["waiting"],
                              ", ".join(f"{label}: {n}" for label, n in waits),
                              sum(n for _label, n in waits)))
    order = list(HOLE_LABELS)
    return sorted(found, key=lambda h: (order.index(h.kind), -h.count, h.code))


@dataclass
class IndicatorValue:
    indicator: Indicator
    value: float | None


def indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True))


def indicator_values(values: dict[str, Any], chosen: list[Indicator]) -> list[IndicatorValue]:
    return [IndicatorValue(i, evaluate(i.formula, values)) for i in chosen]


@dataclass
class Trend:
    months: list[str]
    series: dict[str, list[int | None]]


def trend(code: str, row: Rollup | None) -> Trend:
    """Month by month: people found, verified and starting care (running
    totals, from the dates kept in the roll-up), and people in care at each
    monthly snapshot."""
    if row is None:
        return Trend([], {})
    snapshots = {s.taken_on.strftime("%Y-%m"): s for s in
                 Snapshot.objects.filter(area_code=code).order_by("taken_on")} \
        if len(code) <= 2 else {}
    keys = [*row.found_months, *row.verified_months, *row.care_months, *snapshots]
    if not keys:
        return Trend([], {})
    months = hist.months_between(min(keys), max(max(keys), hist.month_key(today())))
    in_care: list[int | None] = [snapshots[m].figures.get("in_care") if m in snapshots else None
                                 for m in months]
    in_care[-1] = row.in_care
    return Trend(months, {
        "found": list(hist.cumulative(row.found_months, months)),
        "verified": list(hist.cumulative(row.verified_months, months)),
        "care_started": list(hist.cumulative(row.care_months, months)),
        "in_care": in_care,
    })


def area_name(code: str) -> str:
    if code == "":
        return str(_("Thailand"))
    model: Any = {2: Province, 4: District, 6: Subdistrict}.get(len(code))
    area = model.objects.filter(code=code).first() if model else None
    return area.name if area else code
