"""The welfare sections of each officer's and coordinator's home page:
eligible persons receiving nothing (referrals to make) and referrals the
provider has not answered in time. Composed in :mod:`lnob.web.inbox`.

The inbox's readers were written for case rows (``row.pk``, ``row.urgent``,
``row.person.full_name``, ``row.case.person.full_name``); ``InboxRow`` answers
them and adds ``url`` and ``detail`` for the home page's row template
(``welfare/_inbox_row.html``)."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lnob.core.access import grants_of
from lnob.welfare.access import READERS
from lnob.welfare.selectors import overdue_referrals, to_refer

ROW_FIELDS = ("person__title", "person__first_name", "person__last_name", "scheme__name_th")
TO_REFER = _("Eligible for welfare, receiving nothing: referrals to make")
OVERDUE = _("Welfare referrals overdue")


@dataclass(frozen=True)
class InboxRow:
    pk: int
    person_id: int
    full_name: str
    detail: str
    urgent: bool = False

    @property
    def person(self) -> Any:
        return SimpleNamespace(full_name=self.full_name, pk=self.person_id)

    @property
    def case(self) -> Any:
        return SimpleNamespace(person=self.person)

    @property
    def url(self) -> str:
        return reverse("welfare_person", args=[self.person_id])


def welfare_sections(user: Any, section: Any, shown: int) -> list[Any]:
    """The two sections (``section`` is the inbox's Section class)."""
    if not grants_of(user, READERS):
        return []
    gap, late = to_refer(user), overdue_referrals(user)
    gaps, lates = gap.count(), late.count()
    # The rows only when there are some, and only what a row shows.
    gap, late = gap.only(*ROW_FIELDS), late.only(*ROW_FIELDS)
    return [
        section("welfare_to_refer", TO_REFER, gaps, [
            InboxRow(e.pk, e.person_id, e.person.full_name, e.scheme.name_th)
            for e in (gap[:shown] if gaps else [])]),
        section("welfare_overdue", OVERDUE, lates, [
            InboxRow(r.pk, r.person_id, r.person.full_name, r.scheme.name_th, urgent=True)
            for r in (late[:shown] if lates else [])]),
    ]
