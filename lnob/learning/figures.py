"""The figures the learning app shows, asked of the coverage app
(lnob.coverage: its selectors, roadmap and indicators): indicator values of
an area on a day, the five-ก matrix of a province, its roadmap milestones
against their targets, its holes, monthly series, and the province rows of
the nation.

This adapter is the only module of the app that knows lnob.coverage; the
reports, the AAR services and the pages get plain dataclasses. Everything is
an aggregate — no row of any person is read. When the roll-ups are not built
yet the functions answer with empty figures and ``available=False``, and the
pages and reports say so.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps

from lnob.core.i18n import localised


@dataclass(frozen=True)
class IndicatorValue:
    code: str
    name_th: str
    name_en: str
    unit: str
    direction: str  # "up" | "down"
    value: float | None

    @property
    def name(self) -> str:
        return localised(self.name_th, self.name_en)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FiveKRow:
    """One district (or the province total) of the five-ก matrix: how many of
    its subdistricts hold each ก, and all five."""

    code: str
    name: str
    subdistricts: int
    k: tuple[int, int, int, int, int]
    all5: int


@dataclass(frozen=True)
class TargetCheck:
    indicator: IndicatorValue  # on the milestone's day once past (its snapshot), else now
    target: float | None
    status: str | None  # reached | on_track | behind | None (no target or no figure)


@dataclass(frozen=True)
class Milestone:
    month: int
    due_on: datetime.date | None
    reached: bool  # the milestone's day has come
    checks: list[TargetCheck]


@dataclass
class Roadmap:
    d_day: datetime.date | None
    approved: bool
    milestones: list[Milestone] = field(default_factory=list)


@dataclass(frozen=True)
class Holes:
    no_lead: list[tuple[str, str]]  # (subdistrict code, name) without a lead network
    no_lead_count: int
    unserved: int  # subdistricts with verified people and no giver
    need_short: int  # subdistricts where demand exceeds capacity for a need
    waiting: int  # subdistricts where people wait too long


@dataclass
class AreaFigures:
    """The head figures of an area (a province or the nation "")."""

    code: str
    name: str
    available: bool
    subdistricts: int = 0
    found: int = 0
    verified_ever: int = 0
    in_care: int = 0
    closed: int = 0
    capacity: int = 0
    networks: int = 0
    lead_networks: int = 0
    volunteers: int = 0
    funds: int = 0
    forums_held: int = 0
    five_k_all: int = 0
    d_day: datetime.date | None = None
    indicators: list[IndicatorValue] = field(default_factory=list)


HEAD_FIGURES = ("subdistricts", "found", "verified_ever", "in_care", "closed", "capacity",
                "networks", "lead_networks", "volunteers", "funds", "forums_held",
                "five_k_all")


def coverage_installed() -> bool:
    return apps.is_installed("lnob.coverage")


def _value(indicator: Any, value: float | None) -> IndicatorValue:
    return IndicatorValue(indicator.code, indicator.name_th, indicator.name_en, indicator.unit,
                          indicator.direction, None if value is None else round(value, 2))


def _evaluated(values: dict[str, Any]) -> list[IndicatorValue]:
    from lnob.coverage import selectors

    chosen = selectors.indicators()
    return [_value(v.indicator, v.value) for v in selectors.indicator_values(values, chosen)]


def indicators_at(area_code: str, on: datetime.date | None) -> list[IndicatorValue]:
    """The indicators of an area on a day: the province's (or nation's)
    snapshot of that very day when one was taken, else the roll-ups as they
    stand (their dated parts — forums held, ก.2 — counted up to that day).
    Empty when there are no roll-ups."""
    if on is None or not coverage_installed():
        return []
    from lnob.coverage import selectors
    from lnob.coverage.indicators import variables
    from lnob.coverage.models import Snapshot

    if len(area_code) <= 2:
        snap = Snapshot.objects.filter(area_code=area_code, taken_on=on).first()
        if snap is not None:
            return [_value(i, snap.indicators.get(i.code)) for i in selectors.indicators()]
    row = selectors.rollup_of(area_code)
    return _evaluated(variables(row, on)) if row is not None else []


def area_figures(area_code: str, on: datetime.date) -> AreaFigures:
    if not coverage_installed():
        return AreaFigures(area_code, "", available=False)
    from lnob.coverage import selectors
    from lnob.coverage.indicators import variables

    name = selectors.area_name(area_code)
    row = selectors.rollup_of(area_code)
    if row is None:
        return AreaFigures(area_code, name, available=False)
    values = variables(row, on)
    figures = AreaFigures(area_code, name, available=True, indicators=_evaluated(values))
    for key in HEAD_FIGURES:
        setattr(figures, key, int(values.get(key) or 0))
    if len(area_code) == 2:
        from lnob.coverage.roadmap import roadmap_of

        figures.d_day = roadmap_of(area_code).d_day
    return figures


def _five_k_row(code: str, name: str, values: dict[str, Any]) -> FiveKRow:
    return FiveKRow(code, name, int(values.get("subdistricts") or 0),
                    (int(values["k1"]), int(values["k2"]), int(values["k3"]),
                     int(values["k4"]), int(values["k5"])), int(values["five_k_all"]))


def five_k_matrix(province_code: str, on: datetime.date) -> list[FiveKRow]:
    """Per district of the province, then the province total (last row)."""
    if not coverage_installed():
        return []
    from lnob.coverage import selectors
    from lnob.coverage.indicators import variables

    rows = [_five_k_row(a.code, a.name, a.values) for a in selectors.children(province_code, on)]
    province = selectors.rollup_of(province_code)
    if province is not None:
        rows.append(_five_k_row(province_code, selectors.area_name(province_code),
                                variables(province, on)))
    return rows


def roadmap(province_code: str, on: datetime.date) -> Roadmap:
    """The province's D-Day and its 3/6/9/12-month milestones, each target
    beside the value (a past milestone's from the snapshot of its day)."""
    if not coverage_installed():
        return Roadmap(d_day=None, approved=False)
    from lnob.coverage import roadmap as plan

    row = plan.roadmap_of(province_code)
    result = Roadmap(d_day=row.d_day, approved=row.status == "approved")
    if row.d_day is None:
        return result
    for m in plan.progress(province_code, on):
        result.milestones.append(Milestone(m.month, m.due, m.past, [
            TargetCheck(_value(p.indicator, p.actual), p.target, p.status)
            for p in m.rows if p.target is not None]))
    return result


def holes(province_code: str, on: datetime.date, *, shown: int = 60) -> Holes:
    """The province's gaps: subdistricts without a lead network (the first
    ``shown`` named), and how many subdistricts have each other kind of gap."""
    if not coverage_installed():
        return Holes([], 0, 0, 0, 0)
    from lnob.coverage import selectors

    found = selectors.holes(selectors.subdistricts_in(province_code, on), on)
    no_lead = sorted((h.code, h.name) for h in found if h.kind == "no_lead")
    count = {kind: sum(1 for h in found if h.kind == kind)
             for kind in ("unserved", "need_short", "waiting")}
    return Holes(no_lead[:shown], len(no_lead), count["unserved"], count["need_short"],
                 count["waiting"])


def monthly_series(area_code: str, first: datetime.date, last: datetime.date
                   ) -> dict[str, list[Any]]:
    """Running totals at the end of each month of the period (at most 24):
    people found, verified, and whose care started."""
    empty: dict[str, list[Any]] = {"months": [], "found": [], "verified": [], "care": []}
    if not coverage_installed():
        return empty
    from lnob.coverage import selectors
    from lnob.coverage.histograms import month_key

    trend = selectors.trend(area_code, selectors.rollup_of(area_code))
    keep = [i for i, m in enumerate(trend.months) if month_key(first) <= m <= month_key(last)]
    keep = keep[-24:]
    if not keep:
        return empty
    return {"months": [trend.months[i] for i in keep],
            **{name: [trend.series.get(key, [])[i] or 0 for i in keep]
               for name, key in (("found", "found"), ("verified", "verified"),
                                 ("care", "care_started"))}}


def national_rows(on: datetime.date) -> list[AreaFigures]:
    """One row per province with roll-ups, in code order."""
    if not coverage_installed():
        return []
    from lnob.coverage import selectors
    from lnob.coverage.models import Roadmap as RoadmapRow

    d_days = dict(RoadmapRow.objects.values_list("province_code", "d_day"))
    out = []
    for a in selectors.children("", on):
        f = AreaFigures(a.code, a.name, available=True, d_day=d_days.get(a.code))
        for key in HEAD_FIGURES:
            setattr(f, key, int(a.values.get(key) or 0))
        out.append(f)
    return out
