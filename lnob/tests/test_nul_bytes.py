"""A NUL character in any search or filter, page or API, public or signed in,
is a clear 400 — never a 500 (PostgreSQL cannot compare text with NUL)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from lnob.core.middleware import declared_access
from lnob.core.models import User
from lnob.tests.test_access import walk

pytestmark = pytest.mark.django_db
PARAMS = ("q", "area", "status", "province", "tag", "kind", "page", "network", "group",
          "need", "severity", "reference", "search", "scope", "format")


def _plain_routes() -> list[str]:
    routes = []
    for route, pattern, ns in walk(get_resolver().url_patterns):
        if "<" in route or route.startswith("admin/") or "logout" in route:
            continue
        if declared_access(pattern.callback, ns) is None:
            continue
        routes.append("/" + route)
    return routes


def _api_routes(client: Client) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    return ["/api/v1" + p.removeprefix("/api/v1") for p, ops in schema["paths"].items()
            if "get" in ops and "{" not in p]


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_search_or_filter_fails_on_a_nul_character(client: Client, officer: User,
                                                      signed_in: bool) -> None:
    if signed_in:
        client.force_login(officer)
    urls = _plain_routes() + _api_routes(client)
    assert len(urls) > 40
    for url in urls:
        for name in PARAMS:
            response = client.get(url, {name: "เกาะ\x00เต่า"})
            assert response.status_code < 500, f"{url}?{name}="
        response = client.get(url, {"q": "a\x00"})
        assert response.status_code in (400, 302, 401, 403, 404, 405), url


def test_the_refusal_names_the_field_in_the_api(client: Client) -> None:
    response = client.get("/api/v1/geo/search", {"q": "เกาะ\x00"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"


def test_a_json_body_with_nul_is_refused(client: Client, officer: User) -> None:
    from lnob.testing import bearer

    response = client.post("/api/v1/reports/public", {"first_name": "ยาย\u0000แดง"},
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/persons", '{"first_name": "a\\u0000"}',
                           content_type="application/json", headers=bearer(officer))
    assert response.status_code == 400
    assert not re.search("Traceback", response.content.decode())
