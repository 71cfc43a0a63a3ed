from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, person_create
from lnob.testing.persons import person_data
from lnob.welfare.models import Scheme


@pytest.fixture
def make_person(officer: User) -> Callable[..., Person]:
    def make(actor: User | None = None, **overrides: Any) -> Person:
        consent = ConsentData(status="given", lawful_basis="consent", purposes=["welfare"])
        overrides.setdefault("citizen_id", "")
        overrides.setdefault("no_citizen_id_reason", "unknown")
        return person_create(actor=actor or officer, data=person_data(**overrides),
                             consent=consent)

    return make


def years_ago(n: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - n, day=1)


@pytest.fixture
def elder(make_person: Callable[..., Person]) -> Person:
    return make_person(first_name="บุญมี", birth_date=years_ago(75))


@pytest.fixture
def old_age(db: None) -> Scheme:
    return Scheme.objects.get(code="old_age_allowance")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.SYSTEM_ADMIN, "")


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coord840503", Role.NETWORK_COORDINATOR, "840503")


@pytest.fixture
def volunteer(make_user: Callable[..., User]) -> User:
    return make_user("vol840503", Role.VOLUNTEER, "840503")


@pytest.fixture
def fund(officer: User) -> Any:
    from lnob.networks.services.funds import FundData, fund_create

    return fund_create(actor=officer, data=FundData(
        name="กองทุนสวัสดิการชุมชนตำบลทดสอบ", kind="community_welfare", area_code="840503"))
