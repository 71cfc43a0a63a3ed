"""When the next visit is proposed after a visit (issue 16).

A province's rule is data in the settings (``NEXT_VISIT_RULES``, from the
environment variable ``LNOB_NEXT_VISIT_RULES`` as JSON): days after the visit,
fewer for the more severe (the person's severity, 1–4) and for urgent cases.
The key ``""`` is the rule of every province without its own::

    {"": {"days": 30, "by_severity": {"3": 14, "4": 7}, "urgent": 7},
     "84": {"days": 21}}

The visit form proposes the date; leaving it empty keeps the proposal, and
only the "no next visit" box clears it (a case without a due date drops off
the overdue list, so that must be deliberate)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "": {"days": 30, "by_severity": {"3": 14, "4": 7}, "urgent": 7}}


def rule_of(province_code: str) -> dict[str, Any]:
    rules = getattr(settings, "NEXT_VISIT_RULES", None) or DEFAULT_RULES
    base = {**DEFAULT_RULES[""], **rules.get("", {})}
    return {**base, **rules.get(province_code, {})}


def next_visit_days(province_code: str, severity: int, urgent: bool = False) -> int:
    """Days from a visit to the next, by the province's rule (at least 1)."""
    rule = rule_of(province_code)
    days = int(rule.get("days", 30))
    by_severity = {str(k): int(v) for k, v in (rule.get("by_severity") or {}).items()}
    if str(severity) in by_severity:
        days = min(days, by_severity[str(severity)])
    if urgent and rule.get("urgent"):
        days = min(days, int(rule["urgent"]))
    return max(1, days)


def default_next_visit(case: Any, visited_on: datetime.date) -> datetime.date:
    """The next visit the province's rule proposes after a visit on ``visited_on``."""
    return visited_on + datetime.timedelta(days=next_visit_days(
        case.province_code, case.person.severity, case.urgent))
