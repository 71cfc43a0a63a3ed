"""A figure with its unit in the page's language: "2,035 คน", "10 วัน",
"90.1%" — never the unit's code ("2035 people") on a Thai page or PDF."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from lnob.coverage.models import UNIT_LABELS

register = template.Library()


@register.filter
def with_unit(value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    number = floatformat(value, "-1g")  # grouped digits, one decimal at most
    if unit == "%":
        return f"{number}%"
    label = str(UNIT_LABELS.get(unit, unit)) if unit else ""
    return f"{number} {label}".strip()
