"""Checks shared by the learning services: every problem of a request is
collected under the field it is about, and nothing is written if there is
one (the API answers 422 naming the field, a page shows it under the field)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lnob.geo.models import Area
from lnob.geo.selectors import area_by_code
from lnob.learning.models import Tag
from lnob.networks.models import PartnerType

Errors = dict[str, list[str]]

MAX_TAGS = 10
MAX_TAG = 50
MAX_PARTICIPANTS = 100_000


def add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def text(errors: Errors, key: str, value: str | None, limit: int, label: Any, *,
         required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        add(errors, key, _("%(label)s: this is required.") % {"label": label})
    elif len(value) > limit:
        add(errors, key, _("%(label)s: at most %(max)d characters.") % {
            "label": label, "max": limit})
    return value


def area(errors: Errors, key: str, code: str | None, *, levels: Iterable[int] = (2, 4, 6)
         ) -> Area | None:
    """A province, district or subdistrict by its DOPA code."""
    code = (code or "").strip()
    if not code:
        add(errors, key, _("Choose the area."))
        return None
    found = area_by_code(code) if len(code) in set(levels) else None
    if found is None:
        add(errors, key, _("Unknown area code %(code)s.") % {"code": code})
    return found


def tag_names(errors: Errors, key: str, raw: str | Iterable[str] | None) -> list[str]:
    """Tags typed as "ชุมชนต้นแบบ, อาสาสมัคร" (or given as a list), tidied and
    without repeats."""
    if raw is None:
        return []
    parts = re.split(r"[,\n;]", raw) if isinstance(raw, str) else list(raw)
    names: list[str] = []
    seen: set[str] = set()
    for part in parts:
        name = " ".join(str(part).split()).lstrip("#")
        if not name or tag_key(name) in seen:
            continue
        if len(name) > MAX_TAG:
            add(errors, key, _("Tag %(tag)s: at most %(max)d characters.") % {
                "tag": name[:20] + "…", "max": MAX_TAG})
            continue
        seen.add(tag_key(name))
        names.append(name)
    if len(names) > MAX_TAGS:
        add(errors, key, _("At most %(max)d tags.") % {"max": MAX_TAGS})
    return names


def tag_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def tags_for(names: Iterable[str]) -> list[Tag]:
    """The tags with these names, made when they do not exist yet."""
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(key=tag_key(name), defaults={"name": name})
        tags.append(tag)
    return tags


def participation(errors: Errors, key: str, counts: Mapping[str, Any]) -> dict[str, int]:
    """People taking part by partner type; zeros are not kept."""
    labels = dict(PartnerType.choices)
    kept: dict[str, int] = {}
    for kind, raw in counts.items():
        field = f"{key}.{kind}"
        if kind not in labels:
            add(errors, field, _("Unknown partner type %(type)s.") % {"type": kind})
            continue
        try:
            number = int(raw) if raw not in (None, "") else 0
        except (TypeError, ValueError):
            add(errors, field, _("Participants of %(partner)s: enter a whole number.") % {
                "partner": labels[kind]})
            continue
        if number < 0 or number > MAX_PARTICIPANTS:
            add(errors, field, _("Participants of %(partner)s: a number from 0 to "
                                 "%(max)s.") % {"partner": labels[kind],
                                                "max": f"{MAX_PARTICIPANTS:,}"})
        elif number:
            kept[kind] = number
    return kept


def set_choices(form: Any, name: str, choices: Any) -> None:
    """Choices computed per request (the user's areas, the province's networks)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(name)
    field.choices = choices
