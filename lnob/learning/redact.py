"""Taking personal data out of free text written by people (AARs, stories):
citizen IDs, and the full names of registry people found in it. Used for
reports (always) and for AAR pages read by roles that see no personal data
(committee members, national analysts)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lnob.registry.models import TITLES, Person

HIDDEN = "•••"
# 13 digits, with or without the usual dashes or spaces (1-2345-67890-12-3).
CITIZEN_ID = re.compile(r"(?<!\d)\d[-\s]?\d{4}[-\s]?\d{5}[-\s]?\d{2}[-\s]?\d(?!\d)")
_TITLES = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))


def name_patterns(person_ids: Iterable[int]) -> list[re.Pattern[str]]:
    """A pattern per person: "first last", with a title before it if any."""
    return [re.compile(f"(?:{_TITLES})?" + re.escape(first.strip()) + r"\s+"
                       + re.escape(last.strip()), re.IGNORECASE)
            for first, last in Person.objects.filter(pk__in=list(person_ids)).exclude(
                last_name="").values_list("first_name", "last_name")]


def redact(text: str, patterns: Iterable[re.Pattern[str]] = ()) -> str:
    text = CITIZEN_ID.sub(HIDDEN, text or "")
    for pattern in patterns:
        text = pattern.sub(HIDDEN, text)
    return text


def has_citizen_id(text: str) -> bool:
    return bool(CITIZEN_ID.search(text or ""))
