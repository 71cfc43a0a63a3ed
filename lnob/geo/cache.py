"""Areas are read on every report and page and change a few times a year:
their look-ups are kept in Django's cache (``CACHES`` in settings: a
local-memory cache in each process).

Keys carry a *generation*, kept in the cache itself: any change to a
province, district, subdistrict or village (signals, and the bulk loads,
which send none) moves it on, so the old entries are never read again. With
the local-memory cache each process has its own generation, so another
process sees a change after at most ``AREAS_TTL`` seconds; a shared cache
(Redis, memcached) makes it immediate everywhere. See docs/deploy.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")
GENERATION = "lnob:geo:generation"
AREAS_TTL = 300  # seconds


def areas_key(*parts: str) -> str:
    return f"lnob:geo:{cache.get(GENERATION, 0)}:" + ":".join(parts)


def cached_areas(key: str, compute: Callable[[], T]) -> T:
    full = areas_key(key)
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, AREAS_TTL)
    return value


def areas_changed(*args: Any, **kwargs: Any) -> None:
    """Forget every cached area look-up (connected to the geo models' saves
    and deletes; called by the bulk loads)."""
    try:
        cache.incr(GENERATION)
    except ValueError:  # not set yet, or evicted
        cache.set(GENERATION, 1, None)
