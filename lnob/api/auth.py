"""API authentication: a bearer token (other systems) or the browser session
(pages that call the API). Every operation requires one unless it declares
``auth=None`` — geography only.

A token is read-only unless made for writing; a write with a read-only token
is refused (403). A session of a user who must use a second factor counts
only once the code was given (as for pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from lnob.core import twofactor
from lnob.core.models import ApiToken
from lnob.core.services import api_token_for

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_for(token)
        if found is None:
            return None
        if request.method not in READ_METHODS and found.scope != ApiToken.Scope.WRITE:
            raise HttpError(403, _("This token may only read. Make a token for reading and "
                                   "writing to change data."))
        request.user = found.user
        return found.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, with the second factor where the user's role needs it."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and twofactor.required_for(user) and not _verified(request):
            return None
        return user


def _verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if callable(check) else False


API_AUTH = [TokenAuth(), VerifiedSessionAuth()]
