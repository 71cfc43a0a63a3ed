"""Networks and volunteers from spreadsheets: Thai and English headers, each bad
row with its row and column, all or nothing, re-import updates, who may import,
the CLI. (The export imported back: lnob/tests/exports/test_capacity_roundtrip.py.)"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict, Village
from lnob.imports import capacity, services
from lnob.imports.models import ImportJob, ImportStatus
from lnob.networks.models import Network, PartnerType, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Some assertions below read the English wording of a message.
    with translation.override("en"):
        yield

NETWORK_TH = ["ชื่อเครือข่าย", "ประเภทภาคี", "แม่ข่าย", "รหัสแม่ข่าย", "ผู้นำ", "โทรศัพท์",
              "อีเมล", "รหัสตำบลที่ดูแล", "รหัสหมู่บ้านที่ดูแล", "จำนวนคนที่ดูแลได้",
              "ความต้องการที่ช่วยได้", "ใช้งานอยู่"]
NETWORK_EN = ["id", "name", "partner_type", "province_code", "is_lead", "lead_network_id",
              "leader_name", "contact_phone", "contact_email", "subdistrict_codes",
              "village_codes", "capacity", "needs", "active"]
VOLUNTEER_EN = ["id", "first_name", "last_name", "phone", "is_msdhs", "network_id",
                "province_code", "subdistrict_codes", "needs", "capacity", "active"]
VOLUNTEER_TH = ["ชื่อ", "นามสกุล", "โทรศัพท์", "อพม.", "รหัสเครือข่าย", "รหัสตำบลที่ดูแล",
                "ความต้องการที่ช่วยได้", "จำนวนคนที่ติดตามได้"]


def network_row(name: str = "เครือข่ายเกาะเต่า", **extra: str) -> list[str]:
    """A valid row under NETWORK_EN; keyword arguments change one cell."""
    row = {"id": "", "name": name, "partner_type": "community", "province_code": "84",
           "is_lead": "no", "lead_network_id": "", "leader_name": "นายสมชาย ใจดี",
           "contact_phone": "081-234-5678", "contact_email": "kotao@example.org",
           "subdistrict_codes": "840503", "village_codes": "", "capacity": "40",
           "needs": "health; daily_care", "active": "yes"}
    row.update(extra)
    return [row[h] for h in NETWORK_EN]


def volunteer_row(first: str = "สมหญิง", **extra: str) -> list[str]:
    row = {"id": "", "first_name": first, "last_name": "รักดี", "phone": "081 234 5678",
           "is_msdhs": "ใช่", "network_id": "", "province_code": "84",
           "subdistrict_codes": "840503", "needs": "health", "capacity": "", "active": ""}
    row.update(extra)
    return [row[h] for h in VOLUNTEER_EN]


def check(path: Path, kind: str, province: str = "84") -> services.Checked[Any]:
    return services.check_file(path, province, kind=kind)


def test_networks_with_thai_headers_and_a_lead_network_named_in_the_same_file_are_imported(
        officer: User, write_csv: Callable[..., Path]) -> None:
    Village.objects.create(code="84050301", subdistrict_id="840503", number=1, name_th="บ้านแม่หาด")
    path = write_csv([
        ["เครือข่ายพะงัน", "Community organisation", "ใช่", "", "", "", "", "840501", "", "100",
         "health", "ใช่"],
        ["เครือข่ายเกาะเต่า", "school", "ไม่ใช่", "เครือข่ายพะงัน", "นางสมศรี", "๐๘๑-๒๓๔-๕๖๗๘",
         "", "840503", "84050301", "๔๐", "ความต้องการที่ไม่มี; health", "1"],
    ], headers=NETWORK_TH)
    checked = check(path, "networks")
    assert [(e.row, e.column) for e in checked.errors] == [(3, "needs")]
    path = write_csv([
        ["เครือข่ายพะงัน", "Community organisation", "ใช่", "", "", "", "", "840501", "", "100",
         "health", "ใช่"],
        ["เครือข่ายเกาะเต่า", "school", "ไม่ใช่", "เครือข่ายพะงัน", "นางสมศรี", "๐๘๑-๒๓๔-๕๖๗๘",
         "", "840503", "84050301", "๔๐", "health; daily_care", "1"],
    ], headers=NETWORK_TH)
    call_command("import", "networks", str(path), province="84", as_user="officer84",
                 stdout=io.StringIO(), stderr=io.StringIO())
    lead = Network.objects.get(name="เครือข่ายพะงัน")
    member = Network.objects.get(name="เครือข่ายเกาะเต่า")
    assert (lead.is_lead, lead.partner_type, lead.province_code) == (True, "community", "84")
    assert (member.lead_network, member.partner_type, member.capacity) == (lead, "school", 40)
    assert member.contact_phone == "0812345678"
    assert [v.code for v in member.villages.all()] == ["84050301"]
    assert sorted(member.needs.values_list("code", flat=True)) == ["daily_care", "health"]
    assert AuditEvent.objects.filter(object_type="imports.file",
                                     detail__kind="networks", detail__created=2).exists()


def test_volunteers_with_english_headers_find_their_network_by_name_or_id(
        officer: User, write_csv: Callable[..., Path]) -> None:
    network = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type="community",
                                     province_code="84")
    path = write_csv([volunteer_row(network_id="  เครือข่ายเกาะเต่า "),
                      volunteer_row("สมพร", network_id=str(network.pk), is_msdhs="no",
                                    capacity="3", active="no")],
                     headers=VOLUNTEER_EN)
    checked = check(path, "volunteers")
    assert checked.errors == [] and len(checked.valid) == 2
    call_command("import", "volunteers", str(path), province="84", as_user="officer84",
                 stdout=io.StringIO(), stderr=io.StringIO())
    first, second = Volunteer.objects.order_by("pk")
    assert (first.network, first.is_msdhs, first.capacity, first.active) == (
        network, True, 5, True)  # capacity defaults to 5
    assert (second.network, second.is_msdhs, second.capacity, second.active) == (
        network, False, 3, False)
    assert first.phone == "0812345678" and first.province_code == "84"
    assert [s.code for s in first.subdistricts.all()] == ["840503"]


def test_partner_types_are_read_as_codes_or_as_the_pages_name_them_in_thai_or_english(
        write_csv: Callable[..., Path]) -> None:
    from django.utils import translation

    with translation.override("th"):
        thai = str(PartnerType.SCHOOL.label)
    rows = [network_row("ก", partner_type="school"), network_row("ข", partner_type="School"),
            network_row("ค", partner_type=thai)]
    checked = check(write_csv(rows, headers=NETWORK_EN), "networks")
    assert checked.errors == []
    assert {r.fields["partner_type"] for r in checked.valid} == {"school"}


def test_volunteers_with_thai_headers_are_read(officer: User,
                                               write_csv: Callable[..., Path]) -> None:
    path = write_csv([["สมหญิง", "รักดี", "0812345678", "ไม่ใช่", "", "840503", "health", "7"]],
                     headers=VOLUNTEER_TH)
    checked = check(path, "volunteers")
    assert checked.errors == [] and checked.warnings == []
    assert checked.valid[0].fields["capacity"] == 7


@pytest.mark.parametrize(("cells", "column"), [
    ({"name": ""}, "name"),
    ({"partner_type": "สมาคมลับ"}, "partner_type"),
    ({"partner_type": ""}, "partner_type"),
    ({"province_code": "81"}, "province_code"),
    ({"is_lead": "maybe"}, "is_lead"),
    ({"active": "ok"}, "active"),
    ({"contact_phone": "12"}, "contact_phone"),
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"capacity": "-1"}, "capacity"),
    ({"capacity": "many"}, "capacity"),
    ({"capacity": "2.5"}, "capacity"),
    ({"subdistrict_codes": "810101"}, "subdistrict_codes"),  # Krabi
    ({"subdistrict_codes": "999999"}, "subdistrict_codes"),
    ({"village_codes": "84050399"}, "village_codes"),  # not recorded
    ({"needs": "flying"}, "needs"),
    ({"lead_network_id": "no such lead"}, "lead_network_id"),
    ({"lead_network_id": "99999"}, "lead_network_id"),
    ({"id": "abc"}, "id"),
])
def test_each_kind_of_bad_network_row_is_reported_with_row_and_column(
        write_csv: Callable[..., Path], cells: dict[str, str], column: str) -> None:
    path = write_csv([network_row("ดี"), network_row(**{"name": "ผิด", **cells})],
                     headers=NETWORK_EN)
    checked = check(path, "networks")
    assert [(e.row, e.column) for e in checked.errors] == [(3, column)]
    assert checked.errors[0].message
    assert [r.row for r in checked.valid] == [2]


def test_lead_network_rules_across_rows_are_reported(write_csv: Callable[..., Path]) -> None:
    krabi = Network.objects.create(name="กระบี่", partner_type="community", province_code="81",
                                   is_lead=True)
    path = write_csv([
        network_row("แม่ข่าย", is_lead="yes"),
        network_row("ไม่ใช่แม่ข่าย"),
        network_row("ขึ้นกับคนที่ไม่ใช่แม่ข่าย", lead_network_id="ไม่ใช่แม่ข่าย"),
        network_row("แม่ข่ายที่มีแม่ข่าย", is_lead="yes", lead_network_id="แม่ข่าย"),
        network_row("ข้ามจังหวัด", lead_network_id=str(krabi.pk)),
        network_row("แม่ข่าย"),  # the same name again
        network_row("ถูกต้อง", lead_network_id="แม่ข่าย"),
    ], headers=NETWORK_EN)
    checked = check(path, "networks")
    assert [(e.row, e.column) for e in checked.errors] == [
        (4, "lead_network_id"), (5, "lead_network_id"), (6, "lead_network_id"), (7, "name")]
    assert "row 2" in checked.errors[-1].message
    assert sorted(r.row for r in checked.valid) == [2, 3, 8]


def test_a_new_network_named_like_a_recorded_one_is_reported_not_duplicated(
        write_csv: Callable[..., Path]) -> None:
    recorded = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type="community",
                                      province_code="84")
    checked = check(write_csv([network_row("เครือข่าย เกาะเต่า".replace(" ", ""))],
                              headers=NETWORK_EN), "networks")
    assert [(e.row, e.column) for e in checked.errors] == [(2, "name")]
    assert str(recorded.pk) in checked.errors[0].message


@pytest.mark.parametrize(("cells", "column"), [
    ({"first_name": ""}, "first_name"),
    ({"is_msdhs": "sometimes"}, "is_msdhs"),
    ({"capacity": "101"}, "capacity"),
    ({"capacity": "-3"}, "capacity"),
    ({"phone": "abc"}, "phone"),
    ({"network_id": "ไม่มีเครือข่ายนี้"}, "network_id"),
    ({"network_id": "99999"}, "network_id"),
    ({"subdistrict_codes": "810101"}, "subdistrict_codes"),
    ({"needs": "flying"}, "needs"),
    ({"province_code": "81"}, "province_code"),
])
def test_each_kind_of_bad_volunteer_row_is_reported_with_row_and_column(
        write_csv: Callable[..., Path], cells: dict[str, str], column: str) -> None:
    path = write_csv([volunteer_row(), volunteer_row("ผิด", **cells)], headers=VOLUNTEER_EN)
    checked = check(path, "volunteers")
    assert [(e.row, e.column) for e in checked.errors] == [(3, column)]
    assert [r.row for r in checked.valid] == [2]


def test_a_volunteers_network_in_another_province_or_with_a_shared_name_is_reported(
        write_csv: Callable[..., Path]) -> None:
    krabi = Network.objects.create(name="กระบี่", partner_type="community", province_code="81")
    for _ in range(2):
        Network.objects.create(name="ชื่อซ้ำ", partner_type="community", province_code="84")
    path = write_csv([volunteer_row(network_id=str(krabi.pk)),
                      volunteer_row(network_id="ชื่อซ้ำ")], headers=VOLUNTEER_EN)
    checked = check(path, "volunteers")
    assert [(e.row, e.column) for e in checked.errors] == [(2, "network_id"),
                                                            (3, "network_id")]
    assert "another province" in checked.errors[0].message
    assert "More than one" in checked.errors[1].message


def test_unknown_columns_are_warnings_and_the_rows_are_still_read(
        write_csv: Callable[..., Path]) -> None:
    path = write_csv([[*network_row(), "x"]], headers=[*NETWORK_EN, "ความเห็น"])
    checked = check(path, "networks")
    assert checked.errors == [] and len(checked.valid) == 1
    assert "ความเห็น" in checked.warnings[0]


def test_a_failure_midway_leaves_no_network_half_imported(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([network_row(f"เครือข่าย {i}") for i in range(5)], headers=NETWORK_EN)
    checked = check(path, "networks")
    real = capacity.set_links
    calls = {"n": 0}

    def fail_on_villages(*args: object) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args)  # type: ignore[arg-type]

    with mock.patch("lnob.imports.networks.set_links", fail_on_villages), \
            pytest.raises(RuntimeError), transaction.atomic():
        services.KINDS["networks"].write(checked, actor=officer)
    assert not Network.objects.exists()
    assert not Network.subdistricts.through.objects.exists()


def test_a_network_file_with_a_bad_row_imports_nothing_unless_asked_to_skip_it(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    client.force_login(officer)
    path = write_csv([network_row("ดี"), network_row("ผิด", capacity="-1")], headers=NETWORK_EN)
    with path.open("rb") as f:
        client.post("/imports/", {"kind": "networks", "province": "84", "file": f})
    job = ImportJob.objects.get()
    assert (job.kind, job.valid_rows, job.error_rows) == ("networks", 1, 1)
    assert job.errors == [{"row": 3, "column": "capacity", "message": mock.ANY}]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    # The column as the Thai header row names it (issue 16), not the internal key.
    assert ">จำนวนคนที่ดูแลได้</td>" in page and ">capacity</" not in page
    errors = client.get(f"/imports/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert errors.splitlines()[1].startswith("3,,ผิด,") and "capacity" in errors
    with pytest.raises(services.ImportRefused):
        services.import_commit(actor=officer, job=job)
    assert not Network.objects.exists()
    client.post(f"/imports/{job.pk}/commit/", {"skip_invalid": "1"})
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.DONE, 1)
    assert client.get(f"/imports/{job.pk}/").status_code == 200
    assert list(Network.objects.values_list("name", flat=True)) == ["ดี"]
    assert AuditEvent.objects.filter(object_type="imports.importjob", object_id=str(job.pk),
                                     detail__kind="networks", detail__created=1,
                                     detail__skipped_rows=1).exists()


def test_importing_networks_again_by_id_updates_only_the_columns_given(
        officer: User, write_csv: Callable[..., Path]) -> None:
    lead = Network.objects.create(name="แม่ข่าย", partner_type="community", province_code="84",
                                  is_lead=True)
    network = Network.objects.create(name="เกาะเต่า", partner_type="school", province_code="84",
                                     capacity=10, lead_network=lead, leader_name="นายก")
    network.subdistricts.set([Subdistrict.objects.get(code="840503")])
    path = write_csv([[str(network.pk), "เกาะเต่า ใหม่", "25"], ["", "เครือข่ายใหม่", "3"]],
                     headers=["id", "name", "capacity"])
    checked = check(path, "networks")
    # A new network needs its partner type; the updated one keeps its own.
    assert [(e.row, e.column) for e in checked.errors] == [(3, "partner_type")]
    call_command("import", "networks", str(path), province="84", as_user="officer84",
                 skip_invalid=True, errors_out=path.with_name("bad.csv"),
                 stdout=io.StringIO(), stderr=io.StringIO())
    network.refresh_from_db()
    assert Network.objects.count() == 2
    assert (network.name, network.capacity, network.partner_type, network.lead_network,
            network.leader_name) == ("เกาะเต่า ใหม่", 25, "school", lead, "นายก")
    assert [s.code for s in network.subdistricts.all()] == ["840503"]


def test_importing_volunteers_again_updates_instead_of_duplicating(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([volunteer_row()], headers=VOLUNTEER_EN)
    call_command("import", "volunteers", str(path), province="84", as_user="officer84",
                 stdout=io.StringIO(), stderr=io.StringIO())
    volunteer = Volunteer.objects.get()
    again = write_csv([volunteer_row(id=str(volunteer.pk), capacity="8", needs="")],
                      headers=VOLUNTEER_EN, name="again.csv")
    call_command("import", "volunteers", str(again), province="84", as_user="officer84",
                 stdout=io.StringIO(), stderr=io.StringIO())
    volunteer.refresh_from_db()
    assert Volunteer.objects.count() == 1
    assert volunteer.capacity == 8 and not volunteer.needs.exists()


def test_a_lead_network_keeps_its_members_unless_the_file_moves_them(
        write_csv: Callable[..., Path]) -> None:
    lead = Network.objects.create(name="แม่ข่าย", partner_type="community", province_code="84",
                                  is_lead=True)
    member = Network.objects.create(name="สมาชิก", partner_type="community",
                                    province_code="84", lead_network=lead)
    headers = ["id", "name", "is_lead", "lead_network_id"]
    stays = check(write_csv([[str(lead.pk), "แม่ข่าย", "no", ""]], headers=headers), "networks")
    assert [(e.row, e.column) for e in stays.errors] == [(2, "is_lead")]
    moved = check(write_csv([[str(lead.pk), "แม่ข่าย", "no", ""],
                             [str(member.pk), "สมาชิก", "no", ""]], headers=headers,
                            name="moved.csv"), "networks")
    assert moved.errors == []


def test_an_id_of_another_provinces_network_does_not_update_it(
        write_csv: Callable[..., Path]) -> None:
    krabi = Network.objects.create(name="กระบี่", partner_type="community", province_code="81")
    row = network_row("กระบี่", id=str(krabi.pk))
    checked = check(write_csv([row], headers=NETWORK_EN), "networks")
    assert checked.errors == [] and checked.valid[0].existing_id is None
    assert "added as new networks" in checked.warnings[0]


def test_only_officers_and_administrators_of_the_province_import_networks(
        client: Client, officer: User, other_officer: User, stranger: User,
        make_user: Callable[..., User], write_csv: Callable[..., Path]) -> None:
    path = write_csv([network_row()], headers=NETWORK_EN)
    assert client.get("/imports/?kind=networks")["Location"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template.csv?kind=networks").status_code == 403
    client.force_login(make_user("coord", Role.NETWORK_COORDINATOR, "8405"))
    assert client.get("/imports/").status_code == 403
    client.force_login(other_officer)
    with path.open("rb") as f:
        refused = client.post("/imports/", {"kind": "networks", "province": "84", "file": f})
    assert refused.status_code == 400 and not ImportJob.objects.exists()
    client.force_login(make_user("root", Role.SYSTEM_ADMIN, ""))
    with path.open("rb") as f:
        assert client.post("/imports/", {"kind": "networks", "province": "84",
                                         "file": f}).status_code == 302
    job = ImportJob.objects.get()
    client.force_login(other_officer)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/commit/").status_code == 404
    assert not Network.objects.exists()
    client.force_login(officer)
    client.post(f"/imports/{job.pk}/commit/")
    assert Network.objects.get().province_code == "84"


def test_the_upload_page_offers_each_kind_and_its_template(client: Client,
                                                           officer: User) -> None:
    client.force_login(officer)
    page = client.get("/imports/").content.decode()
    assert 'value="networks"' in page and 'value="volunteers"' in page
    assert "template.csv?kind=volunteers" in page
    body = client.get("/imports/template.csv?kind=networks").content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("ชื่อเครือข่าย,ประเภทภาคี,รหัสจังหวัด,แม่ข่าย")
    body = client.get("/imports/template.csv?kind=volunteers").content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("ชื่อ,นามสกุล,โทรศัพท์,อพม.")
    assert client.get("/imports/template.csv?kind=nothing").status_code == 404


def test_the_template_of_each_kind_is_checked_without_errors(
        client: Client, officer: User, tmp_path: Path) -> None:
    client.force_login(officer)
    for kind in ("networks", "volunteers"):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(client.get(f"/imports/template.csv?kind={kind}").content)
        checked = services.check_file(path, "84", kind=kind)
        assert checked.errors == [] and checked.warnings == [], kind


def test_the_cli_exit_codes_for_networks_and_volunteers(
        officer: User, write_csv: Callable[..., Path], tmp_path: Path) -> None:
    bad = write_csv([network_row("ดี"), network_row("ผิด", is_lead="maybe")],
                    headers=NETWORK_EN)
    out = io.StringIO()
    for options in ({}, {"dry_run": True}):
        with pytest.raises(SystemExit) as exit_:
            call_command("import", "networks", str(bad), province="84", as_user="officer84",
                         stdout=out, stderr=io.StringIO(), **options)
        assert exit_.value.code == 1
    assert "row 3, is_lead:" in out.getvalue()
    assert not Network.objects.exists()
    errors = tmp_path / "bad-rows.csv"
    call_command("import", "networks", str(bad), province="84", as_user="officer84",
                 skip_invalid=True, errors_out=errors, stdout=io.StringIO(),
                 stderr=io.StringIO())
    assert Network.objects.count() == 1
    assert errors.read_text(encoding="utf-8-sig").splitlines()[1].startswith("3,")
    good = write_csv([volunteer_row()], headers=VOLUNTEER_EN, name="good.csv")
    with pytest.raises(SystemExit) as dry:
        call_command("import", "volunteers", str(good), province="84", as_user="officer84",
                     dry_run=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert dry.value.code == 0 and not Volunteer.objects.exists()
    refused = tmp_path / "list.csv"
    refused.write_bytes(b"%PDF-1.4\x00\x00")
    with pytest.raises(SystemExit) as exit_:
        call_command("import", "volunteers", str(refused), province="84",
                     as_user="officer84", stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 2
