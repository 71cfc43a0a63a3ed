"""Twenty allocations from one stock at the same moment never take it below
zero: the stock's row is locked while it is counted (and the database
refuses a negative quantity anyway).

PostgreSQL only (SQLite serialises writers, so there is no race to show):
runs in ``make test-postgres``."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from lnob.core.errors import Refused
from lnob.core.models import User
from lnob.giving import catalogue
from lnob.giving import services as giving
from lnob.giving.models import Allocation, GoodsItem, Stock
from lnob.networks.models import Network
from lnob.registry.models import Need
from lnob.testing import in_parallel, reload_migration_data
from lnob.testing.cases import verified_case

PARALLEL, IN_STOCK = 20, 7


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in make test-postgres")
    reload_migration_data()
    catalogue.load(apps)


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_allocations_never_take_stock_below_zero(
        postgres: None, officer: User, lead: Network) -> None:
    need = Need.objects.get(code="daily_care", province_code="")
    diapers = GoodsItem.objects.get(code="adult_diapers", province_code="")
    stock = giving.stock_add(actor=officer, network=lead, item=diapers, quantity=IN_STOCK)
    persons = [verified_case(officer, need, f"คนที่{i}").person for i in range(PARALLEL)]

    def give(person: object) -> int:
        return giving.allocate(actor=officer, person=person, stock=stock,  # type: ignore[arg-type]
                               quantity=1).pk

    results = in_parallel(give, persons)
    unexpected = [r for r in results if isinstance(r, BaseException)
                  and not isinstance(r, Refused)]
    assert unexpected == []
    assert sum(isinstance(r, int) for r in results) == IN_STOCK
    assert sum(isinstance(r, Refused) and r.code == "stock_short" for r in results) == \
        PARALLEL - IN_STOCK
    assert Stock.objects.get(pk=stock.pk).quantity == 0
    assert Allocation.objects.count() == IN_STOCK
