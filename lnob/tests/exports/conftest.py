"""People to export: registered through the service, as the pages do."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponseBase
from openpyxl import load_workbook

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, PersonData, person_create
from lnob.registry.taxonomy import Need, TargetGroup

VALID_ID = "1101700203441"  # check digit 1; shown as 1-1017-00203-44-1, masked x-xxxx-xxxxx-44-1
KRABI_ID = "3100600123450"


@pytest.fixture
def make_person(officer: User, other_officer: User) -> Callable[..., Person]:
    def make(**overrides: Any) -> Person:
        values: dict[str, Any] = {
            "first_name": "สมชาย", "last_name": "ใจดี", "title": "นาย", "sex": "M",
            "subdistrict_code": "840503", "source": "network", "citizen_id": VALID_ID}
        values.update(overrides)
        if not values["citizen_id"]:
            values.setdefault("no_citizen_id_reason", "unknown")
        actor = other_officer if values["subdistrict_code"].startswith("81") else officer
        return person_create(actor=actor, data=PersonData(**values), consent=ConsentData(
            status="given", lawful_basis="consent", purposes=["care"]))

    return make


@pytest.fixture
def need_health(db: None) -> Need:
    return Need.objects.get(code="health", province_code="")


@pytest.fixture
def group_elderly(db: None) -> TargetGroup:
    return TargetGroup.objects.get(code="in_hardship", province_code="")


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    """A network coordinator of อ.เกาะพะงัน (8405)."""
    return make_user("coord8405", Role.NETWORK_COORDINATOR, "8405")


@pytest.fixture
def committee_member(make_user: Callable[..., User]) -> User:
    """Reads aggregates only: no personal data."""
    return make_user("committee84", Role.COMMITTEE_MEMBER, "84")


def body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined]


def csv_rows(response: HttpResponseBase) -> list[list[str]]:
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def xlsx_rows(response: HttpResponseBase) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
