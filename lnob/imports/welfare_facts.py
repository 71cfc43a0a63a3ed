"""The optional welfare columns of a person import (บัตรคนพิการ, รายได้ต่อคนต่อปี):
read per row, written beside the persons (docs/welfare.md). A value that cannot
be read is a warning, the fact is kept "not known": never a reason to turn the
person away."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lnob.core.bulk import TableWriter
from lnob.welfare.models import WelfareFacts

YES = {"yes", "y", "true", "1", "มี", "ใช่", "มีบัตร"}
NO = {"no", "n", "false", "0", "ไม่มี", "ไม่ใช่", "ไม่"}
INCOME_WORDS = {
    "lt30k": "lt30k", "<30000": "lt30k", "ต่ำกว่า30000": "lt30k", "ต่ำกว่า30,000": "lt30k",
    "30k_100k": "30k_100k", "30000-99999": "30k_100k", "30,000-99,999": "30k_100k",
    "ge100k": "ge100k", ">=100000": "ge100k", "100000ขึ้นไป": "ge100k",
    "100,000ขึ้นไป": "ge100k",
}


def _band_of_amount(text: str) -> str | None:
    digits = text.replace(",", "")
    if not digits.isdigit():
        return None
    amount = int(digits)
    return "lt30k" if amount < 30_000 else ("30k_100k" if amount < 100_000 else "ge100k")


def read_welfare(disability: str | None, income: str | None,
                 warn: Any) -> tuple[str, str] | None:
    """(disability "yes"/"no"/"", income band or "") when the file has either column."""
    if disability is None and income is None:
        return None
    card = ""
    text = (disability or "").strip().lower()
    if text in YES:
        card = "yes"
    elif text in NO:
        card = "no"
    elif text:
        warn("disability_registered", _("“%(value)s” is not yes (มี) or no (ไม่มี): the "
                                        "disability card is kept as not known.") % {
            "value": disability})
    band = ""
    text = "".join((income or "").split()).lower()
    if text:
        found = INCOME_WORDS.get(text) or _band_of_amount(text)
        if found is None:
            warn("income_band", _("“%(value)s” is not an income band or an amount in "
                                  "baht a year: the income is kept as not known.") % {
                "value": income})
        else:
            band = found
    return card, band


def write_welfare_facts(rows: list[Any], actor_id: int | None, now: Any) -> int:
    """The welfare facts of written rows (``existing_id`` set), replacing what the
    persons had (an import of these columns is the newer statement)."""
    wanted = [(r.existing_id, *r.welfare) for r in rows
              if r.existing_id and r.welfare is not None and any(r.welfare)]
    if not wanted:
        return 0
    ids = [w[0] for w in wanted]
    for start in range(0, len(ids), 5_000):
        WelfareFacts.objects.filter(person_id__in=ids[start:start + 5_000]).delete()
    return TableWriter(WelfareFacts, ["person", "disability_registered", "income_band",
                                      "updated_at", "updated_by"]).write(
        [(pk, card, band, now, actor_id) for pk, card, band in wanted])
