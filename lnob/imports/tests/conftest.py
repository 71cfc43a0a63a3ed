from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

THAI_HEADERS = ["รหัสอ้างอิง", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "วันเกิด",
                "รหัสตำบล", "หมู่ที่", "กลุ่มเป้าหมาย", "ความต้องการ"]


# Distinct first names for files of several people (the duplicate engine is right to
# take "คน1" and "คน2" of one surname, birth date and subdistrict for one person).
NAMES = ("สมชาย", "ประยูร", "มาลี", "สุดา", "วิชัย", "จันทร์เพ็ญ", "ทองดี", "อำนวย",
         "ละเอียด", "สมหวัง", "พรทิพย์", "เกษม", "นิตยา", "ศักดิ์ชัย")


def good_row(ref: str = "R1", cid: str = "1-1017-00203-44-1", first: str = "บุญมี",
             birth: str = "6/11/2490", **extra: str) -> list[str]:
    row = {"ref": ref, "cid": cid, "title": "นาง", "first": first, "last": "ศรีสุข",
           "birth": birth, "sd": "840503", "moo": "", "groups": "in_hardship",
           "needs": "health:3"}
    row.update(extra)
    return list(row.values())


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: Sequence[Sequence[str]], headers: Sequence[str] = THAI_HEADERS,
              encoding: str = "utf-8-sig", name: str = "list.csv") -> Path:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
        path = tmp_path / name
        path.write_bytes(out.getvalue().encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def write(sheets: dict[str, list[list[object]]], name: str = "list.xlsx") -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    return write
