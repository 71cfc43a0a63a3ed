"""A run is never failed by one record: :func:`usable` leaves out each record the
checks refuse, says which and why, and returns the problem without them.

A person whose current giver is not in the run (deactivated, moved away) is
kept, without the current giver: they need a carer more than anyone. Every other
refused record is left out of the run: a person, a volunteer (and a volunteer
of a network left out), a network (with its volunteers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .compile import compile_problem
from .graph import ragged_arange
from .model import Id, MatchingInputError, Networks, People, Problem, Volunteers

MAX_LEFT_OUT = 500   # a problem with more refused records is refused as a whole


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A record left out of the run (or, for ``unknown_giver``, a person kept
    without their current giver): the check that refused it, as the engine's
    input error states it (``record``, ``record_id``, ``field``, ``code``)."""

    record: str
    record_id: Id | None
    field: str
    code: str
    message_en: str
    message_th: str
    kept: bool = False      # the record stays in the run (the field was cleared)


def usable(problem: Problem, max_left_out: int = MAX_LEFT_OUT) -> tuple[Problem, list[LeftOut]]:
    """The problem without the records the checks refuse, and what was left out.

    Raises :class:`MatchingInputError` only for what no single record causes (a
    column of the wrong length, a bad parameter) or after ``max_left_out`` records.
    """
    left: list[LeftOut] = []
    while True:
        try:
            compile_problem(problem)
            return problem, left
        except MatchingInputError as err:
            if err.record not in ("person", "volunteer", "network") or err.code == "bad_shape" \
                    or len(left) >= max_left_out:
                raise
            problem, kept = _without(problem, err)
            left.append(LeftOut(err.record, err.record_id, err.field, err.code,
                                err.message_en, err.message_th, kept))


def _position(ids: Any, err: MatchingInputError) -> int:
    rid = err.record_id
    if err.field == "id" and err.code == "missing" and isinstance(rid, str) \
            and rid.startswith("#"):
        return int(rid[1:]) - 1
    items = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    for i, value in enumerate(items):
        if value == rid and type(value) is type(rid):
            return i
    return items.index(rid)


def _without(problem: Problem, err: MatchingInputError) -> tuple[Problem, bool]:
    people, volunteers, networks = problem.people, problem.volunteers, problem.networks
    if err.record == "person":
        i = _position(people.ids, err)
        if err.code == "unknown_giver":
            givers = list(_plain_list(people.current_givers))
            givers[i] = None
            return _replace(problem, people=_people(people, np.arange(len(people)), givers)), \
                True
        keep = np.delete(np.arange(len(people)), i)
        return _replace(problem, people=_people(people, keep)), False
    if err.record == "volunteer":
        i = _position(volunteers.ids, err)
        keep = np.delete(np.arange(len(volunteers)), i)
        return _replace(problem, volunteers=_volunteers(volunteers, keep)), False
    i = _position(networks.ids, err)
    gone = _plain_list(networks.ids)[i]
    keep_n = np.delete(np.arange(len(networks)), i)
    nets = _plain_list(volunteers.networks)
    keep_v = np.asarray([j for j, n in enumerate(nets)
                         if not (n == gone and type(n) is type(gone))], dtype=np.int64)
    return _replace(problem, networks=Networks(_take(networks.ids, keep_n),
                                               _take(networks.capacities, keep_n)),
                    volunteers=_volunteers(volunteers, keep_v)), False


def _replace(problem: Problem, **changes: Any) -> Problem:
    return Problem(changes.get("people", problem.people),
                   changes.get("volunteers", problem.volunteers),
                   changes.get("networks", problem.networks), problem.must_serve)


def _plain_list(column: Any) -> list[Any]:
    return column.tolist() if isinstance(column, np.ndarray) else list(column)


def _take(column: Any, rows: np.ndarray) -> Any:
    if column is None:
        return None
    if isinstance(column, np.ndarray):
        return column[rows]
    items = list(column)
    return [items[i] for i in rows.tolist()]


def _take_ragged(offsets: Any, *flats: Any, rows: np.ndarray) -> tuple[Any, ...]:
    off = np.asarray(offsets, dtype=np.int64)
    lo, hi = off[rows], off[rows + 1]
    idx = ragged_arange(lo, hi - lo)
    new_off = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(hi - lo, out=new_off[1:])
    return (new_off, *(_take(f, idx.astype(np.int64)) for f in flats))


def _people(p: People, rows: np.ndarray, givers: list[Any] | None = None) -> People:
    off, codes, sev = _take_ragged(p.need_offsets, p.need_codes, p.need_severities, rows=rows)
    return People(ids=_take(p.ids, rows), subdistricts=_take(p.subdistricts, rows),
                  villages=_take(p.villages, rows), need_offsets=off, need_codes=codes,
                  need_severities=sev,
                  current_givers=_take(givers if givers is not None else p.current_givers,
                                       rows),
                  provinces=_take(p.provinces, rows), districts=_take(p.districts, rows),
                  urgent=_take(p.urgent, rows), waiting_since=_take(p.waiting_since, rows),
                  weights=_take(p.weights, rows))


def _volunteers(v: Volunteers, rows: np.ndarray) -> Volunteers:
    a_off, a_codes = _take_ragged(v.area_offsets, v.area_codes, rows=rows)
    n_off, n_codes = _take_ragged(v.need_offsets, v.need_codes, rows=rows)
    return Volunteers(ids=_take(v.ids, rows), networks=_take(v.networks, rows),
                      capacities=_take(v.capacities, rows), area_offsets=a_off,
                      area_codes=a_codes, need_offsets=n_off, need_codes=n_codes)
