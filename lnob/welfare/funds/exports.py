"""The member list of a fund as CSV or XLSX: audited like every export of
personal data (one row before, one with the rows sent)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponseBase

from lnob.core import audit
from lnob.core.i18n import thai_active
from lnob.core.models import AuditAction
from lnob.exports.columns import Column, header
from lnob.exports.responses import Format, download, filename
from lnob.exports.writers import Row
from lnob.networks.models import Fund
from lnob.welfare.funds.selectors import members_of

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("member_number", "member_number", "เลขที่สมาชิก"),
    Column("title", "title", "คำนำหน้า"),
    Column("first_name", "first_name", "ชื่อ"),
    Column("last_name", "last_name", "นามสกุล"),
    Column("citizen_id", "citizen_id", "เลขประจำตัวประชาชน"),
    Column("birth_date", "birth_date", "วันเกิด"),
    Column("joined_on", "joined_on", "วันที่เข้าเป็นสมาชิก"),
    Column("left_on", "left_on", "วันที่ออก"),
    Column("person_id", "person_id", "รหัสบุคคลในทะเบียน", importable=False),
)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def member_rows(fund: Fund) -> Iterator[Row]:
    for m in members_of(fund).iterator(chunk_size=2000):
        p = m.person
        yield [m.member_number, p.title if p else m.title, p.first_name if p else m.first_name,
               p.last_name if p else m.last_name, p.citizen_id if p else m.citizen_id,
               _iso(p.birth_date if p else m.birth_date), _iso(m.joined_on), _iso(m.left_on),
               p.pk if p else None]

def export_members(request: HttpRequest, fund: Fund, fmt: Format) -> HttpResponseBase:
    started = audit.record(
        AuditAction.EXPORT, request=request, object_type="welfare.fund_members",
        object_id=str(fund.pk), area_code=fund.area_code,
        detail={"format": fmt, "fund": fund.pk, "count": members_of(fund).count()})
    return download(fmt, header(MEMBER_COLUMNS, thai=thai_active()), member_rows(fund),
                    name=filename(f"fund{fund.pk}-members", fund.area_code, fmt),
                    sheet_title="members", audited=started)
