"""Downloads of a run: the unplaced people (with the reason) and the
per-subdistrict holes. Audited; the unplaced list names people, so only the
roles that work with named people get it."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from lnob.core import audit
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction
from lnob.exports.columns import Column, header
from lnob.exports.responses import Format, download, filename
from lnob.exports.writers import Row
from lnob.geo.selectors import area_names
from lnob.matching.models import MatchingRun, RowKind
from lnob.matching.reasons import row_why

UNPLACED_COLUMNS = (
    Column("case", "case", "เลขที่กรณี", False), Column("name", "name", "ชื่อ", False),
    Column("subdistrict", "subdistrict_code", "รหัสตำบล", False),
    Column("severity", "severity", "ความรุนแรง", False),
    Column("reason", "reason", "เหตุผล", False), Column("why", "why", "คำอธิบาย", False),
)
HOLE_COLUMNS = (
    Column("subdistrict", "subdistrict_code", "รหัสตำบล", False),
    Column("name", "subdistrict", "ตำบล", False), Column("demand", "demand", "ผู้ต้องการ", False),
    Column("capacity", "capacity", "ผู้ดูแลรับได้", False),
    Column("placed", "placed", "จับคู่ได้", False),
    Column("unplaced", "unplaced", "ยังไม่มีผู้ดูแล", False),
)


def _unplaced_rows(run: MatchingRun, thai: bool) -> Iterator[Row]:
    rows = run.rows.filter(kind=RowKind.UNPLACED).select_related("case__person")
    # The reason is worded while the download streams: in the language it was asked in.
    with translation.override("th" if thai else "en"):
        for r in rows.iterator(chunk_size=2000):
            yield [r.case_id, r.case.person.full_name, r.subdistrict_code, r.severity,
                   r.reason, row_why(r)]


def _hole_rows(run: MatchingRun) -> Iterator[Row]:
    holes = list(run.holes.all())
    names = area_names({h.subdistrict_code for h in holes})
    for h in holes:
        yield [h.subdistrict_code, names.get(h.subdistrict_code, ""), h.demand, h.capacity,
               h.placed, h.unplaced]


def export_run(request: HttpRequest, run: MatchingRun, what: str,
               fmt: Format) -> HttpResponseBase:
    thai = thai_active()
    audit.record(AuditAction.EXPORT, request=request, obj=run, area_code=run.scope_code,
                 detail={"what": what, "format": fmt})
    if what == "unplaced":
        return download(fmt, header(UNPLACED_COLUMNS, thai=thai), _unplaced_rows(run, thai),
                        name=filename(f"unplaced-run{run.pk}", run.scope_code, fmt),
                        sheet_title="unplaced")
    return download(fmt, header(HOLE_COLUMNS, thai=thai), _hole_rows(run),
                    name=filename(f"holes-run{run.pk}", run.scope_code, fmt),
                    sheet_title="holes")
