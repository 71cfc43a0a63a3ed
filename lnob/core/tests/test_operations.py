"""Running LNOB: settings from the environment, production guards, health,
the ``lnob`` command and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from lnob.core.models import RoleGrant, User

GOOD_KEY = "Zq8w3-Vn1x_Lp0Rt7YbH5mJc4sKe9uTg2AdWf6Pi_oQxNl3By8Cv"


def settings_load(env: dict[str, str], tmp_path: Path,
                  show: str = "settings.DATABASES['default']['ENGINE']",
                  ) -> subprocess.CompletedProcess[str]:
    """Load the settings in a fresh process with only this environment; prints ``show``."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "LNOB_MODE", "DATABASE_URL", "ALLOWED_HOSTS",
                          "LNOB_DB_PREPARED", "LNOB_REPLICA_URL"}}
    clean.update({"LNOB_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(  # noqa: S603 — our own interpreter and settings
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         "'lnob.settings'; django.setup(); from django.conf import settings; "
         f"print({show})"],
        env=clean, capture_output=True, text=True, check=False)


def test_production_refuses_to_start_with_debug_on(tmp_path: Path) -> None:
    run = settings_load({"LNOB_MODE": "production", "DEBUG": "1", "SECRET_KEY": GOOD_KEY},
                        tmp_path)
    assert run.returncode != 0
    assert "DEBUG" in run.stderr


@pytest.mark.parametrize("key", ["", "django-insecure-abc", "short"])
def test_production_refuses_to_start_with_a_default_or_missing_secret(tmp_path: Path,
                                                                      key: str) -> None:
    run = settings_load({"LNOB_MODE": "production", "SECRET_KEY": key}, tmp_path)
    assert run.returncode != 0
    assert "SECRET_KEY" in run.stderr


def test_production_starts_with_a_real_secret_and_postgresql_url(tmp_path: Path) -> None:
    run = settings_load({"LNOB_MODE": "production", "SECRET_KEY": GOOD_KEY,
                         "ALLOWED_HOSTS": "lnob.example.org",
                         "DATABASE_URL": "postgres://u:p@db.internal:5432/lnob"}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.postgresql"


def test_without_a_database_url_it_runs_on_sqlite_under_var(tmp_path: Path) -> None:
    run = settings_load({}, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.sqlite3"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


@pytest.mark.django_db
def test_health_says_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("status", "database")} == {
        "status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer(client: Client,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise connection.OperationalError("server closed the connection")  # type: ignore[attr-defined]

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_the_lnob_command_wraps_django_management() -> None:
    lnob = Path(sys.executable).with_name("lnob")
    run = subprocess.run([str(lnob), "help"], capture_output=True, text=True,  # noqa: S603
                         check=False)
    assert run.returncode == 0, run.stderr
    for command in ("serve", "demo", "load_geography"):
        assert command in run.stdout


@pytest.mark.django_db
def test_the_demo_can_run_twice_without_losing_anything(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    first = capsys.readouterr().out
    assert "officer.surat" in first and "lnob-demo-2549" in first
    officer = User.objects.get(username="officer.surat")
    officer.set_password("changed-by-the-user-2569")
    officer.save()
    call_command("demo")
    assert User.objects.filter(username__in=["officer.surat", "volunteer.kotao"]).count() == 2
    assert RoleGrant.objects.filter(user=officer, area_code="84").count() == 1
    officer.refresh_from_db()
    assert officer.check_password("changed-by-the-user-2569")  # not reset


PREPARED = ("sorted((alias, o.get('server_side_binding'), o.get('prepare_threshold')) "
            "for alias, o in ((a, d['OPTIONS']) for a, d in settings.DATABASES.items()))")


def test_postgresql_prepares_statements_unless_told_not_to(tmp_path: Path) -> None:
    urls = {"DATABASE_URL": "postgres://u:p@db.internal:5432/lnob",
            "LNOB_REPLICA_URL": "postgres://u:p@replica.internal:5432/lnob"}
    default = settings_load(urls, tmp_path, PREPARED)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == "[('default', True, 2), ('replica', True, 2)]"
    # Behind PgBouncer in transaction mode (docs/deploy.md): off, on the replica too.
    off = settings_load(urls | {"LNOB_DB_PREPARED": "0"}, tmp_path, PREPARED)
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "[('default', None, None), ('replica', None, None)]"
    sqlite = settings_load({"LNOB_DB_PREPARED": "1"}, tmp_path, PREPARED)
    assert sqlite.returncode == 0, sqlite.stderr
    assert sqlite.stdout.strip() == "[('default', None, None)]"  # SQLite ignores it


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="PostgreSQL only")
def test_on_postgresql_a_repeated_statement_is_prepared_once() -> None:
    if os.environ.get("LNOB_DB_PREPARED", "1").strip().lower() in {"0", "false", "no", "off", ""}:
        pytest.skip("this run has prepared statements off (LNOB_DB_PREPARED=0)")
    assert connection.features.uses_server_side_binding  # type: ignore[attr-defined]
    for _ in range(3):
        assert User.objects.filter(username="nobody-by-this-name").count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("nobody" not in sql and '"core_user"' in sql and "COUNT(*)" in sql
               for sql in prepared), prepared


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given() -> None:
    # `make test` runs everything twice; this proves the second run is PostgreSQL.
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
