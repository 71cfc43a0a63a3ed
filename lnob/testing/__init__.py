"""Helpers shared by the tests of every app (no test imports another app's
test module for these)."""

from __future__ import annotations

import datetime
from typing import Any


def today() -> datetime.date:
    """Today in Bangkok, read when a test runs. Never keep it in a module
    constant, a parametrize argument or a default argument: those are read
    when pytest collects the tests, and a run that crosses midnight in
    Bangkok (17:00 UTC) would then compare against yesterday."""
    from django.utils import timezone

    return timezone.localdate()


def bearer(user: Any, scope: str = "write") -> dict[str, str]:
    """The Authorization header of a fresh API token of ``user``."""
    from lnob.core.services import api_token_create

    _token, raw = api_token_create(actor=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {raw}"}


def reload_migration_data() -> None:
    """Transactional tests empty every table afterwards, including the rows the
    migrations loaded: put back Thailand's geography and the national taxonomy."""
    from lnob.geo.loader import load_geography
    from lnob.geo.models import District, Province, Subdistrict
    from lnob.registry.migrations import _national_taxonomy

    load_geography(Province, District, Subdistrict)
    _national_taxonomy.load()


def in_parallel(work: Any, items: list[Any], *, timeout: float = 300) -> list[Any]:
    """Runs ``work(item)`` for every item at once, one thread each, released
    together by a barrier; each thread closes its own database connection.
    Returns what each call returned, or the exception it raised, in order."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(items))
    results: list[Any] = [None] * len(items)

    def run(i: int, item: Any) -> None:
        try:
            barrier.wait()
            results[i] = work(item)
        except BaseException as err:  # noqa: BLE001 — handed to the test
            results[i] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
