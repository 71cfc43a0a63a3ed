"""``python -m benchmarks.phone_pages``: the dashboards on a phone over Chrome's
"Slow 3G" (issue 16) — bytes on the wire and time to the first screen of
the province coverage page, the national coverage page and a matching
proposal, now and before.

Both versions run in this one run, on copies of one database (the demo
province, ``LNOB_BENCH_PERSONS`` = 2,000 persons, and one matching run):
*now* is this tree; *before* is ``LNOB_BENCH_PHONE_BASE`` (default
``3e37241``, the commit issue 16's dashboard work started from), checked
out with ``git worktree`` and served by the same virtualenv. Each is
``lnob serve`` (gunicorn, 2 workers) on loopback.

Debian's Chromium (Playwright) at 390×844, cache off (a first visit), the
network emulated through CDP: 2,000 ms latency, 400 kbit/s each way. Signing
in is not measured. Per page: the HTML's bytes on the wire, all bytes
(HTML, CSS, fonts, scripts), the first contentful paint, the load event, and
the page's height in screens. The goals: the province page's HTML ≤ 30 KB on
the wire with the holes on the first screen; no page over 100 KB.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.faults import LNOB, Server, free_port, healthy, until

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("LNOB_BENCH_PHONE_BASE", "3e37241")
PERSONS = os.environ.get("LNOB_BENCH_PERSONS", "2000")
PASSWORD = "lnob-demo-2549"  # noqa: S105 — the demo accounts' published password
KBPS = 400
LATENCY_MS = 2000
SCREEN = {"width": 390, "height": 844}
PAGES = [("province coverage", "officer.surat", "/coverage/84/"),
         ("national coverage", "analyst", "/coverage/"),
         ("matching proposal", "officer.surat", "/matching/1/")]


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _quiet(args: list[str], env: dict[str, str], cwd: Path) -> None:
    subprocess.run(args, env=env, cwd=cwd, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def _base_tree(folder: Path) -> Path:
    tree = folder / "base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",  # noqa: S603, S607
                    str(tree), BASE], check=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    po = tree / "lnob" / "locale" / "th" / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)],  # noqa: S603, S607
                   check=True)
    return tree


class SlowStartServer(Server):
    """``lnob serve`` given up to 10 minutes to start (collectstatic compresses
    every file first; the machine may be loaded)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port, self.log = free_port(), log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [LNOB, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                 "--no-migrate", "--no-snapshots"], env=env, stdout=out,
                stderr=subprocess.STDOUT, cwd=log.parent)  # gunicorn puts its cwd on sys.path
        # Ours answers, not another server that took the port meanwhile.
        until(lambda: healthy(self.port) and f"Listening at: http://127.0.0.1:{self.port}"
              in log.read_text(errors="replace"), 600)


def measure(browser: Any, port: int, user: str, path: str) -> dict[str, float]:
    context = browser.new_context(viewport=SCREEN, locale="th-TH")
    page = context.new_page()
    page.set_default_timeout(300_000)
    base = f"http://127.0.0.1:{port}"
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS, "downloadThroughput": KBPS * 1000 / 8,
        "uploadThroughput": KBPS * 1000 / 8})
    kinds: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    start = time.monotonic()
    page.goto(base + path, wait_until="load")
    wall = time.monotonic() - start
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const holes = document.getElementById('h-holes');
        return {fcp: fcp ? fcp.startTime : 0, load: nav.loadEventEnd,
                height: document.documentElement.scrollHeight,
                holes: holes ? holes.getBoundingClientRect().bottom : -1};
    }""")
    page.wait_for_timeout(200)  # the last loadingFinished events
    context.close()
    html = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Document")
    return {"html": html, "all": sum(sizes.values()), "fcp": timing["fcp"] / 1000,
            "load": timing["load"] / 1000, "wall": wall,
            "screens": timing["height"] / SCREEN["height"],
            "holes_on_first_screen": 0 < timing["holes"] <= SCREEN["height"]}


def _seconds(value: float) -> str:
    """A paint time, or n/a when Chromium reported none."""
    return f"{value:5.1f} s" if value else "  n/a"


def main() -> None:
    from playwright.sync_api import sync_playwright

    print(f"phone pages on Slow 3G ({LATENCY_MS} ms, {KBPS} kbit/s), {SCREEN['width']}×"
          f"{SCREEN['height']}; before = {BASE}; load average {load()} (2 cores shared with "
          "other work: times are indicative, bytes are exact)")
    with tempfile.TemporaryDirectory(prefix="lnob-phone-") as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("LNOB_") and k not in ("DATABASE_URL", "PYTHONPATH")}
        now_var = folder / "var-now"
        now_env = env | {"LNOB_VAR_DIR": str(now_var)}
        start = time.monotonic()
        _quiet([LNOB, "migrate", "-v0"], now_env, folder)
        _quiet([LNOB, "demo", "--persons", PERSONS], now_env, folder)
        _quiet([LNOB, "match", "--province", "84"], now_env, folder)
        print(f"demo province ({PERSONS} persons) and a matching run in "
              f"{time.monotonic() - start:.0f} s")
        tree = _base_tree(folder)
        base_var = folder / "var-base"
        shutil.copytree(now_var, base_var, ignore=shutil.ignore_patterns("static"))
        base_env = env | {"LNOB_VAR_DIR": str(base_var), "PYTHONPATH": str(tree)}
        servers: dict[str, SlowStartServer] = {}
        try:
            servers["before"] = SlowStartServer(base_env, folder / "serve-before.log")
            servers["now"] = SlowStartServer(now_env, folder / "serve-now.log")
            results: dict[tuple[str, str], dict[str, float]] = {}
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
                for name, user, path in PAGES:
                    for version in ("before", "now"):
                        results[(name, version)] = r = measure(
                            browser, servers[version].port, user, path)
                        print(f"  {name:18} {version:6}: HTML {r['html'] / 1000:6.1f} KB on "
                              f"the wire, all {r['all'] / 1000:6.1f} KB; first paint "
                              f"{_seconds(r['fcp'])}, loaded "
                              f"{r['load']:5.1f} s; "
                              f"{r['screens']:5.1f} screens; holes on the first screen: "
                              f"{'yes' if r['holes_on_first_screen'] else 'no'}  "
                              f"(load average {load()})")
                browser.close()
            for name, _user, _path in PAGES:
                old, new = results[(name, "before")], results[(name, "now")]
                print(f"{name}: HTML on the wire ÷ {old['html'] / max(new['html'], 1):.1f}, "
                      f"all bytes ÷ {old['all'] / max(new['all'], 1):.1f}, loaded "
                      f"{old['load']:.1f} s → {new['load']:.1f} s")
            province = results[("province coverage", "now")]
            print(f"goal: province page HTML ≤ 30 KB on the wire: {province['html'] / 1000:.1f}"
                  f" KB ({'met' if province['html'] <= 30_000 else 'NOT met'}); holes on the "
                  f"first screen: {'met' if province['holes_on_first_screen'] else 'NOT met'}")
        finally:
            for server in servers.values():
                server.stop()
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",  # noqa: S603, S607
                            str(tree)], check=False)


if __name__ == "__main__":
    main()
