"""Form fields for Thai formats, for every form that takes a citizen ID or a
date. Errors name the field (Django puts them under it) and say what to fix."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lnob.core.citizen_id import CitizenIdError, normalise_citizen_id
from lnob.core.i18n import thai_active
from lnob.core.thaidates import ThaiDateError, be_year, parse_date


def int_or_none(value: str | None) -> int | None:
    """A whole number from a query string or form value; None if there is none."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


class CitizenIdField(forms.CharField):
    """Takes 13 digits with or without dashes, in Thai or Arabic digits; keeps
    plain digits. An ID starting with 0 is valid."""

    def __init__(self, *, kept: str = "", **kwargs: Any) -> None:
        # ``kept``: an ID kept as written although not valid (an import flagged it);
        # given back unchanged it is accepted, so that other fields can be saved.
        self.kept = kept
        kwargs.setdefault("max_length", 30)  # room for dashes and spaces as typed
        kwargs.setdefault("label", _("Citizen ID"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        if self.kept and "".join(ch for ch in text if ch not in " -") == self.kept:
            return self.kept
        try:
            return normalise_citizen_id(text)
        except CitizenIdError as err:
            raise ValidationError(err.message, code=err.code, params=err.params) from err


class ThaiDateField(forms.Field):
    """Takes a date as Thai people write it (BE or CE, Thai month names, Thai
    digits; see docs/thai-formats.md) and gives a CE ``date``. Shows it back
    as d/m/BE on Thai pages."""

    widget = forms.TextInput

    def __init__(self, *, allow_year_only: bool = False, **kwargs: Any) -> None:
        self.allow_year_only = allow_year_only
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", _("e.g. 6/11/2549"))

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value), allow_year_only=self.allow_year_only).value
        except ThaiDateError as err:
            raise ValidationError(err.message, code=err.code, params=err.params) from err

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.date):
            year = be_year(value.year) if thai_active() else value.year
            return f"{value.day}/{value.month}/{year}"
        return value


def add_service_errors(form: forms.Form, error: ValidationError,
                       rename: Any = None) -> None:
    """Puts a service's ``ValidationError({key: messages})`` under the form's
    fields. ``rename`` maps a service key to the form's field name (a mapping,
    or a function); keys that are not fields become errors of the whole form."""
    for key, messages in error.message_dict.items():
        name = (rename(key) if callable(rename) else (rename or {}).get(key, key))
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class ServiceErrorsMixin:
    """Forms whose services name fields: ``SERVICE_FIELDS`` renames keys."""

    SERVICE_FIELDS: Any = None

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, self.SERVICE_FIELDS)  # type: ignore[arg-type]
