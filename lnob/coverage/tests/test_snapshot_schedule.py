"""Snapshots without an operator: ``lnob serve`` checks every hour and asks
the worker for the snapshots due that day (monthly, and a province's
milestone days), once. (The serve side is tested in web/tests/test_serve.py.)"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from lnob.core.models import User
from lnob.coverage import roadmap as rm
from lnob.coverage.models import Snapshot, SnapshotKind
from lnob.coverage.tasks import TAKE_SNAPSHOTS, snapshots_ask
from lnob.testing import today

pytestmark = pytest.mark.django_db


def test_the_check_takes_the_months_snapshots_once(built: None) -> None:
    assert snapshots_ask()  # tests run tasks at once (the worker's job)
    assert Snapshot.objects.filter(taken_on=today(), kind=SnapshotKind.MONTHLY).count() == 78
    assert not snapshots_ask()  # nothing due any more today
    assert Snapshot.objects.count() == 78


def test_a_province_past_its_milestone_day_is_taken_as_a_milestone(
        built: None, officer: User) -> None:
    snapshots_ask()
    d_day = rm.add_months(today(), -3)
    assert today() - datetime.timedelta(days=3) <= rm.milestone_dates(d_day)[3] <= today()
    rm.roadmap_update(actor=officer, province_code="84", d_day=d_day, targets={})
    Snapshot.objects.filter(area_code="84").delete()
    assert snapshots_ask()
    assert Snapshot.objects.get(area_code="84", taken_on=today()).kind == SnapshotKind.MILESTONE
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
