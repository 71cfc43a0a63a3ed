"""``lnob serve`` asks the worker for the coverage snapshots due each day
while it runs, and a failed check is logged, never fatal."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from lnob.web.management.commands import serve


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


def test_the_web_workers_are_one_a_core_and_one_more_unless_set(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lnob.web.concurrency import default_web_workers

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert default_web_workers() == 3
    monkeypatch.setattr("os.cpu_count", lambda: 32)
    assert default_web_workers() == 9  # a big host's memory is still finite
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert default_web_workers() == 5
