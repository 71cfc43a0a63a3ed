"""Background work of the coverage pages, run by `lnob db_worker`."""

from __future__ import annotations

from django_tasks import task


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
