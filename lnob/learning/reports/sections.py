"""The giving and welfare sections of the provincial and national reports
(issues 17 and 18), computed when a report is generated and kept with it.

Counts only, read through the owners' aggregate selectors
(``giving.selectors.totals``, ``welfare.selectors.counts``); no person and no
giver is read. Counts of people under 5 — givers, volunteers, people eligible,
receiving, referred or approved, pledges received — are kept as "<5", with
the public dashboard's rule (``coverage.suppression``); the table of offers
by kind and status, which has totals, gets its complementary suppression too
("×"), so no small count can be worked out from the others. Quantities
(units of goods, places of a service) are not people and are shown whole."""

from __future__ import annotations

import datetime
from typing import Any

from lnob.coverage import suppression
from lnob.giving import selectors as giving
from lnob.giving.models import OfferKind, OfferStatus
from lnob.welfare import selectors as welfare

Shown = int | str


def small(n: int) -> Shown:
    """A count of people as a report may print it."""
    return suppression.SMALL if n < suppression.THRESHOLD else n


def giving_section(area_code: str, until: datetime.date) -> dict[str, Any]:
    """Offers by kind and status (suppressed as a table with its totals),
    givers, and what was accepted as capacity."""
    t = giving.totals(area_code, until=until)
    kinds = list(OfferKind)
    statuses = list(OfferStatus)
    grid = [[t.by_kind[k.value][s.value] for s in statuses] for k in kinds]
    grid = [[*row, sum(row)] for row in grid]
    totals = [sum(col) for col in zip(*grid, strict=True)]
    offers = totals[-1]
    if offers:
        hidden = suppression.suppress([*grid, totals])
        cells = [[hidden.shown(r, c) for c in range(len(totals))] for r in range(len(grid) + 1)]
    else:
        cells = [[0] * len(totals) for _r in range(len(grid) + 1)]
    pledges = small(t.pledges_received)
    return {
        "offers": offers,
        "statuses": [str(s.label) for s in statuses],
        "rows": [{"kind": str(k.label), "cells": cells[i]} for i, k in enumerate(kinds)],
        "total": cells[-1],
        "givers": small(t.givers),
        "volunteers": small(t.volunteers),
        "goods_accepted": t.goods_accepted,
        "goods_given": t.goods_given,
        "service_places": t.service_places,
        "pledges_received": pledges,
        # The amount of fewer than 5 pledges could name a giver's gift.
        "pledged_baht_received": t.pledged_baht_received if isinstance(pledges, int) else None,
    }


def welfare_section(area_code: str, language: str) -> dict[str, Any]:
    """Per active scheme: eligible, receiving, referred, approved, and the
    share of the eligible who receive it (shown only when neither those who
    receive nor those who do not are fewer than 5)."""
    rows = []
    for c in welfare.counts(area_code):
        name = c.scheme.name_th if language.startswith("th") or not c.scheme.name_en \
            else c.scheme.name_en
        getting = c.eligible - c.eligible_not_receiving
        share = None
        if getting >= suppression.THRESHOLD and \
                c.eligible_not_receiving >= suppression.THRESHOLD:
            share = round(100 * getting / c.eligible, 1)
        rows.append({"code": c.scheme.code, "name": name, "eligible": small(c.eligible),
                     "receiving": small(c.receiving), "referred": small(c.referred),
                     "approved": small(c.approved), "share": share})
    shares = sorted((float(r["share"]), str(r["name"])) for r in rows
                    if r["share"] is not None)
    return {"schemes": rows, "lowest": [{"name": name, "share": share}
                                        for share, name in shares[:2]]}
