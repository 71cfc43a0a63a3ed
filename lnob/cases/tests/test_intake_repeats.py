"""Issue 14 at intake: a repeated public report joins the open case instead of
reaching the forum twice; the hotline form keeps every answer across the duplicate
warning (records outside the operator's areas: see the duplicate check's own
tests)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.cases.intake import services as intake
from lnob.cases.intake.door import file_received, file_waiting
from lnob.cases.models import Case
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


def public_form(**overrides: str) -> dict[str, str]:
    return {"first_name": "ยายแดง", "last_name": "มีสุข", "place": "840503",
            "summary": "อยู่คนเดียว ติดเตียง", **overrides}


@pytest.fixture
def hotline(make_user: Callable[..., User]) -> User:
    return make_user("hotline1300", Role.HOTLINE_OPERATOR, "")


def test_the_same_public_report_twice_reaches_the_coordinator_once(
        client: Client, officer: User) -> None:
    assert client.post("/report/", public_form()).status_code == 302
    first_ref = client.session.get("public_reference")
    response = client.post("/report/", public_form(summary="ยังไม่มีใครมา",
                                                   urgent_reasons="alone_bedridden"))
    assert response.status_code == 302
    assert file_waiting() == 2  # one round of the worker files both, in order
    open_cases = Case.objects.filter(status__in=["reported", "verified"])
    assert open_cases.count() == 1  # the forum agenda and the inbox list it once
    kept = open_cases.get()
    again = kept.events.get(action="report_again")
    assert "ยังไม่มีใครมา" in again.note  # visible to the coordinator on the case
    assert kept.urgent  # the repeat's urgency reaches the case
    repeat = Case.objects.exclude(pk=kept.pk).get()
    assert (repeat.status, repeat.duplicate_of_id) == ("duplicate", kept.pk)
    # The anonymous reporter of the repeat sees the stage of the care, not the join.
    thanks = client.get("/report/thanks/").content.decode()
    assert repeat.reference in thanks and kept.reference not in thanks
    assert intake.public_stage(repeat.reference) == "received"
    assert first_ref is None or first_ref != repeat.reference


def test_another_person_of_the_subdistrict_is_not_a_repeat(client: Client) -> None:
    client.post("/report/", public_form())
    client.post("/report/", public_form(first_name="ตาดำ"))
    file_waiting()
    assert Case.objects.filter(status="reported").count() == 2


def test_the_chosen_subdistrict_survives_the_duplicate_warning(
        client: Client, officer: User, hotline: User) -> None:
    person_create(actor=officer, data=person_data(first_name="สมชาย", last_name="ใจดี",
                                                  citizen_id="1101700203441"))
    client.force_login(hotline)
    form = {"first_name": "สมชาย", "last_name": "ใจดี", "place": "เกาะเต่า",
            "summary": "อยู่คนเดียว", "citizen_id": "1101700203441"}
    page = client.post("/cases/report/", form).content.decode()
    assert 'value="840503"' in page and 'value="931003"' in page  # which เกาะเต่า?
    response = client.post("/cases/report/", {**form, "subdistrict_choice": "840503"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="hints-title"' in page
    # The hidden field now holds the choice: saving again files, no second question.
    hidden = re.search(r'name="subdistrict" value="(\d+)"', page)
    assert hidden is not None and hidden.group(1) == "840503"
    response = client.post("/cases/report/", {**form, "subdistrict": hidden.group(1),
                                              "checked_duplicates": "1"})
    assert response.status_code == 302
    assert Case.objects.get().subdistrict_id == "840503"


def test_a_repeated_public_report_costs_few_round_trips_and_leaves_the_same_records(
        client: Client, officer: User,
        django_assert_max_num_queries: Callable[..., Any]) -> None:
    """Issue 21: the repeat's person is written with the duplicate status at
    once (no UPDATE after), and the kept case's version moves on in one
    statement that reads back what its event needs (no SELECT after)."""
    client.post("/report/", public_form(), REMOTE_ADDR="10.0.0.1")
    file_waiting()
    kept = Case.objects.get()
    response = client.post("/report/", public_form(summary="ยังไม่มีใครมา",
                                                   urgent_reasons="alone_bedridden"),
                           REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    # The worker's round: its transaction's two ends, taking, deleting, the
    # report's savepoint and its 12 statements.
    with django_assert_max_num_queries(17):
        assert file_received() == 1
    repeat = Case.objects.exclude(pk=kept.pk).get()
    assert (repeat.status, repeat.person.status) == ("duplicate", "duplicate")
    kept_before = kept.version
    kept.refresh_from_db()
    assert kept.version == kept_before + 1
    assert kept.urgent and kept.urgent_reasons == ["alone_bedridden"]
    again = kept.events.get(action="report_again")
    assert (again.from_status, again.to_status) == ("reported", "reported")
    assert kept.person.status == "reported"  # the kept person is untouched
