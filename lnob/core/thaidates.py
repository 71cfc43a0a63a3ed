"""Dates the Thai way: Buddhist Era years, Thai month names, Thai digits.

Pure functions, no database. Dates are stored in the Christian Era (CE) and shown and
accepted in the Buddhist Era (BE = CE + 543).

:func:`parse_date` reads what people type (day first, as in Thailand). Its year rule:
a year ≥ 2400 is BE; a 4-digit year from 1850 to 2200 is CE; a 2-digit year is BE 25xx
only next to a Thai month name or after "พ.ศ."; anything else is refused, never guessed.

Errors are :class:`ThaiDateError` with a stable ``code`` for programs and tests, and a
translatable ``message`` with ``params`` for people — the same shape as Django's
``ValidationError``, so a form can do
``raise ValidationError(err.message, code=err.code, params=err.params)``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "BE_OFFSET",
    "ENGLISH_MONTHS",
    "ENGLISH_MONTHS_ABBR",
    "MAX_CE_YEAR",
    "MIN_BE_YEAR",
    "MIN_CE_YEAR",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "ParsedDate",
    "ThaiDateError",
    "ThaiDateErrorCode",
    "be_year",
    "ce_year",
    "format_date",
    "format_datetime",
    "format_year",
    "parse_date",
    "to_arabic_digits",
    "to_thai_digits",
]

BE_OFFSET = 543
# Years accepted by parse_date: CE 1850–2200, or BE from 2400 up to CE 2200 (BE 2743).
MIN_CE_YEAR = 1850
MAX_CE_YEAR = 2200
MIN_BE_YEAR = 2400

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
ENGLISH_MONTHS_ABBR: tuple[str, ...] = tuple(name[:3] for name in ENGLISH_MONTHS)

_THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
_ARABIC_DIGITS = "0123456789"
_TO_THAI = str.maketrans(_ARABIC_DIGITS, _THAI_DIGITS)
_TO_ARABIC = str.maketrans(_THAI_DIGITS, _ARABIC_DIGITS)


def be_year(ce_year: int) -> int:
    """The Buddhist Era year of a Christian Era year (BE = CE + 543)."""
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    """The Christian Era year of a Buddhist Era year (CE = BE − 543)."""
    return be_year - BE_OFFSET


def to_thai_digits(text: str) -> str:
    """``"6 พ.ย. 2549"`` → ``"๖ พ.ย. ๒๕๔๙"``; everything but 0-9 is left as it is."""
    return text.translate(_TO_THAI)


def to_arabic_digits(text: str) -> str:
    """``"๖ พ.ย. ๒๕๔๙"`` → ``"6 พ.ย. 2549"``; everything but ๐-๙ is left as it is."""
    return text.translate(_TO_ARABIC)


# --- Errors -------------------------------------------------------------------------------

ThaiDateErrorCode = Literal[
    "empty", "unrecognised", "impossible", "ambiguous", "year_range", "year_only"
]

_MSG_EMPTY = _("Enter a date, e.g. 6/11/2549.")
_MSG_UNRECOGNISED = _(
    "“%(text)s” is not a date we can read. Write the day, month and year, "
    "e.g. 6/11/2549 or 6 พ.ย. 2549."
)
_MSG_NO_SUCH_MONTH = _(
    "There is no month %(month)d. Write the day first, then the month, e.g. 6/11/2549."
)
_MSG_NO_SUCH_DAY = _("Month %(month)d of %(year)s has no day %(day)d. Check the day and month.")
_MSG_AMBIGUOUS = _(
    "Write the year in full, e.g. 2549: “%(year)s” could be a Buddhist or a Christian Era year."
)
_MSG_YEAR_RANGE = _(
    "The year %(year)s is out of range. Write the year in full in the Buddhist Era, e.g. 2549 "
    "(or a Christian Era year from 1850 to 2200)."
)
_MSG_YEAR_ONLY = _("Enter the full date with day and month, e.g. 6/11/2549, not only the year.")


class ThaiDateError(ValueError):
    """A date that :func:`parse_date` refuses.

    ``code`` is one of "empty", "unrecognised", "impossible", "ambiguous", "year_range",
    "year_only"; ``message`` is a lazy translatable string to be formatted with ``params``
    (``str(err)`` does both).
    """

    code: ThaiDateErrorCode
    message: StrPromise
    params: dict[str, Any]

    def __init__(
        self, code: ThaiDateErrorCode, message: StrPromise, params: dict[str, Any] | None = None
    ) -> None:
        # args carry only plain data so repr() never needs translations to be set up.
        super().__init__(code, params or {})
        self.code = code
        self.message = message
        self.params = params or {}

    def __str__(self) -> str:
        try:
            return str(self.message % self.params)
        except Exception:  # translations not set up (e.g. outside Django)
            return f"date error: {self.code} {self.params}"


# --- Parsing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read by :func:`parse_date`; ``year_only`` when only the year was given
    (``value`` is then 1 January of that year)."""

    value: datetime.date
    year_only: bool = False


Era = Literal["be", "ce"]


def _month_spellings() -> tuple[dict[str, int], list[str]]:
    """Lookup key → month number, and regex alternatives for every accepted month spelling.

    Keys are lower-case with dots and spaces removed. Thai abbreviations may be written
    with or without dots (พ.ย., พย); colloquial short names (พฤศจิกา) and the common
    misspelling กรกฏาคม are accepted too.
    """
    lookup: dict[str, int] = {}
    patterns: list[str] = []

    def add(key: str, pattern: str, month: int) -> None:
        lookup[key.lower()] = month
        patterns.append(pattern)

    for month, (full, abbr) in enumerate(zip(THAI_MONTHS, THAI_MONTHS_ABBR, strict=True), 1):
        add(full, re.escape(full), month)
        parts = [part for part in abbr.split(".") if part]
        add("".join(parts), r"\.?\s?".join(map(re.escape, parts)) + r"\.?", month)
        short = re.sub(r"(คม|ยน|พันธ์)$", "", full)
        if short != full:
            add(short, re.escape(short), month)
    add("กุมภาพันธ", "กุมภาพันธ", 2)
    add("กรกฏาคม", "กรกฏาคม", 7)
    add("กรกฏา", "กรกฏา", 7)
    for month, (full, abbr) in enumerate(zip(ENGLISH_MONTHS, ENGLISH_MONTHS_ABBR, strict=True), 1):
        add(full, re.escape(full), month)
        add(abbr, re.escape(abbr) + r"\.?", month)
    add("sept", r"Sept\.?", 9)
    # Longest first, so a full name wins over its own beginning.
    patterns.sort(key=len, reverse=True)
    return lookup, patterns


_MONTH_LOOKUP, _MONTH_PATTERNS = _month_spellings()
_MONTH = "(?P<month>" + "|".join(_MONTH_PATTERNS) + ")"
_ERA_BE = r"พ\.?\s?ศ\.?|B\.?\s?E\.?"
_ERA_CE = r"ค\.?\s?ศ\.?|C\.?\s?E\.?|A\.?\s?D\.?"
_ERA_BE_RE = re.compile(_ERA_BE, re.IGNORECASE)


def _era(name: str) -> str:
    return rf"(?P<{name}>{_ERA_BE}|{_ERA_CE})"


_YEAR = rf"(?:{_era('era1')}\s?)?(?P<year>[0-9]+)(?:\s?{_era('era2')})?"
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_SEP = r"[\s,/.\-]"

# 6/11/2549, 06-11-2549, 6.11.2549, 6 11 2549 (day first; the same separator twice).
_NUMERIC_DMY = re.compile(
    r"(?P<day>[0-9]{1,2})\s?(?P<sep>[/.\-\s])\s?(?P<month>[0-9]{1,2})\s?(?P=sep)\s?" + _YEAR
)
# 2549-11-06, 2006-11-06 (year first: ISO order).
_NUMERIC_YMD = re.compile(
    r"(?P<year>[0-9]{4})\s?(?P<sep>[/.\-\s])\s?(?P<month>[0-9]{1,2})\s?(?P=sep)\s?"
    r"(?P<day>[0-9]{1,2})"
)
# 6 พ.ย. 2549, 6 พฤศจิกายน พ.ศ. 2549, วันที่ 6 พฤศจิกายน 2549, 6 Nov 2006, 6-Nov-2006.
_TEXT_DMY = re.compile(rf"(?:วันที่\s?)?{_DAY}{_SEP}*{_MONTH}{_SEP}*{_YEAR}", re.IGNORECASE)
# November 6, 2006; Nov 6 2006 (a separator is needed between day and year).
_TEXT_MDY = re.compile(rf"{_MONTH}{_SEP}*{_DAY}{_SEP}+{_YEAR}", re.IGNORECASE)
# 2549, พ.ศ. 2549, 1950.
_YEAR_ONLY = re.compile(_YEAR, re.IGNORECASE)

_IGNORED_CHARACTERS = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
_WHITESPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Arabic digits, no zero-width characters, single spaces, no surrounding space."""
    text = to_arabic_digits(text).translate(_IGNORED_CHARACTERS)
    return _WHITESPACE.sub(" ", text).strip()


def _era_of(match: re.Match[str], text: str) -> Era | None:
    markers = [m for m in (match.group("era1"), match.group("era2")) if m]
    if not markers:
        return None
    if len(markers) > 1:
        raise ThaiDateError("unrecognised", _MSG_UNRECOGNISED, {"text": text})
    return "be" if _ERA_BE_RE.fullmatch(markers[0]) else "ce"


def _resolve_year(typed: str, *, era: Era | None, thai_month: bool) -> int:
    """The CE year meant by the year digits ``typed``, or a :class:`ThaiDateError`."""
    if len(typed) <= 2:
        if len(typed) == 2 and (era == "be" or (era is None and thai_month)):
            return ce_year(2500 + int(typed))
        raise ThaiDateError("ambiguous", _MSG_AMBIGUOUS, {"year": typed})
    year = int(typed)
    if len(typed) == 4:
        if era == "be" or (era is None and year >= MIN_BE_YEAR):
            if year >= MIN_BE_YEAR and ce_year(year) <= MAX_CE_YEAR:
                return ce_year(year)
        elif MIN_CE_YEAR <= year <= MAX_CE_YEAR:
            return year
    raise ThaiDateError("year_range", _MSG_YEAR_RANGE, {"year": typed})


def _make_date(day: int, month: int, year_ce: int, typed_year: str) -> datetime.date:
    if not 1 <= month <= 12:
        raise ThaiDateError("impossible", _MSG_NO_SUCH_MONTH, {"month": month})
    try:
        return datetime.date(year_ce, month, day)
    except ValueError:
        raise ThaiDateError(
            "impossible", _MSG_NO_SUCH_DAY, {"day": day, "month": month, "year": typed_year}
        ) from None


def parse_date(text: str, *, allow_year_only: bool = False) -> ParsedDate:
    """Read a date as people in Thailand write it.

    Accepts (Thai or Arabic digits, surrounding space ignored):

    - day first with ``/``, ``-`` or ``.``: ``6/11/2549``, ``06-11-2549``, ``6.11.2549``;
    - year first (ISO order): ``2549-11-06``, ``2006-11-06``;
    - Thai month names, full or abbreviated, with or without dots: ``6 พ.ย. 49``,
      ``6 พย 2549``, ``๖ พฤศจิกายน ๒๕๔๙``, ``6 พฤศจิกายน พ.ศ. 2549``;
    - English month names: ``6 Nov 2006``, ``November 6, 2006``;
    - with ``allow_year_only``, a year alone: ``2549``, ``พ.ศ. 2549``, ``1950``
      (1 January of that year, ``year_only=True``).

    Raises :class:`ThaiDateError` with code "empty", "unrecognised", "impossible"
    (31/2/2549, month 13), "ambiguous" (a 2-digit year such as 6/11/49, except next to a
    Thai month name, where it means BE 25xx), "year_range" or "year_only".
    """
    cleaned = _clean(text)
    if not cleaned:
        raise ThaiDateError("empty", _MSG_EMPTY)

    if match := _YEAR_ONLY.fullmatch(cleaned):
        if not allow_year_only:
            raise ThaiDateError("year_only", _MSG_YEAR_ONLY, {"year": match.group("year")})
        typed = match.group("year")
        year = _resolve_year(typed, era=_era_of(match, cleaned), thai_month=False)
        return ParsedDate(datetime.date(year, 1, 1), year_only=True)

    if match := _NUMERIC_YMD.fullmatch(cleaned):
        typed = match.group("year")
        year = _resolve_year(typed, era=None, thai_month=False)
        day, month = int(match.group("day")), int(match.group("month"))
        return ParsedDate(_make_date(day, month, year, typed))

    if match := _NUMERIC_DMY.fullmatch(cleaned):
        typed = match.group("year")
        year = _resolve_year(typed, era=_era_of(match, cleaned), thai_month=False)
        day, month = int(match.group("day")), int(match.group("month"))
        return ParsedDate(_make_date(day, month, year, typed))

    for pattern in (_TEXT_DMY, _TEXT_MDY):
        if match := pattern.fullmatch(cleaned):
            month_key = re.sub(r"[.\s]", "", match.group("month")).lower()
            month = _MONTH_LOOKUP[month_key]
            thai_month = not month_key.isascii()
            typed = match.group("year")
            year = _resolve_year(typed, era=_era_of(match, cleaned), thai_month=thai_month)
            return ParsedDate(_make_date(int(match.group("day")), month, year, typed))

    raise ThaiDateError("unrecognised", _MSG_UNRECOGNISED, {"text": text.strip()})


# --- Formatting ---------------------------------------------------------------------------


def _is_thai(lang: str) -> bool:
    return lang.lower().startswith("th")


def format_date(d: datetime.date, lang: str) -> str:
    """``6 พ.ย. 2549`` for Thai (``th``, ``th-TH``…), otherwise ``6 Nov 2006``.

    Arabic digits; wrap in :func:`to_thai_digits` for Thai digits.
    """
    if _is_thai(lang):
        return f"{d.day} {THAI_MONTHS_ABBR[d.month - 1]} {be_year(d.year)}"
    return f"{d.day} {ENGLISH_MONTHS_ABBR[d.month - 1]} {d.year}"


def format_datetime(dt: datetime.datetime, lang: str) -> str:
    """:func:`format_date` plus `` 14:05``, in ``dt``'s own time zone (convert it first)."""
    return f"{format_date(dt.date(), lang)} {dt.hour:02d}:{dt.minute:02d}"


def format_year(d: datetime.date, lang: str) -> str:
    """The year alone (for year-only dates): BE for Thai (``2549``), otherwise CE (``2006``)."""
    return str(be_year(d.year) if _is_thai(lang) else d.year)
