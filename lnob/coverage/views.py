"""Coverage pages: the public dashboard (no login, small counts suppressed)
and the pages of signed-in users, scoped to their areas (404 outside)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any, cast

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core import audit, charts
from lnob.core.access import area_codes, covers, public, require_area, requires_roles
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction
from lnob.core.roles import Role, allowed
from lnob.core.thaidates import (
    ENGLISH_MONTHS_ABBR,
    THAI_MONTHS_ABBR,
    ThaiDateError,
    be_year,
    parse_date,
)
from lnob.coverage import contributors, public_tables, suppression
from lnob.coverage import roadmap as rm
from lnob.coverage import selectors as sel
from lnob.coverage.access import SEARCH_ROLES, may_record_search, search_rounds_visible_to
from lnob.coverage.models import MILESTONE_MONTHS, Indicator, SearchRound
from lnob.coverage.population import residents
from lnob.coverage.rollup import is_built
from lnob.coverage.services import SearchRoundData, search_round_record
from lnob.coverage.tables import (
    GRID,
    Table,
    figures_table,
    five_k_table,
    holes_table,
    public_cells,
    public_table,
    public_value,
    roadmap_table,
    tile_map,
)
from lnob.coverage.welfare import scheme_lines, welfare_variables
from lnob.exports.responses import download, export_format, filename
from lnob.geo import selectors as geo
from lnob.networks.access import VOLUNTEER_READERS
from lnob.networks.models import Network, Volunteer

ALL_ROLES = tuple(Role)
FORUM_ROLES = allowed("forums.run")
TABLES = ("children", "subdistricts", "five_k", "holes", "roadmap")


def _indicator(request: HttpRequest, chosen: list[Indicator]) -> Indicator | None:
    code = request.GET.get("indicator", "")
    return next((i for i in chosen if i.code == code), chosen[0] if chosen else None)


def _sort(request: HttpRequest) -> tuple[str, bool]:
    return request.GET.get("sort", "")[:40], request.GET.get("dir", "desc") != "asc"


def _wait_days(request: HttpRequest) -> int:
    raw = request.GET.get("wait", "")
    return min(int(raw), 3650) if raw.isdigit() and int(raw) > 0 else sel.DEFAULT_WAIT_DAYS


# How old the public dashboard's figures may be (seconds); they are totals
# that move by one with each report.
PUBLIC_CACHE_SECONDS = 60


def _nation_rows(on: datetime.date) -> tuple[list[sel.AreaRow], sel.AreaRow | None]:
    rows = sel.children("", on)
    nation = sel.rollup_of("")
    total = sel.AreaRow("", str(_("Thailand")), nation,
                        sel.variables(nation, on)) if nation else None
    return rows, total


def _area_row(code: str, on: datetime.date) -> sel.AreaRow | None:
    row = sel.rollup_of(code)
    if row is None:
        return None
    return sel.AreaRow(code, sel.area_name(code), row, sel.variables(row, on))


def _not_built() -> dict[str, Any]:
    """Tells the page when the roll-ups were never built (a new install, or
    data loaded in bulk without them) and asks the worker to build them."""
    if is_built():
        return {"not_built": False}
    from lnob.coverage.tasks import rebuild_rollups, waiting

    if not waiting("lnob.coverage.tasks.rebuild_rollups"):
        rebuild_rollups.enqueue()
    return {"not_built": True}


# ------------------------------------------------------------------ public

# The public dashboard and the national page (nationwide roles) show the same
# aggregates to every viewer, the most asked pages of the signed-in mix after
# the inboxes: their rendered figures are kept PUBLIC_CACHE_SECONDS per
# language, day and the choices in the address (decision 0036). Never a page
# of personal data; never while the roll-ups are still to be built.
def _kept_body(request: HttpRequest, page: str, choices: tuple[str, ...],
               build: Callable[[HttpRequest], tuple[str, dict[str, Any]]]) -> str:
    asked = (page, get_language(), sel.today().isoformat(),
             *(request.GET.get(c, "")[:40] for c in choices))
    key = "lnob:coverage:page:" + hashlib.sha256(repr(asked).encode()).hexdigest()[:40]
    body = cache.get(key)
    if body is None:
        template, context = build(request)
        body = render_to_string(template, context, request)
        if not context.get("not_built"):
            cache.set(key, body, PUBLIC_CACHE_SECONDS)
    return cast(str, body)


@public
def public_dashboard(request: HttpRequest) -> HttpResponse:
    body = _kept_body(request, "public", ("indicator", "scheme"), _public_dashboard)
    return render(request, "coverage/public.html", {"body": body})


def _public_dashboard(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    on = sel.today()
    # The most visited page without signing in: its figures (every province's
    # roll-up) are kept PUBLIC_CACHE_SECONDS in the cache, per language and day.
    key = f"lnob:coverage:public:{get_language()}:{on.isoformat()}"
    kept = cache.get(key)
    if kept is None:
        kept = (*_nation_rows(on), sel.indicators())
        cache.set(key, kept, PUBLIC_CACHE_SECONDS)
    rows, total, chosen = kept
    context: dict[str, Any] = {"indicators": chosen, **_not_built()}
    if total is None:
        return "coverage/_public_body.html", context
    table = public_table(_("People at each step, by province"), rows, total)
    cells = public_cells(table)
    indicator = _indicator(request, chosen)
    if indicator is not None:
        values = {a.code: public_value(indicator, sel.evaluate(indicator.formula, a.values),
                                       cells[a.code]) for a in rows}
        tiles, cuts = tile_map(values, {a.code: a.name for a in rows}, indicator,
                               thai_active())
        context.update(tiles=tiles, cuts=cuts, indicator=indicator, grid=GRID)
    context.update(table=_most_found_first(table), area=total, on=on,
                   kpis=_public_kpis(cells[""]),
                   values=[(v.indicator, public_value(v.indicator, v.value, cells[""]))
                           for v in sel.indicator_values(total.values, chosen)])
    context.update(public_tables.public_context("", request.GET.get("scheme", "")[:40]))
    return "coverage/_public_body.html", context


def _most_found_first(table: Table) -> Table:
    """The public table with the most people found first, by the published
    figure: "<5" between 5 and 0, "×" (hidden) last, ties in code order —
    the order says nothing the page does not."""
    i = table.keys.index("found") + 1

    def key(r: int) -> tuple[float, str]:
        value = table.rows[r][i]
        if isinstance(value, int):
            return -value, table.codes[r]
        return (-4.5 if value == suppression.SMALL else 1.0), table.codes[r]

    order = sorted(range(len(table.rows)), key=key)
    return Table(table.title, table.header, table.keys, [table.rows[r] for r in order],
                 [table.codes[r] for r in order], [table.names[r] for r in order],
                 table.total, short=table.short)


def _public_kpis(total: dict[str, Any]) -> list[tuple[Any, Any, str]]:
    """The public page's lead figures: the published (suppressed) totals."""
    return [(_("People found"), total.get("found"), ""),
            (_("Waiting for verification"), total.get("reported"), ""),
            (_("Verified, no carer yet"), total.get("verified"), ""),
            (_("In care"), total.get("in_care"), "")]


@public
def public_province(request: HttpRequest, code: str) -> HttpResponse:
    if len(code) != 2 or not code.isdigit():
        raise Http404
    on = sel.today()
    area = _area_row(code, on)
    if area is None:
        raise Http404
    table = public_table(_("People at each step, by district"), sel.children(code, on), area)
    cells = public_cells(table)
    chosen = sel.indicators()
    return render(request, "coverage/public.html", {
        "area": area, "table": table, "on": on, "province": True,
        "kpis": _public_kpis(cells[""]),
        "values": [(v.indicator, public_value(v.indicator, v.value, cells[""]))
                   for v in sel.indicator_values(area.values, chosen)],
        **public_tables.public_context(code, request.GET.get("scheme", "")[:40]),
    })


@public
def public_export(request: HttpRequest) -> HttpResponseBase:
    """The public table of the nation (``?area=``) or a province, suppressed
    as on the page. Aggregates only: nothing personal to audit."""
    code = request.GET.get("area", "")
    fmt = export_format(request.GET.get("format", "csv"))
    on = sel.today()
    if code == "":
        rows, total = _nation_rows(on)
    elif len(code) == 2 and code.isdigit():
        rows, total = sel.children(code, on), _area_row(code, on)
    else:
        raise Http404
    if total is None:
        raise Http404
    table = public_table(_("People at each step"), rows, total)
    return download(fmt, table.csv_header(), table.csv_rows(),
                    name=filename("coverage-public", code, fmt), sheet_title="coverage")


# ------------------------------------------------------------- signed in

# The national page's short lists (the rest behind "show all" and the downloads).
BEHIND_SHOWN = 10
PROVINCES_SHOWN = 20


@requires_roles(*ALL_ROLES)
def national(request: HttpRequest) -> HttpResponse:
    """The whole country for nationwide grants; the user's own areas otherwise."""
    if not covers(request.user, ""):
        areas = [(code, sel.area_name(code)) for code in area_codes(request.user)]
        if len(areas) == 1:
            return redirect("coverage_area", code=areas[0][0])
        return render(request, "coverage/areas.html", {"areas": areas})
    body = _kept_body(request, "national", ("indicator", "sort", "dir", "all"), _national)
    return render(request, "coverage/national.html", {"body": body})


def _national(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    on = sel.today()
    rows, total = _nation_rows(on)
    chosen = sel.indicators()
    sort, descending = _sort(request)
    context: dict[str, Any] = {"indicators": chosen, "on": on, **_not_built()}
    if total is not None:
        indicator = _indicator(request, chosen)
        if indicator is not None:
            values = {a.code: sel.evaluate(indicator.formula, a.values) for a in rows}
            tiles, cuts = tile_map(values, {a.code: a.name for a in rows}, indicator,
                                   thai_active())
            context.update(tiles=tiles, cuts=cuts, indicator=indicator, grid=GRID)
        # The holes at a glance: the provinces with the most subdistricts that
        # no lead network covers.
        behind = sorted(((a, int(a.values.get("subdistricts") or 0)
                          - int(a.values.get("lead_covered") or 0)) for a in rows),
                        key=lambda pair: (-pair[1], pair[0].code))
        context.update(
            kpis=[*_kpis(total.values), (_("Subdistricts without a lead network"),
                                         sum(n for _a, n in behind), "")],
            behind=[(a, n) for a, n in behind if n > 0][:BEHIND_SHOWN],
            table_limit=0 if request.GET.get("all") == "provinces" else PROVINCES_SHOWN)
        context.update(
            area=total, table=figures_table(_("Provinces"), rows, total, areas=True,
                                            sort=sort, descending=descending),
            sort=sort, descending=descending,
            values=[(v.indicator, v.value) for v in sel.indicator_values(total.values, chosen)],
            contributed=contributors.shown(total.row.contributed),
            residents=residents(total.row.contributed),
            residents_missing=(total.row.contributed or {}).get("population.missing", 0))
    return "coverage/_national_body.html", context


def _month_label(month: str) -> str:
    """"2026-11" → "พ.ย. 2569" on Thai pages, "Nov 2026" on English ones."""
    year, number = int(month[:4]), int(month[5:7])
    if thai_active():
        return f"{THAI_MONTHS_ABBR[number - 1]} {be_year(year)}"
    return f"{ENGLISH_MONTHS_ABBR[number - 1]} {year}"


def _month_short(month: str) -> str:
    """"2026-11" → "11/69" on Thai pages (BE), "11/26" on English ones."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{number}/{str(be_year(year) if thai_active() else year)[2:]}"


def _scoped(request: HttpRequest, code: str) -> None:
    if len(code) not in (2, 4, 6) or not code.isdigit():
        raise Http404
    require_area(request.user, code)


def _area_tables(code: str, on: datetime.date, wait: int, sort: str = "",
                 descending: bool = True) -> dict[str, Any]:
    area = _area_row(code, on)
    if area is None:
        raise Http404
    subdistricts = sel.subdistricts_in(code, on)
    child_title = _("Districts") if len(code) == 2 else _("Subdistricts")
    tables: dict[str, Table] = {}
    if len(code) < 6:
        tables["children"] = figures_table(child_title, sel.children(code, on), area,
                                           areas=len(code) == 2, sort=sort,
                                           descending=descending)
    if len(code) == 2:
        tables["subdistricts"] = figures_table(_("Subdistricts"), subdistricts, None)
    matrix = sel.five_k_matrix(subdistricts, on)
    tables["five_k"] = five_k_table(matrix)
    tables["holes"] = holes_table(sel.holes(subdistricts, on, wait))
    return {"area": area, "tables": tables, "matrix": matrix,
            "five_k_score": sel.five_k_score(matrix)}


@requires_roles(*ALL_ROLES)
def area(request: HttpRequest, code: str) -> HttpResponse:
    _scoped(request, code)
    return _area_page(request, code)


def _area_page(request: HttpRequest, code: str, search: dict[str, Any] | None = None,
               status: int = 200) -> HttpResponse:
    on = sel.today()
    wait = _wait_days(request)
    sort, descending = _sort(request)
    place = geo.area_by_code(code)
    if place is None:
        raise Http404
    if sel.rollup_of(code) is None:  # never built: say so rather than "not found"
        return render(request, "coverage/area_pending.html", {
            "area": place, "parents": geo.ancestors(place), **_not_built()})
    context = _area_tables(code, on, wait, sort, descending)
    chosen = sel.indicators()
    # Welfare's counts (issue 18) are read for this one area, beside the
    # roll-up's figures; offers and residents are in the roll-up itself.
    welfare = welfare_variables(code)
    contributed = context["area"].row.contributed or {}
    context.update(on=on, wait=wait, wait_str=str(wait), sort=sort, descending=descending,
                   five_k=sel.FIVE_K,
                   parents=geo.ancestors(place) if place is not None else [],
                   values=[(v.indicator, v.value) for v in
                           sel.indicator_values({**context["area"].values, **welfare},
                                                chosen)],
                   contributed=contributors.shown(contributed),
                   residents=residents(contributed),
                   residents_missing=contributed.get("population.missing", 0),
                   welfare_lines=scheme_lines(code),
                   **_not_built())
    context.update(_phone_parts(request, context))
    trend = sel.trend(code, context["area"].row) if len(code) <= 2 else None
    if trend is not None and trend.months:  # a province nobody was reported in has none
        context["trend"] = trend
        labels = [_month_label(m) for m in trend.months]
        names = {"found": _("People found"), "verified": _("Verified"),
                 "care_started": _("Care started"), "in_care": _("In care (snapshots)")}
        # Drawn on the server at a phone's width: no chart library to load.
        context["trend_svg"] = mark_safe(charts.lines(  # noqa: S308 — charts escape every label
            [_month_short(m) for m in trend.months],
            [(str(names[k]), trend.series[k]) for k in names], width=400, height=200,
            right=120, ticks=4,
            label=_("Line chart of people found, verified and in care by month; the same "
                    "figures are in the table below.")))
        context["trend_rows"] = [(m, *[trend.series[k][i] for k in names])
                                 for i, m in enumerate(labels)]
    if len(code) == 6:
        context.update(_subdistrict_parts(request, code))
        context["search"] = search or {"errors": {}, "posted": {}}
    return render(request, "coverage/area.html", context, status=status)


# Rows of a long table shown before "show all" (the downloads have them all).
HOLES_SHOWN = 10
FIVE_K_SHOWN = 10
CHILDREN_SHOWN = 30


def _kpis(values: dict[str, Any], five_k_score: float | None = None) -> list[tuple[Any, Any, str]]:
    """The few figures a page leads with: (label, value, unit)."""
    kpis: list[tuple[Any, Any, str]] = [
        (_("People found"), values.get("found"), ""),
        (_("Waiting for verification"), values.get("reported"), ""),
        (_("Verified, no carer yet"), values.get("verified"), ""),
        (_("In care"), values.get("in_care"), "")]
    if "remaining" in values:
        kpis.append((_("Remaining capacity"), values.get("remaining"), ""))
    if five_k_score is not None:
        kpis.append((_("Five-ก readiness"), five_k_score, "%"))
    return kpis


def _phone_parts(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """What lets a phone read the area page: the holes first (counted by kind,
    filtered by ``?hole=``, the first few rows unless ``?all=holes``), the
    five-ก table worst first and cut short, and a province's long subdistrict
    table only on demand (``?all=subdistricts``; each district's page lists
    its own)."""
    tables: dict[str, Table] = context["tables"]
    shown_all = request.GET.get("all", "")
    holes = tables["holes"]
    kinds = [(kind, label, sum(1 for row in holes.rows if row[1] == str(label)))
             for kind, label in sel.HOLE_LABELS.items()]
    chosen = request.GET.get("hole", "")
    if chosen in sel.HOLE_LABELS:
        label = str(sel.HOLE_LABELS[chosen])
        keep = [i for i, row in enumerate(holes.rows) if row[1] == label]
        tables["holes"] = Table(holes.title, holes.header, holes.keys,
                                [holes.rows[i] for i in keep], [holes.codes[i] for i in keep],
                                [holes.names[i] for i in keep])
    five_k = tables["five_k"]
    order = sorted(range(len(five_k.rows)), key=lambda i: (five_k.rows[i][-1], five_k.codes[i]))
    tables["five_k"] = Table(five_k.title, five_k.header, five_k.keys,
                             [five_k.rows[i] for i in order], [five_k.codes[i] for i in order],
                             [five_k.names[i] for i in order], short=five_k.short)
    subdistricts = tables.get("subdistricts")
    return {
        "kpis": _kpis(context["area"].values, context["five_k_score"]),
        "hole_kinds": [k for k in kinds if k[2]], "hole_kind": chosen if chosen in
        sel.HOLE_LABELS else "", "hole_subdistricts": len(set(holes.codes)),
        "holes_limit": 0 if shown_all == "holes" else HOLES_SHOWN,
        "holes_shown": list(zip(tables["holes"].codes, tables["holes"].rows,
                                strict=True))[:None if shown_all == "holes" else HOLES_SHOWN],
        "five_k_limit": 0 if shown_all == "five_k" else FIVE_K_SHOWN,
        "children_limit": 0 if shown_all == "children" else CHILDREN_SHOWN,
        "subdistricts_shown": subdistricts is not None and shown_all == "subdistricts",
        "subdistrict_count": len(subdistricts.rows) if subdistricts is not None else 0,
    }


def _subdistrict_parts(request: HttpRequest, code: str) -> dict[str, Any]:
    from lnob.cases.models import Forum

    networks = list(Network.objects.filter(
        Q(pk__in=Network.subdistricts.through.objects.filter(subdistrict_id=code)
          .values("network_id"))
        | Q(pk__in=Network.villages.through.objects.filter(village__subdistrict_id=code)
            .values("network_id"))).order_by("-is_lead", "name"))
    volunteers = Volunteer.objects.filter(subdistricts=code, active=True)
    parts: dict[str, Any] = {"networks": networks, "volunteer_count": volunteers.count(),
                             "forums": [], "forum_count": Forum.objects.filter(
                                 subdistrict_id=code).count()}
    if covers(request.user, code, VOLUNTEER_READERS):
        parts["volunteers"] = list(volunteers.select_related("network").order_by(
            "first_name", "last_name"))
        # Volunteers' names are personal data.
        audit.record(AuditAction.VIEW, request=request, object_type="coverage.volunteers",
                     object_id=code, area_code=code,
                     detail={"volunteers": [v.pk for v in parts["volunteers"]]})
    if covers(request.user, code, FORUM_ROLES):
        parts["forums"] = list(Forum.objects.filter(subdistrict_id=code).select_related(
            "organiser").order_by("-held_on")[:50])
    rounds = SearchRound.objects.filter(subdistrict_id=code)
    parts["search_round_count"] = rounds.count()
    parts["may_record_search"] = may_record_search(request.user, code)
    parts["search_rounds"] = list(
        search_rounds_visible_to(request.user).filter(subdistrict_id=code)
        .order_by("-held_on", "-id")[:50]) if parts["may_record_search"] else []
    return parts


@requires_roles(*SEARCH_ROLES)
@require_POST
def search_round_add(request: HttpRequest, code: str) -> HttpResponse:
    """Records a search round from the subdistrict page's form."""
    if len(code) != 6 or not code.isdigit():
        raise Http404
    require_area(request.user, code, SEARCH_ROLES)
    posted = {name: request.POST.get(name, "") for name in ("held_on", "searched_by", "note")}
    unreadable: dict[str, list[str]] = {}
    held_on = None
    try:
        held_on = parse_date(posted["held_on"]).value
    except ThaiDateError as exc:
        unreadable["held_on"] = [str(exc)]
    try:
        # An unreadable date goes as none, so that the other fields' problems
        # are told at the same time; the date's own message replaces "give
        # the date".
        search_round_record(actor=request.user,  # type: ignore[arg-type]
                            data=SearchRoundData(subdistrict_code=code, held_on=held_on,
                                                 searched_by=posted["searched_by"],
                                                 note=posted["note"]), request=request)
    except ValidationError as exc:
        return _area_page(request, code, {"errors": {**exc.message_dict, **unreadable},
                                          "posted": posted}, status=400)
    from django.contrib import messages

    messages.success(request, _("Search round recorded: the subdistrict counts for ก.1."))
    return redirect("coverage_area", code=code)


@requires_roles(*ALL_ROLES)
def area_export(request: HttpRequest, code: str) -> HttpResponseBase:
    """A table of the area page as CSV or XLSX (audited)."""
    _scoped(request, code)
    table_name = request.GET.get("table", "children")
    if table_name not in TABLES:
        raise Http404
    fmt = export_format(request.GET.get("format", "csv"))
    if table_name == "roadmap":
        if len(code) != 2:
            raise Http404
        return _download(request, roadmap_table(rm.progress(code)), code, table_name, fmt)
    tables = _area_tables(code, sel.today(), _wait_days(request))["tables"]
    table = tables.get(table_name)
    if table is None:
        raise Http404
    return _download(request, table, code, table_name, fmt)


@requires_roles(*ALL_ROLES)
def national_export(request: HttpRequest) -> HttpResponseBase:
    if not covers(request.user, ""):
        raise Http404
    fmt = export_format(request.GET.get("format", "csv"))
    rows, total = _nation_rows(sel.today())
    if total is None:
        raise Http404
    return _download(request, figures_table(_("Provinces"), rows, total, areas=True), "",
                     "provinces", fmt)


def _download(request: HttpRequest, table: Table, code: str, name: str,
              fmt: Any) -> HttpResponseBase:
    audit.record(AuditAction.EXPORT, request=request, object_type="coverage.table",
                 object_id=name, area_code=code, detail={"format": fmt, "rows": len(table.rows)})
    return download(fmt, table.csv_header(), table.csv_rows(),
                    name=filename(f"coverage-{name}", code, fmt), sheet_title=name)


# ---------------------------------------------------------------- roadmap

@requires_roles(*ALL_ROLES)
def roadmap(request: HttpRequest, code: str) -> HttpResponse:
    if len(code) != 2:
        raise Http404
    _scoped(request, code)
    road = rm.roadmap_of(code)
    errors: dict[str, list[str]] = {}
    may_edit = rm.may_edit(request.user, code)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        d_day: datetime.date | None = None
        targets = {(m, i.code): request.POST.get(f"target_{m}_{i.code}", "")
                   for m in MILESTONE_MONTHS for i in sel.indicators()}
        version = request.POST.get("version", "")
        try:
            try:
                d_day = parse_date(request.POST.get("d_day", "")).value
            except ThaiDateError as exc:
                if exc.code != "empty":
                    raise ValidationError({"d_day": str(exc)}) from exc
            rm.roadmap_update(actor=request.user,  # type: ignore[arg-type]
                              province_code=code, d_day=d_day, targets=targets,
                              expected_version=int(version) if version.isdigit() else None,
                              request=request)
            return redirect("coverage_roadmap", code=code)
        except ValidationError as exc:
            errors = exc.message_dict
    own = rm.targets_of(code)
    national = rm.targets_of("")
    chosen = sel.indicators()
    grid = [(i, [(m, own.get((m, i.pk)), national.get((m, i.pk)),
                  request.POST.get(f"target_{m}_{i.code}") if errors else None)
                 for m in MILESTONE_MONTHS]) for i in chosen]
    return render(request, "coverage/roadmap.html", {
        "area": {"code": code, "name": sel.area_name(code)},
        "roadmap": road, "milestones": rm.progress(code), "may_edit": may_edit,
        "may_approve": rm.may_approve(request.user, code), "grid": grid, "errors": errors,
        "months": MILESTONE_MONTHS, "posted_d_day": request.POST.get("d_day") if errors
        else None}, status=400 if errors else 200)


@requires_roles(*ALL_ROLES)
@require_POST
def roadmap_approve(request: HttpRequest, code: str) -> HttpResponse:
    if len(code) != 2:
        raise Http404
    _scoped(request, code)
    if not rm.may_approve(request.user, code):
        raise PermissionDenied
    version = request.POST.get("version", "")
    try:
        rm.roadmap_approve(actor=request.user,  # type: ignore[arg-type]
                           province_code=code,
                           expected_version=int(version) if version.isdigit() else -1,
                           request=request)
    except ValidationError as exc:
        from django.contrib import messages

        for message_list in exc.message_dict.values():
            for message in message_list:
                messages.error(request, message)
    return redirect("coverage_roadmap", code=code)

