"""The rules a person's record is held to, in one place. The registry's
services use them (so forms and the API, which go through the services), and
so does the spreadsheet import (``lnob.imports.persons``), which checks
thousands of rows without a service call per row: a row of a file and a form
are judged alike.

Each rule answers with the problem in the active language, or "" when there is
none; the caller decides whether it refuses (a form, a row's error) or keeps
and flags (an imperfect citizen ID: never turn a person away)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_BIRTH = datetime.date(1880, 1, 1)
SEVERITIES = (1, 2, 3, 4)  # low … critical


def clean_name(text: str) -> str:
    """A name as stored: single spaces, none at either end."""
    return " ".join(text.split())


def birth_date_problem(value: datetime.date, today: datetime.date | None = None) -> str:
    """Why a birth date cannot be right (a BE year read as CE, a typo), or ""."""
    if value > (today or timezone.localdate()):
        return _("The birth date is in the future. Was a Buddhist Era year taken for CE, "
                 "or the other way round?")
    if value < EARLIEST_BIRTH:
        return _("The birth date is before 1880 (2423 BE).")
    return ""


def severity_valid(value: int) -> bool:
    return value in SEVERITIES
