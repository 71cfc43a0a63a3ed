"""``lnob backup``: the database and the uploaded files, together, in one
dated folder — PostgreSQL as ``pg_dump`` custom format, the embedded SQLite
file through SQLite's online backup API, the uploads from the ``MEDIA_ROOT``
folder or, with ``LNOB_S3_BUCKET``, every object of the bucket under the
prefix — with a manifest of row counts that ``lnob restore`` checks.
``--keep N`` then removes all but the newest N backups of that folder
(retention: docs/deploy.md)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
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


def in_folder() -> bool:
    """Whether uploads live in the ``MEDIA_ROOT`` folder (else in a store
    such as an S3 bucket, read through Django's storage API)."""
    return isinstance(default_storage, FileSystemStorage)


def stored_names(folder: str = "") -> Iterator[str]:
    """Every file in the upload store, by its name there."""
    folders, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(f"{folder}/{sub}" if folder else sub)


def write_media(tar: tarfile.TarFile) -> tuple[str, int]:
    """Every upload into ``tar`` — the folder, or each object of the bucket
    (under ``LNOB_S3_PREFIX``) — with the names the database holds."""
    if in_folder():
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            tar.add(media, arcname=".")
        return "folder", sum(1 for p in media.rglob("*") if p.is_file()) if media.exists() else 0
    files = 0
    for name in stored_names():
        info = tarfile.TarInfo(f"./{name}")
        info.size = default_storage.size(name)
        info.mtime = int(time.time())
        with default_storage.open(name, "rb") as handle:
            tar.addfile(info, handle)
        files += 1
    return "storage", files


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
        with tarfile.open(folder / "media.tar", "w") as tar:
            manifest["media_store"], manifest["media_files"] = write_media(tar)
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
