"""Template filters for Thai-first display: Buddhist Era dates in Thai pages,
CE in English ones, and masked citizen IDs."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone, translation

from lnob.core import citizen_id as citizen_id_module
from lnob.core import thaidates

register = template.Library()


def _lang() -> str:
    return translation.get_language() or "th"


@register.filter
def bedate(value: date | datetime | None) -> str:
    """6 พ.ย. 2549 on Thai pages, 6 Nov 2006 on English ones."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return thaidates.format_date(value, _lang())


@register.filter
def bedatetime(value: datetime | None) -> str:
    if value is None or value == "":
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return thaidates.format_datetime(value, _lang())


@register.filter
def masked_id(value: str | None) -> str:
    return citizen_id_module.mask_citizen_id(value) if value else ""


@register.filter
def beyear(value: date | None) -> str:
    """The year alone: BE on Thai pages, CE on English ones."""
    return thaidates.format_year(value, _lang()) if value else ""


@register.filter
def citizen_id(value: str | None) -> str:
    """Unmasked, grouped 1-2345-67890-12-1 (only where the view allows it)."""
    return citizen_id_module.format_citizen_id(value) if value else ""
