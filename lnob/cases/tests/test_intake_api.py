"""Intake, visits and the inbox over the API: the same rules as the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lnob.cases.intake import services as intake
from lnob.cases.models import Case, Visit
from lnob.cases.services import case_step
from lnob.cases.tests.conftest import assigned_case
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.models import Volunteer
from lnob.registry.models import Need
from lnob.testing import bearer

pytestmark = pytest.mark.django_db
JSON = "application/json"
REPORT = {"first_name": "ลุงมี", "subdistrict_code": "840503", "summary": "ไม่มีอาหาร",
          "urgent_reasons": ["alone_bedridden"], "reporter_phone": "0812345678"}


def test_the_hotline_system_files_a_report_with_a_token(
        client: Client, make_user: Callable[..., User]) -> None:
    hotline = make_user("1300", Role.HOTLINE_OPERATOR, "")
    response = client.post("/api/v1/reports", REPORT, content_type=JSON, headers=bearer(hotline))
    assert response.status_code == 201
    body = response.json()
    assert body["urgent"] and body["coverage_hole"] and body["status"] == "reported"
    assert Case.objects.get(reference=body["reference"]).source == "hotline"


def test_reports_through_the_api_are_scoped_and_checked(
        client: Client, other_officer: User, stranger: User, officer: User) -> None:
    assert client.post("/api/v1/reports", REPORT, content_type=JSON,
                       headers=bearer(other_officer)).status_code == 403
    assert client.post("/api/v1/reports", REPORT, content_type=JSON,
                       headers=bearer(stranger)).status_code == 403
    assert client.post("/api/v1/reports", REPORT, content_type=JSON).status_code == 401
    bad = client.post("/api/v1/reports", {**REPORT, "summary": " "}, content_type=JSON,
                      headers=bearer(officer))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "summary"
    assert not Case.objects.exists()


def test_the_public_files_and_checks_without_a_token(client: Client) -> None:
    response = client.post("/api/v1/reports/public", REPORT, content_type=JSON)
    assert response.status_code == 201 and set(response.json()) == {"reference"}
    reference = response.json()["reference"]
    stage = client.get(f"/api/v1/reports/public/{reference}")
    assert stage.json() == {"reference": reference, "stage": "received"}
    assert client.get("/api/v1/reports/public/XXXXX-XXXXX").status_code == 404
    for _ in range(intake.PUBLIC_REPORTS_PER_HOUR - 1):
        client.post("/api/v1/reports/public", REPORT, content_type=JSON)
    assert client.post("/api/v1/reports/public", REPORT,
                       content_type=JSON).status_code == 429


def test_a_volunteer_logs_a_visit_through_the_api(
        client: Client, officer: User, need: Need,
        volunteer: Volunteer, carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    today = timezone.localdate().isoformat()
    auth = bearer(carer_user)
    response = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": today, "done": "พาไปโรงพยาบาล", "needs": {str(need.pk): "better"},
        "version": case.version}, content_type=JSON, headers=auth)
    assert response.status_code == 201, response.content
    assert response.json()["needs"] == [{"need_id": need.pk, "change": "better"}]
    stale = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": today, "done": "ซ้ำ", "version": case.version}, content_type=JSON,
        headers=auth)
    assert stale.status_code == 409
    assert Visit.objects.count() == 1
    listed = client.get(f"/api/v1/cases/{case.pk}/visits", headers=auth).json()
    assert [v["done"] for v in listed] == ["พาไปโรงพยาบาล"]


def test_a_visit_on_a_closed_case_is_a_422(client: Client, officer: User, need: Need,
                                           volunteer: Volunteer) -> None:
    case = assigned_case(officer, need, volunteer)
    case = case_step(actor=officer, case=case, action="close", expected_version=case.version,
                     reason="died")
    response = client.post(f"/api/v1/cases/{case.pk}/visits", {
        "visited_on": timezone.localdate().isoformat(), "done": "x",
        "version": case.version}, content_type=JSON, headers=bearer(officer))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "case"


def test_the_inbox_through_the_api(client: Client, officer: User, other_officer: User) -> None:
    client.post("/api/v1/reports", REPORT, content_type=JSON, headers=bearer(officer))
    sections = {s["key"]: s for s in client.get("/api/v1/inbox",
                                                headers=bearer(officer)).json()}
    assert sections["new"]["count"] == 1 and sections["new"]["rows"][0]["urgent"]
    assert client.get("/api/v1/inbox", headers=bearer(other_officer)).json() == []
