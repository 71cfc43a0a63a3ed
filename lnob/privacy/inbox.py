"""The home inbox's "Personal data requests" section: open requests of the
user's areas, the answer due soonest first (overdue ones urgent). Rows answer
the inbox readers' questions (``pk``, ``urgent``, ``case.person.full_name``)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lnob.privacy.access import requests_visible_to
from lnob.privacy.models import RequestStatus, SubjectRequest

TITLE = _("Personal data requests to answer")


@dataclass(frozen=True)
class InboxRequest:
    request: SubjectRequest

    @property
    def pk(self) -> int:
        return self.request.pk

    @property
    def urgent(self) -> bool:
        return self.request.overdue

    @property
    def url(self) -> str:
        return reverse("privacy_request", args=[self.request.pk])

    @property
    def label(self) -> str:
        person = self.request.person
        who = person.full_name if person is not None else str(_("A giver"))
        return f"{self.request.get_kind_display()} · {who}"

    @property
    def due_on(self) -> Any:
        return self.request.due_on

    @property
    def case(self) -> Any:
        return SimpleNamespace(person=SimpleNamespace(full_name=self.label))


def requests_section(user: Any, section: Any, shown: int) -> Any:
    open_ = (requests_visible_to(user).filter(status=RequestStatus.OPEN)
             .select_related("person").order_by("due_on", "id"))
    return section("privacy", TITLE, open_.count(),
                   [InboxRequest(r) for r in open_[:shown]])

