"""The steps of a good story, in one pure table (no Django):
draft → submitted → reviewed (by a provincial officer) → published, with
"return" to draft from review and "unpublish" back to draft."""

from __future__ import annotations

from typing import NamedTuple

DRAFT, SUBMITTED, REVIEWED, PUBLISHED = "draft", "submitted", "reviewed", "published"
WRITER, REVIEWER = "writer", "reviewer"


class Step(NamedTuple):
    sources: tuple[str, ...]
    target: str
    who: str  # WRITER or REVIEWER (a reviewer may also take the writers' steps)


STEPS: dict[str, Step] = {
    "submit": Step((DRAFT,), SUBMITTED, WRITER),
    "review": Step((SUBMITTED,), REVIEWED, REVIEWER),
    "return": Step((SUBMITTED, REVIEWED), DRAFT, REVIEWER),
    "publish": Step((REVIEWED,), PUBLISHED, REVIEWER),
    "unpublish": Step((PUBLISHED,), DRAFT, REVIEWER),
}
# Steps that need a note saying why.
NOTE_REQUIRED = frozenset({"return", "unpublish"})
EDITABLE = frozenset({DRAFT})


def target_of(action: str, status: str, *, writer: bool, reviewer: bool) -> str | None:
    """The status after ``action``, or None when it is not allowed."""
    step = STEPS.get(action)
    if step is None or status not in step.sources:
        return None
    allowed = reviewer or (writer and step.who == WRITER)
    return step.target if allowed else None


def actions_from(status: str, *, writer: bool, reviewer: bool) -> list[str]:
    return [a for a in STEPS if target_of(a, status, writer=writer, reviewer=reviewer)]
