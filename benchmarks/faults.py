"""``python -m benchmarks.faults``: the faults of issue 21 against real
processes on a throwaway PostgreSQL 15 cluster — what a user sees and how long
until the site is back without a person:

1. the task worker killed (``kill -9``),
2. gunicorn's master killed,
3. PostgreSQL stopped for ``LNOB_OUTAGE_SECONDS`` (20) then started again,
4. two hosts: a second ``lnob serve`` on the same database; the first one
   stopped — the second keeps answering.

Every second of the run polls ``/healthz``; the figures are seconds from the
fault to a 200 with a living worker. Load average beside the figures.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lnob.testing.postgres import PGBIN, as_postgres, free_port, give_to_postgres

LNOB = str(Path(sys.executable).with_name("lnob"))
OUTAGE = float(os.environ.get("LNOB_OUTAGE_SECONDS", "20"))


class Cluster:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        give_to_postgres(folder)
        subprocess.run(as_postgres([  # noqa: S603
            str(PGBIN / "initdb"), "-D", str(self.data), "-U", "lnob", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)
        self.start()
        subprocess.run([str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),  # noqa: S603
                        "-U", "lnob", "lnob"], check=True)
        self.url = f"postgres://lnob@127.0.0.1:{self.port}/lnob"

    def start(self) -> None:
        subprocess.run(as_postgres([  # noqa: S603 — fsync on: a real server's figures
            str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
            "-w", "start", "-o", f"-p {self.port} -k {self.folder} "
            "-c listen_addresses=127.0.0.1"]), check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(as_postgres([str(PGBIN / "pg_ctl"), "-D", str(self.data),  # noqa: S603
                                    "-m", "fast",
                                    "-w", "stop"]), check=False, capture_output=True)


def health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return 0, {}


def healthy(port: int) -> bool:
    code, body = health(port)
    return code == 200 and body.get("worker", {}).get("alive", 0) >= 1


def until(condition: Callable[[], bool], seconds: float = 120) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    raise SystemExit(f"not back within {seconds} s")


class Server:
    def __init__(self, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.port, self.log = free_port(), log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [LNOB, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                 "--no-migrate", "--no-snapshots"], env=env, stdout=out,
                stderr=subprocess.STDOUT)
        until(lambda: healthy(self.port))

    def pid(self, name: str) -> int:
        return int(re.findall(rf"{name}: started \(pid (\d+)\)", self.log.read_text())[-1])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def main() -> None:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="lnob-faults-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # noqa: S103 — the postgres user reaches its cluster
        cluster = Cluster(folder / "pg")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LNOB_")}
        env.update(DATABASE_URL=cluster.url, LNOB_VAR_DIR=str(folder / "var"),
                   LNOB_PLAIN_STATIC="1", LNOB_WORKER_STALE_SECONDS="15")
        try:
            subprocess.run([LNOB, "migrate", "-v0"], env=env, check=True)  # noqa: S603
            start = time.monotonic()
            server = Server(env, folder / "serve-a.log")
            print(f"lnob serve up (migrated database) in {time.monotonic() - start:.1f} s")

            os.kill(server.pid("task worker"), signal.SIGKILL)
            answered = all(health(server.port)[0] == 200 for _ in range(20))
            print(f"1. worker killed: site answered throughout: {answered}; worker back in "
                  f"{until(lambda: healthy(server.port)):.1f} s")

            web = r"web server \(gunicorn\)"
            old = server.pid(web)
            os.kill(old, signal.SIGKILL)
            start, polls = time.monotonic(), []
            while server.pid(web) == old or not healthy(server.port):
                polls.append(health(server.port)[0])
                if time.monotonic() - start > 120:
                    raise SystemExit("gunicorn not back within 120 s")
                time.sleep(0.2)
            print(f"2. gunicorn master killed: a new master serving after "
                  f"{time.monotonic() - start:.1f} s; meanwhile /healthz answered "
                  f"{polls.count(200)} of {len(polls)} polls (its orphaned workers serve "
                  "until they notice)")

            cluster.stop()
            codes = []
            outage_end = time.monotonic() + OUTAGE
            while time.monotonic() < outage_end:
                codes.append(health(server.port)[0])
                time.sleep(0.5)
            cluster.start()
            back = until(lambda: healthy(server.port))
            restarts = server.log.read_text().count("exited with code")
            seen = {c: codes.count(c) for c in sorted(set(codes))}
            print(f"3. PostgreSQL stopped {OUTAGE:.0f} s: /healthz during the outage "
                  f"(status: polls) {seen}; back (200, worker alive) {back:.1f} s after "
                  f"PostgreSQL started; child restarts so far: {restarts} (2 from 1 and 2)")

            second = Server(env, folder / "serve-b.log")
            both = healthy(server.port) and healthy(second.port)
            server.stop()
            start = time.monotonic()
            alone = all(health(second.port)[0] == 200 for _ in range(20))
            print(f"4. two hosts on one database: both healthy {both}; the first stopped, "
                  f"the second answered throughout: {alone} "
                  f"({time.monotonic() - start:.1f} s of polling)")
            second.stop()
        finally:
            cluster.stop()
    print(f"load average before the run {load}; after "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} (2 shared cores)")


if __name__ == "__main__":
    main()
