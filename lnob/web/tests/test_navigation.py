"""The header offers only what the role may open (issue 16): no header link
answers 403 or 404 for any demo role, "API tokens" only for the roles that
connect systems, and the main places of each role."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lnob.core.models import User
from lnob.core.roles import Role

pytestmark = pytest.mark.django_db

# The demo accounts' roles and areas (lnob/demo), and a stranger with none.
DEMO_ROLES = [
    ("admin", Role.SYSTEM_ADMIN, ""),
    ("analyst", Role.NATIONAL_ANALYST, ""),
    ("officer", Role.PROVINCIAL_OFFICER, "84"),
    ("committee", Role.COMMITTEE_MEMBER, "84"),
    ("coordinator", Role.NETWORK_COORDINATOR, "8405"),
    ("volunteer", Role.VOLUNTEER, "840503"),
    ("hotline", Role.HOTLINE_OPERATOR, ""),
    ("stranger", None, ""),
]
HEADER = re.compile(r"<header class=\"top\">(.*?)</header>", re.S)
HREF = re.compile(r"<a [^>]*href=\"(/[^\"]*)\"")


def header_links(html: str) -> list[str]:
    match = HEADER.search(html)
    assert match, "no header"
    return sorted(set(HREF.findall(match.group(1))))


@pytest.mark.parametrize(("name", "role", "area"), DEMO_ROLES)
def test_no_header_link_answers_403_or_404_for_the_role_that_sees_it(
        client: Client, make_user: Callable[..., User], name: str, role: Role | None,
        area: str) -> None:
    client.force_login(make_user(name, role, area))
    links = header_links(client.get("/").content.decode())
    assert "/" in links
    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url, response.status_code)


def test_the_public_header_leads_to_reporting_and_every_link_opens(client: Client) -> None:
    links = header_links(client.get("/").content.decode())
    assert "/report/" in links
    for url in links:
        assert client.get(url, follow=True).status_code == 200, url


def test_a_volunteer_is_offered_neither_forums_transfers_nor_api_tokens(
        client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("volunteer", Role.VOLUNTEER, "840503"))
    links = header_links(client.get("/").content.decode())
    for refused in ("/forums/", "/transfers/", "/accounts/tokens/", "/imports/", "/audit/"):
        assert refused not in links
    assert "/cases/report/" in links and "/cases/" in links


def test_api_tokens_are_in_the_menu_of_the_roles_that_connect_systems(
        client: Client, make_user: Callable[..., User]) -> None:
    client.force_login(make_user("hotline", Role.HOTLINE_OPERATOR, ""))
    assert "/accounts/tokens/" in header_links(client.get("/").content.decode())
    client.force_login(make_user("committee", Role.COMMITTEE_MEMBER, "84"))
    assert "/accounts/tokens/" not in header_links(client.get("/").content.decode())


def test_each_role_has_at_most_four_main_places(
        client: Client, make_user: Callable[..., User]) -> None:
    for name, role, area in DEMO_ROLES:
        client.force_login(make_user(name, role, area))
        html = client.get("/").content.decode()
        places = re.search(r"<nav class=\"places\"[^>]*>(.*?)</nav>", html, re.S)
        assert places is not None
        assert 1 <= len(HREF.findall(places.group(1))) <= 4, name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "role", "area"), [r for r in DEMO_ROLES if r[1]] + [
    ("anonymous", None, "")])
def test_the_header_is_at_most_two_lines_on_a_phone(
        live_server: Any, browser: Any, name: str, role: Role | None, area: str) -> None:
    from lnob.conftest import PASSWORD, sign_in
    from lnob.core.services import role_grant
    from lnob.geo.loader import load_geography
    from lnob.geo.models import District, Province, Subdistrict

    load_geography(Province, District, Subdistrict)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    page = context.new_page()
    if role is not None:
        from django.contrib.auth.hashers import make_password

        user = User.objects.create(username=name, first_name="ประเสริฐศักดิ์",
                                   last_name="ร่วมใจสามัคคี", password=make_password(PASSWORD))
        role_grant(actor=None, user=user, role=role, area_code=area)
        sign_in(page, live_server.url, name)
    for lang in ("th", "en"):
        page.goto(live_server.url + "/")
        if page.locator("html").get_attribute("lang") != lang:
            page.locator("form.lang button").click()
            page.wait_for_load_state()
        height = page.locator("header.top").bounding_box()["height"]
        assert height <= 120, (name, lang, height)
        # The menu opens without JavaScript and lists the pages.
        page.locator("details.menu summary").click()
        assert page.locator(".menu-panel a").first.is_visible()
    context.close()
