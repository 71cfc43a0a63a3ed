"""Likely duplicates of a person being entered, shown before saving (the registry
form, the hotline and networks' report forms, the API, the import preview).

The candidates are the persons sharing a blocking key with the new record, found in
the key table by index; each is scored with the model's weights (``Model.score``) and
the live frequency of its first name.

A candidate the user may not see is never described: not its province, not how
likely it is, not which fields agree — otherwise the check would tell anyone
with a name and a birth date where a person is registered. The user reads only
that a possible match exists outside their area; once the new record is saved,
the pair goes to the review queue of the officers who may see both
(:func:`queue_hidden_matches`). Checks are counted per user and audited with
the ids of every record they matched, seen or not."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from lnob.core import ratelimit
from lnob.dedup.engine import Features, Match, PersonRecord, blocking_keys, normalise
from lnob.dedup.engine.features import features_from_row
from lnob.dedup.engine.model import Model, TermFrequencies
from lnob.dedup.models import BlockingKey, PersonFeatures
from lnob.dedup.store import STORED, key_hash
from lnob.dedup.trained import current_model
from lnob.registry.models import Person

# A key shared by more persons than this says little (a very common name in a
# large subdistrict); the look-up reads at most this many candidates in all.
MAX_CANDIDATES = 2000
_TOTAL_TTL = 300.0  # seconds a count of all first names is reused
# One check per person registered is the normal pace; a hotline operator takes
# a call every minute or two. Past this, matches outside the user's areas are
# no longer mentioned (and the API answers 429).
CHECKS = ratelimit.Limit("dedup_check", 60, 3600)
OUTSIDE_AREA_MESSAGE = _("A possible match exists outside your area — the provincial "
                         "office will check.")
_total_cache: dict[str, tuple[float, int]] = {}


@dataclass(frozen=True)
class Hint:
    person_id: int
    match: Match
    person: Person | None  # None when the user may not see this record
    province_code: str

    OUTSIDE_MESSAGE = OUTSIDE_AREA_MESSAGE

    @property
    def outside(self) -> bool:
        """A record the user may not open: shown only as OUTSIDE_AREA_MESSAGE."""
        return self.person is None

    @property
    def sure(self) -> bool:
        return self.match.decision == "merge"

    @property
    def agreed(self) -> list[str]:
        """What speaks for one person, in the user's language."""
        from lnob.dedup.labels import FIELD_TITLES, LEVELS

        return [f"{FIELD_TITLES.get(f.comparison, f.title)}: "
                f"{LEVELS.get((f.comparison, f.level), f.description)}"
                for f in self.match.agreed if f.comparison != "household"]


def _first_name_total() -> int:
    now = time.monotonic()
    cached = _total_cache.get("first_fold")
    if cached and now - cached[0] < _TOTAL_TTL:
        return cached[1]
    total = PersonFeatures.objects.exclude(first_fold=None).count()
    _total_cache["first_fold"] = (now, total)
    return total


def term_frequencies(values: set[str]) -> TermFrequencies:
    """How common each of these first names is among all stored persons."""
    counts: dict[str, int] = {
        name: n for name, n in PersonFeatures.objects.filter(first_fold__in=values)
        .values_list("first_fold").annotate(n=Count("person_id")).values_list("first_fold", "n")
        if name is not None}
    return TermFrequencies({"first_fold": counts}, {"first_fold": _first_name_total()})


def candidate_features(f: Features, exclude: int | None = None) -> list[Features]:
    hashes = [key_hash(rule, key) for rule, key in blocking_keys(f)]
    if not hashes:
        return []
    ids = BlockingKey.objects.filter(key__in=hashes).values_list("person_id", flat=True)
    if exclude is not None:
        ids = ids.exclude(person_id=exclude)
    return list(stored_features(list(ids.distinct()[:MAX_CANDIDATES])).values())


def stored_features(person_ids: list[int]) -> dict[int, Features]:
    """The stored features of these persons, read a thousand at a time."""
    found: dict[int, Features] = {}
    for start in range(0, len(person_ids), 1000):
        for row in PersonFeatures.objects.filter(
                person_id__in=person_ids[start:start + 1000]).values("person_id", *STORED):
            pk = row.pop("person_id")
            found[pk] = features_from_row({**row, "record_id": str(pk)})
    return found


def likely_duplicates(record: PersonRecord | Mapping[str, Any], *, user: Any,
                      exclude: int | None = None, limit: int = 5,
                      model: Model | None = None) -> list[Hint]:
    """The persons most likely to be ``record``, at least at the model's review
    threshold, most likely first. ``exclude``: the record's own id, when editing."""
    from lnob.registry.access import persons_visible_to

    model = model or current_model()
    f = normalise(record)
    candidates = candidate_features(f, exclude)
    if not candidates:
        return []
    tf = term_frequencies({c.first_fold for c in candidates if c.first_fold}
                          | ({f.first_fold} if f.first_fold else set()))
    scored = [model.score(f, c, tf) for c in candidates]
    scored = [s for s in scored if s.probability >= model.review_threshold]
    # Records merged into another have no keys (store.index_persons): never here.
    scored = sorted(scored, key=lambda s: (-s.match_weight, int(s.right_id)))[:limit]
    ids = [int(s.right_id) for s in scored]
    visible = {p.pk: p for p in (persons_visible_to(user).filter(pk__in=ids)
                                 .select_related("subdistrict", "village")
               if user is not None and user.is_authenticated else [])}
    provinces = dict(Person.objects.filter(pk__in=ids).values_list("pk", "province_code"))
    return [Hint(int(s.right_id), s, visible.get(int(s.right_id)),
                 provinces.get(int(s.right_id), "")) for s in scored]


def record_from_entry(entry: Any) -> dict[str, Any]:
    """The engine's record of what a form or the API is about to save (a registry
    ``PersonData`` or an intake ``Report``: the same field names)."""
    sd = getattr(entry, "subdistrict_code", "") or ""
    village = getattr(entry, "village_number", None)
    sex = getattr(entry, "sex", "")
    return {"record_id": "", "first_name": entry.first_name,
            "last_name": getattr(entry, "last_name", ""), "title": getattr(entry, "title", ""),
            "sex": sex if sex in ("M", "F") else "",
            "birth_date": getattr(entry, "birth_date", None),
            "birth_year_only": getattr(entry, "birth_year_only", False),
            "citizen_id": getattr(entry, "citizen_id", ""), "phone": getattr(entry, "phone", ""),
            "subdistrict": sd, "village": f"{sd}{village:02d}" if sd and village else "",
            "house_number": getattr(entry, "house_number", "")}


def for_user(hints: list[Hint], *, user: Any) -> list[Hint]:
    """What the user may be told: the records they may open, then at most one
    mark that a match exists outside their area — none once the user has
    checked more often than :data:`CHECKS` allows."""
    seen = [h for h in hints if not h.outside]
    hidden = [h for h in hints if h.outside]
    if hidden and ratelimit.remaining(CHECKS, f"user:{getattr(user, 'pk', '')}") > 0:
        seen.append(hidden[0])
    return seen


def check_counted(*, user: Any) -> bool:
    """Counts one check by ``user``; False past the limit."""
    return ratelimit.hit(CHECKS, f"user:{getattr(user, 'pk', '')}")


def audit_detail(hints: list[Hint]) -> dict[str, Any]:
    """Every record a check matched, seen or not: a breach investigation must see
    what was probed."""
    return {"persons": [h.person_id for h in hints if not h.outside],
            "outside_area": [h.person_id for h in hints if h.outside]}


def hints_before_saving(request: Any, entry: Any, *, exclude: int | None = None
                        ) -> list[Hint]:
    """Likely duplicates to show before a form saves ``entry`` — none when the user
    has already seen them and chose to save (``checked_duplicates`` in the form).
    Each check is counted and audited."""
    from lnob.core import audit
    from lnob.core.models import AuditAction

    if request.POST.get("checked_duplicates") == "1":
        return []
    check_counted(user=request.user)
    hints = likely_duplicates(record_from_entry(entry), user=request.user, exclude=exclude)
    if hints:
        audit.record(AuditAction.VIEW, request=request, object_type="dedup.check",
                     detail=audit_detail(hints))
    return for_user(hints, user=request.user)


@transaction.atomic
def queue_hidden_matches(person: Person, *, user: Any) -> int:
    """After ``person`` was saved by ``user``: the likely duplicates the user may
    not open go to the review queue (pending), for the officers who may see both
    records. Returns how many pairs were queued."""
    from lnob.dedup.models import CandidatePair, PairStatus
    from lnob.dedup.store import record_of

    hidden = [h for h in likely_duplicates(record_of(person), user=user, exclude=person.pk)
              if h.outside]
    queued = 0
    for h in hidden:
        lo, hi = sorted((person.pk, h.person_id))
        provinces = {person.pk: person.province_code, h.person_id: h.province_code}
        _pair, created = CandidatePair.objects.get_or_create(
            left_id=lo, right_id=hi, defaults={
                "left_province": provinces[lo], "right_province": provinces[hi],
                "probability": h.match.probability, "match_weight": h.match.match_weight,
                "suggestion": "review", "thin": bool(h.match.thin),
                "evidence": h.match.as_dict(), "status": PairStatus.PENDING})
        queued += created
    return queued


def likely_duplicates_of_rows(records: list[dict[str, Any]], *,
                              exclude: list[int | None] | None = None,
                              model: Model | None = None) -> list[tuple[int, int, Match]]:
    """For many records at once (an import preview): (position, person id, match) of
    the most likely registered person for each record that has one at least at the
    review threshold. ``exclude[i]``: a person record i will update, not a duplicate.
    The records are normalised together and their keys looked up by the thousand."""
    from lnob.dedup.engine import normalise_table, records_table
    from lnob.dedup.engine.features import keys_of

    if not records:
        return []
    model = model or current_model()
    # Record ids that no person id can equal (a pair of one record is refused).
    table = normalise_table(records_table([PersonRecord(**{**r, "record_id": f"row{i}"})
                                           for i, r in enumerate(records)]))
    rows = [features_from_row(r) for r in table.to_pylist()]
    wanted: dict[int, list[int]] = {}
    for i, f in enumerate(rows):
        for rule, key in keys_of(f.cid, f.first_fold, f.last_fold, f.first_sound,
                                 f.last_sound, f.dob_key, f.sd):
            wanted.setdefault(key_hash(rule, key), []).append(i)
    by_record: dict[int, set[int]] = {}
    hashes = list(wanted)
    for start in range(0, len(hashes), 1000):
        for hashed, person in BlockingKey.objects.filter(
                key__in=hashes[start:start + 1000]).values_list("key", "person_id"):
            for i in wanted[hashed]:
                if exclude is None or exclude[i] != person:
                    by_record.setdefault(i, set()).add(person)
    if not by_record:
        return []
    stored = stored_features(sorted(set().union(*by_record.values())))
    tf = term_frequencies({f.first_fold for f in [*rows, *stored.values()] if f.first_fold})
    found = []
    for i, candidates in sorted(by_record.items()):
        scored = [model.score(rows[i], stored[p], tf) for p in candidates if p in stored]
        scored = [s for s in scored if s.probability >= model.review_threshold]
        if scored:
            best = max(scored, key=lambda s: (s.match_weight, -int(s.right_id)))
            found.append((i, int(best.right_id), best))
    return found


# A blocking key shared by more rows of one file than this says little: skipped.
MAX_ROWS_PER_KEY = 50


def likely_duplicates_within(records: list[dict[str, Any]], *,
                             model: Model | None = None) -> list[tuple[int, int, Match]]:
    """Rows of one file that are likely the same person as an *earlier* row of the
    same file (an import: the repeat with another spelling and no ID): (row, earlier
    row, match) for the best earlier row at least at the review threshold. Blocking
    by the same keys as the index, scored with the model; no database."""
    from lnob.dedup.engine import normalise_table, records_table
    from lnob.dedup.engine.features import keys_of

    if len(records) < 2:
        return []
    model = model or current_model()
    table = normalise_table(records_table([PersonRecord(**{**r, "record_id": f"row{i}"})
                                           for i, r in enumerate(records)]))
    rows = [features_from_row(r) for r in table.to_pylist()]
    groups: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(rows):
        for key in keys_of(f.cid, f.first_fold, f.last_fold, f.first_sound, f.last_sound,
                           f.dob_key, f.sd):
            groups.setdefault(key, []).append(i)
    earlier: dict[int, set[int]] = {}
    for members in groups.values():
        if 1 < len(members) <= MAX_ROWS_PER_KEY:
            for n, i in enumerate(members):
                if n:
                    earlier.setdefault(i, set()).update(members[:n])
    if not earlier:
        return []
    counts: dict[str, int] = {}
    for f in rows:
        if f.first_fold:
            counts[f.first_fold] = counts.get(f.first_fold, 0) + 1
    tf = TermFrequencies({"first_fold": counts}, {"first_fold": len(rows)})
    found = []
    for i, candidates in sorted(earlier.items()):
        scored = [model.score(rows[i], rows[j], tf) for j in sorted(candidates)]
        scored = [s for s in scored if s.probability >= model.review_threshold]
        if scored:
            best = max(scored, key=lambda s: (s.match_weight, -int(s.right_id[3:])))
            found.append((i, int(best.right_id[3:]), best))
    return found
