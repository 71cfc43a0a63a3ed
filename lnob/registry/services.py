"""Writes to the registry of people in need. Each service validates fully,
runs in one transaction, keeps the person's history and writes one audit row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.core import audit
from lnob.core.access import covers
from lnob.core.citizen_id import CitizenIdError, mask_citizen_id, normalise_citizen_id
from lnob.core.errors import Conflict, NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed, persons_changed
from lnob.geo.models import Village
from lnob.geo.selectors import subdistrict_by_code
from lnob.geo.services import MAX_VILLAGE_NUMBER, villages_create_to_confirm
from lnob.registry import rules
from lnob.registry.access import EDITORS, TAXONOMY_EDITORS
from lnob.registry.models import (
    Consent,
    ConsentStatus,
    Household,
    LawfulBasis,
    Person,
    PersonChange,
    PersonNeed,
    Sex,
    Source,
)
from lnob.registry.names import name_key
from lnob.registry.taxonomy import Need, TargetGroup


class ConflictError(Conflict):
    """The record changed after the user opened it."""

    default_field = "version"
    default_message = gettext_lazy(
        "This person changed since you read it; fetch it again and retry.")


@dataclass
class ConsentData:
    status: str
    lawful_basis: str
    purposes: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class PersonData:
    """What a form, the API or an import gives to create or change a person."""

    first_name: str
    subdistrict_code: str
    source: str
    title: str = ""
    last_name: str = ""
    sex: str = Sex.OTHER
    birth_date: datetime.date | None = None
    birth_year_only: bool = False
    citizen_id: str = ""
    no_citizen_id_reason: str = ""
    phone: str = ""
    village_number: int | None = None
    house_number: str = ""
    address_text: str = ""
    target_group_ids: list[int] = field(default_factory=list)
    needs: dict[int, int] = field(default_factory=dict)  # need id → severity 1–4
    source_network_id: int | None = None
    source_note: str = ""
    external_ref: str = ""
    household_id: int | None = None


@dataclass
class _Clean:
    fields: dict[str, Any]
    groups: list[TargetGroup]
    needs: dict[Need, int]


# Fields copied as they are from PersonData to Person.
PLAIN_FIELDS = ("title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
                "citizen_id", "no_citizen_id_reason", "phone", "house_number",
                "address_text", "source", "source_note", "external_ref")


def birth_date_problem(birth_date: datetime.date | None) -> str:
    """Why a birth date cannot be right, or "" (the form checks it too, so that
    it shows beside the form's own errors in one pass)."""
    return "" if birth_date is None else rules.birth_date_problem(birth_date)


def _validate(actor: User | None, data: PersonData,
              kept_id: tuple[str, str] = ("", "")) -> _Clean:
    """``kept_id``: the person's ID and its problem when it was kept as written although
    not valid (an import): saving it unchanged keeps it flagged; a valid one fixes it."""
    errors: dict[str, str] = {}
    first_name = rules.clean_name(data.first_name)
    if not first_name:
        errors["first_name"] = _("Give the person's first name.")
    if data.sex not in Sex.values:
        errors["sex"] = _("Choose a sex from the list.")
    citizen_id, id_problem = "", ""
    typed = "".join(ch for ch in data.citizen_id if ch not in " -")
    if kept_id[0] and kept_id[1] and typed == kept_id[0]:
        citizen_id, id_problem = kept_id  # unchanged: still to be fixed, still flagged
    elif data.citizen_id.strip():
        try:
            citizen_id = normalise_citizen_id(data.citizen_id)
        except CitizenIdError as err:
            errors["citizen_id"] = str(err)
    elif not data.no_citizen_id_reason:
        errors["no_citizen_id_reason"] = _(
            "Without a citizen ID, say why it is missing.")
    birth_problem = birth_date_problem(data.birth_date)
    if birth_problem:
        errors["birth_date"] = birth_problem
    if data.source not in Source.values:
        errors["source"] = _("Choose where the report came from.")

    subdistrict = subdistrict_by_code(data.subdistrict_code)  # the areas cache
    village = None
    if subdistrict is None:
        errors["subdistrict"] = _("Unknown subdistrict code %(code)s.") % {
            "code": data.subdistrict_code}
    elif actor is not None and not covers(actor, subdistrict.code, EDITORS):
        errors["subdistrict"] = _("This subdistrict is outside the areas you work in.")
    elif data.village_number is not None:
        village = Village.objects.filter(subdistrict=subdistrict,
                                         number=data.village_number).first()
        if village is None and 1 <= data.village_number <= MAX_VILLAGE_NUMBER:
            # Not recorded yet: created numbered, unnamed, "to confirm" (never refused).
            village = Village(code=f"{subdistrict.code}{data.village_number:02d}",
                              subdistrict=subdistrict, number=data.village_number)
        elif village is None:
            errors["village"] = _("Village number must be between 1 and %(max)d.") % {
                "max": MAX_VILLAGE_NUMBER}
    province = data.subdistrict_code[:2]

    groups = list(TargetGroup.objects.filter(pk__in=data.target_group_ids, active=True,
                                             province_code__in=["", province]))
    if len(groups) != len(set(data.target_group_ids)):
        errors["target_groups"] = _("A target group is unknown or belongs to another province.")
    needs_by_id = Need.objects.filter(pk__in=list(data.needs), active=True,
                                      province_code__in=["", province]).in_bulk()
    if len(needs_by_id) != len(data.needs):
        errors["needs"] = _("A need is unknown or belongs to another province.")
    if not all(rules.severity_valid(s) for s in data.needs.values()):
        errors["needs"] = _("Severity is 1 (low) to 4 (critical).")
    if data.source_network_id is not None:
        from lnob.registry.relations import network_model

        if not network_model().objects.filter(pk=data.source_network_id,
                                      province_code=province).exists():
            errors["source_network"] = _("The reporting network is unknown or in another "
                                         "province.")
    if data.household_id is not None and not Household.objects.filter(
            pk=data.household_id, subdistrict_id=data.subdistrict_code).exists():
        errors["household"] = _("The household is unknown or in another subdistrict.")
    if errors:
        raise ValidationError(errors)

    assert subdistrict is not None  # noqa: S101 — errors above would have been raised
    if village is not None and village._state.adding:
        villages_create_to_confirm(actor=actor, villages={
            village.code: (subdistrict.code, village.number)})
        village = Village.objects.get(code=village.code)
    fields = {name: getattr(data, name) for name in PLAIN_FIELDS}
    fields.update({
        "first_name": first_name, "last_name": rules.clean_name(data.last_name),
        "title": data.title.strip(), "citizen_id": citizen_id,
        "citizen_id_problem": id_problem,
        "no_citizen_id_reason": "" if citizen_id else data.no_citizen_id_reason,
        "birth_year_only": data.birth_year_only and data.birth_date is not None,
        "subdistrict": subdistrict, "village": village, "province_code": province,
        "district_code": data.subdistrict_code[:4], "household_id": data.household_id,
        "source_network_id": data.source_network_id,
        "name_key": name_key(first_name, data.last_name),
        "severity": max(data.needs.values(), default=0),
    })
    return _Clean(fields, groups, {needs_by_id[i]: s for i, s in data.needs.items()})


def shown_in_history(name: str, value: Any) -> str:
    """A value as the history shows it; citizen IDs stay masked there too."""
    if value is None or value == "":
        return ""
    if name == "citizen_id":
        return mask_citizen_id(str(value))
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _write_links(person: Person, clean: _Clean, *, new: bool = False) -> None:
    if new:  # nothing to compare with or remove: two inserts at most
        if clean.groups:
            person.target_groups.add(*clean.groups)
        PersonNeed.objects.bulk_create(PersonNeed(person=person, need=need, severity=severity)
                                       for need, severity in clean.needs.items())
        return
    person.target_groups.set(clean.groups)
    PersonNeed.objects.filter(person=person).exclude(need__in=list(clean.needs)).delete()
    for need, severity in clean.needs.items():
        PersonNeed.objects.update_or_create(person=person, need=need,
                                            defaults={"severity": severity})


def _new_links_snapshot(clean: _Clean) -> dict[str, str]:
    """The links of a person just created, as ``_links_snapshot`` shows them,
    without reading them back."""
    return {"target_groups": ", ".join(sorted(g.code for g in clean.groups)),
            "needs": ", ".join(sorted(f"{n.code}:{s}" for n, s in clean.needs.items()))}


def _links_snapshot(person: Person) -> dict[str, str]:
    groups = ", ".join(sorted(g.code for g in person.target_groups.all()))
    needs = ", ".join(sorted(f"{pn.need.code}:{pn.severity}"
                             for pn in person.needs.select_related("need")))
    return {"target_groups": groups, "needs": needs}


def person_create(*, actor: User | None, data: PersonData, consent: ConsentData | None = None,
                  request: Any = None, intake: bool = False, status: str | None = None) -> Person:
    """``intake``: a report from the hotline or the public, whose reporter is
    not an editor of the area (the intake service has checked who they are);
    it runs in the intake's own transaction (no savepoint: two round trips
    less on the public door's hot path). ``status``: the status the person's
    first case gives them, when the caller knows it (written once, not
    inserted and then updated)."""
    if intake and transaction.get_connection().in_atomic_block:
        with transaction.atomic(savepoint=False):
            return _person_create(actor, data, consent, request, intake, status)
    with transaction.atomic():
        return _person_create(actor, data, consent, request, intake, status)


def _person_create(actor: User | None, data: PersonData, consent: ConsentData | None,
                   request: Any, intake: bool, status: str | None) -> Person:
    if actor is None and not intake:
        raise NotAllowed("no_actor")
    clean = _validate(None if intake else actor, data)
    now = timezone.now()
    extra = {"status": status} if status else {}
    person = Person.objects.create(**clean.fields, **extra, entered_by=actor, created_at=now,
                                   updated_at=now)
    _write_links(person, clean, new=True)
    if consent is not None and actor is not None:  # consent is recorded by a named user
        _consent_create(actor, person, consent)
    snapshot = {name: ["", shown_in_history(name, v)] for name, v in clean.fields.items()
                if shown_in_history(name, v) and name not in ("name_key", "province_code",
                                                     "district_code")}
    snapshot.update({k: ["", v] for k, v in _new_links_snapshot(clean).items() if v})
    PersonChange.objects.create(person=person, actor=actor,
                                actor_label=actor.get_username() if actor else data.source,
                                action="create", changes=snapshot)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code)
    areas_changed.send(sender=Person, codes={person.area_code})
    persons_changed.send(sender=Person, ids=[person.pk])
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, data: PersonData, expected_version: int,
                  request: Any = None) -> Person:
    """Changes a person. Refuses with ConflictError when someone else saved
    the record after ``expected_version`` was read (no silent overwrite)."""
    if not covers(actor, person.area_code, EDITORS):
        raise NotAllowed("not_person_editor", _("Your role cannot change this person."))
    clean = _validate(actor, data, (person.citizen_id, person.citizen_id_problem))
    before = {name: shown_in_history(name, getattr(person, name)) for name in clean.fields}
    before.update(_links_snapshot(person))
    updated = Person.objects.filter(pk=person.pk, version=expected_version).update(
        **clean.fields, version=F("version") + 1, updated_at=timezone.now())
    if updated != 1:
        raise ConflictError
    moved_from = person.area_code
    person.refresh_from_db()
    _write_links(person, clean)
    areas_changed.send(sender=Person, codes={moved_from, person.area_code})
    persons_changed.send(sender=Person, ids=[person.pk])
    after = {name: shown_in_history(name, getattr(person, name)) for name in clean.fields}
    after.update(_links_snapshot(person))
    changes = {name: [before[name], after[name]] for name in after
               if before.get(name) != after[name] and name != "name_key"}
    if changes:
        PersonChange.objects.create(person=person, actor=actor,
                                    actor_label=actor.get_username(), action="update",
                                    changes=changes)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"fields": sorted(changes)})
    return person


def _consent_create(actor: User, person: Person, data: ConsentData) -> Consent:
    errors: dict[str, str] = {}
    if data.status not in ConsentStatus.values:
        errors["consent_status"] = _("Choose whether consent was given.")
    if data.lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = _("Choose the lawful basis.")
    elif data.status == ConsentStatus.GIVEN and not data.purposes:
        errors["purposes"] = _("Say which purposes the person consented to.")
    elif data.status != ConsentStatus.GIVEN and data.lawful_basis == LawfulBasis.CONSENT:
        errors["lawful_basis"] = _("Without consent, record the lawful basis that applies "
                                   "instead (PDPA s.24 or s.26).")
    if errors:
        raise ValidationError(errors)
    return Consent.objects.create(person=person, status=data.status,
                                  purposes=sorted(set(data.purposes)),
                                  lawful_basis=data.lawful_basis, recorded_by=actor,
                                  note=data.note[:255])


@transaction.atomic
def consent_record(*, actor: User, person: Person, data: ConsentData,
                   request: Any = None) -> Consent:
    if not covers(actor, person.area_code, EDITORS):
        raise NotAllowed("not_person_editor", _("Your role cannot change this person."))
    consent = _consent_create(actor, person, data)
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action="consent",
                                changes={"consent": ["", f"{data.status} ({data.lawful_basis})"]})
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"consent": data.status})
    return consent


@transaction.atomic
def household_start(*, actor: User, head: Person, request: Any = None) -> Household:
    """A new household at the head's address, with ``head`` as its first member."""
    if not covers(actor, head.area_code, EDITORS):
        raise NotAllowed("not_person_editor", _("Your role cannot change this person."))
    if head.household_id is not None:
        raise ValidationError({"household": _("This person already belongs to a household.")})
    household = Household.objects.create(subdistrict_id=head.subdistrict_id,
                                         village_id=head.village_id,
                                         house_number=head.house_number, head=head)
    Person.objects.filter(pk=head.pk).update(household=household, version=F("version") + 1)
    PersonChange.objects.create(person=head, actor=actor, actor_label=actor.get_username(),
                                action="update",
                                changes={"household": ["", f"{household.pk} (head)"]})
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=household,
                 area_code=head.area_code)
    return household


@transaction.atomic
def taxonomy_add(*, actor: User, kind: str, province_code: str, code: str, name_th: str,
                 name_en: str = "", parent_id: int | None = None,
                 criteria: str = "") -> TargetGroup | Need:
    """A province's own target sub-group (under a national group) or need."""
    if not covers(actor, province_code, TAXONOMY_EDITORS) or len(province_code) != 2:
        raise NotAllowed("not_taxonomy_editor", _(
            "Only the province's officers edit its target groups and needs."))
    errors: dict[str, str] = {}
    if not name_th.strip():
        errors["name_th"] = _("Give the Thai name.")
    code = code.strip().lower()
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        errors["code"] = _("The code uses Latin letters, digits and _ only.")
    model: type[TargetGroup] | type[Need] = TargetGroup if kind == "group" else Need
    if model.objects.filter(province_code__in=["", province_code], code=code).exists():
        errors["code"] = _("This code is already used.")
    parent = None
    if kind == "group":
        parent = TargetGroup.objects.filter(pk=parent_id or 0, province_code="",
                                            parent=None).first()
        if parent is None:
            errors["parent"] = _("Choose the national group it belongs under.")
    if errors:
        raise ValidationError(errors)
    extra: dict[str, Any] = {"parent": parent, "criteria": criteria} if kind == "group" else {}
    entry = model.objects.create(province_code=province_code, code=code,
                                 name_th=name_th.strip(), name_en=name_en.strip(), **extra)
    audit.record(AuditAction.CREATE, actor=actor, obj=entry, area_code=province_code,
                 detail={"code": code})
    return entry


ERASED_NAME = "—"  # what an anonymised record shows instead of a name


@transaction.atomic
def person_restrict(*, actor: User, person: Person, restricted: bool, reason: str,
                    request: Any = None) -> Person:
    """Restricts (or lifts the restriction of) the processing of a person's data
    (PDPA s.34): they stay listed for the lawful basis, but matching, exports and
    reports leave them out."""
    Person.objects.filter(pk=person.pk).update(restricted=restricted,
                                               version=F("version") + 1,
                                               updated_at=timezone.now())
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action="restrict",
                                changes={"restricted": [person.restricted, restricted],
                                         "reason": ["", reason[:255]]})
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"restricted": restricted})
    # Readers of persons (welfare's stored eligibility, the duplicate index)
    # leave a restricted record out, and take it back when the restriction lifts.
    persons_changed.send(sender=Person, ids=[person.pk])
    person.refresh_from_db()
    return person


@transaction.atomic
def person_anonymise(*, actor: User, person: Person, request: Any = None) -> Person:
    """Erasure (PDPA s.33): everything that identifies the person is removed —
    names, ID, phone, house, address details, exact birth date (the year stays),
    consents' notes, the values in their history — while the record itself, its
    area, sex, birth year, groups, needs and statuses stay so that every count
    stays right, and the audit trail keeps that it existed. Cannot be undone."""
    year = person.birth_date.replace(month=1, day=1) if person.birth_date else None
    Person.objects.filter(pk=person.pk).update(
        title="", first_name=ERASED_NAME, last_name="", citizen_id="", phone="",
        no_citizen_id_reason="", house_number="", address_text="", source_note="",
        external_ref="", birth_date=year, birth_year_only=year is not None,
        name_key="", restricted=True, erased_at=timezone.now(), updated_at=timezone.now(),
        version=F("version") + 1)
    PersonChange.objects.filter(person=person).update(changes={})
    person.consents.update(note="")
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action="erase", changes={})
    audit.record(AuditAction.DELETE, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"anonymised": True})
    persons_changed.send(sender=Person, ids=[person.pk])
    person.refresh_from_db()
    return person


# ------------------------------------------------------------ merging two records
# dedup.merge decides that two records are one person; what hangs on a record
# (its history, households it heads, needs, target groups, consents) is moved
# here, by its owner, and listed so that an undo puts each row back.

# The stricter consent wins: a refusal over an inability over a consent given.
STRICTNESS: dict[str, int] = {ConsentStatus.GIVEN: 0, ConsentStatus.UNABLE: 1,
                              ConsentStatus.REFUSED: 2}


class LinksMoved(TypedDict, total=False):
    """What :func:`person_reassign_links` moved: row ids, and the values it changed."""

    changes: list[int]  # PersonChange rows (the history)
    heads: list[int]  # households the merged record headed
    needs: list[int]  # PersonNeed rows that moved
    severities: dict[str, int]  # PersonNeed id (kept record) → its severity before
    groups: list[int]  # target groups added to the kept record
    consents: list[int]  # Consent rows that moved
    added_consent: int  # the stricter consent recorded on the kept record


def _stricter_consent(kept: Person, merged: Person) -> Consent | None:
    """The consent the person has after the merge, when it differs from the one the
    kept record would show by date alone (a new row is then recorded)."""
    mine, theirs = kept.consents.first(), merged.consents.first()
    if mine is None or theirs is None:
        return None
    strict = max((mine, theirs), key=lambda c: (STRICTNESS.get(c.status, 0), c.recorded_at))
    purposes = sorted(set(mine.purposes) & set(theirs.purposes)) if (
        mine.status == theirs.status == ConsentStatus.GIVEN) else list(strict.purposes)
    latest = max((mine, theirs), key=lambda c: (c.recorded_at, c.pk))
    if latest.status == strict.status and sorted(latest.purposes) == purposes:
        return None
    return Consent(status=strict.status, purposes=purposes, lawful_basis=strict.lawful_basis,
                   note=_("Kept on merging two records: the stricter answer of the two."))


@transaction.atomic
def person_reassign_links(*, actor: User, kept: Person, merged: Person) -> LinksMoved:
    """Moves what hangs on the record ``merged`` to the record ``kept`` (the
    caller, ``dedup.merge``, checked who may and locked both records): history,
    households headed, needs (a need both have keeps the higher severity),
    target groups and consents (the stricter answer becomes the current one)."""
    moved: LinksMoved = {}
    moved["changes"] = list(PersonChange.objects.filter(person=merged).values_list(
        "pk", flat=True))
    PersonChange.objects.filter(pk__in=moved["changes"]).update(person=kept)
    moved["heads"] = list(Household.objects.filter(head=merged).values_list("pk", flat=True))
    Household.objects.filter(pk__in=moved["heads"]).update(head=kept)
    mine = {pn.need_id: pn for pn in PersonNeed.objects.filter(person=kept)}
    moved["needs"], moved["severities"] = [], {}
    for pn in PersonNeed.objects.filter(person=merged):
        if pn.need_id not in mine:
            moved["needs"].append(pn.pk)
        elif pn.severity > mine[pn.need_id].severity:
            moved["severities"][str(mine[pn.need_id].pk)] = mine[pn.need_id].severity
            PersonNeed.objects.filter(pk=mine[pn.need_id].pk).update(severity=pn.severity)
    PersonNeed.objects.filter(pk__in=moved["needs"]).update(person=kept)
    groups_before = set(kept.target_groups.values_list("pk", flat=True))
    added = set(merged.target_groups.values_list("pk", flat=True)) - groups_before
    kept.target_groups.add(*added)
    moved["groups"] = sorted(added)
    stricter = _stricter_consent(kept, merged)
    moved["consents"] = list(Consent.objects.filter(person=merged).values_list(
        "pk", flat=True))
    Consent.objects.filter(pk__in=moved["consents"]).update(person=kept)
    if stricter is not None:
        stricter.person, stricter.recorded_by = kept, actor
        stricter.save()
        moved["added_consent"] = stricter.pk
    return moved


@transaction.atomic
def person_links_restore(*, kept: Person, merged: Person, moved: LinksMoved) -> None:
    """Undoes :func:`person_reassign_links`: each row listed goes back to ``merged``."""
    PersonChange.objects.filter(pk__in=moved.get("changes", [])).update(person=merged)
    Household.objects.filter(pk__in=moved.get("heads", []), head=kept).update(head=merged)
    PersonNeed.objects.filter(pk__in=moved.get("needs", [])).update(person=merged)
    for pk, severity in moved.get("severities", {}).items():
        PersonNeed.objects.filter(pk=int(pk)).update(severity=severity)
    kept.target_groups.remove(*moved.get("groups", []))
    Consent.objects.filter(pk__in=moved.get("consents", [])).update(person=merged)
    if moved.get("added_consent"):
        Consent.objects.filter(pk=moved["added_consent"]).delete()


@transaction.atomic
def person_merge_update(*, actor: User, person: Person, action: str,
                        history: dict[str, Any], **fields: Any) -> None:
    """One record's side of a merge or of its undo (``dedup.merge`` decides the
    values and has locked the records): its fields, a new version, a history row."""
    Person.objects.filter(pk=person.pk).update(**fields, version=F("version") + 1,
                                               updated_at=timezone.now())
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action=action, changes=history)
