"""The home page's inbox: what needs the user's action now, urgent first."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lnob.cases.access import READERS
from lnob.cases.inbox import case_counts, case_sections
from lnob.cases.models import Case
from lnob.cases.services import case_open, case_step
from lnob.core.access import grants_of
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


def new_case(officer: User, name: str, urgent: bool = False) -> Case:
    person = person_create(actor=officer, data=person_data(
        first_name=name, citizen_id="", no_citizen_id_reason="unknown"))
    return case_open(actor=officer, person=person, urgent=urgent)


def sections(client: Client) -> dict[str, str]:
    page = client.get("/").content.decode()
    found = {}
    for part in page.split('data-inbox="')[1:]:
        key, rest = part.split('"', 1)
        found[key] = rest.split("</section>", 1)[0]
    return found


def test_each_section_lists_what_needs_action_urgent_first(
        client: Client, officer: User) -> None:
    new_case(officer, "ปกติ")
    new_case(officer, "เร่งด่วน", urgent=True)
    verified = new_case(officer, "ยืนยันแล้ว")
    case_step(actor=officer, case=verified, action="verify", expected_version=verified.version)
    overdue = new_case(officer, "เลยกำหนด")
    Case.objects.filter(pk=overdue.pk).update(
        status="in_care", next_visit_due=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(officer)
    found = sections(client)
    assert set(found) == {"new", "unassigned", "overdue", "holes"}
    assert found["new"].index("เร่งด่วน") < found["new"].index("ปกติ")
    assert "ยืนยันแล้ว" in found["unassigned"] and "เลยกำหนด" in found["overdue"]
    # No network covers Ko Tao in this test: every report is also a hole.
    assert "ปกติ" in found["holes"]
    listed = client.get("/cases/?inbox=overdue").content.decode()
    assert "เลยกำหนด" in listed and "ปกติ" not in listed


def test_the_inbox_is_scoped(client: Client, officer: User, other_officer: User,
                             make_user: Callable[..., User]) -> None:
    new_case(officer, "สมศักดิ์")
    client.force_login(other_officer)
    assert sections(client) == {}
    committee = make_user("กรรมการ", Role.COMMITTEE_MEMBER, "84")
    client.force_login(committee)
    assert "สมศักดิ์" not in client.get("/").content.decode()
    client.logout()
    assert "สมศักดิ์" not in client.get("/").content.decode()



def test_the_section_counts_are_one_query_and_agree_with_the_lists(
        officer: User, other_officer: User,
        django_assert_num_queries: Callable[..., Any]) -> None:
    """Issue 21: the officer's home counted each section with its own query;
    now one query counts them all, and the counts are the lists' counts."""
    new_case(officer, "ปกติ")
    new_case(officer, "เร่งด่วน", urgent=True)
    verified = new_case(officer, "ยืนยันแล้ว")
    case_step(actor=officer, case=verified, action="verify", expected_version=verified.version)
    overdue = new_case(officer, "เลยกำหนด")
    Case.objects.filter(pk=overdue.pk).update(
        status="in_care", next_visit_due=timezone.localdate() - datetime.timedelta(days=3))
    officer = User.objects.get(pk=officer.pk)  # grants not yet cached
    grants_of(officer, READERS)
    with django_assert_num_queries(1):
        counts = case_counts(officer)
    assert counts == {key: qs.count() for key, (_t, qs) in case_sections(officer).items()}
    assert counts == {"new": 2, "forum": 0, "unassigned": 1, "overdue": 1, "holes": 4}
    assert set(case_counts(other_officer).values()) == {0}


def test_a_long_section_shows_its_first_ten_urgent_first_and_counts_only_open_cases(
        client: Client, officer: User) -> None:
    """Issue 21: a section of many rows picks its first ten before reading
    them with their person (PostgreSQL hashed every person of the province);
    the counts skip closed cases. What the officer sees is the same."""
    for n in range(11):
        new_case(officer, f"ปกติ{n:02d}")
    urgent = new_case(officer, "เร่งด่วน", urgent=True)
    closed = new_case(officer, "ปิดแล้ว")
    Case.objects.filter(pk=closed.pk).update(status="closed", close_reason="moved_away")
    counts = case_counts(officer)
    assert counts["new"] == 12 and counts["holes"] == 12
    client.force_login(officer)
    new = sections(client)["new"]
    assert new.count('href="/cases/') - new.count('href="/cases/?') == 10
    assert new.index(f"/cases/{urgent.pk}/") < new.index("ปกติ00")
    assert "ปกติ09" not in new and "ปกติ10" not in new  # the oldest first after urgency
    assert "ปิดแล้ว" not in new and "12" in new


def test_the_home_and_the_case_list_read_each_row_once(
        client: Client, officer: User,
        django_assert_max_num_queries: Callable[..., Any]) -> None:
    """Inbox and list rows are read with only the columns they show (decision
    0037): a column a row's template needs but the query left out would cost
    one more query a row — the page's statements must not grow with its rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    new_case(officer, "แรก", urgent=True)
    client.force_login(officer)

    def statements(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    home, listing = statements("/"), statements("/cases/")
    for n in range(24):
        new_case(officer, f"ถัด{n}", urgent=n % 2 == 0)
    # Past ten rows, a section reads its first ids, then the rows by id: one
    # more statement for each of the (at most three) sections that grew; a
    # column read row by row would add ten.
    with django_assert_max_num_queries(home + 3):
        page = client.get("/").content.decode()
    assert page.count('href="/cases/') >= 10
    with django_assert_max_num_queries(listing):
        page = client.get("/cases/").content.decode()
    assert "ถัด23" in page and "แรก" in page


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the indexes read are PostgreSQL's plans")
def test_the_officers_counts_are_read_from_an_index_alone(officer: User) -> None:
    """Every home page counts the open cases of the user's areas: from the
    covering index, not the table read at random (18,000 open cases after
    a flood of reports: 11 ms, 4 from the index), and the forum's undecided
    agenda hashed once, not looked up once a new report."""
    new_case(officer, "ปกติ")
    with CaptureQueriesContext(connection) as ctx:
        case_counts(officer)
    (counted,) = [q["sql"] for q in ctx.captured_queries if "FILTER" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table is scanned
        cursor.execute("EXPLAIN " + counted)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using case_province_counts" in plan, plan
    # The undecided agenda is read on its own, not once a case by its id.
    assert "agenda_pending" in plan and "cases_case.id" not in plan, plan
