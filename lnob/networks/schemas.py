"""The API's shapes for care capacity: what goes in, what comes out, and the
list filters. Used by ``lnob.api.networks``; validation of meaning is the
services' (errors name the field), these only check types and lengths."""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from lnob.core.schema_types import IsoDate
from lnob.networks.models import Committee, CommitteeMember, Network, Volunteer
from lnob.registry.taxonomy import Need


class NetworkNeedOut(Schema):
    id: int
    code: str
    name_th: str
    name_en: str


class NetworkIn(Schema):
    name: str = Field(..., max_length=200)
    partner_type: str = Field(..., description="community | local_government | "
                              "provincial_agency | civil_society | business | religious | "
                              "school | health | volunteer_group | savings_group")
    province_code: str = Field(..., max_length=2)
    is_lead: bool = Field(False, description="a lead network (แม่ข่าย) of its area")
    lead_network: int | None = Field(None, description="id of the lead network of the same "
                                     "province this network belongs to")
    leader_name: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=254)
    subdistricts: list[str] = Field([], description="6-digit codes, all in the province")
    villages: list[str] = Field([], description="8-digit codes, all in the province")
    capacity: int = Field(0, description="how many people it can care for in total")
    needs: list[int] = Field([], description="ids of the needs it serves")
    active: bool = True


class NetworkPatch(Schema):
    name: str | None = Field(None, max_length=200)
    partner_type: str | None = None
    province_code: str | None = Field(None, max_length=2)
    is_lead: bool | None = None
    lead_network: int | None = Field(None, description="null: belongs to no lead network")
    leader_name: str | None = Field(None, max_length=150)
    contact_phone: str | None = Field(None, max_length=30)
    contact_email: str | None = Field(None, max_length=254)
    subdistricts: list[str] | None = None
    villages: list[str] | None = None
    capacity: int | None = None
    needs: list[int] | None = None
    active: bool | None = None


class NetworkOut(Schema):
    id: int
    name: str
    partner_type: str
    province_code: str
    is_lead: bool
    lead_network: int | None = Field(None, alias="lead_network_id")
    leader_name: str
    contact_phone: str
    contact_email: str
    subdistricts: list[str]
    villages: list[str]
    capacity: int
    needs: list[NetworkNeedOut]
    active: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_subdistricts(obj: Network) -> list[str]:
        return [s.code for s in obj.subdistricts.all()]

    @staticmethod
    def resolve_villages(obj: Network) -> list[str]:
        return [v.code for v in obj.villages.all()]

    @staticmethod
    def resolve_needs(obj: Network) -> list[Need]:
        return list(obj.needs.all())


class NetworkQuery(Schema):
    q: str = Field("", max_length=100, description="part of the name or the leader's name")
    area: str = Field("", max_length=6, description="province, district or subdistrict code")
    partner_type: str = ""
    is_lead: bool | None = None
    need: int | None = None
    active: bool | None = None
    lead_network: int | None = None


class VolunteerIn(Schema):
    first_name: str = Field(..., max_length=100)
    last_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30)
    is_msdhs: bool = Field(False, description="an MSDHS volunteer (อพม.)")
    network: int | None = Field(None, description="id of a network of the same province")
    province_code: str = Field(..., max_length=2)
    subdistricts: list[str] = Field([], description="6-digit codes, all in the province")
    villages: list[str] = Field([], description="8-digit codes of single villages they "
                                                "cover, all in the province")
    needs: list[int] = Field([], description="ids of the needs they help with")
    capacity: int = Field(5, description="how many people they can follow")
    active: bool = True


class VolunteerPatch(Schema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    is_msdhs: bool | None = None
    network: int | None = Field(None, description="null: no network")
    province_code: str | None = Field(None, max_length=2)
    subdistricts: list[str] | None = None
    villages: list[str] | None = None
    needs: list[int] | None = None
    capacity: int | None = None
    active: bool | None = None


class VolunteerOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str
    is_msdhs: bool
    network: int | None = Field(None, alias="network_id")
    province_code: str
    subdistricts: list[str]
    needs: list[NetworkNeedOut]
    capacity: int
    active: bool
    villages: list[str]

    @staticmethod
    def resolve_subdistricts(obj: Volunteer) -> list[str]:
        return [s.code for s in obj.subdistricts.all()]

    @staticmethod
    def resolve_villages(obj: Volunteer) -> list[str]:
        return [v.code for v in obj.villages.all()]

    @staticmethod
    def resolve_needs(obj: Volunteer) -> list[Need]:
        return list(obj.needs.all())


class VolunteerQuery(Schema):
    q: str = Field("", max_length=100, description="part of a name, or 4+ digits of a phone")
    area: str = Field("", max_length=6)
    network: int | None = None
    need: int | None = None
    active: bool | None = None
    is_msdhs: bool | None = None


class FundIn(Schema):
    name: str = Field(..., max_length=200)
    kind: str = Field(..., description="community_welfare | savings_group | local_government "
                      "| other")
    area_code: str = Field(..., max_length=6, description="province, district or subdistrict")
    network: int | None = Field(None, description="id of a network of the same province")
    members: int = 0


class FundPatch(Schema):
    name: str | None = Field(None, max_length=200)
    kind: str | None = None
    area_code: str | None = Field(None, max_length=6)
    network: int | None = Field(None, description="null: no network")
    members: int | None = None


class FundOut(Schema):
    id: int
    name: str
    kind: str
    province_code: str
    area_code: str
    network: int | None = Field(None, alias="network_id")
    members: int
    balance: Decimal = Field(..., description="baht; the sum of the transactions")
    created_at: datetime.datetime


class FundQuery(Schema):
    q: str = Field("", max_length=100)
    area: str = Field("", max_length=6)
    kind: str = ""
    network: int | None = None


class TransactionIn(Schema):
    date: IsoDate = Field(..., description="CE date, ISO 8601; not in the future")
    kind: str = Field(..., description="contribution | disbursement")
    amount: Decimal | str = Field(..., description="baht, more than 0, at most 2 decimals")
    note: str = Field("", max_length=255)


class TransactionOut(Schema):
    id: int
    date: IsoDate
    kind: str
    amount: Decimal
    note: str
    balance_after: Decimal = Field(..., description="the fund's balance after this one")


class CommitteeIn(Schema):
    name: str = Field(..., max_length=200)
    level: str = Field(..., description="province | district | subdistrict")
    area_code: str = Field(..., max_length=6, description="2, 4 or 6 digits to match the level")


class CommitteePatch(Schema):
    name: str | None = Field(None, max_length=200)
    level: str | None = None
    area_code: str | None = Field(None, max_length=6)


class MemberIn(Schema):
    name: str = Field(..., max_length=150)
    role: str = Field(..., description="chair (from civil society; one) | secretary | member")
    partner_type: str


class CommitteeMemberOut(Schema):
    id: int
    name: str
    role: str
    partner_type: str


class MeetingIn(Schema):
    date: IsoDate
    minutes: str = ""


class MeetingOut(Schema):
    id: int
    date: IsoDate
    minutes: str


class CommitteeOut(Schema):
    id: int
    name: str
    level: str
    area_code: str
    province_code: str
    members: list[CommitteeMemberOut]

    @staticmethod
    def resolve_members(obj: Committee) -> list[CommitteeMember]:
        return list(obj.members.all())


class CommitteeDetailOut(CommitteeOut):
    meetings: list[MeetingOut]

    @staticmethod
    def resolve_meetings(obj: Committee) -> list[Any]:
        return list(obj.meetings.all())


class CommitteeQuery(Schema):
    q: str = Field("", max_length=100)
    area: str = Field("", max_length=6)
    level: str = ""
