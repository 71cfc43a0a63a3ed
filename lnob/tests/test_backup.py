"""``lnob backup`` and ``lnob restore``: a restored host has the same rows and
an import's error file still opens (the uploads travel with the database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.imports import services
from lnob.registry.migrations import _national_taxonomy

LNOB = str(Path(sys.executable).with_name("lnob"))
BAD_ROW_CSV = ("รหัสอ้างอิง,ชื่อ,นามสกุล,รหัสตำบล,เลขประจำตัวประชาชน\n"
               # B2 has no name: an error (an ID failing its check digit is kept now).
               "B1,บุญมี,ศรีสุข,840503,\nB2,,ใจดี,840503,\n")


@pytest.fixture
def country(transactional_db: None) -> None:
    # Transactional tests empty the tables afterwards; put back what migrations load.
    if not Province.objects.exists():
        load_geography(Province, District, Subdistrict)
        _national_taxonomy.load()


@pytest.fixture
def an_import_with_errors(country: None, settings: Any, tmp_path: Path) -> int:
    settings.MEDIA_ROOT = tmp_path / "media"
    user = User.objects.create(username="officer84")
    role_grant(actor=None, user=user, role=Role.PROVINCIAL_OFFICER, area_code="84")
    job = services.import_start(actor=user, kind="persons", province_code="84",
                                upload=SimpleUploadedFile("list.csv",
                                                          BAD_ROW_CSV.encode("utf-8-sig")))
    job = services.run_check(job)
    assert job.error_rows == 1
    return job.pk


def newest(folder: Path) -> Path:
    [backup] = [p for p in folder.iterdir() if p.is_dir()]
    return backup


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="pg_dump: PostgreSQL")
def test_a_postgresql_backup_restores_on_a_new_host_with_its_counts_and_error_files(
        an_import_with_errors: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("backup", "--to", str(tmp_path / "backups"))
    backup = newest(tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["imports_importjob"] == 1
    assert "Backed up to" in capsys.readouterr().out
    # A new host: an empty database on the same server, its own var folder.
    target = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + target
        env = {**os.environ, "DATABASE_URL": url, "LNOB_VAR_DIR": str(tmp_path / "new-host")}
        run = subprocess.run([LNOB, "restore", str(backup), "--yes"], env=env,  # noqa: S603
                             capture_output=True, text=True, check=False, timeout=300)
        assert run.returncode == 0, run.stderr
        assert "the row counts agree" in run.stdout
        check = subprocess.run(  # noqa: S603
            [LNOB, "shell", "-c", "from lnob.imports.models import ImportJob; "
             "from lnob.imports.services import errors_csv; "
             f"print(errors_csv(ImportJob.objects.get(pk={an_import_with_errors}))"
             ".decode('utf-8-sig'))"], env=env, capture_output=True, text=True, check=False,
            timeout=120)
        assert check.returncode == 0, check.stderr
        assert "B2" in check.stdout and "first_name" in check.stdout  # the error file opens
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite backup API")
def test_an_sqlite_backup_restores_with_its_uploads(tmp_path: Path) -> None:
    """The embedded default, with real processes on their own SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LNOB_", "DATABASE_URL"))}
    old, new = tmp_path / "old-host", tmp_path / "new-host"
    subprocess.run([LNOB, "migrate", "-v0"], env={**env, "LNOB_VAR_DIR": str(old)},  # noqa: S603
                   check=True, timeout=300)
    made = subprocess.run(  # noqa: S603
        [LNOB, "shell", "-c", "from django.core.files.uploadedfile import SimpleUploadedFile; "
         "from lnob.core.models import User; from lnob.core.roles import Role; "
         "from lnob.core.services import role_grant; from lnob.imports import services; "
         "u = User.objects.create(username='o'); "
         "role_grant(actor=None, user=u, role=Role.PROVINCIAL_OFFICER, area_code='84'); "
         "j = services.import_start(actor=u, kind='persons', province_code='84', "
         f"upload=SimpleUploadedFile('list.csv', {BAD_ROW_CSV.encode('utf-8-sig')!r})); "
         "services.run_check(j); print(j.pk)"],
        env={**env, "LNOB_VAR_DIR": str(old)}, capture_output=True, text=True, check=True)
    job = int(made.stdout.strip().splitlines()[-1])
    subprocess.run([LNOB, "backup", "--to", str(tmp_path / "backups"), "--keep", "3"],  # noqa: S603
                   env={**env, "LNOB_VAR_DIR": str(old)}, check=True, capture_output=True)
    backup = newest(tmp_path / "backups")
    run = subprocess.run([LNOB, "restore", str(backup), "--yes"],  # noqa: S603
                         env={**env, "LNOB_VAR_DIR": str(new)}, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stderr
    check = subprocess.run(  # noqa: S603
        [LNOB, "shell", "-c", "from lnob.imports.models import ImportJob; "
         "from lnob.imports.services import errors_csv; "
         f"print(errors_csv(ImportJob.objects.get(pk={job})).decode('utf-8-sig'))"],
        env={**env, "LNOB_VAR_DIR": str(new)}, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    assert "B2" in check.stdout


def test_restore_refuses_without_yes_and_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path))
    (tmp_path / "manifest.json").write_text(json.dumps({"engine": connection.vendor}))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
