"""Coverage over the API: figures, indicators, milestones and snapshots of
the areas a user works in (404 outside them), and the public figures
(no token; small counts suppressed exactly as on the public dashboard)."""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from lnob.core import audit
from lnob.core.access import AREA_LEVEL_FIELDS, covers, grants_of, require_area
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate
from lnob.coverage import roadmap as rm
from lnob.coverage import selectors as sel
from lnob.coverage import services
from lnob.coverage.access import SEARCH_ROLES, search_rounds_visible_to
from lnob.coverage.models import SearchRound, Snapshot
from lnob.coverage.tables import public_cells, public_table, public_value
from lnob.coverage.welfare import scheme_lines, welfare_variables

router = Router(tags=["coverage"])


class CoverageIndicatorOut(Schema):
    code: str
    name_th: str
    name_en: str
    formula: str
    unit: str
    direction: str


class ValueOut(Schema):
    code: str
    value: float | None


class AreaFiguresOut(Schema):
    code: str
    name: str
    figures: dict[str, Any]
    indicators: list[ValueOut]


class FiguresOut(AreaFiguresOut):
    # What apps above coverage add (lnob.coverage.contributors): offers by kind
    # and status, givers, accepted capacity ("giving.…"), residents ("population.…").
    contributed: dict[str, int]
    # Per welfare scheme in the area: eligible, receiving, referred, approved.
    welfare: list[dict[str, Any]]
    children: list[AreaFiguresOut]
    five_k: list[dict[str, Any]]
    holes: list[dict[str, Any]]


class PublicRowOut(Schema):
    code: str
    name: str
    cells: dict[str, int | str]


class PublicOut(Schema):
    code: str
    name: str
    note: str
    total: dict[str, int | str]
    indicators: list[ValueOut]
    rows: list[PublicRowOut]


class PublicTableOut(Schema):
    code: str
    title: str
    scheme: str = Field("", description="the welfare scheme shown (welfare only)")
    schemes: list[str] = Field(default_factory=list, description="welfare schemes to choose")
    columns: list[str]
    total: dict[str, int | str]
    rows: list[PublicRowOut]


class ProgressOut(Schema):
    indicator: str
    target: float | None
    actual: float | None
    national: float | None
    status: str | None


class MilestoneOut(Schema):
    month: int
    due: str | None
    past: bool
    snapshot_on: str | None
    progress: list[ProgressOut]


class RoadmapOut(Schema):
    province_code: str
    d_day: str | None
    status: str
    milestones: list[MilestoneOut]


class SnapshotOut(Schema):
    area_code: str
    taken_on: str
    kind: str
    figures: dict[str, Any]
    indicators: dict[str, Any]


class SearchRoundIn(Schema):
    subdistrict_code: str
    held_on: IsoDate | None = None
    searched_by: str = Field("", max_length=services.MAX_SEARCHED_BY)
    note: str = Field("", max_length=services.MAX_NOTE)


class SearchRoundOut(Schema):
    id: int
    subdistrict_code: str
    held_on: IsoDate
    searched_by: str
    note: str

    @staticmethod
    def resolve_subdistrict_code(obj: SearchRound) -> str:
        return obj.area_code


def _scope(request: HttpRequest, area: str) -> None:
    if not grants_of(request.user):
        raise HttpError(403, _("Your role does not allow this."))
    if area == "":
        if not covers(request.user, ""):
            raise Http404
        return
    if len(area) not in (2, 4, 6) or not area.isdigit():
        raise Http404
    require_area(request.user, area)


FIGURE_KEYS = [*rm.FIGURE_KEYS, "remaining", "load", "open_verified", "verified_ever"]


def _area_out(a: sel.AreaRow, chosen: list[Any]) -> dict[str, Any]:
    return {"code": a.code, "name": a.name,
            "figures": {k: a.values.get(k) for k in FIGURE_KEYS},
            "indicators": [{"code": v.indicator.code, "value": v.value}
                           for v in sel.indicator_values(a.values, chosen)]}


@router.get("/indicators", response=list[CoverageIndicatorOut])
def indicators(request: HttpRequest) -> list[Any]:
    """The indicator definitions: names, formula over the roll-ups, unit, direction."""
    if not grants_of(request.user):
        raise HttpError(403, _("Your role does not allow this."))
    return sel.indicators()


@router.get("/figures", response=FiguresOut)
def figures(request: HttpRequest, area: str = "") -> dict[str, Any]:
    """An area's figures and indicators (``area`` = "" for the nation, or a
    province, district or subdistrict code), the areas one level down, the
    five-ก readiness and the holes of its subdistricts."""
    _scope(request, area)
    on = sel.today()
    row = sel.rollup_of(area)
    if row is None:
        raise Http404
    chosen = sel.indicators()
    here = sel.AreaRow(area, sel.area_name(area), row,
                       sel.variables(row, on, welfare_variables(area)))
    subdistricts = sel.subdistricts_in(area, on) if area else []
    return {**_area_out(here, chosen), "contributed": row.contributed or {},
            "welfare": [{"scheme": w.code, "eligible": w.eligible, "receiving": w.receiving,
                         "eligible_not_receiving": w.eligible_not_receiving,
                         "referred": w.referred, "approved": w.approved}
                        for w in scheme_lines(area)],
            "children": [_area_out(a, chosen) for a in sel.children(area, on)],
            "five_k": [{"code": m.code, "name": m.name, "k1": m.marks[0], "k2": m.marks[1],
                        "k3": m.marks[2], "k4": m.marks[3], "k5": m.marks[4],
                        "score": m.score} for m in sel.five_k_matrix(subdistricts, on)],
            "holes": [{"code": h.code, "name": h.name, "kind": h.kind, "detail": h.detail,
                       "count": h.count} for h in sel.holes(subdistricts, on)]}


@router.get("/roadmaps/{code}", response=RoadmapOut)
def roadmap(request: HttpRequest, code: str) -> dict[str, Any]:
    """A province's D-Day and milestones: target, actual (a past milestone's
    from its snapshot), the national value and on track / behind / reached."""
    if len(code) != 2:
        raise Http404
    _scope(request, code)
    road = rm.roadmap_of(code)
    return {"province_code": code, "d_day": road.d_day.isoformat() if road.d_day else None,
            "status": road.status, "milestones": [
                {"month": m.month, "due": m.due.isoformat() if m.due else None,
                 "past": m.past,
                 "snapshot_on": m.snapshot_on.isoformat() if m.snapshot_on else None,
                 "progress": [{"indicator": p.indicator.code, "target": p.target,
                               "actual": p.actual, "national": p.national,
                               "status": p.status} for p in m.rows]}
                for m in rm.progress(code)]}


@router.get("/snapshots", response=list[SnapshotOut])
def snapshots(request: HttpRequest, area: str = "") -> list[dict[str, Any]]:
    """The snapshots kept of the nation ("") or a province, oldest first."""
    if len(area) not in (0, 2):
        raise Http404
    _scope(request, area)
    return [{"area_code": s.area_code, "taken_on": s.taken_on.isoformat(), "kind": s.kind,
             "figures": s.figures, "indicators": s.indicators}
            for s in Snapshot.objects.filter(area_code=area).order_by("taken_on")]


def _searcher(request: HttpRequest) -> User:
    if not grants_of(request.user, SEARCH_ROLES):
        raise HttpError(403, _("Your role does not record search rounds."))
    return cast(User, request.user)


@router.get("/search-rounds", response=list[SearchRoundOut])
def search_rounds(request: HttpRequest, area: str = "") -> list[SearchRound]:
    """The search rounds recorded in an area (a province, district or
    subdistrict code; "" for all of yours), latest first, at most 500."""
    user = _searcher(request)
    if area:
        if len(area) not in (2, 4, 6) or not area.isdigit():
            raise Http404
        require_area(user, area, SEARCH_ROLES)
    rounds = search_rounds_visible_to(user)
    if area:
        rounds = rounds.filter(**{AREA_LEVEL_FIELDS[len(area)]: area})
    found = list(rounds.order_by("-held_on", "-id")[:500])
    audit.record(AuditAction.VIEW, request=request, object_type="coverage.search_round_list",
                 area_code=area, detail={"via": "api", "rounds": len(found)})
    return found


@router.post("/search-rounds", response={201: SearchRoundOut})
def search_round_create(request: HttpRequest, payload: SearchRoundIn) -> Status:
    """Records a search round held in a subdistrict of yours: it counts for
    ก.1 (searching) at once. 404 outside your areas."""
    user = _searcher(request)
    code = payload.subdistrict_code.strip()
    if len(code) == 6 and code.isdigit():
        require_area(user, code, SEARCH_ROLES)
    found = services.search_round_record(
        actor=user, request=request, data=services.SearchRoundData(**payload.dict()))
    return Status(201, found)


def _public(code: str) -> dict[str, Any]:
    on = sel.today()
    row = sel.rollup_of(code)
    if row is None:
        raise Http404
    total = sel.AreaRow(code, sel.area_name(code), row, sel.variables(row, on))
    table = public_table("", sel.children(code, on), total)
    cells = public_cells(table)
    values = sel.indicator_values(total.values, sel.indicators())
    return {"code": code, "name": total.name,
            "note": _("Counts under 5 show as “<5”; “×” hides a count from which a small "
                      "one could be worked out."),
            "total": cells[""],
            "indicators": [{"code": v.indicator.code,
                            "value": public_value(v.indicator, v.value, cells[""])}
                           for v in values],
            "rows": [{"code": c, "name": n, "cells": cells[c]}
                     for c, n in zip(table.codes, table.names, strict=True)]}


@router.get("/public", response=PublicOut, auth=None)
def public_nation(request: HttpRequest) -> dict[str, Any]:
    """Thailand's public figures by province, small counts suppressed."""
    return _public("")


@router.get("/public/{code}", response=PublicOut, auth=None)
def public_province(request: HttpRequest, code: str) -> dict[str, Any]:
    """A province's public figures by district, small counts suppressed."""
    if len(code) != 2 or not code.isdigit():
        raise Http404
    return _public(code)


def _public_table(code: str, table: Any, **extra: Any) -> dict[str, Any]:
    if table is None:
        raise Http404
    cells = public_cells(table)
    return {"code": code, "title": str(table.title), "columns": table.keys,
            "total": cells[""], **extra,
            "rows": [{"code": c, "name": n, "cells": cells[c]}
                     for c, n in zip(table.codes, table.names, strict=True)]}


def _public_code(code: str) -> str:
    if code == "00":
        return ""
    if len(code) != 2 or not code.isdigit() or sel.area_name(code) == code:
        raise Http404
    return code


@router.get("/public/{code}/welfare", response=PublicTableOut, auth=None)
def public_welfare(request: HttpRequest, code: str, scheme: str = "") -> dict[str, Any]:
    """One welfare scheme (``scheme``, else the first active one) by province
    (``00`` for Thailand) or by district of a province: people eligible,
    receiving, referred, approved; each column suppressed with its total."""
    from lnob.coverage.public_tables import welfare_table

    area = _public_code(code)
    table, schemes, chosen = welfare_table(area, scheme[:40])
    return _public_table(code, table, scheme=chosen.code if chosen else "",
                         schemes=[s.code for s in schemes])


@router.get("/public/{code}/giving", response=PublicTableOut, auth=None)
def public_giving(request: HttpRequest, code: str) -> dict[str, Any]:
    """Offers, givers and offers accepted by province (``00`` for Thailand)
    or by district of a province; each column suppressed with its total."""
    from lnob.coverage.public_tables import giving_table

    return _public_table(code, giving_table(_public_code(code)))
