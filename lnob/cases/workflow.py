"""The allowed steps of a case, in one pure table (no database): which action
moves a case from which states to which, and which roles may take it.

reported → verified (at a forum) → assigned → in care → closed (with a reason);
reported → rejected; reported/verified → duplicate (of another case);
closed → verified again (reopen); rejected → reported again (reopen).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from lnob.core.errors import Refused

REPORTED, VERIFIED, REJECTED, DUPLICATE = "reported", "verified", "rejected", "duplicate"
ASSIGNED, IN_CARE, CLOSED = "assigned", "in_care", "closed"
STATES = (REPORTED, VERIFIED, REJECTED, DUPLICATE, ASSIGNED, IN_CARE, CLOSED)
OPEN_STATES = frozenset({REPORTED, VERIFIED, ASSIGNED, IN_CARE})
# A carer's load: the open cases assigned to them.
CARING = (ASSIGNED, IN_CARE)

CLOSE_REASONS = ("self_reliant", "moved_away", "died", "refused_help", "transferred")

OFFICER, COORDINATOR, VOLUNTEER, ADMIN = (
    "provincial_officer", "network_coordinator", "volunteer", "system_admin")
MANAGERS = frozenset({OFFICER, COORDINATOR, ADMIN})


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # What the step needs besides the actor: a reason, another case, an assignee.
    needs: frozenset[str] = frozenset()
    # False: a step another service takes (merging two records of one person),
    # never offered as a button nor accepted from a form or the API.
    by_hand: bool = True


STEPS: dict[str, Step] = {
    "verify": Step(frozenset({REPORTED}), VERIFIED, MANAGERS),
    "reject": Step(frozenset({REPORTED}), REJECTED, MANAGERS, frozenset({"note"})),
    "mark_duplicate": Step(frozenset({REPORTED, VERIFIED}), DUPLICATE, MANAGERS,
                           frozenset({"duplicate_of"})),
    "assign": Step(frozenset({VERIFIED, ASSIGNED, IN_CARE}), ASSIGNED, MANAGERS,
                   frozenset({"assignee"})),
    "start_care": Step(frozenset({ASSIGNED}), IN_CARE, MANAGERS | {VOLUNTEER}),
    # The carer lets the case go (e.g. matching gives the place to someone more
    # pressing when the officer asked to rebalance): back to waiting for a carer.
    "release": Step(frozenset({ASSIGNED, IN_CARE}), VERIFIED, MANAGERS, frozenset({"note"})),
    "close": Step(frozenset({VERIFIED, ASSIGNED, IN_CARE}), CLOSED, MANAGERS,
                  frozenset({"reason"})),
    "reopen": Step(frozenset({CLOSED}), VERIFIED, MANAGERS, frozenset({"note"})),
    "reconsider": Step(frozenset({REJECTED}), REPORTED, MANAGERS, frozenset({"note"})),
    # Two records of one person merged (dedup): the merged record's open case,
    # whatever its step (in care too), becomes a duplicate of the kept one's.
    "merge": Step(OPEN_STATES, DUPLICATE, frozenset({OFFICER, ADMIN}),
                  frozenset({"duplicate_of"}), by_hand=False),
}


STEP_MESSAGES = {
    "unknown_action": gettext_lazy("There is no such step."),
    "wrong_state": gettext_lazy("This step cannot be taken from the case's current status."),
    "role": gettext_lazy("Your role cannot take this step."),
}


class StepRefused(Refused):
    """The step is not allowed: ``code`` says why (unknown_action, wrong_state,
    role); the message is translated when shown. ``from_status`` is the
    case's status the step was tried from."""

    default_field = "action"

    def __init__(self, code: str, action: str, from_status: str) -> None:
        super().__init__(code, STEP_MESSAGES[code], action=action, from_status=from_status)
        self.action, self.from_status = action, from_status


def step(action: str, status: str, roles: frozenset[str] | set[str], *,
         by_hand: bool = True) -> Step:
    """The step for ``action`` from ``status``, or StepRefused (unknown
    action, wrong state, or none of ``roles`` may take it). A person's own
    request (``by_hand``) never reaches the steps other services take."""
    found = STEPS.get(action)
    if found is None or (by_hand and not found.by_hand):
        raise StepRefused("unknown_action", action, status)
    if status not in found.sources:
        raise StepRefused("wrong_state", action, status)
    if not found.roles & set(roles):
        raise StepRefused("role", action, status)
    return found


def actions_from(status: str, roles: frozenset[str] | set[str]) -> list[str]:
    """What these roles may do next, in a stable order (for buttons)."""
    return [name for name, s in STEPS.items()
            if s.by_hand and status in s.sources and s.roles & set(roles)]
