"""One round trip for a form that saves and then shows a page (issue 16).

A page's form answers a good POST with a redirect (post/redirect/get): on
Chrome's "Slow 3G" every request waits 2 s, so POST + 302 + GET costs two
round trips before the person sees anything. A form marked for htmx
(``hx-post`` with the header ``LNOB-Land: 1``, see ``web/_land.html``) gets
instead, in the answer to its POST, the page the redirect points to, and
htmx puts it in place and shows its address (``HX-Push-Url``).

The page is made exactly as the browser's own GET would make it: this
middleware sits first, so the POST has gone through every middleware on its
way out (the session and the messages are saved, the new cookies set) before
a GET of the redirect's target goes through every middleware and the view
again (second factor, access rules, audit of views, no-store, CSP,
compression), with the cookies the browser would then send. Anything but a
plain 200 page from the list of ``LANDING_URL_NAMES`` (a second redirect, a
refusal, an error, another page) is not followed: the browser is told to go
there itself (``HX-Redirect``), as it would without JavaScript. Without
JavaScript, or without the header, nothing changes. decision 0030.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

LAND_HEADER = "LNOB-Land"
# The pages a form may land on in its own answer: each must need nothing in
# <head> beyond base.html's (htmx swaps the <body> only).
LANDING_URL_NAMES = frozenset({"home", "case_detail"})
# Request headers that describe the POST, not the GET the browser would send.
_DROPPED = ("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_ORIGIN", "HTTP_HX_", "HTTP_LNOB_LAND",
            "CSRF_COOKIE",
            "HTTP_CACHE_CONTROL", "HTTP_PRAGMA")


def wants_landing(request: HttpRequest) -> bool:
    return (request.method == "POST" and request.headers.get("HX-Request") == "true"
            and request.headers.get(LAND_HEADER) == "1")


def _target(response: HttpResponse) -> str | None:
    """The site-local path (with its query) a redirect points to, or None."""
    if response.status_code not in (301, 302, 303) or "Location" not in response:
        return None
    parts = urlsplit(response["Location"])
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _landable(path: str) -> bool:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return match.url_name in LANDING_URL_NAMES


def _cookies_after(request: HttpRequest, response: HttpResponse) -> str:
    """The Cookie header the browser sends once it has taken ``response``'s cookies."""
    jar = dict(request.COOKIES)
    for name, morsel in response.cookies.items():
        gone = morsel["max-age"] in (0, "0") or (
            morsel["expires"] and "1970" in str(morsel["expires"]))
        if gone:
            jar.pop(name, None)
        else:
            jar[name] = morsel.value
    out = SimpleCookie()
    for name, value in jar.items():
        out[name] = value
    return "; ".join(f"{m.key}={m.coded_value}" for m in out.values())


def _get_request(request: HttpRequest, response: HttpResponse, path: str) -> WSGIRequest:
    environ = {k: v for k, v in request.META.items() if not k.startswith(_DROPPED)}
    route, _sep, query = path.partition("?")
    environ.update({
        "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
        "wsgi.input": io.BytesIO(b""), "HTTP_COOKIE": _cookies_after(request, response),
    })
    environ.setdefault("SCRIPT_NAME", "")
    return WSGIRequest(environ)


def _go_there(response: HttpResponse, path: str) -> HttpResponse:
    """htmx's way of saying "go there yourself": a full page load, as without JavaScript."""
    go = HttpResponse(status=200)
    go["HX-Redirect"] = path
    for name, morsel in response.cookies.items():
        go.cookies[name] = morsel
    go["Cache-Control"] = "no-store, private"
    return go


class LandingMiddleware:
    """First in ``MIDDLEWARE``: see the module's docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not wants_landing(request):
            return response
        path = _target(response)
        if path is None:
            return response  # the form's own answer (errors): htmx shows it in place
        if not _landable(path):
            return _go_there(response, path)
        page = self.get_response(_get_request(request, response, path))
        if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
            return _go_there(response, path)
        for name, morsel in response.cookies.items():
            if name not in page.cookies:
                page.cookies[name] = morsel
        page["HX-Push-Url"] = path
        return page
