"""PDPA requests of data subjects: recorded with their 30-day clock in the
office's inbox, access as one file, erasure that keeps the counts, restriction
and refused consent honoured in files and matching; for the province's
officer only (another province 404, other roles 403)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lnob.cases.models import Case
from lnob.cases.services import case_create
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.privacy.models import SubjectRequest
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, PersonData, person_create

pytestmark = pytest.mark.django_db
ID = "1101700230708"


@pytest.fixture
def person(officer: User) -> Person:
    found = person_create(actor=officer, data=PersonData(
        first_name="บุญมี", last_name="ใจงาม", subdistrict_code="840503", source="officer",
        citizen_id=ID, phone="0812345678", house_number="9/1",
        birth_date=datetime.date(1948, 5, 2)), consent=ConsentData(
        status="given", lawful_basis="consent", purposes=["care"]))
    case_create(actor=officer, person=found, summary="ติดเตียง อยู่คนเดียว โทร 0812345678")
    return found


def record(client: Client, person: Person, kind: str, **extra: str) -> SubjectRequest:
    response = client.post(f"/privacy/new/?person={person.pk}", {
        "kind": kind, "received_on": timezone.localdate().strftime("%d/%m/")
        + str(timezone.localdate().year + 543), "requester": "บุตรสาว", **extra})
    assert response.status_code == 302, response.content.decode()[:3000]
    return SubjectRequest.objects.latest("pk")


def test_an_access_request_gives_one_file_of_everything_including_who_looked(
        client: Client, officer: User, person: Person) -> None:
    client.force_login(officer)
    client.get(f"/persons/{person.pk}/")  # a view the file must show
    req = record(client, person, "access")
    assert req.due_on == req.received_on + datetime.timedelta(days=30)
    home = client.get("/").content.decode()
    assert 'data-inbox="privacy"' in home and "บุญมี" in home
    response = client.post(f"/privacy/{req.pk}/file/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["person.json", "person.pdf"]
    data = json.loads(archive.read("person.json"))
    assert data["person"]["citizen_id"] == ID and data["cases"][0]["summary"]
    assert any(v["actor_label"] == officer.username for v in data["seen_by"])
    assert archive.read("person.pdf").startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", object_id=str(person.pk),
                                     detail__access_file=True).exists()
    assert client.post(f"/privacy/{req.pk}/", {"status": "done",
                                                "outcome": "ส่งไฟล์แล้ว"}).status_code == 302
    assert 'data-inbox="privacy"' not in client.get("/").content.decode()


def test_erasure_anonymises_and_keeps_the_counts(client: Client, officer: User,
                                                 person: Person) -> None:
    client.force_login(officer)
    req = record(client, person, "erasure")
    response = client.post(f"/privacy/{req.pk}/", {"status": "done", "outcome": "ลบแล้ว"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.citizen_id, person.phone) == (
        "—", "", "", "")
    assert person.birth_date == datetime.date(1948, 1, 1) and person.erased_at
    case = Case.objects.get(person=person)
    assert case.summary == "" and "0812345678" not in str(
        list(case.events.values_list("note", flat=True)))
    assert Person.objects.count() == 1 and Case.objects.count() == 1  # counts stay
    assert not person.changes.exclude(changes={}).exists()
    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert "บุญมี" not in page and ID not in page


def test_a_legal_hold_stops_erasure_and_a_refusal_needs_its_reason(
        client: Client, officer: User, person: Person) -> None:
    client.force_login(officer)
    req = record(client, person, "erasure", legal_hold="1")
    assert client.post(f"/privacy/{req.pk}/", {"status": "done"}).status_code == 400
    assert client.post(f"/privacy/{req.pk}/", {"status": "refused"}).status_code == 400
    person.refresh_from_db()
    assert person.first_name == "บุญมี"
    assert client.post(f"/privacy/{req.pk}/", {
        "status": "refused", "outcome": "คำสั่งศาล"}).status_code == 302


def test_restriction_and_refused_consent_keep_people_out_of_files(
        client: Client, officer: User, person: Person) -> None:
    refused = person_create(actor=officer, data=PersonData(
        first_name="สมปอง", last_name="ไม่ยินยอม", subdistrict_code="840503", source="officer",
        no_citizen_id_reason="unknown"), consent=ConsentData(
        status="refused", lawful_basis="vital_interest", purposes=[]))
    case_create(actor=officer, person=refused)
    client.force_login(officer)
    req = record(client, person, "restriction")
    client.post(f"/privacy/{req.pk}/", {"status": "done", "outcome": "จำกัดแล้ว"})
    person.refresh_from_db()
    assert person.restricted
    csv = b"".join(client.get("/persons/export.csv").streaming_content  # type: ignore[attr-defined]
                   ).decode("utf-8-sig")
    assert "บุญมี" not in csv and refused.first_name not in csv and csv.count("\n") == 1
    listed = client.get("/persons/").content.decode()
    assert "บุญมี" in listed and refused.first_name in listed  # still listed

    from lnob.cases.workflow import VERIFIED
    from lnob.matching.services import build_problem

    Case.objects.update(status=VERIFIED)  # waiting for a carer
    problem, _read = build_problem("84")
    ids = {str(i) for i in problem.people.ids}
    assert str(Case.objects.get(person=person).pk) not in ids
    # Cared for on the vital-interest basis recorded with the refusal.
    assert str(Case.objects.get(person=refused).pk) in ids


def test_requests_are_for_the_provinces_officer_only(
        client: Client, officer: User, other_officer: User, person: Person,
        make_user: Callable[..., User]) -> None:
    client.force_login(officer)
    req = record(client, person, "access")
    client.force_login(other_officer)
    assert client.get(f"/privacy/{req.pk}/").status_code == 404
    assert client.get(f"/privacy/new/?person={person.pk}").status_code == 404
    assert client.post(f"/privacy/{req.pk}/file/").status_code == 404
    client.force_login(make_user("coord", Role.NETWORK_COORDINATOR, "8405"))
    assert client.get(f"/privacy/{req.pk}/").status_code == 403
    assert client.post(f"/privacy/{req.pk}/file/").status_code == 403
    client.logout()
    assert client.get(f"/privacy/{req.pk}/").status_code == 302
