"""Background work of the learning app, run by `lnob db_worker` (started by `lnob serve`)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_report(report_id: int) -> None:
    from lnob.learning.reports.services import report_generate

    report_generate(report_id)
