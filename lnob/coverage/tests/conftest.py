"""Fixtures of the coverage tests: people at each step of the workflow in Ko
Tao (840503), a network and a volunteer covering it, and the roll-ups built."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from lnob.cases.care import visit_log
from lnob.cases.models import Case
from lnob.cases.services import case_open, case_step
from lnob.core.models import User
from lnob.coverage.rollup import rollup_full
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need, Person
from lnob.registry.services import person_create
from lnob.testing import today
from lnob.testing.persons import person_data

KO_TAO = "840503"


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with commit(): …`` — tests run inside a transaction that never
    commits: run the on-commit work (the roll-up refresh) when the block ends,
    as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def need(db: None) -> Need:
    return Need.objects.get(code="health", province_code="")


@pytest.fixture
def network(db: None, need: Need) -> Network:
    net = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                 province_code="84", capacity=10, is_lead=True)
    net.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    net.needs.add(need)
    return net


@pytest.fixture
def volunteer(network: Network) -> Volunteer:
    vol = Volunteer.objects.create(first_name="สมศรี", province_code="84", network=network,
                                   capacity=5)
    vol.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    return vol


def new_person(officer: User, need: Need, name: str, code: str = KO_TAO) -> Person:
    return person_create(actor=officer, data=person_data(
        first_name=name, citizen_id="", no_citizen_id_reason="unknown", needs={need.pk: 3},
        subdistrict_code=code))


@pytest.fixture
def people(officer: User, need: Need, volunteer: Volunteer,
           commit: Callable[[], Any]) -> Callable[..., list[Case]]:
    """``people(reported=2, verified=1, in_care=1)``: cases at those steps,
    each step committed (so the roll-ups follow)."""

    def make(reported: int = 0, verified: int = 0, assigned: int = 0, in_care: int = 0,
             code: str = KO_TAO, prefix: str = "คน") -> list[Case]:
        with commit():
            return _make(reported, verified, assigned, in_care, code, prefix)

    def _make(reported: int, verified: int, assigned: int, in_care: int, code: str,
              prefix: str) -> list[Case]:
        cases = []
        wanted = ["reported"] * reported + ["verified"] * verified + ["assigned"] * assigned \
            + ["in_care"] * in_care
        for i, target in enumerate(wanted):
            person = new_person(officer, need, f"{prefix}{target}{i}", code)
            case = case_open(actor=officer, person=person)
            if target != "reported":
                case = case_step(actor=officer, case=case, action="verify",
                                 expected_version=case.version)
            if target in ("assigned", "in_care"):
                case = case_step(actor=officer, case=case, action="assign",
                                 expected_version=case.version, volunteer_id=volunteer.pk,
                                 note="ทดสอบ: มอบหมายเกินกำลังได้")
            if target == "in_care":
                visit_log(actor=officer, case=case, visited_on=today(), done="เยี่ยมบ้าน",
                          next_visit_on=today() + datetime.timedelta(days=14),
                          expected_version=case.version)
                case.refresh_from_db()
            cases.append(case)
        return cases

    return make


@pytest.fixture
def built(db: None) -> None:
    rollup_full()
