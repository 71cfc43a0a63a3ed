"""Issue 21, several hosts: dashboards, roll-up pages and exports may read
from a streaming replica (``LNOB_REPLICA_URL``), through a router that never
sends it a read that must see a write — and without a replica everything
uses the primary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from lnob.core import dbrouter
from lnob.core.dbrouter import ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from lnob.core.models import AuditEvent, User
from lnob.coverage.models import SubdistrictSummary
from lnob.registry.models import Person

router = ReplicaRouter()
# The settings say a replica exists; no connection to it is ever opened here.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")


@pytest.fixture
def with_replica(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    # Taken as answering: a real standby, up and down, is in test_replica_streaming.py.
    monkeypatch.setattr(dbrouter, "replica_usable", lambda: True)


def test_without_a_replica_every_read_uses_the_primary() -> None:
    with replica_reads():
        assert router.db_for_read(SubdistrictSummary) == "default"
        assert router.db_for_read(Person) == "default"


@pytest.mark.django_db
def test_without_a_replica_the_dashboards_are_served(client: Client) -> None:
    assert client.get("/coverage/public/").status_code == 200


def test_with_a_replica_only_figures_and_records_are_read_there(with_replica: None) -> None:
    assert router.db_for_read(SubdistrictSummary) == "default"  # not asked for
    with replica_reads():
        assert router.db_for_read(SubdistrictSummary) == "replica"
        assert router.db_for_read(Person) == "replica"
        # Who is signed in, their session, roles and the audit: always the primary.
        for model in (User, Session, AuditEvent):
            assert router.db_for_read(model) == "default"
    for written in (SubdistrictSummary, Person, User):
        assert router.db_for_write(written) == "default"
    assert router.allow_migrate("default", "coverage")
    assert not router.allow_migrate("replica", "coverage")


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(with_replica: None) -> None:
    with replica_reads(), transaction.atomic():  # it must see its own writes
        assert router.db_for_read(SubdistrictSummary) == "default"


def run(middleware: ReplicaReadsMiddleware, request: HttpRequest, view: Any) -> Any:
    request.resolver_match = resolve(request.path)
    middleware.process_view(request, view, (), {})
    return view(request)


def test_the_middleware_turns_replica_reads_on_for_dashboard_gets_only(
        with_replica: None) -> None:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(SubdistrictSummary))
        return HttpResponse()

    factory = RequestFactory()
    middleware = ReplicaReadsMiddleware(lambda request: run(middleware, request, view))
    middleware(factory.get("/coverage/public/"))
    middleware(factory.post("/coverage/public/"))  # not a read-only request
    middleware(factory.get("/cases/"))  # not a dashboard: read after write
    middleware(factory.get("/coverage/84/"))
    assert seen == ["replica", "default", "default", "replica"]
    assert router.db_for_read(SubdistrictSummary) == "default"  # nothing carries over


def test_a_streamed_export_reads_its_rows_from_the_replica(with_replica: None) -> None:
    seen: list[str] = []

    def rows() -> Iterator[str]:
        for _ in range(2):
            seen.append(router.db_for_read(Person))
            yield "row\n"

    def view(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(rows())

    middleware = ReplicaReadsMiddleware(lambda request: run(middleware, request, view))
    response = middleware(RequestFactory().get("/persons/export.csv"))
    assert router.db_for_read(Person) == "default"  # between the parts
    assert b"".join(response.streaming_content) == b"row\nrow\n"  # type: ignore[attr-defined]
    assert seen == ["replica", "replica"]
    assert router.db_for_read(Person) == "default"


def test_s3_storage_is_chosen_by_the_environment_and_the_filesystem_by_default() -> None:
    import os
    import subprocess
    import sys

    code = "import lnob.settings as s; print(s.STORAGES['default']['BACKEND'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LNOB_S3")}
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,  # noqa: S603
                           text=True, check=True).stdout.strip()
    s3 = subprocess.run([sys.executable, "-c", code],  # noqa: S603
                        env=env | {"LNOB_S3_BUCKET": "lnob-media"}, capture_output=True,
                        text=True, check=True).stdout.strip()
    assert plain == "django.core.files.storage.FileSystemStorage"
    assert s3 == "storages.backends.s3.S3Storage"
