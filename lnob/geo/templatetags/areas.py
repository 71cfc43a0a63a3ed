"""``{{ code|area_name }}``: a DOPA code shown as the area's name in the
page's language ("84" → สุราษฎร์ธานี, "84050301" → บ้านแม่หาด), from the
areas cache; "" (the whole country) → ทั่วประเทศ."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from lnob.geo.cache import cached_areas
from lnob.geo.models import Village
from lnob.geo.selectors import area_names

register = template.Library()


def name_of(code: str) -> str:
    """The name of the area with this code, in the active language; the code
    itself when there is no such area."""
    code = (code or "").strip()
    if not code:
        return _("the whole country")
    lang = (translation.get_language() or "th")[:2]

    def lookup() -> str:
        if len(code) == 8:
            village = Village.objects.filter(code=code).first()
            return village.name if village else code
        return area_names({code}).get(code, code)

    return cached_areas(f"name:{lang}:{code}", lookup)


@register.filter
def area_name(code: Any) -> str:
    return name_of(str(code or ""))
