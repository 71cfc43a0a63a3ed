"""What the navigation shows: only the pages the user's roles open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lnob.web.navigation import header_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    return header_links(getattr(request, "user", None))
