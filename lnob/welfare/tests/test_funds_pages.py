"""Pages of community welfare funds: the access trio on every page, a month's
contributions in one form, a payment over the balance refused under its
field, the person's page showing what a fund paid, the audited export."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from lnob.core.models import AuditAction, AuditEvent, User
from lnob.networks.models import Fund
from lnob.registry.models import Person
from lnob.testing import today
from lnob.welfare.funds import services
from lnob.welfare.funds.models import FundBenefit, FundBenefitKind, FundMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(officer: User, fund: Fund, elder: Person) -> FundMember:
    return services.member_add(actor=officer, fund=fund, person=elder, member_number="001",
                               joined_on=today() - datetime.timedelta(days=30))


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def test_fund_pages_trio(client: Client, officer: User, coordinator: User,
                         other_officer: User, stranger: User, volunteer: User, fund: Fund,
                         member: FundMember) -> None:
    urls = [f"/welfare/funds/{fund.pk}/", f"/welfare/funds/{fund.pk}/contributions/",
            f"/welfare/funds/{fund.pk}/members.csv"]
    for url in urls:
        ok = as_user(client, officer).get(url)
        assert ok.status_code == 200, url
        assert as_user(client, coordinator).get(url).status_code == 200, url
        assert as_user(client, other_officer).get(url).status_code == 404, url
        assert as_user(client, stranger).get(url).status_code == 403, url
        assert as_user(client, volunteer).get(url).status_code == 403, url
    page = as_user(client, officer).get(f"/welfare/funds/{fund.pk}/").content.decode()
    assert member.name in page
    assert f'<option value="{member.pk}">001 {member.name}</option>' in page  # pay a benefit
    listing = as_user(client, officer).get("/welfare/funds/").content.decode()
    assert fund.name in listing
    assert fund.name not in as_user(client, other_officer).get("/welfare/funds/").content.decode()
    assert as_user(client, stranger).get("/welfare/funds/").status_code == 403


def test_viewing_members_is_audited(client: Client, officer: User, fund: Fund,
                                    member: FundMember) -> None:
    as_user(client, officer).get(f"/welfare/funds/{fund.pk}/")
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).latest("pk")
    assert event.detail["page"] == "fund_members" and event.detail["members"] == [member.pk]
    response = client.get(f"/welfare/funds/{fund.pk}/members.xlsx")
    assert response.status_code == 200
    b"".join(response.streaming_content if response.streaming  # type: ignore[attr-defined]
             else [response.content])
    exports = AuditEvent.objects.filter(object_type="welfare.fund_members")
    assert exports.filter(action=AuditAction.EXPORT).get().detail["count"] == 1


def test_write_pages_trio(client: Client, officer: User, coordinator: User,
                          other_officer: User, stranger: User, fund: Fund,
                          member: FundMember) -> None:
    add = f"/welfare/funds/{fund.pk}/members/"
    body = {"first_name": "มาลี", "last_name": "ดีงาม", "member_number": "002"}
    assert as_user(client, other_officer).post(add, body).status_code == 404
    assert as_user(client, stranger).post(add, body).status_code == 403
    assert as_user(client, coordinator).post(add, body).status_code == 403
    assert as_user(client, officer).post(add, body).status_code == 302
    fund.refresh_from_db()
    assert fund.members == 2

    rate = f"/welfare/funds/{fund.pk}/rates/"
    sickness = FundBenefitKind.objects.get(code="sickness")
    body = {"kind": str(sickness.pk), "amount_baht": "400"}
    assert as_user(client, other_officer).post(rate, body).status_code == 404
    assert as_user(client, stranger).post(rate, body).status_code == 403
    assert as_user(client, officer).post(rate, body).status_code == 302

    leave = f"/welfare/funds/members/{member.pk}/leave/"
    assert as_user(client, other_officer).post(leave, {"left_on": "1/12/2569"}).status_code \
        == 404
    assert as_user(client, stranger).post(leave, {"left_on": "1/12/2569"}).status_code == 403
    assert as_user(client, coordinator).post(leave, {"left_on": "1/12/2569"}).status_code \
        == 403
    today_be = today().strftime("%d/%m/") + str(today().year + 543)
    assert as_user(client, officer).post(leave, {"left_on": today_be}).status_code == 302
    fund.refresh_from_db()
    assert fund.members == 1
    again = as_user(client, officer).post(leave, {"left_on": today_be})
    assert again.status_code == 400


def test_a_months_contributions_then_a_benefit(client: Client, officer: User,
                                               other_officer: User, stranger: User,
                                               fund: Fund, member: FundMember,
                                               elder: Person) -> None:
    url = f"/welfare/funds/{fund.pk}/contributions/"
    body = {"period": "2569-11", "date": today().strftime("%d/%m/") + str(today().year + 543),
            f"member_{member.pk}": "100"}
    assert as_user(client, other_officer).post(url, body).status_code == 404
    assert as_user(client, stranger).post(url, body).status_code == 403
    assert as_user(client, officer).post(url, body).status_code == 302
    fund.refresh_from_db()
    assert fund.balance == Decimal("100")
    again = as_user(client, officer).post(url, body)
    assert again.status_code == 400 and member.name in again.content.decode()

    pay = f"/welfare/funds/{fund.pk}/benefits/"
    death = FundBenefitKind.objects.get(code="death")
    body = {"member": str(member.pk), "kind": str(death.pk), "amount": "150",
            "date": body["date"]}
    assert as_user(client, other_officer).post(pay, body).status_code == 404
    assert as_user(client, stranger).post(pay, body).status_code == 403
    refused = as_user(client, officer).post(pay, body)
    assert refused.status_code == 422
    assert fund.name in refused.content.decode() and "100.00" in refused.content.decode()
    assert not FundBenefit.objects.exists()
    body["amount"] = "80"
    assert as_user(client, officer).post(pay, body).status_code == 302
    fund.refresh_from_db()
    assert fund.balance == Decimal("20")
    person_page = as_user(client, officer).get(f"/persons/{elder.pk}/").content.decode()
    assert "data-welfare=\"community\"" in person_page and fund.name in person_page
