"""The roll-ups follow ``areas_changed``: the subdistricts a writer names are
recomputed right after its transaction commits (``on_commit``), once per
transaction however many times it sent the signal.

After the commit, not inside it: the writers send the signal before they
have written everything (a case step sends it before adding the event to the
history), and the recomputation must see the finished change. The price: if
the recomputation itself fails, the change stays and the roll-up lags behind
until ``lnob rollup --verify`` finds it and ``lnob rollup --full`` repairs it.
See docs/decisions/0007-coverage-roll-ups.md.

Inside ``lnob.core.followups.deferred`` (a public report), a change of
persons or cases is noted for the worker's catch-up instead, which refreshes
the noted subdistricts in batches a second or two later (capacity changes are
never deferred).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from lnob.cases.models import Case, Forum, Transfer
from lnob.core import followups
from lnob.core.signals import areas_changed
from lnob.coverage import contributors
from lnob.coverage.models import SearchRound
from lnob.coverage.rollup import rollup_refresh
from lnob.registry.models import Person

log = logging.getLogger(__name__)


class _Pending:
    """The subdistricts named during one transaction, refreshed once on commit."""

    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.capacity = False
        self.done = False

    def __call__(self) -> None:
        self.done = True
        codes, self.codes = self.codes, set()
        try:
            rollup_refresh(codes, capacity=self.capacity)
        except Exception:  # the change is committed; the roll-up catches up later
            log.exception("coverage roll-up of %s failed; run `lnob rollup --full`",
                          sorted(codes))


_ATTR = "_lnob_rollup_pending"
FOLLOWUP = "rollup"
FOLLOWUP_CAPACITY = "rollup_capacity"  # a public offer (lnob.coverage.contributors)
# Senders whose changes cannot change care capacity (networks, volunteers,
# funds, committees): their refresh skips the capacity queries.
_PEOPLE_SENDERS: tuple[type, ...] = (Person, Case, Transfer, Forum, SearchRound)


@receiver(areas_changed, dispatch_uid="coverage_rollup")
def _areas_changed(sender: Any, codes: Any = (), **kwargs: Any) -> None:
    wanted = {str(c) for c in codes or () if c}
    if not wanted:
        return
    capacity = sender not in _PEOPLE_SENDERS
    if not capacity and followups.defer(FOLLOWUP, wanted):
        return
    if capacity and contributors.deferrable(sender) and followups.defer(
            FOLLOWUP_CAPACITY, wanted):
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        rollup_refresh(wanted, capacity=capacity)
        return
    pending = getattr(connection, _ATTR, None)
    # Still waiting for this transaction's commit? (A rolled-back transaction
    # drops its callbacks, and with them the pending set.)
    if pending is None or pending.done or not any(
            entry[1] is pending for entry in connection.run_on_commit):
        pending = _Pending()
        setattr(connection, _ATTR, pending)
        transaction.on_commit(pending)
    pending.codes |= wanted
    pending.capacity = pending.capacity or capacity


def _refresh_noted(keys: list[str]) -> None:
    rollup_refresh(keys, capacity=False)


def _refresh_noted_capacity(keys: list[str]) -> None:
    rollup_refresh(keys, capacity=True)


followups.register(FOLLOWUP, _refresh_noted)
followups.register(FOLLOWUP_CAPACITY, _refresh_noted_capacity)
