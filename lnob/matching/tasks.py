"""Runs in the background, by `lnob db_worker` (started by `lnob serve`)."""

from __future__ import annotations

from django_tasks import task

from lnob.matching.models import MatchingRun


@task()
def run_matching(run_id: int) -> None:
    from lnob.matching.services import run_execute

    run_execute(MatchingRun.objects.get(pk=run_id))
