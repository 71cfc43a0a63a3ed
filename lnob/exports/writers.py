"""Writers: a header and an iterator of rows → CSV bytes or an XLSX file.

Pure (no database), and memory stays flat however many rows there are: CSV is
yielded a few hundred rows at a time, XLSX goes through openpyxl's write-only
workbook, which spools rows to disk.

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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

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


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Cell) -> object:
    if not isinstance(value, str):
        return value
    if not value:
        return None  # an empty cell is not written at all: a quarter less XML
    text: str = value
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters XLSX cannot hold
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, not a formula
        return cell
    return text


def write_xlsx(header: Sequence[str], rows: Iterable[Row], file: IO[bytes], *,
               title: str) -> int:
    """Writes one sheet with a bold, frozen header row; returns the rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    titles = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    book.save(file)
    return count
