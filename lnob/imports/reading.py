"""Reading the spreadsheets people really have: CSV in UTF-8 (with or without
BOM) or TIS-620/cp874, and XLSX. Refuses what is not a spreadsheet, what is
too large, and XLSX files that would expand to far more than they weigh (zip
bombs) — before parsing anything."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
# An XLSX expands a lot (XML compresses well), but not like a bomb.
MAX_EXPANSION_RATIO = 150
MAX_EXPANDED_BYTES = 1024 * 1024 * 1024


class FileRefused(ValueError):
    """The file as a whole cannot be read; nothing in it was looked at."""


@dataclass
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it — header = 1 —, cells)
    rows: Iterator[tuple[int, list[str]]]
    encoding: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    size = path.stat().st_size
    if size > max_bytes():
        raise FileRefused(_("The file is %(size)d MB; the limit is %(limit)d MB. Split it "
                            "into smaller files.") % {"size": size // (1024 * 1024),
                                                      "limit": max_bytes() // (1024 * 1024)})
    if size == 0:
        raise FileRefused(_("The file is empty."))
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(XLSX_MAGIC):
        return _read_xlsx(path, sheet)
    if b"\x00" in head:
        raise FileRefused(_("This is not a CSV or XLSX file. Save the spreadsheet as "
                            "XLSX or CSV and try again."))
    return _read_csv(path)


def _decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Thai Excel on Windows still saves CSV as TIS-620 (code page 874).
        return raw.decode("cp874"), "cp874"
    except UnicodeDecodeError as exc:
        raise FileRefused(_("The file's text encoding is not UTF-8 or TIS-620 (cp874). "
                            "Save it as 'CSV UTF-8'.")) from exc


def _clean_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split())


def _read_csv(path: Path) -> Table:
    text, encoding = _decode(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [_clean_header(c) for c in next(reader)]
    except StopIteration as exc:
        raise FileRefused(_("The file is empty.")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                yield number, cells

    return Table(headers, rows(), encoding=encoding)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("The XLSX file is damaged and cannot be opened.")) from exc
    packed = max(1, sum(i.compress_size for i in infos))
    expanded = sum(i.file_size for i in infos)
    if expanded > MAX_EXPANDED_BYTES or expanded / packed > MAX_EXPANSION_RATIO:
        raise FileRefused(_("The XLSX file would expand to %(mb)d MB: it is refused as "
                            "unsafe (a 'zip bomb').") % {"mb": expanded // (1024 * 1024)})
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise FileRefused(_("This zip file is not an XLSX spreadsheet."))


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    _check_zip(path)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for bad files
        raise FileRefused(_("The XLSX file cannot be read: %(error)s") % {
            "error": str(exc)[:200]}) from exc
    names = list(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        raise FileRefused(_("There is no sheet named “%(sheet)s”; the sheets are: "
                            "%(names)s.") % {"sheet": sheet, "names": ", ".join(names)})
    chosen = sheet or next(
        (n for n in names if workbook.get_sheet_by_name(n).to_python(nrows=1)), names[0])
    data = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    if not data:
        raise FileRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": chosen})
    headers = [_clean_header(_cell(c)) for c in data[0]]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(data[1:], start=2):
            values = [_cell(c) for c in cells]
            if any(v.strip() for v in values):
                yield number, values

    return Table(headers, rows(), encoding="xlsx", sheet=chosen, sheets=names)


def _cell(value: object) -> str:
    """Cells as the user sees them: 1.0 → "1", dates → ISO, empty → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
