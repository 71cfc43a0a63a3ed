"""Pages of an import: upload, see what is wrong, then import or cancel."""

from __future__ import annotations

import contextlib
import csv
import io
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import covers, requires_roles
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction, User
from lnob.exports.columns import (
    NETWORK_COLUMNS,
    PERSON_COLUMNS,
    VOLUNTEER_COLUMNS,
    Column,
)
from lnob.geo.choice import province_codes
from lnob.geo.models import Province
from lnob.imports import services, tasks
from lnob.imports.messages import match_outside_area
from lnob.imports.models import RECORD_KINDS, ImportJob, ImportKind, ImportStatus
from lnob.imports.services import IMPORTERS
from lnob.welfare.access import READERS as WELFARE_READERS

EXAMPLE_ROW = {"external_ref": "SK-0001", "citizen_id": "1-1017-00203-44-1",
               "title": "นาง", "first_name": "บุญมี", "last_name": "ศรีสุข", "sex": "F",
               "birth_date": "6/11/2490", "phone": "081-234-5678",
               "subdistrict_code": "840503", "village_number": "1", "house_number": "12/4",
               "target_groups": "in_hardship", "needs": "health:3; daily_care:2"}
EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    ImportKind.PERSONS: EXAMPLE_ROW,
    ImportKind.NETWORKS: {
        "name": "เครือข่ายสวัสดิการชุมชนเกาะเต่า", "partner_type": "community",
        "is_lead": "no", "lead_network_id": "", "leader_name": "นายสมชาย ใจดี",
        "contact_phone": "081-234-5678", "contact_email": "kotao@example.org",
        "subdistrict_codes": "840503", "village_codes": "", "capacity": "40",
        "needs": "health; daily_care", "active": "yes"},
    ImportKind.VOLUNTEERS: {
        "first_name": "สมหญิง", "last_name": "รักดี", "phone": "081-234-5678",
        "is_msdhs": "yes", "network_id": "", "subdistrict_codes": "840503",
        "needs": "health", "capacity": "5", "active": "yes"},
}


def _job_for(user: User, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk).exclude(kind=ImportKind.WELFARE_LIST).first()
    if job is None or not covers(user, job.province_code, IMPORTERS):
        raise Http404
    return job


@requires_roles(*IMPORTERS)
def import_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    codes = province_codes(user, IMPORTERS, whole=True)
    provinces = codes if codes is not None else list(
        Province.objects.order_by("code").values_list("code", flat=True))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": [_("Choose a file to upload.")]}
        else:
            try:
                job = services.import_start(
                    actor=user, kind=request.POST.get("kind", ImportKind.PERSONS),
                    province_code=request.POST.get("province", ""), upload=upload,
                    sheet=request.POST.get("sheet", "").strip())
            except ValidationError as err:
                errors = err.message_dict
            else:
                _check_now_or_later(job)
                return redirect("import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(province_code__in=provinces, kind__in=RECORD_KINDS
                                    ).select_related("created_by")
    return render(request, "imports/import_list.html", {
        "jobs": jobs[:50], "provinces": provinces, "errors": errors,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "kinds": [(k.value, k.label) for k in RECORD_KINDS],
        "chosen_kind": request.POST.get("kind") or request.GET.get("kind")
        or ImportKind.PERSONS,
    }, status=400 if errors else 200)


def _check_now_or_later(job: ImportJob) -> None:
    """Small files are checked at once; large ones by the worker, with progress."""
    if job.file.size <= settings.IMPORT_INLINE_ROWS * 200:  # ~200 bytes a row
        services.run_check(job)
    else:
        tasks.check_import.enqueue(job.pk)


@requires_roles(*IMPORTERS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(cast(User, request.user), pk)
    # The preview names people of the file (likely duplicates, rows to fix).
    audit.record(AuditAction.VIEW, request=request, obj=job, area_code=job.province_code)
    working = job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
    job.done_rows = services.rows_written(job)
    names = column_names(job.kind)
    return render(request, "imports/import_detail.html", {
        "job": job, "working": working, "can_decide": job.status == ImportStatus.CHECKED,
        "can_retry": job.retryable,
        "outside_message": match_outside_area(),
        # Columns named as the file's header row names them, in the page's language.
        "errors": [e | {"column": names.get(e.get("column", ""), e.get("column", ""))}
                   for e in job.errors],
        "warnings": [e | {"column": names.get(e.get("column", ""), e.get("column", ""))}
                     for e in (job.outcomes or {}).get("warnings", [])],
    })


# Error keys that are not a column of the export (the file may have either).
COLUMN_ALIASES = {"subdistrict": "subdistrict_code", "village": "village_number"}


def column_names(kind: str) -> dict[str, str]:
    """Column key → its header (Thai on Thai pages) for an import of ``kind``."""
    by_kind: dict[str, tuple[Column, ...]] = {
        ImportKind.PERSONS: PERSON_COLUMNS, ImportKind.NETWORKS: NETWORK_COLUMNS,
        ImportKind.VOLUNTEERS: VOLUNTEER_COLUMNS}
    columns = by_kind.get(kind, ())
    thai = thai_active()
    names = {c.key: c.th if thai else c.en for c in columns}
    for alias, key in COLUMN_ALIASES.items():
        if alias not in names and key in names:
            names[alias] = names[key]
    return names


@requires_roles(*IMPORTERS)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(cast(User, request.user), pk)
    if job.status == ImportStatus.CHECKING or job.problem and not job.total_rows:
        raise Http404
    audit.record(AuditAction.EXPORT, request=request, obj=job, area_code=job.province_code,
                 detail={"rows_to_fix": True})
    response = HttpResponse(services.errors_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lnob-import-{job.pk}-errors.csv"'
    return response


@requires_roles(*IMPORTERS)
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    job = _job_for(user, pk)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    # Everyone imported enters the workflow unless the officer says otherwise.
    open_cases = request.POST.get("no_cases") != "1"
    if job.status != ImportStatus.CHECKED:
        return redirect("import_detail", pk=job.pk)
    if job.valid_rows <= settings.IMPORT_INLINE_ROWS:
        # On refusal the reason is kept on the job; the page shows it.
        with contextlib.suppress(services.ImportRefused):
            services.import_commit(actor=user, job=job, skip_invalid=skip_invalid,
                                   open_cases=open_cases)
    else:
        tasks.commit_import.enqueue(job.pk, user.pk, skip_invalid, open_cases)
    return redirect("import_detail", pk=job.pk)


@requires_roles(*IMPORTERS)
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    services.import_cancel(actor=user, job=_job_for(user, pk))
    return redirect("import_detail", pk=pk)


@requires_roles(*IMPORTERS)
@require_POST
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """An import whose worker stopped: checked again, or back to the decision."""
    user = cast(User, request.user)
    job = _job_for(user, pk)
    with contextlib.suppress(services.ImportRefused):
        job = services.import_retry(actor=user, job=job)
        if job.status == ImportStatus.CHECKING:
            _check_now_or_later(job)
    return redirect("import_detail", pk=pk)


@requires_roles(*IMPORTERS)
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns LNOB reads for that kind (``?kind=networks``)
    and one example row."""
    kind = request.GET.get("kind") or ImportKind.PERSONS
    if kind not in services.KINDS:
        raise Http404
    columns = [c for c in services.KINDS[kind].columns if c.importable]
    example = EXAMPLE_ROWS[kind]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.th if thai_active() else c.en for c in columns])
    writer.writerow([example.get(c.key, "") for c in columns])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lnob-{kind}-template.csv"'
    return response


# ------------------------------------------------ a provider's list of recipients
# A job like the imports above (stored, checked and recorded by the worker for
# large files, reaped, retried, cancelled), but its creator's alone: the report
# names persons of their areas (docs/welfare.md).

def _welfare_job_for(user: User, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, kind=ImportKind.WELFARE_LIST).first()
    if job is None or not services.job_allowed(user, job):
        raise Http404
    return job


@requires_roles(*WELFARE_READERS)
def welfare_list(request: HttpRequest) -> HttpResponse:
    """Upload a provider's list of recipients: it becomes a job, checked at
    once when small, by the worker otherwise (docs/welfare.md)."""
    from lnob.welfare.models import Scheme

    user = cast(User, request.user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": [_("Choose a file to upload.")]}
        else:
            try:
                job = services.welfare_list_start(
                    actor=user, scheme_code=request.POST.get("scheme", ""), upload=upload)
            except ValidationError as err:
                errors = err.message_dict
            else:
                _check_now_or_later(job)
                return redirect("import_welfare_list_detail", pk=job.pk)
    schemes = {s.code: s for s in Scheme.objects.filter(active=True)}
    jobs = list(ImportJob.objects.filter(kind=ImportKind.WELFARE_LIST, created_by=user)[:20])
    for job in jobs:
        job.scheme = schemes.get(job.scheme_code)  # type: ignore[attr-defined]
    return render(request, "imports/welfare_list.html", {
        "schemes": schemes.values(), "errors": errors, "jobs": jobs,
        "chosen": request.POST.get("scheme", ""),
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
    }, status=400 if errors else 200)


@requires_roles(*WELFARE_READERS)
def welfare_list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from lnob.imports.welfare import SHOWN
    from lnob.welfare.models import Scheme

    job = _welfare_job_for(cast(User, request.user), pk)
    report = job.outcomes or {}
    listed = report.get("listed", [])[:SHOWN]
    # The report names persons (candidates) of the user's areas.
    audit.record(AuditAction.VIEW, request=request, obj=job, area_code=job.province_code,
                 detail={"candidates": sorted({c for _r, _o, cs in listed for c in cs})})
    job.done_rows = services.rows_written(job)
    return render(request, "imports/welfare_list_detail.html", {
        "job": job, "scheme": Scheme.objects.filter(code=job.scheme_code).first(),
        "working": job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING),
        "can_decide": job.status == ImportStatus.CHECKED and not job.error_rows,
        "can_retry": job.retryable, "report": report,
        "listed": [{"row": r, "outcome": o, "candidates": cs} for r, o, cs in listed],
    })


@requires_roles(*WELFARE_READERS)
@require_POST
def welfare_list_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the benefits of the matched rows: at once for a small list, by
    the worker for a large one (the page shows the progress)."""
    user = cast(User, request.user)
    job = _welfare_job_for(user, pk)
    if job.status == ImportStatus.CHECKED and not job.error_rows:
        if job.valid_rows <= settings.IMPORT_INLINE_ROWS:
            with contextlib.suppress(services.ImportRefused):  # the reason is on the job
                services.import_commit(actor=user, job=job)
        else:
            tasks.commit_import.enqueue(job.pk, user.pk, False, False)
    return redirect("import_welfare_list_detail", pk=job.pk)


@requires_roles(*WELFARE_READERS)
@require_POST
def welfare_list_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    services.import_cancel(actor=user, job=_welfare_job_for(user, pk))
    return redirect("import_welfare_list_detail", pk=pk)


@requires_roles(*WELFARE_READERS)
@require_POST
def welfare_list_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A list whose worker stopped: checked again, or back to the decision."""
    user = cast(User, request.user)
    job = _welfare_job_for(user, pk)
    with contextlib.suppress(services.ImportRefused):
        job = services.import_retry(actor=user, job=job)
        if job.status == ImportStatus.CHECKING:
            _check_now_or_later(job)
    return redirect("import_welfare_list_detail", pk=pk)


@requires_roles(*WELFARE_READERS)
def welfare_list_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The row-by-row report as CSV: the problems, then the rows not matched."""
    from lnob.imports.welfare import report_csv

    job = _welfare_job_for(cast(User, request.user), pk)
    if job.status in (ImportStatus.CHECKING,) or not job.outcomes:
        raise Http404
    audit.record(AuditAction.EXPORT, request=request, obj=job, area_code=job.province_code,
                 detail={"welfare_list_report": True})
    response = HttpResponse(report_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="lnob-welfare-list-{job.pk}-report.csv"')
    return response
