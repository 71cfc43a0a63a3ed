"""Writes to committees (คณะกรรมการ): the committee, its members (one chair, from
civil society) and its meetings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.networks import access
from lnob.networks import validation as check
from lnob.networks.models import (
    Committee,
    CommitteeLevel,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeRole,
    PartnerType,
)
from lnob.networks.services._shared import (
    changed,
    raise_if,
    require_editor_area,
    subdistricts_in,
)

MAX_MINUTES = 20_000


@dataclass
class CommitteeData:
    name: str
    level: str
    area_code: str

    @classmethod
    def of(cls, c: Committee) -> CommitteeData:
        return cls(name=c.name, level=c.level, area_code=c.area_code)


def _clean_committee(actor: User, data: CommitteeData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    level = check.choice(errors, "level", data.level, CommitteeLevel.choices,
                         _("Choose the level: province, district or subdistrict."))
    fields: dict[str, Any] = {
        "name": check.text(errors, "name", data.name, max_length=200,
                           required_message=_("Give the committee's name.")),
        "level": level,
        "area_code": check.area(errors, "area_code", data.area_code,
                                level=level if "level" not in errors else None),
    }
    fields["province_code"] = fields["area_code"][:2]
    require_editor_area(actor, fields["area_code"], errors)
    raise_if(errors)
    return fields


@transaction.atomic
def committee_create(*, actor: User, data: CommitteeData,
                     request: HttpRequest | None = None) -> Committee:
    committee = Committee(**_clean_committee(actor, data))
    committee.full_clean()
    committee.save()
    areas_changed.send(sender=Committee, codes=subdistricts_in(committee.area_code))
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=committee,
                 area_code=committee.area_code, detail={"name": committee.name,
                                                        "level": committee.level})
    return committee


@transaction.atomic
def committee_update(*, actor: User, committee: Committee, data: CommitteeData,
                     request: HttpRequest | None = None) -> Committee:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if not access.can_change_committee(actor, committee):
        raise NotAllowed("not_editor", _("Your role does not allow changing this committee."))
    before = dict(CommitteeData.of(committee).__dict__)
    for name, value in _clean_committee(actor, data).items():
        setattr(committee, name, value)
    committee.full_clean()
    committee.save()
    if (committee.area_code, committee.level) != (before["area_code"], before["level"]):
        areas_changed.send(sender=Committee, codes=subdistricts_in(before["area_code"])
                           | subdistricts_in(committee.area_code))
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=committee,
                 area_code=committee.area_code,
                 detail={"changed": changed(before, CommitteeData.of(committee).__dict__)})
    return committee


def _chair_taken(committee: Committee) -> ValidationError:
    chair = committee.members.filter(role=CommitteeRole.CHAIR).first()
    return ValidationError({"role": _("This committee already has a chair%(name)s: a committee "
                                      "has one chair. Give this member another role, or remove "
                                      "the chair first.") % {
        "name": f" ({chair.name})" if chair else ""}})


@transaction.atomic
def committee_member_add(*, actor: User, committee: Committee, name: str, role: str,
                         partner_type: str,
                         request: HttpRequest | None = None) -> CommitteeMember:
    """Adds a member. The chair comes from civil society and there is one
    chair; the provincial office is the secretary (seed, step 5)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if not access.can_change_committee(actor, committee):
        raise NotAllowed("not_editor", _("Your role does not allow changing this committee."))
    errors: dict[str, str] = {}
    name = check.text(errors, "name", name, max_length=150,
                      required_message=_("Give the member's name."))
    check.choice(errors, "role", role, CommitteeRole.choices,
                 _("Choose the role: chair, secretary or member."))
    check.choice(errors, "partner_type", partner_type, PartnerType.choices,
                 _("Choose the partner type."))
    if role == CommitteeRole.CHAIR and "partner_type" not in errors and (
            partner_type != PartnerType.CIVIL_SOCIETY):
        errors["partner_type"] = _("The chair comes from civil society: choose the partner "
                                   "type “Civil society / NGO” for the chair.")
    raise_if(errors)
    if role == CommitteeRole.CHAIR and committee.members.filter(role=CommitteeRole.CHAIR).exists():
        raise _chair_taken(committee)
    try:
        with transaction.atomic():  # the partial unique index is the last word
            member = CommitteeMember.objects.create(committee=committee, name=name, role=role,
                                                    partner_type=partner_type)
    except IntegrityError as exc:
        raise _chair_taken(committee) from exc
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=committee,
                 area_code=committee.area_code,
                 detail={"member_added": member.pk, "role": role, "partner_type": partner_type})
    return member


@transaction.atomic
def committee_member_remove(*, actor: User, member: CommitteeMember,
                            request: HttpRequest | None = None) -> None:
    committee = Committee.objects.select_for_update().get(pk=member.committee_id)
    if not access.can_change_committee(actor, committee):
        raise NotAllowed("not_editor", _("Your role does not allow changing this committee."))
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=committee,
                 area_code=committee.area_code,
                 detail={"member_removed": member.pk, "role": member.role})
    member.delete()


@transaction.atomic
def committee_meeting_record(*, actor: User, committee: Committee, date: datetime.date | None,
                             minutes: str = "",
                             request: HttpRequest | None = None) -> CommitteeMeeting:
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if not access.can_change_committee(actor, committee):
        raise NotAllowed("not_editor", _("Your role does not allow changing this committee."))
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("Give the date of the meeting.")
    minutes = (minutes or "").strip()
    if len(minutes) > MAX_MINUTES:
        errors["minutes"] = _("%(label)s: at most %(max)d characters.") % {
            "label": check.label("minutes"), "max": MAX_MINUTES}
    if errors or date is None:
        raise ValidationError(errors)
    meeting = CommitteeMeeting.objects.create(committee=committee, date=date, minutes=minutes)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=committee,
                 area_code=committee.area_code,
                 detail={"meeting": meeting.pk, "date": date.isoformat()})
    return meeting
