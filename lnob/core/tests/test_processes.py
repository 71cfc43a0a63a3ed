"""Real processes on their own SQLite file: ``lnob serve`` keeps the site up
when its worker or its web server is killed and starts them again; a worker
killed at chosen points of an import leaves a job that is failed, retried and
imported once. (One run is enough: these tests bring their own database.)"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                                reason="brings its own SQLite database; runs in the SQLite run")
LNOB = str(Path(sys.executable).with_name("lnob"))
ROWS = 40


def environment(var: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LNOB_", "DATABASE_URL", "DJANGO_"))}
    env.update(LNOB_VAR_DIR=str(var), LNOB_PLAIN_STATIC="1", LOG_LEVEL="INFO", **extra)
    return env


def in_django(var: Path, code: str) -> Any:
    """Runs ``code`` in a fresh process on that database; returns what it
    printed as JSON on its last line."""
    run = subprocess.run([LNOB, "shell", "-c", code], env=environment(var),  # noqa: S603
                         capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lnob-var")
    subprocess.run([LNOB, "migrate", "-v0"], env=environment(folder),  # noqa: S603
                   check=True, timeout=300)
    return folder


def until(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def health(port: int) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
            body: dict[str, Any] = json.loads(r.read())
            return body
    except (urllib.error.URLError, OSError, ValueError):
        return None


@pytest.fixture
def served(var: Path, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603
            [LNOB, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-snapshots",
             "--no-migrate"], env=environment(var), stdout=out, stderr=subprocess.STDOUT)
    try:
        until(lambda: (health(port) or {}).get("worker", {}).get("state") == "ok", 60,
              "the site answers and its worker beats")
        yield port, log
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=40)
        assert code == 0, log.read_text()[-3000:]
        assert "lnob serve: stopped" in log.read_text()


def pids(log: Path, name: str) -> list[int]:
    return [int(p) for p in re.findall(rf"{name}: started \(pid (\d+)\)", log.read_text())]


def test_killing_the_worker_never_stops_the_site_and_the_worker_comes_back(
        served: tuple[int, Path]) -> None:
    port, log = served
    text = log.read_text()
    assert "lnob serve: collecting static files" in text  # it says what it does
    [worker] = pids(log, "task worker")
    os.kill(worker, signal.SIGKILL)
    killed = time.monotonic()
    for _ in range(10):  # the web server keeps answering while the worker is away
        assert (health(port) or {}).get("database") == "ok"
    until(lambda: len(pids(log, "task worker")) == 2, 15, "the worker is started again")
    assert "task worker: exited with code -9; starting it again in 1 s" in log.read_text()
    until(lambda: (health(port) or {}).get("worker", {}).get("alive") == 1, 15,
          "the new worker beats")
    back = time.monotonic() - killed
    print(f"worker killed: back and beating in {back:.1f} s")
    assert back < 10, f"the worker took {back:.1f} s to come back"


def test_killing_the_web_server_brings_it_back_and_the_worker_keeps_running(
        served: tuple[int, Path]) -> None:
    port, log = served
    [web] = pids(log, r"web server \(gunicorn\)")
    [worker] = pids(log, "task worker")
    os.kill(web, signal.SIGKILL)
    killed = time.monotonic()
    until(lambda: len(pids(log, r"web server \(gunicorn\)")) == 2, 15,
          "the web server is started again")
    until(lambda: health(port), 20, "the site answers again")
    back = time.monotonic() - killed
    print(f"web server killed: answering again in {back:.1f} s")
    assert back < 15
    os.kill(worker, 0)  # the same worker, never stopped
    assert pids(log, "task worker") == [worker]


IMPORT = """
import csv, io, json
from django.core.files.uploadedfile import SimpleUploadedFile
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.imports import services, tasks
user, made = User.objects.get_or_create(username="officer84")
if made:
    role_grant(actor=None, user=user, role=Role.PROVINCIAL_OFFICER, area_code="84")
out = io.StringIO()
w = csv.writer(out)
w.writerow(["รหัสอ้างอิง", "ชื่อ", "นามสกุล", "รหัสตำบล", "ความต้องการ"])
for i in range(%(rows)d):
    w.writerow([f"%(tag)s-{i}", "บุญมี", f"ศรีสุข{i}", "840503", "health:3"])
job = services.import_start(actor=user, kind="persons", province_code="84",
    upload=SimpleUploadedFile("list.csv", out.getvalue().encode("utf-8-sig")))
job = services.run_check(job)
assert job.valid_rows == %(rows)d, job.errors
tasks.commit_import.enqueue(job.pk, user.pk, False)
print(json.dumps(job.pk))
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from lnob.imports.models import ImportJob
from lnob.registry.models import Person
job = ImportJob.objects.get(pk=%(job)d)
task = DBTaskResult.objects.filter(task_path__endswith="commit_import").order_by("-enqueued_at")[0]
print(json.dumps({"status": job.status, "interrupted": job.interrupted, "problem": job.problem,
    "persons": Person.objects.filter(external_ref__startswith="%(tag)s-").count(),
    "task": task.status}))
"""


def import_waiting(var: Path, tag: str) -> int:
    job: int = in_django(var, IMPORT % {"rows": ROWS, "tag": tag})
    return job


def state(var: Path, job: int, tag: str) -> dict[str, Any]:
    found: dict[str, Any] = in_django(var, STATE % {"job": job, "tag": tag})
    return found


def worker_dies_at(var: Path, point: str, tmp_path: Path) -> None:
    with (tmp_path / f"worker-{point}.log").open("wb") as out:
        worker = subprocess.run(  # noqa: S603
            [LNOB, "worker", "--interval", "0.2"], env=environment(var, LNOB_FAULT=point),
            stdout=out, stderr=subprocess.STDOUT, timeout=90, check=False)
    assert worker.returncode == 137, (tmp_path / f"worker-{point}.log").read_text()


def worker_runs_until(var: Path, done: Callable[[], bool]) -> None:
    worker = subprocess.Popen([LNOB, "worker", "--interval", "0.2"],  # noqa: S603
                              env=environment(var), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        until(done, 60, "the worker finishes the import")
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_worker_killed_while_writing_an_import_leaves_nothing_and_a_retry_imports_once(
        var: Path, tmp_path: Path) -> None:
    job = import_waiting(var, "W")
    worker_dies_at(var, "import-written", tmp_path)  # rows written, not committed
    before = state(var, job, "W")
    assert (before["status"], before["persons"]) == ("importing", 0)
    assert in_django(var, "import json; from lnob.core import jobs; "
                          "print(json.dumps(jobs.reap()))") == 2  # the task and the import
    after = state(var, job, "W")
    assert (after["status"], after["interrupted"], after["task"]) == (
        "failed", "importing", "FAILED")
    assert "ไม่มีข้อมูลใดถูกนำเข้า" in after["problem"] and "nothing was imported" in (
        after["problem"])
    retry = (f"import json; from lnob.core.models import User; from lnob.imports import "
             f"services, tasks; from lnob.imports.models import ImportJob; "
             f"u = User.objects.get(username='officer84'); "
             f"j = services.import_retry(actor=u, job=ImportJob.objects.get(pk={job})); "
             f"tasks.commit_import.enqueue(j.pk, u.pk, False); print(json.dumps(j.status))")
    assert in_django(var, retry) == "checked"
    worker_runs_until(var, lambda: state(var, job, "W")["status"] == "done")
    assert state(var, job, "W")["persons"] == ROWS  # once


def test_a_worker_killed_just_after_the_commit_leaves_the_import_done_and_not_retryable(
        var: Path, tmp_path: Path) -> None:
    job = import_waiting(var, "C")
    worker_dies_at(var, "import-committed", tmp_path)
    assert in_django(var, "import json; from lnob.core import jobs; "
                          "print(json.dumps(jobs.reap()))") == 1  # the task only
    after = state(var, job, "C")
    assert (after["status"], after["persons"], after["task"]) == ("done", ROWS, "FAILED")
    refused = (f"import json; from lnob.core.models import User; from lnob.imports import "
               f"services; from lnob.imports.models import ImportJob\n"
               f"try:\n services.import_retry(actor=User.objects.get(username='officer84'), "
               f"job=ImportJob.objects.get(pk={job})); print(json.dumps('retried'))\n"
               f"except services.ImportRefused: print(json.dumps('refused'))")
    assert in_django(var, refused) == "refused"


def test_two_servers_on_one_database_see_both_workers_and_survive_each_other(
        served: tuple[int, Path], var: Path, tmp_path: Path) -> None:
    port, _log = served
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        second_port = s.getsockname()[1]
    with (tmp_path / "second.log").open("wb") as out:
        second = subprocess.Popen(  # noqa: S603 — "another host" on the same database
            [LNOB, "serve", "--bind", f"127.0.0.1:{second_port}", "--workers", "1",
             "--no-snapshots", "--no-migrate"], env=environment(var), stdout=out,
            stderr=subprocess.STDOUT)
    try:
        until(lambda: (health(port) or {}).get("worker", {}).get("alive") == 2, 60,
              "each server sees both workers")
        # The second one's worker may beat before its web server listens.
        until(lambda: (health(second_port) or {}).get("worker", {}).get("alive") == 2, 60,
              "the second server answers and sees both workers")
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=40) == 0
    for _ in range(10):  # the first one never noticed
        assert (health(port) or {}).get("database") == "ok"
    until(lambda: (health(port) or {}).get("worker", {}).get("alive") == 1, 30,
          "the stopped server's worker is gone from the health check")


CHECK_LATER = """
import csv, io, json
from django.core.files.uploadedfile import SimpleUploadedFile
from lnob.core.models import User
from lnob.imports import services, tasks
user = User.objects.get(username="officer84")
out = io.StringIO()
w = csv.writer(out)
w.writerow(["รหัสอ้างอิง", "ชื่อ", "นามสกุล", "รหัสตำบล"])
for i in range(10):
    w.writerow([f"K-{i}", "บุญมี", f"ศรีสุข{i}", "840503"])
job = services.import_start(actor=user, kind="persons", province_code="84",
    upload=SimpleUploadedFile("big.csv", out.getvalue().encode("utf-8-sig")))
tasks.check_import.enqueue(job.pk)  # as for a large file: the worker checks it
print(json.dumps(job.pk))
"""


def test_a_worker_killed_while_checking_a_file_leaves_a_job_that_is_checked_again(
        var: Path, tmp_path: Path) -> None:
    import_waiting(var, "K0")  # makes the officer
    job = in_django(var, CHECK_LATER)
    worker_dies_at(var, "import-checked", tmp_path)
    assert in_django(var, "import json; from lnob.core import jobs; "
                          "print(json.dumps(jobs.reap()))") >= 1
    after = state(var, job, "K")
    assert (after["status"], after["interrupted"]) == ("failed", "checking")
    retry = (f"import json; from lnob.core.models import User; from lnob.imports import "
             f"services, tasks; from lnob.imports.models import ImportJob; "
             f"u = User.objects.get(username='officer84'); "
             f"j = services.import_retry(actor=u, job=ImportJob.objects.get(pk={job})); "
             f"tasks.check_import.enqueue(j.pk); print(json.dumps(j.status))")
    assert in_django(var, retry) == "checking"
    worker_runs_until(var, lambda: state(var, job, "K")["status"] == "checked")
