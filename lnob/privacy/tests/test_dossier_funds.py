"""A person's access file lists their community welfare fund memberships and
what the funds paid them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.networks.services.funds import FundData, fund_create
from lnob.privacy.dossier import dossier
from lnob.registry.services import ConsentData, person_create
from lnob.testing.persons import person_data
from lnob.welfare.funds import services
from lnob.welfare.funds.models import FundBenefitKind

pytestmark = pytest.mark.django_db


def test_the_access_file_lists_fund_memberships_and_benefits(officer: User) -> None:
    person = person_create(actor=officer, data=person_data(), consent=ConsentData(
        status="given", lawful_basis="consent", purposes=["care"]))
    fund = fund_create(actor=officer, data=FundData(name="กองทุนบ้านดอน",
                                                    kind="community_welfare",
                                                    area_code="840503"))
    today = timezone.localdate()
    member = services.member_add(actor=officer, fund=fund, person=person, member_number="7",
                                 joined_on=today - datetime.timedelta(days=9))
    services.contributions_record(actor=officer, fund=fund, period="2026-11", date=today,
                                  amounts={member.pk: "500"})
    services.benefit_pay(actor=officer, fund=fund, member=member,
                         kind=FundBenefitKind.objects.get(code="sickness"), date=today,
                         amount="200")
    data = dossier(person)
    assert [(m["fund__name"], m["member_number"]) for m in data["fund_memberships"]] == [
        ("กองทุนบ้านดอน", "7")]
    assert [(b["kind__name_th"], b["amount"]) for b in data["fund_benefits"]] == [
        ("เจ็บป่วย / นอนโรงพยาบาล", Decimal("200.00"))]
