"""``lnob restore FOLDER --yes``: puts a backup of ``lnob backup`` into the
configured database (``DATABASE_URL``, or the SQLite file) and the uploaded
files into ``MEDIA_ROOT`` (or the configured S3 bucket, putting back what
is missing there), then checks the row counts against the backup's
manifest. Stop the servers first; the database is overwritten."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lnob.core.management.commands.backup import counts, in_folder, pg_env_and_args


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an `lnob backup` folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true",
                            help="yes, overwrite the configured database and media folder")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError) as err:
            raise CommandError(f"{folder} is not a backup of `lnob backup` ({err}).") from err
        if not options["yes"]:
            raise CommandError("This overwrites the database and the uploaded files: stop the "
                               "servers, then run it again with --yes.")
        if manifest["engine"] != connection.vendor:
            raise CommandError(f"The backup is of {manifest['engine']}; the configured "
                               f"database is {connection.vendor}.")
        start = time.perf_counter()
        self.restore_database(folder / manifest["database"])
        with tarfile.open(folder / manifest["media"]) as tar:
            put_back = self.restore_media(tar)
        found = counts()
        differ = {k: (v, found.get(k)) for k, v in manifest["counts"].items()
                  if found.get(k) != v}
        if differ:
            raise CommandError("Restored, but the row counts differ from the backup: "
                               + ", ".join(f"{k} {a} ≠ {b}" for k, (a, b) in differ.items()))
        self.stdout.write(f"Restored {folder.name} in {time.perf_counter() - start:.1f} s "
                          f"({put_back}); the row counts agree: "
                          + ", ".join(f"{k} {v:,}" for k, v in found.items()))

    def restore_media(self, tar: tarfile.TarFile) -> str:
        """The uploads into the ``MEDIA_ROOT`` folder, or into the configured
        store (an S3 bucket): there a file that is already present is left
        as it is (names are never reused), a missing one is put back."""
        if in_folder():
            media = Path(settings.MEDIA_ROOT)
            media.mkdir(parents=True, exist_ok=True)
            tar.extractall(media, filter="data")  # noqa: S202 — the data filter refuses escapes
            return f"uploads into {media}"
        added = kept = 0
        for member in tar:
            if not member.isfile():
                continue
            name = tarfile.data_filter(member, "/").name.removeprefix("./").lstrip("/")
            if default_storage.exists(name):
                kept += 1
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise CommandError(f"The store saved {name} as {saved}: restore stopped.")
            added += 1
        return f"uploads into the store: {added} put back, {kept} already there"

    def restore_database(self, path: Path) -> None:
        if connection.vendor == "postgresql":
            connection.close()
            env, args = pg_env_and_args()
            restore = shutil.which("pg_restore") or "pg_restore"
            run = subprocess.run(  # noqa: S603 — pg_restore into the configured database
                [restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                 *args, str(path)], env=env, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise CommandError(f"pg_restore failed: {run.stderr.strip()[-2000:]}")
        else:
            connection.close()
            source = sqlite3.connect(path)
            target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
