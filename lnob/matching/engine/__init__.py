"""Care-assignment engine (issue #6): which volunteer follows which person in need.

Pure Python, NumPy and OR-Tools — no Django import anywhere in this package, so it
runs and is tested without a database. The model, the weights and a worked
example are in ``docs/matching.md``.

Public API
----------
Input (build from records, or pass columns directly for speed)::

    Person(id, subdistrict, needs: Mapping[str, int], village=None,
           current_giver=None, province=None, district=None, urgent=False,
           waiting_since=None)
    Volunteer(id, network, areas: Collection[str], needs: Collection[str], capacity)
    Network(id, capacity)
    Problem.from_records(people, volunteers, networks, must_serve=()) -> Problem
    Problem(People(...), Volunteers(...), Networks(...))       # columnar form
    Parameters(cost_same_village=0, cost_same_subdistrict=10, cost_same_district=30,
               cost_same_province=60, unmet_need_cost=40, continuity_threshold=50,
               unplaced_cost_per_severity=1000, urgent_cost=500, named_full_givers=5)

Runs::

    solve(problem, params=None, *, workers=1, decompose=True, group=True,
          progress=None, rebalance=()) -> Result   # optimal, min-cost flow
    usable(problem) -> (Problem, [LeftOut])  # the problem without refused records

Current care is fixed: a person with a current giver keeps them (taking one of
the giver's places) unless they live in one of the ``rebalance`` areas.
    greedy(problem, params=None, *, workers=1, progress=None) -> Result   # baseline

``workers`` > 1 solves independent parts in that many "spawn" processes (the
calling script needs the usual ``if __name__ == "__main__":`` guard);
``progress(done, total)`` is called as parts finish.

Output (:class:`Result`)::

    result.assignments() -> dict[id, Assignment(person, volunteer, network, cost,
                                                 previous, level, fixed)]
                                  # .kept, .distance ("same_village" ...)
    result.unplaced() -> list[Unplaced(person, reason, subdistrict, village,
                                       main_need, severity, full_givers,
                                       more_full_givers, previous)]
                                  # .message_en / .message_th
    result.subdistricts: tuple[SubdistrictTotals(subdistrict, demand, capacity,
                                                 placed, unplaced)]
    result.holes() -> list[SubdistrictTotals]      # those with someone unplaced
    result.total_cost, result.placed, result.unplaced_count, result.reason_counts()
    result.volunteer_index, result.reason_index    # NumPy, per person (bulk use)
    result.stats                                   # sizes and seconds per phase

Reasons (:class:`Reason`): ``no_coverage``, ``must_not_served``, ``no_need_served``,
``all_full``
(naming the first full volunteers, nearest first), ``too_costly`` (only with
weights where leaving someone unplaced is cheaper than an available placement).

Modules: ``model`` (types), ``compile`` (checks, integer columns), ``graph``
(places, candidates, groups, components, blocks), ``network`` (the flow network
of a block), ``solver`` (runs), ``explain`` (reasons, totals per subdistrict).

Bad input raises :class:`MatchingInputError` (``record``, ``record_id``,
``field``, ``code``, ``message_en``, ``message_th``) before anything is solved.
"""

from .model import (
    LEVEL_NAMES,
    Assignment,
    Id,
    MatchingInputError,
    Network,
    Networks,
    Parameters,
    People,
    Person,
    Problem,
    Reason,
    Result,
    SubdistrictTotals,
    Unplaced,
    Volunteer,
    Volunteers,
)
from .robust import LeftOut, usable
from .solver import greedy, solve

__all__ = [
    "Assignment", "Id", "MatchingInputError", "Network", "Networks", "Parameters", "People",
    "Person", "Problem", "Reason", "Result", "SubdistrictTotals", "Unplaced", "Volunteer",
    "Volunteers", "greedy", "solve", "LeftOut", "usable", "LEVEL_NAMES",
]
