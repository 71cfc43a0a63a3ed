"""The comparisons of the LNOB model: each level once in SQL (for Splink on DuckDB) and once
in Python (for the single-record look-up and the explanation of a pair).

A test scores thousands of pairs both ways and requires the same level every time.
Python conditions follow SQL's NULL rule: a comparison with a missing value is not true.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lnob.dedup.engine.features import BLOCKING_RULES, Features
from lnob.dedup.engine.similarity import damerau_levenshtein, hamming, jaro_winkler

__all__ = [
    "COMPARISONS",
    "Comparison",
    "Level",
    "Outcome",
    "level_of",
    "splink_settings",
]

Outcome = Literal["agree", "close", "disagree", "missing", "household"]
Test = Callable[[Features, Features], bool]


@dataclass(frozen=True)
class Level:
    label: str  # stable code, also Splink's label_for_charts
    description: str  # for people: what this level means
    sql: str
    test: Test
    outcome: Outcome
    null: bool = False
    tf: str | None = None  # term-frequency column
    fixed: tuple[float, float] | None = None  # (m, u) not estimated


@dataclass(frozen=True)
class Comparison:
    name: str  # Splink's output_column_name
    description: str
    levels: tuple[Level, ...]


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


def _else(_a: Features, _b: Features) -> bool:
    return True


# --------------------------------------------------------------------- citizen ID

def _cid_null(a: Features, b: Features) -> bool:
    return a.cid is None or b.cid is None


def _cid_transposed(a: Features, b: Features) -> bool:
    if a.cid is None or b.cid is None:  # the null level comes first
        return False
    return (hamming(a.cid, b.cid) == 2 and damerau_levenshtein(a.cid, b.cid) == 1
            and not (a.cid_ok and b.cid_ok and a.cid[:11] == b.cid[:11]))


def _cid_one_digit(a: Features, b: Features) -> bool:
    if a.cid is None or b.cid is None:  # the null level comes first
        return False
    return hamming(a.cid, b.cid) == 1


# Twins are registered one after the other: the 12th digit goes up by one and the check
# digit changes, which can look exactly like the last two digits swapped. Two valid IDs
# that differ only so are two people; any other swap is a typo (one that keeps the check
# digit valid is rare but happens), and so is one wrong digit (the 3rd digit's weight is
# 11, so the check digit never sees it).
_TYPO = "AND NOT (cid_ok_l AND cid_ok_r AND substr(cid_l, 1, 11) = substr(cid_r, 1, 11))"


CITIZEN_ID = Comparison("citizen_id", "Citizen ID", (
    Level("missing", "missing in one record", "cid_l IS NULL OR cid_r IS NULL", _cid_null,
          "missing", null=True),
    Level("exact", "the same 13 digits", "cid_l = cid_r",
          lambda a, b: _eq(a.cid, b.cid), "agree"),
    Level("transposed", "two neighbouring digits swapped",
          f"hamming(cid_l, cid_r) = 2 AND damerau_levenshtein(cid_l, cid_r) = 1 {_TYPO}",
          _cid_transposed, "close"),
    Level("one_digit", "one digit different", "hamming(cid_l, cid_r) = 1",
          _cid_one_digit, "close"),
    Level("different", "different IDs", "ELSE", _else, "disagree"),
))

# --------------------------------------------------------------------- names


def _name_levels(col: str, what: str, tf: bool) -> list[Level]:
    fold_, sound_ = f"{col}_fold", f"{col}_sound"

    def null(a: Features, b: Features) -> bool:
        return getattr(a, fold_) is None or getattr(b, fold_) is None

    def exact(a: Features, b: Features) -> bool:
        return _eq(getattr(a, fold_), getattr(b, fold_))

    def same_sound(a: Features, b: Features) -> bool:
        return _eq(getattr(a, sound_), getattr(b, sound_))

    def one_edit(a: Features, b: Features) -> bool:
        return damerau_levenshtein(getattr(a, fold_), getattr(b, fold_)) <= 1

    def similar(a: Features, b: Features) -> bool:
        return jaro_winkler(getattr(a, fold_), getattr(b, fold_)) >= 0.88

    return [
        Level("missing", f"{what} missing in one record",
              f"{fold_}_l IS NULL OR {fold_}_r IS NULL", null, "missing", null=True),
        Level("same_spelling",
              f"the same {what} once tone marks, ์, confusable letters and vowel length "
              "are set aside" + (" (weighed by how common the name is)" if tf else ""),
              f"{fold_}_l = {fold_}_r", exact, "agree", tf=fold_ if tf else None),
        Level("same_sound", f"{what}s that sound the same", f"{sound_}_l = {sound_}_r",
              same_sound, "close"),
        Level("one_letter", f"{what}s one letter apart",
              # Levenshtein (5 times cheaper in DuckDB) first: one edit with swaps
              # allowed is at most two without.
              f"levenshtein({fold_}_l, {fold_}_r) <= 2 "
              f"AND damerau_levenshtein({fold_}_l, {fold_}_r) <= 1", one_edit, "close"),
        Level("similar", f"similar {what}s",
              f"jaro_winkler_similarity({fold_}_l, {fold_}_r) >= 0.88", similar, "close"),
    ]


FIRST_NAME = Comparison("first_name", "First name", (
    # Term frequencies for first names only: many people share สมชาย or สมศรี, while
    # Thai surnames were made unique per family (Surname Act 1913) and rarely repeat.
    *_name_levels("first", "first name", tf=True),
    Level("different", "different first names", "ELSE", _else, "disagree"),
))

_MARRIED_SQL = ("(title_l IN ('miss', 'girl') AND title_r = 'mrs') OR "
                "(title_l = 'mrs' AND title_r IN ('miss', 'girl'))")


def _married(a: Features, b: Features) -> bool:
    return ((a.title in ("miss", "girl") and b.title == "mrs")
            or (a.title == "mrs" and b.title in ("miss", "girl")))


LAST_NAME = Comparison("last_name", "Surname", (
    *_name_levels("last", "surname", tf=False),
    Level("married", "different surnames, with นางสาว in one record and นาง in the other "
          "(a woman who married)", _MARRIED_SQL, _married, "close"),
    Level("woman", "different surnames of a woman (who may have married)",
          "sex_l = 'F' AND sex_r = 'F'",
          lambda a, b: a.sex == "F" and b.sex == "F", "disagree"),
    Level("different", "different surnames", "ELSE", _else, "disagree"),
))

# --------------------------------------------------------------------- birth date


def _dob_null(a: Features, b: Features) -> bool:
    return a.dob_y is None or b.dob_y is None


def _same_day(a: Features, b: Features) -> bool:
    return _eq(a.dob_m, b.dob_m) and _eq(a.dob_d, b.dob_d)


def _either_year_only(a: Features, b: Features) -> bool:
    return a.dob_year_only or b.dob_year_only


def _years_apart(a: Features, b: Features) -> int:
    if a.dob_y is None or b.dob_y is None:  # the null level comes first
        return -1
    return abs(a.dob_y - b.dob_y)


_DAY_OR_YEAR_ONLY = ("((dob_m_l = dob_m_r AND dob_d_l = dob_d_r) "
                     "OR dob_year_only_l OR dob_year_only_r)")

BIRTH_DATE = Comparison("birth_date", "Birth date", (
    Level("missing", "missing in one record", "dob_y_l IS NULL OR dob_y_r IS NULL",
          _dob_null, "missing", null=True),
    Level("exact", "the same date",
          "dob_y_l = dob_y_r AND dob_m_l = dob_m_r AND dob_d_l = dob_d_r",
          lambda a, b: _eq(a.dob_y, b.dob_y) and _same_day(a, b), "agree"),
    Level("day_month_swapped", "the same date with day and month swapped",
          "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
          lambda a, b: _eq(a.dob_y, b.dob_y) and _eq(a.dob_m, b.dob_d)
          and _eq(a.dob_d, b.dob_m), "close"),
    Level("year_only", "the same year, only the year known in one record",
          "dob_y_l = dob_y_r AND (dob_year_only_l OR dob_year_only_r)",
          lambda a, b: _eq(a.dob_y, b.dob_y) and _either_year_only(a, b), "close"),
    Level("buddhist_era", "543 years apart: a Buddhist Era year stored as a Christian Era one",
          f"abs(dob_y_l - dob_y_r) = 543 AND {_DAY_OR_YEAR_ONLY}",
          lambda a, b: _years_apart(a, b) == 543
          and (_same_day(a, b) or _either_year_only(a, b)), "close"),
    Level("year_off_by_one", "the same day and month, one year apart",
          f"abs(dob_y_l - dob_y_r) = 1 AND {_DAY_OR_YEAR_ONLY}",
          lambda a, b: _years_apart(a, b) == 1
          and (_same_day(a, b) or _either_year_only(a, b)), "close"),
    Level("same_year", "the same year, another day", "dob_y_l = dob_y_r",
          lambda a, b: _eq(a.dob_y, b.dob_y), "close"),
    Level("different", "different birth dates", "ELSE", _else, "disagree"),
))

# --------------------------------------------------------------------- address

ADDRESS = Comparison("address", "Address", (
    Level("missing", "missing in one record", "sd_l IS NULL OR sd_r IS NULL",
          lambda a, b: a.sd is None or b.sd is None, "missing", null=True),
    Level("same_house", "the same house number in the same village",
          "sd_l = sd_r AND house_l = house_r "
          "AND (village_l = village_r OR village_l IS NULL OR village_r IS NULL)",
          lambda a, b: _eq(a.sd, b.sd) and _eq(a.house, b.house)
          and (_eq(a.village, b.village) or a.village is None or b.village is None),
          "agree"),
    Level("same_village", "the same village (หมู่ที่), another house",
          "sd_l = sd_r AND village_l = village_r",
          lambda a, b: _eq(a.sd, b.sd) and _eq(a.village, b.village), "close"),
    Level("same_subdistrict", "the same subdistrict (ตำบล), another village",
          "sd_l = sd_r", lambda a, b: _eq(a.sd, b.sd), "close"),
    Level("same_district", "another subdistrict of the same district (a move)",
          "district_l = district_r", lambda a, b: _eq(a.district, b.district), "close"),
    Level("different", "different districts", "ELSE", _else, "disagree"),
))

PHONE = Comparison("phone", "Phone", (
    Level("missing", "missing in one record", "phone_l IS NULL OR phone_r IS NULL",
          lambda a, b: a.phone is None or b.phone is None, "missing", null=True),
    Level("exact", "the same number", "phone_l = phone_r",
          lambda a, b: _eq(a.phone, b.phone), "agree"),
    Level("different", "different numbers", "ELSE", _else, "disagree"),
))

SEX = Comparison("sex", "Sex (from the title)", (
    Level("missing", "not known in one record", "sex_l IS NULL OR sex_r IS NULL",
          lambda a, b: a.sex is None or b.sex is None, "missing", null=True),
    Level("same", "the same sex", "sex_l = sex_r", lambda a, b: _eq(a.sex, b.sex), "agree"),
    Level("different", "a man and a woman", "ELSE", _else, "disagree"),
))


# --------------------------------------------------------------------- household

def _other_member(a: Features, b: Features) -> bool:
    if not _eq(a.last_fold, b.last_fold):
        return False
    if not (_eq(a.phone, b.phone) or (
            _eq(a.sd, b.sd) and (_eq(a.house, b.house) or _eq(a.village, b.village)))):
        return False
    x, y = a.first_fold, b.first_fold
    if x is None or y is None or len(x) < 2 or len(y) < 2:
        return False
    return damerau_levenshtein(x, y) >= 2 and jaro_winkler(x, y) < CLEARLY_DIFFERENT_JW


# Not estimated: a fixed, strongly negative weight. Members of one family share surname,
# house, village and phone, which the other comparisons count as evidence; a person has
# one first name, so two clearly different first names among such shared details are
# two people (siblings, a couple, twins). −40 bits outweighs everything they share.
# "Clearly different" first names: two edits or more and a Jaro-Winkler similarity
# below this (measured: 0.4 % of one person's spellings, 99.7 % of household members).
CLEARLY_DIFFERENT_JW = 0.85
HOUSEHOLD_WEIGHT_M = 1e-14
HOUSEHOLD_WEIGHT_U = 1e-2

HOUSEHOLD = Comparison("household", "Household", (
    Level("other_member",
          "clearly different first names in one family (same surname, and the same phone "
          "or house or village): siblings, a couple or twins, not one person",
          "last_fold_l = last_fold_r AND (phone_l = phone_r OR (sd_l = sd_r "
          "AND (house_l = house_r OR village_l = village_r))) "
          "AND length(first_fold_l) >= 2 AND length(first_fold_r) >= 2 "
          f"AND jaro_winkler_similarity(first_fold_l, first_fold_r) < {CLEARLY_DIFFERENT_JW} "
          # Two edits or more with swaps allowed: three or more without, or else check.
          "AND (levenshtein(first_fold_l, first_fold_r) >= 3 "
          "OR damerau_levenshtein(first_fold_l, first_fold_r) >= 2)",
          _other_member, "household", fixed=(HOUSEHOLD_WEIGHT_M, HOUSEHOLD_WEIGHT_U)),
    Level("not_shown", "nothing says these are two members of one family", "ELSE", _else,
          "agree", fixed=(1 - HOUSEHOLD_WEIGHT_M, 1 - HOUSEHOLD_WEIGHT_U)),
))

COMPARISONS: tuple[Comparison, ...] = (
    CITIZEN_ID, FIRST_NAME, LAST_NAME, BIRTH_DATE, ADDRESS, PHONE, SEX, HOUSEHOLD)


def level_of(comparison: Comparison, a: Features, b: Features) -> int:
    """The index of the first level of ``comparison`` that holds for the pair."""
    for i, level in enumerate(comparison.levels):
        if level.test(a, b):
            return i
    raise AssertionError("the last level always holds")  # pragma: no cover


def _level_dict(level: Level) -> dict[str, Any]:
    out: dict[str, Any] = {"sql_condition": level.sql, "label_for_charts": level.label}
    if level.null:
        out["is_null_level"] = True
    if level.tf:
        out["tf_adjustment_column"] = level.tf
        out["tf_adjustment_weight"] = 1.0
        out["disable_tf_exact_match_detection"] = True
    if level.fixed:
        out["m_probability"], out["u_probability"] = level.fixed
        out["fix_m_probability"] = True
        out["fix_u_probability"] = True
    return out


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    return {"output_column_name": comparison.name,
            "comparison_description": comparison.description,
            "comparison_levels": [_level_dict(level) for level in comparison.levels]}


def splink_settings(comparisons: Sequence[Comparison] = COMPARISONS,
                    blocking_rules: Sequence[tuple[str, str]] = BLOCKING_RULES) -> dict[str, Any]:
    """An untrained Splink settings dictionary for the LNOB model."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "rid",
        "probability_two_random_records_match": 1e-5,
        "comparisons": [comparison_dict(c) for c in comparisons],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": sql, "sql_dialect": "duckdb"} for _name, sql in blocking_rules],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }
