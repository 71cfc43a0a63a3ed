"""After action review pages: the list of the user's areas (a province's or
the nation's, with search and filters), recording and changing a review,
its lessons and follow-up actions, the user's own actions, and a province's
reviews next to its roadmap milestones."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core.access import requires_roles
from lnob.core.models import User
from lnob.geo.choice import province_for_new, provinces_where
from lnob.geo.models import Province
from lnob.learning import figures
from lnob.learning.aar import selectors, services
from lnob.learning.aar.forms import (
    AarFilterForm,
    AarForm,
    ActionCloseForm,
    ActionForm,
    LessonForm,
    aar_initial,
)
from lnob.learning.access import (
    AAR_READERS,
    AAR_WRITERS,
    aar_for,
    action_for,
    may_write_aar,
)
from lnob.learning.models import Activity, AfterActionReview
from lnob.learning.redact import has_citizen_id
from lnob.networks.access import provinces_of, works_in_province
from lnob.registry.models import Person


def _provinces(user: Any, roles: Any) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in provinces_where(user, roles)]


@requires_roles(*AAR_READERS)
def aar_list(request: HttpRequest) -> HttpResponse:
    provinces = _provinces(request.user, AAR_READERS)
    form = AarFilterForm(request.GET or None, provinces=provinces)
    filters = selectors.AarFilters()
    if form.is_valid():
        c = form.cleaned_data
        filters = selectors.AarFilters(
            q=c["q"].strip(), area=c["province"], activity=c["activity"], tag=c["tag"].strip(),
            date_from=c["date_from"], date_to=c["date_to"], open_actions=c["open_actions"])
    page = Paginator(selectors.aar_list(request.user, filters), 25).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "learning/aar_list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "writes": bool(may_write_any(request.user)), "tags": selectors.tags_in_use()[:30],
        "national": provinces_of(request.user, AAR_READERS) is None,
    })


def may_write_any(user: Any) -> bool:
    from lnob.core.access import grants_of

    return bool(grants_of(user, AAR_WRITERS))


def _new_initial(request: HttpRequest) -> dict[str, Any]:
    """A review started from a forum, a case or a milestone page."""
    initial: dict[str, Any] = {"held_on": timezone.localdate()}
    for key, activity in (("forum", Activity.FORUM), ("case", Activity.CASE)):
        value = request.GET.get(key, "")
        if value.isdigit():
            initial.update(activity=activity, **{key: value})
    month = request.GET.get("milestone", "")
    if month.isdigit():
        initial.update(activity=Activity.MILESTONE, milestone_month=int(month))
    if request.GET.get("activity") in Activity.values:
        initial["activity"] = request.GET["activity"]
    return initial


@requires_roles(*AAR_WRITERS)
def aar_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, AAR_WRITERS)
    if province is None:
        return render(request, "learning/province_picker.html", {
            "provinces": _provinces(user, AAR_WRITERS), "next": "aar_new",
            "query": request.GET.urlencode()})
    form = AarForm(request.POST or None, initial=_new_initial(request), user=user,
                   province_code=province)
    if request.method == "POST" and form.is_valid():
        try:
            aar = services.aar_create(actor=user, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("aar_detail", pk=aar.pk)
    return render(request, "learning/aar_form.html", {"form": form, "aar": None},
                  status=400 if form.errors else 200)


@requires_roles(*AAR_WRITERS)
def aar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    aar = aar_for(user, pk)
    if not may_write_aar(user, aar.area_code):
        raise PermissionDenied
    form = AarForm(request.POST or None, initial=aar_initial(aar), user=user,
                   province_code=aar.province_code)
    if request.method == "POST" and form.is_valid():
        try:
            services.aar_update(actor=user, aar=aar, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("aar_detail", pk=aar.pk)
    return render(request, "learning/aar_form.html", {"form": form, "aar": aar},
                  status=400 if form.errors else 200)


def _detail(request: HttpRequest, aar: AfterActionReview, *, lesson_form: LessonForm | None = None,
            action_form: ActionForm | None = None, status: int = 200) -> HttpResponse:
    from lnob.cases.access import cases_visible_to
    from lnob.geo.selectors import area_by_code

    user = request.user
    writes = may_write_aar(user, aar.area_code)
    answers = [getattr(aar, key) for key in services.QUESTIONS]
    aar = selectors.shown_to(user, aar)
    return render(request, "learning/aar_detail.html", {
        "aar": aar, "area": area_by_code(aar.area_code), "writes": writes,
        "participation": [row for row in selectors.participation_of(aar) if row[2]],
        "lessons": aar.shown_lessons, "actions": aar.shown_actions,  # type: ignore[attr-defined]
        "questions": [(label, getattr(aar, key))
                      for key, label in services.question_labels().items()],
        # The writers are told what personal data they typed.
        "named": list(Person.objects.filter(pk__in=aar.named_person_ids or []))
        if writes else [],
        "typed_id": writes and any(has_citizen_id(a) for a in answers),
        "indicators": [figures.IndicatorValue(**row) for row in aar.indicators],
        "case_visible": aar.case_id is not None and cases_visible_to(user).filter(
            pk=aar.case_id).exists(),
        "lesson_form": lesson_form or LessonForm(),
        "action_form": action_form or (ActionForm(aar=aar) if writes else None),
        "user_id": getattr(user, "pk", None),
    }, status=status)


@requires_roles(*AAR_READERS)
def aar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, aar_for(request.user, pk))


@requires_roles(*AAR_WRITERS)
@require_POST
def aar_lesson_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    aar = aar_for(user, pk)
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_add(actor=user, aar=aar, text=form.cleaned_data["text"],
                                tags=form.cleaned_data["tags"], request=request)
        except ValidationError as err:
            for key, messages in err.message_dict.items():
                for message in messages:
                    form.add_error(key if key in form.fields else None, message)
        else:
            return redirect("aar_detail", pk=aar.pk)
    return _detail(request, aar, lesson_form=form, status=400)


@requires_roles(*AAR_WRITERS)
@require_POST
def aar_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    aar = aar_for(user, pk)
    form = ActionForm(request.POST, aar=aar)
    if form.is_valid():
        try:
            services.action_add(actor=user, aar=aar, data=form.to_data(), request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        else:
            return redirect("aar_detail", pk=aar.pk)
    return _detail(request, aar, action_form=form, status=400)


@requires_roles(*AAR_READERS)
@require_POST
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    action = action_for(user, pk)
    form = ActionCloseForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose done, dropped or open."))
    try:
        services.action_close(actor=user, action=action, status=form.cleaned_data["status"],
                              note=form.cleaned_data["note"], request=request)
    except ValidationError as err:
        return HttpResponseBadRequest(" ".join(err.messages))
    if request.POST.get("next") == "mine":
        return redirect("my_actions")
    return redirect("aar_detail", pk=action.aar_id)


@requires_roles(*AAR_READERS)
def my_actions(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/my_actions.html", {
        "actions": selectors.followups_of(request.user),
        "today": timezone.localdate()})


@requires_roles(*AAR_READERS)
def province_learning(request: HttpRequest, code: str) -> HttpResponse:
    """A province's reviews next to its roadmap milestones."""
    province = Province.objects.filter(code=code).first()
    if province is None or not works_in_province(request.user, code, AAR_READERS):
        raise Http404
    today = timezone.localdate()
    by_month = selectors.milestone_aars(request.user, code)
    plan = figures.roadmap(code, today)
    return render(request, "learning/province.html", {
        "province": province, "roadmap": plan,
        "milestones": [(m, by_month.get(m.month, [])) for m in plan.milestones],
        "recent": selectors.aar_list(request.user, selectors.AarFilters(area=code))[:20],
        "writes": may_write_aar(request.user, code),
    })
