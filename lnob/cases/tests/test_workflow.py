"""The pure workflow table: every step from every state, for every role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lnob.cases import workflow as wf

MANAGER = {wf.OFFICER}


@pytest.mark.parametrize(("action", "source", "target"), [
    ("verify", wf.REPORTED, wf.VERIFIED),
    ("reject", wf.REPORTED, wf.REJECTED),
    ("mark_duplicate", wf.REPORTED, wf.DUPLICATE),
    ("mark_duplicate", wf.VERIFIED, wf.DUPLICATE),
    ("assign", wf.VERIFIED, wf.ASSIGNED),
    ("assign", wf.IN_CARE, wf.ASSIGNED),
    ("start_care", wf.ASSIGNED, wf.IN_CARE),
    ("close", wf.IN_CARE, wf.CLOSED),
    ("close", wf.VERIFIED, wf.CLOSED),
    ("reopen", wf.CLOSED, wf.VERIFIED),
    ("reconsider", wf.REJECTED, wf.REPORTED),
])
def test_each_allowed_step_leads_where_the_workflow_says(action: str, source: str,
                                                        target: str) -> None:
    assert wf.step(action, source, MANAGER).target == target


@pytest.mark.parametrize(("action", "source"), [
    ("verify", wf.VERIFIED), ("assign", wf.REPORTED), ("start_care", wf.VERIFIED),
    ("close", wf.REPORTED), ("close", wf.CLOSED), ("reopen", wf.IN_CARE),
    ("mark_duplicate", wf.CLOSED), ("reject", wf.IN_CARE),
])
def test_a_step_from_the_wrong_state_is_refused(action: str, source: str) -> None:
    with pytest.raises(wf.StepRefused) as refused:
        wf.step(action, source, MANAGER)
    assert refused.value.code == "wrong_state"


def test_volunteers_only_start_care_and_others_nothing() -> None:
    assert wf.actions_from(wf.ASSIGNED, {wf.VOLUNTEER}) == ["start_care"]
    assert wf.actions_from(wf.REPORTED, {wf.VOLUNTEER}) == []
    assert wf.actions_from(wf.REPORTED, {"committee_member", "national_analyst"}) == []
    with pytest.raises(wf.StepRefused) as refused:
        wf.step("close", wf.IN_CARE, {wf.VOLUNTEER})
    assert refused.value.code == "role"


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(wf.StepRefused) as refused:
        wf.step("teleport", wf.REPORTED, MANAGER)
    assert refused.value.code == "unknown_action"


@given(st.lists(st.sampled_from(sorted(wf.STEPS)), max_size=30))
def test_any_sequence_of_steps_stays_within_the_known_states(actions: list[str]) -> None:
    status = wf.REPORTED
    for action in actions:
        try:
            status = wf.step(action, status, {wf.ADMIN}).target
        except wf.StepRefused:
            continue
        assert status in wf.STATES


def test_every_state_but_duplicate_can_be_left_or_is_final_by_design() -> None:
    leaving = {s for step in wf.STEPS.values() for s in step.sources}
    assert set(wf.STATES) - leaving == {wf.DUPLICATE}


def test_the_merge_step_is_only_taken_by_the_merge_never_by_hand() -> None:
    for status in wf.OPEN_STATES:
        assert "merge" not in wf.actions_from(status, MANAGER)
        with pytest.raises(wf.StepRefused) as refused:
            wf.step("merge", status, MANAGER)
        assert refused.value.code == "unknown_action"
        assert wf.step("merge", status, {wf.OFFICER}, by_hand=False).target == wf.DUPLICATE
    with pytest.raises(wf.StepRefused):
        wf.step("merge", wf.CLOSED, {wf.OFFICER}, by_hand=False)
