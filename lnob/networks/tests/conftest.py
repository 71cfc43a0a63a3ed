from __future__ import annotations

from collections.abc import Callable

import pytest

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.registry.taxonomy import Need


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    """A network coordinator of อ.เกาะพะงัน (8405)."""
    return make_user("coord8405", Role.NETWORK_COORDINATOR, "8405")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.SYSTEM_ADMIN, "")


@pytest.fixture
def health(db: None) -> Need:
    return Need.objects.get(code="health", province_code="")
