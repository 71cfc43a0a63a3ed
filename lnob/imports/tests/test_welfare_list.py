"""A provider's list of recipients in: matched by citizen ID, else through the
duplicate engine; bad columns and rows reported row by row, changing nothing."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lnob.core.citizen_id import check_digit
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.imports.welfare import AMBIGUOUS, MATCHED, UNMATCHED, agency_check, agency_write
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, person_create
from lnob.testing.persons import person_data
from lnob.welfare.models import Benefit, BenefitChange, Eligibility, Scheme

pytestmark = pytest.mark.django_db
HEADERS = ["ลำดับ", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "วันเกิด", "รหัสตำบล",
           "วันที่เริ่มรับ", "จำนวนเงิน"]


def cid(n: int) -> str:
    first12 = f"3{n:011d}"
    return first12 + str(check_digit(first12))


def register(officer: User, first: str, last: str, citizen_id: str = "",
             birth: datetime.date = datetime.date(1950, 3, 1)) -> Person:
    return person_create(actor=officer, data=person_data(
        first_name=first, last_name=last, citizen_id=citizen_id, birth_date=birth,
        no_citizen_id_reason="" if citizen_id else "unknown"),
        consent=ConsentData(status="given", lawful_basis="consent", purposes=["welfare"]))


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
        path = tmp_path / "list.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([headers, *rows])
        return path

    return write


@pytest.fixture
def old_age(db: None) -> Scheme:
    return Scheme.objects.get(code="old_age_allowance")


def row(n: str, citizen_id: str, first: str, last: str, **kw: Any) -> list[str]:
    return [n, citizen_id, kw.get("title", "นาย"), first, last, kw.get("birth", "1/3/2493"),
            kw.get("sd", "840503"), kw.get("since", "1/10/2567"), kw.get("amount", "700")]


def test_rows_are_matched_by_id_by_the_engine_or_listed(
        officer: User, write_csv: Callable[..., Path], old_age: Scheme) -> None:
    by_id = register(officer, "บุญมี", "ศรีสุข", cid(1))
    by_name = register(officer, "ประยูร", "ทองดี")
    path = write_csv([
        row("1", cid(1), "บุญมี", "ศรีสุข"),
        row("2", "", "ประยูร", "ทองดี"),              # no ID: the duplicate engine
        row("3", cid(99), "ใครก็ไม่รู้", "ไม่มีในทะเบียน", birth="1/1/2480"),
    ])
    check = agency_check(path, user=officer)
    assert check.ok, check.errors
    outcome = {r.row: (r.outcome, r.person_id) for r in check.rows}
    assert outcome[2] == (MATCHED, by_id.pk)
    assert outcome[3] == (MATCHED, by_name.pk)
    assert outcome[4] == (UNMATCHED, None)
    assert not Benefit.objects.exists()  # checking changes nothing
    assert agency_write(check, actor=officer, scheme=old_age, file_name="list.csv") == 2
    benefit = Benefit.objects.get(person=by_id)
    assert (benefit.source, benefit.since, benefit.amount_baht) == (
        "agency_list", datetime.date(2024, 10, 1), 700)
    assert Eligibility.objects.get(person=by_id, scheme=old_age).receiving is True


def test_a_second_list_updates_with_history(officer: User, write_csv: Callable[..., Path],
                                            old_age: Scheme) -> None:
    person = register(officer, "บุญมี", "ศรีสุข", cid(1))
    for amount in ("600", "700"):
        check = agency_check(write_csv([row("1", cid(1), "บุญมี", "ศรีสุข", amount=amount)]),
                             user=officer)
        agency_write(check, actor=officer, scheme=old_age, file_name="list.csv")
    benefit = Benefit.objects.get(person=person)
    assert benefit.amount_baht == 700
    assert BenefitChange.objects.filter(benefit=benefit, action="update",
                                        changes__amount_baht=["600", "700"]).exists()


def test_an_id_held_by_two_records_is_ambiguous(officer: User,
                                                write_csv: Callable[..., Path]) -> None:
    register(officer, "บุญมี", "ศรีสุข", cid(1))
    register(officer, "บุญมี", "ศรีสุข", cid(1), birth=datetime.date(1951, 3, 1))
    check = agency_check(write_csv([row("1", cid(1), "บุญมี", "ศรีสุข")]), user=officer)
    assert [(r.outcome, len(r.candidates)) for r in check.rows] == [(AMBIGUOUS, 2)]


def test_a_person_outside_the_users_areas_is_never_matched(
        officer: User, make_user: Callable[..., User], write_csv: Callable[..., Path]) -> None:
    register(officer, "บุญมี", "ศรีสุข", cid(1))
    krabi = make_user("officer81b", Role.PROVINCIAL_OFFICER, "81")
    check = agency_check(write_csv([row("1", cid(1), "บุญมี", "ศรีสุข")]), user=krabi)
    assert [(r.outcome, r.candidates) for r in check.rows] == [(UNMATCHED, [])]


def test_unknown_columns_refuse_the_file(officer: User, write_csv: Callable[..., Path]) -> None:
    check = agency_check(write_csv([row("1", cid(1), "บุญมี", "ศรีสุข")],
                                   headers=[*HEADERS, "เงินเดือน"]), user=officer)
    assert [(e.row, e.column) for e in check.errors] == [(1, "เงินเดือน")]
    assert check.rows == []


def test_bad_rows_are_named_and_nothing_is_written(officer: User, old_age: Scheme,
                                                   write_csv: Callable[..., Path]) -> None:
    register(officer, "บุญมี", "ศรีสุข", cid(1))
    check = agency_check(write_csv([
        row("1", cid(1), "บุญมี", "ศรีสุข"),
        row("2", "1234567890123", "สมชาย", "ใจดี"),
        row("3", "", "", ""),
        row("4", cid(2), "มาลี", "ดี", since="31/2/2567", amount="เจ็ดร้อย"),
    ]), user=officer)
    assert sorted((e.row, e.column) for e in check.errors) == [
        (3, "citizen_id"), (4, "first_name"), (5, "amount_baht"), (5, "since")]
    with pytest.raises(ValueError, match="never written"):
        agency_write(check, actor=officer, scheme=old_age, file_name="list.csv")
    assert not Benefit.objects.exists()


def test_a_likely_but_uncertain_match_is_ambiguous_with_its_candidate(
        officer: User, write_csv: Callable[..., Path]) -> None:
    person = register(officer, "ประยูร", "ทองดี")
    # Another title than the registry's: the engine is not sure enough to match.
    check = agency_check(write_csv([row("1", "", "ประยูร", "ทองดี", title="นาง")]),
                         user=officer)
    assert [(r.outcome, r.candidates, r.how) for r in check.rows] == [
        (AMBIGUOUS, [person.pk], "duplicate_engine")]


def _upload(client: Any, path: Path, scheme: str = "old_age_allowance") -> Any:
    with path.open("rb") as f:
        return client.post("/imports/welfare-list/", {"scheme": scheme, "file": f})


def test_the_list_is_a_job_checked_then_recorded_by_its_creator_only(
        client: Any, officer: User, other_officer: User, stranger: User, settings: Any,
        write_csv: Callable[..., Path]) -> None:
    from lnob.core.models import AuditEvent
    from lnob.imports.models import ImportJob, ImportStatus

    settings.IMPORT_INLINE_ROWS = 0  # every list goes to the worker (immediate in tests)
    person = register(officer, "บุญมี", "ศรีสุข", cid(1))
    path = write_csv([row("1", cid(1), "บุญมี", "ศรีสุข"), row("2", cid(5), "ไม่มี", "ใคร")])
    client.force_login(stranger)
    assert client.get("/imports/welfare-list/").status_code == 403
    assert _upload(client, path).status_code == 403
    client.force_login(officer)
    response = _upload(client, path)
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/welfare-list/{job.pk}/"
    assert (job.kind, job.status, job.scheme_code) == ("welfare_list", ImportStatus.CHECKED,
                                                       "old_age_allowance")
    assert not Benefit.objects.exists()  # checked, nothing recorded yet
    page = client.get(f"/imports/welfare-list/{job.pk}/").content.decode()
    assert 'data-counts="1/0/1"' in page and "/record/" in page
    assert client.get("/imports/welfare-list/").content.decode().count(
        f"/imports/welfare-list/{job.pk}/") == 1
    # The report names persons of the creator's areas: nobody else opens it,
    # nor sees it among the other imports.
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    for someone, expected in ((other_officer, 404), (stranger, 403)):
        client.force_login(someone)
        for url in ("", "report.csv"):
            assert client.get(f"/imports/welfare-list/{job.pk}/{url}").status_code == expected
        for url in ("record/", "cancel/", "retry/"):
            assert client.post(f"/imports/welfare-list/{job.pk}/{url}").status_code == expected
    assert not Benefit.objects.exists()
    client.force_login(officer)
    client.post(f"/imports/welfare-list/{job.pk}/record/")
    job.refresh_from_db()
    assert (job.status, job.updated_count, job.percent) == (ImportStatus.DONE, 1, 100)
    assert Benefit.objects.get().person == person
    assert Eligibility.objects.get(person=person, scheme__code="old_age_allowance").receiving
    page = client.get(f"/imports/welfare-list/{job.pk}/").content.decode()
    assert 'data-written="1"' in page
    report = client.get(f"/imports/welfare-list/{job.pk}/report.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1].startswith("3,")  # row 3 of the file: not found
    assert AuditEvent.objects.filter(action="export", object_id=str(job.pk)).exists()
    # Recording twice records once.
    changes = BenefitChange.objects.count()
    client.post(f"/imports/welfare-list/{job.pk}/record/")
    assert Benefit.objects.count() == 1 and BenefitChange.objects.count() == changes


def test_a_list_with_a_bad_row_records_nothing_and_says_which_row(
        client: Any, officer: User, settings: Any, write_csv: Callable[..., Path]) -> None:
    from lnob.imports.models import ImportJob

    settings.IMPORT_INLINE_ROWS = 0
    register(officer, "บุญมี", "ศรีสุข", cid(1))
    client.force_login(officer)
    _upload(client, write_csv([row("1", cid(1), "บุญมี", "ศรีสุข"),
                               row("2", "1234567890123", "ก", "ข")]))
    job = ImportJob.objects.get()
    page = client.get(f"/imports/welfare-list/{job.pk}/").content.decode()
    assert 'data-welfare-list="errors"' in page and "/record/" not in page
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "citizen_id"
    client.post(f"/imports/welfare-list/{job.pk}/record/")
    assert not Benefit.objects.exists()
    assert _upload(client, write_csv([row("1", cid(1), "บุญมี", "ศรีสุข")]),
                   scheme="no_such_scheme").status_code == 400


def test_a_list_whose_worker_died_is_failed_then_retried_and_recorded_once(
        client: Any, officer: User, write_csv: Callable[..., Path]) -> None:
    from lnob.core import jobs
    from lnob.imports.models import ImportJob, ImportStatus

    register(officer, "บุญมี", "ศรีสุข", cid(1))
    client.force_login(officer)
    _upload(client, write_csv([row("1", cid(1), "บุญมี", "ศรีสุข")]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(  # a worker killed while recording
        status=ImportStatus.IMPORTING, runner=f"worker:{jobs.HOST}:999999")
    assert jobs.reap() == 1
    job.refresh_from_db()
    assert (job.status, job.interrupted) == (ImportStatus.FAILED, ImportStatus.IMPORTING)
    page = client.get(f"/imports/welfare-list/{job.pk}/").content.decode()
    assert "/retry/" in page and not Benefit.objects.exists()
    client.post(f"/imports/welfare-list/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    client.post(f"/imports/welfare-list/{job.pk}/record/")
    client.post(f"/imports/welfare-list/{job.pk}/retry/")  # done: nothing to retry
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Benefit.objects.count() == 1


def test_the_command_lists_and_records(officer: User, write_csv: Callable[..., Path]) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    register(officer, "บุญมี", "ศรีสุข", cid(1))
    out = io.StringIO()
    call_command("welfare_list", str(write_csv([row("1", cid(1), "บุญมี", "ศรีสุข"),
                                                row("2", cid(7), "ไม่มี", "ใคร")])),
                 scheme="old_age_allowance", user="officer84", write=True, stdout=out)
    assert "row 3 · unmatched" in out.getvalue()
    assert "1 matched, 0 ambiguous, 1 unmatched" in out.getvalue()
    assert Benefit.objects.count() == 1
    with pytest.raises(CommandError, match="nothing was recorded"):
        call_command("welfare_list", str(write_csv([row("1", "123", "ก", "ข")])),
                     scheme="old_age_allowance", user="officer84", write=True,
                     stdout=io.StringIO())
