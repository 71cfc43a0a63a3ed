"""What an import says about a row that is kept all the same — in one place, since
the wording about records outside the importing user's areas is a privacy matter
(it must never say whose record, or where it is)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lnob.registry.models import CitizenIdProblem


def match_outside_area() -> str:
    """A row that may be a person registered outside the importing user's areas: the
    row is kept as a new person and the pair goes to the review queue of the officers
    who may see both. Names neither the record nor its province: the wording is the
    duplicate check's own (``dedup.hints.OUTSIDE_AREA_MESSAGE``)."""
    from lnob.dedup.hints import OUTSIDE_AREA_MESSAGE

    kept = _("The row is kept as a new person.")
    return f"{OUTSIDE_AREA_MESSAGE} {kept}"


def id_kept_unverified(problem: str, reason: str) -> str:
    label = dict(CitizenIdProblem.choices).get(problem, problem)
    return _("Kept as written, marked “%(label)s”: %(reason)s It is not used to find "
             "the person until it is fixed.") % {"label": label, "reason": reason}


def id_not_readable(reason: str) -> str:
    return _("Not kept as a citizen ID (%(reason)s). The person is kept without one; what "
             "the file says is in their history.") % {"reason": reason}


def village_not_a_number(text: str) -> str:
    return _("หมู่ที่ “%(value)s” is not a village number (1–99): the person is kept "
             "without a village; what the file says is in their history.") % {"value": text}


def village_to_create(subdistrict: str, numbers: list[int]) -> str:
    return _("Villages not yet recorded in %(subdistrict)s are created, numbered and "
             "marked “to confirm”: หมู่ที่ %(numbers)s.") % {
        "subdistrict": subdistrict, "numbers": ", ".join(str(n) for n in numbers)}
