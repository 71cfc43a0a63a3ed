"""Residents in the roll-ups and the roadmap's indicators from other apps:
givers per 1,000 residents (never a wrong ratio where the population is not
loaded) and the share of eligible elders receiving the old-age allowance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lnob.core.models import User
from lnob.coverage.indicators import evaluate, variables
from lnob.coverage.models import AreaRollup, Indicator, SubdistrictSummary
from lnob.coverage.roadmap import progress, snapshots_take
from lnob.coverage.rollup import rollup_full, rollup_verify
from lnob.geo.models import Subdistrict
from lnob.geo.population import population_load

pytestmark = pytest.mark.django_db

KO_TAO, KO_PHANGAN = "840503", "8405"
GIVERS = "givers_per_1000"


def _load_district(total: int = 1000) -> None:
    codes = Subdistrict.objects.filter(district_id=KO_PHANGAN).values_list("code", flat=True)
    text = "subdistrict_code,total\n" + "".join(f"{c},{total}\n" for c in codes)
    assert population_load(text, year=2024, source="test").errors == []


def _value(code: str, indicator: str) -> float | None:
    row: Any = AreaRollup.objects.get(code=code) if len(code) < 6 else \
        SubdistrictSummary.objects.get(code=code)
    return evaluate(Indicator.objects.get(code=indicator).formula,
                    variables(row, timezone.localdate()))


def test_residents_follow_a_load_and_a_ratio_needs_every_subdistrict(
        commit: Callable[[], Any]) -> None:
    rollup_full()
    assert _value(KO_PHANGAN, GIVERS) is None  # nothing loaded
    with commit():
        population_load(f"subdistrict_code,total\n{KO_TAO},2000\n", year=2024, source="test")
    assert SubdistrictSummary.objects.get(code=KO_TAO).contributed["population.residents"] \
        == 2000
    assert _value(KO_TAO, GIVERS) == 0.0       # loaded here: 0 givers per 1,000
    assert _value(KO_PHANGAN, GIVERS) is None  # other subdistricts of the district are not
    with commit():
        _load_district()
    n = Subdistrict.objects.filter(district_id=KO_PHANGAN).count()
    district = AreaRollup.objects.get(code=KO_PHANGAN)
    assert district.contributed["population.residents"] == n * 1000
    assert "population.missing" not in district.contributed
    assert _value(KO_PHANGAN, GIVERS) == 0.0
    assert _value("84", GIVERS) is None        # the rest of Surat Thani is not loaded
    assert rollup_verify() == []


def test_without_population_the_roadmap_says_so_never_a_ratio(
        client: Client, officer: User) -> None:
    rollup_full()
    row = next(r for m in progress("84") for r in m.rows if r.indicator.code == GIVERS)
    assert row.actual is None and row.national is None
    snapshots_take(areas={"84": "manual"})
    from lnob.coverage.models import Snapshot

    snap = Snapshot.objects.get(area_code="84")
    assert snap.indicators[GIVERS] is None and snap.figures["residents"] is None
    client.force_login(officer)
    for url in ("/coverage/84/roadmap/", "/coverage/84/"):
        page = client.get(url).content.decode()
        assert "population not loaded" in page or "ยังไม่ได้นำเข้าจำนวนประชากร" in page, url


def test_eligible_elders_receiving_the_old_age_allowance_on_the_roadmap_and_the_page(
        client: Client, officer: User, need: Any) -> None:
    from lnob.coverage.tests.conftest import new_person
    from lnob.welfare.models import Eligibility, Result, Scheme, SchemeVersion

    scheme = Scheme.objects.get(code="old_age_allowance")
    version = SchemeVersion.objects.filter(scheme=scheme).latest("pk")
    people = [new_person(officer, need, f"ผู้สูงอายุ{i}") for i in range(4)]
    Eligibility.objects.filter(person__in=people).delete()
    for i, person in enumerate(people):
        Eligibility.objects.create(
            person=person, scheme=scheme, version=version, result=Result.ELIGIBLE,
            receiving=i < 3, province_code="84", district_code=KO_PHANGAN,
            subdistrict_code=KO_TAO, evaluated_on=timezone.localdate())
    rollup_full()
    row = next(r for m in progress("84") for r in m.rows
               if r.indicator.code == "old_age_receiving_pct")
    assert row.actual == pytest.approx(75.0)
    targets = {m.month: r.target for m in progress("84") for r in m.rows
               if r.indicator.code == "old_age_receiving_pct"}
    assert targets[12] == 95
    client.force_login(officer)
    page = client.get(f"/coverage/{KO_TAO}/").content.decode()
    section = page[page.index("data-welfare"):]
    assert "75" in section[:section.index("</section>")]
    for url in (f"/coverage/{KO_PHANGAN}/", "/coverage/84/"):
        assert "data-welfare" in client.get(url).content.decode()
