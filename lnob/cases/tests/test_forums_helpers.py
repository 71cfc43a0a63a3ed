"""Data for the community forum tests (no tests here): a network of Ko Tao,
reported cases of named people, and a forum."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from lnob.cases.forums.services import ForumData, forum_create
from lnob.cases.models import Case, Forum
from lnob.cases.services import case_open
from lnob.core.models import User
from lnob.geo.models import Subdistrict, Village
from lnob.networks.models import Network, PartnerType
from lnob.registry.models import PersonNeed
from lnob.registry.services import person_create
from lnob.registry.taxonomy import Need, TargetGroup
from lnob.testing.persons import person_data

KO_TAO, BAN_TAI, KRABI_TOWN = "840503", "840502", "810101"
# What the printed sheet must never show.
CITIZEN_ID = "1101700203441"
PHONE = "0812345678"
NEED_NOTE = "ฟอกไตสัปดาห์ละสองครั้ง"
SUMMARY = "ติดเตียง แผลกดทับ"


def network(*, subdistrict: str = KO_TAO, province: str = "84", lead: bool = False,
            active: bool = True, name: str = "กลุ่มออมทรัพย์เกาะเต่า") -> Network:
    found = Network.objects.create(name=name, partner_type=PartnerType.SAVINGS_GROUP,
                                   province_code=province, is_lead=lead, active=active)
    if subdistrict:
        found.subdistricts.add(Subdistrict.objects.get(code=subdistrict))
    return found


def village(number: int = 1, subdistrict: str = KO_TAO, name: str = "บ้านแม่หาด") -> Village:
    return Village.objects.create(code=f"{subdistrict}{number:02d}", subdistrict_id=subdistrict,
                                  number=number, name_th=name)


def reported_case(actor: User, first_name: str, *, subdistrict: str = KO_TAO,
                  village_number: int | None = None, **fields: Any) -> Case:
    person = person_create(actor=actor, data=person_data(
        first_name=first_name, subdistrict_code=subdistrict, village_number=village_number,
        citizen_id="", no_citizen_id_reason="unknown", **fields))
    return case_open(actor=actor, person=person)


def sensitive_case(actor: User, village_number: int | None = None) -> Case:
    """A person with every kind of detail the forum sheet must leave out."""
    group = TargetGroup.objects.get(code="in_hardship", province_code="")
    health = Need.objects.get(code="health", province_code="")
    person = person_create(actor=actor, data=person_data(
        first_name="บุญมี", last_name="ศรีสุข", citizen_id=CITIZEN_ID, phone=PHONE,
        village_number=village_number, target_group_ids=[group.pk], needs={health.pk: 4},
        address_text="ซอยหลังวัด"))
    PersonNeed.objects.filter(person=person).update(note=NEED_NOTE)
    case = case_open(actor=actor, person=person, note="แจ้งโดยเพื่อนบ้าน")
    Case.objects.filter(pk=case.pk).update(summary=SUMMARY, reporter_phone="0899999999")
    return case


def forum(actor: User, organiser: Network, *, subdistrict: str = KO_TAO,
          held_on: datetime.date | None = None, village_code: str = "") -> Forum:
    return forum_create(actor=actor, data=ForumData(
        subdistrict_code=subdistrict, organiser_id=organiser.pk, village_code=village_code,
        held_on=held_on or timezone.localdate(), place="ศาลาวัด",
        attendance={"community": 40, "local_government": 3}))
