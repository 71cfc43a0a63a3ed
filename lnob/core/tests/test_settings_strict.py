"""Settings are parsed strictly: an unknown value is an error at start-up,
never a silent default, and a weak secret key is refused in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from lnob.core.tests.test_operations import GOOD_KEY, settings_load


@pytest.mark.parametrize(("env", "named"), [
    ({"LNOB_MODE": "Production"}, "LNOB_MODE"),
    ({"LNOB_MODE": "prod"}, "LNOB_MODE"),
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT"),
    ({"IMPORT_MAX_BYTES": "-1"}, "IMPORT_MAX_BYTES"),
    ({"LNOB_TRUSTED_PROXIES": "10.0.0.0/8, not-an-address"}, "LNOB_TRUSTED_PROXIES"),
])
def test_an_unknown_value_stops_the_start_and_names_the_setting(
        tmp_path: Path, env: dict[str, str], named: str) -> None:
    run = settings_load(env, tmp_path)
    assert run.returncode != 0
    assert named in run.stderr


@pytest.mark.parametrize("key", ["a" * 50, "x", "ab" * 40, "my-secret-" + GOOD_KEY])
def test_production_refuses_a_weak_key(tmp_path: Path, key: str) -> None:
    run = settings_load({"LNOB_MODE": "production", "SECRET_KEY": key}, tmp_path)
    assert run.returncode != 0
    assert "SECRET_KEY" in run.stderr


def test_a_known_value_in_any_yes_no_spelling_is_read(tmp_path: Path) -> None:
    run = settings_load({"DEBUG": "No", "LNOB_TRUSTED_PROXIES": "10.0.0.1, 2001:db8::/32"},
                        tmp_path)
    assert run.returncode == 0, run.stderr
