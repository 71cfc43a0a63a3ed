from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.models import AuditAction, AuditEvent, User
from lnob.core.roles import Role
from lnob.core.thaidates import be_year
from lnob.demo.writer import generate_province
from lnob.exports.columns import PERSON_COLUMNS, header
from lnob.geo.models import Subdistrict, Village
from lnob.registry.models import Person
from lnob.registry.taxonomy import Need, TargetGroup
from lnob.tests.exports.conftest import KRABI_ID, as_dicts, body, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

CSV, XLSX = "/persons/export.csv", "/persons/export.xlsx"


def test_the_csv_has_a_byte_order_mark_and_thai_headers_on_thai_pages(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    client.force_login(officer)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == header(PERSON_COLUMNS, thai=True)
    assert rows[0][:6] == ["รหัสอ้างอิง", "เลขประจำตัวประชาชน", "เหตุที่ไม่มีเลขประจำตัว",
                           "คำนำหน้า", "ชื่อ", "นามสกุล"]
    assert len(rows) == 2 and "สมชาย" in rows[1]


def test_headers_are_in_english_with_the_english_language_cookie(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    rows = csv_rows(client.get(CSV))
    assert rows[0] == [c.en for c in PERSON_COLUMNS]
    assert rows[0][-3:] == ["id", "severity", "created_at"]


def test_values_are_written_as_the_spreadsheet_import_reads_them(
        client: Client, officer: User, make_person: Callable[..., Person],
        need_health: Need, group_elderly: TargetGroup) -> None:
    Village.objects.create(code="84050303", subdistrict=Subdistrict.objects.get(code="840503"),
                           number=3, name_th="บ้านแม่หาด", search_key="x")
    education = Need.objects.get(code="education", province_code="")
    born = make_person(birth_date=datetime.date(1947, 11, 6), village_number=3,
                       house_number="12/3", needs={need_health.pk: 4, education.pk: 2},
                       target_group_ids=[group_elderly.pk], phone="0812345678",
                       external_ref="HL-7")
    make_person(first_name="มะลิ", sex="F", citizen_id="", no_citizen_id_reason="lost",
                birth_date=datetime.date(1950, 1, 1), birth_year_only=True)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    first, year_only = as_dicts(csv_rows(client.get(CSV)))
    assert first == {
        "external_ref": "HL-7", "citizen_id": "1-1017-00203-44-1", "no_citizen_id_reason": "",
        "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี", "sex": "M",
        "birth_date": "1947-11-06", "phone": "0812345678", "subdistrict_code": "840503",
        "village_number": "3", "house_number": "12/3", "address_text": "",
        "target_groups": "in_hardship", "needs": "health:4; education:2",
        "source": "network", "status": "reported", "id": str(born.pk), "severity": "4",
        "created_at": timezone.localtime(born.created_at).isoformat(timespec="seconds")}
    assert (year_only["birth_date"], year_only["citizen_id"],
            year_only["no_citizen_id_reason"]) == ("1950", "", "lost")


def test_the_xlsx_opens_with_openpyxl_and_has_the_same_rows_as_the_csv(
        client: Client, officer: User, make_person: Callable[..., Person],
        need_health: Need) -> None:
    make_person(needs={need_health.pk: 3}, house_number="=1+1")
    make_person(first_name="มะลิ", citizen_id="", no_citizen_id_reason="unknown")
    client.force_login(officer)
    response = client.get(XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from_xlsx = [["" if v is None else str(v) for v in row] for row in xlsx_rows(response)]
    from_csv = csv_rows(client.get(CSV))
    from_csv[1] = [v.removeprefix("'") for v in from_csv[1]]  # the CSV formula guard
    assert from_xlsx == from_csv
    assert len(from_xlsx) == 3 and "=1+1" in from_xlsx[1]


def test_the_filters_of_the_list_page_apply(
        client: Client, officer: User, make_person: Callable[..., Person],
        need_health: Need, group_elderly: TargetGroup) -> None:
    make_person(first_name="หนัก", needs={need_health.pk: 4},
                target_group_ids=[group_elderly.pk])
    make_person(first_name="เบา", citizen_id="", no_citizen_id_reason="unknown")
    make_person(first_name="ไกล", subdistrict_code="840101", citizen_id="")
    client.force_login(officer)
    client.cookies["django_language"] = "en"

    def names(**query: str) -> list[str]:
        return [r["first_name"] for r in as_dicts(csv_rows(client.get(CSV, query)))]

    assert names(severity="3", need=str(need_health.pk), group=str(group_elderly.pk)) == [
        "หนัก"]
    assert sorted(names(area="840503")) == ["หนัก", "เบา"]
    assert names(q="ไกล") == ["ไกล"]
    assert len(names()) == 3


def test_citizen_ids_are_masked_for_a_coordinator(
        client: Client, coordinator: User, make_person: Callable[..., Person]) -> None:
    make_person()
    client.force_login(coordinator)
    rows = as_dicts(csv_rows(client.get(CSV)))
    assert [r["เลขประจำตัวประชาชน"] for r in rows] == ["x-xxxx-xxxxx-44-1"]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["unmasked"] is False


def test_citizen_ids_are_unmasked_for_an_officer_of_the_province(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    client.force_login(officer)
    for rows in (as_dicts(csv_rows(client.get(CSV))), as_dicts(xlsx_rows(client.get(XLSX)))):
        assert [r["เลขประจำตัวประชาชน"] for r in rows] == ["1-1017-00203-44-1"]
    assert [e.detail["unmasked"] for e in AuditEvent.objects.filter(
        action=AuditAction.EXPORT)] == [True, True]


def test_ids_are_unmasked_only_where_the_role_that_may_read_them_is_held(
        client: Client, make_user: Callable[..., User],
        make_person: Callable[..., Person]) -> None:
    from lnob.core.services import role_grant

    user = make_user("both", Role.PROVINCIAL_OFFICER, "81")
    role_grant(actor=None, user=user, role=Role.NETWORK_COORDINATOR, area_code="8405")
    make_person()
    make_person(first_name="กระบี่", subdistrict_code="810101", citizen_id=KRABI_ID)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    ids = {r["first_name"]: r["citizen_id"] for r in as_dicts(csv_rows(client.get(CSV)))}
    assert ids == {"สมชาย": "x-xxxx-xxxxx-44-1", "กระบี่": "3-1006-00123-45-0"}


def test_persons_outside_the_users_areas_are_never_exported(
        client: Client, coordinator: User, make_person: Callable[..., Person]) -> None:
    make_person(first_name="ในเขต")
    make_person(first_name="นอกอำเภอ", subdistrict_code="840101", citizen_id="")
    make_person(first_name="กระบี่", subdistrict_code="810101", citizen_id=KRABI_ID)
    client.force_login(coordinator)
    for query in ({}, {"area": "84"}, {"area": "810101"}, {"q": "กระบี่"}):
        rows = as_dicts(csv_rows(client.get(CSV, query)))
        assert {r["ชื่อ"] for r in rows} <= {"ในเขต"}, query
        assert {r["ชื่อ"] for r in as_dicts(xlsx_rows(client.get(XLSX, query)))} <= {"ในเขต"}


def test_one_audit_row_is_written_per_export_with_the_count_and_the_filters(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    make_person(first_name="มะลิ", citizen_id="")
    client.force_login(officer)
    body(client.get(XLSX, {"area": "840503", "status": "reported"}))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_type, event.area_code) == (
        officer, "registry.person_list", "840503")
    assert event.detail["format"] == "xlsx" and event.detail["count"] == 2
    assert event.detail["filters"]["area"] == "840503"
    assert event.detail["filters"]["status"] == "reported"


def test_the_file_is_an_attachment_named_after_the_area_and_the_buddhist_era_date(
        client: Client, officer: User, coordinator: User) -> None:
    today = timezone.localdate()
    day = f"{be_year(today.year)}-{today:%m-%d}"
    client.force_login(officer)
    response = client.get(CSV)
    assert response["Content-Disposition"] == f'attachment; filename="lnob-persons-84-{day}.csv"'
    assert "no-store" in response["Cache-Control"]
    response = client.get(XLSX, {"area": "840503"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="lnob-persons-840503-{day}.xlsx"')
    client.force_login(coordinator)
    assert f"lnob-persons-8405-{day}.csv" in client.get(CSV, {"area": "81"})[
        "Content-Disposition"]


def test_anonymous_users_are_sent_to_sign_in(client: Client) -> None:
    for url in (CSV, XLSX):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_stranger_and_a_role_without_personal_data_are_refused(
        client: Client, stranger: User, committee_member: User,
        make_person: Callable[..., Person]) -> None:
    make_person()
    for user in (stranger, committee_member):
        client.force_login(user)
        assert client.get(CSV).status_code == 403
        assert client.get(XLSX).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_officer_of_another_province_gets_only_the_header(
        client: Client, other_officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    client.force_login(other_officer)
    assert len(csv_rows(client.get(CSV, {"area": "84"}))) == 1
    assert len(xlsx_rows(client.get(XLSX))) == 1
    assert AuditEvent.objects.get(action=AuditAction.EXPORT, detail__format="csv").detail[
        "count"] == 0


def test_the_list_page_links_to_both_exports_with_its_filters(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    page = client.get("/persons/", {"area": "840503", "status": "reported", "page": "1"})
    html = page.content.decode()
    assert 'href="/persons/export.csv?area=840503&amp;status=reported"' in html
    assert 'href="/persons/export.xlsx?area=840503&amp;status=reported"' in html


def test_an_export_of_2000_generated_persons_streams_with_a_bounded_number_of_queries(
        client: Client, officer: User, django_assert_max_num_queries: Callable) -> None:
    generate_province("84", 2000, seed=1, today=datetime.date(2026, 11, 6))
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        response = client.get(CSV)
        rows = csv_rows(response)
    assert response.streaming
    # Everyone except those who refused a consent-based sharing (PDPA), once.
    from lnob.registry.models import Person
    from lnob.registry.selectors import shareable

    expected = shareable(Person.objects.all()).count()
    assert 1500 < expected < 2000
    assert len(rows) == expected + 1
    assert len({r[-3] for r in rows[1:]}) == expected
    assert sum(1 for r in rows[1:] if r[14]) > 1000  # needs came along
    with django_assert_max_num_queries(12):
        assert len(xlsx_rows(client.get(XLSX))) == expected + 1


def test_a_streamed_export_audits_the_rows_actually_sent_and_marks_a_cut_one_incomplete(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    for i in range(3):
        make_person(first_name=f"ส่ง{i}", citizen_id="")
    client.force_login(officer)
    whole = client.get("/persons/export.csv")
    b"".join(whole.streaming_content)  # type: ignore[attr-defined]
    sent = AuditEvent.objects.get(action=AuditAction.EXPORT_SENT)
    started = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert sent.detail == {"of": started.pk, "rows_sent": 3, "complete": True}
    cut = client.get("/persons/export.csv")
    stream = iter(cut.streaming_content)  # type: ignore[attr-defined]
    next(stream)  # the client goes away after the first chunk: the server closes us
    from unittest import mock

    from django.db import connection

    # The end of the request must not close the test's transaction.
    with mock.patch.object(connection, "close_if_unusable_or_obsolete"):
        cut.close()
    last = AuditEvent.objects.filter(action=AuditAction.EXPORT_SENT).latest("id")
    assert last.detail["complete"] is False
