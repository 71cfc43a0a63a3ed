"""Report pages: the reports the user may read with a form to ask for a new
one, a report on screen (drawn from its kept figures), and its PDF."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from lnob.core import audit
from lnob.core.access import grants_of, requires_roles
from lnob.core.models import AuditAction, User
from lnob.geo.models import Province
from lnob.learning.access import (
    NATIONAL_REPORTERS,
    PROVINCE_REPORTERS,
    REPORT_READERS,
    report_for,
    reports_visible_to,
)
from lnob.learning.models import ReportKind, ReportStatus
from lnob.learning.reports import render as draw
from lnob.learning.reports import services
from lnob.learning.reports.forms import ReportForm
from lnob.learning.tasks import generate_report
from lnob.networks.access import provinces_of


def _choices(user: Any) -> tuple[list[str], list[tuple[str, str]]]:
    kinds: list[str] = []
    codes = provinces_of(user, PROVINCE_REPORTERS)
    if codes is None or codes:
        kinds.append(ReportKind.PROVINCE)
    if any(g.area_code == "" for g in grants_of(user, NATIONAL_REPORTERS)):
        kinds += [ReportKind.NATIONAL, ReportKind.CABINET]
    provinces = Province.objects.all() if codes is None else Province.objects.filter(
        code__in=codes or [])
    return kinds, [(p.code, p.name) for p in provinces.order_by("code")]


@requires_roles(*REPORT_READERS)
def report_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    kinds, provinces = _choices(user)
    form = None
    if kinds:
        initial = {"province": provinces[0][0] if len(provinces) == 1 else "",
                   "language": "th"}
        form = ReportForm(request.POST or None, kinds=kinds, provinces=provinces,
                          initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                report = services.report_request(actor=user, data=form.to_data(),
                                                 request=request)
            except ValidationError as err:
                form.add_service_errors(err)
            else:
                generate_report.enqueue(report.pk)
                return redirect("report_detail", pk=report.pk)
    page = Paginator(reports_visible_to(user).select_related("requested_by"), 25).get_page(
        request.GET.get("page"))
    return render(request, "learning/report_list.html", {"form": form, "page": page},
                  status=400 if form is not None and form.errors else 200)


@requires_roles(*REPORT_READERS)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for(request.user, pk)
    return render(request, "learning/report_detail.html", {
        "report": report, "title": draw.title_of(report),
        "body": draw.body_html(report) if report.status == ReportStatus.DONE else "",
        "waiting": report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)})


@requires_roles(*REPORT_READERS)
def report_pdf(request: HttpRequest, pk: int) -> Any:
    report = report_for(request.user, pk)
    if report.status != ReportStatus.DONE or not report.pdf:
        raise Http404
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record(AuditAction.EXPORT, request=request, obj=report, area_code=report.area_code,
                 detail={"format": "pdf", "personal_data": False})
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        request.GET.get("inline") != "1", services.file_name(report)) or ""
    patch_cache_control(response, private=True, no_store=True)
    return response
