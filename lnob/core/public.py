"""What the public doors (``/report/``, ``/give/``) share: no sign-in, so
every request is checked for size before a form reads it."""

from __future__ import annotations

from django.http import HttpRequest

# A public report or offer is a few fields of text: anything bigger is not one.
PUBLIC_MAX_BODY = 16 * 1024


def body_too_big(request: HttpRequest, limit: int = PUBLIC_MAX_BODY) -> bool:
    """Whether the request says it carries more than ``limit`` bytes (an
    unreadable length counts as too big)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True
