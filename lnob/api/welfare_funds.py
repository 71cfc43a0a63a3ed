"""Community welfare funds over the API (``/api/v1/welfare/funds/…``):
a fund with its members, contributions by month and benefits paid; members
added and leaving; a month's contributions; benefits paid; the fund's rates.
Same scoping, services and audit as the pages (lnob.welfare.funds)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lnob.core import audit
from lnob.core.errors import NotFound
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate
from lnob.networks.models import Fund
from lnob.registry.models import Person
from lnob.welfare.access import persons_for_welfare
from lnob.welfare.funds import selectors, services
from lnob.welfare.funds.access import fund_for, funds_for_welfare, member_for, require_reader
from lnob.welfare.funds.models import FundBenefit, FundBenefitKind, FundMember

router = Router(tags=["welfare funds"])


class FundMemberOut(Schema):
    id: int
    person_id: int | None
    name: str
    member_number: str
    joined_on: IsoDate
    left_on: IsoDate | None


class FundMonthOut(Schema):
    period: str = Field(..., description="YYYY-MM (CE)")
    members: int
    total: Decimal


class FundBenefitOut(Schema):
    id: int
    member_id: int
    person_id: int | None
    kind: str = Field(..., alias="kind.code")
    date: IsoDate
    amount: Decimal
    note: str


class FundRateOut(Schema):
    kind: str = Field(..., alias="kind.code")
    amount_baht: int
    note: str


class WelfareFundOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str
    balance: Decimal
    members: int = Field(..., description="active members, counted from the member list")
    member_list: list[FundMemberOut]
    contributions_by_month: list[FundMonthOut]
    benefits: list[FundBenefitOut]
    rates: list[FundRateOut]


class WelfareFundSummaryOut(Schema):
    id: int
    name: str
    kind: str
    area_code: str
    members: int
    balance: Decimal


class FundMemberIn(Schema):
    person_id: int | None = Field(None, description="a person of the registry; else a name")
    title: str = Field("", max_length=40)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    citizen_id: str = Field("", max_length=20)
    birth_date: IsoDate | None = None
    member_number: str = Field("", max_length=30)
    joined_on: IsoDate | None = None


class FundLeaveIn(Schema):
    left_on: IsoDate


class FundContributionIn(Schema):
    member_id: int
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)


class FundContributionsIn(Schema):
    period: str = Field(..., description="YYYY-MM, CE or BE (2569-11)")
    date: IsoDate
    contributions: list[FundContributionIn] = Field(..., max_length=20000)


class FundContributionsOut(Schema):
    transaction_id: int
    recorded: int
    balance: Decimal


class FundBenefitIn(Schema):
    member_id: int
    kind: str = Field(..., description="birth | sickness | death | old_age | disability | "
                                       "education | other")
    date: IsoDate
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2,
                                   description="empty: the fund's rate for the kind")
    person_id: int | None = Field(None, description="a person of the member's household")
    note: str = Field("", max_length=255)


class FundRateIn(Schema):
    amount_baht: int = Field(..., ge=0)
    note: str = Field("", max_length=255)


def _reader(request: HttpRequest) -> User:
    require_reader(request.user)
    return cast(User, request.user)


def _person(user: User, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = persons_for_welfare(user).filter(pk=pk).first()
    if person is None:
        raise NotFound(field="person_id")
    return person


def _kind(code: str) -> FundBenefitKind:
    kind = FundBenefitKind.objects.filter(code=code).first()
    if kind is None:
        raise NotFound("unknown_kind", field="kind")
    return kind


def _member(fund: Fund, pk: int) -> FundMember:
    member = FundMember.objects.filter(fund=fund, pk=pk).first()
    if member is None:
        raise NotFound(field="member_id")
    return member


def _member_out(m: FundMember) -> dict[str, Any]:
    return {"id": m.pk, "person_id": m.person_id, "name": m.name,
            "member_number": m.member_number, "joined_on": m.joined_on, "left_on": m.left_on}


def _fund_out(request: HttpRequest, fund: Fund) -> dict[str, Any]:
    page = selectors.fund_page(fund)
    audit.record(AuditAction.VIEW, request=request, obj=fund, area_code=fund.area_code,
                 detail={"via": "api", "page": "fund_members",
                         "members": [m.pk for m in page.members]})
    fund.refresh_from_db(fields=["balance", "members"])
    return {"id": fund.pk, "name": fund.name, "kind": fund.kind, "area_code": fund.area_code,
            "balance": fund.balance, "members": page.active,
            "member_list": [_member_out(m) for m in page.members],
            "contributions_by_month": page.months, "benefits": page.benefits,
            "rates": page.rates}


@router.get("", response=list[WelfareFundSummaryOut])
def fund_list(request: HttpRequest) -> Any:
    """The funds of the user's areas: members and balance (no names)."""
    user = _reader(request)
    return funds_for_welfare(user).order_by("province_code", "area_code", "name")[:1000]


@router.get("/{fund_id}", response=WelfareFundOut)
def fund_get(request: HttpRequest, fund_id: int) -> dict[str, Any]:
    """A fund: balance, members (personal data: audited), contributions by
    month, benefits paid and its rates."""
    user = _reader(request)
    return _fund_out(request, fund_for(user, fund_id))


@router.post("/{fund_id}/members", response={201: FundMemberOut})
def member_post(request: HttpRequest, fund_id: int, payload: FundMemberIn) -> Any:
    user = _reader(request)
    fund = fund_for(user, fund_id)
    data = payload.dict()
    person = _person(user, data.pop("person_id"))
    member = services.member_add(actor=user, fund=fund, person=person, request=request, **data)
    return Status(201, _member_out(member))


@router.post("/members/{member_id}/leave", response=FundMemberOut)
def member_leave(request: HttpRequest, member_id: int, payload: FundLeaveIn) -> dict[str, Any]:
    user = _reader(request)
    member = services.member_leave(actor=user, member=member_for(user, member_id),
                                   left_on=payload.left_on, request=request)
    return _member_out(member)


@router.post("/{fund_id}/contributions", response={201: FundContributionsOut})
def contributions_post(request: HttpRequest, fund_id: int, payload: FundContributionsIn) -> Any:
    """A month's contributions of many members: one contribution transaction of
    the fund. Any bad row (named ``member_<id>``) changes nothing."""
    user = _reader(request)
    fund = fund_for(user, fund_id)
    amounts: dict[int, Any] = {}
    for row in payload.contributions:
        amounts[row.member_id] = row.amount
    made = services.contributions_record(actor=user, fund=fund, period=payload.period,
                                         date=payload.date, amounts=amounts, request=request)
    fund.refresh_from_db(fields=["balance"])
    return Status(201, {"transaction_id": made[0].transaction_id, "recorded": len(made),
                        "balance": fund.balance})


@router.post("/{fund_id}/benefits", response={201: FundBenefitOut})
def benefit_post(request: HttpRequest, fund_id: int, payload: FundBenefitIn) -> Any:
    """A benefit paid; refused (422, ``fund_balance_short``) over the balance."""
    user = _reader(request)
    fund = fund_for(user, fund_id)
    benefit: FundBenefit = services.benefit_pay(
        actor=user, fund=fund, member=_member(fund, payload.member_id),
        kind=_kind(payload.kind), date=payload.date, amount=payload.amount,
        person=_person(user, payload.person_id), note=payload.note, request=request)
    return Status(201, benefit)


@router.put("/{fund_id}/rates/{kind}", response=FundRateOut)
def rate_put(request: HttpRequest, fund_id: int, kind: str, payload: FundRateIn) -> Any:
    user = _reader(request)
    fund = fund_for(user, fund_id)
    return services.rate_set(actor=user, fund=fund, kind=_kind(kind),
                             amount_baht=payload.amount_baht, note=payload.note,
                             request=request)
