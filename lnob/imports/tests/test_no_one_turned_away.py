"""Issue 14: real files, repeated reports and imperfect IDs all reach the registry and
the workflow. A village not yet recorded is created "to confirm"; an ID with a typo
is kept and flagged; a person seen again adds to that person (or is kept beside a
likely duplicate for review); every imported person has a case; importing the same
file twice changes nothing the second time."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.cases.models import Case, CaseEvent
from lnob.core.models import User
from lnob.dedup.hints import likely_duplicates_of_rows
from lnob.dedup.models import CandidatePair
from lnob.geo.models import Subdistrict, Village
from lnob.imports import services
from lnob.imports.models import ImportJob
from lnob.imports.persons import Outcome
from lnob.imports.tests.conftest import NAMES
from lnob.imports.tests.test_importing import upload
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import CitizenIdProblem, Person, PersonChange, PersonNeed
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db
HEADERS = ["รหัสอ้างอิง", "เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "วันเกิด",
           "รหัสตำบล", "หมู่ที่", "กลุ่มเป้าหมาย", "ความต้องการ", "โทรศัพท์", "หมายเหตุ"]


def row(cid: str = "", first: str = "บุญมี", last: str = "ศรีสุข", birth: str = "6/11/2490",
        sd: str = "840503", moo: str = "", needs: str = "health:3", phone: str = "",
        note: str = "", ref: str = "", groups: str = "in_hardship") -> list[str]:
    return [ref, cid, "นาง", first, last, birth, sd, moo, groups, needs, phone, note]


def import_file(path: Path, *, options: dict[str, object] | None = None) -> str:
    out = io.StringIO()
    call_command("import", "persons", str(path), province="84", as_user="officer84",
                 stdout=out, stderr=io.StringIO(), **(options or {}))
    return out.getvalue()


def snapshot() -> tuple[int, ...]:
    return (Person.objects.count(), PersonChange.objects.count(), PersonNeed.objects.count(),
            Case.objects.count(), CaseEvent.objects.count(), Village.objects.count(),
            CandidatePair.objects.count())


def test_a_village_not_yet_recorded_is_created_to_confirm_not_refused(
        officer: User, write_csv: Callable[..., Path]) -> None:
    Village.objects.create(code="84050301", subdistrict_id="840503", number=1,
                           name_th="บ้านแม่หาด", search_key="x")
    path = write_csv([row(moo="1"), row(first="สมพร", moo="๙"), row(first="สมใจ", moo="ม.9"),
                      row(first="สมหมาย", moo="12")], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert checked.errors == [] and len(checked.valid) == 4
    assert sorted(checked.villages) == ["84050309", "84050312"]
    assert any("9, 12" in w for w in checked.warnings)  # the preview names them
    out = import_file(path)
    assert "villages created to confirm: 2" in out
    created = Village.objects.get(code="84050309")
    assert (created.number, created.to_confirm, created.name_th) == (9, True, "")
    assert Person.objects.get(first_name="สมพร").village_id == "84050309"
    assert not Village.objects.get(code="84050301").to_confirm


def test_an_impossible_village_number_keeps_the_person_and_says_so(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([row(moo="หมู่บ้านป่า")], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert checked.errors == [] and len(checked.valid) == 1
    assert [(w.row, w.column) for w in checked.row_warnings] == [(2, "village_number")]
    import_file(path)
    person = Person.objects.get()
    assert person.village_id is None
    assert person.changes.get(action="import").changes["village_as_written"] == [
        "", "หมู่บ้านป่า"]


@pytest.mark.parametrize(("typed", "kept", "problem"), [
    ("1-1017-00203-44-2", "1101700203442", CitizenIdProblem.CHECK_DIGIT),
    ("110170020344", "110170020344", CitizenIdProblem.TWELVE_DIGITS),
    ("๑๑๐๑๗๐๐๒๐๓๔", "11017002034", CitizenIdProblem.LENGTH),
])
def test_an_imperfect_id_is_kept_as_written_and_flagged(
        officer: User, write_csv: Callable[..., Path], typed: str, kept: str,
        problem: str) -> None:
    path = write_csv([row(cid=typed)], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert checked.errors == []  # a warning, not an error: the import is not blocked
    assert [(w.row, w.column) for w in checked.row_warnings] == [(2, "citizen_id")]
    import_file(path)
    person = Person.objects.get()
    assert (person.citizen_id, person.citizen_id_problem) == (kept, problem)  # not corrected


def test_an_unverified_id_is_never_a_matching_key(
        officer: User, write_csv: Callable[..., Path]) -> None:
    # The same typo'd ID on two different people: neither is attached to the other.
    path = write_csv([row(cid="1101700203442", first="สมพร", birth="1/1/2500"),
                      row(cid="1101700203442", first="ประยูร", last="มั่นคง",
                          birth="2/2/2510")], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert [r.outcome for r in checked.valid] == [Outcome.NEW, Outcome.NEW]


def test_an_unreadable_id_keeps_the_person_without_one(
        officer: User, write_csv: Callable[..., Path]) -> None:
    import_file(write_csv([row(cid="ไม่ทราบ")], headers=HEADERS))
    person = Person.objects.get()
    assert (person.citizen_id, person.no_citizen_id_reason) == ("", "unknown")
    assert person.changes.get(action="import").changes["citizen_id_as_written"] == [
        "", "ไม่ทราบ"]


def test_the_same_person_twice_in_a_file_is_one_person_with_both_reports(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([row(cid="1-1017-00203-44-1", phone="0812345678"),
                      row(cid="1101700203441", needs="health:4; daily_care:2",
                          phone="0899999999", note="เครือข่ายวัด")], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert [(r.outcome, r.attach_row) for r in checked.valid] == [
        (Outcome.NEW, None), (Outcome.ATTACH, 2)]
    import_file(path)
    person = Person.objects.get()
    assert person.phone == "0812345678"  # never overwritten…
    again = person.changes.get(action="report_again").changes
    assert again["reported_phone"] == ["", "0899999999"]  # … the second phone is kept
    assert again["reported_source_note"] == ["", "เครือข่ายวัด"]
    assert sorted(person.needs.values_list("need__code", "severity")) == [
        ("daily_care", 2), ("health", 4)]
    assert person.severity == 4
    case = Case.objects.get(person=person)
    assert case.events.filter(action="report_again").count() == 1


def test_a_registered_person_reported_again_gets_the_report_not_a_refusal(
        officer: User, write_csv: Callable[..., Path]) -> None:
    person = person_create(actor=officer, data=person_data(citizen_id="1101700203441"))
    path = write_csv([row(cid="1101700203441", phone="0812345678")], headers=HEADERS)
    checked = services.check_file(path, "84")
    assert checked.errors == []
    assert [(r.outcome, r.attach_to) for r in checked.valid] == [(Outcome.ATTACH, person.pk)]
    out = import_file(path)
    assert "persons added to: 1" in out
    person.refresh_from_db()
    assert Person.objects.count() == 1
    assert person.phone == "0812345678"  # filled: the person had none
    assert person.first_name == "สมชาย"  # the registered name is not overwritten
    # No open case: one is opened for the report.
    case = Case.objects.get(person=person)
    assert case.status == "reported"


def test_without_an_id_the_same_name_birth_date_and_subdistrict_adds_to_the_person(
        officer: User, write_csv: Callable[..., Path]) -> None:
    import_file(write_csv([row(ref="", cid="")], headers=HEADERS))
    first = Person.objects.get()
    import_file(write_csv([row(cid="", needs="daily_care:1")], headers=HEADERS,
                          name="second.csv"))
    assert list(Person.objects.all()) == [first]
    assert first.needs.count() == 2


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([row(cid="1101700203441", moo="4"),
                      row(cid="1101700203441", phone="0899999999", needs="education:2"),
                      row(first="สมพร", birth="1/1/2500", cid=""),
                      row(first="สมพร", birth="1/1/2500", cid="", note="อสม."),
                      row(first="ประยูร", cid="110170020344")], headers=HEADERS)
    import_file(path)
    first = snapshot()
    assert first[0] == 3  # three people in five rows
    out = import_file(path)
    assert snapshot() == first
    assert "persons added to: 0" in out


def test_an_id_registered_outside_the_province_is_kept_and_queued_without_saying_where(
        client: Client, officer: User, other_officer: User,
        write_csv: Callable[..., Path]) -> None:
    elsewhere = person_create(actor=other_officer, data=person_data(
        subdistrict_code="810101", citizen_id="1101700203441"))
    client.force_login(officer)
    job = upload(client, write_csv([row(cid="1101700203441")], headers=HEADERS))
    assert (job.valid_rows, job.error_rows) == (1, 0)
    assert job.outcomes["counts"]["review"] == 1
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "นอกพื้นที่ของคุณ" in page  # "a possible match exists outside your area"
    assert f"#{elsewhere.pk}" not in page and "81" not in str(job.outcomes)
    client.post(f"/imports/{job.pk}/commit/")
    new = Person.objects.get(province_code="84")
    pair = CandidatePair.objects.get()
    assert {pair.left_id, pair.right_id} == {new.pk, elsewhere.pk}
    assert (pair.status, pair.left_province, pair.right_province) == ("pending", "81", "84") \
        or (pair.status, pair.left_province, pair.right_province) == ("pending", "84", "81")


def test_every_imported_person_enters_the_workflow_unless_asked_otherwise(
        officer: User, write_csv: Callable[..., Path]) -> None:
    lead = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                  province_code="84", is_lead=True, capacity=10)
    lead.subdistricts.add(Subdistrict.objects.get(code="840503"))
    other = Network.objects.create(name="กลุ่มออมทรัพย์", partner_type=PartnerType.COMMUNITY,
                                   province_code="84", capacity=10)
    other.subdistricts.add(Subdistrict.objects.get(code="840503"))
    path = write_csv([row(first=NAMES[i], cid="") for i in range(4)]
                     + [row(first=NAMES[5], cid="", sd="840101")], headers=HEADERS)
    out = import_file(path)
    assert "cases opened: 5" in out
    assert Case.objects.filter(status="reported", source="import").count() == 5
    case = Case.objects.filter(subdistrict_id="840503").first()
    assert case is not None and case.events.get().action == "open"
    # Routed like a report: the lead network of the subdistrict, or a hole.
    assert list(case.routed_networks.all()) == [lead] and not case.coverage_hole
    assert Case.objects.get(subdistrict_id="840101").coverage_hole
    second = write_csv([row(first=NAMES[i + 8], cid="") for i in range(2)],
                       headers=HEADERS, name="other.csv")
    import_file(second, options={"no_cases": True})
    assert Person.objects.count() == 7 and Case.objects.count() == 5


def test_every_problem_of_a_row_is_named_in_the_terminal_and_the_rows_to_fix(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([row(first="", cid="1101700203442", birth="31/2/2549", needs="x:1")],
                     headers=HEADERS)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import", "persons", str(path), province="84", as_user="officer84",
                     stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    for column in ("first_name", "birth_date", "needs", "citizen_id"):
        assert f"row 2, {column}" in text
    fix = services.bad_rows_csv(path, services.check_file(path, "84")).decode("utf-8-sig")
    last = fix.splitlines()[1]
    assert all(c in last for c in ("first_name", "birth_date", "needs", "citizen_id"))


def test_a_terminal_import_is_seen_by_the_duplicate_hints_at_once(
        officer: User, write_csv: Callable[..., Path]) -> None:
    import_file(write_csv([row(first=f"ทดสอบ{i}", cid="", birth=f"{i + 1}/1/2500")
                           for i in range(5)], headers=HEADERS))
    typed = [{"first_name": f"ทดสอบ{i}", "last_name": "ศรีสุข", "title": "นาง", "sex": "F",
              "birth_date": Person.objects.get(first_name=f"ทดสอบ{i}").birth_date,
              "birth_year_only": False, "citizen_id": "", "phone": "", "house_number": "",
              "subdistrict": "840503", "village": ""} for i in range(5)]
    assert len(likely_duplicates_of_rows(typed)) == 5


def test_no_valid_person_is_lost(officer: User, write_csv: Callable[..., Path]) -> None:
    """Every valid row ends up as a person or in a person's history."""
    rows = [row(first=NAMES[i], cid="", moo=str(1 + i % 3)) for i in range(6)]
    rows += [row(first=NAMES[0], cid="", moo="1", phone="0800000000")]  # a repeat
    rows += [row(first="", cid="")]  # unusable: no name
    path = write_csv(rows, headers=HEADERS)
    import_file(path, options={"skip_invalid": True})
    names = set(Person.objects.values_list("first_name", flat=True))
    assert names == set(NAMES[:6])
    assert Subdistrict.objects.get(code="840503").villages.filter(to_confirm=True).count() == 3
    assert ImportJob.objects.count() == 0  # the terminal path keeps no job


def test_officers_of_the_area_get_the_list_of_ids_to_fix(
        client: Client, officer: User, other_officer: User, stranger: User,
        write_csv: Callable[..., Path]) -> None:
    import_file(write_csv([row(cid="1101700203442"), row(first="สมพร", cid="")],
                          headers=HEADERS))
    flagged = Person.objects.get(first_name="บุญมี")
    client.force_login(officer)
    page = client.get("/persons/").content.decode()
    assert 'data-unverified-ids="1"' in page
    page = client.get("/persons/?id=unverified").content.decode()
    assert f"/persons/{flagged.pk}/" in page and "สมพร" not in page
    detail = client.get(f"/persons/{flagged.pk}/").content.decode()
    assert 'data-id-problem="check_digit"' in detail
    client.force_login(other_officer)
    page = client.get("/persons/?id=unverified").content.decode()
    assert "data-unverified-ids" not in page and f"/persons/{flagged.pk}/" not in page
    client.force_login(stranger)
    assert client.get("/persons/?id=unverified").status_code == 403


def test_a_repeat_spelt_otherwise_in_the_same_file_is_joined_or_queued(
        officer: User, write_csv: Callable[..., Path]) -> None:
    path = write_csv([row(first="สมชาย", last="ใจดี", cid="", birth="14/3/2493"),
                      row(first="สมชาญ", last="ใจดี", cid="", birth="14/3/2493",
                          phone="0812345678")], headers=HEADERS)
    checked = services.check_file(path, "84")
    second = checked.valid[1]
    assert second.outcome in (Outcome.ATTACH, Outcome.REVIEW)
    assert second.attach_row == 2 or second.review_row == 2
    import_file(path)
    if second.outcome == Outcome.ATTACH:
        assert Person.objects.count() == 1
    else:
        assert CandidatePair.objects.count() == 1
