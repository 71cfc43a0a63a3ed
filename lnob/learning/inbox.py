"""The home inbox's "Follow-up actions due" section: the user's open AAR
follow-up actions, soonest due first (overdue ones flagged urgent).

The inbox's readers (the home page, ``GET /api/v1/inbox``) were written for
case rows: they read ``row.pk``, ``row.urgent``, ``row.person.full_name``,
``row.subdistrict.name`` and ``row.case.person.full_name``. ``InboxAction``
answers those with the action's own text and area, so nothing breaks and the
label is right; the home page links a row with ``learning/_inbox_followups.html``
(its section key is ``followups``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lnob.learning.aar.selectors import followups_of
from lnob.learning.models import FollowUpAction

TITLE = _("Follow-up actions due")


@dataclass(frozen=True)
class InboxAction:
    action: FollowUpAction

    @property
    def pk(self) -> int:
        return self.action.pk

    @property
    def aar_id(self) -> int:
        return self.action.aar_id

    @property
    def text(self) -> str:
        return self.action.text

    @property
    def due_on(self) -> datetime.date:
        return self.action.due_on

    @property
    def overdue(self) -> bool:
        return self.action.overdue

    urgent = overdue

    @property
    def url(self) -> str:
        return reverse("aar_detail", args=[self.action.aar_id]) + "#actions"

    @property
    def person(self) -> Any:
        return SimpleNamespace(full_name=self.action.text)

    @property
    def case(self) -> Any:
        return SimpleNamespace(person=self.person)

    @property
    def subdistrict(self) -> Any:
        return SimpleNamespace(name=self.action.aar.title)


def followups_section(user: Any, section: Any, shown: int) -> Any:
    """A ``section(key, title, count, rows)`` of the user's open actions."""
    actions = followups_of(user)
    return section("followups", TITLE, actions.count(),
                   [InboxAction(a) for a in actions[:shown]])
