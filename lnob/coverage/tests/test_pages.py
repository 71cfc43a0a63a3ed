"""Coverage pages and API: who sees what (an in-area user, an out-of-area
user, a stranger, anonymous), the public dashboard's suppression and that no
personal data reaches it, the downloads and their audit rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import AuditEvent, User
from lnob.core.roles import Role
from lnob.core.services import api_token_create
from lnob.coverage.rollup import rollup_full
from lnob.coverage.tests.conftest import KO_TAO

pytestmark = pytest.mark.django_db

SCOPED = [
    (Role.PROVINCIAL_OFFICER, "84", ["84", "8405", KO_TAO], ["81", "8101", "810101"]),
    (Role.COMMITTEE_MEMBER, "84", ["84", KO_TAO], ["81"]),
    (Role.NETWORK_COORDINATOR, "8405", ["8405", KO_TAO], ["84", "8401", "81"]),
    (Role.VOLUNTEER, KO_TAO, [KO_TAO], ["840501", "8405", "84"]),
]


@pytest.fixture
def data(people: Callable[..., list[Any]]) -> None:
    people(reported=3, verified=6, in_care=7)
    rollup_full()


@pytest.mark.parametrize(("role", "granted", "inside", "outside"), SCOPED)
def test_area_pages_in_the_area_outside_it_and_anonymous(
        client: Client, make_user: Callable[..., User], data: None, role: Role, granted: str,
        inside: list[str], outside: list[str]) -> None:
    for code in inside:
        assert client.get(f"/coverage/{code}/").status_code == 302  # anonymous → sign in
    client.force_login(make_user("u", role, granted))
    for code in inside:
        assert client.get(f"/coverage/{code}/").status_code == 200, code
        assert client.get(f"/coverage/{code}/export/?table=five_k&format=csv").status_code == 200
    for code in outside:
        assert client.get(f"/coverage/{code}/").status_code == 404, code
        assert client.get(f"/coverage/{code}/export/?format=csv").status_code == 404, code
    assert client.get("/coverage/export/?format=csv").status_code == 404  # not national


def test_a_stranger_is_refused_and_a_national_analyst_sees_the_country(
        client: Client, stranger: User, make_user: Callable[..., User], data: None) -> None:
    client.force_login(stranger)
    assert client.get("/coverage/").status_code == 403
    assert client.get("/coverage/84/").status_code == 403
    client.force_login(make_user("analyst", Role.NATIONAL_ANALYST, ""))
    body = client.get("/coverage/").content.decode()
    assert "สุราษฎร์ธานี" in body and 'class="tile' in body
    assert client.get("/coverage/?sort=found&dir=asc").status_code == 200
    assert client.get("/coverage/export/?format=xlsx").status_code == 200


def test_a_provincial_officer_lands_on_the_province(client: Client, officer: User,
                                                    data: None) -> None:
    client.force_login(officer)
    response = client.get("/coverage/")
    assert response.status_code == 302 and response["Location"].endswith("/coverage/84/")
    body = client.get("/coverage/84/").content.decode()
    # The trend is drawn on the server: no chart library to download.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in body
    assert "echarts" not in body
    # The province's subdistricts are on demand (and on each district's page).
    assert "?all=subdistricts" in body
    every = client.get("/coverage/84/?all=subdistricts").content.decode()
    assert '<a href="/coverage/840503/">เกาะเต่า</a>' in every  # the subdistrict's row
    district = client.get("/coverage/8405/").content.decode()
    assert '<a href="/coverage/840503/">เกาะเต่า</a>' in district


def test_exports_are_audited_and_carry_the_figures(client: Client, officer: User,
                                                   data: None) -> None:
    client.force_login(officer)
    response = client.get("/coverage/8405/export/?table=children&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert KO_TAO in text and "16" in text
    event = AuditEvent.objects.filter(action="export", object_type="coverage.table").last()
    assert event is not None and event.area_code == "8405" and event.actor == officer


def test_the_public_dashboard_needs_no_login_and_hides_small_counts(
        client: Client, data: None) -> None:
    body = client.get("/coverage/public/").content.decode()
    assert "&lt;5" in body  # Ko Tao's 3 people waiting, at province 84 and nationally
    assert 'class="tile' in body
    province = client.get("/coverage/public/84/").content.decode()
    assert "&lt;5" in province and "×" in province
    csv = b"".join(client.get("/coverage/public/export/?area=84&format=csv")
                   .streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "<5" in csv and ",3," not in csv


def test_the_public_sees_no_personal_data(client: Client, data: None) -> None:
    from lnob.registry.models import Person

    names = list(Person.objects.values_list("first_name", flat=True))
    assert names
    for url in ("/coverage/public/", "/coverage/public/84/", "/api/v1/coverage/public",
                "/api/v1/coverage/public/84"):
        body = client.get(url).content.decode()
        assert not any(name in body for name in names), url


def test_the_public_api_suppresses_like_the_page(client: Client, data: None) -> None:
    body = client.get("/api/v1/coverage/public/84").json()
    cells = {row["code"]: row["cells"] for row in body["rows"]}
    assert cells["8405"]["reported"] == "<5"
    assert body["total"]["reported"] == "<5"
    assert client.get("/api/v1/coverage/public/8405").status_code == 404


@pytest.mark.parametrize(("role", "granted", "inside", "outside"), SCOPED)
def test_api_figures_in_the_area_outside_it_and_anonymous(
        client: Client, make_user: Callable[..., User], data: None, role: Role, granted: str,
        inside: list[str], outside: list[str]) -> None:
    assert client.get(f"/api/v1/coverage/figures?area={inside[0]}").status_code == 401
    _token, raw = api_token_create(actor=make_user("u", role, granted), name="t", scope="write")
    auth = {"Authorization": f"Bearer {raw}"}
    response = client.get(f"/api/v1/coverage/figures?area={inside[0]}", headers=auth)
    assert response.status_code == 200
    assert response.json()["figures"]["found"] == 16
    for code in outside:
        assert client.get(f"/api/v1/coverage/figures?area={code}",
                          headers=auth).status_code == 404
    assert client.get("/api/v1/coverage/figures", headers=auth).status_code == 404
    assert client.get("/api/v1/coverage/indicators", headers=auth).status_code == 200


def test_api_refuses_a_stranger(client: Client, stranger: User, data: None) -> None:
    _token, raw = api_token_create(actor=stranger, name="t", scope="write")
    auth = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/coverage/figures?area=84", headers=auth).status_code == 403


def test_a_page_finding_no_roll_up_asks_the_worker_to_build_it(client: Client,
                                                                data: None) -> None:
    from lnob.coverage.models import AreaRollup
    from lnob.coverage.rollup import is_built

    AreaRollup.objects.all().delete()
    assert not is_built()
    response = client.get("/coverage/public/")
    assert response.status_code == 200
    assert is_built()  # the tests' task backend runs the rebuild at once


def test_an_area_page_before_any_roll_up_says_the_figures_are_coming(
        client: Client, officer: User, data: None) -> None:
    from lnob.coverage.models import AreaRollup, SubdistrictSummary

    AreaRollup.objects.all().delete()
    SubdistrictSummary.objects.all().delete()
    client.force_login(officer)
    response = client.get("/coverage/84/")
    assert response.status_code == 200
    assert b'class="card notice"' in response.content
    assert client.get("/coverage/84/").status_code == 200  # built by then


def _holes_listed(body: str) -> list[str]:
    listed = body.split('<ol class="holes">', 1)[1].split("</ol>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", listed)


def _rows(section: str) -> int:
    return section.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def test_the_province_page_leads_with_the_holes_and_keeps_long_tables_short(
        client: Client, officer: User, data: None) -> None:
    client.force_login(officer)
    body = client.get("/coverage/84/").content.decode()
    # Key figures, then the holes, before every table.
    assert body.index('id="h-key"') < body.index('id="h-holes"') < body.index('id="h-ind"') \
        < body.index('id="table-children"') < body.index('id="table-five_k"')
    holes = _holes_listed(body)
    assert len(holes) == 10 and "?all=holes" in body  # Surat has 131 subdistricts
    every = _holes_listed(client.get("/coverage/84/?all=holes").content.decode())
    assert len(every) > 10
    no_lead = _holes_listed(client.get("/coverage/84/?hole=no_lead&all=holes").content.decode())
    assert 0 < len(no_lead) < len(every)
    assert all("ไม่มีแม่ข่าย" in hole for hole in no_lead)
    # The five-ก table: worst first, cut at 10 rows; the full one on demand.
    five_k = body.split('id="table-five_k"', 1)[1].split("</section>", 1)[0]
    assert _rows(five_k) == 10 and "?all=five_k" in five_k
    # Wide tables: short headers, the full name in <abbr title>, no per-cell labels.
    children = body.split('id="table-children"', 1)[1].split("</section>", 1)[0]
    assert '<table class="grid">' in children
    assert '<abbr title="รอการยืนยัน">รอยืนยัน</abbr>' in children
    assert "data-label" not in children


def test_the_national_page_leads_with_the_provinces_with_the_most_holes(
        client: Client, make_user: Callable[..., User], data: None) -> None:
    client.force_login(make_user("analyst", Role.NATIONAL_ANALYST, ""))
    body = client.get("/coverage/").content.decode()
    assert body.index('id="h-key"') < body.index('id="h-holes"') < body.index(
        'id="table-provinces"')
    assert len(_holes_listed(body)) == 10
    provinces = body.split('id="table-provinces"', 1)[1].split("</section>", 1)[0]
    assert _rows(provinces) == 20 and "?all=provinces" in provinces
    every = client.get("/coverage/?all=provinces").content.decode()
    assert _rows(every.split('id="table-provinces"', 1)[1]) == 77
