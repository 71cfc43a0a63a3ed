"""Who may see a fund's members and what they received (personal data): the
area's provincial officers, network coordinators and system administrators,
as for a person's welfare. Who may record members, contributions and
benefits: the fund's editors (``networks.access.can_change_fund``: the
provincial office and administrators), since every one is a transaction of
the fund. Outside the user's areas the answer is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lnob.core.access import area_q, grants_of
from lnob.core.errors import NotAllowed, NotFound
from lnob.networks.access import can_change_fund
from lnob.networks.models import Fund
from lnob.welfare.access import READERS
from lnob.welfare.funds.models import FundMember


def funds_for_welfare(user: Any) -> QuerySet[Fund]:
    return Fund.objects.filter(area_q(user, "area_code", READERS))


def fund_for(user: Any, pk: int) -> Fund:
    """The fund whose members the user may read; NotFound otherwise."""
    fund = funds_for_welfare(user).filter(pk=pk).select_related("network").first()
    if fund is None:
        raise NotFound
    return fund


def member_for(user: Any, pk: int) -> FundMember:
    member = FundMember.objects.filter(area_q(user, "area_code", READERS), pk=pk).select_related(
        "fund", "person").first()
    if member is None:
        raise NotFound
    return member


def require_reader(user: Any) -> None:
    if not grants_of(user, READERS):
        raise NotAllowed


def require_fund_editor(user: Any, fund: Fund) -> None:
    """NotFound outside the user's areas, NotAllowed for a reader who may not
    record the fund's transactions."""
    if not funds_for_welfare(user).filter(pk=fund.pk).exists() \
            and not can_change_fund(user, fund):
        raise NotFound
    if not can_change_fund(user, fund):
        raise NotAllowed("not_editor", _("Your role does not allow changing this fund."))


def can_edit(user: Any, fund: Fund) -> bool:
    return can_change_fund(user, fund)

