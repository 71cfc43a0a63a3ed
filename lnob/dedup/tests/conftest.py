from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, PersonData, person_create
from lnob.testing.accounts import officer_account  # noqa: F401  (the browser test's fixture)

# Two check-digit-valid IDs one digit apart (a typing mistake), and another person's.
ID_A = "1101700203441"
ID_A_TYPO = "1111700203441"  # the 3rd digit: the check digit cannot see it
ID_B = "3100600123450"


def person_data(**overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "first_name": "สมชาย", "last_name": "ใจดี", "title": "นาย", "sex": "M",
        "subdistrict_code": "840503", "source": "network", "citizen_id": ID_A,
        "birth_date": datetime.date(1950, 3, 14), "phone": "0812345678",
        "house_number": "12",
    }
    values.update(overrides)
    return PersonData(**values)


@pytest.fixture
def make_person(officer: User) -> Callable[..., Person]:
    def make(actor: User | None = None, consent: str | None = "given",
             purposes: list[str] | None = None, **overrides: Any) -> Person:
        data = None if consent is None else ConsentData(
            status=consent, lawful_basis="consent" if consent == "given" else "vital_interest",
            purposes=purposes if purposes is not None else ["care", "sharing"])
        return person_create(actor=actor or officer, data=person_data(**overrides),
                             consent=data)

    return make
