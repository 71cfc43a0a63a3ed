"""Types for API schemas that refuse loose input instead of guessing.

pydantic reads a number as a date (seconds since 1970): ``{"date": 0}`` made a
committee meeting on 1 January 1970. A date in LNOB's API is an ISO 8601 text
("2026-12-06", CE) or nothing."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator


def _iso_text_only(value: Any) -> Any:
    if isinstance(value, datetime.date) or value is None:
        return value
    if not isinstance(value, str):
        from django.utils.translation import gettext as _

        raise ValueError(_("Enter the date as text, YYYY-MM-DD (CE)."))
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_text_only)]
