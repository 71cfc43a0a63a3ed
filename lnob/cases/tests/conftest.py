"""Fixtures of the case tests: a need, a network covering Ko Tao with room
for one, its volunteer (a user), and cases at each step."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.networks.models import Network, PartnerType, Volunteer
from lnob.registry.models import Need
from lnob.testing.cases import assigned_case, verified_case  # noqa: F401  (the case tests' helpers)


@pytest.fixture
def need(db: None) -> Need:
    return Need.objects.get(code="health", province_code="")


@pytest.fixture
def network(db: None) -> Network:
    net = Network.objects.create(name="เครือข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                 province_code="84", capacity=1)
    net.subdistricts.add(Subdistrict.objects.get(code="840503"))
    return net


@pytest.fixture
def carer_user(make_user: Callable[..., User]) -> User:
    return make_user("อพม.สมศรี", Role.VOLUNTEER, "840503")


@pytest.fixture
def volunteer(network: Network, carer_user: User) -> Volunteer:
    vol = Volunteer.objects.create(first_name="สมศรี", province_code="84", network=network,
                                   user=carer_user, capacity=1)
    vol.subdistricts.add(Subdistrict.objects.get(code="840503"))
    return vol



