from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import AuditAction, AuditEvent, User
from lnob.registry.models import Person
from lnob.testing import bearer
from lnob.tests.exports.conftest import as_dicts, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons/export"



def test_the_api_returns_the_same_file_as_the_page(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    make_person(first_name="มะลิ", citizen_id="")
    auth = bearer(officer)
    from_api = csv_rows(client.get(URL, {"format": "csv"}, headers=auth))
    client.force_login(officer)
    assert from_api == csv_rows(client.get("/persons/export.csv"))
    assert sorted(row[1] for row in from_api[1:]) == ["", "1-1017-00203-44-1"]


def test_the_api_exports_xlsx_with_the_filters_of_the_list(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    make_person(first_name="ไกล", subdistrict_code="840101", citizen_id="")
    response = client.get(URL, {"format": "xlsx", "area": "840101"}, headers=bearer(officer))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="lnob-persons-840101-')
    assert [r["ชื่อ"] for r in as_dicts(xlsx_rows(response))] == ["ไกล"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["via"] == "api" and event.detail["count"] == 1


def test_the_api_masks_ids_for_a_coordinator(
        client: Client, coordinator: User, make_person: Callable[..., Person]) -> None:
    make_person()
    rows = csv_rows(client.get(URL, headers=bearer(coordinator)))
    assert rows[1][1] == "x-xxxx-xxxxx-44-1"
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["unmasked"] is False


def test_the_api_refuses_anonymous_callers_strangers_and_roles_without_personal_data(
        client: Client, stranger: User, committee_member: User) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=bearer(stranger)).status_code == 403
    assert client.get(URL, headers=bearer(committee_member)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_api_refuses_an_unknown_format(client: Client, officer: User) -> None:
    response = client.get(URL, {"format": "pdf"}, headers=bearer(officer))
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_officer_of_another_province_gets_only_the_header_from_the_api(
        client: Client, other_officer: User, make_person: Callable[..., Person]) -> None:
    make_person()
    assert len(csv_rows(client.get(URL, {"area": "84"}, headers=bearer(other_officer)))) == 1
