"""The stored eligibility follows ``persons_changed``: persons saved one by one
are re-evaluated in the writer's transaction (with their households); after a
bulk write the province is re-evaluated by the task worker. Inside
``lnob.core.followups.deferred`` (a public report) the persons are noted for the
worker's catch-up instead, which evaluates them in batches a second or two later."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from lnob.core import followups
from lnob.core.signals import persons_changed

FOLLOWUP = "welfare"


@receiver(persons_changed, dispatch_uid="welfare_eligibility")
def _evaluate(sender: Any, ids: list[int] | None = None, province_code: str | None = None,
              **kwargs: Any) -> None:
    from lnob.welfare.evaluate import evaluate_persons
    from lnob.welfare.tasks import evaluate_province

    if ids and not followups.defer(FOLLOWUP, ids):
        evaluate_persons(ids)
    if province_code is not None:
        evaluate_province.enqueue(province_code)


def _evaluate_noted(keys: list[str]) -> None:
    from lnob.welfare.evaluate import evaluate_persons

    evaluate_persons([int(k) for k in keys if k.isdigit()])


followups.register(FOLLOWUP, _evaluate_noted)
