"""Jobs that finish or fail cleanly: heartbeats, the reaper of jobs whose
worker died, and what /healthz says about the worker and the disk."""

from __future__ import annotations

import datetime
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lnob.core import jobs
from lnob.core.models import WorkerBeat

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    """The pid of a process that has exited (and been waited for)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    return process.pid


def a_task(worker: str, status: str = TaskResultStatus.RUNNING) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status, args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        task_path="lnob.coverage.tasks.take_snapshots", worker_ids=[worker],
        run_after=timezone.now(), started_at=timezone.now())


def test_a_task_whose_worker_died_is_marked_failed_and_no_longer_blocks_the_next() -> None:
    from lnob.coverage.tasks import TAKE_SNAPSHOTS, waiting

    task = a_task(f"worker:{jobs.HOST}:{dead_pid()}")
    assert waiting(TAKE_SNAPSHOTS)  # a stuck snapshot task would block every later one
    assert jobs.reap() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert "stopped" in task.traceback
    assert task.exception_class_path == "lnob.core.jobs.WorkerDied"
    assert not waiting(TAKE_SNAPSHOTS)


def test_a_task_of_a_living_worker_is_left_running() -> None:
    task = a_task(jobs.runner_id("worker"))  # this very process
    assert jobs.reap() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_on_another_host_the_heartbeat_decides() -> None:
    fresh, stale = "worker:other-host:1", "worker:other-host:2"
    unknown = "web:other-host:3"  # a web process there: its own host's reaper decides
    WorkerBeat.objects.create(worker_id=fresh, host="other-host", pid=1)
    WorkerBeat.objects.create(worker_id=stale, host="other-host", pid=2,
                              beat_at=timezone.now() - datetime.timedelta(minutes=5))
    tasks = [a_task(fresh), a_task(stale), a_task(unknown)]
    assert jobs.reap() == 1
    assert [DBTaskResult.objects.get(pk=t.pk).status for t in tasks] == [
        TaskResultStatus.RUNNING, TaskResultStatus.FAILED, TaskResultStatus.RUNNING]
    assert not WorkerBeat.objects.filter(worker_id=stale).exists()  # forgotten once reaped


def test_a_run_whose_worker_died_is_failed_with_a_message_in_thai_and_english(
        officer: Any) -> None:
    from lnob.dedup.models import DedupRun
    from lnob.matching.models import MatchingRun

    runner = f"worker:{jobs.HOST}:{dead_pid()}"
    dedup = DedupRun.objects.create(scope_code="84", status="running", runner=runner)
    matching = MatchingRun.objects.create(scope_code="84", status="running", runner=runner)
    queued = MatchingRun.objects.create(scope_code="84")  # waits for a worker: left alone
    assert jobs.reap() == 2
    dedup.refresh_from_db()
    matching.refresh_from_db()
    queued.refresh_from_db()
    assert dedup.status == "failed" and "worker" in dedup.error and "ไม่" in dedup.error
    assert matching.status == "failed" and matching.error["code"] == "interrupted"
    assert matching.error["message_th"] != matching.error["message_en"]
    assert queued.status == "queued"


def test_health_shows_the_database_the_worker_and_the_disk(client: Client) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["worker"]["state"] == "none"  # no worker ever started
    assert body["disk"]["state"] == "ok" and body["disk"]["free_mb"] > 0
    WorkerBeat.objects.create(worker_id=jobs.runner_id("worker"), host=jobs.HOST, pid=1)
    a_task("x", status=TaskResultStatus.READY)
    body = client.get("/healthz").json()
    assert body["worker"]["state"] == "ok" and body["worker"]["alive"] == 1
    assert body["worker"]["tasks_waiting"] == 1


def test_health_says_down_when_the_only_worker_is_dead_but_the_site_still_serves(
        client: Client) -> None:
    WorkerBeat.objects.create(worker_id=f"worker:{jobs.HOST}:{dead_pid()}", host=jobs.HOST,
                              pid=1)
    response = client.get("/healthz")
    assert response.status_code == 200  # the web server serves without the worker
    assert response.json()["worker"]["state"] == "down"


def test_health_is_503_when_the_disk_is_nearly_full(client: Client, settings: Any) -> None:
    settings.LNOB_MIN_FREE_DISK_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["disk"]["state"] == "low"


def test_the_worker_waits_out_a_database_outage_instead_of_crashing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker

    from lnob.core.management.commands import worker as command

    attempts: list[int] = []

    def loop(self: Any) -> None:  # the library's loop: the database away twice
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Worker, "run", loop)
    waits: list[float] = []
    monkeypatch.setattr(command.time, "sleep", waits.append)
    monkeypatch.setattr(command.jobs, "reap", lambda **kw: 0)
    worker = command.LnobWorker(queue_names=["default"], interval=1, batch=False,
                                backend_name="default", startup_delay=False, max_tasks=None,
                                worker_id="w", excluded_queue_names=[])
    worker.run()
    assert len(attempts) == 3 and waits == [1.0, 2.0]  # backing off, then back at work


def test_a_task_stuck_past_the_timeout_makes_the_worker_exit_to_be_restarted(
        monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    from lnob.core.management.commands import worker as command

    settings.LNOB_TASK_TIMEOUT = 10
    exits: list[int] = []
    monkeypatch.setattr(command.os, "_exit", exits.append)
    heart = command.Heart("worker:test:1")
    heart.running("lnob.coverage.tasks.take_snapshots")
    heart.watch()
    assert exits == []
    heart.task_started = command.time.monotonic() - 11
    heart.watch()
    assert exits == [75]
    heart.stop()


def test_health_counts_the_tasks_the_living_workers_run(client: Client) -> None:
    WorkerBeat.objects.create(worker_id=jobs.runner_id("worker"), host=jobs.HOST, pid=1,
                              task_path="lnob.imports.tasks.commit_import")
    WorkerBeat.objects.create(worker_id=f"worker:{jobs.HOST}:{dead_pid()}", host=jobs.HOST,
                              pid=2, task_path="lnob.dedup.tasks.run_dedup")
    assert client.get("/healthz").json()["worker"]["tasks_running"] == 1
