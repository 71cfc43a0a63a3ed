"""A merge of two records of one person moves their community welfare fund
memberships and benefits to the kept record; the undo puts them back."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.dedup.merge import merge, merge_undo
from lnob.dedup.tests.conftest import ID_A_TYPO
from lnob.networks.services.funds import FundData, fund_create
from lnob.registry.models import Person
from lnob.welfare.funds import services
from lnob.welfare.funds.models import FundBenefit, FundBenefitKind, FundMember

pytestmark = pytest.mark.django_db


def test_fund_memberships_follow_a_merge_and_its_undo(
        make_person: Callable[..., Person], officer: User) -> None:
    kept = make_person()
    other = make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO)
    today = timezone.localdate()
    one, two = (fund_create(actor=officer, data=FundData(name=name, kind="community_welfare",
                                                         area_code="840503"))
                for name in ("กองทุนหนึ่ง", "กองทุนสอง"))
    services.member_add(actor=officer, fund=one, person=kept)
    both = services.member_add(actor=officer, fund=one, person=other)
    member = services.member_add(actor=officer, fund=two, person=other,
                                 joined_on=today - datetime.timedelta(days=5))
    services.contributions_record(actor=officer, fund=two, period="2026-11", date=today,
                                  amounts={member.pk: "100"})
    paid = services.benefit_pay(actor=officer, fund=two, member=member, date=today,
                                kind=FundBenefitKind.objects.get(code="birth"), amount="50")
    record = merge(actor=officer, kept=kept, merged=other)
    assert FundMember.objects.get(pk=member.pk).person_id == kept.pk
    assert FundMember.objects.get(pk=both.pk).person_id == other.pk  # one membership a fund
    assert FundBenefit.objects.get(pk=paid.pk).person_id == kept.pk
    merge_undo(actor=officer, record=record)
    assert FundMember.objects.get(pk=member.pk).person_id == other.pk
    assert FundBenefit.objects.get(pk=paid.pk).person_id == other.pk
