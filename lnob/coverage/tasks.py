"""Background work of the coverage pages, run by `lnob db_worker`, and the
check that asks for the day's snapshots (``lnob serve`` runs it every hour;
see docs/decisions/0009-snapshot-schedule.md)."""

from __future__ import annotations

import datetime

from django_tasks import task

TAKE_SNAPSHOTS = "lnob.coverage.tasks.take_snapshots"


@task()
def take_snapshots() -> int:
    """The snapshots due today (see ``lnob snapshot``)."""
    from lnob.coverage.roadmap import snapshots_take

    return snapshots_take()


@task()
def rebuild_rollups() -> int:
    """A full rebuild, when the pages find the roll-ups never built."""
    from lnob.coverage.rollup import rollup_full

    return rollup_full().subdistricts


def waiting(task_path: str) -> bool:
    """A task of this path already asked for and not finished (one is
    enough: each of these does all that is due when it runs)."""
    try:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: ask again, the tasks are idempotent
        return False
    return DBTaskResult.objects.filter(
        task_path=task_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()


def snapshots_ask(on: datetime.date | None = None) -> bool:
    """Asks the worker for today's snapshots when some are due (the first of
    the month, a province's milestone day, or the first check after them)
    and none is asked for yet. Cheap when nothing is due: a few small
    queries. Returns whether it asked."""
    from django.utils import timezone

    from lnob.coverage.roadmap import snapshots_due
    from lnob.coverage.rollup import is_built

    if not is_built():  # nothing to keep yet; the pages ask for a rebuild
        return False
    if not snapshots_due(on or timezone.localdate()) or waiting(TAKE_SNAPSHOTS):
        return False
    take_snapshots.enqueue()
    return True
