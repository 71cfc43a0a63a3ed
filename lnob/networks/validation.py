"""Checks shared by the care-capacity services. Each adds a message under the
field it is about to ``errors`` and returns the cleaned value, so a service
collects every problem of a request at once and writes nothing if there is one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.core.thaidates import to_arabic_digits
from lnob.geo.models import Province, Subdistrict, Village
from lnob.geo.selectors import area_by_code
from lnob.registry.taxonomy import Need

Errors = dict[str, str]
_PHONE_JUNK = re.compile(r"[\s().-]")

# So that a message says which field it is about even where it is shown alone.
LABELS = {
    "name": gettext_lazy("Name"), "leader_name": gettext_lazy("Leader"),
    "contact_phone": gettext_lazy("Contact phone"),
    "contact_email": gettext_lazy("Contact e-mail"), "capacity": gettext_lazy("Capacity"),
    "first_name": gettext_lazy("First name"), "last_name": gettext_lazy("Surname"),
    "phone": gettext_lazy("Phone"), "members": gettext_lazy("Members"),
    "note": gettext_lazy("Note"), "minutes": gettext_lazy("Minutes"),
}


def label(field: str) -> str:
    return str(LABELS.get(field, field))


def text(errors: Errors, field: str, value: str, *, max_length: int,
         required_message: str | None = None) -> str:
    value = " ".join((value or "").split())
    if not value and required_message:
        errors[field] = required_message
    elif len(value) > max_length:
        errors[field] = _("%(label)s: at most %(max)d characters.") % {
            "label": label(field), "max": max_length}
    return value


def choice(errors: Errors, field: str, value: str, choices: Iterable[tuple[str, Any]],
           message: str) -> str:
    if value not in {c for c, _label in choices}:
        errors[field] = message
    return value


def phone(errors: Errors, field: str, value: str) -> str:
    """Digits only (Thai digits too), so a search by number finds it
    whichever way it was typed; a leading + is kept."""
    raw = _PHONE_JUNK.sub("", to_arabic_digits(value or "").strip())
    if not raw:
        return ""
    digits = raw[1:] if raw.startswith("+") else raw
    if not digits.isdigit() or not 9 <= len(digits) <= 15:
        errors[field] = _("%(label)s: enter a phone number of 9 to 15 digits, e.g. "
                          "081-234-5678.") % {"label": label(field)}
    return raw


def email(errors: Errors, field: str, value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            errors[field] = _("%(label)s: enter a valid e-mail address, e.g. "
                              "name@example.org.") % {"label": label(field)}
    return value


def count(errors: Errors, field: str, value: Any, *, maximum: int, negative_message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = _("%(label)s: enter a whole number.") % {"label": label(field)}
        return 0
    if number < 0:
        errors[field] = negative_message
    elif number > maximum:
        errors[field] = _("%(label)s: at most %(max)s.") % {"label": label(field),
                                                             "max": f"{maximum:,}"}
    return number


def province(errors: Errors, field: str, code: str) -> Province | None:
    found = Province.objects.filter(code=code).first() if code else None
    if found is None:
        errors[field] = (_("Unknown province code %(code)s.") % {"code": code} if code
                         else _("Choose the province."))
    return found


def subdistricts(errors: Errors, field: str, codes: Iterable[str],
                 province_code: str) -> list[Subdistrict]:
    wanted = sorted(set(codes))
    found = list(Subdistrict.objects.filter(code__in=wanted).order_by("code"))
    unknown = sorted(set(wanted) - {s.code for s in found})
    outside = [s for s in found if s.province_id != province_code]
    if unknown:
        errors[field] = _("Unknown subdistrict codes: %(codes)s.") % {"codes": ", ".join(unknown)}
    elif outside and province_code:
        errors[field] = _("These subdistricts are not in the province chosen: %(names)s. "
                          "Choose subdistricts of that province only.") % {
            "names": ", ".join(f"{s.name} ({s.code})" for s in outside)}
    return found


def villages(errors: Errors, field: str, codes: Iterable[str],
             province_code: str) -> list[Village]:
    wanted = sorted(set(codes))
    found = list(Village.objects.filter(code__in=wanted).order_by("code"))
    unknown = sorted(set(wanted) - {v.code for v in found})
    outside = [v for v in found if not v.code.startswith(province_code)]
    if unknown:
        errors[field] = _("Unknown village codes: %(codes)s.") % {"codes": ", ".join(unknown)}
    elif outside and province_code:
        errors[field] = _("These villages are not in the province chosen: %(names)s.") % {
            "names": ", ".join(f"{v.name} ({v.code})" for v in outside)}
    return found


def needs(errors: Errors, field: str, ids: Iterable[int], province_code: str) -> list[Need]:
    wanted = sorted(set(ids))
    found = list(Need.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        errors[field] = _("Unknown need: choose needs from the list.")
    elif any(n.province_code not in ("", province_code) for n in found):
        errors[field] = _("Choose national needs or needs of this province only.")
    return found


LEVEL_LENGTHS = {"province": 2, "district": 4, "subdistrict": 6}


def area(errors: Errors, field: str, code: str, *, level: str | None = None) -> str:
    """A province, district or subdistrict code that exists (and, when a
    level is given, is of that level)."""
    code = (code or "").strip()
    length = LEVEL_LENGTHS.get(level or "")
    if length is not None and len(code) != length:
        errors[field] = {
            2: _("A province committee needs a province code of 2 digits, e.g. 84."),
            4: _("A district committee needs a district code of 4 digits, e.g. 8405."),
            6: _("A subdistrict committee needs a subdistrict code of 6 digits, e.g. 840503."),
        }[length]
    elif len(code) not in (2, 4, 6) or area_by_code(code) is None:
        errors[field] = (_("Unknown area code %(code)s.") % {"code": code} if code
                         else _("Choose the area."))
    return code


def money(errors: Errors, field: str, value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = _("Amount: enter baht as a number, e.g. 1500 or 1500.50.")
        return Decimal("0")
    if not amount.is_finite():
        errors[field] = _("Amount: enter baht as a number, e.g. 1500 or 1500.50.")
    elif amount <= 0:
        errors[field] = _("The amount must be more than zero.")
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Amount: at most two decimals (satang).")
    elif amount >= Decimal("10000000000"):
        errors[field] = _("The amount is too large.")
    return amount
