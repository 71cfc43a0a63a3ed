"""Why a run left a case unplaced, and why accepting a row failed: the database
keeps a reason code and its parameters (``ProposalRow.reason``/``reason_params``,
``decision_code``/``decision_params``); the words are chosen when a page, the
API or a download shows them, in the reader's language.

Rows written before these codes (issue 19) keep the text they were stored with
(``message_th``/``message_en``, ``decision_note``) and are shown with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy

from lnob.cases import workflow as wf
from lnob.core.i18n import thai_active

if TYPE_CHECKING:
    from lnob.matching.engine.model import Unplaced
    from lnob.matching.models import ProposalRow

UNPLACED_TEXT: dict[str, Any] = {
    "no_coverage": gettext_lazy("No giver covers subdistrict %(subdistrict)s."),
    "no_coverage_village": gettext_lazy(
        "No giver covers village %(village)s or subdistrict %(subdistrict)s."),
    "must_not_served": gettext_lazy(
        "Givers cover subdistrict %(subdistrict)s, but none serves every need that must "
        "be served."),
    "no_need_served": gettext_lazy(
        "Givers cover subdistrict %(subdistrict)s, but none serves the main need "
        "'%(main_need)s'."),
    "all_full": gettext_lazy("All suitable givers are full: %(names)s."),
    "all_full_more": gettext_lazy("All suitable givers are full: %(names)s and %(more)s more."),
    "too_costly": gettext_lazy(
        "A suitable giver has room, but with these weights leaving the person unplaced "
        "costs less than placing them."),
}

# The public needs board's words (``/give/needs/``): what stands between
# people and a carer, grouped, never naming a giver (``all_full`` keeps the
# names of the full volunteers in its parameters).
BOARD_GROUP = {"no_coverage": "no_reach", "must_not_served": "need_not_served",
               "no_need_served": "need_not_served", "all_full": "all_full",
               "too_costly": "other"}
BOARD_TEXT: dict[str, Any] = {
    "no_reach": gettext_lazy("No volunteer or network within reach"),
    "need_not_served": gettext_lazy("No carer nearby serves the need"),
    "all_full": gettext_lazy("Every carer nearby is full"),
    "other": gettext_lazy("Waiting for an officer to place them"),
}


def board_group(reason: str) -> str:
    """The needs board's column of an unplaced row's reason code."""
    return BOARD_GROUP.get(reason, "other")


DECISION_TEXT: dict[str, Any] = {
    "case_changed": gettext_lazy("The case changed after the run."),
    "not_allowed": gettext_lazy("Your role cannot assign carers in this case's area."),
    "over_capacity": gettext_lazy(
        "Refused: %(names)s already care for as many people as they can. An officer can "
        "assign anyway with a reason."),
    # The case service refused the assignment; by the field it named.
    "action": wf.STEP_MESSAGES["wrong_state"],
    "network": gettext_lazy("Choose an active network of the case's province."),
    "volunteer": gettext_lazy("Choose an active volunteer of the case's province."),
    "refused": gettext_lazy("The assignment was refused: open the case to see why."),
}


def unplaced_params(u: Unplaced) -> dict[str, Any]:
    """The parameters an unplaced row's reason is worded with."""
    params: dict[str, Any] = {"subdistrict": u.subdistrict}
    if u.village:
        params["village"] = u.village
    if u.main_need:
        params["main_need"] = u.main_need
    if u.full_givers:
        params["givers"] = [str(g) for g in u.full_givers]
    if u.more_full_givers:
        params["more"] = u.more_full_givers
    return params


def unplaced_text(reason: str, params: dict[str, Any]) -> str:
    """Why the case was left unplaced, in the active language."""
    values = dict(params)
    key = reason
    if reason == "no_coverage" and values.get("village"):
        key = "no_coverage_village"
    elif reason == "all_full":
        values["names"] = ", ".join(values.get("givers", []))
        key = "all_full_more" if values.get("more") else "all_full"
    template = UNPLACED_TEXT.get(key)
    if template is None:
        return reason
    values.setdefault("main_need", "")
    return str(template) % values


def decision_failure(err: ValidationError | PermissionError) -> tuple[str, dict[str, Any]]:
    """The code and parameters of a failed acceptance, from the case service's refusal."""
    if not isinstance(err, ValidationError):
        return "not_allowed", {}
    fields = sorted(getattr(err, "error_dict", {}))
    if fields == ["capacity"]:
        first = err.error_dict["capacity"][0]
        return "over_capacity", dict(first.params or {})
    for field in ("action", "network", "volunteer"):
        if field in fields:
            return field, {}
    return "refused", {}


def decision_text(code: str, params: dict[str, Any]) -> str:
    template = DECISION_TEXT.get(code)
    if template is None:
        return code
    return str(template) % params if params else str(template)


def row_why(row: ProposalRow) -> str:
    """An unplaced row's reason in the active language (the stored text for old rows)."""
    if row.message_th or row.message_en:
        return row.message_th if thai_active() else row.message_en
    return unplaced_text(row.reason, row.reason_params) if row.reason else ""


def row_decision(row: ProposalRow) -> str:
    """Why accepting the row failed, in the active language (stored text for old rows)."""
    if row.decision_code:
        return decision_text(row.decision_code, row.decision_params)
    return row.decision_note


def in_language(language: str, fn: Any, *args: Any) -> str:
    with translation.override(language):
        return str(fn(*args))
