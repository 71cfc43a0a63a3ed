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


def test_the_page_checks_records_and_refuses_strangers(
        client: Any, officer: User, other_officer: User, stranger: User,
        write_csv: Callable[..., Path]) -> None:
    person = register(officer, "บุญมี", "ศรีสุข", cid(1))
    path = write_csv([row("1", cid(1), "บุญมี", "ศรีสุข"), row("2", cid(5), "ไม่มี", "ใคร")])
    client.force_login(stranger)
    assert client.get("/imports/welfare-list/").status_code == 403
    client.force_login(other_officer)
    with path.open("rb") as f:
        page = client.post("/imports/welfare-list/", {"scheme": "old_age_allowance",
                                                      "file": f, "record": "1"})
    assert 'data-counts="0/0/2"' in page.content.decode()
    assert not Benefit.objects.exists()
    client.force_login(officer)
    with path.open("rb") as f:
        page = client.post("/imports/welfare-list/", {"scheme": "old_age_allowance",
                                                      "file": f, "record": "1"})
    assert page.status_code == 200 and 'data-counts="1/0/1"' in page.content.decode()
    assert Benefit.objects.get().person == person
    bad = write_csv([row("1", "1234567890123", "บุญมี", "ศรีสุข")])
    with bad.open("rb") as f:
        page = client.post("/imports/welfare-list/", {"scheme": "old_age_allowance",
                                                      "file": f, "record": "1"})
    assert page.status_code == 400 and 'data-welfare-list="errors"' in page.content.decode()


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
