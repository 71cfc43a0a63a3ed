"""``lnob received_reports``: an administrator sees the reports the worker
could not file, and files them once the fault is mended."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.cases.intake import services as intake
from lnob.cases.models import Case, ReceivedReport

pytestmark = pytest.mark.django_db


def test_failed_reports_are_listed_and_filed_again_once_mended(
        client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    client.post("/report/", {"first_name": "ยายแดง", "place": "840503", "summary": "ติดเตียง"})

    def fault(**kwargs: Any) -> Case:
        raise RuntimeError("a fault of the system")

    monkeypatch.setattr(intake, "case_create", fault)
    out = StringIO()
    call_command("received_reports", "--file", stdout=out)
    reference = ReceivedReport.objects.get().reference
    assert f"{reference}: failed 5×: RuntimeError: a fault of the system" in out.getvalue()
    assert "1 reports wait to be filed" in out.getvalue()
    monkeypatch.undo()
    out = StringIO()
    call_command("received_reports", "--retry", stdout=out)
    assert "1 failed reports will be tried again" in out.getvalue()
    assert "0 reports wait to be filed" in out.getvalue()
    assert Case.objects.get().reference == reference
