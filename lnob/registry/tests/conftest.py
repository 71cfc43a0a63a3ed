from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, person_create
from lnob.registry.taxonomy import Need, TargetGroup
from lnob.testing.accounts import officer_account  # noqa: F401  (the browser test's fixture)
from lnob.testing.persons import VALID_ID, person_data  # noqa: F401  (shared helpers)


@pytest.fixture
def need_health(db: None) -> Need:
    return Need.objects.get(code="health", province_code="")


@pytest.fixture
def group_elderly(db: None) -> TargetGroup:
    return TargetGroup.objects.get(code="in_hardship", province_code="")


@pytest.fixture
def make_person(officer: User) -> Callable[..., Person]:
    def make(actor: User | None = None, **overrides: Any) -> Person:
        consent = ConsentData(status="given", lawful_basis="consent", purposes=["care"])
        return person_create(actor=actor or officer, data=person_data(**overrides),
                             consent=consent)

    return make
