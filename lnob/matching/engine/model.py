"""The engine's input and output types, its parameters and its input error.

Pure Python and NumPy; no Django. See the package docstring for the API.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

import numpy as np

Id = int | str
"""A record's id as the caller knows it (a primary key, a UUID string...)."""


# ----------------------------------------------------------------------------- errors

class MatchingInputError(ValueError):
    """Bad input: names the record and the field, in English and in Thai.

    Raised before anything is solved, so there is never a partial result.
    ``record`` is ``"person"``, ``"volunteer"``, ``"network"`` or ``"parameters"``;
    ``record_id`` is the caller's id (``None`` for parameters); ``field`` the field's
    name; ``code`` a short machine-readable kind (``missing``, ``negative``,
    ``out_of_range``, ``bad_code``, ``no_area``, ``unknown_network``, ...).
    """

    def __init__(self, record: str, record_id: Id | None, field: str, code: str,
                 message_en: str, message_th: str) -> None:
        self.record = record
        self.record_id = record_id
        self.field = field
        self.code = code
        self.message_en = message_en
        self.message_th = message_th
        super().__init__(message_en)

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across worker processes
        return (type(self), (self.record, self.record_id, self.field, self.code,
                             self.message_en, self.message_th))


# ----------------------------------------------------------------------------- parameters

_TH_PARAMETER_NAMES = {
    "cost_same_village": "ต้นทุนเมื่ออยู่หมู่บ้านเดียวกัน",
    "cost_same_subdistrict": "ต้นทุนเมื่ออยู่ตำบลเดียวกัน",
    "cost_same_district": "ต้นทุนเมื่ออยู่อำเภอเดียวกัน",
    "cost_same_province": "ต้นทุนเมื่ออยู่จังหวัดเดียวกัน",
    "unmet_need_cost": "ต้นทุนต่อความต้องการที่ผู้ให้ไม่ได้ช่วย",
    "continuity_threshold": "เกณฑ์ความต่อเนื่องของการดูแล",
    "unplaced_cost_per_severity": "ต้นทุนการไม่ได้จับคู่ต่อระดับความรุนแรง",
    "urgent_cost": "ต้นทุนเพิ่มเมื่อไม่ได้จับคู่ผู้ที่เร่งด่วน",
    "named_full_givers": "จำนวนผู้ให้ที่เต็มซึ่งระบุชื่อ",
}
PARAMETER_MAX = 1_000_000


@dataclass(frozen=True)
class Parameters:
    """Weights of one run (all whole numbers). See ``docs/matching.md``.

    A placement costs the distance tier of the most specific area by which the
    volunteer covers the person, plus ``unmet_need_cost`` for each of the person's
    needs the volunteer does not serve, minus (``continuity_threshold`` + ½) when
    the volunteer is the person's current giver. Leaving a person unplaced costs
    ``unplaced_cost_per_severity`` × their severity. The run minimises the sum.
    """

    cost_same_village: int = 0
    cost_same_subdistrict: int = 10
    cost_same_district: int = 30
    cost_same_province: int = 60
    unmet_need_cost: int = 40
    continuity_threshold: int = 50
    unplaced_cost_per_severity: int = 1000
    # Added to the cost of leaving an urgent person unplaced: below one severity
    # step, so urgency ranks a person above others of the same severity only.
    urgent_cost: int = 500
    # How many full volunteers an ``all_full`` reason names (cheapest first).
    named_full_givers: int = 5

    @property
    def tier_costs(self) -> tuple[int, int, int, int]:
        """Village, subdistrict, district, province."""
        return (self.cost_same_village, self.cost_same_subdistrict, self.cost_same_district,
                self.cost_same_province)

    def unplaced_cost(self, severity: int) -> int:
        return self.unplaced_cost_per_severity * severity

    def validate(self) -> None:
        """Raise :class:`MatchingInputError` naming the first bad parameter."""
        for f in fields(self):
            value = getattr(self, f.name)
            upper = 50 if f.name == "named_full_givers" else PARAMETER_MAX
            if isinstance(value, bool) or not isinstance(value, int | np.integer) \
                    or not 0 <= value <= upper:
                raise _parameter_error(
                    f.name, f"must be a whole number from 0 to {upper:,}",
                    f"ต้องเป็นจำนวนเต็มตั้งแต่ 0 ถึง {upper:,}", value)
        tiers = ("cost_same_village", "cost_same_subdistrict", "cost_same_district",
                 "cost_same_province")
        for nearer, farther in zip(tiers, tiers[1:], strict=False):
            if getattr(self, nearer) >= getattr(self, farther):
                raise _parameter_error(
                    farther, f"must be greater than {nearer} ({getattr(self, nearer)})",
                    f"ต้องมากกว่า{_TH_PARAMETER_NAMES[nearer]} ({getattr(self, nearer)})",
                    getattr(self, farther))
        if self.unplaced_cost_per_severity <= self.cost_same_province:
            raise _parameter_error(
                "unplaced_cost_per_severity",
                f"must be greater than cost_same_province ({self.cost_same_province}), "
                "or leaving someone unplaced could be cheaper than placing them",
                f"ต้องมากกว่า{_TH_PARAMETER_NAMES['cost_same_province']} "
                f"({self.cost_same_province}) มิฉะนั้นการไม่จับคู่อาจถูกกว่าการจับคู่",
                self.unplaced_cost_per_severity)
        if self.urgent_cost >= self.unplaced_cost_per_severity:
            raise _parameter_error(
                "urgent_cost",
                f"must be less than unplaced_cost_per_severity "
                f"({self.unplaced_cost_per_severity}), or urgency would outrank severity",
                f"ต้องน้อยกว่า{_TH_PARAMETER_NAMES['unplaced_cost_per_severity']} "
                f"({self.unplaced_cost_per_severity}) มิฉะนั้นความเร่งด่วนจะมาก่อนความรุนแรง",
                self.urgent_cost)

    def unplaced_cost_of(self, severity: int, urgent: bool) -> int:
        return self.unplaced_cost_per_severity * severity + (self.urgent_cost if urgent else 0)


def _parameter_error(name: str, en: str, th: str, value: object) -> MatchingInputError:
    return MatchingInputError(
        "parameters", None, name, "out_of_range",
        f"Parameter {name} {en} (got {value!r}).",
        f"ค่า{_TH_PARAMETER_NAMES[name]} ({name}) {th} (ได้ {value!r})")


# ----------------------------------------------------------------------------- input

@dataclass(frozen=True, slots=True)
class Person:
    """A person to place. ``needs`` maps need codes to a severity 1–5 (5 = most severe).

    ``subdistrict`` is the 6-digit DOPA code; ``village`` the 8-digit one (or None).
    ``province``/``district`` may be given and are then checked against the
    subdistrict code's prefix. ``current_giver`` is the volunteer id who follows
    the person today, if any. ``urgent``: an urgent case (placed before anyone
    of the same or lower severity who is not). ``waiting_since``: any number
    that orders people by how long they have waited (smaller = waiting longer,
    e.g. the day the case was opened); by default the input order.
    ``weight``: how much of a carer's capacity the person takes (a whole number
    1–10; 1 by default, e.g. 3 for someone bedridden who needs daily care).
    """

    id: Id
    subdistrict: str | None
    needs: Mapping[str, int]
    village: str | None = None
    current_giver: Id | None = None
    province: str | None = None
    district: str | None = None
    urgent: bool = False
    waiting_since: int | None = None
    weight: int = 1


@dataclass(frozen=True, slots=True)
class Volunteer:
    """A giver who follows people. ``areas``: DOPA codes of any level (2-digit
    province, 4 district, 6 subdistrict, 8 village). ``capacity``: how many of the
    people in this run they can take (people they follow who are not in the run
    already deducted), in weight units: a person of weight 2 takes two places."""

    id: Id
    network: Id
    areas: Collection[str]
    needs: Collection[str]
    capacity: int | None


@dataclass(frozen=True, slots=True)
class Network:
    """A network; ``capacity`` caps how many people of this run its volunteers take
    together (in weight units, like a volunteer's)."""

    id: Id
    capacity: int | None


def _ragged(rows: Iterable[Iterable[Any]]) -> tuple[np.ndarray, list[Any]]:
    offsets = [0]
    flat: list[Any] = []
    for r in rows:
        flat.extend(r)
        offsets.append(len(flat))
    return np.asarray(offsets, dtype=np.int64), flat


@dataclass(frozen=True, eq=False)
class People:
    """People to place, as columns (one entry per person).

    Needs are ragged: person ``i`` has ``need_codes[need_offsets[i]:need_offsets[i+1]]``
    with the matching ``need_severities``. Missing values (no village, no current
    giver) are ``None`` or ``""``.
    """

    ids: Sequence[Id] | np.ndarray
    subdistricts: Sequence[str | None] | np.ndarray
    villages: Sequence[str | None] | np.ndarray
    need_offsets: Sequence[int] | np.ndarray
    need_codes: Sequence[str] | np.ndarray
    need_severities: Sequence[int] | np.ndarray
    current_givers: Sequence[Id | None] | np.ndarray
    provinces: Sequence[str | None] | np.ndarray | None = None
    districts: Sequence[str | None] | np.ndarray | None = None
    urgent: Sequence[bool] | np.ndarray | None = None
    waiting_since: Sequence[int | None] | np.ndarray | None = None
    weights: Sequence[int] | np.ndarray | None = None   # None: everyone weighs 1

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, people: Iterable[Person]) -> People:
        people = list(people)
        offsets, codes = _ragged(p.needs.keys() for p in people)
        _, severities = _ragged(p.needs.values() for p in people)
        return cls(
            ids=[p.id for p in people], subdistricts=[p.subdistrict for p in people],
            villages=[p.village for p in people], need_offsets=offsets, need_codes=codes,
            need_severities=severities, current_givers=[p.current_giver for p in people],
            provinces=[p.province for p in people], districts=[p.district for p in people],
            urgent=[bool(p.urgent) for p in people],
            waiting_since=[p.waiting_since for p in people],
            weights=[p.weight for p in people])


@dataclass(frozen=True, eq=False)
class Volunteers:
    """Volunteers as columns; areas and needs served are ragged like People's needs."""

    ids: Sequence[Id] | np.ndarray
    networks: Sequence[Id] | np.ndarray
    capacities: Sequence[int | None] | np.ndarray
    area_offsets: Sequence[int] | np.ndarray
    area_codes: Sequence[str] | np.ndarray
    need_offsets: Sequence[int] | np.ndarray
    need_codes: Sequence[str] | np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, volunteers: Iterable[Volunteer]) -> Volunteers:
        volunteers = list(volunteers)
        area_offsets, areas = _ragged(v.areas for v in volunteers)
        need_offsets, needs = _ragged(v.needs for v in volunteers)
        return cls(ids=[v.id for v in volunteers], networks=[v.network for v in volunteers],
                   capacities=[v.capacity for v in volunteers], area_offsets=area_offsets,
                   area_codes=areas, need_offsets=need_offsets, need_codes=needs)


@dataclass(frozen=True, eq=False)
class Networks:
    ids: Sequence[Id] | np.ndarray
    capacities: Sequence[int | None] | np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_records(cls, networks: Iterable[Network]) -> Networks:
        networks = list(networks)
        return cls(ids=[n.id for n in networks], capacities=[n.capacity for n in networks])


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything one run places: people, volunteers and their networks."""

    people: People
    volunteers: Volunteers
    networks: Networks
    # Need codes a placement must serve: a volunteer who does not serve one of
    # these needs of a person is never proposed for them (the others stay weights).
    must_serve: frozenset[str] = frozenset()

    @classmethod
    def from_records(cls, people: Iterable[Person], volunteers: Iterable[Volunteer],
                     networks: Iterable[Network],
                     must_serve: Iterable[str] = ()) -> Problem:
        return cls(People.from_records(people), Volunteers.from_records(volunteers),
                   Networks.from_records(networks), frozenset(must_serve))


# ----------------------------------------------------------------------------- output

class Reason(StrEnum):
    """Why a person was left unplaced (checked in this order)."""

    NO_COVERAGE = "no_coverage"          # no volunteer covers the person's area
    MUST_NOT_SERVED = "must_not_served"  # none who cover it serves a must-serve need
    NO_NEED_SERVED = "no_need_served"    # volunteers cover it, none serves the main need
    ALL_FULL = "all_full"                # the volunteers who serve the main need are full
    TOO_COSTLY = "too_costly"            # one has room, but the weights make leaving cheaper


REASON_ORDER = (Reason.NO_COVERAGE, Reason.NO_NEED_SERVED, Reason.ALL_FULL, Reason.TOO_COSTLY,
                Reason.MUST_NOT_SERVED)

# How near a placement is (Assignment.level): the most specific area by which the
# carer covers the person; OUTSIDE: a kept carer who no longer covers them.
LEVEL_NAMES = ("same_village", "same_subdistrict", "same_district", "same_province",
               "outside")


@dataclass(frozen=True, slots=True)
class Assignment:
    person: Id
    volunteer: Id
    network: Id
    cost: float             # this placement's cost (with the continuity bonus if kept)
    previous: Id | None     # the current giver before the run
    level: int = -1         # index into LEVEL_NAMES
    fixed: bool = False     # current care kept as it is (not part of what was solved)

    @property
    def distance(self) -> str:
        """``same_village`` … ``same_province``, or ``outside``."""
        return LEVEL_NAMES[self.level] if 0 <= self.level < len(LEVEL_NAMES) else "outside"

    @property
    def kept(self) -> bool:
        return self.previous is not None and self.previous == self.volunteer


@dataclass(frozen=True, slots=True)
class Unplaced:
    person: Id
    reason: Reason
    subdistrict: str
    village: str | None
    main_need: str
    severity: int
    full_givers: tuple[Id, ...] = ()   # for all_full: the first few, cheapest first
    more_full_givers: int = 0          # how many more were full beyond those named
    previous: Id | None = None

    @property
    def message_en(self) -> str:
        if self.reason is Reason.NO_COVERAGE:
            where = (f"village {self.village} or subdistrict {self.subdistrict}"
                     if self.village else f"subdistrict {self.subdistrict}")
            return f"No giver covers {where}."
        if self.reason is Reason.MUST_NOT_SERVED:
            return (f"Givers cover subdistrict {self.subdistrict}, but none serves every "
                    "need that must be served.")
        if self.reason is Reason.NO_NEED_SERVED:
            return (f"Givers cover subdistrict {self.subdistrict}, but none serves the "
                    f"main need '{self.main_need}'.")
        if self.reason is Reason.ALL_FULL:
            more = f" and {self.more_full_givers} more" if self.more_full_givers else ""
            names = ", ".join(str(g) for g in self.full_givers)
            return f"All suitable givers are full: {names}{more}."
        return ("A suitable giver has room, but with these weights leaving the person "
                "unplaced costs less than placing them.")

    @property
    def message_th(self) -> str:
        if self.reason is Reason.NO_COVERAGE:
            where = (f"หมู่บ้าน {self.village} หรือตำบล {self.subdistrict}"
                     if self.village else f"ตำบล {self.subdistrict}")
            return f"ไม่มีผู้ให้ที่ดูแลพื้นที่{where}"
        if self.reason is Reason.MUST_NOT_SERVED:
            return (f"มีผู้ให้ที่ดูแลตำบล {self.subdistrict} แต่ไม่มีผู้ใดช่วยได้ครบทุกความ"
                    "ต้องการที่ต้องได้รับการช่วยเหลือ")
        if self.reason is Reason.NO_NEED_SERVED:
            return (f"มีผู้ให้ที่ดูแลตำบล {self.subdistrict} แต่ไม่มีผู้ใดช่วยเรื่อง "
                    f"'{self.main_need}' ซึ่งเป็นความต้องการหลัก")
        if self.reason is Reason.ALL_FULL:
            more = f" และอีก {self.more_full_givers} ราย" if self.more_full_givers else ""
            names = ", ".join(str(g) for g in self.full_givers)
            return f"ผู้ให้ที่เหมาะสมเต็มทุกราย: {names}{more}"
        return ("มีผู้ให้ที่เหมาะสมและยังรับได้ แต่ตามน้ำหนักที่ตั้งไว้ "
                "การไม่จับคู่มีต้นทุนต่ำกว่าการจับคู่")


@dataclass(frozen=True, slots=True)
class SubdistrictTotals:
    """One subdistrict's figures. ``capacity`` is what the volunteers covering it (or
    a village in it) could take, each capped by their network; a volunteer covering
    several subdistricts counts in each, so capacities do not add up across rows."""

    subdistrict: str
    demand: int
    capacity: int
    placed: int
    unplaced: int

    @property
    def is_hole(self) -> bool:
        return self.unplaced > 0


@dataclass(frozen=True, eq=False)
class Result:
    """The proposal of one run. Bulk columns are NumPy arrays indexed like the
    problem's people; the record views (:meth:`assignments`, :meth:`unplaced`) are
    built on demand."""

    problem: Problem
    method: str                         # "min_cost_flow" or "greedy"
    volunteer_index: np.ndarray         # per person: index into problem.volunteers, -1
    person_cost2: np.ndarray            # per person: twice their cost (whole numbers)
    reason_index: np.ndarray            # per person: index into REASON_ORDER, -1 if placed
    need_codes: np.ndarray              # the need vocabulary (sorted codes)
    main_need: np.ndarray               # per person: index of the main need in need_codes
    severity: np.ndarray                # per person: 1..5
    full_offsets: np.ndarray            # per person, ragged: the named full volunteers
    full_volunteers: np.ndarray
    full_more: np.ndarray
    subdistricts: tuple[SubdistrictTotals, ...]
    stats: dict[str, float] = field(default_factory=dict)
    # per person: index into LEVEL_NAMES, -1 if unplaced; and whether their
    # current care was kept fixed (not solved).
    level_index: np.ndarray | None = None
    fixed: np.ndarray | None = None

    @property
    def total_cost(self) -> float:
        return int(self.person_cost2.sum()) / 2

    @property
    def placed(self) -> int:
        return int((self.volunteer_index >= 0).sum())

    @property
    def unplaced_count(self) -> int:
        return int((self.volunteer_index < 0).sum())

    def reason_counts(self) -> dict[Reason, int]:
        counts = np.bincount(self.reason_index[self.reason_index >= 0],
                             minlength=len(REASON_ORDER))
        return {r: int(c) for r, c in zip(REASON_ORDER, counts, strict=True)}

    def holes(self) -> list[SubdistrictTotals]:
        """Subdistricts with someone left unplaced, most unplaced first."""
        return sorted((s for s in self.subdistricts if s.unplaced),
                      key=lambda s: (-s.unplaced, s.subdistrict))

    def assignments(self) -> dict[Id, Assignment]:
        """Person id → their placement (placed people only)."""
        people, volunteers = self.problem.people, self.problem.volunteers
        rows = np.flatnonzero(self.volunteer_index >= 0)
        vols = self.volunteer_index[rows]
        previous = _pick(people.current_givers, rows)
        levels = (self.level_index[rows] if self.level_index is not None
                  else np.full(rows.size, -1)).tolist()
        fixed = (self.fixed[rows] if self.fixed is not None
                 else np.zeros(rows.size, dtype=bool)).tolist()
        return {person: Assignment(person=person, volunteer=vol, network=net, cost=cost,
                                   previous=None if prev == "" else prev, level=lvl,
                                   fixed=fix)
                for person, vol, net, cost, prev, lvl, fix in zip(
                    _pick(people.ids, rows), _pick(volunteers.ids, vols),
                    _pick(volunteers.networks, vols),
                    (self.person_cost2[rows] / 2).tolist(), previous, levels, fixed,
                    strict=True)}

    def unplaced(self) -> list[Unplaced]:
        """Every person left unplaced, with the reason (in input order)."""
        people, volunteers = self.problem.people, self.problem.volunteers
        rows = np.flatnonzero(self.volunteer_index < 0)
        lo, hi = self.full_offsets[rows].tolist(), self.full_offsets[rows + 1].tolist()
        full_ids = _pick(volunteers.ids, self.full_volunteers)
        start = int(self.full_offsets[rows[0]]) if rows.size else 0
        needs = self.need_codes.tolist()
        return [Unplaced(person=person, reason=REASON_ORDER[why], subdistrict=str(sd),
                         village=str(village) if village else None, main_need=needs[main],
                         severity=severity,
                         full_givers=tuple(full_ids[a - start:b - start]) if b > a else (),
                         more_full_givers=more, previous=None if prev == "" else prev)
                for person, why, sd, village, main, severity, a, b, more, prev in zip(
                    _pick(people.ids, rows), self.reason_index[rows].tolist(),
                    _pick(people.subdistricts, rows), _pick(people.villages, rows),
                    self.main_need[rows].tolist(), self.severity[rows].tolist(), lo, hi,
                    self.full_more[rows].tolist(), _pick(people.current_givers, rows),
                    strict=True)]


def _pick(column: Any, rows: np.ndarray) -> list[Any]:
    """column[rows] as plain Python values (ints and strs, not NumPy scalars)."""
    if isinstance(column, np.ndarray):
        return column[rows].tolist()
    return [_plain(column[i]) for i in rows.tolist()]


def _plain(value: Any) -> Any:
    """NumPy scalars back to Python ints/strs, so ids compare and serialise plainly."""
    return value.item() if isinstance(value, np.generic) else value
