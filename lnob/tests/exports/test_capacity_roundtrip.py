"""The network and volunteer lists exported, then imported back, change
nothing; an English export is read too. (Moved from imports/tests: it builds a
province with the demo generator, a layer above imports.)"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from lnob.core.models import User
from lnob.demo.writer import generate_province
from lnob.imports import services
from lnob.networks.models import Network, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # Some assertions below read the English wording of a message.
    with translation.override("en"):
        yield


def snapshot(model: type[Network] | type[Volunteer]) -> list[tuple[object, ...]]:
    fields = [f.attname for f in model._meta.concrete_fields]
    rows = []
    for obj in model.objects.order_by("pk").prefetch_related("subdistricts", "needs"):
        links = sorted(s.pk for s in obj.subdistricts.all()), sorted(n.pk for n in obj.needs.all())
        villages = (sorted(v.pk for v in obj.villages.all())
                    if isinstance(obj, Network) else [])
        rows.append((*(getattr(obj, f) for f in fields), *links, villages))
    return rows


def _export(client: Client, url: str, tmp_path: Path, fmt: str) -> Path:
    response = client.get(url)
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("kind", "model"), [("networks", Network), ("volunteers", Volunteer)])
def test_an_exported_list_imported_again_changes_nothing(
        client: Client, officer: User, tmp_path: Path, fmt: str, kind: str,
        model: type[Network] | type[Volunteer]) -> None:
    generate_province("84", 60, seed=5, today=datetime.date(2026, 11, 6))
    assert model.objects.exists()
    before = snapshot(model)
    client.force_login(officer)
    path = _export(client, f"/capacity/{kind}/export.{fmt}", tmp_path, fmt)
    with translation.override("en"):  # the request above switched this thread to Thai
        checked = services.check_file(path, "84", kind=kind)
    assert checked.errors == []
    # Every column is read; the only note may be about names shared by recorded networks.
    assert all(w.startswith("Several recorded networks") for w in checked.warnings)
    assert len(checked.valid) == len(before)
    assert all(r.existing_id is not None for r in checked.valid)
    call_command("import", kind, str(path), province="84", as_user="officer84",
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert snapshot(model) == before


def test_an_english_export_is_read_too(client: Client, officer: User, tmp_path: Path) -> None:
    generate_province("84", 30, seed=2, today=datetime.date(2026, 11, 6))
    client.cookies["django_language"] = "en"
    client.force_login(officer)
    path = _export(client, "/capacity/networks/export.csv", tmp_path, "csv")
    assert path.read_text(encoding="utf-8-sig").startswith("id,name,partner_type")
    checked = services.check_file(path, "84", kind="networks")
    assert checked.errors == [] and len(checked.valid) == Network.objects.count()
