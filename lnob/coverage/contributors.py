"""Figures that apps above coverage add to the roll-ups ("roll-up
contributors"), without coverage importing them (decision 0028).

An app on a higher layer — the giving centre (5b) — registers a
``Contributor`` in its ``AppConfig.ready``, as the inbox sections are
registered. Coverage calls it while it computes its rows:

- ``subdistricts(codes)``: the app's figures for these subdistricts (``None``:
  every subdistrict), ``{code: {key: whole number}}``; stored in the
  subdistrict row's ``contributed`` field under ``"<name>.<key>"``;
- ``areas(level, codes)``: the same figures for districts or provinces
  (``level`` ``"district"`` or ``"province"``; ``codes`` ``None`` for all),
  counted straight from the app's own tables by their district and province
  columns, so that a distinct count (givers) is distinct in the area and
  what belongs to a whole district (an offer for a district) is counted
  there. The nation is the sum of its provinces, as for networks.

Contributed figures change with capacity: the app sends
``core.signals.areas_changed`` from a sender that is not a person, case or
forum, and the refresh recomputes them with the rest of the capacity. A
contributor also says which figures give a subdistrict one of the five ก
(``five_k``: key → ``"k3"`` or ``"k4"``), and how its figures are shown
(``rows``: key → label, in order).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Figures = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Contributor:
    name: str
    subdistricts: Callable[[list[str] | None], Figures]
    areas: Callable[[str, list[str] | None], Figures]
    five_k: Mapping[str, str] = field(default_factory=dict)
    # What a page shows of an area's figures (its own keys, without the
    # prefix): (label, number) in order, worded when the page is drawn.
    show: Callable[[Mapping[str, int]], list[tuple[Any, int]]] | None = None
    title: Any = ""
    # Models whose ``areas_changed`` from a public door (inside
    # ``core.followups.deferred``) may wait for the worker's catch-up, like
    # public reports do: an offer from /give/.
    deferrable: tuple[type, ...] = ()


_REGISTRY: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Adds (or replaces, by name) a contributor; called from ``AppConfig.ready``."""
    _REGISTRY[contributor.name] = contributor


def contributors() -> list[Contributor]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def deferrable(sender: Any) -> bool:
    return any(sender in c.deferrable for c in _REGISTRY.values())


def _merge(into: dict[str, dict[str, int]], name: str, part: Figures,
           wanted: set[str] | None) -> None:
    for code, figures in part.items():
        if wanted is not None and code not in wanted:
            continue
        target = into.setdefault(code, {})
        for key, n in figures.items():
            if n:
                target[f"{name}.{key}"] = target.get(f"{name}.{key}", 0) + int(n)


def subdistrict_figures(codes: list[str] | None) -> Figures:
    """Every contributor's figures for these subdistricts, keys sorted."""
    out: Figures = {}
    for c in contributors():
        _merge(out, c.name, c.subdistricts(codes), None if codes is None else set(codes))
    return {code: dict(sorted(f.items())) for code, f in out.items()}


def area_figures(level: str, codes: list[str] | None) -> Figures:
    """Every contributor's figures for these districts or provinces."""
    out: Figures = {}
    for c in contributors():
        _merge(out, c.name, c.areas(level, codes), None if codes is None else set(codes))
    return {code: dict(sorted(f.items())) for code, f in out.items()}


def add(into: dict[str, int], other: Mapping[str, int], sign: int = 1) -> dict[str, int]:
    """``into += sign × other``, dropping zeros (a stable stored form)."""
    for key, n in other.items():
        value = into.get(key, 0) + sign * n
        if value:
            into[key] = value
        else:
            into.pop(key, None)
    return into


def five_k_held(contributed: Mapping[str, int] | None) -> set[str]:
    """The ก (``"k3"``, ``"k4"``) a subdistrict's contributed figures give it."""
    held: set[str] = set()
    for c in contributors():
        for key, k in c.five_k.items():
            if (contributed or {}).get(f"{c.name}.{key}", 0) > 0:
                held.add(k)
    return held


@dataclass
class Shown:
    title: Any
    rows: list[tuple[Any, int]]


def own(contributed: Mapping[str, int] | None, name: str) -> dict[str, int]:
    """A contributor's figures among an area's, without the prefix."""
    prefix = f"{name}."
    return {k[len(prefix):]: n for k, n in (contributed or {}).items() if k.startswith(prefix)}


def shown(contributed: Mapping[str, int] | None) -> list[Shown]:
    """What the pages show of an area's contributed figures, per contributor."""
    out = []
    for c in contributors():
        if c.show is not None:
            out.append(Shown(c.title, c.show(own(contributed, c.name))))
    return out
