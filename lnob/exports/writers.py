"""Writers: a header and an iterator of rows → CSV bytes or an XLSX file.

Pure (no database), and memory stays flat however many rows there are: CSV is
yielded a few hundred rows at a time, XLSX goes through XlsxWriter's constant-memory
mode, which spools rows to disk.

Cells are text or whole numbers. A text cell is never run as a formula: in
XLSX it is typed as text; in CSV, where there are no types, a value that a
spreadsheet would run ("=…", "+…", "-…", "@…") gets a leading apostrophe, the
usual guard against formula injection (names can come from public reports).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

Cell = str | int | None
Row = Sequence[Cell]

BOM = "\ufeff"  # so that Excel reads the file as UTF-8 and shows Thai
CSV_ROWS_PER_CHUNK = 500
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """The text as a spreadsheet should show it, never as a formula to run."""
    if len(value) > 1 and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(header: Sequence[str], rows: Iterable[Row]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark, a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow([csv_safe(v) if isinstance(v, str) else v for v in row])
        pending += 1
        if pending == CSV_ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def _xlsx_text(value: Cell) -> Cell:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XLSX cannot hold
    return value


def write_xlsx(header: Sequence[str], rows: Iterable[Row], file: IO[bytes], *,
               title: str) -> int:
    """Writes one sheet with a bold, frozen header row; returns the rows written.

    XlsxWriter in constant-memory mode: rows go to disk as they come, about
    ten times faster than openpyxl. Text is always written as text (never a
    formula, number or link), so "=1+1" stays "=1+1"."""
    book = xlsxwriter.Workbook(file, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet(title[:31])
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, list(header), book.add_format({"bold": True}))
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, [_xlsx_text(v) for v in row])
    book.close()
    return count
