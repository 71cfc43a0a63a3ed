from __future__ import annotations

import errno
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

from lnob.core.access import ACCESS_ATTR

log = logging.getLogger(__name__)

# Views that enforce access themselves: the Django admin (staff only) and the
# REST API (ninja: token or session auth on every operation unless declared public).
SELF_GUARDED_MODULES = ("django.contrib.admin", "ninja.")


def declared_access(view_func: Callable[..., Any],
                    namespaces: list[str] | None = None) -> str | None:
    """The access rule a view declared, or None: then it is refused."""
    rule = getattr(view_func, ACCESS_ATTR, None)
    if rule:
        return str(rule)
    if namespaces and namespaces[0] == "admin":  # every admin view is staff-only
        return "self-guarded"
    while isinstance(view_func, functools.partial):  # ninja's docs and schema views
        view_func = view_func.func
    module = getattr(view_func, "__module__", "") or ""
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "__self__", None)
    if view_class is not None:
        module = getattr(view_class, "__module__", module)
    if module.startswith(SELF_GUARDED_MODULES):
        return "self-guarded"
    return None


class DenyUndeclaredViewsMiddleware(MiddlewareMixin):
    """Refuses any view that has not declared its access rule."""

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any],
                     view_args: Any, view_kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if declared_access(view_func, match.namespaces if match else None) is None:
            log.error("Refused %s: view %r declares no access rule", request.path, view_func)
            return HttpResponseForbidden("Access rule not declared.")
        return None


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno in DISK_FULL


class DiskFullMiddleware(MiddlewareMixin):
    """A full disk is said plainly (503, in Thai or English) instead of a
    generic error page; /healthz reports it too (``lnob.core.jobs.disk_state``)."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not disk_full(exception):
            return None
        log.error("Disk full while serving %s: %s", request.path, exception)
        response = render(request, "core/disk_full.html", status=503)
        response["Retry-After"] = "300"
        return response


class DomainErrorMiddleware(MiddlewareMixin):
    """A service's ``lnob.core.errors.DomainError`` that a view did not turn
    into a form error becomes one page with the message in the reader's
    language and the error's status (403, 404, 409, 422). The API maps the
    same errors in ``lnob.api.errors``."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from lnob.core.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(request, "core/domain_error.html",
                      {"error": exception, "message": exception.message()},
                      status=exception.status)


class ThaiFirstLocaleMiddleware(MiddlewareMixin):
    """Thai unless the user chose English: the language cookie decides, not the
    browser's Accept-Language, so a borrowed English phone still opens in Thai."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response.headers.setdefault("Content-Language", translation.get_language() or "th")
        response.headers.setdefault("Vary", "Cookie")
        return response


class SecondFactorMiddleware(MiddlewareMixin):
    """A signed-in session of a user whose role must use a second factor sees
    no page until the code was given: it is sent to enter it, or to set it up
    the first time. Signing out, the language switch, static files and the
    API (which checks for itself) pass."""

    OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/api/",
                     "/healthz")

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        from django.shortcuts import redirect
        from django.utils.http import urlencode

        from lnob.core import twofactor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(
                self.OPEN_PREFIXES):
            return None
        verified = getattr(user, "is_verified", None)
        if callable(verified) and verified():
            return None
        enrolled = twofactor.enrolled_in_session(request)
        if not enrolled and not twofactor.required_for(user):
            return None
        target = "second_factor_verify" if enrolled else "second_factor"
        response = redirect(target)
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response


# Pages and API answers that never carry personal data may be cached; every
# other answer to a signed-in user (persons, cases, exports, audit…) must not
# be kept by the browser or a proxy.
CACHEABLE_PREFIXES = ("/static/", "/stories/", "/areas/", "/api/v1/geo/", "/healthz")


class NoStoreMiddleware(MiddlewareMixin):
    """``Cache-Control: no-store`` on every answer to a signed-in user or an API
    client, so a shared phone's back button or a proxy never shows a record."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.path.startswith(CACHEABLE_PREFIXES):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/") or "Authorization" in request.headers:
            response.headers["Cache-Control"] = "no-store, private"
            response.headers["Pragma"] = "no-cache"
        return response


class PrivateInProductionMiddleware(MiddlewareMixin):
    """In production the Django admin answers only signed-in staff, and the API
    documentation only signed-in users or token holders; to anyone else they
    do not exist (404), so they are no target for guessing."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not getattr(settings, "PRODUCTION", False):
            return None
        from django.http import Http404

        path = request.path
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if path.startswith("/admin/") and not (signed_in and getattr(user, "is_staff", False)):
            raise Http404
        if path.startswith(("/api/v1/docs", "/api/v1/openapi.json")) and not (
                signed_in or _valid_bearer(request)):
            raise Http404
        return None


def _valid_bearer(request: HttpRequest) -> bool:
    from lnob.core.services import api_token_for

    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    return scheme.lower() == "bearer" and bool(raw) and api_token_for(raw.strip()) is not None


class RejectNulMiddleware(MiddlewareMixin):
    """A NUL character is never text a person typed; PostgreSQL cannot store or
    compare it (a 500 from every search). A request carrying one in its query,
    its form fields or its JSON body is refused with a clear 400 that names
    the field; uploads (multipart: spreadsheets are binary) are left to the
    import's own checks."""

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        field = _nul_field(request)
        if field is None:
            return None
        from django.utils.translation import gettext as _

        message = _("The field “%(field)s” contains a NUL character (\\0), which is not "
                    "text. Remove it and send again.") % {"field": field}
        if request.path.startswith("/api/"):
            from django.http import JsonResponse

            return JsonResponse({"errors": [{"field": field, "code": "nul_character",
                                             "message": message}]}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _nul_field(request: HttpRequest) -> str | None:
    from django.core.exceptions import RequestDataTooBig

    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "")
    content_type = request.META.get("CONTENT_TYPE", "")
    if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
            "application/json"):
        try:
            body = request.body
        except RequestDataTooBig:
            return None  # refused as too large where the body is read (413)
        if b"\\u0000" in body or b"\x00" in body:
            return "body"
    elif request.method == "POST" and content_type.startswith(
            "application/x-www-form-urlencoded"):
        try:
            fields = request.POST.lists()
        except Exception:  # noqa: BLE001 — a malformed body: the view's own error
            return None
        for key, values in fields:
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")
    return None
