"""Who sees and changes care capacity: for every rule an in-area user, an
out-of-area user and a stranger, on the pages and in the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.networks.models import Committee, Fund, Network, Volunteer
from lnob.testing import bearer
from lnob.testing.factories import (
    BAN_TAI,
    KO_TAO,
    CommitteeFactory,
    FundFactory,
    NetworkFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(db: None) -> dict[str, Any]:
    """One of each, all in ต.เกาะเต่า (840503), อ.เกาะพะงัน, สุราษฎร์ธานี."""
    network = NetworkFactory.create(name="เครือข่ายเกาะเต่า", subdistricts=[KO_TAO])
    return {
        "networks": network,
        "funds": FundFactory.create(name="กองทุนเกาะเต่า", area_code=KO_TAO, network=network),
        "committees": CommitteeFactory.create(name="กรรมการเกาะเต่า", area_code=KO_TAO),
        "volunteers": VolunteerFactory.create(first_name="สุดา", subdistricts=[KO_TAO],
                                       network=network),
    }


def _label(obj: Any) -> str:
    return obj.first_name if isinstance(obj, Volunteer) else obj.name


READ_CASES = [
    # role, area, status for networks/funds/committees
    (Role.PROVINCIAL_OFFICER, "84", 200),
    (Role.NETWORK_COORDINATOR, "8405", 200),
    (Role.COMMITTEE_MEMBER, "84", 200),
    (Role.VOLUNTEER, KO_TAO, 200),
    (Role.NATIONAL_ANALYST, "", 200),
    (Role.PROVINCIAL_OFFICER, "81", 404),
    (Role.NETWORK_COORDINATOR, "8401", 404),
    (Role.VOLUNTEER, BAN_TAI, 404),
]


@pytest.mark.parametrize("kind", ["networks", "funds", "committees"])
@pytest.mark.parametrize(("role", "area", "status"), READ_CASES)
def test_networks_funds_and_committees_are_seen_in_area_and_are_404_outside(
        client: Client, make_user: Callable[..., User], things: dict[str, Any], kind: str,
        role: Role, area: str, status: int) -> None:
    user = make_user("u", role, area)
    obj = things[kind]
    client.force_login(user)
    assert client.get(f"/capacity/{kind}/{obj.pk}/").status_code == status
    listed = _label(obj) in client.get(f"/capacity/{kind}/").content.decode()
    assert listed is (status == 200)
    client.logout()
    auth = bearer(user)
    assert client.get(f"/api/v1/{kind}/{obj.pk}", headers=auth).status_code == status
    ids = [r["id"] for r in client.get(f"/api/v1/{kind}", headers=auth).json()["results"]]
    assert (obj.pk in ids) is (status == 200)


@pytest.mark.parametrize(("role", "area", "status"), [
    (Role.PROVINCIAL_OFFICER, "84", 200),
    (Role.NETWORK_COORDINATOR, "8405", 200),
    (Role.NETWORK_COORDINATOR, KO_TAO, 200),
    (Role.SYSTEM_ADMIN, "", 200),
    (Role.PROVINCIAL_OFFICER, "81", 404),
    (Role.NETWORK_COORDINATOR, "8401", 404),
    (Role.COMMITTEE_MEMBER, "84", 403),
    (Role.VOLUNTEER, KO_TAO, 403),
    (Role.NATIONAL_ANALYST, "", 403),
])
def test_volunteers_are_seen_only_by_the_roles_that_work_with_people_in_their_area(
        client: Client, make_user: Callable[..., User], things: dict[str, Any], role: Role,
        area: str, status: int) -> None:
    user = make_user("u", role, area)
    volunteer = things["volunteers"]
    client.force_login(user)
    assert client.get(f"/capacity/volunteers/{volunteer.pk}/").status_code == status
    page = client.get("/capacity/volunteers/")
    assert page.status_code == (403 if status == 403 else 200)
    assert ("สุดา" in page.content.decode()) is (status == 200)
    client.logout()
    auth = bearer(user)
    assert client.get(f"/api/v1/volunteers/{volunteer.pk}", headers=auth).status_code == status
    listing = client.get("/api/v1/volunteers", headers=auth)
    assert listing.status_code == (403 if status == 403 else 200)
    if status != 403:
        ids = [r["id"] for r in listing.json()["results"]]
        assert (volunteer.pk in ids) is (status == 200)


@pytest.mark.parametrize("kind", ["networks", "volunteers", "funds", "committees"])
def test_a_stranger_is_refused_and_anonymous_is_sent_to_sign_in(
        client: Client, stranger: User, things: dict[str, Any], kind: str) -> None:
    pk = things[kind].pk
    for url in (f"/capacity/{kind}/", f"/capacity/{kind}/{pk}/", f"/capacity/{kind}/new/",
                f"/capacity/{kind}/{pk}/edit/"):
        assert client.get(url)["Location"].startswith("/accounts/login/"), url
    assert client.get(f"/api/v1/{kind}").status_code == 401
    assert client.get(f"/api/v1/{kind}/{pk}").status_code == 401
    assert client.patch(f"/api/v1/{kind}/{pk}", "{}",
                        content_type="application/json").status_code == 401
    client.force_login(stranger)
    for url in (f"/capacity/{kind}/", f"/capacity/{kind}/{pk}/", f"/capacity/{kind}/new/",
                f"/capacity/{kind}/{pk}/edit/"):
        assert client.get(url).status_code == 403, url
    client.logout()
    auth = bearer(stranger)
    assert client.get(f"/api/v1/{kind}", headers=auth).status_code == 403
    assert client.get(f"/api/v1/{kind}/{pk}", headers=auth).status_code == 403


EDIT_NETWORK_CASES = [
    (Role.PROVINCIAL_OFFICER, "84", 200),
    (Role.NETWORK_COORDINATOR, "8405", 200),
    (Role.SYSTEM_ADMIN, "", 200),
    (Role.COMMITTEE_MEMBER, "84", 403),
    (Role.VOLUNTEER, KO_TAO, 403),
    (Role.PROVINCIAL_OFFICER, "81", 404),
    (Role.NETWORK_COORDINATOR, "8401", 404),
]


@pytest.mark.parametrize("kind", ["networks", "volunteers"])
@pytest.mark.parametrize(("role", "area", "status"), EDIT_NETWORK_CASES)
def test_networks_and_volunteers_are_changed_by_officers_and_coordinators_of_the_area(
        client: Client, make_user: Callable[..., User], things: dict[str, Any], kind: str,
        role: Role, area: str, status: int) -> None:
    user = make_user("u", role, area)
    obj = things[kind]
    client.force_login(user)
    assert client.get(f"/capacity/{kind}/{obj.pk}/edit/").status_code == status
    client.logout()
    response = client.patch(f"/api/v1/{kind}/{obj.pk}", {"active": False},
                            content_type="application/json", headers=bearer(user))
    assert response.status_code == status
    obj.refresh_from_db()
    assert obj.active is (status != 200)


@pytest.mark.parametrize("kind", ["funds", "committees"])
@pytest.mark.parametrize(("role", "area", "status"), [
    (Role.PROVINCIAL_OFFICER, "84", 200),
    (Role.SYSTEM_ADMIN, "", 200),
    (Role.NETWORK_COORDINATOR, "8405", 403),
    (Role.COMMITTEE_MEMBER, "84", 403),
    (Role.PROVINCIAL_OFFICER, "81", 404),
])
def test_funds_and_committees_are_changed_by_the_provincial_office_of_the_area(
        client: Client, make_user: Callable[..., User], things: dict[str, Any], kind: str,
        role: Role, area: str, status: int) -> None:
    user = make_user("u", role, area)
    obj = things[kind]
    client.force_login(user)
    assert client.get(f"/capacity/{kind}/{obj.pk}/edit/").status_code == status
    client.logout()
    response = client.patch(f"/api/v1/{kind}/{obj.pk}", {"name": "ชื่อใหม่"},
                            content_type="application/json", headers=bearer(user))
    assert response.status_code == status
    obj.refresh_from_db()
    assert (obj.name == "ชื่อใหม่") is (status == 200)


def test_a_coordinator_sees_a_network_reaching_into_their_district_but_cannot_change_it(
        client: Client, coordinator: User) -> None:
    wide = NetworkFactory.create(subdistricts=[KO_TAO, "840101"])  # also อ.เมืองสุราษฎร์ธานี
    client.force_login(coordinator)
    assert client.get(f"/capacity/networks/{wide.pk}/").status_code == 200
    assert client.get(f"/capacity/networks/{wide.pk}/edit/").status_code == 403
    client.logout()
    response = client.patch(f"/api/v1/networks/{wide.pk}", {"capacity": 1},
                            content_type="application/json", headers=bearer(coordinator))
    assert response.status_code == 403


def test_adding_in_another_province_is_404(client: Client, other_officer: User) -> None:
    client.force_login(other_officer)
    for kind in ("networks", "volunteers", "funds", "committees"):
        assert client.get(f"/capacity/{kind}/new/?province=84").status_code == 404
    client.logout()
    auth = bearer(other_officer)
    bodies = {
        "networks": {"name": "x", "partner_type": "community", "province_code": "84"},
        "volunteers": {"first_name": "x", "province_code": "84"},
        "funds": {"name": "x", "kind": "other", "area_code": KO_TAO},
        "committees": {"name": "x", "level": "subdistrict", "area_code": KO_TAO},
    }
    for kind, body in bodies.items():
        response = client.post(f"/api/v1/{kind}", body, content_type="application/json",
                               headers=auth)
        assert response.status_code == 404, kind
    assert not Network.objects.exists() and not Fund.objects.exists()
    assert not Volunteer.objects.exists() and not Committee.objects.exists()


def test_every_look_at_volunteers_is_audited(client: Client, officer: User,
                                             things: dict[str, Any]) -> None:
    volunteer = things["volunteers"]
    client.force_login(officer)
    client.get("/capacity/volunteers/")
    client.get(f"/capacity/volunteers/{volunteer.pk}/")
    client.get(f"/capacity/volunteers/{volunteer.pk}/edit/")
    client.logout()
    auth = bearer(officer)
    client.get("/api/v1/volunteers", headers=auth)
    client.get(f"/api/v1/volunteers/{volunteer.pk}", headers=auth)
    views = AuditEvent.objects.filter(action="view", actor=officer)
    lists = views.filter(object_type="networks.volunteer_list")
    assert [e.detail["volunteers"] for e in lists] == [[volunteer.pk], [volunteer.pk]]
    assert views.filter(object_type="networks.volunteer",
                        object_id=str(volunteer.pk)).count() == 3


def test_networks_funds_and_committees_are_not_personal_data_and_not_audited_as_views(
        client: Client, officer: User, things: dict[str, Any]) -> None:
    client.force_login(officer)
    for kind in ("networks", "funds", "committees"):
        client.get(f"/capacity/{kind}/{things[kind].pk}/")
    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_network_covering_only_a_village_is_seen_by_the_coordinators_of_that_area(
        client: Client, coordinator: User, make_user: Callable[..., User]) -> None:
    from lnob.geo.models import Village

    village = Village.objects.create(code=f"{KO_TAO}01", subdistrict_id=KO_TAO, number=1,
                                     name_th="บ้านแม่หาด")
    network = NetworkFactory.create(name="กลุ่มบ้านแม่หาด")
    network.villages.set([village])
    client.force_login(coordinator)
    assert client.get(f"/capacity/networks/{network.pk}/").status_code == 200
    assert "กลุ่มบ้านแม่หาด" in client.get("/capacity/networks/", {"area": KO_TAO}).content.decode()
    client.force_login(make_user("coord8401", Role.NETWORK_COORDINATOR, "8401"))
    assert client.get(f"/capacity/networks/{network.pk}/").status_code == 404


@pytest.mark.parametrize(("area", "sees"), [(KO_TAO, True), ("8405", True), ("840501", False),
                                            ("8401", False)])
def test_a_volunteer_covering_only_a_village_is_in_the_area_of_its_subdistrict(
        client: Client, make_user: Callable[..., User], stranger: User, area: str,
        sees: bool) -> None:
    from lnob.geo.models import Village

    village = Village.objects.create(code=KO_TAO + "01", subdistrict_id=KO_TAO, number=1,
                                     name_th="บ้านแม่หาด")
    volunteer = VolunteerFactory.create(first_name="หมู่บ้าน", subdistricts=[])
    volunteer.villages.add(village)
    client.force_login(make_user("coordinator", Role.NETWORK_COORDINATOR, area))
    page = client.get(f"/capacity/volunteers/{volunteer.pk}/")
    assert page.status_code == (200 if sees else 404)
    assert ("บ้านแม่หาด" in page.content.decode()) is sees
    assert client.get(f"/capacity/volunteers/{volunteer.pk}/edit/").status_code == (
        200 if sees else 404)
    client.force_login(stranger)
    assert client.get(f"/capacity/volunteers/{volunteer.pk}/").status_code == 403
