"""The care-capacity pages: search, filters, paging, forms, empty states and
tables that work on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.networks.models import Committee, Fund, Network, PartnerType, Volunteer
from lnob.networks.views.common import PAGE_SIZE
from lnob.registry.taxonomy import Need
from lnob.testing.factories import (
    BAN_TAI,
    KO_TAO,
    CommitteeFactory,
    CommitteeMemberFactory,
    FundFactory,
    NetworkFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def names_in(html: str) -> list[str]:
    return re.findall(r'<a href="/capacity/networks/\d+/">([^<]+)</a>', html)


def test_search_finds_a_network_from_part_of_its_thai_name(client: Client,
                                                           officer: User) -> None:
    NetworkFactory.create(name="กลุ่มออมทรัพย์เพื่อการผลิตบ้านแม่หาด", subdistricts=[KO_TAO])
    NetworkFactory.create(name="ชมรมผู้สูงอายุเกาะเต่า", subdistricts=[KO_TAO])
    client.force_login(officer)
    html = client.get("/capacity/networks/", {"q": "ออมทรัพย์"}).content.decode()
    assert names_in(html) == ["กลุ่มออมทรัพย์เพื่อการผลิตบ้านแม่หาด"]
    html = client.get("/capacity/networks/", {"q": "ผู้สูงอายุ  เต่า"}).content.decode()
    assert names_in(html) == ["ชมรมผู้สูงอายุเกาะเต่า"]


def test_networks_are_filtered_by_area_partner_type_lead_need_and_active(
        client: Client, officer: User, health: Need) -> None:
    NetworkFactory.create(name="แม่ข่ายเกาะเต่า", is_lead=True, subdistricts=[KO_TAO], needs=[health],
                   partner_type=PartnerType.CIVIL_SOCIETY)
    NetworkFactory.create(name="อสม.บ้านใต้", subdistricts=[BAN_TAI], partner_type=PartnerType.HEALTH)
    NetworkFactory.create(name="กลุ่มที่เลิกแล้ว", subdistricts=[BAN_TAI], active=False)
    client.force_login(officer)

    def listed(**params: str) -> list[str]:
        return sorted(names_in(client.get("/capacity/networks/", params).content.decode()))

    assert listed(area=KO_TAO) == ["แม่ข่ายเกาะเต่า"]
    assert listed(area="8405") == ["กลุ่มที่เลิกแล้ว", "อสม.บ้านใต้", "แม่ข่ายเกาะเต่า"]
    assert listed(partner_type="health") == ["อสม.บ้านใต้"]
    assert listed(lead="yes") == ["แม่ข่ายเกาะเต่า"]
    assert listed(lead="no", active="yes") == ["อสม.บ้านใต้"]
    assert listed(need=str(health.pk)) == ["แม่ข่ายเกาะเต่า"]
    assert listed(active="no") == ["กลุ่มที่เลิกแล้ว"]


def test_the_list_is_paginated(client: Client, officer: User) -> None:
    for i in range(PAGE_SIZE + 3):
        NetworkFactory.create(name=f"เครือข่าย {i:03d}", subdistricts=[KO_TAO])
    client.force_login(officer)
    first = names_in(client.get("/capacity/networks/").content.decode())
    second = client.get("/capacity/networks/", {"page": "2"}).content.decode()
    assert len(first) == PAGE_SIZE and len(names_in(second)) == 3
    assert not set(first) & set(names_in(second))
    assert "?page=1" in second


@pytest.mark.parametrize("kind", ["networks", "volunteers", "funds", "committees"])
def test_every_table_cell_carries_a_label_for_phones(client: Client, officer: User,
                                                     kind: str) -> None:
    network = NetworkFactory.create(subdistricts=[KO_TAO], is_lead=True)
    VolunteerFactory.create(subdistricts=[KO_TAO], network=network)
    fund = FundFactory.create(network=network)
    committee = CommitteeFactory.create()
    CommitteeMemberFactory.create(committee=committee)
    client.force_login(officer)
    pages = [f"/capacity/{kind}/"]
    pages += {"funds": [f"/capacity/funds/{fund.pk}/"],
              "committees": [f"/capacity/committees/{committee.pk}/"]}.get(kind, [])
    if kind == "funds":
        client.post(f"/capacity/funds/{fund.pk}/transactions/", {
            "date": timezone.localdate().strftime("%d/%m/%Y"), "kind": "contribution",
            "amount": "100"})
    for url in pages:
        html = client.get(url).content.decode()
        cells = re.findall(r"<td[^>]*>", html)
        assert cells, url
        assert all("data-label=" in cell for cell in cells), url


@pytest.mark.parametrize(("kind", "hint"), [
    ("networks", "Add a network"), ("volunteers", "Add a volunteer"),
    ("funds", "Add a fund"), ("committees", "Add a committee"),
])
def test_an_empty_list_says_what_to_do_next(english: Client, officer: User, kind: str,
                                            hint: str) -> None:
    english.force_login(officer)
    html = english.get(f"/capacity/{kind}/").content.decode()
    assert 'class="empty"' in html and f"“{hint}”" in html
    html = english.get(f"/capacity/{kind}/", {"q": "ไม่มี"}).content.decode()
    assert "Try fewer filters" in html


def test_an_officer_adds_and_changes_a_network_through_the_form(
        client: Client, officer: User, health: Need) -> None:
    lead = NetworkFactory.create(name="แม่ข่ายพะงัน", is_lead=True, subdistricts=[BAN_TAI])
    client.force_login(officer)
    form = client.get("/capacity/networks/new/").content.decode()
    assert f'value="{KO_TAO}"' in form and 'value="810101"' not in form
    response = client.post("/capacity/networks/new/", {
        "name": "กลุ่มออมทรัพย์เกาะเต่า", "partner_type": "savings_group",
        "lead_network": str(lead.pk), "capacity": "30", "needs": [str(health.pk)],
        "subdistricts": [KO_TAO], "active": "on", "contact_phone": "081 234 5678"})
    network = Network.objects.get(name="กลุ่มออมทรัพย์เกาะเต่า")
    assert response["Location"] == f"/capacity/networks/{network.pk}/"
    assert network.lead_network == lead and network.capacity == 30
    detail = client.get(response["Location"]).content.decode()
    assert "แม่ข่ายพะงัน" in detail and "เกาะเต่า" in detail
    edit = client.get(f"/capacity/networks/{network.pk}/edit/").content.decode()
    assert 'value="กลุ่มออมทรัพย์เกาะเต่า"' in edit
    client.post(f"/capacity/networks/{network.pk}/edit/", {
        "name": "กลุ่มออมทรัพย์เกาะเต่า", "partner_type": "savings_group", "capacity": "35",
        "subdistricts": [KO_TAO, BAN_TAI]})
    network.refresh_from_db()
    assert network.capacity == 35 and not network.active and network.lead_network is None
    assert network.subdistricts.count() == 2


def test_a_refused_form_shows_the_message_under_its_field_and_saves_nothing(
        english: Client, officer: User) -> None:
    english.force_login(officer)
    response = english.post("/capacity/volunteers/new/", {
        "first_name": "สุดา", "capacity": "-2", "subdistricts": [KO_TAO]})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_capacity_error"><p class="error">The number of people a '
                     r"volunteer can follow cannot be negative", html)
    assert 'aria-invalid="true"' in html
    assert not Volunteer.objects.exists()


def test_a_coordinator_adds_a_volunteer_in_their_district_only(client: Client,
                                                               coordinator: User) -> None:
    client.force_login(coordinator)
    form = client.get("/capacity/volunteers/new/").content.decode()
    assert f'value="{KO_TAO}"' in form and 'value="840101"' not in form
    response = client.post("/capacity/volunteers/new/", {
        "first_name": "สมใจ", "phone": "0812345678", "capacity": "5", "is_msdhs": "on",
        "subdistricts": ["840101"]})
    assert response.status_code == 400  # not a choice offered to them
    response = client.post("/capacity/volunteers/new/", {
        "first_name": "สมใจ", "phone": "0812345678", "capacity": "5", "is_msdhs": "on",
        "subdistricts": [KO_TAO], "active": "on"})
    volunteer = Volunteer.objects.get()
    assert response["Location"] == f"/capacity/volunteers/{volunteer.pk}/"
    assert volunteer.is_msdhs and volunteer.province_code == "84"


def test_someone_working_in_several_provinces_chooses_the_province_first(
        client: Client, admin: User) -> None:
    client.force_login(admin)
    picker = client.get("/capacity/funds/new/").content.decode()
    assert 'name="province"' in picker and 'value="84"' in picker
    form = client.get("/capacity/funds/new/", {"province": "84"}).content.decode()
    assert f'value="{KO_TAO}"' in form and 'value="8405"' in form
    response = client.post("/capacity/funds/new/?province=84", {
        "name": "กองทุนสวัสดิการชุมชนตำบลเกาะเต่า", "kind": "community_welfare",
        "area_code": KO_TAO, "members": "120"})
    fund = Fund.objects.get()
    assert response["Location"] == f"/capacity/funds/{fund.pk}/"
    assert (fund.province_code, fund.area_code, fund.members) == ("84", KO_TAO, 120)


def test_the_fund_page_records_money_and_shows_the_history_with_balances(
        english: Client, officer: User) -> None:
    fund = FundFactory.create()
    english.force_login(officer)
    url = f"/capacity/funds/{fund.pk}/transactions/"
    english.post(url, {"date": "1/10/2025", "kind": "contribution", "amount": "1,500"})
    english.post(url, {"date": "15/10/2025", "kind": "disbursement", "amount": "200.50"})
    refused = english.post(url, {"date": "20/10/2025", "kind": "disbursement",
                                 "amount": "5000"})
    assert refused.status_code == 400
    assert "a disbursement cannot be larger than the balance" in refused.content.decode()
    fund.refresh_from_db()
    assert str(fund.balance) == "1299.50"
    html = english.get(f"/capacity/funds/{fund.pk}/").content.decode()
    assert "15 Oct 2025" in html and "1,299.50" in html and "1,500.00" in html


def test_the_committee_page_adds_members_and_meetings_and_refuses_a_second_chair(
        english: Client, officer: User) -> None:
    committee = CommitteeFactory.create()
    english.force_login(officer)
    members = f"/capacity/committees/{committee.pk}/members/"
    english.post(members, {"name": "นางสาวประธาน", "role": "chair",
                           "partner_type": "civil_society"})
    second = english.post(members, {"name": "นายซ้ำ", "role": "chair",
                                    "partner_type": "civil_society"})
    assert second.status_code == 400
    assert "already has a chair (นางสาวประธาน)" in second.content.decode()
    english.post(f"/capacity/committees/{committee.pk}/meetings/",
                 {"date": "5/11/2025", "minutes": "รับรองรายชื่อผู้ต้องการความช่วยเหลือ"})
    html = english.get(f"/capacity/committees/{committee.pk}/").content.decode()
    assert "นางสาวประธาน" in html and "5 Nov 2025" in html and "นายซ้ำ" not in html
    chair = committee.members.get()
    english.post(f"/capacity/committees/members/{chair.pk}/remove/")
    assert not committee.members.exists()


def test_a_committee_form_refuses_an_area_of_another_level(english: Client,
                                                           officer: User) -> None:
    english.force_login(officer)
    response = english.post("/capacity/committees/new/", {
        "name": "คณะกรรมการอำเภอ", "level": "district", "area_code": KO_TAO})
    assert response.status_code == 400
    assert "A district committee needs a district code" in response.content.decode()
    assert not Committee.objects.exists()


def test_removing_a_member_of_a_committee_in_another_province_is_404(
        client: Client, make_user: Callable[..., User]) -> None:
    member = CommitteeMemberFactory.create()
    client.force_login(make_user("krabi", Role.PROVINCIAL_OFFICER, "81"))
    assert client.post(f"/capacity/committees/members/{member.pk}/remove/").status_code == 404
    assert member.committee.members.exists()


def test_search_finds_a_volunteer_from_part_of_a_thai_name(client: Client,
                                                           officer: User) -> None:
    VolunteerFactory.create(first_name="สุดารัตน์", last_name="ทองคำ", subdistricts=[KO_TAO])
    VolunteerFactory.create(first_name="บุญมี", last_name="ใจดี", subdistricts=[KO_TAO])
    client.force_login(officer)
    html = client.get("/capacity/volunteers/", {"q": "ดารัต ทอง"}).content.decode()
    assert "สุดารัตน์" in html and "บุญมี" not in html
