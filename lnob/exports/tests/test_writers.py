from __future__ import annotations

import io

from openpyxl import load_workbook

from lnob.exports import writers
from lnob.exports.columns import PERSON_COLUMNS, by_header, header


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_thai() -> None:
    data = b"".join(writers.csv_chunks(["ชื่อ"], [["สมชาย"]]))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "ชื่อ\r\nสมชาย\r\n"


def test_csv_comes_in_chunks_of_a_few_hundred_rows() -> None:
    rows = [[str(i)] for i in range(writers.CSV_ROWS_PER_CHUNK * 2 + 1)]
    chunks = list(writers.csv_chunks(["n"], iter(rows)))
    assert len(chunks) == 3
    assert b"".join(chunks).decode("utf-8-sig").splitlines()[-1] == str(len(rows) - 1)


def test_csv_never_lets_a_spreadsheet_run_a_cell_as_a_formula() -> None:
    data = b"".join(writers.csv_chunks(["a", "b", "c", "d"],
                                       [["=HYPERLINK(1)", "+66", "-", 7]]))
    assert data.decode("utf-8-sig").splitlines()[1] == "'=HYPERLINK(1),'+66,-,7"


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text() -> None:
    out = io.BytesIO()
    count = writers.write_xlsx(["ชื่อ", "n"], [["=1+1", 3], ["bad\x07char", None]], out,
                               title="persons")
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert count == 2
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["ชื่อ", "n"], ["=1+1", 3], ["badchar", None]]
    assert sheet["A2"].data_type == "s"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_every_column_can_be_found_by_its_english_or_its_thai_header() -> None:
    found = by_header(PERSON_COLUMNS)
    for column in PERSON_COLUMNS:
        assert found[column.en] is column and found[column.th] is column
    assert header(PERSON_COLUMNS, thai=True)[:2] == ["รหัสอ้างอิง", "เลขประจำตัวประชาชน"]
    assert header(PERSON_COLUMNS, thai=False)[:2] == ["external_ref", "citizen_id"]
