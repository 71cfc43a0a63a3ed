"""Response headers that protect personal data: a Content-Security-Policy with
no inline script, no-store on personal data, and in production the admin and
the API documentation hidden from strangers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import lnob
from lnob.core.models import User

pytestmark = pytest.mark.django_db
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)


def test_every_page_forbids_inline_script(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_has_inline_script_or_event_handlers() -> None:
    found = []
    for path in Path(lnob.__file__).parent.rglob("templates/**/*.html"):
        text = path.read_text()
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            found.append(str(path))
    assert found == []


def test_personal_data_is_never_stored_by_the_browser(client: Client, officer: User) -> None:
    client.force_login(officer)
    for url in ("/persons/", "/", "/api/v1/persons"):
        assert "no-store" in client.get(url).headers.get("Cache-Control", ""), url
    # Public stories and geography may be cached.
    assert "no-store" not in Client().get("/stories/").headers.get("Cache-Control", "")


@pytest.fixture
def production(settings: Any) -> None:
    settings.PRODUCTION = True


@pytest.mark.usefixtures("production")
def test_in_production_admin_and_api_docs_do_not_exist_for_strangers(
        client: Client, officer: User) -> None:
    for url in ("/admin/", "/admin/login/", "/api/v1/docs", "/api/v1/openapi.json"):
        assert client.get(url).status_code == 404, url
    client.force_login(officer)
    assert client.get("/admin/").status_code == 404  # signed in, but not staff
    assert client.get("/api/v1/openapi.json").status_code == 200
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    assert client.get("/admin/").status_code in (200, 302)


@pytest.mark.usefixtures("production")
def test_in_production_a_token_opens_the_api_schema(officer: User) -> None:
    from lnob.testing import bearer

    assert Client().get("/api/v1/openapi.json", headers=bearer(officer, "read")).status_code == 200
