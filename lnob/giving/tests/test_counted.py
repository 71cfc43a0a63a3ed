"""Offers, givers and accepted capacity in the coverage roll-ups (issue 17,
"Counted"): after a sequence of changes through the services, the stored
figures of the subdistrict, its district, province and the nation equal a
direct count of the offers, `lnob rollup --verify` finds nothing, and
five-ก readiness takes accepted services and goods (never a volunteer twice)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core import followups
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.coverage.models import AreaRollup, SubdistrictSummary
from lnob.coverage.roadmap import progress
from lnob.coverage.rollup import rollup_full, rollup_verify
from lnob.geo.models import Subdistrict
from lnob.geo.population import population_load
from lnob.giving import services as giving
from lnob.giving.models import GoodsItem, Offer
from lnob.giving.tests.conftest import KO_TAO, submit
from lnob.networks.models import Fund, FundKind, Network

pytestmark = pytest.mark.django_db
GIVERS = "givers_per_1000"

KO_PHANGAN = "8405"


def direct(offers: list[Offer]) -> dict[str, int]:
    """The giving figures of a set of offers, counted here in Python."""
    out: Counter[str] = Counter()
    for o in offers:
        out[f"giving.offers.{o.kind}.{o.status}"] += 1
        accepted = o.status in ("accepted", "used")
        if accepted and o.kind == "time" and o.volunteer_id:
            out["giving.accepted.volunteers"] += 1
        if accepted and o.kind == "goods":
            out["giving.accepted.goods"] += o.quantity or 0
        if accepted and o.kind == "service":
            out["giving.accepted.service"] += o.capacity or 0
        if o.kind == "pledge" and o.fund_transaction_id:
            out["giving.pledges.received"] += 1
            out["giving.pledges.received_baht"] += int(o.amount or 0)
    out["giving.givers"] = len({o.giver_phone for o in offers})
    return {k: v for k, v in out.items() if v}


def giving_part(figures: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in figures.items() if k.startswith("giving.")}


def stored(code: str) -> dict[str, int]:
    row: Any = SubdistrictSummary.objects.get(code=code) if len(code) == 6 else \
        AreaRollup.objects.get(code=code)
    return giving_part(row.contributed)


def step(actor: User, offer: Offer, action: str, **kwargs: Any) -> Offer:
    offer.refresh_from_db()
    return giving.offer_step(actor=actor, offer=offer, action=action,
                             expected_version=offer.version, **kwargs)


def test_roll_ups_equal_a_direct_count_after_a_sequence_of_changes(
        lead: Network, officer: User, coordinator: User,
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    rollup_full()
    diapers = GoodsItem.objects.get(code="adult_diapers", province_code="")
    fund = Fund.objects.create(name="กองทุนสวัสดิการชุมชนเกาะเต่า", province_code="84",
                               area_code=KO_TAO, kind=FundKind.COMMUNITY_WELFARE)
    with django_capture_on_commit_callbacks(execute=True):
        time_offer = submit()
        submit(giver_phone="0899999999", ip="203.0.113.8")  # another giver, declined below
        service = submit(giver_phone="0899999999", kind="service", description="อาหารจากวัด",
                         capacity=5, skills=[], ip="203.0.113.8")
        goods = submit(kind="goods", goods_item=diapers.pk, quantity=12, skills=[],
                       giver_phone="0811111111", ip="203.0.113.9")
        whole_district = submit(area_code=KO_PHANGAN, giver_phone="0822222222",
                                ip="203.0.113.10")
        pledge = submit(kind="pledge", fund=fund.pk, amount="1500", skills=[],
                        giver_phone="0833333333", ip="203.0.113.11")
    # Public offers are counted by the worker's catch-up, as public reports are.
    followups.catch_up()
    offers = list(Offer.objects.all())
    assert stored(KO_TAO) == direct([o for o in offers if o.subdistrict_id == KO_TAO])
    assert stored(KO_PHANGAN) == direct(offers)  # the whole-district offer counts here
    with django_capture_on_commit_callbacks(execute=True):
        step(coordinator, time_offer, "accept", checks_done=True)
        step(coordinator, service, "accept")
        step(coordinator, goods, "accept")
        step(officer, pledge, "accept")
        giving.pledge_receive(actor=officer, offer=Offer.objects.get(pk=pledge.pk),
                              date=timezone.localdate())
        step(coordinator, Offer.objects.get(giver_phone="0899999999", kind="time"), "decline",
             reason="not_needed")
        step(coordinator, whole_district, "contact")
    offers = list(Offer.objects.all())
    assert stored(KO_TAO) == direct([o for o in offers if o.subdistrict_id == KO_TAO])
    for area in (KO_PHANGAN, "84", ""):
        assert stored(area) == direct(offers), area
    figures = stored(KO_PHANGAN)
    assert figures["giving.givers"] == 5 and figures["giving.accepted.volunteers"] == 1
    assert figures["giving.accepted.goods"] == 12 and figures["giving.accepted.service"] == 5
    assert figures["giving.pledges.received_baht"] == 1500
    assert rollup_verify() == []


def test_five_k_takes_accepted_services_and_goods_and_never_a_volunteer_twice(
        lead: Network, coordinator: User,
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    rollup_full()
    row = SubdistrictSummary.objects.get(code=KO_TAO)
    assert (row.volunteers, row.has_fund) == (0, False)
    area = AreaRollup.objects.get(code=KO_PHANGAN)
    k3, k4 = area.k3, area.k4
    with django_capture_on_commit_callbacks(execute=True):
        service = submit(kind="service", description="อาหารจากวัด", capacity=5, skills=[])
        goods = submit(kind="goods", goods_item=GoodsItem.objects.get(
            code="adult_diapers", province_code="").pk, quantity=4, skills=[],
            ip="203.0.113.9")
        time_offer = submit(ip="203.0.113.10")
    followups.catch_up()
    assert AreaRollup.objects.get(code=KO_PHANGAN).k3 == k3  # offered is not accepted
    with django_capture_on_commit_callbacks(execute=True):
        step(coordinator, service, "accept")
        step(coordinator, goods, "accept")
        step(coordinator, time_offer, "accept", checks_done=True)
    area = AreaRollup.objects.get(code=KO_PHANGAN)
    assert (area.k3, area.k4) == (k3 + 1, k4 + 1)
    row = SubdistrictSummary.objects.get(code=KO_TAO)
    # The accepted time offer is one volunteer, counted once.
    assert row.volunteers == 1 and row.contributed["giving.accepted.volunteers"] == 1
    assert rollup_verify() == []


def test_every_coverage_level_shows_the_offers(
        client: Client, lead: Network, officer: User, coordinator: User,
        make_user: Callable[..., User]) -> None:
    first = submit()
    submit(giver_phone="0899999999", ip="203.0.113.8")
    submit(area_code=KO_PHANGAN, giver_phone="0899999999", ip="203.0.113.8")
    giving.offer_step(actor=coordinator, offer=first, action="accept",
                      expected_version=first.version, checks_done=True)
    rollup_full()
    client.force_login(officer)

    def shown(code: str) -> list[int]:
        page = client.get(f"/coverage/{code}/" if code else "/coverage/").content.decode()
        section = page[page.index("data-contributed"):]
        section = section[:section.index("</dl>")]
        return [int(n.replace(",", "")) for n in re.findall(r"<dd>([\d,]+)</dd>", section)]

    # Offers, givers first: the subdistrict's own two, then the district's three.
    assert shown(KO_TAO)[:2] == [2, 2]
    assert shown(KO_PHANGAN)[:2] == [3, 2]
    assert shown("84")[:2] == [3, 2]
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, "")
    client.force_login(analyst)
    assert shown("")[:2] == [3, 2]  # /coverage/: the national page
    # The nation adds up its provinces, and says so (a giver may offer in two).
    assert "นับหนึ่งครั้งในแต่ละจังหวัด" in client.get("/coverage/").content.decode()
    client.force_login(officer)
    api = client.get("/api/v1/coverage/figures", {"area": KO_PHANGAN}).json()
    assert api["contributed"]["giving.givers"] == 2
    assert api["figures"]["offers"] == 3 and api["figures"]["givers"] == 2
    assert {w["scheme"] for w in api["welfare"]} >= {"old_age_allowance"}


def test_givers_per_thousand_on_the_roadmap(
        client: Client, officer: User,
        django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    rollup_full()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            Offer.objects.create(kind="time", giver_name="ผู้ให้", giver_phone=f"08100000{i}0",
                                 area_code=KO_TAO, subdistrict_id=KO_TAO,
                                 district_code=KO_PHANGAN, province_code="84")
        population_load("subdistrict_code,total\n" + "".join(
            f"{c},500\n" for c in Subdistrict.objects.filter(province_id="84")
            .values_list("code", flat=True)), year=2024, source="test")
    rollup_full()  # the offers were written here without the service's signal
    residents = 500 * Subdistrict.objects.filter(province_id="84").count()
    row = next(r for m in progress("84") for r in m.rows if r.indicator.code == GIVERS)
    assert row.actual == pytest.approx(1000 * 3 / residents)
    assert row.national is None  # the rest of Thailand has no population loaded
    client.force_login(officer)
    page = client.get("/coverage/84/roadmap/").content.decode()
    assert "population not loaded" in page or "ยังไม่ได้นำเข้าจำนวนประชากร" in page
