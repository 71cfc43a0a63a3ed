"""Indicators as data: a formula over the roll-ups' figures, evaluated
safely (arithmetic on known names only, never ``eval``).

``variables(row, on)`` gives the names a formula may use, for any area row
(a subdistrict summary or an area roll-up) as it stands on a day.
"""

from __future__ import annotations

import ast
import datetime
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from lnob.coverage import histograms as hist
from lnob.coverage.compute import flags, getter
from lnob.coverage.population import residents

# name → what it means (shown to whoever writes a formula)
VARIABLES: dict[str, str] = {
    "subdistricts": "subdistricts in the area",
    "lead_covered": "subdistricts with an active lead network",
    "no_lead": "subdistricts without a lead network",
    "k1": "subdistricts where people were reported or a search round recorded (ก.1)",
    "k2": "subdistricts where a forum was held (ก.2)",
    "k3": "subdistricts with active volunteers (ก.3)",
    "k4": "subdistricts with a fund (ก.4)",
    "k5": "subdistricts with a subdistrict committee (ก.5)",
    "five_k_all": "subdistricts with all five ก",
    "found": "people found (all reported, duplicates excepted)",
    "reported": "people waiting for verification",
    "verified": "people verified, no carer yet",
    "assigned": "people with a carer, not visited yet",
    "in_care": "people in care",
    "closed": "people whose case is closed",
    "rejected": "people found not to be a target",
    "verified_ever": "people verified (verified, assigned, in care or closed)",
    "open_verified": "people verified and not closed",
    "networks": "active networks",
    "lead_networks": "active lead networks",
    "volunteers": "active volunteers",
    "funds": "funds",
    "committees": "committees",
    "search_rounds": "search rounds recorded",
    "capacity": "people the givers can care for",
    "load": "people assigned or in care",
    "remaining": "capacity less load",
    "forums": "forums recorded",
    "forums_held": "forums held (dated on or before the day)",
    "median_days_to_verify": "median days from report to verification",
    "median_days_to_visit": "median days from verification to first visit",
    "unserved": "subdistricts with verified people and no giver",
    "need_short": "subdistricts where demand exceeds capacity for a need",
    "offers": "offers of help made for the area (the giving centre)",
    "givers": "givers who offered help for the area (distinct; a province's are summed "
              "for the nation)",
    "residents": "registered residents (DOPA); unknown where a subdistrict has no figure",
    "old_age_eligible": "people the rules find eligible for the old-age allowance "
                        "(roadmap and the area's own figures only)",
    "old_age_receiving": "… of them, those receiving it",
}

_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {"min": min, "max": max}


class FormulaError(ValueError):
    """The formula uses something other than numbers, known names, + - * /,
    parentheses, min() and max()."""


def check(formula: str) -> None:
    """Raises FormulaError when the formula is not allowed."""
    evaluate(formula, dict.fromkeys(VARIABLES, 1.0))


def evaluate(formula: str, values: Mapping[str, float | int | None]) -> float | None:
    """The formula's value; None when an input is unknown or it divides by zero."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(str(exc)) from exc
    try:
        result = _eval(tree.body, values)
    except (ZeroDivisionError, _Unknown):
        return None
    if result is None or math.isnan(result) or math.isinf(result):
        return None
    return float(result)


class _Unknown(Exception):
    pass


def _eval(node: ast.AST, values: Mapping[str, Any]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in VARIABLES:
            raise FormulaError(f"unknown name {node.id!r}")
        value = values.get(node.id)
        if value is None:
            raise _Unknown
        return float(value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _eval(node.operand, values)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in _FUNCTIONS and not node.keywords and node.args:
        return float(_FUNCTIONS[node.func.id](*(_eval(a, values) for a in node.args)))
    raise FormulaError(f"not allowed: {ast.dump(node)[:60]}")


def variables(row: Any, on: datetime.date,
              extra: Mapping[str, float | int | None] | None = None,
              ) -> dict[str, float | int | None]:
    """The variables of a subdistrict summary or an area roll-up on a day;
    ``extra`` adds figures kept outside the roll-ups (welfare's, see
    ``lnob.coverage.welfare``), unknown (None) when not given."""
    get = getter(row)
    if "subdistricts" in (row if isinstance(row, dict) else row.__dict__):
        area = {name: get(name) for name in ("subdistricts", "lead_covered", "k1", "k3", "k4",
                                               "k5", "unserved", "need_short")}
        area["k2"] = hist.up_to(get("k2_dates"), on)
        area["five_k_all"] = hist.up_to(get("all5_dates"), on)
    else:
        area = dict(flags(row))
        first = get("first_forum_on")
        area["k2"] = int(first is not None and first <= on)
        area["five_k_all"] = int(bool(area["k1"] and area["k2"] and area["k3"] and area["k4"]
                                      and area["k5"]))
        area.pop("subdistricts", None)
        area["subdistricts"] = 1
    counts = {name: get(name) for name in (
        "found", "reported", "verified", "assigned", "in_care", "closed", "rejected",
        "networks", "lead_networks", "volunteers", "funds", "committees", "forums",
        "search_rounds")}
    capacity = get("network_capacity") + get("volunteer_capacity")
    load = counts["assigned"] + counts["in_care"]
    return {
        **area, **counts,
        "no_lead": area["subdistricts"] - area["lead_covered"],
        "verified_ever": counts["verified"] + counts["assigned"] + counts["in_care"]
        + counts["closed"],
        "open_verified": counts["verified"] + counts["assigned"] + counts["in_care"],
        "capacity": capacity, "load": load, "remaining": capacity - load,
        "forums_held": hist.up_to(get("forum_dates"), on),
        "median_days_to_verify": get("median_days_to_verify"),
        "median_days_to_visit": get("median_days_to_visit"),
        **contributed_variables(get("contributed")),
        "old_age_eligible": None, "old_age_receiving": None,
        **(extra or {}),
    }


def contributed_variables(contributed: Mapping[str, int] | None) -> dict[str, int | None]:
    """Offers, givers (``lnob.giving`` registers them) and residents (None
    where a subdistrict of the area has no population figure)."""
    figures = contributed or {}
    return {
        "offers": sum(n for k, n in figures.items() if k.startswith("giving.offers.")),
        "givers": figures.get("giving.givers", 0),
        "residents": residents(figures),
    }
