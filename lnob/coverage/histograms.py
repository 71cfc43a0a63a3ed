"""Histograms kept in the roll-ups, and what is read from them. Pure (no
database): ``{key: count}`` dictionaries as JSON stores them (keys are text).

Medians at a district, province or the nation are exact: the day-count
histograms of the subdistricts are added up, and the median is read from the
sum — no median of medians.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

Histogram = dict[str, int]


def add(into: Histogram, other: Mapping[str, int]) -> Histogram:
    for key, count in other.items():
        if count:
            into[key] = into.get(key, 0) + count
    return into


def merged(histograms: Iterable[Mapping[str, int]]) -> Histogram:
    total: Histogram = {}
    for h in histograms:
        add(total, h)
    return dict(sorted(total.items()))


def nested_merged(items: Iterable[Mapping[str, Mapping[str, int]]]) -> dict[str, Histogram]:
    total: dict[str, Histogram] = {}
    for item in items:
        for key, h in item.items():
            add(total.setdefault(key, {}), h)
    return {k: dict(sorted(v.items())) for k, v in sorted(total.items()) if v}


def size(h: Mapping[str, int]) -> int:
    return sum(h.values())


def median(h: Mapping[str, int]) -> float | None:
    """The median of a histogram of whole numbers ({"3": 2, "10": 1} → 3)."""
    n = size(h)
    if n == 0:
        return None
    values = sorted((int(k), c) for k, c in h.items() if c)
    lower_rank, upper_rank = (n - 1) // 2, n // 2
    lower = upper = values[-1][0]
    seen = 0
    found_lower = False
    for value, count in values:
        if not found_lower and seen + count > lower_rank:
            lower, found_lower = value, True
        if seen + count > upper_rank:
            upper = value
            break
        seen += count
    return (lower + upper) / 2


def up_to(h: Mapping[str, int], day: datetime.date) -> int:
    """How many entries are dated on or before ``day`` (ISO date keys)."""
    last = day.isoformat()
    return sum(c for k, c in h.items() if k <= last)


def before(h: Mapping[str, int], day: datetime.date) -> int:
    """How many entries are dated strictly before ``day``."""
    first = day.isoformat()
    return sum(c for k, c in h.items() if k < first)


def first_key(h: Mapping[str, int]) -> str | None:
    keys = [k for k, c in h.items() if c]
    return min(keys) if keys else None


def cumulative(h: Mapping[str, int], months: list[str]) -> list[int]:
    """Running totals at the end of each month ("YYYY-MM") of ``months``."""
    out, running = [], 0
    ordered = sorted(h.items())
    i = 0
    for month in months:
        while i < len(ordered) and ordered[i][0] <= month:
            running += ordered[i][1]
            i += 1
        out.append(running)
    return out


def month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out
