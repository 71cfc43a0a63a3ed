"""Issue 21 (decision 0036): the national page and the public dashboard keep
their rendered figures a minute — the same aggregates for every viewer — while
the header around them stays the viewer's own, the access rule still runs on
every request, and each choice in the address gets its own figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.coverage.rollup import rollup_full

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(people: Callable[..., list[Any]]) -> None:
    people(reported=3, verified=6, in_care=7)
    rollup_full()


def _get(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_national_page_is_kept_but_the_header_is_each_viewers_own(
        client: Client, make_user: Callable[..., User], stranger: User, data: None) -> None:
    client.force_login(make_user("analyst.a", Role.NATIONAL_ANALYST, "", first_name="อนงค์"))
    first_count, first = _get(client, "/coverage/")
    again_count, again = _get(client, "/coverage/")
    assert again_count < first_count and again_count <= 4  # session, user, grants
    assert "สุราษฎร์ธานี" in again
    client.force_login(make_user("analyst.b", Role.NATIONAL_ANALYST, "", first_name="บุญชู"))
    _count, other = _get(client, "/coverage/")
    assert "บุญชู" in other and "อนงค์" not in other
    assert "สุราษฎร์ธานี" in other
    client.force_login(stranger)  # the kept figures never pass the access rule by
    assert client.get("/coverage/").status_code == 403


def test_each_choice_in_the_address_gets_its_own_figures(
        client: Client, make_user: Callable[..., User], data: None) -> None:
    client.force_login(make_user("analyst", Role.NATIONAL_ANALYST, ""))
    _count, down = _get(client, "/coverage/?sort=found&dir=desc")
    _count, up = _get(client, "/coverage/?sort=found&dir=asc")
    assert down != up


def test_the_public_dashboard_is_kept_for_everyone_without_a_signed_in_name(
        client: Client, make_user: Callable[..., User], data: None) -> None:
    client.force_login(make_user("analyst", Role.NATIONAL_ANALYST, "", first_name="อนงค์"))
    _count, signed_in = _get(client, "/coverage/public/")
    assert "อนงค์" in signed_in
    client.logout()
    count, anonymous = _get(client, "/coverage/public/")
    assert count <= 1 and "อนงค์" not in anonymous
    assert "สุราษฎร์ธานี" in anonymous
