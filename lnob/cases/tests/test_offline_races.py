"""The same record sent many times at once (a phone retrying while an answer
is slow): one visit, one person, and every send answers it.

PostgreSQL only (SQLite serialises writers, so there is no race to show):
runs in ``make test-postgres``."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from lnob.cases.care import visit_sync
from lnob.cases.intake.services import Report, report_sync
from lnob.cases.models import Case, Visit
from lnob.cases.tests.conftest import assigned_case
from lnob.core.models import User
from lnob.networks.models import Volunteer
from lnob.registry.models import Need, Person
from lnob.testing import in_parallel, reload_migration_data

PARALLEL = 10


@pytest.fixture
def postgres(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in make test-postgres")
    reload_migration_data()


@pytest.mark.django_db(transaction=True)
def test_ten_sends_of_one_visit_at_once_record_it_once(
        postgres: None, officer: User, need: Need, volunteer: Volunteer,
        carer_user: User) -> None:
    case = assigned_case(officer, need, volunteer)
    key = uuid.uuid4()

    def send(_: int) -> int:
        fresh = Case.objects.get(pk=case.pk)
        visit, _created = visit_sync(actor=carer_user, case=fresh, client_key=key,
                                     visited_on=timezone.localdate(), done="เยี่ยม",
                                     expected_version=case.version)
        return visit.pk

    results = in_parallel(send, list(range(PARALLEL)))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert Visit.objects.count() == 1
    assert set(results) == {Visit.objects.get().pk}


@pytest.mark.django_db(transaction=True)
def test_ten_sends_of_one_report_at_once_file_one_person(
        postgres: None, carer_user: User, volunteer: Volunteer) -> None:
    key = uuid.uuid4()
    report = Report(first_name="ลุงมี", subdistrict_code="840503", summary="ไม่มีอาหาร")

    def send(_: int) -> int:
        case, _created = report_sync(actor=carer_user, report=report, client_key=key)
        return case.pk

    results = in_parallel(send, list(range(PARALLEL)))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert (Person.objects.count(), Case.objects.count()) == (1, 1)
    assert set(results) == {Case.objects.get().pk}
