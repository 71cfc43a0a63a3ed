"""Offers, givers and offers accepted on the public dashboard
(``/coverage/public/``, issue 17): coverage hears them from giving's
registered provider; each column is suppressed with its total (no count
under 5, none that can be worked out: LP-checked), never a giver."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from lnob.coverage.public_tables import giving_table
from lnob.coverage.rollup import rollup_full
from lnob.geo.models import Subdistrict
from lnob.giving.models import Offer, OfferKind, OfferStatus
from lnob.giving.selectors import counts_by_child_area
from lnob.testing.suppression import assert_safe

pytestmark = pytest.mark.django_db


def offers(code: str, n: int, accepted: int, phones: int, **fields: Any) -> None:
    sub = Subdistrict.objects.get(code=code)
    for i in range(n):
        Offer.objects.create(kind=OfferKind.TIME, giver_name="ผู้ให้ใจดี",
                             giver_phone=f"08{code}{i % phones:02d}",
                             status=OfferStatus.ACCEPTED if i < accepted else
                             OfferStatus.RECEIVED, area_code=code, subdistrict=sub,
                             district_code=code[:4], province_code=code[:2],
                             consent_at=timezone.now(), **fields)


@pytest.fixture
def given(db: None) -> None:
    offers("840503", 14, accepted=7, phones=9)
    offers("840101", 9, accepted=6, phones=9)
    offers("810101", 3, accepted=1, phones=2)  # Krabi: small
    rollup_full()
    cache.clear()


def columns(rows: list[list[Any]], total: list[Any]) -> list[list[list[Any]]]:
    return [[[row[c], row[c]] for row in rows] + [[total[c], total[c]]]
            for c in range(len(total))]


def test_the_dashboard_counts_offers_givers_and_accepted_per_province(
        client: Client, given: None) -> None:
    raw = counts_by_child_area("", 2)
    assert raw["84"] == {"offers": 23, "givers": 18, "accepted": 13}
    table = giving_table("")
    assert table is not None
    cells = {code: row[1:] for code, row in zip(table.codes, table.rows, strict=True)}
    for column in columns(list(cells.values()), table.total[1:]):  # type: ignore[index]
        assert_safe(column)
    assert cells["81"] == ["<5", "<5", "<5"]
    page = client.get("/coverage/public/").content.decode()
    assert 'id="table-giving"' in page and "ผู้ให้ใจดี" not in page and "0884050300" not in page


def test_a_province_page_shows_its_districts(client: Client, given: None) -> None:
    table = giving_table("84")
    assert table is not None
    cells = {code: row[1:] for code, row in zip(table.codes, table.rows, strict=True)}
    for column in columns(list(cells.values()), table.total[1:]):  # type: ignore[index]
        assert_safe(column)
    assert cells["8405"][0] in (14, "×") and cells["8401"][0] in (9, "×")
    page = client.get("/coverage/public/84/")
    assert page.status_code == 200 and 'id="table-giving"' in page.content.decode()
    api = client.get("/api/v1/coverage/public/84/giving").json()
    assert {r["code"]: list(r["cells"].values()) for r in api["rows"]} == cells
    assert api["columns"] == ["offers", "givers", "accepted"]
