"""Heavy work has quotas: one waiting or running run per kind and area, and a
number of runs an hour per user."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from lnob.core import quotas, ratelimit
from lnob.core.models import User
from lnob.dedup.models import DedupRun
from lnob.dedup.runs import run_start as dedup_start
from lnob.matching.models import MatchingRun
from lnob.matching.services import run_start as matching_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", [matching_start, dedup_start])
def test_a_second_run_of_an_area_waits_for_the_first(start: Callable[..., object],
                                                     officer: User) -> None:
    start(actor=officer, scope_code="84")
    with pytest.raises(ValidationError) as refused:
        start(actor=officer, scope_code="84")
    assert "scope_code" in refused.value.message_dict


def test_runs_an_hour_are_limited_per_user(officer: User, other_officer: User,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quotas, "RUNS", ratelimit.Limit("runs", 3, 3600))
    for _ in range(3):
        run = matching_start(actor=officer, scope_code="84")
        MatchingRun.objects.filter(pk=run.pk).update(status="done")
    with pytest.raises(ValidationError):
        matching_start(actor=officer, scope_code="84")
    assert dedup_start(actor=other_officer, scope_code="81")  # someone else is not held
    assert DedupRun.objects.count() == 1
