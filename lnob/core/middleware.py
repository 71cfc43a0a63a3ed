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
