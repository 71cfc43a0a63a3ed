"""The optional welfare columns of a person import: read, written beside the
persons, evaluated; an unreadable value is a warning, never a refused row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from lnob.core.models import User
from lnob.imports.tests.conftest import THAI_HEADERS, good_row
from lnob.registry.models import Person
from lnob.welfare.models import Eligibility, WelfareFacts

pytestmark = pytest.mark.django_db
HEADERS = [*THAI_HEADERS, "บัตรคนพิการ", "รายได้ต่อคนต่อปี"]


def test_welfare_columns_are_kept_and_evaluated(officer: User,
                                                write_csv: Callable[..., Path]) -> None:
    path = write_csv([
        [*good_row(ref="R1"), "มี", "25,000"],
        [*good_row(ref="R2", cid="", first="สมพร"), "ไม่มี", "30k_100k"],
        [*good_row(ref="R3", cid="", first="มาลี"), "บางที", "มากมาย"],
    ], headers=HEADERS)
    call_command("import", "persons", str(path), province="84", as_user="officer84")
    facts = {p.external_ref: (f.disability_registered, f.income_band) for p in
             Person.objects.all() for f in WelfareFacts.objects.filter(person=p)}
    assert facts == {"R1": ("yes", "lt30k"), "R2": ("no", "30k_100k")}
    assert Person.objects.count() == 3  # the unreadable values turned no one away
    r1 = Person.objects.get(external_ref="R1")
    assert Eligibility.objects.filter(person=r1, scheme__code="disability_allowance",
                                      result="eligible").exists()
