"""Cases at a given step, opened and moved through the case services."""

from __future__ import annotations

import pytest

from lnob.cases.models import Case
from lnob.cases.services import case_open, case_step
from lnob.core.models import User
from lnob.networks.models import Volunteer
from lnob.registry.models import Need
from lnob.registry.services import person_create
from lnob.testing.persons import person_data


@pytest.fixture
def need(db: None) -> Need:
    """The national "health" need."""
    return Need.objects.get(code="health", province_code="")


def verified_case(officer: User, need: Need, name: str = "สมชาย") -> Case:
    person = person_create(actor=officer, data=person_data(
        first_name=name, citizen_id="", no_citizen_id_reason="unknown", needs={need.pk: 3}))
    case = case_open(actor=officer, person=person)
    return case_step(actor=officer, case=case, action="verify", expected_version=case.version)


def assigned_case(officer: User, need: Need, volunteer: Volunteer, name: str = "สมชาย") -> Case:
    case = verified_case(officer, need, name)
    return case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk)
