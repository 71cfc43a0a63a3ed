"""Accounts for the browser tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password

from lnob.conftest import PASSWORD
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.registry.migrations import _national_taxonomy


@pytest.fixture
def officer_account(transactional_db: None) -> User:
    """Surat Thani's provincial officer, who signs in with ``PASSWORD``."""
    # Transactional tests empty the tables afterwards; put back what migrations load.
    load_geography(Province, District, Subdistrict)
    _national_taxonomy.load()
    user = User.objects.create(username="officer.surat", password=make_password(PASSWORD))
    role_grant(actor=None, user=user, role=Role.PROVINCIAL_OFFICER, area_code="84")
    return user
