"""Helpers shared by the tests of every app (no test imports another app's
test module for these)."""

from __future__ import annotations

from typing import Any


def bearer(user: Any, scope: str = "write") -> dict[str, str]:
    """The Authorization header of a fresh API token of ``user``."""
    from lnob.core.services import api_token_create

    _token, raw = api_token_create(actor=user, name="test", scope=scope)
    return {"Authorization": f"Bearer {raw}"}
