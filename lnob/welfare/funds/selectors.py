"""Reads of community welfare funds: the fund page, what a person received
from funds, and the member counts of an area (five ก)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils import translation

from lnob.core.thaidates import format_date
from lnob.networks.models import Fund
from lnob.welfare.funds.models import (
    FundBenefit,
    FundBenefitKind,
    FundBenefitRate,
    FundContribution,
    FundMember,
)


@dataclass
class MonthTotal:
    period: str
    members: int
    total: Decimal


@dataclass
class FundPage:
    fund: Fund
    members: list[FundMember]
    active: int
    months: list[MonthTotal]
    benefits: list[FundBenefit]
    rates: list[FundBenefitRate]
    kinds: list[FundBenefitKind] = field(default_factory=list)


def members_of(fund: Fund, *, active_only: bool = False) -> QuerySet[FundMember]:
    qs = FundMember.objects.filter(fund=fund).select_related("person")
    return qs.filter(left_on__isnull=True) if active_only else qs


def contributions_by_month(fund: Fund, limit: int = 24) -> list[MonthTotal]:
    rows = (FundContribution.objects.filter(fund=fund).order_by().values("period")
            .annotate(n=Count("id"), total=Sum("amount")).order_by("-period")[:limit])
    return [MonthTotal(r["period"], r["n"], r["total"]) for r in rows]


def fund_page(fund: Fund) -> FundPage:
    members = list(members_of(fund))
    return FundPage(
        fund=fund, members=members,
        active=sum(1 for m in members if m.left_on is None),
        months=contributions_by_month(fund),
        benefits=list(FundBenefit.objects.filter(fund=fund)
                      .select_related("member", "member__person", "person", "kind")[:200]),
        rates=list(FundBenefitRate.objects.filter(fund=fund).select_related("kind")),
        kinds=list(FundBenefitKind.objects.all()),
    )


def received_by(person: Any) -> list[FundBenefit]:
    """What a person received from community welfare funds."""
    return list(FundBenefit.objects.filter(person=person)
                .select_related("fund", "kind").order_by("-date", "-id"))


def active_members_in(area_code: str) -> int:
    """Active members of the funds lying in an area (a person in two funds
    of the area counts once; a member not in the registry counts as one)."""
    qs = FundMember.objects.filter(left_on__isnull=True)
    if area_code:
        qs = qs.filter(area_code__startswith=area_code)
    persons = qs.filter(person__isnull=False).values("person_id").distinct().count()
    return persons + qs.filter(person__isnull=True).count()



def period_label(period: str, lang: str | None = None) -> str:
    """``2026-12`` → ``ธ.ค. 2569`` on Thai pages (BE), ``Dec 2026`` otherwise."""
    lang = lang or translation.get_language() or "th"
    try:
        year, month = (int(p) for p in period.split("-"))
        text = format_date(datetime.date(year, month, 1), lang)
    except ValueError:
        return period
    return text.split(" ", 1)[1]
