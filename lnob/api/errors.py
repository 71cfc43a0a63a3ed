"""Error bodies of the API: always ``{"errors": [{"field", "message", "code"}]}``
with messages in the request's language (Thai unless English was chosen)."""

from __future__ import annotations

import decimal
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lnob.core.errors import DomainError

log = logging.getLogger(__name__)

# Every error answer has this body; the OpenAPI document says so for each
# operation (document_errors), so clients and schemathesis know what to expect.
ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["errors"],
    "properties": {"errors": {"type": "array", "items": {
        "type": "object", "required": ["field", "code", "message"],
        "properties": {"field": {"type": "string"}, "code": {"type": "string"},
                       "message": {"type": "string"}}}}},
}
ERROR_STATUSES = {
    "400": "The request could not be read (bad JSON, a NUL character).",
    "401": "No valid token or session.",
    "403": "Your role may not do this, or a read-only token tried to write.",
    "404": "Not found, or outside your areas.",
    "409": "Changed since you read it, or a conflicting state.",
    "413": "The request is too large.",
    "422": "A field is not valid: each error names it.",
    "429": "Too many requests; wait and try again.",
}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds the error answers every operation can give to the OpenAPI document
    (those it does not already document), all with the one error body."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS_SCHEMA
    ref = {"$ref": "#/components/schemas/Errors"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                responses.setdefault(status, {
                    "description": text, "content": {"application/json": {"schema": ref}}})
    return schema


# pydantic's error types, said in our words.
_MESSAGES = {
    "missing": lambda e: _("This field is required."),
    "string_too_long": lambda e: _("At most %(max)s characters.") % {
        "max": e.get("ctx", {}).get("max_length", "?")},
    "string_too_short": lambda e: _("At least %(min)s characters.") % {
        "min": e.get("ctx", {}).get("min_length", "?")},
    "int_parsing": lambda e: _("Enter a whole number."),
    "int_type": lambda e: _("Enter a whole number."),
    "string_type": lambda e: _("Enter text."),
    "greater_than_equal": lambda e: _("Must be at least %(ge)s.") % {
        "ge": e.get("ctx", {}).get("ge", "?")},
    "less_than_equal": lambda e: _("Must be at most %(le)s.") % {
        "le": e.get("ctx", {}).get("le", "?")},
    "json_invalid": lambda e: _("The request body is not valid JSON."),
    "model_attributes_type": lambda e: _("The request body must be a JSON object."),
    "dict_type": lambda e: _("The request body must be a JSON object."),
    "extra_forbidden": lambda e: _("This field is not allowed."),
    # Our own validators raise ValueError with a translated message.
    "value_error": lambda e: str(e.get("ctx", {}).get("error", e.get("msg", ""))),
}


def _field(loc: list[Any]) -> str:
    # ninja puts payload fields under ("body", "payload", name): keep the name.
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


def error_response(api: NinjaAPI, request: HttpRequest, status: int,
                   errors: list[dict[str, str]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = []
        for e in exc.errors:
            kind = str(e.get("type", ""))
            say = _MESSAGES.get(kind)
            errors.append({"field": _field(list(e.get("loc", []))), "code": kind,
                           "message": str(say(e)) if say else str(e.get("msg", ""))})
        return error_response(api, request, 422, errors)

    @api.exception_handler(ValidationError)
    def _service_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"field": field, "code": "invalid", "message": str(m)}
                  for field, messages in exc.message_dict.items() for m in messages]
        return error_response(api, request, 422, errors)

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(api, request, 413, [{
            "field": "body", "code": "too_large",
            "message": _("The request is too large (at most 1 MB)."),
        }])

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, [{
            "field": "", "code": "unauthenticated",
            "message": _("Sign in, or send a valid API token as 'Authorization: Bearer …'."),
        }])

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        # One body for every refusal a service raises, in the request's language.
        return error_response(api, request, exc.status, [exc.as_error()])

    @api.exception_handler(PermissionError)
    @api.exception_handler(PermissionDenied)
    def _not_allowed(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(api, request, 403, [{
            "field": "", "code": "not_allowed",
            "message": _("Your role may not do this here.")}])

    @api.exception_handler(decimal.InvalidOperation)
    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A number too large for the database (an id of 30 digits): nothing was written.
        return error_response(api, request, 422, [{
            "field": "", "code": "out_of_range",
            "message": _("A number in the request is too large.")}])

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return error_response(api, request, 500, [{
            "field": "", "code": "server_error",
            "message": _("Something went wrong on our side; nothing was saved. "
                         "Please try again later.")}])

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and "parse request body" in str(exc.message):
            return error_response(api, request, 400, [{
                "field": "body", "code": "json_invalid",
                "message": _("The request body is not valid JSON.")}])
        return error_response(api, request, exc.status_code, [{
            "field": "", "code": str(exc.status_code), "message": str(exc.message)}])
