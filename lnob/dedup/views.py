"""Duplicate pages: the review queue, one pair side by side with the evidence and the
decision, merging all sure pairs at once, searches (runs) with their progress, merges
with undo, and the duplicate rates by province, source and network."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import AREA_LEVEL_FIELDS, area_codes, area_q, requires_roles
from lnob.core.errors import DomainError
from lnob.core.models import AuditAction, User
from lnob.core.roles import Role
from lnob.dedup import labels, selectors
from lnob.dedup.merge import MERGERS, merge, merge_undo, pair_decide
from lnob.dedup.models import CandidatePair, PairStatus, RunStatus
from lnob.dedup.runs import run_start, runs_visible_to
from lnob.dedup.tasks import run_dedup
from lnob.exports.responses import download, export_format, filename
from lnob.geo.choice import provinces_where
from lnob.geo.selectors import area_names
from lnob.registry.models import Person

# Duplicate rates are aggregates: national analysts see them too.
RATE_READERS = (*MERGERS, Role.NATIONAL_ANALYST)
SURE_AT_ONCE = 200  # pairs merged by one press of "merge all sure pairs"


def _errors(err: ValidationError) -> list[str]:
    return [m for ms in err.message_dict.values() for m in ms]


@requires_roles(*MERGERS)
def queue(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    status = request.GET.get("status", PairStatus.PENDING)
    if status not in PairStatus.values:
        status = PairStatus.PENDING
    pairs = selectors.pairs_for(user).filter(status=status)
    if request.GET.get("sure") == "1":
        pairs = pairs.filter(suggestion="merge", thin=False)
    page = Paginator(pairs.order_by("-probability", "pk"), 50).get_page(request.GET.get("page"))
    audit.record(AuditAction.VIEW, request=request, object_type="dedup.queue",
                 detail={"status": status, "pairs": [p.pk for p in page.object_list]})
    return render(request, "dedup/queue.html", {
        "page": page, "status": status, "counts": selectors.queue_counts(user),
        "statuses": PairStatus.choices, "sure_at_once": SURE_AT_ONCE,
        "query": f"status={status}" + ("&sure=1" if request.GET.get("sure") == "1" else ""),
    })


def _pair_or_404(user: Any, pk: int) -> CandidatePair:
    pair = selectors.pair_for(user, pk)
    if pair is None:
        raise Http404
    return pair


def _side(person: Person) -> dict[str, Any]:
    return {"person": person, "needs": list(person.needs.select_related("need")),
            "groups": list(person.target_groups.all()),
            "cases": list(person.cases.order_by("-opened_at")[:5]),
            "consent": person.consents.first()}


@requires_roles(*MERGERS)
def pair_detail(request: HttpRequest, pk: int, errors: list[str] | None = None
                ) -> HttpResponse:
    user = cast(User, request.user)
    pair = _pair_or_404(user, pk)
    left, right = (Person.objects.select_related("subdistrict", "village", "source_network")
                   .get(pk=p) for p in (pair.left_id, pair.right_id))
    for person in (left, right):
        audit.record(AuditAction.VIEW, request=request, obj=person,
                     area_code=person.area_code, detail={"pair": pair.pk})
    evidence = pair.evidence
    return render(request, "dedup/pair.html", {
        "pair": pair, "left": _side(left), "right": _side(right),
        "fields": labels.explained(evidence),
        "decision_label": labels.DECISIONS.get(pair.suggestion, ""),
        "thin_reasons": [labels.THIN_REASONS.get(r, r) for r in _thin_reasons(pair)],
        "errors": errors or [],
    }, status=400 if errors else 200)


def _thin_reasons(pair: CandidatePair) -> list[str]:
    from lnob.dedup.models import PersonFeatures

    reasons: list[str] = []
    for f in PersonFeatures.objects.filter(person_id__in=[pair.left_id, pair.right_id],
                                           thin=True):
        reasons += [r for r in f.thin_reasons.split(",") if r and r not in reasons]
    return reasons


@requires_roles(*MERGERS)
@require_POST
def pair_decide_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = cast(User, request.user)
    pair = _pair_or_404(user, pk)
    decision = request.POST.get("decision", "")
    try:
        if decision in ("keep_left", "keep_right"):
            kept, merged = ((pair.left, pair.right) if decision == "keep_left"
                            else (pair.right, pair.left))
            try:
                seen = (int(request.POST.get("left_version", "")),
                        int(request.POST.get("right_version", "")))
            except ValueError:
                seen = (-1, -1)  # a forged or broken form: refused as "changed"
            versions = seen if decision == "keep_left" else (seen[1], seen[0])
            record = merge(actor=user, kept=kept, merged=merged, pair=pair,
                           expected_versions=versions, request=request)
            messages.success(request, _("Merged: record #%(merged)s now belongs to record "
                                        "#%(kept)s.") % {"merged": record.merged_id,
                                                         "kept": record.kept_id})
        else:
            pair_decide(actor=user, pair=pair, decision=decision, request=request)
            messages.success(request, _("Decision saved."))
    except ValidationError as err:
        return pair_detail(request, pk, errors=_errors(err))
    return redirect("dedup_queue")


@requires_roles(*MERGERS)
@require_POST
def merge_sure(request: HttpRequest) -> HttpResponseBase:
    """Merges the sure pairs waiting (never a thin record), the older record kept,
    each in its own transaction: one refused pair does not stop the others."""
    user = cast(User, request.user)
    pairs = list(selectors.pairs_for(user).filter(
        status=PairStatus.PENDING, suggestion="merge", thin=False
    ).order_by("-probability", "pk")[:SURE_AT_ONCE])
    done, refused = 0, 0
    for pair in pairs:
        try:
            merge(actor=user, kept=pair.left, merged=pair.right, pair=pair, request=request)
        except (ValidationError, DomainError):
            refused += 1
        else:
            done += 1
    messages.success(request, _("%(done)s pairs merged; %(refused)s could not be merged "
                                "(see their pages).") % {"done": done, "refused": refused})
    return redirect("dedup_queue")


@requires_roles(*MERGERS)
def run_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            run = run_start(actor=user, scope_code=request.POST.get("scope", ""),
                            request=request)
        except ValidationError as err:
            errors = _errors(err)
        except PermissionError:
            errors = [_("You may search only your own province.")]
        else:
            run_dedup.enqueue(run.pk)
            return redirect("dedup_run", pk=run.pk)
    runs = list(runs_visible_to(user)[:50])
    names = area_names({r.scope_code for r in runs if r.scope_code})
    return render(request, "dedup/runs.html", {
        "runs": [(r, names.get(r.scope_code, "")) for r in runs], "errors": errors,
        "provinces": provinces_where(user, MERGERS, whole=True),
        "national": "" in area_codes(user, MERGERS),
    }, status=400 if errors else 200)


@requires_roles(*MERGERS)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    names = area_names({run.scope_code} if run.scope_code else set())
    return render(request, "dedup/run.html", {
        "run": run, "scope_name": names.get(run.scope_code, _("The whole country")),
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
    })


@requires_roles(*MERGERS)
def merge_list(request: HttpRequest) -> HttpResponse:
    merges = selectors.merges_for(request.user)
    page = Paginator(merges, 50).get_page(request.GET.get("page"))
    audit.record(AuditAction.VIEW, request=request, object_type="dedup.merges",
                 detail={"merges": [m.pk for m in page.object_list]})
    return render(request, "dedup/merges.html", {"page": page})


@requires_roles(*MERGERS)
@require_POST
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = cast(User, request.user)
    record = selectors.merges_for(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    try:
        merge_undo(actor=user, record=record, request=request)
    except ValidationError as err:
        for message in _errors(err):
            messages.error(request, message)
    else:
        messages.success(request, _("Merge undone: the two records are apart again."))
    return redirect("dedup_merges")


RATE_GROUPS = ("province_code", "source", "source_network")


@requires_roles(*RATE_READERS)
def rates(request: HttpRequest, fmt: str = "") -> HttpResponseBase:
    user = cast(User, request.user)
    persons = Person.objects.filter(area_q(user, AREA_LEVEL_FIELDS, RATE_READERS))
    area = request.GET.get("province", "")
    if area.isdigit() and len(area) == 2:
        persons = persons.filter(province_code=area)
    by = request.GET.get("by", "source")
    if by not in RATE_GROUPS:
        by = "source"
    rows = selectors.duplicate_rates(persons, by)
    audit.record(AuditAction.VIEW, request=request, object_type="dedup.rates",
                 area_code=area, detail={"by": by, "format": fmt or "page"})
    headings = [_("Group"), _("Records"), _("Merged into another record"),
                _("Waiting for a decision"), _("Duplicate rate (%)")]
    if fmt:
        return download(export_format(fmt), headings,
                        ([r.label, r.records, r.merged_away, r.waiting,
                          "" if r.percent is None else f"{r.percent:.1f}"]
                         for r in rows),
                        name=filename(f"duplicates-by-{by}", area, export_format(fmt)),
                        sheet_title=_("Duplicate rates"))
    return render(request, "dedup/rates.html", {
        "rows": rows, "by": by, "groups": [
            ("province_code", _("Province")), ("source", _("Source")),
            ("source_network", _("Reporting network"))],
        "province": area, "provinces": provinces_where(user, RATE_READERS),
        "totals": selectors.per_province_totals(rows), "headings": headings,
    })

