"""Official reports: asking for one (checked, recorded, audited) and
generating it in the background (figures → HTML → PDF, kept in storage,
audited). A request that cannot be met changes nothing."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.thaidates import be_year
from lnob.geo.models import Province
from lnob.learning.access import may_request_report
from lnob.learning.common import Errors, add
from lnob.learning.models import Report, ReportKind, ReportStatus, Story, StoryStatus
from lnob.learning.reports import build, render

log = logging.getLogger(__name__)
# A period longer than this is almost always a mistyped year.
MAX_PERIOD_DAYS = 3 * 366
LANGUAGES = ("th", "en")


@dataclass
class ReportData:
    kind: str = ReportKind.PROVINCE
    area_code: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    thai_digits: bool = False
    language: str = "th"
    story_ids: Iterable[int] = field(default_factory=list)


@transaction.atomic
def report_request(*, actor: User, data: ReportData,
                   request: HttpRequest | None = None) -> Report:
    errors: Errors = {}
    area = (data.area_code or "").strip() if data.kind == ReportKind.PROVINCE else ""
    if data.kind not in ReportKind.values:
        add(errors, "kind", _("Choose the kind of report."))
    elif data.kind == ReportKind.PROVINCE and not Province.objects.filter(code=area).exists():
        add(errors, "area_code", _("Choose the province."))
    elif not may_request_report(actor, data.kind, area):
        # Provincial reports are made by the province's officers, national ones by
        # national analysts.
        raise NotAllowed("not_report_maker", _(
            "Provincial reports are made by the province's officers, national ones by "
            "national analysts."))
    start, end = data.period_start, data.period_end
    if start is None:
        add(errors, "period_start", _("Give the first day of the period."))
    if end is None:
        add(errors, "period_end", _("Give the last day of the period."))
    if start and end:
        if end < start:
            add(errors, "period_end", _("The period ends before it starts: the last day must "
                                        "be on or after the first day."))
        elif (end - start).days > MAX_PERIOD_DAYS:
            add(errors, "period_end", _("The period is longer than three years: check the "
                                        "years (Buddhist Era, e.g. 2569)."))
        if start > timezone.localdate():
            add(errors, "period_start", _("The period starts in the future."))
    if data.language not in LANGUAGES:
        add(errors, "language", _("Choose Thai or English."))
    story_ids = sorted({int(i) for i in data.story_ids})
    if story_ids:
        found = Story.objects.filter(pk__in=story_ids, status=StoryStatus.PUBLISHED)
        if area:
            found = found.filter(province_code=area)
        missing = set(story_ids) - set(found.values_list("pk", flat=True))
        if missing:
            add(errors, "story_ids", _("Story %(ids)s is not a published story of the report's "
                                       "area.") % {"ids": ", ".join(map(str, sorted(missing)))})
    if errors or start is None or end is None:
        raise ValidationError(errors)
    report = Report.objects.create(kind=data.kind, area_code=area, period_start=start,
                                   period_end=end, thai_digits=bool(data.thai_digits),
                                   language=data.language, story_ids=story_ids,
                                   requested_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=report, area_code=area,
                 detail={"kind": data.kind, "period": [start.isoformat(), end.isoformat()]})
    return report


def file_name(report: Report) -> str:
    """``lnob-report-province-84-2569-01-01-2569-03-31.pdf``"""
    def be(day: datetime.date) -> str:
        return f"{be_year(day.year)}-{day:%m-%d}"

    parts = ["lnob-report", report.kind, report.area_code, be(report.period_start),
             be(report.period_end)]
    return "-".join(p for p in parts if p) + ".pdf"


def report_generate(report_id: int) -> Report | None:
    """Claims a queued report (a conditional UPDATE: two workers never both
    make it), computes its figures, draws its PDF and keeps both."""
    if not Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
            status=ReportStatus.RUNNING):
        return None
    report = Report.objects.select_related("requested_by").get(pk=report_id)
    try:
        with translation.override(report.language or "th"):
            report.data = build.build(report)
            content, pages = render.pdf_bytes(report)
        with transaction.atomic():
            report.pdf.save(file_name(report), ContentFile(content), save=False)
            report.status = ReportStatus.DONE
            report.pages, report.size = pages, len(content)
            report.finished_at = timezone.now()
            report.save(update_fields=["data", "pdf", "status", "pages", "size",
                                       "finished_at"])
            audit.record(AuditAction.UPDATE, actor=report.requested_by, obj=report,
                         area_code=report.area_code,
                         detail={"generated": True, "pages": pages, "bytes": len(content)})
    except Exception as exc:  # any failure is kept on the report for the page to show
        log.exception("report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(status=ReportStatus.FAILED,
                                                   problem=str(exc)[:1000],
                                                   finished_at=timezone.now())
        audit.record(AuditAction.UPDATE, actor=report.requested_by, obj=report,
                     area_code=report.area_code, detail={"generated": False})
        report.refresh_from_db()
    return report
