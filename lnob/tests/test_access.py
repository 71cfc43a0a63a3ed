"""Every access rule with an in-area user, an out-of-area user and a stranger,
on pages and in the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lnob.api.api import api
from lnob.core.middleware import declared_access
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import api_token_create

pytestmark = pytest.mark.django_db

# role, the area it is granted on, an area inside it, an area outside it
SCOPED_ROLES = [
    (Role.PROVINCIAL_OFFICER, "84", "840503", "81"),
    (Role.COMMITTEE_MEMBER, "84", "8405", "8101"),
    (Role.NETWORK_COORDINATOR, "8405", "840503", "8401"),
    (Role.NETWORK_COORDINATOR, "8405", "8405", "84"),  # the province above is outside too
    (Role.VOLUNTEER, "840503", "840503", "840501"),
]


def walk(patterns: list[Any], prefix: str = "",
         namespaces: tuple[str, ...] = ()) -> Iterator[tuple[str, URLPattern, list[str]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
        else:
            yield prefix + str(p.pattern), p, list(namespaces)


def test_every_url_declares_its_access_rule() -> None:
    routes = list(walk(get_resolver().url_patterns))
    undeclared = [route for route, p, ns in routes if declared_access(p.callback, ns) is None]
    assert len(routes) > 20
    assert undeclared == []


@pytest.mark.urls("lnob.tests.undeclared_urls")
def test_a_view_without_a_declared_rule_is_refused(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.get("/leaky/")
    assert response.status_code == 403
    assert b"personal data" not in response.content


def test_anonymous_users_are_sent_to_login_on_every_page_that_is_not_public(
        client: Client) -> None:
    checked = 0
    for route, p, ns in walk(get_resolver().url_patterns):
        rule = declared_access(p.callback, ns)
        if route.startswith(("admin/", "api/")) or rule == "public":
            continue
        url = "/" + re.sub(r"<int:\w+>", "1", route.replace("<str:code>", "840503"))
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize(("role", "granted", "inside", "outside"), SCOPED_ROLES)
def test_workspace_page_in_area_out_of_area_and_anonymous(
        client: Client, make_user: Callable[..., User], role: Role, granted: str, inside: str,
        outside: str) -> None:
    user = make_user("u", role, granted)
    assert client.get(f"/workspace/{inside}/").status_code == 302  # anonymous → login
    client.force_login(user)
    assert client.get(f"/workspace/{inside}/").status_code == 200
    assert client.get(f"/workspace/{outside}/").status_code == 404


@pytest.mark.parametrize(("role", "granted", "inside", "outside"), SCOPED_ROLES)
def test_workspace_api_in_area_out_of_area_and_anonymous(
        client: Client, make_user: Callable[..., User], role: Role, granted: str, inside: str,
        outside: str) -> None:
    user = make_user("u", role, granted)
    _token, raw = api_token_create(actor=user, name="hotline", scope="write")
    assert client.get(f"/api/v1/workspaces/{inside}").status_code == 401
    auth = {"Authorization": f"Bearer {raw}"}
    response = client.get(f"/api/v1/workspaces/{inside}", headers=auth)
    assert response.status_code == 200
    assert response.json()["code"] == inside
    assert client.get(f"/api/v1/workspaces/{outside}", headers=auth).status_code == 404


@pytest.mark.parametrize("role", [Role.NATIONAL_ANALYST, Role.SYSTEM_ADMIN])
def test_a_national_grant_covers_every_province(client: Client, make_user: Callable[..., User],
                                                role: Role) -> None:
    client.force_login(make_user("national", role, ""))
    assert client.get("/workspace/84/").status_code == 200
    assert client.get("/workspace/10/").status_code == 200


def test_a_signed_in_user_without_any_role_is_refused(client: Client, stranger: User) -> None:
    client.force_login(stranger)
    assert client.get("/workspace/84/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_the_team_shows_people_of_the_area_and_above_but_not_of_other_areas(
        client: Client, officer: User, make_user: Callable[..., User]) -> None:
    make_user("vol.kotao", Role.VOLUNTEER, "840503", first_name="สุดา")
    make_user("vol.krabi", Role.VOLUNTEER, "810101", first_name="อนันต์")
    client.force_login(officer)
    body = client.get("/workspace/840503/").content.decode()
    assert "สุดา" in body and "สมศรี" in body
    assert "อนันต์" not in body


def test_api_operations_need_authentication_unless_declared_public(client: Client) -> None:
    schema = api.get_openapi_schema()
    public: set[str] = set()
    guarded: set[str] = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            (guarded if operation.get("security") else public).add(f"{method.upper()} {path}")
            url = path.replace("{code}", "840503")
            if operation.get("security"):
                response = client.generic(method.upper(), url, data="{}",
                                          content_type="application/json")
                assert response.status_code == 401, url
    assert public == {
        "GET /api/v1/geo/provinces", "GET /api/v1/geo/provinces/{code}/districts",
        "GET /api/v1/geo/districts/{code}/subdistricts",
        "GET /api/v1/geo/subdistricts/{code}/villages", "GET /api/v1/geo/search",
        # Intake's public door: a report, and its stage by reference number.
        "POST /api/v1/reports/public", "GET /api/v1/reports/public/{reference}",
        # Coverage: aggregates with small counts suppressed.
        "GET /api/v1/coverage/public", "GET /api/v1/coverage/public/{code}",
        "GET /api/v1/coverage/public/{code}/welfare", "GET /api/v1/coverage/public/{code}/giving",
        # Good stories once published.
        "GET /api/v1/learning/public/stories", "GET /api/v1/learning/public/stories/{story_id}",
        # Giving's public door: an offer, its stage, the needs board (suppressed).
        "POST /api/v1/giving/offers/public", "GET /api/v1/giving/offers/public/{reference}",
        "GET /api/v1/giving/needs/{code}",
    }
    assert "GET /api/v1/me" in guarded


def test_an_invalid_or_expired_token_is_refused(client: Client, officer: User) -> None:
    token, raw = api_token_create(actor=officer, name="x", scope="write")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer lnob_wrong").status_code == 401
    type(token).objects.filter(pk=token.pk).update(expires_at="2000-01-01T00:00:00Z")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_hotline_and_the_analyst_see_a_teams_roles_not_their_names_and_phones(
        client: Client, make_user: Callable[..., User], officer: User) -> None:
    coordinator = make_user("manop.k", Role.NETWORK_COORDINATOR, "8405", first_name="มานพ",
                            phone="081-000-0002")
    for role in (Role.HOTLINE_OPERATOR, Role.NATIONAL_ANALYST):
        client.force_login(make_user(f"u-{role}", role, ""))
        page = client.get("/workspace/8405/").content.decode()
        assert "มานพ" not in page and "081-000-0002" not in page, role
        api = client.get("/api/v1/workspaces/8405").json()
        assert {m["phone"] for m in api["team"]} == {""}
        assert coordinator.username not in str(api)
    # The province's officer works with the team: names and phones shown.
    client.force_login(officer)
    page = client.get("/workspace/8405/").content.decode()
    assert "มานพ" in page and "081-000-0002" in page
