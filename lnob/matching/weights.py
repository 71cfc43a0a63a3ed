"""Caseload weights (issue #15, decision 0017): how much of a carer's capacity a
case takes. Someone bedridden who needs daily care weighs more than a person
visited once a month; capacities of volunteers and networks count in these units.

The rules are data per province (``ProvinceRules.case_weights``, edited in the
admin); a province without its own uses :data:`DEFAULT_CASE_WEIGHTS`::

    {"severity": {},                                # by the person's severity
     "needs": {"daily_care": {"3": 2, "4": 3}}}     # by a need at that severity

Someone bedridden (daily care at severity 4, the highest the registry records)
takes three places, someone who needs daily care at severity 3 two, everyone
else one — a monthly check-in is one place.

A case weighs the largest of: 1, the ``severity`` entry for the person's
severity (that of their most severe need), and the ``needs`` entry of each of
their needs at that need's severity. Weights are whole numbers 1–10."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from lnob.matching.engine.compile import MAX_WEIGHT

DEFAULT_CASE_WEIGHTS: dict[str, Any] = {
    "severity": {},
    "needs": {"daily_care": {"3": 2, "4": 3}},
}
SEVERITIES = ("1", "2", "3", "4")     # as the registry records them (PersonNeed)


def weight_of(needs: Mapping[str, int], rules: Mapping[str, Any] | None) -> int:
    """The weight of a person with ``needs`` ({code: severity}) under ``rules``."""
    rules = rules or DEFAULT_CASE_WEIGHTS
    weight = 1
    if needs:
        by_severity = rules.get("severity") or {}
        weight = max(weight, int(by_severity.get(str(max(needs.values())), 1)))
        by_need = rules.get("needs") or {}
        for code, severity in needs.items():
            table = by_need.get(code)
            if table:
                weight = max(weight, int(table.get(str(severity), 1)))
    return min(weight, MAX_WEIGHT)


def rules_errors(rules: Any, known_needs: Iterable[str]) -> list[str]:
    """What is wrong with a province's rules (empty when they are usable)."""
    if rules in (None, {}):
        return []
    if not isinstance(rules, dict) or set(rules) - {"severity", "needs"}:
        return [_('Give {"severity": {...}, "needs": {...}}, as in the default.')]
    errors = []

    def table(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            errors.append(_("%(where)s: give severities and weights, e.g. {\"4\": 3}.") % {
                "where": where})
            return
        for severity, weight in value.items():
            if str(severity) not in SEVERITIES:
                errors.append(_("%(where)s: %(severity)s is not a severity 1–4.") % {
                    "where": where, "severity": severity})
            if isinstance(weight, bool) or not isinstance(weight, int) \
                    or not 1 <= weight <= MAX_WEIGHT:
                errors.append(_("%(where)s: the weight must be a whole number 1–%(max)s, "
                                "not %(weight)s.") % {"where": where, "max": MAX_WEIGHT,
                                                      "weight": weight})

    table(rules.get("severity", {}), "severity")
    needs = rules.get("needs", {})
    if not isinstance(needs, dict):
        return [*errors, _("needs: give need codes, each with its severities and weights.")]
    known = set(known_needs)
    for code, value in needs.items():
        if code not in known:
            errors.append(_("Unknown need code: %(code)s.") % {"code": code})
        table(value, str(code))
    return errors


def province_rules(provinces: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each province's weight rules (the default where it has none)."""
    from lnob.matching.models import ProvinceRules

    wanted = set(provinces)
    found = {r.province_code: r.case_weights for r in ProvinceRules.objects.filter(
        province_code__in=wanted)}
    return {p: found.get(p) or DEFAULT_CASE_WEIGHTS for p in wanted}


def case_weights(case_ids: Iterable[int]) -> dict[int, int]:
    """Each case's weight, from its person's needs and its province's rules."""
    from lnob.cases.models import Case
    from lnob.registry.models import PersonNeed

    ids = list(case_ids)
    cases = list(Case.objects.filter(pk__in=ids).values_list("pk", "person_id",
                                                             "province_code"))
    needs: dict[int, dict[str, int]] = defaultdict(dict)
    for person_id, code, severity in PersonNeed.objects.filter(
            person_id__in=[c[1] for c in cases]).values_list("person_id", "need__code",
                                                             "severity"):
        needs[person_id][code] = severity
    rules = province_rules(c[2] for c in cases)
    return {pk: weight_of(needs.get(person) or {}, rules[province])
            for pk, person, province in cases}


def carer_load(*, volunteer_id: int | None = None, network_id: int | None = None,
               excluding: int | None = None) -> int:
    """The weight a volunteer (or a network) carries now: its cases assigned or in
    care, ``excluding`` one case."""
    from lnob.cases.models import Case
    from lnob.cases.workflow import CARING

    qs = Case.objects.filter(status__in=CARING)
    if volunteer_id is not None:
        qs = qs.filter(volunteer_id=volunteer_id)
    elif network_id is not None:
        qs = qs.filter(network_id=network_id)
    else:
        return 0
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return sum(case_weights(qs.values_list("pk", flat=True)).values())
