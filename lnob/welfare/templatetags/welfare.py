"""``{% welfare_section person %}``: the welfare summary on the person's page
(registry's template), for the roles that may read a person's welfare."""

from __future__ import annotations

from typing import Any

from django import template

from lnob.core.access import covers
from lnob.welfare.access import READERS
from lnob.welfare.funds.selectors import active_members_in, period_label, received_by
from lnob.welfare.models import Eligibility, Result

register = template.Library()


@register.inclusion_tag("welfare/_person_section.html", takes_context=True)
def welfare_section(context: Any, person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not covers(user, person.area_code, READERS):
        return {"show": False}
    rows = list(Eligibility.objects.filter(person=person).select_related("scheme"))
    return {
        "show": True, "person": person,
        "gaps": [e.scheme.name_th for e in rows
                 if e.result == Result.ELIGIBLE and not e.receiving],
        "receiving": [e.scheme.name_th for e in rows if e.receiving],
        "community": received_by(person),
    }


@register.simple_tag
def fund_members_in(area_code: str) -> int:
    """Active members of the community funds of an area (five ก, ก.4)."""
    return active_members_in(area_code or "")


@register.filter
def fundperiod(period: str) -> str:
    """A contribution period (``2026-12``) as the page's language shows a month."""
    return period_label(period)
