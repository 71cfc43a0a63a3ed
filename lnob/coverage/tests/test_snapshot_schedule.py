"""Snapshots without an operator: ``lnob serve`` checks every hour and asks
the worker for the snapshots due that day (monthly, and a province's
milestone days), once."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import pytest
from django.utils import timezone

from lnob.core.management.commands import serve
from lnob.core.models import User
from lnob.coverage import roadmap as rm
from lnob.coverage.models import Snapshot, SnapshotKind
from lnob.coverage.tasks import TAKE_SNAPSHOTS, snapshots_ask

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_check_takes_the_months_snapshots_once(built: None) -> None:
    assert snapshots_ask()  # tests run tasks at once (the worker's job)
    assert Snapshot.objects.filter(taken_on=TODAY, kind=SnapshotKind.MONTHLY).count() == 78
    assert not snapshots_ask()  # nothing due any more today
    assert Snapshot.objects.count() == 78


def test_a_province_past_its_milestone_day_is_taken_as_a_milestone(
        built: None, officer: User) -> None:
    snapshots_ask()
    d_day = rm.add_months(TODAY, -3)
    assert TODAY - datetime.timedelta(days=3) <= rm.milestone_dates(d_day)[3] <= TODAY
    rm.roadmap_update(actor=officer, province_code="84", d_day=d_day, targets={})
    Snapshot.objects.filter(area_code="84").delete()
    assert snapshots_ask()
    assert Snapshot.objects.get(area_code="84", taken_on=TODAY).kind == SnapshotKind.MILESTONE
    assert not snapshots_ask()


def test_nothing_is_asked_before_the_roll_ups_exist(db: None) -> None:
    assert not snapshots_ask()
    assert not Snapshot.objects.exists()


def test_one_request_waits_for_the_worker_however_often_it_is_checked(
        built: None, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert snapshots_ask()
    assert not snapshots_ask()
    assert DBTaskResult.objects.filter(task_path=TAKE_SNAPSHOTS).count() == 1
    assert not Snapshot.objects.exists()  # the worker has not run yet


class _Process:
    """A gunicorn or worker process that stops after a few polls (the server
    starts it again)."""

    pid = 4242

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.polls = 0

    def poll(self) -> int | None:
        self.polls += 1
        return None if self.polls < 4 else 0

    def terminate(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.mark.parametrize(("flags", "checks"), [([], 1), (["--no-snapshots"], 0)])
def test_serve_checks_the_snapshots_while_it_runs(
        monkeypatch: pytest.MonkeyPatch, flags: list[str], checks: int) -> None:
    calls: list[bool] = []
    handlers: list[Any] = []
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:  # Ctrl+C after a while
        sleeps.append(seconds)
        if len(sleeps) == 20:
            handlers[-1](2, None)

    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(serve.subprocess, "Popen", _Process)
    monkeypatch.setattr(serve.time, "sleep", sleep)
    monkeypatch.setattr(serve, "ask_for_snapshots", lambda: calls.append(True))
    monkeypatch.setattr(serve.jobs, "reap_quietly", lambda: 0)
    monkeypatch.setattr(serve.signal, "signal", lambda signum, handler: handlers.append(handler))
    from django.core.management import call_command

    call_command("serve", *flags)
    assert len(calls) == checks


def test_a_failed_check_is_logged_and_the_server_goes_on(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import lnob.coverage.tasks as tasks

    def broken() -> bool:
        raise RuntimeError("database away")

    monkeypatch.setattr(tasks, "snapshots_ask", broken)
    with caplog.at_level(logging.ERROR):
        serve.ask_for_snapshots()
    assert "snapshots due today failed" in caplog.text
