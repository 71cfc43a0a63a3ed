"""The duplicate index follows ``persons_changed``: persons saved one by one are
indexed in the writer's transaction (their keys are never out of step with them);
a bulk write names its province after it has committed, and the province is indexed
by the task worker. Inside ``lnob.core.followups.deferred`` (a public report) the
persons are noted for the worker's catch-up instead, which indexes them in batches
a second or two later."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from lnob.core import followups
from lnob.core.signals import persons_changed

FOLLOWUP = "dedup"


@receiver(persons_changed, dispatch_uid="dedup_index")
def _index(sender: Any, ids: list[int] | None = None, province_code: str | None = None,
           **kwargs: Any) -> None:
    from lnob.dedup.store import index_persons
    from lnob.dedup.tasks import index_province

    if ids and not followups.defer(FOLLOWUP, ids):
        index_persons(ids)
    if province_code is not None:
        index_province.enqueue(province_code)


def _index_noted(keys: list[str]) -> None:
    from lnob.dedup.store import index_persons

    index_persons(int(k) for k in keys if k.isdigit())


followups.register(FOLLOWUP, _index_noted)
