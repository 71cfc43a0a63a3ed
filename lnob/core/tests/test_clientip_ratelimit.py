"""The client's real address behind proxies, and limits counted atomically."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.test import RequestFactory

from lnob.core import ratelimit
from lnob.core.clientip import client_ip, parse_networks, rate_key
from lnob.core.models import RateCounter


def _request(remote: str, forwarded: str = "") -> Any:
    request = RequestFactory().get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.fixture
def behind_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXIES = parse_networks("127.0.0.1, 10.0.0.0/24")


def test_without_trusted_proxies_a_forwarded_header_changes_nothing(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ()
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_behind_a_proxy_the_client_is_the_right_most_untrusted_address() -> None:
    # nginx appends the address it saw: a forged left-most entry is ignored.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    # Two of our proxies in a row (load balancer then nginx).
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.5")) == "203.0.113.7"


@pytest.mark.usefixtures("behind_proxy")
def test_a_request_not_from_a_proxy_is_its_own_address() -> None:
    assert client_ip(_request("198.51.100.2", "1.2.3.4")) == "198.51.100.2"


@pytest.mark.usefixtures("behind_proxy")
def test_garbage_in_the_header_is_not_taken_for_an_address() -> None:
    assert client_ip(_request("127.0.0.1", "<script>, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("127.0.0.1", "203.0.113.7, not-an-ip")) == "127.0.0.1"


def test_ipv6_clients_are_counted_by_their_64() -> None:
    a, b = "2001:db8:1:2::1", "2001:db8:1:2:ffff::9"
    assert rate_key(a) == rate_key(b) == str(ipaddress.ip_network("2001:db8:1:2::/64"))
    assert rate_key("::ffff:203.0.113.7") == "203.0.113.7"


@pytest.mark.django_db
def test_a_limit_counts_a_sliding_hour() -> None:
    limit = ratelimit.Limit("test", 3, 3600)
    start = 1_800_000_000.0 - 1_800_000_000 % 3600
    assert all(ratelimit.hit(limit, "a", now=start + i) for i in range(3))
    assert not ratelimit.hit(limit, "a", now=start + 10)
    assert ratelimit.hit(limit, "b", now=start + 10)  # another client is not held back
    # Just after the window turns the previous one still counts almost whole…
    assert not ratelimit.hit(limit, "a", now=start + 3600 + 60)
    # …and most of an hour later it has slid out (the refused tries count too).
    assert ratelimit.remaining(limit, "a", now=start + 7000) == 1
    assert ratelimit.hit(limit, "a", now=start + 7000)
    assert RateCounter.objects.filter(key="test:a").count() == 2
