"""The audit of a published (suppressed) table, shared by the tests of every
public or official table: for each "<5" cell, the least and most it could be
given everything else published, by linear programme (scipy). A table is
safe when every such range spans at least 1 (the small count is not pinned)."""

from __future__ import annotations

from collections.abc import Sequence

Cell = tuple[int, int]


def ranges(grid: Sequence[Sequence[int | str]]) -> dict[Cell, tuple[float, float]]:
    """``grid`` as published, margins last (row totals in the last column,
    column totals in the last row): ints, "<5" or "×"."""
    from scipy.optimize import linprog

    unknown = [(r, c) for r, row in enumerate(grid) for c, v in enumerate(row)
               if isinstance(v, str)]
    index = {cell: i for i, cell in enumerate(unknown)}
    known = [v for row in grid for v in row if isinstance(v, int)]
    big = 2 * (max(known) if known else 0) + 100
    bounds = [(0, 4) if grid[r][c] == "<5" else (5, big) for r, c in unknown]
    n_rows, n_cols = len(grid), len(grid[0])
    lines = [[(r, c) for c in range(n_cols)] for r in range(n_rows)] + \
        [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    a_eq, b_eq = [], []
    for line in lines:
        *parts, total = line
        coeffs, constant = [0.0] * len(unknown), 0.0
        for cell, sign in [*((p, 1) for p in parts), (total, -1)]:
            if cell in index:
                coeffs[index[cell]] += sign
            else:
                constant -= sign * int(grid[cell[0]][cell[1]])
        if any(coeffs):
            a_eq.append(coeffs)
            b_eq.append(constant)
    out = {}
    for cell in unknown:
        if grid[cell[0]][cell[1]] != "<5":
            continue
        target = [0.0] * len(unknown)
        target[index[cell]] = 1.0
        low = linprog(target, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds)
        high = linprog([-t for t in target], A_eq=a_eq or None, b_eq=b_eq or None,
                       bounds=bounds)
        if not (low.success and high.success):
            raise AssertionError(f"the programme found no answer for {cell}")
        out[cell] = (low.fun, -high.fun)
    return out


def assert_safe(grid: Sequence[Sequence[int | str]]) -> None:
    """No count under 5 is shown, and none of the hidden ones is pinned."""
    for row in grid:
        for value in row:
            if isinstance(value, int) and value < 5:
                raise AssertionError(f"a count under 5 is shown: {grid}")
    for cell, (low, high) in ranges(grid).items():
        if high - low < 1 - 1e-6:
            raise AssertionError(f"{cell} can be worked out ({low}..{high}): {grid}")
