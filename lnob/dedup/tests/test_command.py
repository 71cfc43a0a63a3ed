"""`lnob dedup`: a search from the terminal, indexing only, and retraining."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from lnob.dedup.engine import synthetic
from lnob.dedup.models import CandidatePair, PersonFeatures
from lnob.dedup.tests.conftest import ID_A_TYPO
from lnob.dedup.trained import current_model
from lnob.geo.models import Subdistrict
from lnob.registry.models import Person

Maker = Callable[..., Person]


def test_a_search_from_the_terminal(make_person: Maker) -> None:
    make_person()
    make_person(first_name="สมชาญ", citizen_id=ID_A_TYPO)
    out = io.StringIO()
    call_command("dedup", province="84", stdout=out)
    assert "2 records, 1 pairs" in out.getvalue() and "100% done" in out.getvalue()
    assert CandidatePair.objects.count() == 1
    with pytest.raises(CommandError, match="Unknown province"):
        call_command("dedup", province="99")


def _bulk_persons(count: int) -> int:
    """Synthetic reports (about a quarter repeated) written straight into the table,
    as an import would, on real subdistricts of province 84."""
    places = itertools.cycle(Subdistrict.objects.filter(province_id="84"))
    rows = []
    for row in synthetic.generate(count, seed=7):
        r, sd = row.record, next(places)
        rows.append(Person(
            first_name=r.first_name or "-", last_name=r.last_name, title=r.title,
            sex=r.sex or "X", birth_date=r.birth_date, birth_year_only=r.birth_year_only,
            citizen_id=r.citizen_id.replace("-", "")[:13], phone=r.phone[:20],
            subdistrict=sd, house_number=r.house_number[:30], province_code="84",
            district_code=sd.code[:4], source="import",
            name_key=f"{r.first_name} {r.last_name}".lower()))
    Person.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def test_index_then_retrain(db: None, settings: Any, tmp_path: Path) -> None:
    written = _bulk_persons(800)
    out = io.StringIO()
    call_command("dedup", province="84", index=True, stdout=out)
    assert f"{written:,} persons indexed" in out.getvalue()
    assert PersonFeatures.objects.count() == written
    settings.DEDUP_MODEL_PATH = str(tmp_path / "model.json")
    before = current_model().version
    call_command("dedup", province="84", retrain=True, stdout=out)
    assert "thresholds kept" in out.getvalue()
    assert current_model().version == before + 1


def test_retraining_needs_enough_records(make_person: Maker) -> None:
    make_person()
    with pytest.raises(CommandError, match="at least 1,000"):
        call_command("dedup", province="84", retrain=True)
