"""``python -m benchmarks.phone``: the volunteer's journey on a phone over a
slow network (issue 16), before and after, measured in the same run.

Two real ``lnob serve`` (gunicorn, 2 workers) on copies of one demo database
(SQLite, ``LNOB_BENCH_PERSONS`` persons, 2,000 by default, generated in a
temporary folder or reused from ``LNOB_BENCH_VAR_DIR``): one runs this
checkout, the other the baseline's code (``LNOB_BENCH_BASELINE``, ``main`` by
default, taken with ``git archive`` and run with the same virtualenv and
node_modules). Both use the static files storage of a real deployment
(WhiteNoise's compressed manifest: hashed names, cached for a year).

Debian's Chromium through Playwright, a 390 × 844 viewport, the network
emulated through the Chrome DevTools Protocol: "Slow 3G", 2,000 ms latency
and 400 kbit/s each way. Each run opens a new browser context: the journey
cold (empty cache, no service worker), then warm (the same journey again
after signing out). ``LNOB_BENCH_RUNS`` runs (3) of each version,
alternating, so that both see the same load; the load average is printed
beside every figure.

The service worker is blocked (``LNOB_BENCH_SW=1`` allows it): CDP's
emulation of the page's network does not apply to what the worker fetches,
so a page it passes on (every page: ``NetworkOnly``) would come back in
0.1 s instead of 2 s, and the figures would flatter both versions.

Requests are counted where they cost: on the server (gunicorn's access
log), so a file the browser or its service worker kept costs nothing and a
revalidation (304) counts.

- ``volunteer_journey``: sign in → my people → log a visit → home, waiting
  each time for what the person waits for (the list, the form, the "saved"
  message) and for the page's load event. Goal ≤ 10 s on Slow 3G.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.faults import LNOB, until

PERSONS = int(os.environ.get("LNOB_BENCH_PERSONS", "2000"))
RUNS = int(os.environ.get("LNOB_BENCH_RUNS", "3"))
BASELINE = os.environ.get("LNOB_BENCH_BASELINE", "main")
VERBOSE = os.environ.get("LNOB_BENCH_VERBOSE", "") == "1"
# The page's network emulation does not slow what its service worker fetches
# (a page it passes through answered in 0.1 s instead of 2 s): the service
# worker is blocked unless asked for, so that every request pays "Slow 3G".
WITH_SW = os.environ.get("LNOB_BENCH_SW", "") == "1"
PASSWORD = "lnob-demo-2549"  # noqa: S105 — the demo's published password
SLOW_3G = {"offline": False, "latency": 2000,
           "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
VIEWPORT: Any = {"width": 390, "height": 844}
GOAL_VOLUNTEER_S = 10.0
REPO = Path(__file__).resolve().parent.parent
ACCESS = re.compile(r'"(GET|POST|HEAD) (\S+) HTTP/[\d.]+" (\d{3}) (\d+|-)')


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
    steps.done("the sign-in page")
    page.fill("#id_username", "volunteer.kotao")
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    people = page.locator("[data-home=my-people]")
    people.wait_for()
    page.wait_for_load_state()
    steps.done("sign in → my people")
    with page.expect_navigation():
        people.locator("a[href$='/visits/new/']").first.click()
    page.locator("#id_done").wait_for()
    page.wait_for_load_state()
    steps.done("one tap → the visit form")
    page.fill("#id_done", "เยี่ยมบ้าน วัดความดัน ซื้อยาให้")
    page.locator("main form button[type=submit]").click()
    page.locator("[data-home=my-people]").wait_for()
    page.locator("[role=status]").wait_for()
    page.wait_for_load_state()
    steps.done("save → my people, with the 'saved' message")
    return steps


JOURNEYS: list[tuple[str, Callable[[Any, str], Steps], float]] = [
    ("volunteer: sign in → my people → log a visit → home", volunteer_journey,
     GOAL_VOLUNTEER_S),
]


class Site:
    """One ``lnob serve`` of one version of the code, its own database copy."""

    def __init__(self, name: str, code: Path, var: Path, log: Path) -> None:
        from benchmarks.faults import free_port

        self.name, self.log, self.port = name, log, free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LNOB_") and k not in ("DATABASE_URL", "PYTHONPATH")}
        env.update(LNOB_VAR_DIR=str(var), PYTHONPATH=str(code))
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [LNOB, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                 "--no-migrate", "--no-snapshots", "--no-worker"], env=env, cwd=code,
                stdout=out, stderr=subprocess.STDOUT)
        until(lambda: healthy_page(self.port), 300)
        self.base = f"http://127.0.0.1:{self.port}"

    def mark(self) -> int:
        return len(self.log.read_bytes())

    def requests(self, since: int) -> list[tuple[str, str, int, int]]:
        text = self.log.read_bytes()[since:].decode("utf-8", "replace")
        return [(m[1], m[2], int(m[3]), int(m[4]) if m[4] != "-" else 0)
                for m in ACCESS.finditer(text) if m[2] != "/healthz"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def healthy_page(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/",  # noqa: S310
                                    timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def baseline_code(tmp: Path) -> Path:
    """The baseline's code beside this checkout's node_modules, messages compiled."""
    folder = tmp / "baseline"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", BASELINE],  # noqa: S603,S607
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)  # noqa: S603,S607
    (folder / "node_modules").symlink_to(REPO / "node_modules")
    django_admin = str(Path(sys.executable).with_name("django-admin"))
    subprocess.run([django_admin, "compilemessages", "--locale", "th", "-v0"],  # noqa: S603
                   cwd=folder / "lnob", check=True)
    return folder


def run_once(browser: Any, site: Site, journey: Callable[[Any, str], Steps]
             ) -> list[tuple[str, Steps, list[tuple[str, str, int, int]]]]:
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="th-TH",
                                  service_workers="allow" if WITH_SW else "block")
    page = context.new_page()
    page.set_default_timeout(120_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    out = []
    for label in ("cold", "warm"):
        if label == "warm":
            context.clear_cookies()
            # Between two uses of the phone: what the last page left to do in
            # the background (pwa.js's warm-up, 5 s after a page) is done.
            time.sleep(6)
        mark = site.mark()
        steps = journey(page, site.base)
        time.sleep(0.5)  # the access log is written
        out.append((label, steps, site.requests(mark)))
    context.close()
    return out


def run_journeys(sites: list[Site]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        for title, journey, goal in JOURNEYS:
            print(f"\n{title} — Slow 3G (2,000 ms, 400 kbit/s), 390×844, {RUNS} runs each, "
                  f"service worker {'allowed' if WITH_SW else 'blocked'}")
            totals: dict[tuple[str, str], list[float]] = {}
            for run in range(RUNS):
                for site in sites:
                    for label, steps, requests in run_once(browser, site, journey):
                        totals.setdefault((site.name, label), []).append(steps.total)
                        kb = sum(r[3] for r in requests) / 1024
                        verdict = "ok" if steps.total <= goal else "OVER GOAL"
                        print(f"  run {run + 1} {site.name:<9} {label:<5} "
                              f"{steps.total:5.1f} s  {len(requests):2d} requests "
                              f"{kb:5.1f} KB of pages  ({verdict}; load average {load()})")
                        if VERBOSE or run == 0:
                            for name, seconds in steps.steps:
                                print(f"      {name:<46} {seconds:5.1f} s")
                            for method, path, status, size in requests:
                                print(f"      · {method:<4} {status} {size:>6} B {path[:70]}")
            print(f"\n  median of {RUNS} runs (goal ≤ {goal:g} s):")
            for label in ("cold", "warm"):
                row = [statistics.median(totals[(s.name, label)]) for s in sites]
                ratio = f"  after/before {row[-1] / row[0]:.2f}" if len(row) == 2 else ""
                print(f"  {label:<5} " + "  ".join(
                    f"{s.name} {t:5.1f} s" for s, t in zip(sites, row, strict=True))
                    + ratio + f"  (load average {load()})")
        browser.close()


def main() -> None:
    print(f"LNOB phone benchmark — Python {sys.version.split()[0]}, load average {load()}")
    reuse = os.environ.get("LNOB_BENCH_VAR_DIR")
    with tempfile.TemporaryDirectory(prefix="lnob-phone-") as name:
        tmp = Path(name)
        var = Path(reuse) if reuse else tmp / "var"
        if not (var / "lnob.sqlite3").exists():
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith("LNOB_") and k != "DATABASE_URL"}
            env.update(LNOB_VAR_DIR=str(var))
            start = time.monotonic()
            subprocess.run([LNOB, "demo", "--persons", str(PERSONS)], env=env,  # noqa: S603
                           check=True, stdout=subprocess.DEVNULL)
            print(f"demo database ({PERSONS:,} persons) in {time.monotonic() - start:.0f} s")
        sites: list[Site] = []
        try:
            commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short",  # noqa: S603,S607
                                     BASELINE], capture_output=True, text=True).stdout.strip()
            for site_name, code in ((f"before ({BASELINE} {commit})", baseline_code(tmp)),
                                    ("after", REPO)):
                copy = tmp / f"var-{len(sites)}"
                copy.mkdir()
                for f in var.iterdir():
                    if f.name.startswith(("lnob.sqlite3", "secret_key")):
                        shutil.copy2(f, copy / f.name)
                sites.append(Site(site_name.split(" ")[0], code, copy,
                                  tmp / f"serve-{len(sites)}.log"))
                print(f"{site_name}: {code} on port {sites[-1].port}")
            run_journeys(sites)
        finally:
            for site in sites:
                site.stop()


if __name__ == "__main__":
    main()
