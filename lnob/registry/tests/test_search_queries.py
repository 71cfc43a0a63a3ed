"""Issue 21: the person search, asked on every officer's and coordinator's
round, runs a bounded number of queries however many persons it finds, and
reads the area filter's names once (not a province's districts and
subdistricts on every page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lnob.core.models import User
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db


def _search(client: Client, q: str) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/persons/", {"q": q})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode(), [
        c["sql"] for c in ctx.captured_queries]


def test_the_person_search_runs_at_most_ten_queries_whatever_it_finds(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สมหญิง", last_name="ใจดี")
    client.force_login(officer)
    _search(client, "ใจดี")  # the first page of the process reads the areas' names
    one, page, _sql = _search(client, "ใจดี")
    for i in range(30):
        make_person(first_name=f"คนที่{i}", last_name="ใจดี", citizen_id="",
                    no_citizen_id_reason="unknown")
    many, page_many, _sql = _search(client, "ใจดี")
    # session, user, grants, count, list, audit, pairs waiting, unverified IDs,
    # taxonomy (groups, needs): the areas' names come from the cache (13 before).
    assert many == one <= 10
    assert "สมหญิง" in page and page_many.count('href="/persons/') >= 31


def test_the_area_filter_names_are_read_once_then_kept(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สมหญิง", last_name="ใจดี")
    client.force_login(officer)
    _count, first, sql = _search(client, "ใจดี")

    def areas(sql: list[str]) -> list[str]:
        return [s for s in sql
                if s.startswith(('SELECT "geo_subdistrict"', 'SELECT "geo_district"'))]

    assert areas(sql)
    _count, again, sql = _search(client, "ใจดี")
    assert not areas(sql)
    assert "เกาะเต่า (เกาะพะงัน)" in again and "เกาะเต่า (เกาะพะงัน)" in first


def test_the_kept_area_names_follow_the_language_and_the_readers_areas(
        client: Client, officer: User, other_officer: User,
        make_person: Callable[..., Person], settings: Any) -> None:
    make_person(first_name="สมหญิง", last_name="ใจดี")
    client.force_login(officer)
    _search(client, "ใจดี")
    client.force_login(other_officer)  # another province: its own areas, not the first's
    _count, other, _sql = _search(client, "ใจดี")
    assert "เกาะเต่า (เกาะพะงัน)" not in other
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _count, english, _sql = _search(client, "ใจดี")
    assert "Ko Tao (Ko Pha-ngan)" in english or "Ko Tao" in english
    assert "เกาะเต่า (เกาะพะงัน)" not in english


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the trigram index is PostgreSQL's (SQLite scans)")
def test_the_name_search_is_answered_from_the_trigram_index(
        client: Client, officer: User, make_person: Callable[..., Person]) -> None:
    """The search's own statement (``name_key LIKE '%…%'``) can use the
    ``pg_trgm`` index: without it every search reads the whole province."""
    found = make_person(first_name="สมหญิง", last_name="ใจดี")
    # A province of 3,000 others with other names, its statistics read: the
    # planner's own choice, as on a real province (an empty table is scanned).
    others = []
    for i in range(3000):
        other = Person.objects.get(pk=found.pk)
        other.pk = other.id = None
        other.citizen_id = ""
        other.first_name, other.last_name = f"คนที่{i}", f"สกุล{i % 97}"
        other.name_key = f"คนที่{i} สกุล{i % 97}"
        others.append(other)
    Person.objects.bulk_create(others)
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: the GIN index's pending
        # entries merged, the table's statistics read.
        cursor.execute("SELECT gin_clean_pending_list('person_name_trgm')")
        cursor.execute("ANALYZE registry_person")
    client.force_login(officer)
    _count, page, sql = _search(client, "ใจดี")
    assert "สมหญิง" in page
    count = next(s for s in sql if s.startswith('SELECT COUNT(*)') and "name_key" in s)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + count)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_name_trgm" in plan, plan
