"""Page views: thin — read through selectors, write through services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lnob.core import audit, followups, jobs
from lnob.core.access import covers, grants_of, public, require_area, requires_roles
from lnob.core.models import AuditAction, WorkerBeat
from lnob.core.roles import AREA_EDITOR_ROLES, AUDIT_READER_ROLES, REPORTER_ROLES, Role
from lnob.core.selectors import audit_visible_to, sees_team_contacts, team_of_area
from lnob.geo import selectors as geo
from lnob.geo.forms import BOXES
from lnob.geo.models import Province, Subdistrict, Village
from lnob.geo.services import village_confirm, village_create
from lnob.web import homes
from lnob.web.inbox import inbox_for

ALL_ROLES = tuple(Role)


@public
def home(request: HttpRequest) -> HttpResponse:
    grants = grants_of(request.user)
    areas = {g.area_code: geo.area_by_code(g.area_code) for g in grants if g.area_code}
    if not request.user.is_authenticated:
        return render(request, "web/home.html", {})
    inbox = inbox_for(request.user)
    people, people_count = homes.people_due(request.user)
    if people:  # the volunteer's list leads; its overdue rows need no second list
        inbox = [s for s in inbox if s.key != "overdue"]
    if inbox or people:
        detail = {s.key: [row.pk for row in s.rows] for s in inbox}
        if people:
            detail["my_people"] = [d.case.pk for d in people]
        audit.record(AuditAction.VIEW, request=request, object_type="cases.inbox",
                     detail=detail)
    return render(request, "web/home.html", {
        "grants": [(g, areas.get(g.area_code)) for g in grants],
        "reads_audit": bool(grants_of(request.user, AUDIT_READER_ROLES)),
        "inbox": inbox,
        "people": people, "people_count": people_count,
        "checklists": homes.start_checklist(request.user),
        "figures": homes.key_figures(request.user),
        "reports": bool(grants_of(request.user, REPORTER_ROLES)),
    })


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and the person on call: 503 when the database does
    not answer or the disk is nearly full (nothing could be saved); the
    worker's state is shown but does not fail the web server, which serves
    without it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        database_ok = False
    else:
        database_ok = True
    disk = jobs.disk_state()
    body: dict[str, Any] = {
        "status": "ok" if database_ok and not disk.low else "error",
        "database": "ok" if database_ok else "unreachable",
        "disk": {"state": "low" if disk.low else "ok", "free_mb": disk.free_mb},
        "worker": _worker_state() if database_ok else {"state": "unknown"},
        # What public reports left for the worker (the duplicate index, the
        # roll-ups): how many wait and for how long — shown, never a failure.
        "followups": followups.waiting() if database_ok else {"waiting": None},
    }
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def _worker_state() -> dict[str, Any]:
    """Alive workers (by heartbeat, or by process on this host), the age of the
    newest heartbeat, and the tasks waiting and running."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover — another task backend
        return {"state": "unknown"}
    alive = jobs.Liveness()
    beats = list(WorkerBeat.objects.values_list("worker_id", "beat_at", "task_path"))
    living = [w for w, _at, _task in beats if alive(w)]
    newest = max((at for _w, at, _task in beats), default=None)
    # Waiting: the partial index of ready tasks; running: what living workers say.
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
    running = sum(1 for w, _at, task in beats if task and w in living)
    return {"state": "ok" if living else ("down" if beats else "none"),
            "alive": len(living),
            "last_beat_seconds": None if newest is None else
            round((timezone.now() - newest).total_seconds()),
            "tasks_waiting": waiting, "tasks_running": running}


@public
def thailand(request: HttpRequest) -> HttpResponse:
    return render(request, "web/thailand.html", {"provinces": Province.objects.all()})


@public
def area_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "web/area_search.html", {
        "query": query, "hits": geo.search_areas(query, limit=50) if query else []})


@public
def place_suggest(request: HttpRequest) -> HttpResponse:
    """The subdistricts whose name starts like what is typed in a report
    form's place box: a short list to choose from (an htmx fragment)."""
    box = request.GET.get("box", "place")
    query = request.GET.get(box if box in BOXES else "place", "").strip()[:120]
    # A form that may choose only in the user's areas says which (public codes).
    within = tuple(c for c in request.GET.get("within", "").split(",")[:50]
                   if c.isdigit() and len(c) <= 6)
    places = geo.subdistrict_matches(query, limit=8, within=within) if len(query) >= 2 else []
    response = render(request, "web/_place_choices.html", {"places": places, "query": query})
    response["Cache-Control"] = "public, max-age=3600"  # the same for everyone
    return response


@public
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = geo.area_by_code(code)
    if area is None or len(code) == 8:
        raise Http404
    children = {
        2: lambda: area.districts.all(),  # type: ignore[attr-defined]
        4: lambda: area.subdistricts.all(),  # type: ignore[attr-defined]
        6: lambda: area.villages.all(),  # type: ignore[attr-defined]
    }[len(code)]()
    return render(request, "web/area_detail.html", {
        "area": area,
        "parents": geo.ancestors(area),
        "children": children,
        "can_add_village": len(code) == 6 and covers(request.user, code, AREA_EDITOR_ROLES),
        "can_open_workspace": covers(request.user, code),
        "to_confirm": sum(1 for c in children if getattr(c, "to_confirm", False)),
    })


@requires_roles(*AREA_EDITOR_ROLES)
@require_POST
def village_confirm_view(request: HttpRequest, code: str, village_code: str) -> HttpResponse:
    """A provincial officer names a village created "to confirm" by an import."""
    require_area(request.user, code, AREA_EDITOR_ROLES)
    village = get_object_or_404(Village, code=village_code, subdistrict_id=code)
    try:
        village_confirm(actor=request.user,  # type: ignore[arg-type]
                        village=village, name_th=request.POST.get("name_th", ""),
                        name_en=request.POST.get("name_en", ""))
    except ValidationError as exc:
        return render(request, "web/area_detail.html", {
            "area": village.subdistrict, "parents": geo.ancestors(village.subdistrict),
            "children": village.subdistrict.villages.all(), "can_add_village": True,
            "can_open_workspace": True, "village_errors": exc.message_dict,
            "to_confirm": village.subdistrict.villages.filter(to_confirm=True).count(),
        }, status=400)
    return redirect("area_detail", code=code)


@requires_roles(*AREA_EDITOR_ROLES)
@require_POST
def village_new(request: HttpRequest, code: str) -> HttpResponse:
    require_area(request.user, code, AREA_EDITOR_ROLES)
    subdistrict = get_object_or_404(Subdistrict, code=code)
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = 0
    try:
        village_create(actor=request.user,  # type: ignore[arg-type]
                       subdistrict=subdistrict, number=number,
                       name_th=request.POST.get("name_th", ""),
                       name_en=request.POST.get("name_en", ""))
    except ValidationError as exc:
        return render(request, "web/area_detail.html", {
            "area": subdistrict, "parents": geo.ancestors(subdistrict),
            "children": subdistrict.villages.all(), "can_add_village": True,
            "can_open_workspace": True, "village_errors": exc.message_dict,
            "village_form": request.POST,
        }, status=400)
    return redirect("area_detail", code=code)


@requires_roles(*ALL_ROLES)
def workspace(request: HttpRequest, code: str) -> HttpResponse:
    """An area's working page for the people who hold a role on it."""
    require_area(request.user, code)
    area = geo.area_by_code(code)
    if area is None or len(code) == 8:
        raise Http404
    team = list(team_of_area(code))
    area_names = geo.area_names({g.area_code for g in team})
    contacts = sees_team_contacts(request.user, code)
    if contacts:  # names and phone numbers of the team are personal data
        audit.record(AuditAction.VIEW, request=request, object_type="workspace",
                     object_id=code, area_code=code,
                     detail={"users": sorted({g.user_id for g in team})})
    reads_audit = covers(request.user, code, AUDIT_READER_ROLES)
    return render(request, "web/workspace.html", {
        "area": area, "parents": geo.ancestors(area),
        "team": [(g, area_names.get(g.area_code, g.area_code)) for g in team],
        "contacts": contacts,
        "recent_audit": (audit_visible_to(request.user).filter(area_code__startswith=code)[:20]
                         if reads_audit else []),
    })


@requires_roles(*AUDIT_READER_ROLES)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = audit_visible_to(request.user)
    area = request.GET.get("area", "").strip()
    if area:
        events = events.filter(area_code__startswith=area)
    for field in ("object_type", "object_id", "action"):
        value = request.GET.get(field, "").strip()
        if value:
            events = events.filter(**{field: value})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {
        "page": page, "filters": request.GET, "title": _("Audit log")})
