"""Offers answered at the same moment, beside full rebuilds, on PostgreSQL
with real threads (each its own connection): the roll-ups end equal to a
direct count of the offers and ``lnob rollup --verify`` finds nothing.

PostgreSQL only (SQLite serialises writers): runs in ``make test-postgres``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from lnob.core import followups
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.coverage.models import AreaRollup
from lnob.coverage.rollup import rollup_full, rollup_verify
from lnob.giving import catalogue
from lnob.giving import services as giving
from lnob.giving.models import Offer
from lnob.giving.tests.conftest import submit
from lnob.networks.models import Network
from lnob.testing import in_parallel, reload_migration_data

OFFERS = 12


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in make test-postgres")
    reload_migration_data()
    catalogue.load(apps)


@pytest.mark.django_db(transaction=True)
def test_offers_answered_at_once_beside_rebuilds_are_all_counted(
        postgres: None, lead: Network, make_user: Callable[..., User]) -> None:
    coordinator = make_user("coordinator8405", Role.NETWORK_COORDINATOR, "8405")
    rollup_full()
    offers = [submit(kind="service", description=f"บริการ {i}", capacity=i + 1, skills=[],
                     giver_phone=f"08{i:08d}", ip=f"203.0.113.{i + 1}") for i in range(OFFERS)]
    followups.catch_up()

    def answer(offer: Any) -> Any:
        if offer == "rebuild":
            for _ in range(2):
                rollup_full()
            return None
        action = "accept" if offer.capacity % 3 else "decline"
        return giving.offer_step(actor=coordinator, offer=offer, action=action,
                                 expected_version=offer.version,
                                 reason="not_needed" if action == "decline" else "")

    results = in_parallel(answer, [*offers, "rebuild"])
    assert [r for r in results if isinstance(r, BaseException)] == []
    followups.catch_up()
    accepted = Offer.objects.filter(status="accepted")
    assert accepted.count() == len([o for o in offers if (o.capacity or 0) % 3])
    district = AreaRollup.objects.get(code="8405").contributed
    assert district["giving.offers.service.accepted"] == accepted.count()
    assert district["giving.accepted.service"] == sum(o.capacity or 0 for o in accepted)
    assert district["giving.givers"] == OFFERS
    assert AreaRollup.objects.get(code="").contributed["giving.givers"] == OFFERS
    assert rollup_verify() == []
