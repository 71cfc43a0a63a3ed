"""Export → import gives the same records: an exported list can be changed in
a spreadsheet and imported again."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.demo.writer import generate_province
from lnob.imports.services import check_file
from lnob.registry.models import Person, PersonChange

pytestmark = pytest.mark.django_db

FIELDS = ["title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
          "citizen_id", "no_citizen_id_reason", "phone", "subdistrict_id", "village_id",
          "house_number", "address_text", "status", "severity", "version"]


def snapshot() -> list[tuple[object, ...]]:
    rows = []
    for p in Person.objects.order_by("pk").prefetch_related("needs", "target_groups"):
        rows.append((*(getattr(p, f) for f in FIELDS),
                     sorted((n.need_id, n.severity) for n in p.needs.all()),
                     sorted(g.pk for g in p.target_groups.all())))
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_changes_nothing(
        client: Client, officer: User, make_user: object, tmp_path: Path, fmt: str) -> None:
    generate_province("84", 150, seed=7, today=datetime.date(2026, 11, 6))
    before = snapshot()
    client.force_login(officer)
    response = client.get(f"/persons/export.{fmt}")
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    checked = check_file(path, "84")
    # Everyone but those who refused consent (never in a file: PDPA).
    from lnob.registry.selectors import shareable

    assert checked.errors == [] and len(checked.valid) == shareable(Person.objects.all()).count()
    assert len(checked.valid) > 100
    call_command("import", "persons", str(path), province="84", as_user="officer84")
    assert Person.objects.count() == 150
    assert snapshot() == before
    assert not PersonChange.objects.filter(action="import").exists()


def test_a_coordinators_masked_export_keeps_the_registered_ids(
        client: Client, make_user: object, officer: User, tmp_path: Path) -> None:
    generate_province("84", 40, seed=3, today=datetime.date(2026, 11, 6))
    before = snapshot()
    coordinator = make_user("coord", Role.NETWORK_COORDINATOR, "84")  # type: ignore[operator]
    client.force_login(coordinator)
    response = client.get("/persons/export.csv")
    path = tmp_path / "masked.csv"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert "x-xxxx-" in path.read_text(encoding="utf-8-sig")
    call_command("import", "persons", str(path), province="84", as_user="officer84")
    assert snapshot() == before
