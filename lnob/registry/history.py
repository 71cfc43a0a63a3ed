"""A person's history as people read it: field labels, dates in the page's
calendar (Buddhist Era on Thai pages), yes/no, choices and places by name —
never the stored codes ("birth_date: 1966-03-12", "birth_year_only: False")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from lnob.core import thaidates
from lnob.geo.models import Village
from lnob.geo.selectors import area_names
from lnob.registry.models import Person, PersonChange
from lnob.registry.taxonomy import Need, TargetGroup

ACTIONS = {
    "create": _("Registered"), "update": _("Changed"), "consent": _("Consent recorded"),
    "needs": _("Needs changed"), "groups": _("Target groups changed"),
    "household": _("Household"), "restrict": _("Processing restricted"),
    "erase": _("Anonymised"), "merge": _("Merged"), "transfer": _("Moved"),
}
# Entries that are not fields of the person.
EXTRA_LABELS = {
    "needs": _("Needs (severity)"), "target_groups": _("Target groups"),
    "consent": _("Consent"), "household": _("Household"),
}


@dataclass
class Line:
    label: Any
    before: str
    after: str


@dataclass
class Entry:
    at: datetime.datetime
    actor_label: str
    action: Any
    lines: list[Line] = field(default_factory=list)


def _label(name: str) -> Any:
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name]
    try:
        model_field: Any = Person._meta.get_field(name)
        return model_field.verbose_name
    except FieldDoesNotExist:
        return name.replace("_", " ")


class _Shower:
    """Turns stored history values into what a person reads, with the few
    names it needs looked up once for the whole history."""

    def __init__(self, person: Person, changes: list[PersonChange]) -> None:
        lang = translation.get_language() or "th"
        self.thai = lang.startswith("th")
        codes: set[str] = set()
        group_codes: set[str] = set()
        need_codes: set[str] = set()
        for change in changes:
            for name, values in (change.changes or {}).items():
                for v in values if isinstance(values, list) else []:
                    if not v:
                        continue
                    if name in ("subdistrict", "village"):
                        codes.add(str(v))
                    elif name == "target_groups":
                        group_codes.update(c.strip() for c in str(v).split(","))
                    elif name == "needs":
                        need_codes.update(c.strip().split(":")[0] for c in str(v).split(","))
        self.places = area_names({c for c in codes if len(c) != 8})
        self.places.update({v.code: v.name for v in Village.objects.filter(
            code__in=[c for c in codes if len(c) == 8])})
        province = [person.province_code, ""]
        self.groups = {g.code: g.name for g in TargetGroup.objects.filter(
            code__in=group_codes, province_code__in=province)}
        self.needs = {n.code: n.name for n in Need.objects.filter(
            code__in=need_codes, province_code__in=province)}

    def show(self, name: str, value: Any, year_only: bool = False) -> str:
        if value is None or value == "":
            return "—"
        text = str(value)
        if name in ("subdistrict", "village"):
            return self.places.get(text, text)
        if name == "target_groups":
            return ", ".join(self.groups.get(c.strip(), c.strip()) for c in text.split(","))
        if name == "needs":
            out = []
            for item in text.split(","):
                code, _sep, severity = item.strip().partition(":")
                out.append(f"{self.needs.get(code, code)} ({severity})" if severity
                           else self.needs.get(code, code))
            return ", ".join(out)
        try:
            model_field: Any = Person._meta.get_field(name)
        except FieldDoesNotExist:
            return text
        if isinstance(model_field, models.BooleanField):
            return str(_("Yes")) if text in ("True", "true", "1") else str(_("No"))
        if isinstance(model_field, models.DateField) and not isinstance(
                model_field, models.DateTimeField):
            try:
                day = datetime.date.fromisoformat(text[:10])
            except ValueError:
                return text
            if year_only:  # only the birth year is known: the year, not 1 January
                return thaidates.format_year(day, "th" if self.thai else "en")
            return thaidates.format_date(day, "th" if self.thai else "en")
        choices = dict(model_field.flatchoices) if model_field.choices else {}
        if text in choices:
            return str(choices[text])
        return text


def history_of(person: Person, limit: int = 100) -> list[Entry]:
    changes = list(person.changes.all()[:limit])
    shower = _Shower(person, changes)
    entries = []
    for change in changes:
        entry = Entry(change.at, change.actor_label,
                      ACTIONS.get(change.action, change.action))
        changed = change.changes or {}
        year_only = [str(v) == "True" for v in changed.get("birth_year_only", [
            str(person.birth_year_only)] * 2)]
        for name, values in changed.items():
            before, after = (values + ["", ""])[:2] if isinstance(values, list) else ("", values)
            entry.lines.append(Line(
                _label(name), shower.show(name, before, year_only[0]) if before else "",
                shower.show(name, after, year_only[-1])))
        entries.append(entry)
    return entries
