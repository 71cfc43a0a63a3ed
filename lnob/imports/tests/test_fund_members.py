"""A community welfare fund's member list in: Thai headers, a citizen ID of a
registered person links the member, a bad file is reported row by row and
writes nothing, the page keeps the access trio."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.models import Fund
from lnob.networks.services.funds import FundData, fund_create
from lnob.registry.services import ConsentData, person_create
from lnob.testing.persons import person_data
from lnob.welfare.funds.models import FundMember

pytestmark = pytest.mark.django_db
HEADERS = ["ลำดับ", "เลขที่สมาชิก", "คำนำหน้า", "ชื่อ", "นามสกุล", "เลขประจำตัวประชาชน",
           "วันเกิด", "วันที่เข้าเป็นสมาชิก"]
REGISTERED_ID = "1101700230708"


@pytest.fixture
def fund(officer: User) -> Fund:
    return fund_create(actor=officer, data=FundData(
        name="กองทุนสวัสดิการชุมชนตำบลทดสอบ", kind="community_welfare", area_code="840503"))


def xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADERS, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("สมาชิก.xlsx", out.getvalue())


def send(client: Client, user: User, fund: Fund, rows: list[list[str]],
         record: bool = True) -> object:
    client.force_login(user)
    data: dict[str, object] = {"file": xlsx(rows)}
    if record:
        data["record"] = "1"
    return client.post(f"/imports/fund-members/{fund.pk}/", data)


GOOD = [["1", "001", "นาง", "มาลี", "ดีงาม", "", "3/4/2500", "1/1/2560"],
        ["2", "002", "นาย", "ชื่อในรายการ", "", "1-1017-00230-70-8", "", "1/1/2561"]]


def test_a_member_list_comes_in(client: Client, officer: User, fund: Fund) -> None:
    person = person_create(actor=officer, data=person_data(citizen_id=REGISTERED_ID),
                           consent=ConsentData(status="given", lawful_basis="consent",
                                                       purposes=["welfare"]))
    response = send(client, officer, fund, GOOD)
    assert response.status_code == 200  # type: ignore[attr-defined]
    members = {m.member_number: m for m in FundMember.objects.filter(fund=fund)}
    assert members["001"].first_name == "มาลี" and members["001"].person is None
    assert members["001"].joined_on.year == 2017  # 2560 BE
    assert members["002"].person == person and members["002"].first_name == ""
    fund.refresh_from_db()
    assert fund.members == 2
    # the same file again adds nobody
    assert send(client, officer, fund, GOOD).status_code == 200  # type: ignore[attr-defined]
    assert FundMember.objects.filter(fund=fund).count() == 2


def test_a_bad_file_is_reported_row_by_row_and_writes_nothing(client: Client, officer: User,
                                                              fund: Fund) -> None:
    rows = [*GOOD, ["3", "003", "", "", "", "", "", ""],
            ["4", "001", "นาง", "ซ้ำ", "", "", "31/2/2500", ""]]
    response = send(client, officer, fund, rows)
    assert response.status_code == 400  # type: ignore[attr-defined]
    text = response.content.decode()  # type: ignore[attr-defined]
    assert "row 4 · first_name" in text or "แถว 4 · first_name" in text
    assert "member_number" in text and "birth_date" in text
    assert not FundMember.objects.exists()
    fund.refresh_from_db()
    assert fund.members == 0


def test_unknown_columns_refuse_the_file(client: Client, officer: User, fund: Fund) -> None:
    client.force_login(officer)
    body = "ชื่อ,เงินเดือน\nมาลี,100\n".encode()
    response = client.post(f"/imports/fund-members/{fund.pk}/",
                           {"file": SimpleUploadedFile("m.csv", body), "record": "1"})
    assert response.status_code == 400 and "เงินเดือน" in response.content.decode()
    assert not FundMember.objects.exists()


def test_the_import_page_trio(client: Client, officer: User, other_officer: User,
                              stranger: User, make_user: Callable[..., User],
                              fund: Fund) -> None:
    url = f"/imports/fund-members/{fund.pk}/"
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "840503")
    client.force_login(officer)
    assert client.get(url).status_code == 200
    client.force_login(other_officer)
    assert client.get(url).status_code == 404
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert send(client, coordinator, fund, GOOD).status_code == 403  # type: ignore[attr-defined]
    assert not FundMember.objects.exists()
