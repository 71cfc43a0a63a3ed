"""Issue 21, speed: a public report answers with its reference number at
once; the worker files it (decision 0033) and then does its heavy follow-ups
(the duplicate index, the coverage roll-ups), in batches; the figures and
the index are current once it has, ``lnob rollup --verify`` still holds, a
failure after the report's commit never hides the reference number, and a
failure while filing loses no report."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from lnob.cases.intake import door
from lnob.cases.intake import services as intake
from lnob.cases.models import Case, ReceivedReport
from lnob.core import followups
from lnob.core.models import FollowUp, User
from lnob.core.roles import Role
from lnob.coverage.models import AreaRollup, SubdistrictSummary
from lnob.coverage.rollup import rollup_full, rollup_verify
from lnob.dedup.models import PersonFeatures
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import Person
from lnob.testing import reload_migration_data

KO_TAO = "840503"


@pytest.fixture
def lead(db: None) -> Network:
    if not Subdistrict.objects.filter(code=KO_TAO).exists():  # emptied by a transactional test
        reload_migration_data()
    network = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                     province_code="84", is_lead=True, capacity=10)
    network.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    return network


def public_form(**overrides: str) -> dict[str, str]:
    return {"first_name": "ยายแดง", "place": "เกาะเต่า เกาะพะงัน", "summary": "อยู่คนเดียว ติดเตียง",
            "urgent_reasons": "alone_bedridden", **overrides}


def found(code: str) -> int:
    return AreaRollup.objects.get(code=code).found if len(code) < 6 else \
        SubdistrictSummary.objects.get(code=code).found


@pytest.mark.django_db
def test_the_figures_and_the_duplicate_index_follow_once_the_worker_catches_up(
        client: Client, lead: Network) -> None:
    rollup_full()
    before = {code: found(code) for code in ("", "84", "8405", KO_TAO)}
    for n, name in enumerate(["ยายแดง", "ตาดำ", "ป้าศรี"]):
        assert client.post("/report/", public_form(first_name=name),
                           REMOTE_ADDR=f"10.0.0.{n + 1}").status_code == 302
    # Kept and answered; nothing else is done yet.
    assert ReceivedReport.objects.count() == 3
    assert not Case.objects.exists() and not FollowUp.objects.exists()
    assert door.file_waiting() == 3
    persons = list(Case.objects.values_list("person_id", flat=True))
    # Filed; the heavy work is noted for the worker, not done yet.
    assert sorted(FollowUp.objects.values_list("kind", "key")) == sorted(
        [("dedup", str(p)) for p in persons] + [("rollup", KO_TAO)] * 3
        + [("welfare", str(p)) for p in persons])
    assert not PersonFeatures.objects.filter(person_id__in=persons).exists()
    assert found("") == before[""]

    # One refresh for the subdistrict; each person indexed and evaluated once.
    assert followups.catch_up() == 2 * len(persons) + 1
    assert {code: found(code) - before[code] for code in before} == dict.fromkeys(before, 3)
    assert PersonFeatures.objects.filter(person_id__in=persons).count() == 3
    assert not FollowUp.objects.exists()
    assert rollup_verify() == []


@pytest.mark.django_db
def test_verify_does_the_waiting_refreshes_first(client: Client, lead: Network) -> None:
    rollup_full()
    client.post("/report/", public_form())
    assert ReceivedReport.objects.exists()
    # The worker may be down: verify files the waiting reports and does their
    # refreshes itself.
    assert rollup_verify() == []
    assert not ReceivedReport.objects.exists()
    assert not FollowUp.objects.filter(kind="rollup").exists()
    assert found(KO_TAO) == 1


@pytest.mark.django_db
def test_a_refused_report_keeps_nothing(client: Client, lead: Network) -> None:
    client.cookies["django_language"] = "en"
    assert client.post("/report/", public_form(reporter_phone="12ab")).status_code == 400
    for n in range(intake.PUBLIC_REPORTS_PER_HOUR):
        client.post("/report/", public_form(first_name=f"คนที่{n}"), REMOTE_ADDR="10.0.0.9")
    assert client.post("/report/", public_form(first_name="อีกคน"),
                       REMOTE_ADDR="10.0.0.9").status_code == 429
    assert ReceivedReport.objects.count() == intake.PUBLIC_REPORTS_PER_HOUR
    door.file_waiting()
    assert FollowUp.objects.filter(kind="dedup").count() == intake.PUBLIC_REPORTS_PER_HOUR


@pytest.mark.django_db
def test_a_signed_in_report_is_in_the_figures_at_once(
        client: Client, lead: Network, make_user: Callable[..., User],
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    """Read after write: whoever files a report from inside sees its effect."""
    rollup_full()
    client.force_login(make_user("hotline1300", Role.HOTLINE_OPERATOR, ""))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/report/", public_form(first_name="สมหมาย"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert not FollowUp.objects.exists()
    assert PersonFeatures.objects.filter(person_id=case.person_id).exists()
    assert found(KO_TAO) == 1


@pytest.mark.django_db
def test_a_failing_follow_up_waits_and_does_not_hold_back_the_others(
        client: Client, lead: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    rollup_full()
    client.post("/report/", public_form())

    def broken(keys: list[str]) -> None:
        raise OperationalError("the database went away")

    monkeypatch.setitem(followups.HANDLERS, "dedup", broken)
    # The report filed, then the roll-up and the welfare evaluation.
    assert followups.catch_up_quietly() == 3
    assert list(FollowUp.objects.values_list("kind", flat=True)) == ["dedup"]
    assert found(KO_TAO) == 1
    assert followups.waiting()["waiting"] == 1
    health = client.get("/healthz").json()
    assert health["followups"]["waiting"] == 1 and health["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_a_fault_after_the_commit_still_gives_the_reference_number(
        client: Client, lead: Network, monkeypatch: pytest.MonkeyPatch,
        django_assert_max_num_queries: Callable[..., Any]) -> None:
    """Issue 21: during an outage a saved report answered 500, so its reporter
    never learnt the reference number. Here the database goes away right
    after the door's commit (a failing commit callback); the report is kept
    and the reporter gets its number — the thanks page needs no database."""
    create = ReceivedReport.objects.create

    def create_then_fail_after_commit(**kwargs: Any) -> ReceivedReport:
        kept = create(**kwargs)

        def outage() -> None:
            raise OperationalError("server closed the connection unexpectedly")

        transaction.on_commit(outage)
        return kept

    monkeypatch.setattr(ReceivedReport.objects, "create", create_then_fail_after_commit)
    response = client.post("/report/", public_form())
    assert response.status_code == 302
    kept = ReceivedReport.objects.get()
    with django_assert_max_num_queries(0):
        thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and kept.reference in thanks.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_fault_before_the_commit_keeps_nothing_and_says_so(
        client: Client, lead: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**kwargs: Any) -> ReceivedReport:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ReceivedReport.objects, "create", fail)
    client.raise_request_exception = False
    assert client.post("/report/", public_form()).status_code == 500
    assert not ReceivedReport.objects.exists()


@pytest.mark.django_db
def test_the_database_going_away_while_filing_loses_no_report(
        client: Client, lead: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    client.post("/report/", public_form(), REMOTE_ADDR="10.0.0.1")
    client.post("/report/", public_form(first_name="ตาดำ"), REMOTE_ADDR="10.0.0.2")

    def outage(**kwargs: Any) -> Case:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(intake, "case_create", outage)
    assert followups.catch_up_quietly() == 0  # logged; the worker goes on
    assert not Case.objects.exists()
    assert list(ReceivedReport.objects.values_list("attempts", flat=True)) == [0, 0]
    assert followups.waiting()["public_reports"]["waiting"] == 2
    health = client.get("/healthz").json()
    assert health["followups"]["public_reports"]["waiting"] == 2
    monkeypatch.undo()
    assert door.file_waiting() == 2  # back: both filed, in order
    assert list(Case.objects.order_by("id").values_list("person__first_name", flat=True)) == [
        "ยายแดง", "ตาดำ"]


@pytest.mark.django_db
def test_a_report_that_fails_to_file_is_kept_with_its_error_and_holds_back_no_other(
        client: Client, lead: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    client.post("/report/", public_form(first_name="ยายแดง"), REMOTE_ADDR="10.0.0.1")
    client.post("/report/", public_form(first_name="ตาดำ"), REMOTE_ADDR="10.0.0.2")
    create = intake.case_create

    def fails_for_one(**kwargs: Any) -> Case:
        if kwargs["person"].first_name == "ยายแดง":
            raise RuntimeError("a fault of the system")
        return create(**kwargs)

    monkeypatch.setattr(intake, "case_create", fails_for_one)
    door.file_waiting()
    assert list(Case.objects.values_list("person__first_name", flat=True)) == ["ตาดำ"]
    stuck = ReceivedReport.objects.get()
    assert stuck.attempts == door.MAX_ATTEMPTS and "a fault of the system" in stuck.error
    # No half-filed report: the failed one left no person behind.
    assert not Person.objects.filter(first_name="ยายแดง").exists()
    assert intake.public_stage(stuck.reference) == "received"  # its reporter is not told off


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="a second connection: PostgreSQL (the SQLite test database is "
                           "one shared-cache connection)")
def test_the_workers_catch_up_thread_does_them_within_seconds(
        client: Client, lead: Network, settings: Any) -> None:
    from lnob.core.management.commands.worker import CatchUp

    settings.LNOB_CATCHUP_SECONDS = 0.1
    assert client.post("/report/", public_form()).status_code == 302
    assert ReceivedReport.objects.count() == 1 and not Case.objects.exists()
    thread = CatchUp()
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while (ReceivedReport.objects.exists() or not Case.objects.exists()
               or FollowUp.objects.exists()) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        thread.stop()
        thread.join(10)
    person = Case.objects.get().person_id
    assert not ReceivedReport.objects.exists() and not FollowUp.objects.exists()
    assert PersonFeatures.objects.filter(person_id=person).exists()
    assert SubdistrictSummary.objects.get(code=KO_TAO).found == 1


@pytest.mark.django_db
def test_a_report_the_database_refuses_is_kept_aside_and_the_others_are_filed(
        client: Client, lead: Network) -> None:
    """A constraint the database enforces (here a reference already taken by
    a case) fails that one report, never the batch: no poison pill."""
    client.post("/report/", public_form(first_name="ยายแดง"), REMOTE_ADDR="10.0.0.1")
    door.file_waiting()
    taken = Case.objects.get(person__first_name="ยายแดง")
    # A later report that happens to carry a filed case's reference.
    ReceivedReport.objects.create(reference=taken.reference, ip="10.0.0.4",
                                  report={"first_name": "ลุงมี", "subdistrict_code": KO_TAO,
                                          "summary": "ติดเตียง"})
    client.post("/report/", public_form(first_name="น้าแก้ว"), REMOTE_ADDR="10.0.0.5")
    door.file_waiting()
    assert Case.objects.filter(person__first_name="น้าแก้ว").exists()
    stuck = ReceivedReport.objects.get()
    assert stuck.attempts == door.MAX_ATTEMPTS and "IntegrityError" in stuck.error
