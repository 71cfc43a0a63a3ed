"""The demo's synthetic registered population (givers per 1,000 residents
on the demo's roadmap)."""

from __future__ import annotations

import pytest

from lnob.demo.writer import DEMO_POPULATION_SOURCE, _write_population
from lnob.geo.models import Population, Subdistrict
from lnob.geo.population import population_load

pytestmark = pytest.mark.django_db
KO_TAO = "840503"


def test_the_demo_population_is_synthetic_and_never_over_loaded_figures() -> None:
    population_load(f"subdistrict_code,total\n{KO_TAO},1234\n", year=2024, source="DOPA")
    written = _write_population("84", seed=1, year=2024)
    assert written == Subdistrict.objects.filter(province_id="84").count() - 1
    assert Population.objects.get(subdistrict_id=KO_TAO).total == 1234
    assert set(Population.objects.exclude(subdistrict_id=KO_TAO)
               .values_list("source", flat=True)) == {DEMO_POPULATION_SOURCE}
