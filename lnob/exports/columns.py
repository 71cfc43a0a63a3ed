"""The columns of exported (and importable) lists, in English and in Thai.

The spreadsheet importer reads the same names, in either language, so that an
export can be changed and imported again (round trip). Change a name here only
together with the importer. Values are written as the importer reads them:
codes rather than labels, dates as ISO CE ``YYYY-MM-DD`` (or only the 4-digit
CE year when only the birth year is known), lists separated by ``"; "``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    th: str
    # Read-only columns (ids, computed values) are exported but never imported.
    importable: bool = True


LIST_SEPARATOR = "; "

PERSON_COLUMNS: tuple[Column, ...] = (
    Column("external_ref", "external_ref", "รหัสอ้างอิง"),
    Column("citizen_id", "citizen_id", "เลขประจำตัวประชาชน"),
    Column("no_citizen_id_reason", "no_citizen_id_reason", "เหตุที่ไม่มีเลขประจำตัว"),
    Column("title", "title", "คำนำหน้า"),
    Column("first_name", "first_name", "ชื่อ"),
    Column("last_name", "last_name", "นามสกุล"),
    Column("sex", "sex", "เพศ"),  # M / F / X
    Column("birth_date", "birth_date", "วันเกิด"),  # ISO CE, or the CE year alone
    Column("phone", "phone", "โทรศัพท์"),
    Column("subdistrict_code", "subdistrict_code", "รหัสตำบล"),
    Column("village_number", "village_number", "หมู่ที่"),
    Column("house_number", "house_number", "บ้านเลขที่"),
    Column("address_text", "address_text", "ที่อยู่เพิ่มเติม"),
    Column("target_groups", "target_groups", "กลุ่มเป้าหมาย"),  # codes, "; "
    Column("needs", "needs", "ความต้องการ"),  # need_code:severity, "; "
    Column("source", "source", "แหล่งที่มา"),
    Column("status", "status", "สถานะ"),
    # Read-only. "id" and "created_at" have no Thai name: they read the same
    # in both languages, which is also what the importer expects.
    Column("id", "id", "id", importable=False),
    Column("severity", "severity", "ระดับความรุนแรง", importable=False),
    Column("created_at", "created_at", "created_at", importable=False),
)

NETWORK_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", importable=False),
    Column("name", "name", "ชื่อเครือข่าย"),
    Column("partner_type", "partner_type", "ประเภทภาคี"),
    Column("province_code", "province_code", "รหัสจังหวัด"),
    Column("is_lead", "is_lead", "แม่ข่าย"),  # yes / no
    Column("lead_network_id", "lead_network_id", "รหัสแม่ข่าย"),
    Column("lead_network_name", "lead_network_name", "ชื่อแม่ข่าย", importable=False),
    Column("leader_name", "leader_name", "ผู้นำ"),
    Column("contact_phone", "contact_phone", "โทรศัพท์"),
    Column("contact_email", "contact_email", "อีเมล"),
    Column("subdistrict_codes", "subdistrict_codes", "รหัสตำบลที่ดูแล"),  # "; "
    Column("village_codes", "village_codes", "รหัสหมู่บ้านที่ดูแล"),  # "; "
    Column("capacity", "capacity", "จำนวนคนที่ดูแลได้"),
    Column("needs", "needs", "ความต้องการที่ช่วยได้"),  # need codes, "; "
    Column("active", "active", "ใช้งานอยู่"),  # yes / no
    Column("created_at", "created_at", "created_at", importable=False),
)

VOLUNTEER_COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "id", importable=False),
    Column("first_name", "first_name", "ชื่อ"),
    Column("last_name", "last_name", "นามสกุล"),
    Column("phone", "phone", "โทรศัพท์"),
    Column("is_msdhs", "is_msdhs", "อพม."),  # yes / no
    Column("network_id", "network_id", "รหัสเครือข่าย"),
    Column("network_name", "network_name", "ชื่อเครือข่าย", importable=False),
    Column("province_code", "province_code", "รหัสจังหวัด"),
    Column("subdistrict_codes", "subdistrict_codes", "รหัสตำบลที่ดูแล"),  # "; "
    Column("needs", "needs", "ความต้องการที่ช่วยได้"),  # need codes, "; "
    Column("capacity", "capacity", "จำนวนคนที่ติดตามได้"),
    Column("active", "active", "ใช้งานอยู่"),  # yes / no
    Column("created_at", "created_at", "created_at", importable=False),
)


def header(columns: Sequence[Column], *, thai: bool) -> list[str]:
    return [c.th if thai else c.en for c in columns]


def by_header(columns: Sequence[Column]) -> dict[str, Column]:
    """Either language's header → its column, for a reader of these files."""
    found: dict[str, Column] = {}
    for column in columns:
        found[column.en] = column
        found[column.th] = column
    return found
