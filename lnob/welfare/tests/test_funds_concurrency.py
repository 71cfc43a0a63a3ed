"""Benefits paid at the same moment on PostgreSQL, one connection each: the
fund row is locked, so the balance never goes below zero and exactly as many
payments succeed as the balance allows."""

from __future__ import annotations

import datetime
import importlib
import os
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps

from lnob.core.errors import Refused
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.models import Fund, FundTransaction
from lnob.networks.services.funds import FundData, fund_create
from lnob.testing import in_parallel, reload_migration_data, today
from lnob.welfare.funds import services
from lnob.welfare.funds.models import FundBenefit, FundBenefitKind

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="concurrent connections: PostgreSQL (the SQLite test database is one connection)")


@pytest.mark.django_db(transaction=True)
def test_concurrent_benefits_never_take_the_balance_below_zero(
        make_user: Callable[..., User]) -> None:
    reload_migration_data()
    importlib.import_module("lnob.welfare.migrations.0004_seed_fund_benefit_kinds").seed(
        apps, None)
    officer = make_user("officer84", Role.PROVINCIAL_OFFICER, "84")
    fund = fund_create(actor=officer, data=FundData(name="กองทุนทดสอบ",
                                                    kind="community_welfare",
                                                    area_code="840503"))
    members = [services.member_add(actor=officer, fund=fund, first_name=f"สมาชิก{i}",
                                   joined_on=today() - datetime.timedelta(days=10))
               for i in range(8)]
    services.contributions_record(actor=officer, fund=fund, period="2026-11", date=today(),
                                  amounts={members[0].pk: "1000"})
    sickness = FundBenefitKind.objects.get(code="sickness")

    def pay(member: object) -> FundBenefit:
        return services.benefit_pay(actor=officer, fund=Fund.objects.get(pk=fund.pk),
                                    member=member, kind=sickness, date=today(),  # type: ignore[arg-type]
                                    amount="300")

    results = in_parallel(pay, members)
    paid = [r for r in results if isinstance(r, FundBenefit)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert (len(paid), len(refused)) == (3, 5), results
    fund.refresh_from_db()
    assert fund.balance == Decimal("100.00")
    out = sum(t.amount for t in FundTransaction.objects.filter(
        fund=fund, kind=FundTransaction.Kind.DISBURSEMENT))
    assert out == Decimal("900") and FundBenefit.objects.count() == 3
