"""Parallel public reports from one client: the hourly limit holds exactly
(counted atomically per real client, not by scanning the hour's reports)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from lnob.cases.intake import services as intake
from lnob.cases.models import Case
from lnob.cases.tests.test_intake import public_form
from lnob.testing import in_parallel, reload_migration_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite runs one writer at a time: no race to lose"),
]


def test_twenty_parallel_reports_from_one_client_file_exactly_the_limit() -> None:
    reload_migration_data()

    def send(n: int) -> int:
        return Client(REMOTE_ADDR="203.0.113.50").post(
            "/report/", public_form(first_name=f"คนที่{n}")).status_code

    for _trial in range(3):
        Case.objects.all().delete()
        from lnob.core.models import RateCounter

        RateCounter.objects.all().delete()
        statuses = in_parallel(send, list(range(20)))
        assert statuses.count(302) == intake.PUBLIC_REPORTS_PER_HOUR
        assert statuses.count(429) == 20 - intake.PUBLIC_REPORTS_PER_HOUR
        assert Case.objects.count() == intake.PUBLIC_REPORTS_PER_HOUR
