"""Taking personal data out of free text written by people (AARs, stories):
citizen IDs and phone numbers however they are written, and the full names of
registry people found in it. Used for reports (always), the public story pages
and feeds, and AAR pages read by roles that see no personal data (committee
members, national analysts)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lnob.registry.models import TITLES, Person

HIDDEN = "•••"
# Digits as people type them: Arabic or Thai, with at most one separator
# (space, dot, dash of any kind, slash) between two digits — "3.8401.25694.77.3",
# "384012 5694773", "๓-๘๔๐๑-๒๕๖๙๔-๗๗-๓" are all one ID.
_D = "[0-9๐-๙]"
_SEP = r"[\s.\-\u2010-\u2015\u2212/]?"
# 13 digits: a citizen ID.
CITIZEN_ID = re.compile(rf"(?<![0-9๐-๙]){_D}(?:{_SEP}{_D}){{12}}(?![0-9๐-๙])")
# Thai phone numbers: 0 and 8 or 9 more digits (02-123-4567, 081 234 5678), or
# +66 / 0066 / 66 and the number without its 0 (+66 81 234 5678).
PHONE = re.compile(
    rf"(?<![0-9๐-๙])(?:(?:\+|00)?(?:66|๖๖){_SEP}(?:\(0\){_SEP})?|[0๐]){_D}(?:{_SEP}{_D}){{7,8}}"
    r"(?![0-9๐-๙])")
_TITLES = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))


def name_patterns(person_ids: Iterable[int]) -> list[re.Pattern[str]]:
    """A pattern per person: "first last", with a title before it if any."""
    return [re.compile(f"(?:{_TITLES})?" + re.escape(first.strip()) + r"\s+"
                       + re.escape(last.strip()), re.IGNORECASE)
            for first, last in Person.objects.filter(pk__in=list(person_ids)).exclude(
                last_name="").values_list("first_name", "last_name")]


def redact(text: str, patterns: Iterable[re.Pattern[str]] = ()) -> str:
    text = PHONE.sub(HIDDEN, CITIZEN_ID.sub(HIDDEN, text or ""))
    for pattern in patterns:
        text = pattern.sub(HIDDEN, text)
    return text


def has_citizen_id(text: str) -> bool:
    """An ID or a phone number typed into free text (the form warns the writer)."""
    return bool(CITIZEN_ID.search(text or "") or PHONE.search(text or ""))
