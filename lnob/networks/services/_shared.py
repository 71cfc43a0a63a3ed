"""Helpers the care-capacity services share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import User
from lnob.geo.models import Subdistrict
from lnob.networks import access
from lnob.networks.models import Network, Volunteer


def subdistricts_of(giver: Network | Volunteer) -> set[str]:
    """The subdistricts a network or volunteer covers (villages count for their
    subdistricts): whose coverage figures it changes."""
    codes = set(giver.subdistricts.values_list("code", flat=True))
    codes |= set(giver.villages.values_list("subdistrict_id", flat=True))
    return codes


def subdistricts_in(area_code: str) -> set[str]:
    """The subdistricts lying in an area (a province, district or subdistrict)."""
    if len(area_code) == 6:
        return {area_code}
    field = "province_id" if len(area_code) == 2 else "district_id"
    return set(Subdistrict.objects.filter(**{field: area_code}).values_list("code", flat=True))


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in after if before.get(k) != after[k])


def outside_your_areas(errors: dict[str, str], codes: list[str]) -> None:
    """Only for editors of a district or subdistrict, who may write what lies
    wholly inside their areas."""
    errors["subdistricts"] = (
        _("Some of these areas are outside your areas: choose only subdistricts and villages "
          "where you work.") if codes else
        _("Choose at least one subdistrict where you work: you can only add and change what "
          "lies in your areas."))


def require_editor_area(actor: User, area_code: str, errors: dict[str, str]) -> None:
    """Funds and committees: a province editor of the area's province, but the
    area itself outside the editor's district or subdistrict: say so."""
    if not access.works_in_province(actor, area_code[:2], access.EDITORS):
        raise NotAllowed("not_editor", _("Your role does not allow this."))
    if "area_code" not in errors and not covers(actor, area_code, access.EDITORS):
        errors["area_code"] = _("This area is outside your areas: choose an area where you "
                                "work.")
