"""Writes to geography: villages under a subdistrict."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.access import covers
from lnob.core.models import AuditAction, User
from lnob.core.roles import AREA_EDITOR_ROLES
from lnob.geo.loader import search_key
from lnob.geo.models import Subdistrict, Village

MAX_VILLAGE_NUMBER = 99


@transaction.atomic
def village_create(*, actor: User, subdistrict: Subdistrict, number: int, name_th: str,
                   name_en: str = "") -> Village:
    """Adds หมู่ที่ ``number`` to a subdistrict. Only area editors of an area
    that covers the subdistrict may; the caller has already checked they can
    see it, this re-checks so no path skips it."""
    if not covers(actor, subdistrict.code, AREA_EDITOR_ROLES):
        raise PermissionError("not an area editor here")
    errors: dict[str, str] = {}
    if not 1 <= number <= MAX_VILLAGE_NUMBER:
        errors["number"] = _("Village number must be between 1 and %(max)d.") % {
            "max": MAX_VILLAGE_NUMBER}
    name_th = name_th.strip()
    if not name_th:
        errors["name_th"] = _("Give the village's Thai name.")
    if errors:
        raise ValidationError(errors)
    code = f"{subdistrict.code}{number:02d}"
    if Village.objects.filter(code=code).exists():
        raise ValidationError({"number": _("Moo %(number)d already exists in this subdistrict.")
                               % {"number": number}})
    village = Village(code=code, subdistrict=subdistrict, number=number, name_th=name_th,
                      name_en=name_en.strip(), search_key=search_key(name_th, name_en),
                      created_by=actor)
    try:
        with transaction.atomic():
            village.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent insert of the same number
        raise ValidationError({"number": _("Moo %(number)d already exists in this subdistrict.")
                               % {"number": number}}) from exc
    audit.record(AuditAction.CREATE, actor=actor, obj=village, area_code=subdistrict.code,
                 detail={"number": number, "name_th": name_th})
    return village


def villages_create_to_confirm(*, actor: User | None, villages: dict[str, tuple[str, int]]
                               ) -> list[str]:
    """Creates หมู่ที่ N of known subdistricts that a file or a report named but that are
    not recorded yet: numbered, unnamed, marked "to confirm" for the provincial office.
    Inside the caller's transaction (an import, whose audit row lists them); a village
    recorded meanwhile is left as it is. Returns the codes created."""
    if not villages:
        return []
    existing = set(Village.objects.filter(code__in=list(villages)).values_list("code",
                                                                                flat=True))
    new = [Village(code=code, subdistrict_id=sd, number=number, name_th="", name_en="",
                   search_key="", created_by=actor, to_confirm=True)
           for code, (sd, number) in sorted(villages.items()) if code not in existing]
    Village.objects.bulk_create(new, ignore_conflicts=True)
    return [v.code for v in new]


@transaction.atomic
def village_confirm(*, actor: User, village: Village, name_th: str,
                    name_en: str = "") -> Village:
    """A provincial officer confirms a village created "to confirm" by giving its
    name, or corrects the name of any village of their area."""
    if not covers(actor, village.subdistrict_id, AREA_EDITOR_ROLES):
        raise PermissionError("not an area editor here")
    name_th = name_th.strip()
    if not name_th:
        raise ValidationError({"name_th": _("Give the village's Thai name.")})
    before = {"name_th": village.name_th, "to_confirm": village.to_confirm}
    Village.objects.filter(pk=village.pk).update(
        name_th=name_th, name_en=name_en.strip(), search_key=search_key(name_th, name_en),
        to_confirm=False)
    village.refresh_from_db()
    audit.record(AuditAction.UPDATE, actor=actor, obj=village, area_code=village.subdistrict_id,
                 detail={"before": before, "name_th": name_th, "confirmed": True})
    return village
