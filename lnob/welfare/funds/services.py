"""Writes to a community welfare fund's members, contributions and benefits.

Each runs in one transaction with one audit row of its own; the money moves
through ``networks.services.funds.fund_transaction_record`` (which keeps the
fund's balance equal to the sum of its transactions and writes the fund's own
audit row), and the member count through ``fund_members_count_set``. The fund
row is locked first (``select_for_update``), so two payments never read the
same balance: on PostgreSQL the second waits for the first to commit."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.core import audit
from lnob.core.errors import NotFound, Refused
from lnob.core.models import AuditAction, User
from lnob.core.thaidates import to_arabic_digits
from lnob.networks import validation as check
from lnob.networks.models import Fund, FundTransaction
from lnob.networks.services.funds import fund_members_count_set, fund_transaction_record
from lnob.registry.models import Person
from lnob.welfare.access import persons_for_welfare
from lnob.welfare.funds.access import require_fund_editor
from lnob.welfare.funds.models import (
    FundBenefit,
    FundBenefitKind,
    FundBenefitRate,
    FundContribution,
    FundMember,
)
from lnob.welfare.funds.selectors import period_label

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def active_members(fund: Fund) -> int:
    return FundMember.objects.filter(fund=fund, left_on__isnull=True).count()


def _recount(fund: Fund) -> int:
    n = active_members(fund)
    fund_members_count_set(fund=fund, members=n)
    return n


def _day(errors: dict[str, str], field: str, value: datetime.date | None,
         *, required: bool = True) -> datetime.date | None:
    if value is None:
        if required:
            errors[field] = _("Give the date.")
        return None
    if value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    return value


def _citizen_id(errors: dict[str, str], value: str) -> str:
    """13 digits; a failing check digit is kept (imperfect data is kept)."""
    digits = re.sub(r"[\s-]", "", to_arabic_digits(value or ""))
    if digits and (len(digits) != 13 or not digits.isascii() or not digits.isdigit()):
        errors["citizen_id"] = _("Citizen ID: 13 digits, or leave it empty.")
    return digits


@transaction.atomic
def member_add(*, actor: User, fund: Fund, person: Person | None = None, title: str = "",
               first_name: str = "", last_name: str = "", citizen_id: str = "",
               birth_date: datetime.date | None = None, member_number: str = "",
               joined_on: datetime.date | None = None,
               request: HttpRequest | None = None) -> FundMember:
    """A member of the fund: a person of the registry, or (not registered) a
    name kept on the member row. A citizen ID held by exactly one person of
    the user's areas links the member to that person."""
    require_fund_editor(actor, fund)
    fund = _locked(fund)
    errors: dict[str, str] = {}
    joined_on = _day(errors, "joined_on", joined_on or timezone.localdate())
    member_number = check.text(errors, "member_number", member_number, max_length=30)
    fields: dict[str, Any] = {}
    if person is None:
        citizen_id = _citizen_id(errors, citizen_id)
        if citizen_id and "citizen_id" not in errors:
            found = list(persons_for_welfare(actor).filter(citizen_id=citizen_id)[:2])
            if len(found) == 1:
                person = found[0]
        if person is None:
            fields = {
                "title": check.text(errors, "title", title, max_length=40),
                "first_name": check.text(errors, "first_name", first_name, max_length=100,
                                         required_message=_("Give the member's first name.")),
                "last_name": check.text(errors, "last_name", last_name, max_length=100),
                "citizen_id": citizen_id,
                "birth_date": _day(errors, "birth_date", birth_date, required=False),
            }
    if person is not None:
        if not persons_for_welfare(actor).filter(pk=person.pk).exists():
            raise NotFound(field="person")
        if FundMember.objects.filter(fund=fund, person=person, left_on__isnull=True).exists():
            errors["person"] = _("%(name)s is already a member of this fund.") % {
                "name": person.full_name}
    if member_number and FundMember.objects.filter(fund=fund,
                                                   member_number=member_number).exists():
        errors["member_number"] = _("Member number %(number)s is already used in this "
                                    "fund.") % {"number": member_number}
    if errors or joined_on is None:
        raise ValidationError(errors)
    member = FundMember.objects.create(
        fund=fund, person=person, member_number=member_number, joined_on=joined_on,
        province_code=fund.province_code, area_code=fund.area_code, created_by=actor,
        **fields)
    count = _recount(fund)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=member,
                 area_code=fund.area_code,
                 detail={"fund": fund.pk, "person": person.pk if person else None,
                         "members": count})
    return member


@transaction.atomic
def member_leave(*, actor: User, member: FundMember, left_on: datetime.date | None,
                 request: HttpRequest | None = None) -> FundMember:
    fund = member.fund
    require_fund_editor(actor, fund)
    fund = _locked(fund)
    member = FundMember.objects.get(pk=member.pk)
    errors: dict[str, str] = {}
    day = _day(errors, "left_on", left_on)
    if member.left_on is not None:
        errors["left_on"] = _("This member has already left the fund.")
    elif day is not None and day < member.joined_on:
        errors["left_on"] = _("The member cannot leave before joining.")
    if errors:
        raise ValidationError(errors)
    member.left_on = day
    member.save(update_fields=["left_on"])
    count = _recount(fund)
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=member,
                 area_code=fund.area_code,
                 detail={"fund": fund.pk, "left_on": str(day), "members": count})
    return member


def parse_period(text: str) -> str | None:
    """``2026-11`` (CE) or ``2569-11`` (BE) → ``2026-11``; None if unreadable."""
    match = PERIOD.match(to_arabic_digits((text or "").strip()))
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if year >= 2400:
        year -= 543
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return f"{year:04d}-{month:02d}"


@transaction.atomic
def contributions_record(*, actor: User, fund: Fund, period: str, date: datetime.date | None,
                         amounts: Mapping[int, Any],
                         request: HttpRequest | None = None) -> list[FundContribution]:
    """The contributions of a period (a month) for one or many members, as ONE
    contribution transaction of the fund. ``amounts``: member id → baht; empty
    values are skipped. Any problem changes nothing, each named by its member."""
    require_fund_editor(actor, fund)
    fund = _locked(fund)
    errors: dict[str, str] = {}
    month = parse_period(period)
    if month is None:
        errors["period"] = _("Period: a month as YYYY-MM, e.g. 2569-11 (BE) or 2026-11.")
    day = _day(errors, "date", date)
    members = {m.pk: m for m in FundMember.objects.filter(fund=fund, pk__in=list(amounts))}
    paid = set(FundContribution.objects.filter(member__in=list(members), period=month or "")
               .values_list("member_id", flat=True))
    rows: list[tuple[FundMember, Decimal]] = []
    for member_id, raw in amounts.items():
        if raw in (None, ""):
            continue
        field = f"member_{member_id}"
        member = members.get(member_id)
        if member is None:
            errors[field] = _("Member %(id)s is not a member of this fund.") % {"id": member_id}
            continue
        value = check.money(errors, field, raw)
        if field in errors:
            errors[field] = f"{member.name}: {errors[field]}"
        elif member_id in paid:
            errors[field] = _("%(name)s: a contribution for %(period)s is already "
                              "recorded.") % {"name": member.name,
                                              "period": period_label(month or "")}
        elif day is not None and day < member.joined_on:
            errors[field] = _("%(name)s joined the fund after this date.") % {
                "name": member.name}
        else:
            rows.append((member, value))
    if not rows and not errors:
        errors["amounts"] = _("Enter the amount of at least one member.")
    if errors or day is None or month is None:
        raise ValidationError(errors)
    total = sum((value for _member, value in rows), Decimal("0"))
    entry = fund_transaction_record(
        actor=actor, fund=fund, date=day, kind=FundTransaction.Kind.CONTRIBUTION, amount=total,
        note=_("Members' contributions for %(period)s (%(n)s members)") % {
            "period": period_label(month), "n": len(rows)}, request=request)
    made = FundContribution.objects.bulk_create([
        FundContribution(fund=fund, member=member, period=month, date=day, amount=value,
                         transaction=entry, recorded_by=actor) for member, value in rows])
    audit.record(AuditAction.CREATE, actor=actor, request=request,
                 object_type="welfare.fundcontribution", object_id=str(entry.pk),
                 area_code=fund.area_code,
                 detail={"fund": fund.pk, "period": month, "members": len(rows),
                         "total": str(total), "transaction": entry.pk})
    return made


@transaction.atomic
def rate_set(*, actor: User, fund: Fund, kind: FundBenefitKind, amount_baht: int,
             note: str = "", request: HttpRequest | None = None) -> FundBenefitRate:
    """The fund's own rule: what it pays for a kind of benefit."""
    require_fund_editor(actor, fund)
    errors: dict[str, str] = {}
    if amount_baht is None or amount_baht < 0 or amount_baht > 10_000_000:
        errors["amount_baht"] = _("Amount: whole baht from 0 to 10,000,000.")
    note = check.text(errors, "note", note, max_length=255)
    if errors:
        raise ValidationError(errors)
    rate, created = FundBenefitRate.objects.update_or_create(
        fund=fund, kind=kind, defaults={"amount_baht": amount_baht, "note": note,
                                        "updated_at": timezone.now(), "updated_by": actor})
    audit.record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=actor,
                 request=request, obj=rate, area_code=fund.area_code,
                 detail={"fund": fund.pk, "kind": kind.code, "amount_baht": amount_baht})
    return rate


BALANCE_SHORT = gettext_lazy(
    "The fund %(fund)s holds %(balance)s baht: it cannot pay %(amount)s baht. "
    "Record the members' contributions first, or pay less.")


@transaction.atomic
def benefit_pay(*, actor: User, fund: Fund, member: FundMember, kind: FundBenefitKind,
                date: datetime.date | None, amount: Any = None, person: Person | None = None,
                note: str = "", request: HttpRequest | None = None) -> FundBenefit:
    """A benefit paid by the fund to a member, or to a person of the member's
    household, as one disbursement. The fund's balance never goes below zero:
    a payment larger than it is refused and changes nothing."""
    require_fund_editor(actor, fund)
    fund = _locked(fund)
    errors: dict[str, str] = {}
    day = _day(errors, "date", date)
    if member.fund_id != fund.pk:
        raise NotFound(field="member")
    member = FundMember.objects.select_related("person").get(pk=member.pk)
    if day is not None and day < member.joined_on:
        errors["date"] = _("%(name)s joined the fund after this date.") % {"name": member.name}
    recipient = person or member.person
    if person is not None and person.pk != member.person_id:
        household = member.person.household_id if member.person is not None else None
        if household is None or person.household_id != household:
            errors["person"] = _("The benefit goes to the member or to a person of the "
                                 "member's household.")
    if amount in (None, ""):
        rate = FundBenefitRate.objects.filter(fund=fund, kind=kind).first()
        if rate is None or rate.amount_baht == 0:
            errors["amount"] = _("Give the amount: the fund has no rate for %(kind)s.") % {
                "kind": kind.name_th}
            value = Decimal("0")
        else:
            value = Decimal(rate.amount_baht)
    else:
        value = check.money(errors, "amount", amount)
    note = check.text(errors, "note", note, max_length=255)
    if errors or day is None:
        raise ValidationError(errors)
    if value > fund.balance:
        raise Refused("fund_balance_short", BALANCE_SHORT, field="amount", fund=fund.name,
                      balance=f"{fund.balance:,.2f}", amount=f"{value:,.2f}")
    entry = fund_transaction_record(
        actor=actor, fund=fund, date=day, kind=FundTransaction.Kind.DISBURSEMENT, amount=value,
        # No name here: the fund's transactions are shown to every role of the area.
        note=_("Benefit paid: %(kind)s, member %(number)s") % {
            "kind": kind.name_th, "number": member.member_number or f"#{member.pk}"},
        request=request)
    benefit = FundBenefit.objects.create(
        fund=fund, member=member, person=recipient, kind=kind, date=day, amount=value,
        note=note, transaction=entry, province_code=fund.province_code,
        area_code=fund.area_code, recorded_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=benefit,
                 area_code=fund.area_code,
                 detail={"fund": fund.pk, "member": member.pk, "kind": kind.code,
                         "amount": str(value), "person": recipient.pk if recipient else None,
                         "transaction": entry.pk})
    return benefit


@dataclass
class MemberRow:
    """One member of a fund's list, already read and checked by the import."""

    row: int
    person_id: int | None = None
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    citizen_id: str = ""
    birth_date: datetime.date | None = None
    member_number: str = ""
    joined_on: datetime.date | None = None
    left_on: datetime.date | None = None


@transaction.atomic
def members_import(*, actor: User, fund: Fund, rows: list[MemberRow], file_name: str,
                   request: HttpRequest | None = None) -> int:
    """A fund's member list in: every row a member, in one transaction with one
    audit row; the member count set once. A row whose member number (or
    person) is already a member of the fund is left as it is. Any row in
    error raises ``ValidationError`` keyed ``row <n>`` and writes nothing."""
    require_fund_editor(actor, fund)
    fund = _locked(fund)
    visible = set(persons_for_welfare(actor).filter(
        pk__in=[r.person_id for r in rows if r.person_id]).values_list("pk", flat=True))
    numbers = set(FundMember.objects.filter(fund=fund).exclude(member_number="")
                  .values_list("member_number", flat=True))
    persons = set(FundMember.objects.filter(fund=fund, left_on__isnull=True,
                                            person__isnull=False)
                  .values_list("person_id", flat=True))
    errors: dict[str, str] = {}
    new: list[FundMember] = []
    today = timezone.localdate()
    for r in rows:
        if r.person_id is not None and r.person_id not in visible:
            errors[f"row {r.row}"] = _("Person %(id)s is not in your areas.") % {"id": r.person_id}
            continue
        if (r.member_number and r.member_number in numbers) or (
                r.person_id is not None and r.person_id in persons):
            continue  # already a member: kept as it is
        if r.member_number:
            numbers.add(r.member_number)
        if r.person_id is not None:
            persons.add(r.person_id)
        new.append(FundMember(
            fund=fund, person_id=r.person_id, member_number=r.member_number,
            joined_on=r.joined_on or today, left_on=r.left_on,
            province_code=fund.province_code, area_code=fund.area_code, created_by=actor,
            **({} if r.person_id else {"title": r.title, "first_name": r.first_name,
                                       "last_name": r.last_name, "citizen_id": r.citizen_id,
                                       "birth_date": r.birth_date})))
    if errors:
        raise ValidationError(errors)
    FundMember.objects.bulk_create(new, batch_size=1000)
    count = _recount(fund)
    audit.record(AuditAction.CREATE, actor=actor, request=request,
                 object_type="welfare.fund_member_list", object_id=str(fund.pk),
                 area_code=fund.area_code,
                 detail={"fund": fund.pk, "file": file_name[:200], "added": len(new),
                         "rows": len(rows), "members": count})
    return len(new)


def fund_people_reassign(*, kept_id: int, merged_id: int) -> dict[str, list[int]]:
    """Two records of one person merged (``dedup.merge``): the fund memberships
    and benefits of the merged record go to the kept one. A membership of a
    fund the kept record is already an active member of stays where it is (one
    person, one membership a fund). Returns what moved, for an undo."""
    shared = FundMember.objects.filter(person_id=kept_id, left_on__isnull=True).values("fund_id")
    members = list(FundMember.objects.filter(person_id=merged_id).exclude(
        left_on__isnull=True, fund_id__in=shared).values_list("pk", flat=True))
    FundMember.objects.filter(pk__in=members).update(person_id=kept_id)
    benefits = list(FundBenefit.objects.filter(person_id=merged_id).values_list("pk", flat=True))
    FundBenefit.objects.filter(pk__in=benefits).update(person_id=kept_id)
    return {"members": members, "benefits": benefits}


def fund_people_restore(*, moved: Mapping[str, list[int]], merged_id: int) -> None:
    """Undoes :func:`fund_people_reassign`."""
    FundMember.objects.filter(pk__in=moved.get("members", [])).update(person_id=merged_id)
    FundBenefit.objects.filter(pk__in=moved.get("benefits", [])).update(person_id=merged_id)
