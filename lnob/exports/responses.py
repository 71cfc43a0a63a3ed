"""Downloads: a streamed CSV or an XLSX file, named after the area and the
Buddhist Era date, never cached."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from lnob.core.access import area_codes, covers
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


def download(fmt: Format, header: Sequence[str], rows: Iterable[Row], *, name: str,
             sheet_title: str) -> HttpResponseBase:
    """CSV is streamed as the rows are read; XLSX is written to a temporary
    file first (a zip cannot be streamed as it is written) and then sent."""
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows),
                                         content_type=CONTENT_TYPES["csv"])
    else:
        # Unlinked at once; FileResponse closes it once sent (and sets its length).
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        try:
            write_xlsx(header, rows, spool, title=sheet_title)
            spool.seek(0)
        except BaseException:
            spool.close()
            raise
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
