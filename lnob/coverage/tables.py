"""Tables of the coverage pages, the same for the screen and the CSV/XLSX
downloads: a header and rows of cells; public tables with small counts
suppressed (``suppression``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lnob.coverage import suppression
from lnob.coverage.models import Indicator
from lnob.coverage.selectors import (
    AREA_COLUMNS,
    FIVE_K,
    FOUND,
    STEP_COLUMNS,
    TABLE_COLUMNS,
    AreaRow,
    Column,
    FiveK,
    Hole,
)
from lnob.coverage.tiles import COLUMNS, ROWS, TILES

Value = int | float | str | None


@dataclass
class Table:
    title: Any
    header: list[Any]
    keys: list[str]
    rows: list[list[Value]]
    codes: list[str] = field(default_factory=list)  # each row's area code (for links)
    names: list[str] = field(default_factory=list)
    total: list[Value] | None = None  # the area's own figures, last
    # Short headers for a wide table on a phone (the full ones in <abbr title>);
    # empty: the full headers.
    short: list[Any] = field(default_factory=list)

    def head(self) -> list[tuple[str, str, str | None]]:
        """(label, short label, sort key) per column; the name column has no key."""
        short = [str(s) for s in self.short] if self.short else [str(h) for h in self.header]
        return [(str(self.header[0]), short[0], None),
                *[(str(h), sh, k) for h, sh, k in zip(self.header[1:], short[1:], self.keys,
                                                      strict=True)]]

    def display(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """Per row: its code and, per cell, (column label, shown value, is a number)."""
        labels = [str(h) for h in self.header]
        return [(code, [(labels[i], show(v), i > 0 and not isinstance(v, str) or v in
                         (suppression.SMALL, suppression.HIDDEN))
                        for i, v in enumerate(row)])
                for code, row in zip(self.codes, self.rows, strict=True)]

    def display_total(self) -> list[tuple[str, str, bool]]:
        if self.total is None:
            return []
        labels = [str(h) for h in self.header]
        return [(labels[i], show(v), i > 0) for i, v in enumerate(self.total)]

    def csv_rows(self) -> list[list[Any]]:
        out: list[list[Any]] = []
        for code, row in zip(self.codes, self.rows, strict=True):
            out.append([code, *[_plain(v) for v in row]])
        if self.total is not None:
            out.append(["", *[_plain(v) for v in self.total]])
        return out

    def csv_header(self) -> list[str]:
        return [str(_("Code")), *[str(h) for h in self.header]]


def _plain(value: Value) -> int | str | None:
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def show(value: Value) -> str:
    """A cell for the screen: grouped digits, one decimal, "–" for no value.
    Thai and English group and point alike (1,234.5), so no locale lookup —
    which would cost more than the rest of a large table."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figures_table(title: Any, rows: list[AreaRow], total: AreaRow | None,
                  columns: Sequence[Column] = TABLE_COLUMNS, *,
                  areas: bool = False, sort: str = "", descending: bool = True) -> Table:
    cols = [*AREA_COLUMNS, *columns] if areas else list(columns)
    if sort in {c.key for c in cols}:
        rows = sorted(rows, key=lambda a: (a.values.get(sort) is None,
                                           a.values.get(sort) or 0), reverse=descending)
        if descending:  # keep "no value" last either way
            rows = [a for a in rows if a.values.get(sort) is not None] + \
                [a for a in rows if a.values.get(sort) is None]
    return Table(title, [_("Area"), *[c.label for c in cols]], [c.key for c in cols],
                 [[a.name, *[a.values.get(c.key) for c in cols]] for a in rows],
                 [a.code for a in rows], [a.name for a in rows],
                 [str(_("Total")), *[total.values.get(c.key) for c in cols]] if total else None,
                 short=[_("Area"), *[c.short or c.label for c in cols]])


def public_table(title: Any, rows: list[AreaRow], total: AreaRow) -> Table:
    """People at each step by area, with the row totals (people found) and the
    area's totals; small counts suppressed in rows and columns alike."""
    cols = [*STEP_COLUMNS, FOUND]
    grid = [[int(a.values[c.key]) for c in cols] for a in [*rows, total]]
    hidden = suppression.suppress(grid)
    shown = [[hidden.shown(r, c) for c in range(len(cols))] for r in range(len(grid))]
    return Table(title, [_("Area"), *[c.label for c in cols]], [c.key for c in cols],
                 [[a.name, *shown[i]] for i, a in enumerate(rows)],
                 [a.code for a in rows], [a.name for a in rows],
                 [str(_("Total")), *shown[-1]],
                 short=[_("Area"), *[c.short or c.label for c in cols]])


def public_cells(table: Table) -> dict[str, dict[str, Value]]:
    """Area code → {column key: the published cell}, the total under ""."""
    out = {code: dict(zip(table.keys, row[1:], strict=True))
           for code, row in zip(table.codes, table.rows, strict=True)}
    if table.total is not None:
        out[""] = dict(zip(table.keys, table.total[1:], strict=True))
    return out


def public_value(indicator: Indicator, value: float | None,
                 cells: dict[str, Value]) -> float | None:
    """An indicator the public may see: none of the person counts behind it
    is hidden in the published table."""
    inputs = indicator.people_inputs or []
    if any(not isinstance(cells.get(key), int) for key in inputs):
        return None
    return value


def five_k_table(matrix: list[FiveK]) -> Table:
    yes, no = str(_("yes")), str(_("no"))
    return Table(_("Five-ก readiness"), [_("Subdistrict"), *[label for _k, label, _h in FIVE_K],
                                          _("Score (of 5)")],
                 [k for k, _l, _h in FIVE_K] + ["score"],
                 [[m.name, *[yes if mark else no for mark in m.marks], m.score] for m in matrix],
                 [m.code for m in matrix], [m.name for m in matrix],
                 short=[_("Subdistrict"), *[str(label).split(" ", 1)[0] for _k, label, _h
                                            in FIVE_K], pgettext_lazy("column", "Score")])


def holes_table(found: list[Hole]) -> Table:
    return Table(_("Holes"), [_("Subdistrict"), _("Hole"), _("Details"), _("People")],
                 ["kind", "detail", "count"],
                 [[h.name, str(h.label), h.detail, h.count] for h in found],
                 [h.code for h in found], [h.name for h in found])


def roadmap_table(milestones: list[Any]) -> Table:
    """Each milestone's indicators: target, actual, Thailand, progress."""
    rows: list[list[Value]] = []
    codes: list[str] = []
    for m in milestones:
        for p in m.rows:
            rows.append([str(p.indicator.name), m.month,
                         m.due.isoformat() if m.due else None, p.target, p.actual, p.national,
                         str(p.status_label) if p.status else None])
            codes.append(p.indicator.code)
    return Table(_("Roadmap"), [_("Indicator"), _("Month"), _("Due"), _("Target"), _("Actual"),
                                _("Thailand"), _("Progress")],
                 ["month", "due", "target", "actual", "national", "status"], rows, codes,
                 [str(r[0]) for r in rows])


# ------------------------------------------------------------------ tiles

@dataclass
class TileCell:
    code: str
    name: str
    abbr: str
    col: int
    row: int
    value: Value
    shown: str
    band: int  # 0 (no value) or 1–5, darker is better


def _bands(values: list[float], unit: str) -> list[float]:
    """Four cut points: fixed fifths for percentages, quintiles otherwise."""
    if unit == "%":
        return [20.0, 40.0, 60.0, 80.0]
    ordered = sorted(values)
    if not ordered:
        return [0.0] * 4
    return [ordered[min(len(ordered) - 1, int(len(ordered) * q / 5))] for q in (1, 2, 3, 4)]


def tile_map(values: Mapping[str, Value], names: dict[str, str], indicator: Indicator,
             thai: bool) -> tuple[list[TileCell], list[float]]:
    numbers = [float(v) for v in values.values() if isinstance(v, int | float)]
    cuts = _bands(numbers, indicator.unit)
    cells = []
    for tile in TILES:
        value = values.get(tile.code)
        band = 0
        if isinstance(value, int | float):
            band = 1 + sum(value > cut for cut in cuts)
            if indicator.direction == "down":
                band = 6 - band
        cells.append(TileCell(tile.code, names.get(tile.code, tile.code),
                              tile.abbr_th if thai else tile.abbr_en, tile.col + 1, tile.row + 1,
                              value, show(value) if not isinstance(value, str) else value, band))
    return cells, cuts


GRID = {"columns": COLUMNS, "rows": ROWS}
