from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.test import Client

from lnob.core.models import AuditAction, AuditEvent, User
from lnob.demo.writer import generate_province
from lnob.exports.columns import NETWORK_COLUMNS, VOLUNTEER_COLUMNS
from lnob.networks.models import PartnerType
from lnob.registry.taxonomy import Need
from lnob.testing.factories import (
    BAN_TAI,
    KO_TAO,
    KRABI_TOWN,
    NetworkFactory,
    VolunteerFactory,
)
from lnob.tests.exports.conftest import as_dicts, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

NETWORKS, VOLUNTEERS = "/capacity/networks/export", "/capacity/volunteers/export"


@pytest.fixture
def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_networks_are_exported_with_the_filters_of_the_list(
        english: Client, officer: User, need_health: Need) -> None:
    lead = NetworkFactory.create(name="แม่ข่ายเกาะเต่า", is_lead=True, subdistricts=[KO_TAO],
                                 needs=[need_health], partner_type=PartnerType.CIVIL_SOCIETY)
    NetworkFactory.create(name="อสม.บ้านใต้", subdistricts=[BAN_TAI], lead_network=lead)
    NetworkFactory.create(name="กระบี่", province_code="81", subdistricts=[KRABI_TOWN])
    english.force_login(officer)
    rows = as_dicts(csv_rows(english.get(NETWORKS + ".csv")))
    assert list(rows[0]) == [c.en for c in NETWORK_COLUMNS]
    assert [r["name"] for r in rows] == ["แม่ข่ายเกาะเต่า", "อสม.บ้านใต้"]
    assert (rows[0]["is_lead"], rows[0]["subdistrict_codes"], rows[0]["needs"],
            rows[0]["partner_type"]) == ("yes", KO_TAO, "health", "civil_society")
    assert (rows[1]["lead_network_id"], rows[1]["lead_network_name"]) == (
        str(lead.pk), "แม่ข่ายเกาะเต่า")
    only = as_dicts(xlsx_rows(english.get(NETWORKS + ".xlsx", {"lead": "yes"})))
    assert [r["name"] for r in only] == ["แม่ข่ายเกาะเต่า"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id").last()
    assert event is not None
    assert (event.object_type, event.area_code, event.detail["count"],
            event.detail["format"]) == ("networks.network_list", "84", 1, "xlsx")


def test_a_committee_member_exports_networks_but_not_volunteers(
        client: Client, committee_member: User) -> None:
    NetworkFactory.create(subdistricts=[KO_TAO])
    client.force_login(committee_member)
    assert len(csv_rows(client.get(NETWORKS + ".csv"))) == 2
    assert client.get(VOLUNTEERS + ".csv").status_code == 403
    assert client.get(VOLUNTEERS + ".xlsx").status_code == 403


def test_volunteers_are_exported_in_thai_and_every_export_is_audited(
        client: Client, coordinator: User) -> None:
    network = NetworkFactory.create(name="แม่ข่ายเกาะเต่า", subdistricts=[KO_TAO])
    VolunteerFactory.create(first_name="สุดา", phone="0811111111", network=network,
                            subdistricts=[KO_TAO])
    VolunteerFactory.create(first_name="นอกเขต", subdistricts=["840101"])
    VolunteerFactory.create(first_name="กระบี่", province_code="81", subdistricts=[KRABI_TOWN])
    client.force_login(coordinator)
    for response in (client.get(VOLUNTEERS + ".csv"), client.get(VOLUNTEERS + ".xlsx")):
        rows = as_dicts(csv_rows(response) if response["Content-Type"].startswith("text/csv")
                        else xlsx_rows(response))
        assert list(rows[0]) == [c.th for c in VOLUNTEER_COLUMNS]
        assert [(r["ชื่อ"], r["โทรศัพท์"], r["ชื่อเครือข่าย"]) for r in rows] == [
            ("สุดา", "0811111111", "แม่ข่ายเกาะเต่า")]
        assert response["Content-Disposition"].startswith(
            'attachment; filename="lnob-volunteers-8405-')
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT,
                                       object_type="networks.volunteer_list")
    assert [(e.actor, e.detail["count"], e.detail["format"]) for e in events.order_by("id")] == [
        (coordinator, 1, "csv"), (coordinator, 1, "xlsx")]


def test_capacity_exports_refuse_anonymous_users_and_strangers(
        client: Client, stranger: User) -> None:
    for url in (NETWORKS + ".csv", VOLUNTEERS + ".xlsx"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(stranger)
    for url in (NETWORKS + ".csv", NETWORKS + ".xlsx", VOLUNTEERS + ".csv"):
        assert client.get(url).status_code == 403


def test_an_officer_of_another_province_exports_none_of_its_volunteers(
        client: Client, other_officer: User) -> None:
    VolunteerFactory.create(first_name="สุดา", subdistricts=[KO_TAO])
    client.force_login(other_officer)
    assert len(csv_rows(client.get(VOLUNTEERS + ".csv", {"area": "84"}))) == 1


def test_the_list_pages_link_to_their_exports_with_their_filters(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    html = client.get("/capacity/networks/", {"lead": "yes"}).content.decode()
    assert 'href="/capacity/networks/export.csv?lead=yes"' in html
    assert 'href="/capacity/networks/export.xlsx?lead=yes"' in html
    html = client.get("/capacity/volunteers/", {"msdhs": "no", "page": "2"}).content.decode()
    assert 'href="/capacity/volunteers/export.csv?msdhs=no"' in html
    assert 'href="/capacity/volunteers/export.xlsx?msdhs=no"' in html


def test_generated_networks_and_volunteers_export_with_a_bounded_number_of_queries(
        client: Client, officer: User, django_assert_max_num_queries: Callable) -> None:
    report = generate_province("84", 300, seed=1, today=datetime.date(2026, 11, 6))
    client.force_login(officer)
    for url, expected in ((NETWORKS, report.networks), (VOLUNTEERS, report.volunteers)):
        with django_assert_max_num_queries(12):
            rows = csv_rows(client.get(url + ".csv"))
        assert len(rows) == expected + 1 and expected >= 10, url
