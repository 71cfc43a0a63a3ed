"""Writes to volunteers (อาสาสมัคร, อพม.). Names and phones stay out of the audit
detail: the log is read more widely than the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.networks import access
from lnob.networks import validation as check
from lnob.networks.models import (
    Network,
    Volunteer,
)
from lnob.networks.services._shared import (
    changed,
    outside_your_areas,
    raise_if,
    subdistricts_of,
)

MAX_VOLUNTEER_CAPACITY = 100


@dataclass
class VolunteerData:
    first_name: str
    province_code: str
    last_name: str = ""
    phone: str = ""
    is_msdhs: bool = False
    network: int | None = None
    subdistricts: list[str] = field(default_factory=list)
    needs: list[int] = field(default_factory=list)
    capacity: int = 5
    villages: list[str] = field(default_factory=list)
    active: bool = True

    @classmethod
    def of(cls, v: Volunteer) -> VolunteerData:
        return cls(first_name=v.first_name, last_name=v.last_name, phone=v.phone,
                   is_msdhs=v.is_msdhs, network=v.network_id, province_code=v.province_code,
                   subdistricts=sorted(s.code for s in v.subdistricts.all()),
                   needs=sorted(n.pk for n in v.needs.all()), capacity=v.capacity,
                   active=v.active, villages=sorted(x.code for x in v.villages.all()))


def _clean_volunteer(actor: User,
                     data: VolunteerData) -> tuple[dict[str, Any], dict[str, Any]]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "first_name": check.text(errors, "first_name", data.first_name, max_length=100,
                                 required_message=_("Give the volunteer's first name.")),
        "last_name": check.text(errors, "last_name", data.last_name, max_length=100),
        "phone": check.phone(errors, "phone", data.phone),
        "is_msdhs": bool(data.is_msdhs),
        "province_code": data.province_code,
        "capacity": check.count(errors, "capacity", data.capacity,
                                maximum=MAX_VOLUNTEER_CAPACITY,
                                negative_message=_("The number of people a volunteer can "
                                                   "follow cannot be negative.")),
        "active": bool(data.active),
    }
    check.province(errors, "province_code", data.province_code)
    subdistricts = check.subdistricts(errors, "subdistricts", data.subdistricts,
                                      data.province_code)
    villages = check.villages(errors, "villages", data.villages, data.province_code)
    needs = check.needs(errors, "needs", data.needs, data.province_code)
    network = None
    if data.network is not None:
        network = Network.objects.filter(pk=data.network).first()
        if network is None:
            errors["network"] = _("Unknown network.")
        elif network.province_code != data.province_code:
            errors["network"] = _("The network %(name)s is in another province: choose a "
                                  "network of the volunteer's province.") % {"name": network.name}
    fields["network"] = network
    codes = [s.code for s in subdistricts] + [v.code for v in villages]
    if not errors and not access.may_write_coverage(actor, data.province_code, codes):
        outside_your_areas(errors, codes)
    raise_if(errors)
    return fields, {"subdistricts": subdistricts, "villages": villages, "needs": needs}


@transaction.atomic
def volunteer_create(*, actor: User, data: VolunteerData,
                     request: HttpRequest | None = None) -> Volunteer:
    if not access.works_in_province(actor, data.province_code, access.NETWORK_EDITORS):
        raise NotAllowed("not_editor", _("Your role does not allow this."))
    fields, relations = _clean_volunteer(actor, data)
    volunteer = Volunteer(**fields)
    volunteer.full_clean()
    volunteer.save()
    for name, values in relations.items():
        getattr(volunteer, name).set(values)
    areas_changed.send(sender=Volunteer, codes=subdistricts_of(volunteer))
    # Names and phones stay out of the audit detail: the log is read more widely.
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=volunteer,
                 area_code=volunteer.province_code)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: User, volunteer: Volunteer, data: VolunteerData,
                     request: HttpRequest | None = None) -> Volunteer:
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if not access.can_change_volunteer(actor, volunteer):
        raise NotAllowed("not_editor", _("Your role does not allow changing this volunteer."))
    before = dict(VolunteerData.of(volunteer).__dict__)
    covered_before = subdistricts_of(volunteer)
    fields, relations = _clean_volunteer(actor, data)
    for name, value in fields.items():
        setattr(volunteer, name, value)
    volunteer.full_clean()
    volunteer.save()
    for name, values in relations.items():
        getattr(volunteer, name).set(values)
    areas_changed.send(sender=Volunteer, codes=covered_before | subdistricts_of(volunteer))
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=volunteer,
                 area_code=volunteer.province_code,
                 detail={"changed": changed(before, VolunteerData.of(volunteer).__dict__)})
    return volunteer
