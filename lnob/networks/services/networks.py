"""Writes to networks and lead networks (เครือข่าย, แม่ข่าย)."""

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
    PartnerType,
)
from lnob.networks.services._shared import (
    changed,
    outside_your_areas,
    raise_if,
    subdistricts_of,
)

MAX_NETWORK_CAPACITY = 1_000_000


@dataclass
class NetworkData:
    """What a form or the API gives to create or change a network."""

    name: str
    partner_type: str
    province_code: str
    is_lead: bool = False
    lead_network: int | None = None
    leader_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    subdistricts: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    capacity: int = 0
    needs: list[int] = field(default_factory=list)
    active: bool = True

    @classmethod
    def of(cls, n: Network) -> NetworkData:
        return cls(name=n.name, partner_type=n.partner_type, province_code=n.province_code,
                   is_lead=n.is_lead, lead_network=n.lead_network_id,
                   leader_name=n.leader_name, contact_phone=n.contact_phone,
                   contact_email=n.contact_email,
                   subdistricts=sorted(s.code for s in n.subdistricts.all()),
                   villages=sorted(v.code for v in n.villages.all()), capacity=n.capacity,
                   needs=sorted(x.pk for x in n.needs.all()), active=n.active)


def _lead_network(errors: dict[str, str], data: NetworkData,
                  network: Network | None) -> Network | None:
    if data.lead_network is None:
        return None
    lead = Network.objects.filter(pk=data.lead_network).first()
    if lead is None:
        errors["lead_network"] = _("Unknown lead network.")
    elif network is not None and lead.pk == network.pk:
        errors["lead_network"] = _("A network cannot be its own lead network.")
    elif data.is_lead:
        errors["lead_network"] = _("A lead network (แม่ข่าย) does not belong to another lead "
                                   "network: untick “lead network” or leave this empty.")
    elif not lead.is_lead:
        errors["lead_network"] = _("%(name)s is not a lead network (แม่ข่าย): choose a lead "
                                   "network as the one this network belongs to.") % {
            "name": lead.name}
    elif lead.province_code != data.province_code:
        errors["lead_network"] = _("The lead network %(name)s is in another province: a "
                                   "network belongs to a lead network of its own province.") % {
            "name": lead.name}
    return lead


def _clean_network(actor: User, data: NetworkData,
                   network: Network | None) -> tuple[dict[str, Any], dict[str, Any]]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "name": check.text(errors, "name", data.name, max_length=200,
                           required_message=_("Give the network's name.")),
        "partner_type": check.choice(errors, "partner_type", data.partner_type,
                                     PartnerType.choices, _("Choose the partner type.")),
        "province_code": data.province_code,
        "is_lead": bool(data.is_lead),
        "leader_name": check.text(errors, "leader_name", data.leader_name, max_length=150),
        "contact_phone": check.phone(errors, "contact_phone", data.contact_phone),
        "contact_email": check.email(errors, "contact_email", data.contact_email),
        "capacity": check.count(errors, "capacity", data.capacity,
                                maximum=MAX_NETWORK_CAPACITY,
                                negative_message=_("The number of people the network can "
                                                   "care for cannot be negative.")),
        "active": bool(data.active),
    }
    check.province(errors, "province_code", data.province_code)
    subdistricts = check.subdistricts(errors, "subdistricts", data.subdistricts,
                                      data.province_code)
    villages = check.villages(errors, "villages", data.villages, data.province_code)
    needs = check.needs(errors, "needs", data.needs, data.province_code)
    fields["lead_network"] = _lead_network(errors, data, network)
    if network is not None:
        members = network.members.count()
        if members and not data.is_lead:
            errors["is_lead"] = _("This network leads %(count)d member networks: move them to "
                                  "another lead network first.") % {"count": members}
        moved = data.province_code != network.province_code
        if moved and (members or network.volunteers.exists() or network.funds.exists()):
            errors["province_code"] = _("This network has member networks, volunteers or "
                                        "funds in its province: it cannot move to another "
                                        "province.")
    codes = [s.code for s in subdistricts] + [v.code for v in villages]
    if not errors and not access.may_write_coverage(actor, data.province_code, codes):
        outside_your_areas(errors, codes)
    raise_if(errors)
    return fields, {"subdistricts": subdistricts, "villages": villages, "needs": needs}


@transaction.atomic
def network_create(*, actor: User, data: NetworkData,
                   request: HttpRequest | None = None) -> Network:
    if not access.works_in_province(actor, data.province_code, access.NETWORK_EDITORS):
        raise NotAllowed("not_editor", _("Your role does not allow this."))
    fields, relations = _clean_network(actor, data, None)
    network = Network(**fields)
    network.full_clean()
    network.save()
    for name, values in relations.items():
        getattr(network, name).set(values)
    areas_changed.send(sender=Network, codes=subdistricts_of(network))
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=network,
                 area_code=network.province_code,
                 detail={"name": network.name, "is_lead": network.is_lead})
    return network


@transaction.atomic
def network_update(*, actor: User, network: Network, data: NetworkData,
                   request: HttpRequest | None = None) -> Network:
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not access.can_change_network(actor, network):
        raise NotAllowed("not_editor", _("Your role does not allow changing this network."))
    before = dict(NetworkData.of(network).__dict__)
    covered_before = subdistricts_of(network)
    fields, relations = _clean_network(actor, data, network)
    for name, value in fields.items():
        setattr(network, name, value)
    network.full_clean()
    network.save()
    for name, values in relations.items():
        getattr(network, name).set(values)
    areas_changed.send(sender=Network, codes=covered_before | subdistricts_of(network))
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=network,
                 area_code=network.province_code,
                 detail={"changed": changed(before, NetworkData.of(network).__dict__)})
    return network
