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
    totals; the corner: the grand total). Returns which cells to hide."""
    grid = [list(row) for row in values]
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    primary = {(r, c) for r in range(n_rows) for c in range(n_cols) if grid[r][c] < THRESHOLD}
    hidden = set(primary)
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
    return Suppressed(grid, frozenset(primary), frozenset(hidden - primary))
