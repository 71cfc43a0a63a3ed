"""Pages for funds (กองทุน) and their dated contributions and disbursements."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core.access import grants_of, requires_roles
from lnob.core.forms import add_service_errors
from lnob.core.models import User
from lnob.geo.choice import province_for_new
from lnob.networks import access, services
from lnob.networks.forms import FundForm, TransactionForm, area_filter_choices
from lnob.networks.models import Fund, FundKind, FundTransaction
from lnob.networks.selectors import FundFilters, balance_history, fund_list
from lnob.networks.views import common


def _filters(request: HttpRequest) -> FundFilters:
    return FundFilters(q=common.text(request, "q"), area=common.text(request, "area", 6),
                       kind=common.text(request, "kind", 20),
                       network=common.number(request, "network"))


@requires_roles(*access.READERS)
def fund_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page, query = common.paginate(request, fund_list(request.user, filters))
    return common.frame(request, "networks/fund_list.html", {
        "page": page, "query": query, "filters": filters,
        "filtered": any(v not in ("", None) for v in filters.__dict__.values()),
        "areas": area_filter_choices(request.user, access.READERS), "kinds": FundKind.choices,
        "can_add": bool(grants_of(request.user, access.EDITORS)),
    })


def _detail(request: HttpRequest, fund: Fund, form: TransactionForm | None = None,
            status: int = 200) -> HttpResponse:
    can_edit = access.can_change_fund(request.user, fund)
    if can_edit and form is None:
        form = TransactionForm(initial={"date": timezone.localdate(),
                                        "kind": FundTransaction.Kind.CONTRIBUTION})
    history = balance_history(fund)
    history.reverse()  # newest first, as people read a passbook online
    return common.frame(request, "networks/fund_detail.html", {
        "fund": fund, "history": history, "can_edit": can_edit, "form": form,
        "area_name": _area_name(fund.area_code)}, status=status)


def _area_name(code: str) -> str:
    from lnob.geo.selectors import area_by_code

    area = area_by_code(code)
    return area.name if area else code


@requires_roles(*access.READERS)
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.fund_for(request.user, pk))


@requires_roles(*access.EDITORS)
@require_POST
def fund_transaction_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    fund = access.fund_for(user, pk)
    if not access.can_change_fund(user, fund):
        raise PermissionDenied
    form = TransactionForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            services.fund_transaction_record(actor=user, fund=fund, date=c["date"],
                                             kind=c["kind"], amount=c["amount"],
                                             note=c["note"], request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("fund_detail", pk=fund.pk)
    fund.refresh_from_db()
    return _detail(request, fund, form, status=400)


def _form_page(request: HttpRequest, form: FundForm, fund: Fund | None,
               status: int) -> HttpResponse:
    return common.frame(request, "networks/fund_form.html", {
        "form": form, "fund": fund,
        "title": _("Change fund") if fund else _("Add a fund")}, status=status)


@requires_roles(*access.EDITORS)
def fund_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    province = province_for_new(request, access.EDITORS)
    if province is None:
        return common.province_picker(request, access.EDITORS, _("Add a fund"))
    form = FundForm(request.POST or None, user=user, province_code=province,
                    roles=access.EDITORS, initial={"network": request.GET.get("network", "")})
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.fund_create(actor=user, data=form.to_data(), request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("fund_detail", pk=fund.pk)
    return _form_page(request, form, None, 400 if form.errors else 200)


@requires_roles(*access.EDITORS)
def fund_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    fund = access.fund_for(user, pk)
    if not access.can_change_fund(user, fund):
        raise PermissionDenied
    data = services.FundData.of(fund)
    form = FundForm(request.POST or None, user=user, province_code=fund.province_code,
                    roles=access.EDITORS,
                    initial={**data.__dict__, "network": str(data.network or "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_update(actor=user, fund=fund, data=form.to_data(), request=request)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("fund_detail", pk=fund.pk)
    return _form_page(request, form, fund, 400 if form.errors else 200)
