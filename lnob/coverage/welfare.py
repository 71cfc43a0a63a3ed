"""Welfare on the coverage pages and the roadmap (issue 18, "Counted").

Welfare (layer 4) keeps its own counts (``welfare.selectors.counts``: stored
eligibility, kept current in the writer's transaction); coverage reads them
for one area when a page or the roadmap asks, and never stores them in the
roll-ups (a change of welfare facts or benefits does not pass through the
roll-up refresh). Aggregates only: no person is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lnob.core.i18n import localised
from lnob.welfare.selectors import SchemeCount, counts

OLD_AGE = "old_age_allowance"


@dataclass
class SchemeLine:
    code: str
    name: Any
    eligible: int
    receiving: int
    eligible_receiving: int
    eligible_not_receiving: int
    referred: int
    approved: int
    share: float | None  # of the eligible, % receiving


def _line(c: SchemeCount) -> SchemeLine:
    share = c.receiving_share
    return SchemeLine(c.scheme.code, localised(c.scheme.name_th, c.scheme.name_en), c.eligible,
                      c.receiving, c.eligible - c.eligible_not_receiving,
                      c.eligible_not_receiving, c.referred, c.approved,
                      None if share is None else round(100 * share, 1))


def scheme_lines(area_code: str) -> list[SchemeLine]:
    """Per active scheme in the area ("" = the nation): eligible, receiving
    (whether or not the rules say eligible), eligible and receiving, eligible
    and not receiving, referred, approved."""
    return [_line(c) for c in counts(area_code)]


def welfare_variables(area_code: str) -> dict[str, int | None]:
    """The indicator variables welfare gives an area: the eligible for the
    old-age allowance and those of them receiving it (None without the
    scheme)."""
    for c in counts(area_code):
        if c.scheme.code == OLD_AGE:
            return {"old_age_eligible": c.eligible,
                    "old_age_receiving": c.eligible - c.eligible_not_receiving}
    return {"old_age_eligible": None, "old_age_receiving": None}
