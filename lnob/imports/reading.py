"""Reading the spreadsheets people really have: CSV in UTF-8 (with or without
BOM) or TIS-620/cp874, and XLSX. Refuses what is not a spreadsheet, what is
too large, and XLSX files that would expand to far more than they weigh (zip
bombs) — before parsing anything."""

from __future__ import annotations

import codecs
import csv
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


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or cp874, checked over the whole file a
    megabyte at a time: the text is decoded again while it is read, never
    held whole."""
    with path.open("rb") as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    # Thai Excel on Windows still saves CSV as TIS-620 (code page 874).
    for encoding in ("utf-8-sig",) if bom else ("utf-8", "cp874"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRefused(_("The file's text encoding is not UTF-8 or TIS-620 (cp874). "
                        "Save it as 'CSV UTF-8'."))


def _clean_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split())


def _read_csv(path: Path) -> Table:
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as f:
        try:
            delimiter = csv.Sniffer().sniff(f.read(4096), delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        f.seek(0)
        try:
            headers = [_clean_header(c) for c in next(csv.reader(f, delimiter=delimiter))]
        except StopIteration as exc:
            raise FileRefused(_("The file is empty.")) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        # Parsed as it is read: a 50 MB file is never held in memory as text.
        with path.open(encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            next(reader, None)  # the header
            for number, cells in enumerate(reader, start=2):
                if "".join(cells).strip():
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
    # Rows are read one at a time from calamine's compact (Rust) copy of the
    # sheet, never the whole sheet as Python lists: a 4.6 MB XLSX once took the
    # worker from 0.75 to 1.5 GB that way.
    data = workbook.get_sheet_by_name(chosen).iter_rows()
    first = next(data, None)
    if first is None:
        raise FileRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": chosen})
    headers = [_clean_header(_cell(c)) for c in first]

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(data, start=2):
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
