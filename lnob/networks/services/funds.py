"""Writes to funds (กองทุน): the fund itself, and the dated contributions and
disbursements whose sum is its balance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.core.thaidates import format_date
from lnob.networks import access
from lnob.networks import validation as check
from lnob.networks.models import (
    Fund,
    FundKind,
    FundTransaction,
    Network,
)
from lnob.networks.selectors import balance_history
from lnob.networks.services._shared import (
    changed,
    raise_if,
    require_editor_area,
    subdistricts_in,
)

MAX_FUND_MEMBERS = 10_000_000


@dataclass
class FundData:
    name: str
    kind: str
    area_code: str
    network: int | None = None
    members: int = 0

    @classmethod
    def of(cls, f: Fund) -> FundData:
        return cls(name=f.name, kind=f.kind, area_code=f.area_code, network=f.network_id,
                   members=f.members)


def _clean_fund(actor: User, data: FundData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {
        "name": check.text(errors, "name", data.name, max_length=200,
                           required_message=_("Give the fund's name.")),
        "kind": check.choice(errors, "kind", data.kind, FundKind.choices,
                             _("Choose the kind of fund.")),
        "area_code": check.area(errors, "area_code", data.area_code),
        "members": check.count(errors, "members", data.members, maximum=MAX_FUND_MEMBERS,
                               negative_message=_("The number of members cannot be "
                                                  "negative.")),
    }
    fields["province_code"] = fields["area_code"][:2]
    require_editor_area(actor, fields["area_code"], errors)
    network = None
    if data.network is not None:
        network = Network.objects.filter(pk=data.network).first()
        if network is None:
            errors["network"] = _("Unknown network.")
        elif network.province_code != fields["province_code"]:
            errors["network"] = _("The network %(name)s is in another province: choose a "
                                  "network of the fund's province.") % {"name": network.name}
    fields["network"] = network
    raise_if(errors)
    return fields


@transaction.atomic
def fund_create(*, actor: User, data: FundData, request: HttpRequest | None = None) -> Fund:
    fund = Fund(**_clean_fund(actor, data))
    fund.full_clean()
    fund.save()
    areas_changed.send(sender=Fund, codes=subdistricts_in(fund.area_code))
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=fund,
                 area_code=fund.area_code, detail={"name": fund.name, "kind": fund.kind})
    return fund


@transaction.atomic
def fund_update(*, actor: User, fund: Fund, data: FundData,
                request: HttpRequest | None = None) -> Fund:
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if not access.can_change_fund(actor, fund):
        raise NotAllowed("not_editor", _("Your role does not allow changing this fund."))
    before = dict(FundData.of(fund).__dict__)
    if data.members != fund.members and _keeps_member_list(fund):
        raise ValidationError({"members": _(
            "This fund keeps a list of its members: the number is counted from it.")})
    for name, value in _clean_fund(actor, data).items():
        setattr(fund, name, value)
    fund.full_clean()
    fund.save()
    if fund.area_code != before["area_code"]:
        areas_changed.send(sender=Fund, codes=subdistricts_in(before["area_code"])
                           | subdistricts_in(fund.area_code))
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=fund,
                 area_code=fund.area_code,
                 detail={"changed": changed(before, FundData.of(fund).__dict__)})
    return fund


def _keeps_member_list(fund: Fund) -> bool:
    # The member list lives in welfare (layer 4), reached by its reverse relation.
    return Fund.objects.filter(pk=fund.pk, welfare_members__isnull=False).exists()


@transaction.atomic
def fund_members_count_set(*, fund: Fund, members: int) -> Fund:
    """The number of members of a fund that keeps a member list, set by the
    list's services (``welfare.funds.services``) inside their own transaction
    and audit row, from the rows they just wrote: never typed by hand."""
    if members < 0 or members > MAX_FUND_MEMBERS:
        raise ValidationError({"members": _("The number of members is out of range.")})
    Fund.objects.filter(pk=fund.pk).update(members=members)
    fund.members = members
    return fund


def _available_on(fund: Fund, day: datetime.date) -> Decimal:
    """How much a disbursement dated ``day`` may take: the balance on that day,
    and no more than any later balance, so no day of the history goes below zero."""
    if not fund.transactions.filter(date__gt=day).exists():
        # Nothing dated later (the usual case): the balance that day is today's,
        # without reading the whole history (benchmarks/funds.py).
        return fund.balance
    lines = balance_history(fund)
    on_day = Decimal("0")
    later: list[Decimal] = []
    for line in lines:
        if line.transaction.date <= day:
            on_day = line.balance
        else:
            later.append(line.balance)
    return min([on_day, *later])


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@transaction.atomic
def fund_transaction_record(*, actor: User, fund: Fund, date: datetime.date | None, kind: str,
                            amount: Any, note: str = "",
                            request: HttpRequest | None = None) -> FundTransaction:
    """A dated contribution or disbursement. The fund's balance stays the sum
    of its transactions; a disbursement larger than the balance is refused."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)  # one writer at a time
    if not access.can_change_fund(actor, fund):
        raise NotAllowed("not_editor", _("Your role does not allow changing this fund."))
    errors: dict[str, str] = {}
    check.choice(errors, "kind", kind, FundTransaction.Kind.choices,
                 _("Choose contribution or disbursement."))
    value = check.money(errors, "amount", amount)
    note = check.text(errors, "note", note, max_length=255)
    if date is None:
        errors["date"] = _("Give the date of the transaction.")
    elif date > timezone.localdate():
        errors["date"] = _("The date cannot be in the future.")
    if not errors and date is not None and kind == FundTransaction.Kind.DISBURSEMENT:
        available = _available_on(fund, date)
        if value > available:
            errors["amount"] = _("The fund held %(available)s baht on %(date)s (or less later): "
                                 "a disbursement cannot be larger than the balance.") % {
                "available": _money(available),
                "date": format_date(date, translation.get_language() or "th")}
    if errors or date is None:
        raise ValidationError(errors)
    entry = FundTransaction.objects.create(fund=fund, date=date, kind=kind, amount=value,
                                           note=note, recorded_by=actor)
    sums = {row["kind"]: row["total"] for row in
            fund.transactions.values("kind").annotate(total=Sum("amount"))}
    fund.balance = (sums.get(FundTransaction.Kind.CONTRIBUTION, Decimal("0"))
                    - sums.get(FundTransaction.Kind.DISBURSEMENT, Decimal("0"))
                    ).quantize(Decimal("0.01"))
    fund.save(update_fields=["balance"])
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=fund,
                 area_code=fund.area_code,
                 detail={"transaction": entry.pk, "kind": kind, "amount": str(value),
                         "date": date.isoformat(), "balance": str(fund.balance)})
    return entry
