"""Case pages: the inbox (urgent first), a case with its history and the
steps the user may take next."""

from __future__ import annotations

from html import escape
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.cases import workflow as wf
from lnob.cases.access import READERS, case_for, cases_visible_to, next_steps, roles_on
from lnob.cases.care import Carers, carers_for
from lnob.cases.inbox import case_sections
from lnob.cases.models import Case, CaseStatus, CloseReason, VisitNeed
from lnob.cases.services import CaseChanged, case_open, case_step
from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import int_or_none
from lnob.core.models import AuditAction, User
from lnob.registry.access import EDITORS, person_for

LIST_FIELDS = ("urgent", "status", "opened_at", "person__title", "person__first_name",
               "person__last_name", "subdistrict__name_th", "subdistrict__name_en")


@requires_roles(*READERS)
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    cases = cases_visible_to(request.user).select_related("person", "subdistrict")
    inbox = request.GET.get("inbox", "")
    # The inbox's sections are built only when one is asked for (most lists are not).
    section = case_sections(request.user).get(inbox) if inbox else None
    if section is not None:
        cases, status = section[1], ""
    elif status == "open":
        cases = cases.filter(status__in=wf.OPEN_STATES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    # Only what a row shows (a page is 50 rows of a case, its person and place).
    page = Paginator(cases.order_by("-urgent", "opened_at", "id").only(*LIST_FIELDS), 50).get_page(
        request.GET.get("page"))
    audit.record(AuditAction.VIEW, request=request, object_type="cases.case_list",
                 detail={"cases": [c.pk for c in page.object_list], "status": status})
    return render(request, "cases/case_list.html", {
        "page": page, "status": status, "statuses": CaseStatus.choices})


# The case page shows the latest entries of the history; all of them on
# request (a case reported again hundreds of times rendered every report).
HISTORY_SHOWN = 50


def _history(request: HttpRequest, case: Case) -> tuple[list[Any], int]:
    """The history shown (oldest first) and how many earlier entries are not."""
    if request.GET.get("history") == "all":
        return list(case.events.all()), 0
    latest = list(case.events.order_by("-at", "-id")[:HISTORY_SHOWN + 1])
    if len(latest) <= HISTORY_SHOWN:
        return latest[::-1], 0
    return latest[HISTORY_SHOWN - 1::-1], case.events.count() - HISTORY_SHOWN


def _carer_options(carers: Carers | None) -> dict[str, str] | None:
    """The ``<option>``s of the assign form, made here rather than in a
    template loop: a province lists its 200-odd networks on every case page
    waiting for a carer, and the loop cost more than the rest of the page.
    The text is the same: "name · network · remaining n · needs served"."""
    if carers is None:
        return None
    remaining = escape(_("remaining"))

    def options(rows: list[Any], with_needs: bool, network_of_each: bool) -> str:
        out = []
        for row in rows:
            label = escape(str(row) if network_of_each else row.name)
            if network_of_each:  # a volunteer: the network they belong to
                label += f' · {escape((row.network.name if row.network_id else "") or "—")}'
            served = [escape(name) for name in row.served] if with_needs else []
            out.append(f'<option value="{row.pk:d}">{label} · {remaining} {row.remaining:d}'
                       f'{" · " + ", ".join(served) if served else ""}</option>')
        return mark_safe("".join(out))  # noqa: S308 — every text escaped above

    return {"volunteers": options(carers.volunteers, True, True),
            "other_volunteers": options(carers.other_volunteers, False, True),
            "networks": options(carers.networks, True, False),
            "other_networks": options(carers.other_networks, False, False)}


def _detail(request: HttpRequest, case: Case, *, errors: dict[str, list[str]] | None = None,
            status: int = 200) -> HttpResponse:
    steps = next_steps(request.user, case)
    events, hidden = _history(request, case)
    carers = carers_for(case, request.GET.get("carer", "")) if "assign" in steps else None
    return render(request, "cases/case_detail.html", {
        "case": case, "events": events, "history_hidden": hidden, "steps": steps,
        "close_reasons": CloseReason.choices, "errors": errors or {},
        "carers": carers, "carer_options": _carer_options(carers),
        # Each visit's need changes with their needs: one statement, not two.
        "visits": case.visits.prefetch_related(
            Prefetch("needs", VisitNeed.objects.select_related("need")))[:20],
        "may_visit": case.status in wf.CARING and (
            bool(roles_on(request.user, case) & wf.MANAGERS)
            or (case.volunteer is not None and case.volunteer.user_id == request.user.pk)),
        "routed": case.routed_networks.all(),
        "pending_transfer": case.transfers.filter(status="pending").first(),
        "may_transfer": case.status in wf.OPEN_STATES
        and bool(roles_on(request.user, case) & wf.MANAGERS),
    }, status=status)


@requires_roles(*READERS)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for(request.user, pk)
    audit.record(AuditAction.VIEW, request=request, obj=case, area_code=case.area_code)
    return _detail(request, case)


@requires_roles(*EDITORS)
@require_POST
def case_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    user = cast(User, request.user)
    person = person_for(user, person_pk)
    try:
        case = case_open(actor=user, person=person, urgent=request.POST.get("urgent") == "1",
                         note=request.POST.get("note", "")[:2000])
    except (ValidationError, PermissionError):
        existing = Case.objects.filter(person=person, status__in=wf.OPEN_STATES).first()
        if existing is not None:
            return redirect("case_detail", pk=existing.pk)
        return redirect("person_detail", pk=person.pk)
    return redirect("case_detail", pk=case.pk)


@requires_roles(*READERS)
@require_POST
def case_step_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    case = case_for(user, pk)
    post = request.POST
    duplicate_of = None
    if post.get("duplicate_of"):
        duplicate_of = cases_visible_to(user).filter(
            pk=int_or_none(post.get("duplicate_of")) or 0).first()
    kwargs: dict[str, Any] = {
        "note": post.get("note", "")[:2000], "reason": post.get("reason", ""),
        "duplicate_of": duplicate_of, "network_id": int_or_none(post.get("network")),
        "volunteer_id": int_or_none(post.get("volunteer")),
    }
    try:
        case_step(actor=user, case=case, action=post.get("action", ""),
                  expected_version=int_or_none(post.get("version")) or 0, **kwargs)
    except ValidationError as err:
        return _detail(request, case, errors=err.message_dict, status=400)
    except CaseChanged:
        case.refresh_from_db()
        return _detail(request, case, status=409, errors={"page": [_(
            "This case changed after you opened it. The page now shows it as it is; "
            "check, then take your step again.")]})
    return redirect("case_detail", pk=case.pk)
