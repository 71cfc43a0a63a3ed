"""Downloads: a streamed CSV or an XLSX file, named after the area and the
Buddhist Era date, never cached."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from lnob.core import audit
from lnob.core.access import area_codes, covers
from lnob.core.models import AuditAction, AuditEvent
from lnob.core.roles import Role
from lnob.core.thaidates import be_year
from lnob.exports.writers import Row, csv_chunks, write_xlsx

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
CONTENT_TYPES: dict[Format, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_format(value: str) -> Format:
    for known in FORMATS:
        if value == known:
            return known
    raise Http404


def filename(kind: str, area_code: str, fmt: Format) -> str:
    """``lnob-persons-84-2569-11-25.csv``: what, where (if one area), when (BE)."""
    today = timezone.localdate()
    parts = ["lnob", kind, area_code, f"{be_year(today.year)}-{today:%m-%d}"]
    return "-".join(p for p in parts if p) + "." + fmt


class _Counted:
    """The rows, counted as they are handed to the writer."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row


def _sent(started: AuditEvent, rows: int, complete: bool) -> None:
    """The export's second audit row: how many rows were actually sent, and
    whether the file was whole. A first row without its second means the
    process was killed while sending (docs/deploy.md)."""
    audit.record(AuditAction.EXPORT_SENT, actor=started.actor, object_type=started.object_type,
                 object_id=started.object_id, area_code=started.area_code,
                 detail={"of": started.pk, "rows_sent": rows, "complete": complete})


def _streamed(chunks: Iterator[bytes], counted: _Counted,
              started: AuditEvent | None) -> Iterator[bytes]:
    complete = False
    try:
        yield from chunks
        complete = True
    finally:  # the last row sent, or the client gone (the server closes us)
        if started is not None:
            _sent(started, counted.count, complete)


def download(fmt: Format, header: Sequence[str], rows: Iterable[Row], *, name: str,
             sheet_title: str, audited: AuditEvent | None = None) -> HttpResponseBase:
    """CSV is streamed as the rows are read; XLSX is written to a temporary
    file first (a zip cannot be streamed as it is written) and then sent.
    ``audited``: the export's audit row, written before any row; a second row
    then records the rows actually sent (CSV: after the last row, or marked
    incomplete when the stream was cut; XLSX: the rows in the file)."""
    response: HttpResponseBase
    counted = _Counted(rows)
    if fmt == "csv":
        response = StreamingHttpResponse(_streamed(csv_chunks(header, counted), counted,
                                                   audited),
                                         content_type=CONTENT_TYPES["csv"])
    else:
        # Unlinked at once; FileResponse closes it once sent (and sets its length).
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        try:
            write_xlsx(header, counted, spool, title=sheet_title)
            spool.seek(0)
        except BaseException:
            spool.close()
            if audited is not None:
                _sent(audited, 0, False)
            raise
        if audited is not None:
            _sent(audited, counted.count, True)
        response = FileResponse(spool, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    # Personal data: not kept by browsers or proxies.
    patch_cache_control(response, private=True, no_store=True)
    return response


def export_area(user: Any, roles: Iterable[Role], wanted: str) -> str:
    """The area an export is filed under (audit row, file name): the area
    filter when it lies in the user's areas, else the smallest area holding
    all of them ("" for several provinces or the whole country)."""
    if is_area_code(wanted) and covers(user, wanted, roles):
        return wanted
    return common_area(area_codes(user, roles))


def common_area(codes: Iterable[str]) -> str:
    """The smallest area holding all ``codes`` (a province, district or
    subdistrict code), or "" for several provinces or the whole country."""
    codes = list(codes)
    if not codes or "" in codes:
        return ""
    prefix = os.path.commonprefix(codes)
    for length in (6, 4, 2):
        if len(prefix) >= length:
            return prefix[:length]
    return ""


def is_area_code(code: str) -> bool:
    return len(code) in (2, 4, 6) and code.isdigit()
