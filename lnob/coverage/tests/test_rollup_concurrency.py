"""The roll-ups under concurrency, on PostgreSQL with real threads (each its
own connection): two full rebuilds never collide, and a full rebuild never
loses a change that commits while it computes."""

from __future__ import annotations

import datetime
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.coverage.models import AreaRollup, RollupDirty
from lnob.coverage.rollup import REBUILDING, rollup_full, rollup_verify
from lnob.coverage.tests.conftest import new_person
from lnob.registry.models import Need
from lnob.testing import in_parallel, reload_migration_data

on_postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="concurrent connections: PostgreSQL (the SQLite test database is one connection)")


@pytest.fixture
def country(transactional_db: None) -> None:
    reload_migration_data()


def in_threads(*work: Callable[[], Any]) -> list[BaseException]:
    """Runs each job at once, one thread each; returns the errors raised."""
    results = in_parallel(lambda job: job(), list(work))
    return [r for r in results if isinstance(r, BaseException)]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_full_rebuilds_at_once_both_succeed_and_agree_with_the_sources(
        country: None) -> None:
    rollup_full()

    def rebuilds() -> None:
        for _ in range(3):
            rollup_full()

    assert in_threads(rebuilds, rebuilds) == []  # no duplicate key
    assert rollup_verify() == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_full_rebuild_never_loses_reports_that_arrive_while_it_runs(
        country: None, make_user: Callable[..., User]) -> None:
    officer = make_user("officer84", Role.PROVINCIAL_OFFICER, "84")
    need = Need.objects.get(code="health", province_code="")
    rollup_full()
    stop = threading.Event()
    made: list[int] = []

    def arrive() -> None:  # reports keep coming, each committed on its own
        while not stop.is_set():
            with transaction.atomic():  # refreshes its subdistrict on commit
                new_person(officer, need, f"รายงาน{len(made)}")
            made.append(1)
            time.sleep(0.02)

    def rebuilds() -> None:
        try:
            for _ in range(3):
                rollup_full()
        finally:
            stop.set()

    assert in_threads(arrive, rebuilds) == []
    for code in ("8405", "84", ""):
        assert AreaRollup.objects.get(code=code).found == len(made), code
    assert rollup_verify() == []
    assert len(made) > 20  # and the reports never waited for a rebuild


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite marker")
@pytest.mark.django_db
def test_on_sqlite_a_refresh_during_a_rebuild_is_noted_and_the_rebuild_applies_it(
        make_user: Callable[..., User], commit: Callable[[], Any]) -> None:
    officer = make_user("officer84", Role.PROVINCIAL_OFFICER, "84")
    need = Need.objects.get(code="health", province_code="")
    rollup_full()
    computing = RollupDirty.objects.create(code=REBUILDING)  # a rebuild computing elsewhere
    with commit():
        new_person(officer, need, "ระหว่างสร้างใหม่")
    assert AreaRollup.objects.get(code="").found == 0  # noted, not yet counted
    assert list(RollupDirty.objects.exclude(code=REBUILDING).values_list("code", flat=True)) \
        == ["840503"]
    computing.delete()  # that rebuild ends; the next refresh or rebuild applies the note
    rollup_full()
    assert AreaRollup.objects.get(code="").found == 1
    assert not RollupDirty.objects.exists()
    assert rollup_verify() == []


@pytest.mark.django_db
def test_the_marker_of_a_rebuild_that_died_an_hour_ago_is_ignored(
        make_user: Callable[..., User], commit: Callable[[], Any]) -> None:
    officer = make_user("officer84", Role.PROVINCIAL_OFFICER, "84")
    need = Need.objects.get(code="health", province_code="")
    rollup_full()
    RollupDirty.objects.create(code=REBUILDING,
                               at=timezone.now() - datetime.timedelta(hours=2))
    with commit():
        new_person(officer, need, "หลังเครื่องล่ม")
    assert AreaRollup.objects.get(code="").found == 1
