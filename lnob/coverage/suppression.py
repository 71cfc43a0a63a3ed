"""Small-cell suppression for public tables. Pure (no database).

A public table is a grid of person counts with its margins: the last column
holds each row's total, the last row each column's total. Every cell under 5
(0 included) is hidden and shown as "<5" (primary suppression). A hidden cell
must not be recoverable from the totals, so in every row and every column
(each is a sum: cells = total) that holds a hidden cell, at least one *other*
hidden cell must be a large one (6 or more), which can absorb any value of
the small ones: complementary suppression, shown as "×". When a line offers
no such cell, the smallest cell of 6 or more is hidden too, and the lines
through it are checked again, until every line is safe.

Why a large one: if a row's only other hidden cell were a 5, the reader
would know it is at least 5, and "<5" + that cell = the row's difference
would pin the small one (difference 5 → the small one is 0). With a cell of
6 or more, the small one can still be anything from 0 to 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

THRESHOLD = 5  # cells under this are hidden
ROOM = 6  # a complementary cell at least this large hides any small one
SMALL = "<5"
HIDDEN = "×"

Cell = tuple[int, int]


@dataclass(frozen=True)
class Suppressed:
    values: list[list[int]]
    primary: frozenset[Cell]
    complementary: frozenset[Cell]

    def hidden(self, r: int, c: int) -> bool:
        return (r, c) in self.primary or (r, c) in self.complementary

    def shown(self, r: int, c: int) -> int | str:
        """The cell as the public sees it: the number, "<5" or "×"."""
        if (r, c) in self.primary:
            return SMALL
        if (r, c) in self.complementary:
            return HIDDEN
        return self.values[r][c]


def suppress(values: Sequence[Sequence[int]]) -> Suppressed:
    """``values`` with its margins (last column: row totals; last row: column
    totals; the corner: the grand total). Returns which cells to hide.

    The rule above protects each line taken alone; lines taken together can
    still pin a small count (a cycle of hidden cells through rows and columns
    whose bounds leave no room). So the result is audited with a linear
    programme — the smallest and largest value each "<5" cell could take given
    everything published — and while one is pinned, one more cell of its row
    is hidden. Cached: the same table is not audited twice."""
    return _suppress(tuple(tuple(int(v) for v in row) for row in values))


@lru_cache(maxsize=256)
def _suppress(values: tuple[tuple[int, ...], ...]) -> Suppressed:
    primary, hidden = _by_lines(values, set())
    for _round in range(len(values) * len(values[0]) if values else 0):
        pinned = _pinned(values, primary, hidden)
        if pinned is None:
            break
        r, _c = pinned
        row = [(values[r][c], c) for c in range(len(values[r])) if (r, c) not in hidden]
        if not row:  # the whole row is hidden already: widen through its column
            row = [(values[rr][_c], rr) for rr in range(len(values)) if (rr, _c) not in hidden]
            hidden.add((min(row)[1], _c))
        else:
            hidden.add((r, min(row)[1]))
        primary, hidden = _by_lines(values, hidden)
    grid = [list(row) for row in values]
    return Suppressed(grid, frozenset(primary), frozenset(hidden - primary))


def _by_lines(values: Sequence[Sequence[int]],
              extra: set[Cell]) -> tuple[set[Cell], set[Cell]]:
    grid = [list(row) for row in values]
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    primary = {(r, c) for r in range(n_rows) for c in range(n_cols) if grid[r][c] < THRESHOLD}
    hidden = set(primary) | extra
    lines = [[(r, c) for c in range(n_cols)] for r in range(n_rows)] + \
            [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [cell for cell in line if cell in hidden]
            if not inside:
                continue
            if len(inside) == len(line):
                continue  # the whole line is hidden: nothing to subtract from
            if any(cell not in primary and grid[cell[0]][cell[1]] >= ROOM for cell in inside) \
                    and len(inside) >= 2:
                continue
            candidates = [cell for cell in line if cell not in hidden]
            big = [cell for cell in candidates if grid[cell[0]][cell[1]] >= ROOM]
            pool = big or candidates
            # The smallest (least information lost); an inner cell before a total.
            choice = min(pool, key=lambda cell: (grid[cell[0]][cell[1]],
                                                 cell[0] == n_rows - 1 or cell[1] == n_cols - 1,
                                                 cell))
            hidden.add(choice)
            changed = True
    return primary, hidden


def _pinned(values: Sequence[Sequence[int]], primary: set[Cell],
            hidden: set[Cell]) -> Cell | None:
    """A "<5" cell whose value the published table fixes, or None."""
    from ortools.linear_solver import pywraplp

    if not primary:
        return None
    n_rows, n_cols = len(values), len(values[0])
    solver = pywraplp.Solver.CreateSolver("GLOP")
    ceiling = 2 * values[-1][-1] + 10
    var = {cell: solver.NumVar(0, 4, "") if cell in primary else solver.NumVar(5, ceiling, "")
           for cell in sorted(hidden)}

    def term(cell: Cell) -> object:
        return var[cell] if cell in var else values[cell[0]][cell[1]]

    lines = [([(r, c) for c in range(n_cols - 1)], (r, n_cols - 1)) for r in range(n_rows)] + \
        [([(r, c) for r in range(n_rows - 1)], (n_rows - 1, c)) for c in range(n_cols)]
    for parts, total in lines:
        if any(p in var for p in parts) or total in var:
            solver.Add(sum(term(p) for p in parts) == term(total))  # type: ignore[misc]
    objective = solver.Objective()

    def solve(cells: Sequence[Cell], minimise: bool, weights: Any = None) -> None:
        objective.Clear()
        for cell in cells:
            objective.SetCoefficient((weights or var)[cell], 1)
        (objective.SetMinimization if minimise else objective.SetMaximization)()
        solver.Solve()

    # Any two tables consistent with what is published bound each "<5" cell's
    # range from below: a cell worth 0 in one and 1 or more in the other is
    # not pinned. A first table with every "<5" cell pushed down, then tables
    # that move as many undecided cells as they can by one — up past the
    # lowest value seen (``lift``), or down below the highest (``drop``): at
    # most 1 each — settle most cells in a few solves; only the cells still
    # undecided get their own two solves, as before. A national table of 77
    # provinces, 76 of them all "<5", took 1,400 solves (2 s), now about 70.
    undecided = sorted(primary)
    solve(undecided, minimise=True)
    seen_low = {cell: var[cell].solution_value() for cell in undecided}
    seen_high = dict(seen_low)
    moves = []
    for sign in (1, -1):  # lift: var - lift >= low; drop: -var - drop >= -high
        move = {cell: solver.NumVar(-5, 1, "") for cell in primary}
        bound = {cell: solver.Constraint(-solver.infinity(), solver.infinity())
                 for cell in primary}
        for cell in primary:
            bound[cell].SetCoefficient(var[cell], sign)
            bound[cell].SetCoefficient(move[cell], -1)
        moves.append((sign, move, bound))
    moved = True
    while undecided and moved:  # each way in turn, as long as it settles cells
        moved = False
        for sign, move, bound in moves:
            while undecided:
                for cell in undecided:
                    bound[cell].SetLb(seen_low[cell] if sign > 0 else -seen_high[cell])
                solve(undecided, minimise=False, weights=move)
                for cell in undecided:
                    value = var[cell].solution_value()
                    seen_low[cell] = min(seen_low[cell], value)
                    seen_high[cell] = max(seen_high[cell], value)
                still = [cell for cell in undecided
                         if seen_high[cell] - seen_low[cell] < 1 - 1e-6]
                if len(still) == len(undecided):
                    break
                undecided, moved = still, True
    for cell in undecided:
        solve([cell], minimise=True)
        low = min(var[cell].solution_value(), seen_low[cell])
        solve([cell], minimise=False)
        high = max(var[cell].solution_value(), seen_high[cell])
        if high - low < 1 - 1e-6:
            return cell
    return None
