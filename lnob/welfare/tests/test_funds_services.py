"""Community welfare funds: members, contributions and benefits paid keep the
fund's balance and member count right, and a payment over the balance
changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lnob.core.errors import NotAllowed, NotFound, Refused
from lnob.core.models import AuditEvent, User
from lnob.networks.models import Fund, FundTransaction
from lnob.networks.services.funds import FundData, fund_update
from lnob.registry.models import Person
from lnob.registry.services import household_start
from lnob.testing import today
from lnob.welfare.funds import services
from lnob.welfare.funds.models import FundBenefit, FundBenefitKind, FundContribution, FundMember

pytestmark = pytest.mark.django_db


def balance_is_sum(fund: Fund) -> Decimal:
    fund.refresh_from_db()
    total = Decimal("0")
    for t in FundTransaction.objects.filter(fund=fund):
        total += t.amount if t.kind == FundTransaction.Kind.CONTRIBUTION else -t.amount
    assert fund.balance == total
    return fund.balance


def test_members_are_counted_on_the_fund(officer: User, fund: Fund, elder: Person) -> None:
    services.member_add(actor=officer, fund=fund, person=elder, member_number="001")
    stranger_member = services.member_add(actor=officer, fund=fund, first_name="มาลี",
                                          last_name="ดีงาม", member_number="002")
    fund.refresh_from_db()
    assert fund.members == 2
    assert stranger_member.person is None and stranger_member.name == "มาลี ดีงาม"
    services.member_leave(actor=officer, member=stranger_member, left_on=today())
    fund.refresh_from_db()
    assert fund.members == 1
    # the count is the list's: the fund's form cannot set another number
    with pytest.raises(ValidationError) as err:
        fund_update(actor=officer, fund=fund,
                    data=FundData(name=fund.name, kind=fund.kind, area_code=fund.area_code,
                                  members=40))
    assert "members" in err.value.message_dict


def test_a_member_is_added_once_and_numbers_are_unique(officer: User, fund: Fund,
                                                       elder: Person) -> None:
    services.member_add(actor=officer, fund=fund, person=elder, member_number="001")
    with pytest.raises(ValidationError) as err:
        services.member_add(actor=officer, fund=fund, person=elder, member_number="009")
    assert "person" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.member_add(actor=officer, fund=fund, first_name="ก", member_number="001")
    assert "member_number" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.member_add(actor=officer, fund=fund, first_name="")
    assert "first_name" in err.value.message_dict
    assert FundMember.objects.count() == 1


def test_a_citizen_id_of_a_registered_person_links_the_member(
        officer: User, fund: Fund, make_person: Callable[..., Person]) -> None:
    person = make_person(citizen_id="1101700230708", no_citizen_id_reason="")
    member = services.member_add(actor=officer, fund=fund, first_name="ชื่ออื่น",
                                 citizen_id="1-1017-00230-70-8")
    assert member.person == person and member.first_name == ""


def test_out_of_area_and_readers_cannot_write(officer: User, other_officer: User,
                                              coordinator: User, fund: Fund,
                                              elder: Person) -> None:
    with pytest.raises(NotFound):
        services.member_add(actor=other_officer, fund=fund, first_name="ก")
    with pytest.raises(NotAllowed):
        services.member_add(actor=coordinator, fund=fund, first_name="ก")
    assert not FundMember.objects.exists()


def test_a_month_of_contributions_is_one_transaction(officer: User, fund: Fund,
                                                     elder: Person) -> None:
    a = services.member_add(actor=officer, fund=fund, person=elder)
    b = services.member_add(actor=officer, fund=fund, first_name="มาลี")
    services.contributions_record(actor=officer, fund=fund, period="2569-11", date=today(),
                                  amounts={a.pk: "30", b.pk: "30.50"})
    assert FundTransaction.objects.filter(fund=fund).count() == 1
    assert balance_is_sum(fund) == Decimal("60.50")
    assert set(FundContribution.objects.values_list("period", flat=True)) == {"2026-11"}
    # the same month again for one member: refused by name, nothing written
    with pytest.raises(ValidationError) as err:
        services.contributions_record(actor=officer, fund=fund, period="2026-11", date=today(),
                                      amounts={a.pk: "30", b.pk: "abc"})
    assert set(err.value.message_dict) == {f"member_{a.pk}", f"member_{b.pk}"}
    assert elder.full_name in err.value.message_dict[f"member_{a.pk}"][0]
    assert FundTransaction.objects.filter(fund=fund).count() == 1
    assert balance_is_sum(fund) == Decimal("60.50")
    with pytest.raises(ValidationError) as err:
        services.contributions_record(actor=officer, fund=fund, period="11/2569", date=today(),
                                      amounts={a.pk: "30"})
    assert "period" in err.value.message_dict


def _funded(officer: User, fund: Fund, person: Person, baht: str) -> FundMember:
    member = services.member_add(actor=officer, fund=fund, person=person,
                                 joined_on=today() - datetime.timedelta(days=30))
    services.contributions_record(actor=officer, fund=fund, period="2026-10",
                                  date=today() - datetime.timedelta(days=1),
                                  amounts={member.pk: baht})
    return member


def test_a_benefit_is_a_disbursement_at_the_funds_rate(officer: User, fund: Fund,
                                                       elder: Person) -> None:
    member = _funded(officer, fund, elder, "1000")
    sickness = FundBenefitKind.objects.get(code="sickness")
    services.rate_set(actor=officer, fund=fund, kind=sickness, amount_baht=300)
    benefit = services.benefit_pay(actor=officer, fund=fund, member=member, kind=sickness,
                                   date=today())
    assert benefit.amount == Decimal("300") and benefit.person == elder
    assert benefit.transaction.kind == FundTransaction.Kind.DISBURSEMENT
    assert elder.full_name not in benefit.transaction.note  # transactions are not personal
    assert balance_is_sum(fund) == Decimal("700")


def test_a_benefit_over_the_balance_changes_nothing(officer: User, fund: Fund,
                                                    elder: Person) -> None:
    member = _funded(officer, fund, elder, "500")
    death = FundBenefitKind.objects.get(code="death")
    events = AuditEvent.objects.count()
    with translation.override("th"), pytest.raises(Refused) as err:
        services.benefit_pay(actor=officer, fund=fund, member=member, kind=death,
                             date=today(), amount="500.01")
    assert err.value.code == "fund_balance_short" and err.value.field == "amount"
    with translation.override("th"):
        thai = err.value.message()
    with translation.override("en"):
        english = err.value.message()
    assert fund.name in thai and "500.00" in thai and thai != english
    assert "500.00" in english and fund.name in english
    assert not FundBenefit.objects.exists()
    assert balance_is_sum(fund) == Decimal("500")
    assert AuditEvent.objects.count() == events


def test_a_benefit_to_someone_of_the_members_household_only(
        officer: User, fund: Fund, make_person: Callable[..., Person]) -> None:
    mother = make_person(first_name="แม่")
    household = household_start(actor=officer, head=mother)
    baby = make_person(first_name="ลูก", household_id=household.pk)
    neighbour = make_person(first_name="เพื่อนบ้าน")
    member = _funded(officer, fund, Person.objects.get(pk=mother.pk), "2000")
    birth = FundBenefitKind.objects.get(code="birth")
    with pytest.raises(ValidationError) as err:
        services.benefit_pay(actor=officer, fund=fund, member=member, kind=birth, date=today(),
                             amount="500", person=neighbour)
    assert "person" in err.value.message_dict
    paid = services.benefit_pay(actor=officer, fund=fund, member=member, kind=birth,
                                date=today(), amount="500", person=baby)
    assert paid.person == baby and paid.member == member


def test_five_k_counts_active_members_once_per_person(
        client: Any, officer: User, fund: Fund, elder: Person) -> None:
    from django.core.management import call_command

    from lnob.networks.services.funds import fund_create
    from lnob.welfare.funds.selectors import active_members_in

    second = fund_create(actor=officer, data=FundData(name="กลุ่มออมทรัพย์", kind="savings_group",
                                                      area_code="840503"))
    services.member_add(actor=officer, fund=fund, person=elder)
    services.member_add(actor=officer, fund=second, person=elder)
    gone = services.member_add(actor=officer, fund=fund, first_name="มาลี")
    services.member_add(actor=officer, fund=fund, first_name="สุดา")
    services.member_leave(actor=officer, member=gone, left_on=today())
    assert active_members_in("840503") == 2  # the elder once, สุดา
    assert active_members_in("81") == 0
    call_command("rollup", "--full", stdout=StringIO())
    client.force_login(officer)
    page = client.get("/coverage/84/").content.decode()
    assert "data-fund-members>2<" in page.replace(" ", "")
