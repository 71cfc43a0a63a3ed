"""The engine's explanation in the user's language. The engine speaks English codes
(comparison, level, outcome); these are the words people read on the review page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lnob.dedup.engine.comparisons import COMPARISONS

FIELD_TITLES = {
    "citizen_id": _("Citizen ID"), "first_name": _("First name"), "last_name": _("Surname"),
    "birth_date": _("Birth date"), "address": _("Address"), "phone": _("Phone"),
    "sex": _("Sex (from the title)"), "household": _("Household"),
}

LEVELS = {
    ("citizen_id", "missing"): _("missing in one record"),
    ("citizen_id", "exact"): _("the same 13 digits"),
    ("citizen_id", "transposed"): _("two neighbouring digits swapped"),
    ("citizen_id", "one_digit"): _("one digit different"),
    ("citizen_id", "different"): _("different IDs"),
    ("first_name", "missing"): _("first name missing in one record"),
    ("first_name", "same_spelling"): _("the same first name once tone marks, ์, confusable "
                                       "letters and vowel length are set aside"),
    ("first_name", "same_sound"): _("first names that sound the same"),
    ("first_name", "one_letter"): _("first names one letter apart"),
    ("first_name", "similar"): _("similar first names"),
    ("first_name", "different"): _("different first names"),
    ("last_name", "missing"): _("surname missing in one record"),
    ("last_name", "same_spelling"): _("the same surname once tone marks, ์, confusable "
                                      "letters and vowel length are set aside"),
    ("last_name", "same_sound"): _("surnames that sound the same"),
    ("last_name", "one_letter"): _("surnames one letter apart"),
    ("last_name", "similar"): _("similar surnames"),
    ("last_name", "married"): _("different surnames, with นางสาว in one record and นาง in "
                                "the other (a woman who married)"),
    ("last_name", "woman"): _("different surnames of a woman (who may have married)"),
    ("last_name", "different"): _("different surnames"),
    ("birth_date", "missing"): _("missing in one record"),
    ("birth_date", "exact"): _("the same date"),
    ("birth_date", "day_month_swapped"): _("the same date with day and month swapped"),
    ("birth_date", "year_only"): _("the same year, only the year known in one record"),
    ("birth_date", "buddhist_era"): _("543 years apart: a Buddhist Era year stored as a "
                                      "Christian Era one"),
    ("birth_date", "year_off_by_one"): _("the same day and month, one year apart"),
    ("birth_date", "same_year"): _("the same year, another day"),
    ("birth_date", "different"): _("different birth dates"),
    ("address", "missing"): _("missing in one record"),
    ("address", "same_house"): _("the same house number in the same village"),
    ("address", "same_village"): _("the same village (หมู่ที่), another house"),
    ("address", "same_subdistrict"): _("the same subdistrict (ตำบล), another village"),
    ("address", "same_district"): _("another subdistrict of the same district (a move)"),
    ("address", "different"): _("different districts"),
    ("phone", "missing"): _("missing in one record"),
    ("phone", "exact"): _("the same number"),
    ("phone", "different"): _("different numbers"),
    ("sex", "missing"): _("not known in one record"),
    ("sex", "same"): _("the same sex"),
    ("sex", "different"): _("a man and a woman"),
    ("household", "other_member"): _("clearly different first names in one family (same "
                                     "surname, and the same phone or house or village): "
                                     "siblings, a couple or twins, not one person"),
    ("household", "not_shown"): _("nothing says these are two members of one family"),
}

OUTCOMES = {"agree": _("agrees"), "close": _("close"), "disagree": _("differs"),
            "missing": _("missing"), "household": _("another family member")}

THIN_REASONS = {
    "no_citizen_id": _("no citizen ID"), "no_birth_date": _("no birth date"),
    "year_only": _("only the birth year"), "short_first_name": _("a one-letter first name"),
    "no_last_name": _("no surname"),
}

DECISIONS = {"merge": _("Almost certainly the same person"),
             "review": _("Possibly the same person: look closely"),
             "distinct": _("Probably different people")}


def explained(evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of ``Match.as_dict()`` with their words in the active language,
    strongest evidence first."""
    rows = []
    for f in evidence.get("fields", []):
        key = (f["comparison"], f["level"])
        rows.append({**f, "title": FIELD_TITLES.get(f["comparison"], f["title"]),
                     "description": LEVELS.get(key, f["description"]),
                     "outcome_label": OUTCOMES.get(f["outcome"], f["outcome"])})
    rows.sort(key=lambda r: -abs(r["weight"]))
    return rows


def missing_labels() -> list[tuple[str, str]]:
    """Levels of the engine that have no words here (a test keeps this empty)."""
    return [(c.name, level.label) for c in COMPARISONS for level in c.levels
            if (c.name, level.label) not in LEVELS]
