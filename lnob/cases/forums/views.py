"""Community forum pages: the forums of the user's areas, recording one, its
agenda with one decision per case (decided in one POST), and the printable
sheet. Reads of named people are audited."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.cases import workflow as wf
from lnob.cases.forums import selectors, services
from lnob.cases.forums.access import ROLES, forum_for
from lnob.cases.forums.forms import ForumEditForm, ForumForm, forum_initial
from lnob.cases.models import Forum, ForumDecision
from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import int_or_none
from lnob.core.models import AuditAction, User
from lnob.geo.choice import province_for_new, provinces_where


@requires_roles(*ROLES)
def forum_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.forum_list(request.user), 25).get_page(request.GET.get("page"))
    audit.record(AuditAction.VIEW, request=request, object_type="cases.forum_list",
                 detail={"forums": [f.pk for f in page.object_list]})
    return render(request, "forums/forum_list.html", {"page": page})


@requires_roles(*ROLES)
def forum_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, ROLES)
    if province is None:
        return render(request, "forums/province_picker.html",
                      {"provinces": provinces_where(user, ROLES)})
    form = ForumForm(request.POST or None, user=user, province_code=province)
    if request.method == "POST" and form.is_valid():
        try:
            forum = services.forum_create(actor=user, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("forum_detail", pk=forum.pk)
    return render(request, "forums/forum_form.html", {"form": form, "forum": None},
                  status=400 if form.errors else 200)


@requires_roles(*ROLES)
def forum_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    forum = forum_for(user, pk)
    initial = forum_initial(forum, selectors.attendance_of(forum))
    form = ForumEditForm(request.POST or None, initial=initial,
                         subdistrict_code=forum.subdistrict_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.forum_update(actor=user, forum=forum, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("forum_detail", pk=forum.pk)
    return render(request, "forums/forum_form.html", {"form": form, "forum": forum},
                  status=400 if form.errors else 200)


def _detail(request: HttpRequest, forum: Forum, *, errors: dict[str, list[str]] | None = None,
            chosen: dict[int, str] | None = None, minutes: str | None = None,
            status: int = 200) -> HttpResponse:
    """The forum page; after a refused POST, with the errors and what was chosen."""
    agenda = list(selectors.agenda_of(forum))
    candidates = list(selectors.agenda_candidates(forum))
    audit.record(AuditAction.VIEW, request=request, obj=forum, area_code=forum.area_code,
                 detail={"agenda": [item.case_id for item in agenda],
                         "candidates": [c.pk for c in candidates]})
    chosen = chosen or {}
    rows = [{"item": item, "chosen": chosen.get(item.case_id, ""),
             "open": not item.decision and item.case.status == wf.REPORTED} for item in agenda]
    return render(request, "forums/forum_detail.html", {
        "forum": forum, "rows": rows, "candidates": candidates,
        "any_open": any(row["open"] for row in rows),
        "attendance": [row for row in selectors.attendance_of(forum) if row[2]],
        "decisions": ForumDecision.choices, "errors": errors or {},
        "minutes": forum.minutes if minutes is None else minutes,
    }, status=status)


@requires_roles(*ROLES)
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, forum_for(request.user, pk))


@requires_roles(*ROLES)
@require_POST
def forum_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    forum = forum_for(user, pk)
    try:
        if request.POST.get("fill"):
            services.agenda_fill(actor=user, forum=forum, request=request)
        else:
            ids = [int_or_none(v) for v in request.POST.getlist("case_ids")]
            services.agenda_add(actor=user, forum=forum, case_ids=[i for i in ids if i],
                                request=request)
    except ValidationError as err:
        return _detail(request, forum, errors=err.message_dict, status=400)
    return redirect("forum_detail", pk=forum.pk)


def _per_case(post: Any, prefix: str) -> dict[int, str]:
    """``decision_12=verified`` → {12: "verified"}."""
    found: dict[int, str] = {}
    for key, value in post.items():
        if key.startswith(prefix) and (case_id := int_or_none(key[len(prefix):])):
            found[case_id] = value
    return found


@requires_roles(*ROLES)
@require_POST
def forum_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    forum = forum_for(user, pk)
    versions = {k: v for k, raw in _per_case(request.POST, "version_").items()
                if (v := int_or_none(raw)) is not None}
    decisions = _per_case(request.POST, "decision_")
    try:
        services.forum_decide(actor=user, forum=forum, decisions=decisions,
                              versions=versions, minutes=request.POST.get("minutes"),
                              request=request)
    except services.AgendaCaseChanged as changed:
        return _detail(request, forum, status=409, errors={"page": [_(
            "Case %(id)s changed after you opened this page, so nothing was saved. The page "
            "now shows the agenda as it is: check, then record the decisions again.") % {
            "id": changed.case_id}]})
    except ValidationError as err:
        return _detail(request, forum, errors=err.message_dict, chosen=decisions,
                       minutes=request.POST.get("minutes"), status=400)
    return redirect("forum_detail", pk=forum.pk)


@requires_roles(*ROLES)
def forum_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    forum = forum_for(request.user, pk)
    rows = selectors.sheet_rows(forum)
    audit.record(AuditAction.VIEW, request=request, obj=forum, area_code=forum.area_code,
                 detail={"sheet": True, "rows": len(rows)})
    return render(request, "forums/forum_sheet.html", {"forum": forum, "rows": rows})
