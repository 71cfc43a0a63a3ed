"""The import preview names the rows that look like persons already registered,
and a person import indexes its province for the duplicate search."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from django.test import Client

from lnob.core.models import User
from lnob.dedup.models import PersonFeatures
from lnob.imports.models import ImportJob
from lnob.imports.tests.conftest import good_row
from lnob.registry.models import Person
from lnob.registry.services import ConsentData, person_create
from lnob.testing.persons import person_data


def test_the_preview_names_rows_already_registered(
        client: Client, officer: User, write_csv: Callable[..., Path]) -> None:
    registered = person_create(actor=officer, data=person_data(
        title="นาง", first_name="บุญมี", last_name="ศรีสุข", sex="F", citizen_id="1101700203441",
        phone="", house_number="", birth_date=datetime.date(1947, 11, 6)),  # 6/11/2490
        consent=ConsentData(status="given", lawful_basis="consent", purposes=["care", "sharing"]))
    client.force_login(officer)
    path = write_csv([good_row(ref="R1", cid="", first="บุญมี่"),  # a tone mark added
                      good_row(ref="R2", cid="3-1006-00123-45-0", first="ประยูร", title="นาย",
                               birth="1/1/2500")])
    with path.open("rb") as f:
        client.post("/imports/", {"kind": "persons", "province": "84", "file": f})
    job = ImportJob.objects.get()
    assert [(d["row"], d["person"]) for d in job.likely_duplicates] == [(2, registered.pk)]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-duplicate-row="2"' in page and f"/persons/{registered.pk}/" in page
    client.post(f"/imports/{job.pk}/commit/")
    # The engine is sure: row 2 adds to the registered person instead of a second record.
    assert Person.objects.count() == 2
    assert registered.changes.filter(action="report_again").exists()
    # The imported persons are indexed at once, for the hints.
    assert PersonFeatures.objects.count() == 2
