"""Retention: a dry run counts, --apply purges what is due and nothing else.
The record of processing covers every model that holds personal data."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lnob.core import audit
from lnob.core.models import AuditAction, AuditEvent, User
from lnob.privacy.processing import ACTIVITIES, personal_models
from lnob.privacy.retention import retention_run

pytestmark = pytest.mark.django_db


def test_a_dry_run_counts_and_apply_purges_only_what_is_due(officer: User) -> None:
    old = audit.record(AuditAction.VIEW, actor=officer, object_type="x")
    from django.db import connection

    with connection.cursor() as cursor:  # age one row past the period
        cursor.execute("UPDATE core_auditevent SET at = %s WHERE id = %s",
                       [timezone.now() - datetime.timedelta(days=800), old.pk])
    recent = audit.record(AuditAction.VIEW, actor=officer, object_type="y")
    counts = retention_run(actor=None, apply=False)
    assert counts["audit"] == 1 and AuditEvent.objects.filter(pk=old.pk).exists()
    out = StringIO()
    call_command("retention", "--apply", stdout=out)
    assert "purged" in out.getvalue()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_the_audit_log_is_kept_at_least_90_days(settings: object) -> None:
    settings.AUDIT_RETENTION_DAYS = 10  # type: ignore[attr-defined]
    from lnob.privacy.retention import _audit_due

    now = timezone.now()
    kept = audit.record(AuditAction.VIEW, object_type="z")
    from django.db import connection

    with connection.cursor() as cursor:  # 60 days old: inside the legal 90
        cursor.execute("UPDATE core_auditevent SET at = %s WHERE id = %s",
                       [now - datetime.timedelta(days=60), kept.pk])
    assert not _audit_due(now).filter(pk=kept.pk).exists()


def test_every_model_with_personal_data_is_in_the_record() -> None:
    labels = {m._meta.label_lower for m in personal_models()}
    assert "registry.person" in labels and "cases.visit" in labels
    assert labels - set(ACTIVITIES) == set()
    out = StringIO()
    call_command("processing_record", stdout=out)
    assert "Not described yet" not in out.getvalue() and "registry.person" in out.getvalue()
