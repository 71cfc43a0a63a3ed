"""The last place of a carer goes to exactly one of many simultaneous
assignments: the carer's row is locked while its load is counted.

PostgreSQL only (SQLite serialises writers, so there is no race to show):
runs in ``make test-postgres``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lnob.cases.models import Case
from lnob.cases.services import case_step
from lnob.cases.tests.conftest import verified_case
from lnob.core.models import User
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import Need
from lnob.testing import in_parallel, reload_migration_data

PARALLEL = 20


def race(officer: User, cases: list[Case], **carer: Any) -> tuple[int, list[str]]:
    """Assigns each case to the carer at once, from one thread each."""

    def assign(case: Case) -> int:
        case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                  note="Proposed by matching run 1.", capacity_override="", **carer)
        return case.pk

    results = in_parallel(assign, cases)
    unexpected = [r for r in results
                  if isinstance(r, BaseException) and not isinstance(r, ValidationError)]
    assert unexpected == []
    refused = [m for r in results if isinstance(r, ValidationError)
               for m in r.message_dict.get("capacity", [])]
    return sum(isinstance(r, int) for r in results), refused


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in make test-postgres")
    reload_migration_data()


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_assignments_to_the_last_place_of_a_volunteer_give_one(
        postgres: None, officer: User, need: Need, volunteer: Volunteer,
        network: Network) -> None:
    network.capacity = 0        # not recorded: only the volunteer's own limit counts
    network.save()
    cases = [verified_case(officer, need, f"คนที่{i}") for i in range(PARALLEL)]
    placed, refused = race(officer, cases, volunteer_id=volunteer.pk)
    assert placed == 1
    assert Case.objects.filter(volunteer=volunteer, status="assigned").count() == 1
    assert len(refused) == PARALLEL - 1 and all(str(volunteer) in r for r in refused)


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_assignments_to_the_last_place_of_a_network_give_one(
        postgres: None, officer: User, need: Need, network: Network) -> None:
    cases = [verified_case(officer, need, f"คนที่{i}") for i in range(PARALLEL)]
    placed, refused = race(officer, cases, network_id=network.pk)
    assert placed == 1
    assert Case.objects.filter(network=network, status="assigned").count() == 1
    assert len(refused) == PARALLEL - 1 and all(network.name in r for r in refused)


@pytest.mark.django_db
def test_an_assignment_over_capacity_is_refused_unless_overridden_with_a_reason(
        officer: User, need: Need, volunteer: Volunteer, network: Network) -> None:
    first, second = (verified_case(officer, need, n) for n in ("หนึ่ง", "สอง"))
    case_step(actor=officer, case=first, action="assign", expected_version=first.version,
              volunteer_id=volunteer.pk, capacity_override="")
    with pytest.raises(ValidationError) as err:
        case_step(actor=officer, case=second, action="assign", expected_version=second.version,
                  volunteer_id=volunteer.pk, note="Proposed by matching run 1.",
                  capacity_override="")
    assert str(volunteer) in err.value.message_dict["capacity"][0]
    second.refresh_from_db()
    assert second.status == "verified" and second.volunteer_id is None
    second = case_step(actor=officer, case=second, action="assign",
                       expected_version=second.version, volunteer_id=volunteer.pk,
                       capacity_override="ไม่มีผู้อื่นบนเกาะ")
    event = second.events.last()
    assert event is not None and event.detail["capacity_override"] == "ไม่มีผู้อื่นบนเกาะ"
    assert str(volunteer) in event.detail["over_capacity"]


@pytest.mark.django_db
def test_reassigning_a_case_to_its_own_carer_is_not_over_capacity(
        officer: User, need: Need, volunteer: Volunteer) -> None:
    case = verified_case(officer, need)
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk, capacity_override="")
    case = case_step(actor=officer, case=case, action="assign", expected_version=case.version,
                     volunteer_id=volunteer.pk, capacity_override="")
    assert case.events.last().detail["over_capacity"] == []  # type: ignore[union-attr]
