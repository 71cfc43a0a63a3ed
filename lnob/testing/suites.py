"""The whole suite runs twice, on SQLite and on PostgreSQL, side by side
(``make test``, ``scripts/test-both.sh``). A few browser checks look only at
what a page's HTML is — accessibility (axe), the size it travels at — which
is the same on both databases and takes minutes to crawl: each runs in one
of the two suites, chosen to keep them about equally long, so that CI stays
under its 20 minutes. Checks of what a page *shows* (scoping, masked IDs)
still run on both."""

from __future__ import annotations

import pytest
from django.db import connection


def in_one_suite(vendor: str) -> pytest.MarkDecorator:
    """Runs the test in the ``vendor`` suite only ("sqlite" or "postgresql")."""
    return pytest.mark.skipif(
        connection.vendor != vendor,
        reason=f"the pages' HTML is the same on both databases: checked in the {vendor} suite")
