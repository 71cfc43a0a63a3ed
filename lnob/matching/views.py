"""Matching pages: start a run, follow its progress, review the proposal
(new, changed, unchanged, unplaced with the reason), accept or reject rows,
download the unplaced list and the holes."""

from __future__ import annotations

import re
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import area_codes, grants_of, requires_roles
from lnob.core.forms import int_or_none
from lnob.core.models import AuditAction, User
from lnob.core.roles import PERSONAL_DATA_ROLES
from lnob.exports.responses import export_format
from lnob.geo.choice import provinces_where
from lnob.geo.selectors import area_names
from lnob.matching import reasons, services
from lnob.matching.engine import Parameters
from lnob.matching.exports import export_run
from lnob.matching.models import MatchingRun, RowKind, RunStatus
from lnob.matching.tasks import run_matching
from lnob.matching.wording import with_names

WEIGHTS = [f for f in Parameters.__dataclass_fields__ if f != "named_full_givers"]


def _run_for(user: Any, pk: int) -> MatchingRun:
    run = services.runs_visible_to(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@requires_roles(*services.RUNNERS)
def run_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        weights = {k: request.POST.get(k, "") for k in WEIGHTS}
        rebalance = request.POST.get("rebalance", "").replace(",", " ").split()
        try:
            run = services.run_start(actor=user, scope_code=request.POST.get("scope", ""),
                                     params=weights, request=request,
                                     options={"rebalance": rebalance})
        except ValidationError as err:
            errors = err.message_dict
        except PermissionError:
            errors = {"scope": [_("You may start runs only for your own province.")]}
        else:
            run_matching.enqueue(run.pk)
            return redirect("matching_run", pk=run.pk)
    runs = list(services.runs_visible_to(user)[:50])
    names = area_names({r.scope_code for r in runs if r.scope_code})
    return render(request, "matching/run_list.html", {
        "runs": [(r, names.get(r.scope_code, "")) for r in runs],
        "provinces": provinces_where(user, services.RUNNERS, whole=True), "errors": errors,
        "national": "" in area_codes(user, services.RUNNERS),
        "weights": [(name, getattr(Parameters(), name), request.POST.get(name, ""),
                     errors.get(name, [])) for name in WEIGHTS],
        "rebalance": request.POST.get("rebalance", ""),
    }, status=400 if errors else 200)


DISTANCE_WORDS = {
    "same_village": gettext_lazy("same village"),
    "same_subdistrict": gettext_lazy("same subdistrict"),
    "same_district": gettext_lazy("another subdistrict of the district"),
    "same_province": gettext_lazy("elsewhere in the province"),
    "outside": gettext_lazy("outside the carer's areas"),
}


@requires_roles(*services.RUNNERS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    run = _run_for(user, pk)
    kind = request.GET.get("kind", RowKind.NEW)
    kind = kind if kind in RowKind.values else RowKind.NEW
    sees_people = bool(grants_of(user, PERSONAL_DATA_ROLES))
    page = None
    if run.status == RunStatus.DONE and sees_people:
        rows = run.rows.filter(kind=kind).select_related(
            "case__person", "case__subdistrict", "volunteer", "network", "previous_volunteer")
        page = Paginator(rows.order_by("-urgent", "-severity", "id"), ROWS_PER_PAGE).get_page(
            request.GET.get("page"))
        for r in page.object_list:
            r.distance_words = DISTANCE_WORDS.get(r.distance, "")
            r.why, r.decision_words = reasons.row_why(r), reasons.row_decision(r)
            if r.kind == RowKind.LEFT_OUT:
                r.what, r.fix = services.warning_text({
                    "code": r.reason, "record": "case", "id": r.case_id,
                    "params": r.reason_params})
        readable = _with_giver_names(page.object_list)
        for r, text in zip(page.object_list, with_names(
                [readable.get(r.pk, "") for r in page.object_list]), strict=True):
            r.reason_text = text  # places, givers and needs by name, not their codes
        audit.record(AuditAction.VIEW, request=request, obj=run, area_code=run.scope_code,
                     detail={"kind": kind, "cases": [r.case_id for r in page.object_list]})
    holes = list(run.holes.filter(unplaced__gt=0)[:50])
    hole_names = area_names({h.subdistrict_code for h in holes})
    loads = services.carer_loads(run) if run.status == RunStatus.DONE and sees_people else []
    return render(request, "matching/run_detail.html", {
        "run": run, "kind": kind, "kinds": [(v, label, run.figures.get("kinds", {}).get(v, 0))
                                            for v, label in RowKind.choices], "page": page,
        "holes": [(h, hole_names.get(h.subdistrict_code, "")) for h in holes],
        "sees_people": sees_people, "accepts": bool(grants_of(user, services.ACCEPTERS)),
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "scope_name": area_names({run.scope_code}).get(run.scope_code, "")
        if run.scope_code else _("the whole country"),
        "loads": loads, "loads_over": [load for load in loads if load["over"]],
        "holes_limit": 0 if request.GET.get("all") == "holes" else HOLES_SHOWN,
        "warnings": [(w, *services.warning_text(w)) for w in run.figures.get("warnings", [])]
        if sees_people else [],
    })


# A phone reads a page of 25 proposal rows; the first holes; the carers over
# capacity (every carer's load behind "show").
ROWS_PER_PAGE = 25
HOLES_SHOWN = 10
_FULL = re.compile(r"(?<=: )([nv]?\d+(?:, [nv]?\d+)*)")


def _with_giver_names(rows: Any) -> dict[int, str]:
    """Why a case has no carer, with the full givers by name: the engine names
    them by id ("n2, 15"). Places and needs are named by ``wording.with_names``."""
    from lnob.networks.models import Network, Volunteer

    texts = {r.pk: r.why for r in rows if r.kind == RowKind.UNPLACED}
    givers = {g for t in texts.values() for m in _FULL.findall(t) for g in m.split(", ")}
    networks = {f"n{n.pk}": n.name for n in Network.objects.filter(
        pk__in=[int(g[1:]) for g in givers if g.startswith("n")])}
    people = {str(v.pk): str(v) for v in Volunteer.objects.filter(
        pk__in=[int(g) for g in givers if g.isdigit()])}
    named = {**networks, **people}

    def giver_names(match: re.Match[str]) -> str:
        return ", ".join(named.get(g, g) for g in match.group(1).split(", "))

    return {pk: _FULL.sub(giver_names, text) for pk, text in texts.items()}


@requires_roles(*services.ACCEPTERS)
@require_POST
def run_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    run = _run_for(user, pk)
    every = request.POST.get("all") == "1"
    ids = None if every else [i for i in map(int_or_none, request.POST.getlist("row"))
                              if i is not None]
    if ids == []:
        messages.error(request, _("Choose the rows first."))
    elif request.POST.get("decision") == "reject":
        count = services.rows_reject(actor=user, run=run, row_ids=ids, request=request)
        messages.info(request, _("%(count)s rows rejected.") % {"count": count})
    else:
        try:
            outcome = services.rows_accept(
                actor=user, run=run, row_ids=ids, request=request,
                override_reason=request.POST.get("override_reason", "").strip())
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.info(request, _("%(accepted)s rows accepted, %(failed)s could not be "
                                     "applied (see each row).") % outcome)
    kind = request.POST.get("kind", RowKind.NEW)
    return redirect(reverse("matching_run", args=[run.pk]) + "?" + urlencode({"kind": kind}))


@requires_roles(*services.RUNNERS)
def run_export(request: HttpRequest, pk: int, what: str, fmt: str) -> HttpResponseBase:
    user = cast(User, request.user)
    run = _run_for(user, pk)
    if what not in ("unplaced", "holes") or run.status != RunStatus.DONE:
        raise Http404
    if what == "unplaced" and not grants_of(user, PERSONAL_DATA_ROLES):
        raise Http404
    return export_run(request, run, what, export_format(fmt))
