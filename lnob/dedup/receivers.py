"""The duplicate index follows ``persons_changed``: persons saved one by one are
indexed in the writer's transaction (their keys are never out of step with them);
a bulk write names its province after it has committed, and the province is indexed
by the task worker."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from lnob.core.signals import persons_changed


@receiver(persons_changed, dispatch_uid="dedup_index")
def _index(sender: Any, ids: list[int] | None = None, province_code: str | None = None,
           **kwargs: Any) -> None:
    from lnob.dedup.store import index_persons
    from lnob.dedup.tasks import index_province

    if ids:
        index_persons(ids)
    if province_code is not None:
        index_province.enqueue(province_code)
