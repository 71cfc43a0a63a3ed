"""A community welfare fund's member list in (CSV or XLSX, Thai or English
headers, the same columns as the member list's export, so an export comes
back in). Two steps like every import: ``members_check`` reads and changes
nothing; ``members_write`` adds the members through the welfare services in
one transaction. Unknown columns, or any row in error, refuse the whole file
with every problem named by row and column: nothing is half-imported.

A citizen ID held by exactly one person of the user's areas links the member
to that person (``registry``); otherwise the name is kept on the member row
(decision 0027). A member number already in the fund is left as it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core.citizen_id import CitizenIdError, normalise_citizen_id
from lnob.core.models import User
from lnob.core.thaidates import ThaiDateError, parse_date, to_arabic_digits
from lnob.imports.persons import header_key, match_columns
from lnob.imports.reading import read_table
from lnob.networks.models import Fund
from lnob.welfare.access import persons_for_welfare
from lnob.welfare.funds.services import MemberRow, members_import

COLUMNS: dict[str, tuple[str, ...]] = {
    "member_number": ("เลขที่สมาชิก", "เลขสมาชิก", "รหัสสมาชิก", "member_number",
                      "member number"),
    "title": ("คำนำหน้า", "คำนำหน้าชื่อ", "title"),
    "first_name": ("ชื่อ", "first_name", "first name"),
    "last_name": ("นามสกุล", "สกุล", "last_name", "surname"),
    "citizen_id": ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "citizen_id", "citizen id"),
    "birth_date": ("วันเกิด", "วันเดือนปีเกิด", "birth_date"),
    "joined_on": ("วันที่เข้าเป็นสมาชิก", "วันที่สมัคร", "วันที่เข้า", "joined_on"),
    "left_on": ("วันที่ออก", "left_on"),
    "person_id": ("รหัสบุคคลในทะเบียน", "person_id"),
}
IGNORED = ("ลำดับ", "ลำดับที่", "no", "no.", "หมายเหตุ", "note", "ที่อยู่", "address",
           "อายุ", "age", "โทรศัพท์", "phone")
HEADER_TO_FIELD = {header_key(h): f for f, names in COLUMNS.items() for h in names}
IGNORED_KEYS = {header_key(h) for h in IGNORED}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class MembersCheck:
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    linked: int = 0  # rows linked to a person of the registry

    @property
    def ok(self) -> bool:
        return not self.errors


def _columns(headers: list[str], check: MembersCheck) -> dict[str, int]:
    columns, unknown = match_columns(headers, HEADER_TO_FIELD, IGNORED_KEYS)
    if unknown:
        check.errors.append(RowError(1, ", ".join(unknown), _(
            "Unknown columns: %(names)s. Use the member list's columns (เลขที่สมาชิก, "
            "คำนำหน้า, ชื่อ, นามสกุล, เลขประจำตัวประชาชน, วันเกิด, วันที่เข้าเป็นสมาชิก) "
            "or remove them.") % {"names": ", ".join(unknown)}))
    if "first_name" not in columns and "citizen_id" not in columns \
            and "person_id" not in columns:
        check.errors.append(RowError(1, "first_name", _(
            "There is no first-name column (ชื่อ) nor a citizen ID column: no member could "
            "be named.")))
    return columns


def _date(text: str, column: str, number: int, check: MembersCheck) -> datetime.date | None:
    if not text:
        return None
    try:
        value = parse_date(text).value
    except ThaiDateError as err:
        check.errors.append(RowError(number, column, str(err)))
        return None
    if value > timezone.localdate():
        check.errors.append(RowError(number, column, _(
            "The date is in the future. Was a Buddhist Era year taken for CE?")))
    return value


def members_check(path: Path, *, user: Any) -> MembersCheck:
    """Reads the file and links rows to persons; changes nothing."""
    check = MembersCheck()
    table = read_table(path)
    columns = _columns(table.headers, check)
    if check.errors:
        return check
    numbers: dict[str, int] = {}
    ids: dict[str, list[MemberRow]] = {}
    for number, cells in table.rows:
        v = {f: cells[i].strip() if i < len(cells) else "" for f, i in columns.items()}
        if not any(v.values()):
            continue
        before = len(check.errors)
        citizen_id = ""
        if v.get("citizen_id"):
            try:
                citizen_id = normalise_citizen_id(v["citizen_id"])
            except CitizenIdError as err:
                if err.code != "check_digit":
                    check.errors.append(RowError(number, "citizen_id", str(err)))
                else:  # imperfect but identifying: kept as written
                    citizen_id = "".join(ch for ch in to_arabic_digits(v["citizen_id"])
                                         if ch.isdigit())
        person_id = None
        if v.get("person_id"):
            text = to_arabic_digits(v["person_id"])
            if not text.isdigit():
                check.errors.append(RowError(number, "person_id", _(
                    "A person number is a whole number.")))
            else:
                person_id = int(text)
        if not v.get("first_name") and not citizen_id and person_id is None:
            check.errors.append(RowError(number, "first_name", _(
                "Give at least the member's first name.")))
        member_number = v.get("member_number", "")
        if len(member_number) > 30:
            check.errors.append(RowError(number, "member_number", _(
                "A member number has at most 30 characters.")))
        elif member_number and member_number in numbers:
            check.errors.append(RowError(number, "member_number", _(
                "Member number %(value)s is also on row %(row)s.") % {
                "value": member_number, "row": numbers[member_number]}))
        elif member_number:
            numbers[member_number] = number
        for name, limit in (("title", 40), ("first_name", 100), ("last_name", 100)):
            if len(v.get(name, "")) > limit:
                check.errors.append(RowError(number, name, _(
                    "At most %(max)d characters.") % {"max": limit}))
        birth = _date(v.get("birth_date", ""), "birth_date", number, check)
        joined = _date(v.get("joined_on", ""), "joined_on", number, check)
        left = _date(v.get("left_on", ""), "left_on", number, check)
        if joined and left and left < joined:
            check.errors.append(RowError(number, "left_on", _(
                "The member cannot leave before joining.")))
        if len(check.errors) > before:
            continue
        row = MemberRow(row=number, person_id=person_id, title=v.get("title", ""),
                        first_name=v.get("first_name", ""), last_name=v.get("last_name", ""),
                        citizen_id=citizen_id, birth_date=birth, member_number=member_number,
                        joined_on=joined, left_on=left)
        check.rows.append(row)
        if citizen_id and person_id is None:
            ids.setdefault(citizen_id, []).append(row)
    if ids:
        held: dict[str, list[int]] = {}
        for pk, cid in persons_for_welfare(user).filter(citizen_id__in=list(ids)) \
                .values_list("pk", "citizen_id"):
            held.setdefault(cid, []).append(pk)
        for cid, rows in ids.items():
            if len(held.get(cid, [])) == 1:
                for row in rows:
                    row.person_id = held[cid][0]
    check.linked = sum(1 for r in check.rows if r.person_id is not None)
    return check


def members_write(check: MembersCheck, *, actor: User, fund: Fund, file_name: str,
                  request: Any = None) -> int:
    if not check.ok:
        raise ValueError("a file with errors is never written")
    return members_import(actor=actor, fund=fund, rows=check.rows, file_name=file_name,
                          request=request)
