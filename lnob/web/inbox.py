"""Each role's home page: what needs their action now, urgent first.

Composed here, above the apps that own each section: the case sections
(:mod:`lnob.cases.inbox`), transfers to accept, the user's open follow-up
actions from after-action reviews (:mod:`lnob.learning.inbox`) and PDPA
requests on a 30-day clock (:mod:`lnob.privacy.inbox`), offers of help
to answer (:mod:`lnob.giving.selectors`), and welfare referrals to make and
overdue (:mod:`lnob.welfare.inbox`). The home page and the
API's inbox endpoint both read this one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lnob.cases.inbox import (
    ROW_FIELDS,
    SHOWN,
    Section,
    case_counts,
    case_sections,
    section_of,
    sections_read_together,
)
from lnob.cases.transfers.selectors import transfers_to_accept
from lnob.giving.selectors import offers_to_answer
from lnob.learning.inbox import followups_section
from lnob.privacy.inbox import requests_section
from lnob.welfare.inbox import welfare_sections


def inbox_for(user: Any) -> list[Section]:
    """The sections for this user, empty ones left out."""
    counts = case_counts(user)  # one query for every case section's count
    sections = sections_read_together([
        (key, title, qs.only(*ROW_FIELDS), counts[key])
        for key, (title, qs) in case_sections(user).items()])
    sections.append(section_of("transfers", _("Transfers to accept"), transfers_to_accept(user)))
    sections.append(followups_section(user, Section, SHOWN))
    sections.append(requests_section(user, Section, SHOWN))
    sections.append(section_of("offers", _("Offers of help to answer"), offers_to_answer(user)))
    sections.extend(welfare_sections(user, Section, SHOWN))
    return [s for s in sections if s.count]
