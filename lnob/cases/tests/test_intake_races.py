"""Parallel public reports from one client: the hourly limit holds exactly
(counted atomically per real client, not by scanning the hour's reports);
workers filing at once file each kept report exactly once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from lnob.cases.intake import door
from lnob.cases.intake import services as intake
from lnob.cases.models import Case, ReceivedReport
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
        ReceivedReport.objects.all().delete()
        from lnob.core.models import RateCounter

        RateCounter.objects.all().delete()
        statuses = in_parallel(send, list(range(20)))
        assert statuses.count(302) == intake.PUBLIC_REPORTS_PER_HOUR
        assert statuses.count(429) == 20 - intake.PUBLIC_REPORTS_PER_HOUR
        assert ReceivedReport.objects.count() == intake.PUBLIC_REPORTS_PER_HOUR


def test_four_workers_filing_at_once_file_each_report_exactly_once() -> None:
    reload_migration_data()
    for trial in range(3):
        for n in range(60):
            Client(REMOTE_ADDR=f"10.{trial}.{n // 250}.{n % 250}").post(
                "/report/", public_form(first_name=f"คนที่{trial}-{n}"))
        assert ReceivedReport.objects.count() == 60

        def work(_n: int) -> int:
            return door.file_received(limit=10) + door.file_waiting()

        taken = in_parallel(work, list(range(4)))
        assert sum(taken) == 60  # no report taken twice, none left
        assert not ReceivedReport.objects.exists()
        names = list(Case.objects.filter(person__first_name__startswith=f"คนที่{trial}-")
                     .values_list("person__first_name", flat=True))
        assert len(names) == len(set(names)) == 60
