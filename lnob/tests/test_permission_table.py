"""Every app draws its role tuples from the one permission table (lnob.core.roles)."""

from __future__ import annotations

from lnob.cases.access import READERS as CASE_READERS
from lnob.core.roles import allowed
from lnob.dedup.merge import MERGERS
from lnob.learning.access import STORY_REVIEWERS
from lnob.matching.services import ACCEPTERS
from lnob.networks.access import EDITORS as FUND_EDITORS
from lnob.privacy.access import HANDLERS
from lnob.registry.access import EDITORS, ID_READERS


def test_the_apps_role_tuples_are_the_tables() -> None:
    assert allowed("records.merge") == MERGERS
    assert allowed("persons.edit") == EDITORS
    assert allowed("persons.read_citizen_id") == ID_READERS
    assert allowed("stories.review") == STORY_REVIEWERS
    assert allowed("matching.accept") == ACCEPTERS
    assert allowed("funds.edit") == FUND_EDITORS
    assert allowed("privacy.handle") == HANDLERS
    assert allowed("cases.read") == CASE_READERS
