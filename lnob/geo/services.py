"""Writes to geography: villages under a subdistrict."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.roles import AREA_EDITOR_ROLES
from lnob.geo.cache import areas_changed
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
        raise NotAllowed("not_area_editor")
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
        raise NotAllowed("not_area_editor")
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


@dataclass(frozen=True)
class VillageRow:
    """One row of an official village list: the 8-digit DOPA code (subdistrict code and
    หมู่ที่), the number as the list writes it (may be empty), the names."""

    row: int
    code: str
    number: str
    name_th: str
    name_en: str = ""


def village_rows_check(rows: list[VillageRow]) -> tuple[list[VillageRow], list[tuple[int, str]]]:
    """The rows that can be loaded, and (row, reason) for the others — every reason of
    a row at once."""
    known = set(Subdistrict.objects.filter(code__in={r.code[:6] for r in rows})
                .values_list("code", flat=True))
    valid: list[VillageRow] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for r in rows:
        problems = []
        if not (len(r.code) == 8 and r.code.isascii() and r.code.isdigit()):
            problems.append(_("The village code must have 8 digits (subdistrict code and "
                              "หมู่ที่), e.g. 84050301."))
        else:
            if r.code[:6] not in known:
                problems.append(_("No subdistrict has the code %(code)s.") % {
                    "code": r.code[:6]})
            if not 1 <= int(r.code[6:]) <= MAX_VILLAGE_NUMBER:
                problems.append(_("Village number must be between 1 and %(max)d.") % {
                    "max": MAX_VILLAGE_NUMBER})
            if r.number and (not r.number.isdigit() or int(r.number) != int(r.code[6:])):
                problems.append(_("หมู่ที่ %(number)s does not match the code %(code)s.") % {
                    "number": r.number, "code": r.code})
            first = seen.setdefault(r.code, r.row)
            if first != r.row:
                problems.append(_("The same village code is on row %(row)d.") % {"row": first})
        if not r.name_th.strip():
            problems.append(_("Give the village's Thai name."))
        errors.extend((r.row, p) for p in problems)
        if not problems:
            valid.append(r)
    return valid, errors


@transaction.atomic
def villages_load(*, actor: User | None, rows: list[VillageRow]) -> dict[str, int]:
    """Loads an official village list (checked rows): new villages are created, the
    names of recorded ones follow the list, and a village created "to confirm" is
    confirmed by it. One audit row per province loaded."""
    existing = Village.objects.in_bulk([r.code for r in rows])
    new, changed, confirmed = [], [], 0
    for r in rows:
        name_th, name_en = r.name_th.strip(), r.name_en.strip()
        village = existing.get(r.code)
        if village is None:
            new.append(Village(code=r.code, subdistrict_id=r.code[:6], number=int(r.code[6:]),
                               name_th=name_th, name_en=name_en,
                               search_key=search_key(name_th, name_en), created_by=actor))
        elif (village.name_th, village.name_en, village.to_confirm) != (name_th, name_en or
                                                                         village.name_en, False):
            confirmed += village.to_confirm
            village.name_th, village.name_en = name_th, name_en or village.name_en
            village.search_key, village.to_confirm = search_key(name_th, village.name_en), False
            changed.append(village)
    Village.objects.bulk_create(new, batch_size=2000)
    Village.objects.bulk_update(changed, ["name_th", "name_en", "search_key", "to_confirm"],
                                batch_size=2000)
    for province in sorted({r.code[:2] for r in rows}):
        audit.record(AuditAction.CREATE, actor=actor, object_type="geo.village_list",
                     area_code=province, detail={
                         "created": sum(1 for v in new if v.code[:2] == province),
                         "updated": sum(1 for v in changed if v.code[:2] == province)})
    areas_changed()  # bulk writes send no signals
    return {"created": len(new), "updated": len(changed), "confirmed": confirmed}
