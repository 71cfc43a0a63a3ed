"""Pairs put in the review queue by other doors than a duplicate search: an import
that kept a row as a new person beside a likely duplicate (one the engine is not
sure of, or one outside the importing user's areas). Inside the caller's
transaction; the officers whose areas hold either record see the pair."""

from __future__ import annotations

from typing import Any

from lnob.dedup.models import CandidatePair
from lnob.registry.models import Person


def pairs_propose(pairs: list[tuple[int, int, dict[str, Any] | None]]) -> int:
    """(new person, likely duplicate, the engine's evidence or None) → pending pairs.
    A pair already known (whatever its decision) is left as it is. Returns how many
    were queued."""
    wanted = {(min(a, b), max(a, b)): evidence for a, b, evidence in pairs if a != b}
    if not wanted:
        return 0
    ids = sorted({i for key in wanted for i in key})
    provinces: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        provinces.update(Person.objects.filter(pk__in=ids[start:start + 900]).values_list(
            "pk", "province_code"))
    known: set[tuple[int, int]] = set()
    lefts = sorted({k[0] for k in wanted})
    for start in range(0, len(lefts), 900):
        known.update(CandidatePair.objects.filter(left_id__in=lefts[start:start + 900])
                     .values_list("left_id", "right_id"))
    new = []
    for (left, right), evidence in sorted(wanted.items()):
        if (left, right) in known:
            continue
        found = (evidence or {}).get("evidence") or {}
        probability = float((evidence or {}).get("probability", 0.99))
        new.append(CandidatePair(
            left_id=left, right_id=right, left_province=provinces.get(left, ""),
            right_province=provinces.get(right, ""), probability=probability,
            match_weight=float(found.get("match_weight", 0.0)), suggestion="review",
            thin=bool(found.get("thin")),
            evidence=found or {"fields": [], "reason": "same_citizen_id"}))
    CandidatePair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)
