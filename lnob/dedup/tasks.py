"""Runs in the background, by `lnob db_worker` (started by `lnob serve`)."""

from __future__ import annotations

from django_tasks import task


@task()
def index_province(province_code: str) -> None:
    from lnob.dedup.store import index_scope

    index_scope(province_code)


@task()
def run_dedup(run_id: int) -> None:
    from lnob.dedup.models import DedupRun
    from lnob.dedup.runs import run_execute

    run_execute(DedupRun.objects.get(pk=run_id))
