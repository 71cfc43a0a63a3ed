"""The rule engine on its own: each condition, its boundaries, and missing
facts giving "cannot tell", never "not eligible"."""

from __future__ import annotations

import datetime

import pytest

from lnob.welfare.rules import (
    CANNOT_TELL,
    ELIGIBLE,
    NOT_ELIGIBLE,
    Facts,
    amount_for,
    evaluate,
    validate,
    validate_tiers,
)
from lnob.welfare.seed import SCHEMES

ON = datetime.date(2026, 6, 15)


def born(years_ago: int, month: int = 6, day: int = 15) -> datetime.date:
    return datetime.date(ON.year - years_ago, month, day)


def result(rule: dict, **facts: object) -> str:
    return evaluate(rule, Facts(**facts), ON).result  # type: ignore[arg-type]


@pytest.mark.parametrize(("birth", "expected"), [
    (born(60), ELIGIBLE),                    # 60th birthday today
    (born(60, 6, 16), NOT_ELIGIBLE),         # turns 60 tomorrow
    (born(69, 1, 1), ELIGIBLE),
    (born(70), NOT_ELIGIBLE),                # "below" is exclusive
])
def test_age_band_boundaries(birth: datetime.date, expected: str) -> None:
    assert result({"age": {"from": 60, "below": 70}}, birth_date=birth) == expected


def test_missing_birth_date_is_cannot_tell_never_not_eligible() -> None:
    outcome = evaluate({"age": {"from": 60}}, Facts(), ON)
    assert outcome.result == CANNOT_TELL
    assert outcome.missing == ("birth_date",)


def test_year_only_birth_counts_the_age_reached_that_year() -> None:
    assert result({"age": {"from": 60}}, birth_date=datetime.date(ON.year - 60, 1, 1),
                  birth_year_only=True) == ELIGIBLE


def test_disability_yes_no_unknown() -> None:
    rule = {"disability_registered": True}
    assert result(rule, disability_registered=True) == ELIGIBLE
    assert result(rule, disability_registered=False) == NOT_ELIGIBLE
    assert evaluate(rule, Facts(), ON).missing == ("disability_registered",)


@pytest.mark.parametrize(("band", "expected"), [
    ((0, 30_000), ELIGIBLE), ((30_000, 100_000), ELIGIBLE), ((100_000, None), NOT_ELIGIBLE),
    (None, CANNOT_TELL),
])
def test_income_bands_against_a_threshold(band: tuple | None, expected: str) -> None:
    assert result({"income": {"below": 100_000}}, income=band) == expected


def test_a_threshold_inside_a_band_cannot_tell() -> None:
    outcome = evaluate({"income": {"below": 50_000}}, Facts(income=(30_000, 100_000)), ON)
    assert (outcome.result, outcome.missing) == (CANNOT_TELL, ("income",))


def test_child_age_reads_the_household() -> None:
    rule = {"child_age": {"below": 6}}
    assert result(rule, household_birth_dates=(born(40), born(3))) == ELIGIBLE
    assert result(rule, household_birth_dates=(born(40), born(6))) == NOT_ELIGIBLE
    assert result(rule, household_birth_dates=(born(40), None)) == CANNOT_TELL
    assert evaluate(rule, Facts(), ON).missing == ("household",)


def test_residence_and_holds() -> None:
    assert result({"residence": {"in": ["84"]}}, area_code="840503") == ELIGIBLE
    assert result({"residence": {"in": ["81", "8401"]}}, area_code="840503") == NOT_ELIGIBLE
    assert result({"holds": ["a"]}, holds=frozenset({"a"})) == ELIGIBLE
    assert result({"not": {"holds": ["a"]}}, holds=frozenset({"a"})) == NOT_ELIGIBLE


def test_all_is_decided_by_a_known_false_despite_missing_facts() -> None:
    rule = {"all": [{"age": {"below": 6}}, {"income": {"below": 100_000}}]}
    # An adult is not eligible for the child grant whatever the income.
    assert result(rule, birth_date=born(30)) == NOT_ELIGIBLE
    # A child of unknown household income: cannot tell, income missing.
    outcome = evaluate(rule, Facts(birth_date=born(2)), ON)
    assert (outcome.result, outcome.missing) == (CANNOT_TELL, ("income",))


def test_any_is_decided_by_a_known_true_and_names_every_missing_fact() -> None:
    rule = {"any": [{"age": {"from": 60}}, {"disability_registered": True}]}
    assert result(rule, disability_registered=True) == ELIGIBLE
    assert evaluate(rule, Facts(), ON).missing == ("birth_date", "disability_registered")
    assert result(rule, birth_date=born(30), disability_registered=False) == NOT_ELIGIBLE


def test_not_keeps_cannot_tell() -> None:
    assert result({"not": {"age": {"from": 60}}}) == CANNOT_TELL


def test_old_age_amount_by_band() -> None:
    seeded = next(s for s in SCHEMES if s["code"] == "old_age_allowance")
    amounts = [amount_for(seeded["amounts"], seeded["amount_baht"], Facts(birth_date=born(a)), ON)
               for a in (60, 69, 70, 79, 80, 89, 90, 101)]
    assert amounts == [600, 600, 700, 700, 800, 800, 1000, 1000]


def test_disability_amount_under_18_and_unknown_age() -> None:
    seeded = next(s for s in SCHEMES if s["code"] == "disability_allowance")
    tiers, default = seeded["amounts"], seeded["amount_baht"]
    assert amount_for(tiers, default, Facts(birth_date=born(17)), ON) == 1000
    assert amount_for(tiers, default, Facts(birth_date=born(18)), ON) == 800
    assert amount_for(tiers, default, Facts(), ON) is None


def test_every_seeded_rule_is_valid() -> None:
    codes = [s["code"] for s in SCHEMES]
    for s in SCHEMES:
        assert validate(s["rule"], codes) == []
        assert validate_tiers(s["amounts"], codes) == []


@pytest.mark.parametrize(("rule", "needle"), [
    ({"age": {"from": 70, "below": 60}}, "rule.age: \"from\" must be less"),
    ({"age": {"min": 60}}, "rule.age: expected"),
    ({"all": []}, "rule.all: expected a non-empty list"),
    ({"all": [{"age": {"from": 60}}, {"wealth": 1}]}, "rule.all[1]: unknown condition 'wealth'"),
    ({"residence": {"in": ["8"]}}, "rule.residence: expected"),
    ({"holds": ["nope"]}, "rule.holds: unknown scheme 'nope'"),
    ({"age": {"from": 1}, "income": {"below": 2}}, "exactly one key"),
    ({"disability_registered": "yes"}, "expected true or false"),
    ([], "exactly one key"),
])
def test_validation_names_the_place_and_the_problem(rule: object, needle: str) -> None:
    errors = validate(rule, ["old_age_allowance"])
    assert any(needle in e for e in errors), errors


def test_compiled_rules_give_the_same_answers_as_the_interpreter() -> None:
    """The full evaluation uses ``compile_rule``; the pages and the tests above
    the interpreter: every seeded rule and random nested rules, on random facts
    (missing or not), give the same Outcome and the same amount."""
    import random
    from typing import Any

    from lnob.welfare import rules

    rng = random.Random(18)
    on = datetime.date(2026, 6, 15)

    def band() -> dict[str, int]:
        low = rng.choice([None, 0, 6, 18, 60, 30_000])
        below = rng.choice([None, 6, 18, 60, 70, 100_000])
        if low is not None and below is not None and low >= below:
            below = None
        out = {k: v for k, v in (("from", low), ("below", below)) if v is not None}
        return out or {"from": 1}

    def condition(depth: int = 0) -> dict[str, Any]:
        kind = rng.choice(["age", "disability_registered", "income", "child_age", "residence",
                           "holds"] + (["all", "any", "not"] if depth < 3 else []))
        if kind in ("all", "any"):
            return {kind: [condition(depth + 1) for _ in range(rng.randint(1, 3))]}
        if kind == "not":
            return {"not": condition(depth + 1)}
        if kind in ("age", "income", "child_age"):
            return {kind: band()}
        if kind == "disability_registered":
            return {kind: rng.random() < 0.5}
        if kind == "residence":
            return {kind: {"in": rng.sample(["84", "8405", "840503", "10", "5001"], 2)}}
        return {kind: rng.sample(["old_age_allowance", "state_welfare_card", "x"], 1)}

    def facts() -> rules.Facts:
        def birth() -> datetime.date | None:
            return None if rng.random() < 0.2 else on - datetime.timedelta(
                days=rng.randint(0, 95 * 365))
        return rules.Facts(
            birth_date=birth(), birth_year_only=rng.random() < 0.1,
            disability_registered=rng.choice([None, True, False]),
            income=rng.choice([None, (0, 30_000), (30_000, 100_000), (100_000, None)]),
            area_code=rng.choice(["840503", "100101", "500101"]),
            household_birth_dates=None if rng.random() < 0.3 else tuple(
                birth() for _ in range(rng.randint(0, 3))),
            holds=frozenset(rng.sample(["old_age_allowance", "state_welfare_card"],
                                       rng.randint(0, 2))))

    seeded = [(s["rule"], s.get("amounts", []), s.get("amount_baht")) for s in SCHEMES]
    randoms = [(condition(), [{"when": condition(), "baht": 100}], 50) for _ in range(300)]
    people = [facts() for _ in range(200)]
    checked = 0
    for rule, tiers, default in seeded + randoms:
        assert rules.validate(rule) == []
        compiled = rules.compile_rule(rule)
        amount = rules.compile_amounts(tiers, default)
        for f in people:
            assert compiled(f, on) == rules.evaluate(rule, f, on), (rule, f)
            assert amount(f, on) == rules.amount_for(tiers, default, f, on), (tiers, f)
            checked += 1
    assert checked > 60_000
