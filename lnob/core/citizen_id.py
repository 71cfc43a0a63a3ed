"""Thai citizen IDs (เลขประจำตัวประชาชน): normalise, check, format and mask.

Pure functions, no database. A citizen ID has 13 digits; the last is a check digit
computed from the first twelve. IDs beginning with 0 are real (people without
civil-registration status, often the most left behind) and are never refused for that.

Errors are :class:`CitizenIdError` with a stable ``code`` for programs and tests, and a
translatable ``message`` with ``params`` for people — the same shape as Django's
``ValidationError``, so a form can do
``raise ValidationError(err.message, code=err.code, params=err.params)``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "CitizenIdError",
    "CitizenIdErrorCode",
    "check_digit",
    "format_citizen_id",
    "is_valid_citizen_id",
    "mask_citizen_id",
    "normalise_citizen_id",
]

CitizenIdErrorCode = Literal["length", "digits", "check_digit"]

ID_LENGTH = 13

_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Spaces of any kind (incl. no-break and the zero-width space common in Thai text)
# and dashes of any kind may separate the groups of digits.
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212]+")
_ASCII_DIGITS = frozenset("0123456789")
# Groups of the printed form: 1-2345-67890-12-1.
_GROUPS = (1, 4, 5, 2, 1)
_SHOWN_WHEN_MASKED = 3

_MSG_EMPTY = _("Enter the 13-digit citizen ID.")
_MSG_LENGTH = _(
    "A citizen ID has 13 digits; this one has %(count)d. Check for a missing or extra digit."
)
_MSG_DIGITS = _("A citizen ID may contain only digits, spaces and dashes; remove “%(character)s”.")
_MSG_CHECK_DIGIT = _(
    "This citizen ID is not valid: its last digit does not match the other twelve. "
    "Check each digit against the ID card."
)


class CitizenIdError(ValueError):
    """A citizen ID that cannot be used.

    ``code`` is one of "length", "digits", "check_digit"; ``message`` is a lazy
    translatable string to be formatted with ``params`` (``str(err)`` does both).
    """

    code: CitizenIdErrorCode
    message: StrPromise
    params: dict[str, Any]

    def __init__(
        self, code: CitizenIdErrorCode, message: StrPromise, params: dict[str, Any] | None = None
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
            return f"citizen ID error: {self.code} {self.params}"


def _digits_of(text: str) -> str:
    """The 13 ASCII digits of ``text`` (separators and Thai digits allowed); no check digit test."""
    digits = _SEPARATORS.sub("", text.translate(_THAI_TO_ARABIC))
    for character in digits:
        if character not in _ASCII_DIGITS:
            raise CitizenIdError("digits", _MSG_DIGITS, {"character": character})
    if len(digits) != ID_LENGTH:
        message = _MSG_EMPTY if not digits else _MSG_LENGTH
        raise CitizenIdError("length", message, {"count": len(digits)})
    return digits


def check_digit(first12: str) -> int:
    """The check digit for the first 12 ASCII digits of an ID.

    (11 − Σ dᵢ·(14−i) for i = 1..12, mod 11) mod 10.
    """
    if len(first12) != ID_LENGTH - 1 or not set(first12) <= _ASCII_DIGITS:
        raise ValueError(f"check_digit() needs exactly 12 ASCII digits, got {first12!r}")
    total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
    return (11 - total % 11) % 10


def normalise_citizen_id(text: str) -> str:
    """The 13 plain ASCII digits of a citizen ID typed in any usual way.

    Accepts ``1-2345-67890-12-1``, spaces, and Thai digits ๐-๙. Raises
    :class:`CitizenIdError` (code "digits", "length" or "check_digit").
    """
    digits = _digits_of(text)
    if check_digit(digits[:12]) != int(digits[12]):
        raise CitizenIdError("check_digit", _MSG_CHECK_DIGIT)
    return digits


def is_valid_citizen_id(text: str) -> bool:
    """Whether ``text`` is a citizen ID (in any form :func:`normalise_citizen_id` accepts)."""
    try:
        normalise_citizen_id(text)
    except CitizenIdError:
        return False
    return True


def _grouped(digits: str) -> str:
    parts = []
    start = 0
    for size in _GROUPS:
        parts.append(digits[start : start + size])
        start += size
    return "-".join(parts)


def format_citizen_id(digits: str) -> str:
    """``1234567890121`` → ``1-2345-67890-12-1``.

    Accepts any form with 13 digits; the check digit is not tested, so old records
    with a mistyped ID can still be shown. Raises :class:`CitizenIdError` otherwise.
    """
    imperfect = _imperfect_digits(digits)
    if imperfect is not None:
        return imperfect  # kept as written (12 digits, …): shown as it is, ungrouped
    return _grouped(_digits_of(digits))


def mask_citizen_id(digits: str) -> str:
    """``1234567890121`` → ``x-xxxx-xxxxx-12-1``: only the last 3 digits are shown.
    An ID kept as written with another number of digits keeps the masked prefix
    ``x-xxxx-`` (an import reads it as "masked") and its last 3 digits."""
    imperfect = _imperfect_digits(digits)
    if imperfect is not None:
        return "x-xxxx-" + "x" * max(0, len(imperfect) - 8) + "-" + imperfect[-3:]
    plain = _digits_of(digits)
    hidden = ID_LENGTH - _SHOWN_WHEN_MASKED
    return _grouped("x" * hidden + plain[hidden:])


def _imperfect_digits(text: str) -> str | None:
    """The digits of an ID kept as written although it has not 13 of them (an import
    keeps 8 to 12 digits, flagged); None for anything else."""
    if text and text.isascii() and text.isdigit() and 8 <= len(text) < ID_LENGTH:
        return text
    return None
