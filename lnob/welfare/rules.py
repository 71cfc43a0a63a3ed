"""Eligibility rules as data, and the pure function that evaluates them.

A rule is JSON: a condition, or ``{"all": [...]}``, ``{"any": [...]}``,
``{"not": condition}``. The conditions (docs/welfare.md lists them with
examples):

- ``{"age": {"from": 60, "below": 70}}`` — age in whole years on the day of
  evaluation (either bound may be left out); needs the birth date.
- ``{"disability_registered": true}`` — holds a disability card; needs the fact.
- ``{"income": {"below": 100000}}`` — household income per head, baht a year
  (``from`` and/or ``below``); needs the income band.
- ``{"child_age": {"below": 6}}`` — someone else in the person's household is
  of that age; needs the household and its members' birth dates.
- ``{"residence": {"in": ["84", "8405"]}}`` — lives in one of these areas
  (DOPA code prefixes); always known.
- ``{"holds": ["state_welfare_card"]}`` — receives one of these schemes now.

Three answers, never two: a condition that needs a fact nobody recorded is
*unknown*, and the whole rule is ``cannot_tell`` with the missing facts named
unless the known conditions already decide it (Kleene's three-valued logic:
``all`` is false as soon as one part is false, ``any`` true as soon as one
part is true). A missing birth date never makes a person "not eligible".

No Django here: the engine takes plain values (``Facts``) and is tested and
benchmarked on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
CANNOT_TELL = "cannot_tell"

# The facts a condition may be missing, named as on the page ("missing X").
BIRTH_DATE = "birth_date"
DISABILITY = "disability_registered"
INCOME = "income"
HOUSEHOLD = "household"

COMBINATORS = ("all", "any", "not")
CONDITIONS = ("age", "disability_registered", "income", "child_age", "residence", "holds")
MAX_DEPTH = 6


@dataclass(slots=True)
class Facts:
    """What the rules may read of one person."""

    birth_date: datetime.date | None = None
    birth_year_only: bool = False
    disability_registered: bool | None = None
    # Household income per head, baht a year, as a band [low, high): None = not known.
    income: tuple[int, int | None] | None = None
    area_code: str = ""
    # Birth dates of the other members of the household (None for one not
    # known); None when the person is linked to no household.
    household_birth_dates: tuple[datetime.date | None, ...] | None = None
    holds: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Outcome:
    result: str
    missing: tuple[str, ...] = ()

    @property
    def value(self) -> bool | None:
        return {ELIGIBLE: True, NOT_ELIGIBLE: False}.get(self.result)


TRUE = Outcome(ELIGIBLE)
FALSE = Outcome(NOT_ELIGIBLE)


def _unknown(*missing: str) -> Outcome:
    return Outcome(CANNOT_TELL, tuple(sorted(set(missing))))


def age_on(birth: datetime.date, on: datetime.date, year_only: bool = False) -> int:
    """Whole years. With only the year known, the age reached during that year."""
    years = on.year - birth.year
    if not year_only and (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def _in_band(value: int, band: Mapping[str, Any]) -> bool:
    low, below = band.get("from"), band.get("below")
    return (low is None or value >= low) and (below is None or value < below)


def _range_in_band(low: int, high: int | None, band: Mapping[str, Any]) -> bool | None:
    """Is every value of [low, high) inside the band, none, or some (None)?"""
    b_from, b_below = band.get("from"), band.get("below")
    inside_low = b_from is None or low >= b_from
    inside_high = b_below is None or (high is not None and high <= b_below)
    if inside_low and inside_high:
        return True
    outside = (b_below is not None and low >= b_below) or (
        b_from is not None and high is not None and high <= b_from)
    return False if outside else None


def _bool(value: bool) -> Outcome:
    return TRUE if value else FALSE


def _condition(kind: str, arg: Any, facts: Facts, on: datetime.date) -> Outcome:
    if kind == "age":
        if facts.birth_date is None:
            return _unknown(BIRTH_DATE)
        return _bool(_in_band(age_on(facts.birth_date, on, facts.birth_year_only), arg))
    if kind == "disability_registered":
        if facts.disability_registered is None:
            return _unknown(DISABILITY)
        return _bool(facts.disability_registered == bool(arg))
    if kind == "income":
        if facts.income is None:
            return _unknown(INCOME)
        inside = _range_in_band(facts.income[0], facts.income[1], arg)
        return _unknown(INCOME) if inside is None else _bool(inside)
    if kind == "child_age":
        if facts.household_birth_dates is None:
            return _unknown(HOUSEHOLD)
        unknown = False
        for birth in facts.household_birth_dates:
            if birth is None:
                unknown = True
            elif _in_band(age_on(birth, on), arg):
                return TRUE
        return _unknown(BIRTH_DATE) if unknown else FALSE
    if kind == "residence":
        return _bool(any(facts.area_code.startswith(code) for code in arg["in"]))
    if kind == "holds":
        return _bool(any(code in facts.holds for code in arg))
    raise ValueError(kind)  # validate() refuses it first


def evaluate(rule: Mapping[str, Any], facts: Facts, on: datetime.date) -> Outcome:
    """The rule's answer for these facts on this day."""
    ((kind, arg),) = rule.items()
    if kind == "not":
        inner = evaluate(arg, facts, on)
        return inner if inner.result == CANNOT_TELL else _bool(inner.result == NOT_ELIGIBLE)
    if kind in ("all", "any"):
        decisive = NOT_ELIGIBLE if kind == "all" else ELIGIBLE
        missing: list[str] = []
        for part in arg:
            outcome = evaluate(part, facts, on)
            if outcome.result == decisive:
                return outcome
            missing.extend(outcome.missing)
        return _unknown(*missing) if missing else (TRUE if kind == "all" else FALSE)
    return _condition(kind, arg, facts, on)


def amount_for(tiers: Iterable[Mapping[str, Any]], default: int | None, facts: Facts,
               on: datetime.date) -> int | None:
    """The first tier whose ``when`` is true gives the amount (baht); none: the
    default. A tier that cannot be told gives no amount (None)."""
    for tier in tiers:
        outcome = evaluate(tier["when"], facts, on)
        if outcome.result == ELIGIBLE:
            return int(tier["baht"])
        if outcome.result == CANNOT_TELL:
            return None
    return default


# --- compiled rules: the same answers, for evaluating millions ----------------
# ``evaluate`` reads the JSON at every call; a full evaluation calls it five
# times a person. ``compile_rule`` turns a (validated) rule into nested
# closures once per version, with the bounds read out and the "missing"
# answers made in advance: the same Outcome for the same facts (tested against
# ``evaluate`` on random rules and facts), several times faster.

Evaluator = Callable[[Facts, datetime.date], Outcome]
_MISSING = {name: Outcome(CANNOT_TELL, (name,)) for name in (BIRTH_DATE, DISABILITY, INCOME,
                                                              HOUSEHOLD)}


def _compile_band(arg: Mapping[str, Any]) -> Callable[[int], bool]:
    low, below = arg.get("from"), arg.get("below")
    if low is None:
        return (lambda v: True) if below is None else (lambda v: v < below)
    if below is None:
        return lambda v: v >= low
    return lambda v: low <= v < below


def _compile_condition(kind: str, arg: Any) -> Evaluator:
    if kind == "age":
        inside = _compile_band(arg)
        no_birth = _MISSING[BIRTH_DATE]

        def age(f: Facts, on: datetime.date) -> Outcome:
            b = f.birth_date
            if b is None:
                return no_birth
            years = on.year - b.year
            if not f.birth_year_only and (on.month, on.day) < (b.month, b.day):
                years -= 1
            return TRUE if inside(years) else FALSE

        return age
    if kind == "disability_registered":
        wanted, no_card = bool(arg), _MISSING[DISABILITY]

        def disability(f: Facts, on: datetime.date) -> Outcome:
            value = f.disability_registered
            if value is None:
                return no_card
            return TRUE if value == wanted else FALSE

        return disability
    if kind == "income":
        no_income = _MISSING[INCOME]

        def income(f: Facts, on: datetime.date) -> Outcome:
            if f.income is None:
                return no_income
            inside = _range_in_band(f.income[0], f.income[1], arg)
            return no_income if inside is None else (TRUE if inside else FALSE)

        return income
    if kind == "child_age":
        inside, no_household = _compile_band(arg), _MISSING[HOUSEHOLD]
        no_birth = _MISSING[BIRTH_DATE]

        def child_age(f: Facts, on: datetime.date) -> Outcome:
            births = f.household_birth_dates
            if births is None:
                return no_household
            unknown = False
            for birth in births:
                if birth is None:
                    unknown = True
                elif inside(age_on(birth, on)):
                    return TRUE
            return no_birth if unknown else FALSE

        return child_age
    if kind == "residence":
        prefixes = tuple(arg["in"])
        return lambda f, on: TRUE if f.area_code.startswith(prefixes) else FALSE
    if kind == "holds":
        codes = frozenset(arg)
        return lambda f, on: FALSE if codes.isdisjoint(f.holds) else TRUE
    raise ValueError(kind)  # validate() refuses it first


def compile_rule(rule: Mapping[str, Any]) -> Evaluator:
    """``rule`` as a function of (facts, day) giving what ``evaluate`` gives."""
    ((kind, arg),) = rule.items()
    if kind == "not":
        inner = compile_rule(arg)

        def not_(f: Facts, on: datetime.date) -> Outcome:
            outcome = inner(f, on)
            if outcome.result == CANNOT_TELL:
                return outcome
            return FALSE if outcome.result == ELIGIBLE else TRUE

        return not_
    if kind in ("all", "any"):
        parts = tuple(compile_rule(part) for part in arg)
        decisive = NOT_ELIGIBLE if kind == "all" else ELIGIBLE
        otherwise = TRUE if kind == "all" else FALSE

        def combined(f: Facts, on: datetime.date) -> Outcome:
            missing: list[str] = []
            for part in parts:
                outcome = part(f, on)
                if outcome.result == decisive:
                    return outcome
                if outcome.missing:
                    missing.extend(outcome.missing)
            return _unknown(*missing) if missing else otherwise

        return combined
    return _compile_condition(kind, arg)


def compile_amounts(tiers: Iterable[Mapping[str, Any]], default: int | None
                    ) -> Callable[[Facts, datetime.date], int | None]:
    """``amount_for`` with the tiers compiled once."""
    compiled = tuple((compile_rule(t["when"]), int(t["baht"])) for t in tiers)
    if not compiled:
        return lambda f, on: default

    def amount(f: Facts, on: datetime.date) -> int | None:
        for when, baht in compiled:
            result = when(f, on).result
            if result == ELIGIBLE:
                return baht
            if result == CANNOT_TELL:
                return None
        return default

    return amount


# --- validation: every problem named with its place in the rule -------------

def _band_errors(where: str, arg: Any) -> list[str]:
    if not isinstance(arg, dict) or not arg or set(arg) - {"from", "below"}:
        return [f"{where}: expected {{\"from\": n, \"below\": n}} (one or both)"]
    errors = [f"{where}.{k}: expected a whole number ≥ 0" for k, v in arg.items()
              if not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if not errors and "from" in arg and "below" in arg and arg["from"] >= arg["below"]:
        errors.append(f"{where}: \"from\" must be less than \"below\"")
    return errors


def validate(rule: Any, known_schemes: Iterable[str] = (), where: str = "rule",
             depth: int = 0) -> list[str]:
    """Every problem of ``rule`` as ``place: what is wrong`` (empty: valid).
    ``known_schemes``: the codes a ``holds`` condition may name."""
    known = set(known_schemes)
    if depth > MAX_DEPTH:
        return [f"{where}: nested more than {MAX_DEPTH} levels"]
    if not isinstance(rule, dict) or len(rule) != 1:
        return [f"{where}: expected an object with exactly one key "
                f"({', '.join(COMBINATORS + CONDITIONS)})"]
    ((kind, arg),) = rule.items()
    here = f"{where}.{kind}"
    if kind in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            return [f"{here}: expected a non-empty list of conditions"]
        return [e for i, part in enumerate(arg)
                for e in validate(part, known, f"{here}[{i}]", depth + 1)]
    if kind == "not":
        return validate(arg, known, here, depth + 1)
    if kind in ("age", "income", "child_age"):
        return _band_errors(here, arg)
    if kind == "disability_registered":
        return [] if isinstance(arg, bool) else [f"{here}: expected true or false"]
    if kind == "residence":
        codes = arg.get("in") if isinstance(arg, dict) and set(arg) == {"in"} else None
        if not isinstance(codes, list) or not codes or not all(
                isinstance(c, str) and c.isdigit() and len(c) in (2, 4, 6, 8) for c in codes):
            return [f"{here}: expected {{\"in\": [area codes of 2, 4, 6 or 8 digits]}}"]
        return []
    if kind == "holds":
        if not isinstance(arg, list) or not arg or not all(isinstance(c, str) for c in arg):
            return [f"{here}: expected a list of scheme codes"]
        return [f"{here}: unknown scheme {c!r}" for c in arg if known and c not in known]
    return [f"{where}: unknown condition {kind!r} (known: {', '.join(COMBINATORS + CONDITIONS)})"]


def validate_tiers(tiers: Any, known_schemes: Iterable[str] = ()) -> list[str]:
    if not isinstance(tiers, list):
        return ["amounts: expected a list of {\"when\": rule, \"baht\": n}"]
    errors: list[str] = []
    for i, tier in enumerate(tiers):
        where = f"amounts[{i}]"
        if not isinstance(tier, dict) or set(tier) != {"when", "baht"}:
            errors.append(f"{where}: expected {{\"when\": rule, \"baht\": n}}")
            continue
        if not isinstance(tier["baht"], int) or isinstance(tier["baht"], bool) or tier["baht"] < 0:
            errors.append(f"{where}.baht: expected a whole number of baht ≥ 0")
        errors.extend(validate(tier["when"], known_schemes, f"{where}.when"))
    return errors


def holds_named(rule: Any) -> set[str]:
    """The scheme codes a rule reads through ``holds`` (evaluation order)."""
    if not isinstance(rule, dict):
        return set()
    found: set[str] = set()
    for kind, arg in rule.items():
        if kind == "holds" and isinstance(arg, list):
            found.update(arg)
        elif kind in ("all", "any") and isinstance(arg, list):
            for part in arg:
                found |= holds_named(part)
        elif kind == "not":
            found |= holds_named(arg)
    return found
