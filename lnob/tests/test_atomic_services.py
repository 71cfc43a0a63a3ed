"""Top-level services write and audit in one transaction: when the audit row
cannot be written, nothing the service wrote is left behind; and the ones a
user starts directly are durable (they refuse to run inside someone else's
transaction, where a later failure would undo what they reported as done)."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from lnob.cases.models import Case, CaseEvent
from lnob.cases.services import case_create, case_open
from lnob.core import audit
from lnob.core.models import User
from lnob.dedup.models import DedupRun
from lnob.dedup.runs import run_start as dedup_start
from lnob.imports import services as imports
from lnob.imports.models import ImportJob, ImportStatus
from lnob.matching.models import MatchingRun
from lnob.matching.services import run_start as matching_start
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


class AuditDown(Exception):
    pass


def _fail(*args: Any, **kwargs: Any) -> NoReturn:
    raise AuditDown


@pytest.fixture
def audit_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "record", _fail)


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", "ชื่อ,นามสกุล\nสมชาย,ใจดี\n".encode(),
                              content_type="text/csv")


def test_a_run_is_not_left_queued_when_its_audit_row_fails(officer: User,
                                                          audit_down: None) -> None:
    with pytest.raises(AuditDown):
        matching_start(actor=officer, scope_code="84")
    with pytest.raises(AuditDown):
        dedup_start(actor=officer, scope_code="84")
    assert not MatchingRun.objects.exists()
    assert not DedupRun.objects.exists()


def test_an_import_is_not_started_or_cancelled_without_its_audit_row(
        officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    job = imports.import_start(actor=officer, kind="persons", province_code="84",
                               upload=_upload())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKED)
    monkeypatch.setattr(audit, "record", _fail)
    with pytest.raises(AuditDown):
        imports.import_start(actor=officer, kind="persons", province_code="84",
                             upload=_upload())
    with pytest.raises(AuditDown):
        imports.import_cancel(actor=officer, job=job)
    assert list(ImportJob.objects.values_list("status", flat=True)) == [ImportStatus.CHECKED]


def test_a_case_is_not_opened_without_its_history_and_audit(officer: User,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    person = person_create(actor=officer, data=person_data(
        citizen_id="", no_citizen_id_reason="unknown"))
    monkeypatch.setattr(audit, "record", _fail)
    with pytest.raises(AuditDown):
        case_open(actor=officer, person=person)
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_services_a_user_starts_refuse_to_run_inside_another_transaction(
        officer: User) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        matching_start(actor=officer, scope_code="84")
    with pytest.raises(RuntimeError), transaction.atomic():
        dedup_start(actor=officer, scope_code="84")
    assert matching_start(actor=officer, scope_code="84").pk  # on its own it runs


def test_case_create_leaves_no_case_without_its_history_even_inside_a_caller(
        officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    person = person_create(actor=officer, data=person_data(
        citizen_id="", no_citizen_id_reason="unknown"))
    monkeypatch.setattr(audit, "record", _fail)
    with pytest.raises(AuditDown):
        case_create(actor=officer, person=person)
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
