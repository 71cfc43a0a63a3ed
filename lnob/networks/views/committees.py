"""Pages for committees (คณะกรรมการ): members with their roles, and meetings."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core.access import grants_of, requires_roles
from lnob.core.forms import add_service_errors
from lnob.core.models import User
from lnob.geo.choice import province_for_new
from lnob.geo.selectors import area_by_code
from lnob.networks import access, services
from lnob.networks.forms import (
    CommitteeForm,
    MeetingForm,
    MemberForm,
    area_filter_choices,
)
from lnob.networks.models import Committee, CommitteeLevel, CommitteeMember, CommitteeRole
from lnob.networks.selectors import CommitteeFilters, committee_list
from lnob.networks.views import common


def _filters(request: HttpRequest) -> CommitteeFilters:
    return CommitteeFilters(q=common.text(request, "q"), area=common.text(request, "area", 6),
                            level=common.text(request, "level", 12))


@requires_roles(*access.READERS)
def committee_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page, query = common.paginate(request, committee_list(request.user, filters))
    return common.frame(request, "networks/committee_list.html", {
        "page": page, "query": query, "filters": filters,
        "filtered": any(v not in ("", None) for v in filters.__dict__.values()),
        "areas": area_filter_choices(request.user, access.READERS),
        "levels": CommitteeLevel.choices,
        "can_add": bool(grants_of(request.user, access.EDITORS)),
    })


def _detail(request: HttpRequest, committee: Committee, status: int = 200,
            **forms: Any) -> HttpResponse:
    can_edit = access.can_change_committee(request.user, committee)
    if can_edit:
        forms.setdefault("member_form", MemberForm())
        forms.setdefault("meeting_form", MeetingForm(initial={"date": timezone.localdate()}))
    area = area_by_code(committee.area_code)
    return common.frame(request, "networks/committee_detail.html", {
        "committee": committee, "area_name": area.name if area else committee.area_code,
        "members": committee.members.annotate(rank=Case(
            When(role=CommitteeRole.CHAIR, then=Value(0)),
            When(role=CommitteeRole.SECRETARY, then=Value(1)), default=Value(2),
            output_field=IntegerField())).order_by("rank", "name"),
        "meetings": committee.meetings.all(), "can_edit": can_edit, **forms,
    }, status=status)


@requires_roles(*access.READERS)
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.committee_for(request.user, pk))


def _to_change(request: HttpRequest, pk: int) -> Committee:
    committee = access.committee_for(request.user, pk)
    if not access.can_change_committee(request.user, committee):
        raise PermissionDenied
    return committee


@requires_roles(*access.EDITORS)
@require_POST
def committee_member_new(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _to_change(request, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.committee_member_add(actor=cast(User, request.user), committee=committee,
                                          request=request, **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("committee_detail", pk=committee.pk)
    return _detail(request, committee, status=400, member_form=form)


@requires_roles(*access.EDITORS)
@require_POST
def committee_member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """``pk`` is the member's: one id in the address is enough."""
    member = CommitteeMember.objects.filter(pk=pk).first()
    if member is None:
        raise Http404
    committee = _to_change(request, member.committee_id)
    services.committee_member_remove(actor=cast(User, request.user), member=member,
                                     request=request)
    return redirect("committee_detail", pk=committee.pk)


@requires_roles(*access.EDITORS)
@require_POST
def committee_meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _to_change(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.committee_meeting_record(actor=cast(User, request.user),
                                              committee=committee, request=request,
                                              **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("committee_detail", pk=committee.pk)
    return _detail(request, committee, status=400, meeting_form=form)


def _form_page(request: HttpRequest, form: CommitteeForm, committee: Committee | None,
               status: int) -> HttpResponse:
    return common.frame(request, "networks/committee_form.html", {
        "form": form, "committee": committee,
        "title": _("Change committee") if committee else _("Add a committee")}, status=status)


@requires_roles(*access.EDITORS)
def committee_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, access.EDITORS)
    if province is None:
        return common.province_picker(request, access.EDITORS, _("Add a committee"))
    form = CommitteeForm(request.POST or None, user=user, province_code=province,
                         roles=access.EDITORS)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=user, data=form.to_data(),
                                                  request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("committee_detail", pk=committee.pk)
    return _form_page(request, form, None, 400 if form.errors else 200)


@requires_roles(*access.EDITORS)
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    committee = _to_change(request, pk)
    form = CommitteeForm(request.POST or None, user=user, province_code=committee.province_code,
                         roles=access.EDITORS,
                         initial=services.CommitteeData.of(committee).__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(actor=user, committee=committee, data=form.to_data(),
                                      request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("committee_detail", pk=committee.pk)
    return _form_page(request, form, committee, 400 if form.errors else 200)
