"""Checking files as provinces really have them: every kind of bad row is
reported with its row, column and reason; nothing is "fixed"."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lnob.core.models import User
from lnob.geo.models import Subdistrict, Village
from lnob.imports.reading import FileRefused
from lnob.imports.services import check_file
from lnob.imports.tests.conftest import THAI_HEADERS, good_row
from lnob.registry.models import Person
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


def errors_of(path: Path) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in check_file(path, "84").errors]


def test_thai_headers_be_dates_thai_digits_and_dashed_ids_are_read(
        write_csv: Callable[..., Path]) -> None:
    path = write_csv([good_row(cid="๑-๑๐๑๗-๐๐๒๐๓-๔๔-๑", birth="๖ พ.ย. ๒๔๙๐",
                               first="  บุญมี  ")])
    checked = check_file(path, "84")
    assert checked.errors == []
    fields = checked.valid[0].fields
    assert fields["citizen_id"] == "1101700203441"
    assert fields["birth_date"] == datetime.date(1947, 11, 6)
    assert fields["first_name"] == "บุญมี"
    assert fields["sex"] == "F"  # from the title นาง
    assert fields["severity"] == 3


def test_english_headers_ce_dates_and_a_leading_zero_id(write_csv: Callable[..., Path]) -> None:
    headers = ["external_ref", "citizen_id", "title", "first_name", "last_name", "birth_date",
               "subdistrict_code", "village_number", "target_groups", "needs"]
    path = write_csv([good_row(cid="0000000000001", birth="1947-11-06")], headers=headers)
    checked = check_file(path, "84")
    assert checked.errors == []
    assert checked.valid[0].fields["citizen_id"] == "0000000000001"


def test_areas_by_thai_names_with_short_forms(write_csv: Callable[..., Path]) -> None:
    headers = ["ชื่อ", "ตำบล", "อำเภอ", "จังหวัด"]
    path = write_csv([["สมชาย", "ต.เกาะเต่า", "อ.เกาะพะงัน", "จ.สุราษฎร์ธานี"],
                      ["สมหญิง", "ตลาด", "อ.เมือง", "สุราษฎร์ธานี"],
                      ["สมศรี", "คลองน้อย", "", ""]], headers=headers)
    checked = check_file(path, "84")
    assert [p.fields["subdistrict_id"] for p in checked.valid] == ["840503", "840101"]
    assert [(e.row, e.column) for e in checked.errors] == [(4, "subdistrict")]
    assert "840107" in checked.errors[0].message and "841803" in checked.errors[0].message


@pytest.mark.parametrize(("cells", "column"), [
    ({"cid": "1-1017-00203-44-2"}, "citizen_id"),
    ({"cid": "12345"}, "citizen_id"),
    ({"birth": "31/2/2549"}, "birth_date"),
    ({"birth": "6/11/49"}, "birth_date"),
    ({"birth": "6/11/2590"}, "birth_date"),  # in the future: a BE/CE mix-up
    ({"sd": "999999"}, "subdistrict_code"),
    ({"sd": "810101"}, "subdistrict_code"),  # another province
    ({"moo": "7"}, "village_number"),  # not recorded
    ({"groups": "aliens"}, "target_groups"),
    ({"needs": "health"}, "needs"),
    ({"needs": "health:5"}, "needs"),
    ({"first": ""}, "first_name"),
])
def test_each_kind_of_bad_row_is_reported_with_row_and_column(
        write_csv: Callable[..., Path], cells: dict[str, str], column: str) -> None:
    row = good_row(**{k: v for k, v in cells.items() if k in ("cid", "first", "birth")})
    keys = ["ref", "cid", "title", "first", "last", "birth", "sd", "moo", "groups", "needs"]
    for key, value in cells.items():
        row[keys.index(key)] = value
    path = write_csv([good_row(ref="ok", cid=""), row])
    assert errors_of(path) == [(3, column)]


def test_a_village_that_is_recorded_is_accepted(write_csv: Callable[..., Path]) -> None:
    Village.objects.create(code="84050307", subdistrict=Subdistrict.objects.get(code="840503"),
                           number=7, name_th="บ้าน", search_key="x")
    assert errors_of(write_csv([good_row(moo="๗")])) == []


def test_duplicate_ids_in_one_file_and_ids_registered_elsewhere_are_reported(
        write_csv: Callable[..., Path], other_officer: User) -> None:
    person_create(actor=other_officer, data=person_data(
        subdistrict_code="810101", citizen_id="0000000000001"))
    path = write_csv([good_row(ref="a"), good_row(ref="b"),
                      good_row(ref="c", cid="0-0000-00000-00-1")])
    checked = check_file(path, "84")
    assert [(e.row, e.column) for e in checked.errors] == [(3, "citizen_id"),
                                                           (4, "citizen_id")]
    assert "2" in checked.errors[0].message  # points at the first row with that ID
    assert "81" in checked.errors[1].message  # the province, no one's name


def test_an_unknown_column_is_reported_but_does_not_stop_the_rows(
        write_csv: Callable[..., Path]) -> None:
    path = write_csv([[*good_row(), "x"]], headers=[*THAI_HEADERS, "สีที่ชอบ"])
    checked = check_file(path, "84")
    assert len(checked.valid) == 1
    assert "สีที่ชอบ" in checked.warnings[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
def test_each_encoding_reads_the_same_thai(write_csv: Callable[..., Path],
                                           encoding: str) -> None:
    checked = check_file(write_csv([good_row()], encoding=encoding), "84")
    assert checked.valid[0].fields["first_name"] == "บุญมี"


def test_xlsx_reads_the_first_sheet_with_data_or_the_one_named(
        write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx({"คำอธิบาย": [], "รายชื่อ": [THAI_HEADERS, good_row()],
                       "อื่น": [THAI_HEADERS, good_row(ref="x", first="สมพร", cid="")]})
    assert [p.fields["first_name"] for p in check_file(path, "84").valid] == ["บุญมี"]
    named = check_file(path, "84", sheet="อื่น")
    assert [p.fields["first_name"] for p in named.valid] == ["สมพร"]
    with pytest.raises(FileRefused):
        check_file(path, "84", sheet="ไม่มี")


def test_xlsx_numbers_and_dates_are_read_as_people_see_them(
        write_xlsx: Callable[..., Path]) -> None:
    row: list[object] = list(good_row())
    row[1] = 1101700203441  # an ID typed into a number cell
    row[5] = datetime.datetime(1947, 11, 6, tzinfo=datetime.UTC).replace(tzinfo=None)
    checked = check_file(write_xlsx({"s": [THAI_HEADERS, row]}), "84")
    assert checked.errors == []
    assert checked.valid[0].fields["birth_date"] == datetime.date(1947, 11, 6)


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(FileRefused):
        check_file(path, "84")


def test_a_zip_bomb_disguised_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (50 * 1024 * 1024))
    with pytest.raises(FileRefused) as refused:
        check_file(path, "84")
    assert "zip" in str(refused.value).lower()


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, settings: object) -> None:
    settings.IMPORT_MAX_BYTES = 1000  # type: ignore[attr-defined]
    path = tmp_path / "big.csv"
    path.write_text("ชื่อ\n" + "สมชาย\n" * 500, encoding="utf-8")
    with pytest.raises(FileRefused):
        check_file(path, "84")
    assert not Person.objects.exists()
