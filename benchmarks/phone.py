"""``python -m benchmarks.phone``: journeys on a phone over a slow network
(issue 16).

A real ``lnob serve`` (gunicorn, 2 workers) on the demo database (SQLite,
``LNOB_BENCH_PERSONS`` persons, 2,000 by default, generated in a temporary
folder or reused from ``LNOB_BENCH_VAR_DIR``), and Debian's Chromium through
Playwright with a 390 × 844 viewport and the network emulated through the
Chrome DevTools Protocol: "Slow 3G", 2,000 ms latency and 400 kbit/s each way.

Each journey is its own function so that others can be added beside it;
each prints the seconds of each step and of the whole, cold (an empty
browser cache) and warm (the same journey again), and the load average.

- ``volunteer_journey``: sign in → my people → log a visit → home (goal
  ≤ 10 s on Slow 3G). Before issue 16 the volunteer's home had no "my
  people": the journey then went sign in → home → the case list → a case →
  log a visit → the case → home, which this function still follows when the
  home has no list of people (so the same module measures the old code).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.faults import LNOB, Server

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "2000"))
PASSWORD = "lnob-demo-2549"  # noqa: S105 — the demo's published password
SLOW_3G = {"offline": False, "latency": 2000,
           "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
VIEWPORT: Any = {"width": 390, "height": 844}
GOAL_VOLUNTEER_S = 10.0


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


class Steps:
    """Times the steps of a journey."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.steps.append((name, now - self.last))
        self.last = now

    @property
    def total(self) -> float:
        return self.last - self.start


def volunteer_journey(page: Any, base: str) -> Steps:
    """Sign in → my people → log a visit → home, as the demo volunteer."""
    steps = Steps()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "volunteer.kotao")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    steps.done("sign in (to the home page)")
    visit_link = page.locator("[data-home=my-people] a[href$='/visits/new/']")
    old_home = visit_link.count() == 0
    if old_home:  # before issue 16: my cases are behind the case list
        page.goto(base + "/cases/")
        steps.done("my cases (the case list)")
        page.locator("main table a[href^='/cases/']").first.click()
        page.wait_for_load_state()
        steps.done("open a case")
        visit_link = page.locator("main a[href$='/visits/new/']")
    else:
        steps.done("my people (the home page)")
    visit_link.first.click()
    page.wait_for_load_state()
    steps.done("the visit form")
    page.fill("#id_done", "เยี่ยมบ้าน วัดความดัน ซื้อยาให้")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    steps.done("save the visit")
    if old_home:
        page.goto(base + "/")
        steps.done("home")
    else:
        assert page.locator("[role=status]").count() == 1, "no 'saved' message"
        steps.done("home (already there, with the 'saved' message)")
    return steps


JOURNEYS: list[tuple[str, Callable[[Any, str], Steps], float]] = [
    ("volunteer: sign in → my people → log a visit → home", volunteer_journey,
     GOAL_VOLUNTEER_S),
]


def run_journeys(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        for title, journey, goal in JOURNEYS:
            context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True,
                                          device_scale_factor=2, locale="th-TH")
            page = context.new_page()
            page.set_default_timeout(120_000)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            print(f"\n{title} — Slow 3G (2,000 ms, 400 kbit/s), 390×844")
            for label in ("cold", "warm"):
                if label == "warm":
                    context.clear_cookies()
                steps = journey(page, base)
                for name, seconds in steps.steps:
                    print(f"  {label:<5} {name:<48} {seconds:6.1f} s")
                verdict = "ok" if steps.total <= goal else "OVER GOAL"
                print(f"  {label:<5} {'whole journey':<48} {steps.total:6.1f} s  "
                      f"(goal ≤ {goal:g} s: {verdict}; load average {load()})")
            context.close()
        browser.close()


def main() -> None:
    print(f"LNOB phone benchmark — Python {sys.version.split()[0]}, load average {load()}")
    reuse = os.environ.get("LNOB_BENCH_VAR_DIR")
    with tempfile.TemporaryDirectory(prefix="lnob-phone-") as tmp:
        var = Path(reuse) if reuse else Path(tmp) / "var"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LNOB_") and k != "DATABASE_URL"}
        env.update(LNOB_VAR_DIR=str(var), LNOB_PLAIN_STATIC="1")
        if not (var / "lnob.sqlite3").exists():
            start = time.monotonic()
            subprocess.run([LNOB, "demo", "--persons", str(PERSONS)], env=env,  # noqa: S603
                           check=True, stdout=subprocess.DEVNULL)
            print(f"demo database ({PERSONS:,} persons) in {time.monotonic() - start:.0f} s")
        server = Server(env, Path(tmp) / "serve.log")
        try:
            run_journeys(f"http://127.0.0.1:{server.port}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
