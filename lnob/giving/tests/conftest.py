"""Fixtures of the giving tests: Ko Tao's lead network, its coordinator (on
the district of Ko Pha-ngan), and offers filed through the public service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.geo.models import Subdistrict
from lnob.giving import services as giving
from lnob.giving.models import GoodsItem, Offer
from lnob.networks.models import Network, PartnerType
from lnob.testing.cases import need  # noqa: F401 — the shared fixture

KO_TAO, KRABI = "840503", "810101"


def public_request(ip: str = "203.0.113.7") -> Any:
    """An anonymous request from ``ip`` (the public page's)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().post("/give/", REMOTE_ADDR=ip)
    request.user = AnonymousUser()
    return request


@pytest.fixture
def lead(db: None) -> Network:
    net = Network.objects.create(name="แม่ข่ายเกาะเต่า", partner_type=PartnerType.COMMUNITY,
                                 province_code="84", is_lead=True, capacity=20)
    net.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))
    return net


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coordinator8405", Role.NETWORK_COORDINATOR, "8405")


@pytest.fixture
def other_coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coordinator8101", Role.NETWORK_COORDINATOR, "8101")


def offer_data(**overrides: Any) -> giving.OfferData:
    values: dict[str, Any] = {
        "kind": "time", "giver_name": "สมใจ อาสาดี", "giver_phone": "0812345678",
        "area_code": KO_TAO, "consent": True, "skills": ["visiting", "caring"],
        "when": "เสาร์-อาทิตย์"}
    values.update(overrides)
    return giving.OfferData(**values)


def submit(ip: str = "203.0.113.7", **overrides: Any) -> Offer:
    return giving.offer_submit(data=offer_data(**overrides), request=public_request(ip))


@pytest.fixture
def diapers(db: None) -> GoodsItem:
    return GoodsItem.objects.get(code="adult_diapers", province_code="")
