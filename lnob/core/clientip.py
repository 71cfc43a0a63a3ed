"""The address of the client that sent a request, also behind proxies.

Behind a reverse proxy every request comes from the proxy's address; the
client's is in ``X-Forwarded-For``, to which each proxy *appends* the address it
received the request from. Anything left of the last proxy's entry was written
by the client and can be forged, so the client is the right-most address that
is not one of our own proxies (``LNOB_TRUSTED_PROXIES``). Without trusted
proxies the header is ignored: a forged header then changes nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> tuple[IPNetwork, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; a malformed entry raises ValueError
    (settings refuse to start with it)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in raw.split(",") if part.strip())


@lru_cache(maxsize=4096)
def _trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The real client's address, or None when there is no request."""
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    networks: tuple[IPNetwork, ...] = getattr(settings, "TRUSTED_PROXIES", ())
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(forwarded):
        address = _valid(hop)
        if address is None:
            return remote  # a hop our proxy would never write: trust nothing left of it
        if not _trusted(address, networks):
            return address
    return remote


def rate_key(address: str | None) -> str:
    """What a per-client limit counts: the address, or its /64 for IPv6 (one
    subscriber usually holds a whole /64, so counting single addresses in it
    would let one sender rotate through millions)."""
    if not address:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(ip)
