"""A "saved" message after every write a signed-in user makes through a page.

A page that saves answers its form with a redirect (post/redirect/get); when
that view has not said anything itself (e.g. "Visit saved. Next visit: …"),
this adds a plain "Saved." for the next page, which shows it in a
``role="status"`` region (base.html). On a slow network the person can then
tell that the save worked. The API, sign-in and the language switch are left
out."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

SKIPPED_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/2fa/verify/",
                    "/accounts/password/", "/i18n/", "/api/", "/admin/")


class SavedMessageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.method == "POST" and response.status_code in (302, 303)
                and getattr(request, "user", None) is not None
                and request.user.is_authenticated
                and not request.path.startswith(SKIPPED_PREFIXES)
                and hasattr(request, "_messages")
                and not getattr(request._messages, "_queued_messages", None)):
            messages.success(request, _("Saved."))
        return response
