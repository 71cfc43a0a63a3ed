"""Pages of community welfare funds for the area's officers and coordinators:
the funds of the area, a fund's page (members, contributions by month,
benefits paid, balance, its rates), a month's contributions in one form, and
the member list as CSV/XLSX. Every page that names members is audited."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.errors import NotFound, Refused
from lnob.core.forms import add_service_errors
from lnob.core.models import AuditAction, User
from lnob.exports.responses import export_format
from lnob.networks.models import Fund
from lnob.registry.models import Person
from lnob.welfare.access import READERS, persons_for_welfare
from lnob.welfare.funds import selectors, services
from lnob.welfare.funds.access import can_edit, fund_for, funds_for_welfare, member_for
from lnob.welfare.funds.exports import export_members
from lnob.welfare.funds.forms import (
    BenefitPayForm,
    ContributionsForm,
    LeaveForm,
    MemberForm,
    RateForm,
    this_month_be,
)


def _person(user: Any, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = persons_for_welfare(user).filter(pk=pk).first()
    if person is None:
        raise NotFound(field="person")
    return person


@requires_roles(*READERS)
def fund_list(request: HttpRequest) -> HttpResponse:
    """The funds of the user's areas with their members and balance (no names)."""
    funds = funds_for_welfare(request.user).order_by("province_code", "area_code", "name")
    return render(request, "welfare/funds/list.html", {"funds": funds[:500]})


def _fund_page(request: HttpRequest, fund: Fund, *, status: int = 200,
               **forms: Any) -> HttpResponse:
    page = selectors.fund_page(fund)
    active = selectors.members_of(fund, active_only=True)
    audit.record(AuditAction.VIEW, request=request, obj=fund, area_code=fund.area_code,
                 detail={"page": "fund_members", "members": [m.pk for m in page.members]})
    return render(request, "welfare/funds/fund.html", {
        "fund": fund, "page": page, "can_edit": can_edit(request.user, fund),
        "member_form": forms.get("member_form") or MemberForm(
            initial={"joined_on": timezone.localdate()}),
        "pay_form": forms.get("pay_form") or BenefitPayForm(
            members=active, initial={"date": timezone.localdate()}),
        "rate_form": forms.get("rate_form") or RateForm(),
        "leave_form": LeaveForm(initial={"left_on": timezone.localdate()}),
        "error": forms.get("error"),
    }, status=status)


@requires_roles(*READERS)
def fund_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _fund_page(request, fund_for(request.user, pk))


@requires_roles(*READERS)
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request.user, pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        person = _person(request.user, data.pop("person"))
        try:
            services.member_add(actor=cast(User, request.user), fund=fund, person=person,
                                request=request, **data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("welfare_fund", pk=fund.pk)
    return _fund_page(request, fund, status=400, member_form=form)


@requires_roles(*READERS)
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for(request.user, pk)
    form = LeaveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        services.member_leave(actor=cast(User, request.user), member=member,
                              left_on=form.cleaned_data["left_on"], request=request)
    except ValidationError as err:
        return _fund_page(request, member.fund, status=400, error=" ".join(err.messages))
    return redirect("welfare_fund", pk=member.fund_id)


@requires_roles(*READERS)
def contributions(request: HttpRequest, pk: int) -> HttpResponse:
    """A month's contributions of every active member in one form (one
    transaction of the fund)."""
    fund = fund_for(request.user, pk)
    members = list(selectors.members_of(fund, active_only=True))
    if request.method == "POST":
        form = ContributionsForm(request.POST, members=members)
        if form.is_valid():
            try:
                services.contributions_record(
                    actor=cast(User, request.user), fund=fund,
                    period=form.cleaned_data["period"], date=form.cleaned_data["date"],
                    amounts=form.amounts(), request=request)
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                return redirect("welfare_fund", pk=fund.pk)
        status = 400
    else:
        form = ContributionsForm(members=members, default=request.GET.get("amount", "")[:20],
                                 initial={"period": this_month_be(),
                                          "date": timezone.localdate()})
        status = 200
        audit.record(AuditAction.VIEW, request=request, obj=fund, area_code=fund.area_code,
                     detail={"page": "fund_contributions", "members": [m.pk for m in members]})
    return render(request, "welfare/funds/contributions.html", {
        "fund": fund, "form": form, "can_edit": can_edit(request.user, fund)}, status=status)


@requires_roles(*READERS)
@require_POST
def benefit_pay(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request.user, pk)
    form = BenefitPayForm(request.POST, members=selectors.members_of(fund))
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        person = _person(request.user, data.pop("person"))
        try:
            services.benefit_pay(actor=cast(User, request.user), fund=fund, person=person,
                                 request=request, **data)
        except ValidationError as err:
            add_service_errors(form, err)
        except Refused as err:  # over the balance: said under the amount
            form.add_error("amount", err.message())
            status = err.status
        else:
            return redirect("welfare_fund", pk=fund.pk)
    return _fund_page(request, fund, status=status, pay_form=form)


@requires_roles(*READERS)
@require_POST
def rate_set(request: HttpRequest, pk: int) -> HttpResponse:
    fund = fund_for(request.user, pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.rate_set(actor=cast(User, request.user), fund=fund, request=request,
                              **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("welfare_fund", pk=fund.pk)
    return _fund_page(request, fund, status=400, rate_form=form)


@requires_roles(*READERS)
def members_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    return export_members(request, fund_for(request.user, pk), export_format(fmt))
