"""Issue 21, several hosts: the replica router against a real streaming
standby. The throwaway PostgreSQL 15 of ``scripts/with-postgres.sh`` is the
primary; a hot standby is copied from it (``pg_basebackup -R``) and started
on another loopback port. With its replay paused, a row written on the
primary exists only there: an export that does not show it was read from
the standby, a page that does was read from the primary."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.utils import load_backend
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.core import dbrouter
from lnob.core.citizen_id import check_digit
from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.registry.migrations import _national_taxonomy
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, PersonData, person_create
from lnob.testing.persons import person_data
from lnob.testing.postgres import Standby

pytestmark = [
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                       reason="a streaming standby: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning"),
]


@pytest.fixture(scope="module")
def standby(django_db_setup: None, django_db_blocker: Any) -> Iterator[Standby]:
    """Started once the test database exists, so the copy has it."""
    with django_db_blocker.unblock():
        server = Standby(os.environ["DATABASE_URL"])
    yield server
    server.remove()


@pytest.fixture
def replica(standby: Standby, settings: Any) -> Iterator[Standby]:
    """``LNOB_REPLICA_URL`` pointing at the standby: the ``replica`` database,
    on the standby's port, with the test database's name."""
    if Province.objects.filter(code="84").count() == 0:
        # Transactional tests empty the tables afterwards; put back what migrations load.
        load_geography(Province, District, Subdistrict)
        _national_taxonomy.load()
    replica_settings = standby.settings_for(connections["default"].settings_dict)
    settings.DATABASES = {**settings.DATABASES, dbrouter.REPLICA: replica_settings}
    # A connection made here, as settings with LNOB_REPLICA_URL make at start
    # (Django's test case allows such a "dynamically created" one).
    backend = load_backend(replica_settings["ENGINE"])
    connections[dbrouter.REPLICA] = backend.DatabaseWrapper(replica_settings, dbrouter.REPLICA)
    dbrouter._down_until[0] = 0.0
    caught_up(standby)
    yield standby
    if standby.sql("SELECT pg_is_wal_replay_paused()", database()) == "t":
        standby.sql("SELECT pg_wal_replay_resume()", database())
    connections[dbrouter.REPLICA].close()
    del connections[dbrouter.REPLICA]
    dbrouter._down_until[0] = 0.0


_IDS = iter(range(310170020344, 310170020999))


def an_id() -> str:
    first12 = str(next(_IDS))
    return first12 + str(check_digit(first12))


def database() -> str:
    return str(connections["default"].settings_dict["NAME"])


def caught_up(standby: Standby) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")  # commits not yet flushed too
        lsn = cursor.fetchone()[0]
    return standby.caught_up(lsn, database())


def paused(standby: Standby) -> None:
    """Replay stops: what the primary writes from now on is not on the standby."""
    standby.sql("SELECT pg_wal_replay_pause()", database())


@pytest.fixture
def officer_client(make_user: Callable[..., User]) -> tuple[User, Client]:
    officer = make_user("officer.replica", Role.PROVINCIAL_OFFICER, "84")
    client = Client()
    client.force_login(officer)
    return officer, client


def body(response: HttpResponseBase) -> str:
    content = (b"".join(response.streaming_content)  # type: ignore[attr-defined]
               if response.streaming else response.content)  # type: ignore[attr-defined]
    return content.decode("utf-8-sig")


def consented(**fields: Any) -> tuple[PersonData, ConsentData]:
    """A person who agreed to sharing (an export leaves out a refusal)."""
    return person_data(citizen_id=an_id(), **fields), ConsentData(
        status="given", lawful_basis="consent", purposes=["care"])


def test_an_export_is_read_from_the_standby_and_its_audit_written_on_the_primary(
        replica: Standby, officer_client: tuple[User, Client]) -> None:
    officer, client = officer_client
    data, consent = consented(first_name="บุญมา")
    person_create(actor=officer, data=data, consent=consent)
    caught_up(replica)
    paused(replica)
    data, consent = consented(first_name="มาใหม่")
    person_create(actor=officer, data=data, consent=consent)
    audits = AuditEvent.objects.count()

    with CaptureQueriesContext(connections[dbrouter.REPLICA]) as on_standby:
        sent = body(client.get("/persons/export.csv"))
    assert "บุญมา" in sent
    assert "มาใหม่" not in sent  # written after the pause: only the primary has it
    assert on_standby.captured_queries
    assert all(q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE", "FETCH", "CLOSE"))
               for q in on_standby.captured_queries)  # a write never goes there
    with connections[dbrouter.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    assert AuditEvent.objects.count() > audits  # the export's audit: on the primary

    replica.sql("SELECT pg_wal_replay_resume()", database())
    caught_up(replica)
    assert "มาใหม่" in body(client.get("/persons/export.csv"))


def test_other_pages_and_reads_after_a_write_use_the_primary(
        replica: Standby, officer_client: tuple[User, Client]) -> None:
    officer, client = officer_client
    paused(replica)
    person = person_create(actor=officer, data=person_data(first_name="เพิ่งบันทึก",
                                                            citizen_id=an_id()))
    # The person's page is not a replica view: it shows what was just saved.
    page = client.get(f"/persons/{person.pk}/")
    assert page.status_code == 200 and "เพิ่งบันทึก" in page.content.decode()
    with dbrouter.replica_reads():
        # A read after a write in the same transaction sees it (the primary) …
        with transaction.atomic():
            again = person_create(actor=officer, data=person_data(first_name="อีกคน",
                                                                   citizen_id=an_id()))
            assert Person.objects.filter(pk=again.pk).exists()
        # … while outside one the router would send it to the lagging standby:
        # why only pages that never write and read back are listed.
        assert not Person.objects.filter(pk=again.pk).exists()


def test_with_the_standby_down_the_pages_read_the_primary(
        replica: Standby, officer_client: tuple[User, Client],
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    officer, client = officer_client
    data, consent = consented(first_name="ยังอยู่")
    person_create(actor=officer, data=data, consent=consent)
    client.get("/persons/export.csv")  # a connection to the standby is open
    replica.stop()
    try:
        with caplog.at_level("WARNING", logger="lnob.core.dbrouter"):
            response = client.get("/persons/export.csv")
        assert response.status_code == 200 and "ยังอยู่" in body(response)
        assert "Replica database unreachable" in caplog.text
        assert not dbrouter.replica_usable()  # left alone for a while: no wait per page

        # Down between the check and the page's own read: served again from the primary.
        dbrouter._down_until[0] = 0.0
        connections[dbrouter.REPLICA].close()
        with monkeypatch.context() as patch, caplog.at_level("WARNING",
                                                             logger="lnob.core.dbrouter"):
            patch.setattr(dbrouter, "replica_usable", lambda: True)
            page = client.get("/coverage/84/")
        assert page.status_code == 200
        assert caplog.text.count("Replica database unreachable") == 2  # the retry said so
    finally:
        replica.start()
