"""Signals: audit rows for sign-in events, which Django reports through
signals; and ``areas_changed``, by which writers say which areas' figures
changed so that readers (the coverage roll-ups) bring them up to date. It is
sent inside the writer's transaction; receivers that must see committed data
use on_commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.backends.signals import connection_created
from django.dispatch import Signal, receiver

from lnob.core import audit
from lnob.core.models import AuditAction

# Sent with ``codes``: the subdistrict codes (6 digits) whose figures changed.
areas_changed = Signal()
# Sent with ``ids`` (person ids) when persons were created or changed one by one,
# or with ``province_code`` after a bulk write (an import) has committed: the
# duplicate index (lnob.dedup) brings their features up to date.
persons_changed = Signal()


@receiver(user_logged_in)
def _audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(AuditAction.LOGIN, actor=user, request=request, obj=user)


@receiver(user_logged_in)
def _note_second_factor(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Asked once, while the sign-in writes the session anyway (lnob.core.twofactor).
    from lnob.core.twofactor import remember_enrolment

    remember_enrolment(request, user)


@receiver(user_logged_out)
def _audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(AuditAction.LOGOUT, actor=user, request=request, obj=user)


@receiver(user_login_failed)
def _audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                        **kwargs: Any) -> None:
    # Only the user name tried; Django has already masked the password.
    username = str(credentials.get("username", ""))[:150]
    audit.record(AuditAction.LOGIN_FAILED, request=request, object_type="core.user",
                 detail={"username": username})


@receiver(connection_created)
def _keep_more_prepared_statements(sender: Any, connection: Any, **kwargs: Any) -> None:
    """psycopg keeps at most 100 prepared statements a connection, least
    recently used out. The signed-in pages send about 116 different ones
    (more with ``IN`` lists of other lengths), so a worker serving them all
    kept preparing and evicting: the person's
    page's eight-table read, planned afresh, costs PostgreSQL 6 ms, prepared
    0.3 (issue 21, decision 0041). The plans kept cost the database some
    kilobytes each per connection."""
    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get(
            "prepare_threshold") is not None:
        connection.connection.prepared_max = settings.LNOB_DB_PREPARED_MAX
