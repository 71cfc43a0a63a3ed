"""The permission table is the one source: docs/access.md shows it as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from lnob.core.roles import PERMISSIONS, Role, allowed, permissions_markdown

ACCESS_PAGE = Path(__file__).resolve().parents[3] / "docs" / "access.md"


def test_docs_access_shows_the_permission_table_as_it_is() -> None:
    page = ACCESS_PAGE.read_text(encoding="utf-8")
    shown = page.split("<!-- permissions:start -->\n", 1)[1].split(
        "\n<!-- permissions:end -->", 1)[0]
    assert shown == permissions_markdown()


def test_allowed_gives_the_tables_roles_and_refuses_an_unknown_permission() -> None:
    assert allowed("records.merge") == (Role.PROVINCIAL_OFFICER, Role.SYSTEM_ADMIN)
    assert set(allowed("networks.read")) == set(Role)
    # Aggregates only: neither the analyst nor the committee work with named people.
    assert not {Role.NATIONAL_ANALYST, Role.COMMITTEE_MEMBER} & set(allowed("personal_data"))
    with pytest.raises(KeyError):  # an unknown permission grants nothing
        allowed("persons.delete_everything")
    assert all(roles for _what, roles in PERMISSIONS.values())

