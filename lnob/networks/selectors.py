"""Reads of care capacity, always starting from what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from lnob.core.thaidates import to_arabic_digits
from lnob.networks import access
from lnob.networks.models import Committee, Fund, FundTransaction, Network, Volunteer
from lnob.registry.taxonomy import Need

_DIGITS = re.compile(r"[\d\s+-]+")


def _words(text: str) -> list[str]:
    """The words of a search, spaces collapsed: "กลุ่ม  ออม" → ["กลุ่ม", "ออม"]."""
    return text.split()[:5]


def _name_q(text: str, fields: tuple[str, ...]) -> Q:
    """Every word must be part of one of ``fields``. Thai has no case, and
    LIKE '%…%' finds a word in the middle of a Thai name ("ออมทรัพย์" finds
    "กลุ่มออมทรัพย์เกาะเต่า") on SQLite and PostgreSQL alike."""
    q = Q()
    for word in _words(text):
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        q &= any_field
    return q


def coverage_filter(code: str, *, villages: bool) -> Q:
    """Rows lying in an area: its province, or covering a subdistrict (or a
    village) in it. An unusable code matches nothing rather than everything."""
    if len(code) not in (2, 4, 6) or not code.isdigit():
        return Q(pk__in=[])
    if len(code) == 2:
        return Q(province_code=code)
    q = Q(subdistricts__code__startswith=code)
    if villages:
        q |= Q(villages__code__startswith=code)
    return q


def prefix_filter(code: str) -> Q:
    if len(code) not in (2, 4, 6) or not code.isdigit():
        return Q(pk__in=[])
    return Q(area_code__startswith=code)


@dataclass(frozen=True)
class NetworkFilters:
    q: str = ""
    area: str = ""
    partner_type: str = ""
    is_lead: bool | None = None
    need: int | None = None
    active: bool | None = None
    lead_network: int | None = None


def network_list(user: Any, filters: NetworkFilters) -> QuerySet[Network]:
    qs = access.networks_visible_to(user).filter(_name_q(filters.q, ("name", "leader_name")))
    if filters.area:
        # A subquery keeps one row per network however many areas match.
        qs = qs.filter(pk__in=Network.objects.filter(
            coverage_filter(filters.area, villages=True)).values("pk"))
    if filters.partner_type:
        qs = qs.filter(partner_type=filters.partner_type)
    if filters.is_lead is not None:
        qs = qs.filter(is_lead=filters.is_lead)
    if filters.need:
        qs = qs.filter(pk__in=Network.needs.through.objects.filter(
            need_id=filters.need).values("network_id"))
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    if filters.lead_network:
        qs = qs.filter(lead_network=filters.lead_network)
    return (qs.select_related("lead_network")
            .prefetch_related("subdistricts", "villages", "needs")
            .order_by("province_code", "-is_lead", "name", "id"))


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    area: str = ""
    network: int | None = None
    need: int | None = None
    active: bool | None = None
    is_msdhs: bool | None = None


def _volunteer_search(text: str) -> Q:
    """A phone number (4 digits or more, Thai digits too) or part of a name."""
    number = to_arabic_digits(text).strip()
    if number and _DIGITS.fullmatch(number):
        digits = re.sub(r"\D", "", number)
        return Q(phone__contains=digits) if len(digits) >= 4 else Q(pk__in=[])
    return _name_q(text, ("first_name", "last_name"))


def volunteer_list(user: Any, filters: VolunteerFilters) -> QuerySet[Volunteer]:
    qs = access.volunteers_visible_to(user).filter(_volunteer_search(filters.q))
    if filters.area:
        qs = qs.filter(pk__in=Volunteer.objects.filter(
            coverage_filter(filters.area, villages=True)).values("pk"))
    if filters.network:
        qs = qs.filter(network=filters.network)
    if filters.need:
        qs = qs.filter(pk__in=Volunteer.needs.through.objects.filter(
            need_id=filters.need).values("volunteer_id"))
    if filters.active is not None:
        qs = qs.filter(active=filters.active)
    if filters.is_msdhs is not None:
        qs = qs.filter(is_msdhs=filters.is_msdhs)
    return (qs.select_related("network").prefetch_related("subdistricts", "villages", "needs")
            .order_by("province_code", "first_name", "last_name", "id"))


@dataclass(frozen=True)
class FundFilters:
    q: str = ""
    area: str = ""
    kind: str = ""
    network: int | None = None


def fund_list(user: Any, filters: FundFilters) -> QuerySet[Fund]:
    qs = access.funds_visible_to(user).filter(_name_q(filters.q, ("name",)))
    if filters.area:
        qs = qs.filter(prefix_filter(filters.area))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.network:
        qs = qs.filter(network=filters.network)
    return qs.select_related("network").order_by("province_code", "area_code", "name", "id")


@dataclass(frozen=True)
class CommitteeFilters:
    q: str = ""
    area: str = ""
    level: str = ""


def committee_list(user: Any, filters: CommitteeFilters) -> QuerySet[Committee]:
    qs = access.committees_visible_to(user).filter(_name_q(filters.q, ("name",)))
    if filters.area:
        qs = qs.filter(prefix_filter(filters.area))
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs.annotate(member_count=Count("members", distinct=True),
                       meeting_count=Count("meetings", distinct=True)).order_by(
        "province_code", "area_code", "name", "id")


@dataclass(frozen=True)
class BalanceLine:
    transaction: FundTransaction
    balance: Decimal  # the fund's balance right after this transaction


def balance_history(fund: Fund) -> list[BalanceLine]:
    """The fund's transactions oldest first, each with the balance after it."""
    running = Decimal("0")
    lines = []
    for t in fund.transactions.select_related("recorded_by").order_by("date", "id"):
        running += t.amount if t.kind == FundTransaction.Kind.CONTRIBUTION else -t.amount
        lines.append(BalanceLine(t, running))
    return lines


def needs_for(province_code: str) -> QuerySet[Need]:
    """The national needs and the province's own, active ones."""
    provinces = ["", province_code] if province_code else [""]
    return Need.objects.filter(active=True, province_code__in=provinces).order_by(
        "province_code", "sort", "code")


def lead_networks_of(province_code: str) -> QuerySet[Network]:
    return Network.objects.filter(province_code=province_code, is_lead=True)
