"""Throwaway PostgreSQL 15 processes on loopback for the tests and benchmarks
that need more than one server: a primary of their own
(``benchmarks.faults``) and a real streaming standby of a running primary —
the one ``scripts/with-postgres.sh`` starts (``pg_basebackup -R``, then the
standby on its own port). As root, the clusters belong to the ``postgres``
user, as in that script (initdb refuses to run as root)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PGBIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else args


def give_to_postgres(folder: Path) -> None:
    if os.getuid() == 0:
        subprocess.run(["id", "postgres"], check=True, capture_output=True)  # noqa: S607
        shutil.chown(folder, "postgres")


def pg_ctl(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(as_postgres([str(PGBIN / "pg_ctl"), "-D", str(data), *args]),  # noqa: S603
                          check=check, capture_output=True, text=True)


class Standby:
    """A hot standby streaming from the primary at ``primary_url``
    (``postgres://user@127.0.0.1:PORT/db``, trust authentication on
    loopback as ``initdb -A trust`` sets it up, replication included)."""

    def __init__(self, primary_url: str) -> None:
        primary = urlsplit(primary_url)
        # Its own folder under /tmp (a pytest tmp_path is not the postgres user's).
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="lnob-standby-")), free_port()
        self.data, self.log = self.folder / "data", self.folder / "standby.log"
        self.user = primary.username or "lnob"
        os.chmod(self.folder, 0o755)  # noqa: S103 — the postgres user reaches its cluster
        give_to_postgres(self.folder)
        start = time.monotonic()
        copy = subprocess.run(as_postgres([  # noqa: S603 — a copy of the running primary
            str(PGBIN / "pg_basebackup"), "-h", primary.hostname or "127.0.0.1",
            "-p", str(primary.port or 5432), "-U", self.user, "-D", str(self.data),
            "-R", "--checkpoint=fast", "--wal-method=stream"]),
            check=False, capture_output=True, text=True)
        if copy.returncode != 0:
            self.remove()
            raise RuntimeError(f"pg_basebackup failed: {copy.stderr.strip()}")
        self.start()
        self.seconds = time.monotonic() - start  # copied and started

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        if not self.data.exists():
            return
        pg_ctl(self.data, "-l", str(self.log), "-w", "-t", "60", "start", "-o",
               f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
               "-c hot_standby=on -c fsync=off")

    def stop(self) -> None:
        if self.data.exists():
            pg_ctl(self.data, "-m", "immediate", "-w", "stop", check=False)

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def settings_for(self, primary: dict[str, Any]) -> dict[str, Any]:
        """Django's settings of a connection to ``primary``'s database, on the standby."""
        return {**primary, "HOST": "127.0.0.1", "PORT": str(self.port)}

    def sql(self, statement: str, database: str) -> str:
        run = subprocess.run([str(PGBIN / "psql"), "-XAtq", "-h", "127.0.0.1",  # noqa: S603
                              "-p", str(self.port), "-U", self.user, "-d", database,
                              "-c", statement], check=True, capture_output=True, text=True)
        return run.stdout.strip()

    def caught_up(self, primary_lsn: str, database: str, seconds: float = 30) -> float:
        """Waits until the standby has replayed the primary's WAL up to
        ``primary_lsn``; returns the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{primary_lsn}'::pg_lsn",
                        database) == "t":
                return time.monotonic() - start
            time.sleep(0.02)
        raise TimeoutError(f"the standby did not replay up to {primary_lsn} in {seconds} s")
