"""Intake: the public report page, the hotline's fast form, routing to lead
networks and holes in coverage."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lnob.cases.intake import services as intake
from lnob.cases.intake.door import file_received, file_waiting
from lnob.cases.models import Case, ReceivedReport
from lnob.cases.services import case_step
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db

KO_TAO = "840503"


@pytest.fixture
def lead(db: None) -> Network:
    network = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", is_lead=True, capacity=10)
    network.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    return network


@pytest.fixture
def hotline(make_user: Callable[..., User]) -> User:
    return make_user("hotline1300", Role.HOTLINE_OPERATOR, "")


def public_form(**overrides: str) -> dict[str, str]:
    return {"first_name": "ยายแดง", "place": "เกาะเต่า เกาะพะงัน", "summary": "อยู่คนเดียว ติดเตียง",
            "urgent_reasons": "alone_bedridden", **overrides}


def test_a_public_report_becomes_an_urgent_case_routed_to_the_lead_network(
        client: Client, lead: Network) -> None:
    response = client.post("/report/", public_form(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    thanks = client.get(response["Location"]).content.decode()
    kept = ReceivedReport.objects.get()  # kept at the door, for the worker to file
    assert kept.reference in thanks
    assert "ยายแดง" not in thanks  # nothing about the person comes back
    assert not Case.objects.exists()
    assert file_waiting() == 1  # the worker's round
    case = Case.objects.get()
    assert case.reference == kept.reference and not ReceivedReport.objects.exists()
    assert (case.source, case.status, case.urgent, case.coverage_hole) == (
        "public", "reported", True, False)
    assert list(case.routed_networks.all()) == [lead]
    assert case.person.first_name == "ยายแดง" and case.person.subdistrict_id == KO_TAO
    audited = AuditEvent.objects.get(object_type=intake.PUBLIC_AUDIT_TYPE)
    assert audited.ip == "10.1.2.3"  # the sender's address, though the worker wrote it


def test_a_public_report_runs_a_bounded_number_of_queries(
        client: Client, lead: Network,
        django_assert_max_num_queries: Callable) -> None:
    """Issue 21: 48 queries a report held the public page to 34 reports a
    second. The door checks the report (areas from the cache), counts it
    (one statement) and keeps it (one INSERT): the reporter waits for
    nothing else (decision 0033). Filing it is the worker's: areas from the
    cache, a new person's links written without reading them back, the
    duplicate index and the roll-ups left to the follow-ups (one INSERT),
    the audit rows one INSERT, the person in the report's own savepoint."""
    client.post("/report/", public_form(), REMOTE_ADDR="10.0.0.1")  # fills the areas cache
    file_waiting()
    with django_assert_max_num_queries(4):  # the two ends of its transaction included
        response = client.post("/report/", public_form(first_name="สมชาย"),
                               REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    # One round of the worker: its transaction's two ends, taking the batch, the
    # report's savepoint and its 10 statements, deleting what was filed.
    with django_assert_max_num_queries(15):
        assert file_received() == 1
    assert Case.objects.get(person__first_name="สมชาย").routed_networks.get() == lead


def test_the_status_page_shows_the_stage_only(client: Client, officer: User,
                                               lead: Network) -> None:
    client.post("/report/", public_form())
    waiting = ReceivedReport.objects.get().reference  # not filed yet: received all the same
    page = client.get("/report/status/", {"reference": waiting})
    assert page.status_code == 200 and 'data-stage="received"' in page.content.decode()
    file_waiting()
    case = Case.objects.get()
    page = client.get("/report/status/", {"reference": case.reference.lower()})
    assert page.status_code == 200 and 'data-stage="received"' in page.content.decode()
    case_step(actor=officer, case=case, action="verify", expected_version=case.version)
    shown = client.get("/report/status/", {"reference": case.reference}).content.decode()
    assert 'data-stage="verified"' in shown
    assert "ยายแดง" not in shown and "ติดเตียง" not in shown
    assert client.get("/report/status/", {"reference": "AAAAA-AAAAA"}).status_code == 404


def test_a_subdistrict_no_network_covers_is_flagged_as_a_hole(client: Client) -> None:
    client.post("/report/", public_form())
    file_waiting()
    case = Case.objects.get()
    assert case.coverage_hole and not case.routed_networks.exists()


def test_an_ambiguous_place_asks_which_one_and_nothing_is_written(client: Client) -> None:
    response = client.post("/report/", public_form(place="เกาะเต่า"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="840503"' in page and 'value="931003"' in page
    assert not ReceivedReport.objects.exists()
    response = client.post("/report/", public_form(place="เกาะเต่า", subdistrict_choice="931003"))
    assert response.status_code == 302
    file_waiting()
    assert Case.objects.get().subdistrict_id == "931003"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("summary", "", "This field is required"),
    ("first_name", "", "This field is required"),
    ("place", "ไม่มีตำบลนี้แน่นอน", "No subdistrict is called"),
    ("summary", "ก" * 2001, "at most 2000 characters"),
    ("reporter_phone", "12ab", "9 or 10 digits"),
    ("village_number", "100", "less than or equal to 99"),
])
def test_bad_reports_name_the_field_and_change_nothing(
        client: Client, field: str, value: str, message: str) -> None:
    client.cookies["django_language"] = "en"
    response = client.post("/report/", public_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReceivedReport.objects.exists()


def test_bad_reports_are_explained_in_thai_by_default(client: Client) -> None:
    page = client.post("/report/", public_form(first_name=" ")).content.decode()
    assert "ต้องกรอกช่องนี้" in page


def test_the_honeypot_keeps_nothing(client: Client) -> None:
    response = client.post("/report/", public_form(website="http://spam.example"))
    assert response.status_code == 302
    assert not ReceivedReport.objects.exists()


def test_an_oversized_report_is_refused(client: Client) -> None:
    response = client.post("/report/", public_form(address_text="ก" * 20_000))
    assert response.status_code == 413
    assert not ReceivedReport.objects.exists()


def test_one_address_may_send_five_reports_an_hour(client: Client) -> None:
    for n in range(intake.PUBLIC_REPORTS_PER_HOUR):
        assert client.post("/report/", public_form(first_name=f"คนที่{n}")).status_code == 302
    response = client.post("/report/", public_form(first_name="อีกคน"))
    assert response.status_code == 429
    assert ReceivedReport.objects.count() == intake.PUBLIC_REPORTS_PER_HOUR
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/report/", public_form(first_name="อีกที่")).status_code == 302


def test_the_public_page_works_in_english(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/report/").content.decode()
    assert "Report someone in need" in page and "anonymous" in page


def test_the_hotline_files_a_report_with_the_callers_contact(
        client: Client, hotline: User, lead: Network) -> None:
    client.force_login(hotline)
    response = client.post("/cases/report/", public_form(
        reporter_name="ผู้ใหญ่บ้าน", reporter_phone="081-234-5678", citizen_id=""))
    case = Case.objects.get()
    assert response["Location"] == f"/cases/report/{case.reference}/"
    assert (case.source, case.reporter_name, case.reporter_phone) == (
        "hotline", "ผู้ใหญ่บ้าน", "081-234-5678")
    page = client.get(response["Location"]).content.decode()
    assert lead.name in page and case.reference in page
    # The operator sees what they filed, not the registry.
    assert client.get(f"/cases/{case.pk}/").status_code == 403
    assert client.get(f"/persons/{case.person_id}/").status_code == 403


def test_report_filing_is_scoped_to_the_reporters_area(
        client: Client, other_officer: User, officer: User, stranger: User) -> None:
    client.force_login(other_officer)  # Krabi's officer, reporting in Surat Thani
    response = client.post("/cases/report/", public_form())
    assert response.status_code == 400 and not Case.objects.exists()
    client.force_login(stranger)
    assert client.post("/cases/report/", public_form()).status_code == 403
    client.force_login(officer)
    assert client.post("/cases/report/", public_form()).status_code == 302
    case = Case.objects.get()
    assert case.source == "officer"
    # A filed report's page is for the one who filed it.
    client.force_login(other_officer)
    assert client.get(f"/cases/report/{case.reference}/").status_code == 404


def test_a_wrong_check_digit_from_the_hotline_names_the_field(
        client: Client, hotline: User) -> None:
    client.force_login(hotline)
    client.cookies["django_language"] = "en"
    response = client.post("/cases/report/", public_form(citizen_id="1-1017-00203-44-2"))
    assert response.status_code == 400
    assert "its last digit does not match" in response.content.decode()
    assert not Case.objects.exists()


def test_the_service_refuses_an_unknown_subdistrict(hotline: User) -> None:
    report = intake.Report(first_name="ก", subdistrict_code="999999", summary="x")
    with pytest.raises((ValidationError, PermissionError)):
        intake.report_file(actor=hotline, report=report)
    assert not Person.objects.exists()
