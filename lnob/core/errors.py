"""The domain's errors: what a service raises when it will not do what it was
asked. One small hierarchy for every app, mapped once to an API answer
(``lnob.api.errors``) and once to a page (``lnob.core.middleware.DomainErrorMiddleware``).

A service never formats text for a reader: it raises an error with a ``code``
and ``params``; the message is a lazy translation rendered in the reader's
language when the answer is written (``str(error)`` or ``error.message()``).

    raise Refused("stock_short", _("Only %(left)s left in stock."), left=3,
                  field="quantity")

Field-level problems of a form's input stay Django ``ValidationError``s
(forms and the API already show those under their field)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class. ``status`` is the HTTP status both doors answer with."""

    status = 400
    default_code = "error"
    default_message: Any = _("This could not be done.")
    default_field = ""

    def __init__(self, code: str | None = None, message: str | Promise | None = None,
                 *, field: str = "", **params: Any) -> None:
        self.code = code or self.default_code
        self.template = message if message is not None else self.default_message
        self.field = field or self.default_field
        self.params = params
        super().__init__(self.code)

    def message(self) -> str:
        """The message in the active language, with its parameters filled in."""
        text = str(self.template)
        return text % self.params if self.params and "%(" in text else text

    def __str__(self) -> str:
        return self.message()

    def as_error(self) -> dict[str, str]:
        """One entry of the API's error body."""
        return {"field": self.field, "code": self.code, "message": self.message()}


class NotAllowed(DomainError, PermissionError):
    """The user's role may not do this (here). A PermissionError too, so
    older ``except PermissionError`` blocks keep working while they go."""

    status = 403
    default_code = "not_allowed"
    default_message = _("Your role may not do this here.")


class NotFound(DomainError, LookupError):
    """No such record, or it lies outside the user's areas: the two answers
    are the same on purpose, so a stranger cannot probe which ids exist."""

    status = 404
    default_code = "not_found"
    default_message = _("Not found, or outside your areas.")


class Conflict(DomainError):
    """The record changed since the user opened it, or its state forbids the
    move (a closed case, a job already running)."""

    status = 409
    default_code = "conflict"
    default_message = _("This was changed by someone else since you opened it. "
                        "Reload the page and try again.")


class Refused(DomainError):
    """The request is understood but breaks a rule of the domain (stock
    would go below zero, capacity is full): ``code`` and ``params`` say which."""

    status = 422
    default_code = "refused"
