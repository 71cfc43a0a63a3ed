"""Pages for volunteers (อาสาสมัคร, อพม.). Their names and phones are personal
data: only the roles that work with named people see them, and every list and
every record shown is written to the audit log."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import add_service_errors
from lnob.core.models import AuditAction, User
from lnob.exports.responses import export_format
from lnob.geo.choice import province_for_new
from lnob.networks import access, services
from lnob.networks.exports import export_volunteers
from lnob.networks.forms import (
    VolunteerForm,
    area_filter_choices,
    volunteer_initial,
)
from lnob.networks.models import Volunteer
from lnob.networks.selectors import VolunteerFilters, needs_for, volunteer_list
from lnob.networks.views import common


def _filters(request: HttpRequest) -> VolunteerFilters:
    return VolunteerFilters(q=common.text(request, "q"), area=common.text(request, "area", 6),
                            network=common.number(request, "network"),
                            need=common.number(request, "need"),
                            active=common.yes_no(request, "active"),
                            is_msdhs=common.yes_no(request, "msdhs"))


@requires_roles(*access.VOLUNTEER_READERS)
def volunteer_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page, query = common.paginate(request, volunteer_list(request.user, filters))
    volunteers = list(page.object_list)
    audit.record(AuditAction.VIEW, request=request, object_type="networks.volunteer_list",
                 area_code=filters.area,
                 detail={"volunteers": [v.pk for v in volunteers], "q": filters.q})
    provinces = access.provinces_of(request.user, access.VOLUNTEER_READERS) or []
    network = (access.networks_visible_to(request.user).filter(pk=filters.network).first()
               if filters.network else None)
    return common.frame(request, "networks/volunteer_list.html", {
        "page": page, "volunteers": volunteers, "query": query, "filters": filters,
        "filtered": any(v not in ("", None) for v in filters.__dict__.values()),
        "network": network,
        "areas": area_filter_choices(request.user, access.VOLUNTEER_READERS),
        "needs": needs_for(provinces[0] if len(provinces) == 1 else ""),
        "can_add": True,  # the readers of volunteers are also their editors
    })


@requires_roles(*access.VOLUNTEER_READERS)
def volunteer_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The whole filtered list as CSV or XLSX: personal data, audited."""
    return export_volunteers(request, _filters(request), export_format(fmt))


def _seen(request: HttpRequest, volunteer: Volunteer) -> None:
    audit.record(AuditAction.VIEW, request=request, obj=volunteer,
                 area_code=volunteer.province_code)


@requires_roles(*access.VOLUNTEER_READERS)
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = access.volunteer_for(request.user, pk)
    _seen(request, volunteer)
    return common.frame(request, "networks/volunteer_detail.html", {
        "volunteer": volunteer,
        "subdistricts": volunteer.subdistricts.select_related("district"),
        "villages": volunteer.villages.select_related("subdistrict"),
        "needs": volunteer.needs.all(),
        "can_edit": access.can_change_volunteer(request.user, volunteer),
    })


def _form_page(request: HttpRequest, form: VolunteerForm, volunteer: Volunteer | None,
               status: int) -> HttpResponse:
    return common.frame(request, "networks/volunteer_form.html", {
        "form": form, "volunteer": volunteer,
        "title": _("Change volunteer") if volunteer else _("Add a volunteer")}, status=status)


@requires_roles(*access.NETWORK_EDITORS)
def volunteer_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, access.NETWORK_EDITORS)
    if province is None:
        return common.province_picker(request, access.NETWORK_EDITORS, _("Add a volunteer"))
    initial = {"network": request.GET.get("network", "")}
    form = VolunteerForm(request.POST or None, user=user, province_code=province,
                         roles=access.NETWORK_EDITORS, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_create(actor=user, data=form.to_data(),
                                                  request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("volunteer_detail", pk=volunteer.pk)
    return _form_page(request, form, None, 400 if form.errors else 200)


@requires_roles(*access.NETWORK_EDITORS)
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    volunteer = access.volunteer_for(user, pk)
    if not access.can_change_volunteer(user, volunteer):
        raise PermissionDenied
    form = VolunteerForm(request.POST or None, user=user,
                         province_code=volunteer.province_code, roles=access.NETWORK_EDITORS,
                         initial=volunteer_initial(services.VolunteerData.of(volunteer)))
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_update(actor=user, volunteer=volunteer, data=form.to_data(),
                                      request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("volunteer_detail", pk=volunteer.pk)
    if request.method != "POST":
        _seen(request, volunteer)  # the form shows the name and phone
    return _form_page(request, form, volunteer, 400 if form.errors else 200)
