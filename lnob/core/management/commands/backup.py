"""``lnob backup``: the database and the uploaded files, together, in one
dated folder — PostgreSQL as ``pg_dump`` custom format, the embedded SQLite
file through SQLite's online backup API — with a manifest of row counts that
``lnob restore`` checks. ``--keep N`` then removes all but the newest N
backups of that folder (retention: docs/deploy.md)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

# What the manifest counts, and restore compares.
COUNTED = ("registry_person", "cases_case", "imports_importjob", "core_auditevent",
           "core_user", "networks_volunteer")
PREFIX = "lnob-backup-"


def pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    """libpq settings of the configured database, the password in the
    environment (never on a command line)."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, [*args, "--dbname", str(db["NAME"])]


def counts() -> dict[str, int]:
    found = {}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in COUNTED:
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                found[table] = int(cursor.fetchone()[0])
    return found


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one dated folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", default=str(Path(settings.VAR_DIR) / "backups"),
                            help="folder that receives the dated backup folder")
        parser.add_argument("--keep", type=int, default=0,
                            help="then keep only the newest N backups in that folder")

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        root = Path(options["to"])
        target = root / f"{PREFIX}{timezone.localtime():%Y%m%d-%H%M%S}"
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            manifest = self.write(partial)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)  # never a half backup that looks whole
            raise
        partial.rename(target)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in target.iterdir()) / 1e6
        self.stdout.write(f"Backed up to {target} ({size:.1f} MB, {seconds:.1f} s): "
                          + ", ".join(f"{k} {v:,}" for k, v in manifest["counts"].items()))
        if not os.environ.get("SECRET_KEY"):
            self.stdout.write("Note: SECRET_KEY is not set in the environment; a restored "
                              "host needs the same SECRET_KEY as this one (docs/deploy.md).")
        if options["keep"] > 0:
            self.prune(root, options["keep"])

    def write(self, folder: Path) -> dict[str, Any]:
        manifest: dict[str, Any] = {"created_at": timezone.now().isoformat(),
                                    "engine": connection.vendor, "counts": counts()}
        if connection.vendor == "postgresql":
            env, args = pg_env_and_args()
            dump = shutil.which("pg_dump") or "pg_dump"
            run = subprocess.run(  # noqa: S603 — pg_dump with the configured database
                [dump, "--format=custom", "--no-owner", "--file",
                 str(folder / "database.dump"), *args],
                env=env, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise CommandError(f"pg_dump failed: {run.stderr.strip()}")
            manifest["database"] = "database.dump"
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(folder / "database.sqlite3")
            try:
                connection.connection.backup(target)  # consistent while others write
            finally:
                target.close()
            manifest["database"] = "database.sqlite3"
        else:
            raise CommandError(f"No backup for the {connection.vendor} database.")
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(folder / "media.tar", "w") as tar:
            if media.exists():
                tar.add(media, arcname=".")
        manifest["media"] = "media.tar"
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return manifest

    def prune(self, root: Path, keep: int) -> None:
        backups = sorted(p for p in root.iterdir()
                         if p.is_dir() and p.name.startswith(PREFIX) and
                         not p.name.endswith(".partial"))
        for old in backups[:-keep]:
            shutil.rmtree(old)
            self.stdout.write(f"Removed the old backup {old.name}")
