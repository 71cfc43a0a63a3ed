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
from lnob.imports.models import ImportJob, ImportKind, ImportStatus
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
    job = ImportJob.objects.filter(pk=pk).first()
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
    jobs = ImportJob.objects.filter(province_code__in=provinces).select_related("created_by")
    return render(request, "imports/import_list.html", {
        "jobs": jobs[:50], "provinces": provinces, "errors": errors,
        "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "kinds": ImportKind.choices,
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


@requires_roles(*WELFARE_READERS)
def welfare_list(request: HttpRequest) -> HttpResponse:
    """A provider's list of recipients: matched and listed; with "record",
    the benefits of the matched rows are recorded (docs/welfare.md)."""
    import tempfile
    from pathlib import Path

    from lnob.imports.reading import FileRefused
    from lnob.imports.welfare import AMBIGUOUS, MATCHED, UNMATCHED, agency_check, agency_write
    from lnob.welfare.models import Scheme

    user = cast(User, request.user)
    schemes = Scheme.objects.filter(active=True)
    context: dict[str, object] = {"schemes": schemes}
    upload = request.FILES.get("file")
    if request.method == "POST":
        scheme = schemes.filter(code=request.POST.get("scheme", "")).first()
        if scheme is None or upload is None:
            context["error"] = _("Choose the scheme and the file.")
            return render(request, "imports/welfare_list.html", context, status=400)
        name = upload.name or "list.csv"
        suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
        with tempfile.TemporaryDirectory(prefix="lnob-welfare-list-") as folder:
            path = Path(folder) / f"list{suffix}"
            with path.open("wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            try:
                check = agency_check(path, user=user)
            except FileRefused as err:
                context["error"] = str(err)
                return render(request, "imports/welfare_list.html", context, status=400)
        listed = [r for r in check.rows if r.outcome != MATCHED]
        audit.record(AuditAction.VIEW, request=request, object_type="welfare.agency_list",
                     detail={"file": name[:200],
                             "candidates": sorted({c for r in listed for c in r.candidates})})
        written = None
        if check.ok and request.POST.get("record"):
            written = agency_write(check, actor=user, scheme=scheme, file_name=name,
                                   request=request)
        context.update({"check": check, "scheme": scheme, "listed": listed,
                        "written": written, "file_name": name,
                        "counts": {"matched": check.count(MATCHED),
                                   "ambiguous": check.count(AMBIGUOUS),
                                   "unmatched": check.count(UNMATCHED)}})
        return render(request, "imports/welfare_list.html", context,
                      status=400 if check.errors else 200)
    return render(request, "imports/welfare_list.html", context)
