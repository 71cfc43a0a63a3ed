"""Pages for networks and lead networks (เครือข่าย, แม่ข่าย)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lnob.core.access import grants_of, requires_roles
from lnob.core.forms import add_service_errors
from lnob.core.models import User
from lnob.exports.responses import export_format
from lnob.geo.choice import province_for_new
from lnob.networks import access, services
from lnob.networks.exports import export_networks
from lnob.networks.forms import (
    NetworkForm,
    area_filter_choices,
    network_initial,
)
from lnob.networks.models import Network, PartnerType
from lnob.networks.selectors import NetworkFilters, needs_for, network_list
from lnob.networks.views import common


def _filters(request: HttpRequest) -> NetworkFilters:
    return NetworkFilters(q=common.text(request, "q"), area=common.text(request, "area", 6),
                          partner_type=common.text(request, "partner_type", 20),
                          is_lead=common.yes_no(request, "lead"),
                          need=common.number(request, "need"),
                          active=common.yes_no(request, "active"),
                          lead_network=common.number(request, "lead_network"))


@requires_roles(*access.READERS)
def network_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page, query = common.paginate(request, network_list(request.user, filters))
    provinces = access.provinces_of(request.user, access.READERS) or []
    return common.frame(request, "networks/network_list.html", {
        "page": page, "query": query, "filters": filters, "filtered": any(
            v not in ("", None) for v in filters.__dict__.values()),
        "areas": area_filter_choices(request.user, access.READERS),
        "partner_types": PartnerType.choices,
        "needs": needs_for(provinces[0] if len(provinces) == 1 else ""),
        "can_add": bool(grants_of(request.user, access.NETWORK_EDITORS)),
    })


@requires_roles(*access.READERS)
def network_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The whole filtered list as CSV or XLSX (audited)."""
    return export_networks(request, _filters(request), export_format(fmt))


@requires_roles(*access.READERS)
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = access.network_for(request.user, pk)
    return common.frame(request, "networks/network_detail.html", {
        "network": network,
        "subdistricts": network.subdistricts.select_related("district"),
        "villages": network.villages.select_related("subdistrict"),
        "needs": network.needs.all(),
        "members": access.networks_visible_to(request.user).filter(lead_network=network),
        "funds": access.funds_visible_to(request.user).filter(network=network),
        "volunteer_count": network.volunteers.filter(active=True).count(),
        "can_see_volunteers": access.networks_visible_to(
            request.user, access.VOLUNTEER_READERS).filter(pk=network.pk).exists(),
        "can_edit": access.can_change_network(request.user, network),
    })


def _form_page(request: HttpRequest, form: NetworkForm, network: Network | None,
               status: int) -> HttpResponse:
    return common.frame(request, "networks/network_form.html", {
        "form": form, "network": network,
        "title": _("Change network") if network else _("Add a network")}, status=status)


@requires_roles(*access.NETWORK_EDITORS)
def network_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, access.NETWORK_EDITORS)
    if province is None:
        return common.province_picker(request, access.NETWORK_EDITORS, _("Add a network"))
    form = NetworkForm(request.POST or None, user=user, province_code=province,
                       roles=access.NETWORK_EDITORS)
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(actor=user, data=form.to_data(), request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("network_detail", pk=network.pk)
    return _form_page(request, form, None, 400 if form.errors else 200)


@requires_roles(*access.NETWORK_EDITORS)
def network_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    network = access.network_for(user, pk)
    if not access.can_change_network(user, network):
        raise PermissionDenied
    form = NetworkForm(request.POST or None, user=user, province_code=network.province_code,
                       roles=access.NETWORK_EDITORS, network=network,
                       initial=network_initial(services.NetworkData.of(network)))
    if request.method == "POST" and form.is_valid():
        try:
            services.network_update(actor=user, network=network, data=form.to_data(),
                                    request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("network_detail", pk=network.pk)
    return _form_page(request, form, network, 400 if form.errors else 200)
