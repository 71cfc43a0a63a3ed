"""Issue #15 on the demo province as `make demo` writes it (smaller): "accept
all" on a run, then on a run rebalancing the whole province, applies every row
— none refused — and never puts a volunteer or a network over its capacity in
caseload weight beyond where it already was; people who had a carer keep it
unless rebalancing was asked."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from lnob.cases.models import Case
from lnob.core.models import User
from lnob.demo.writer import generate_province
from lnob.matching.models import RowKind, RunStatus
from lnob.matching.services import rows_accept, run_execute, run_start
from lnob.matching.weights import case_weights
from lnob.networks.models import Network, Volunteer

pytestmark = pytest.mark.django_db


def over_capacity() -> dict[str, int]:
    rows = list(Case.objects.filter(status__in=("assigned", "in_care"))
                .values_list("pk", "volunteer_id", "network_id"))
    weight = case_weights(pk for pk, _v, _n in rows)
    load: dict[str, int] = defaultdict(int)
    for pk, vid, nid in rows:
        if vid is not None:
            load[f"v{vid}"] += weight[pk]
        if nid is not None:
            load[f"n{nid}"] += weight[pk]
    over = {f"v{v.pk}": load[f"v{v.pk}"] - v.capacity for v in Volunteer.objects.all()
            if load[f"v{v.pk}"] > v.capacity}
    over.update({f"n{n.pk}": load[f"n{n.pk}"] - n.capacity for n in Network.objects.all()
                 if n.capacity and load[f"n{n.pk}"] > n.capacity})
    return over


def test_accept_all_on_the_demo_applies_every_row_and_never_exceeds_a_capacity(
        officer: User) -> None:
    generate_province("84", 400, seed=2549, today=datetime.date(2026, 11, 6))
    for rebalance in ([], ["84"]):
        before = over_capacity()
        carers = dict(Case.objects.filter(status__in=("assigned", "in_care"))
                      .values_list("pk", "volunteer_id"))
        run = run_execute(run_start(actor=officer, scope_code="84",
                                    options={"rebalance": rebalance}))
        assert run.status == RunStatus.DONE, run.error
        proposed = run.rows.filter(kind__in=(RowKind.NEW, RowKind.CHANGED)).count()
        outcome = rows_accept(actor=officer, run=run)
        assert outcome["failed"] == 0, list(run.rows.filter(decision="failed").values_list(
            "decision_note", flat=True))
        assert outcome["accepted"] == proposed
        after = over_capacity()
        assert all(after[k] <= before.get(k, 0) for k in after), (before, after)
        if not rebalance:
            now = dict(Case.objects.filter(pk__in=list(carers)).values_list("pk",
                                                                            "volunteer_id"))
            assert now == carers
