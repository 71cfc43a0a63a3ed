"""After a bulk load the planner has statistics of the tables it grew
(``lnob.core.bulk.analyze``): a table taken for empty makes PostgreSQL join
whole tables in nested loops (an officer's home: 539 ms of database CPU on a
fresh demo province, 21 ms analysed)."""

from __future__ import annotations

import pytest
from django.db import connection

from lnob.core.bulk import analyze
from lnob.core.models import RateCounter

pytestmark = pytest.mark.django_db


def planner_rows(table: str) -> float | None:
    """The rows the planner believes the table has (None: no statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            found = cursor.fetchone()
            return None if found is None or found[0] < 0 else float(found[0])
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        found = cursor.fetchone()
        return None if found is None else float(found[0].split()[0])


def test_analyze_gives_the_planner_the_rows_of_a_grown_table() -> None:
    table = RateCounter._meta.db_table
    RateCounter.objects.bulk_create(RateCounter(key=f"k{n}", window_start=n, count=1)
                                    for n in range(3000))
    analyze([RateCounter])
    believed = planner_rows(table)
    assert believed is not None and believed >= 3000 * 0.9
