"""Registered population per subdistrict from DOPA's statistics CSV: loaded
whole or not at all, each wrong line named with what to fix."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lnob.geo.models import Population
from lnob.geo.population import ce_year, latest, population_load

pytestmark = pytest.mark.django_db

SOURCE = "DOPA stat.bora.dopa.go.th, ธันวาคม 2567"


def test_a_dopa_file_loads_its_subdistricts_and_skips_its_total_lines() -> None:
    text = ("\ufeffCC_CODE,RCODE_CODE,CCAATT_CODE,MALE,FEMALE,TOTAL\n"
            "84,8400,84000000,500000,520000,1020000\n"      # the province's total line
            "84,8405,84050000,9000,9100,18100\n"            # the district's
            "84,8405,84050300,\"1,050\",๑๐๐๐,2050\n"        # Ko Tao: separators, Thai digits
            "84,8405,84050100,4000,4100,8100\n")
    result = population_load(text, year=2024, source=SOURCE)
    assert (result.errors, result.loaded, result.skipped_totals) == ([], 2, 2)
    ko_tao = Population.objects.get(subdistrict_id="840503")
    assert (ko_tao.male, ko_tao.female, ko_tao.total, ko_tao.year) == (1050, 1000, 2050, 2024)
    assert latest(["840503", "840501", "840502"]) == {"840503": 2050, "840501": 8100}


def test_a_later_year_is_the_one_read_and_a_year_loads_again() -> None:
    population_load("subdistrict_code,total\n840503,2000\n", year=2023, source=SOURCE)
    population_load("subdistrict_code,total\n840503,2100\n", year=2024, source=SOURCE)
    population_load("subdistrict_code,total\n840503,2200\n", year=2024, source=SOURCE)
    assert latest(["840503"]) == {"840503": 2200}
    assert Population.objects.count() == 2


def test_bad_lines_are_reported_line_by_line_and_nothing_is_loaded() -> None:
    text = ("subdistrict_code,male,female,total\n"
            "840503,1000,1000,2000\n"
            "999999,1,1,2\n"            # line 3: no such subdistrict
            "840501,สองพัน,10,20\n"      # line 4: not a number
            "840502,100,100,300\n"      # line 5: total is not male + female
            "840503,1,1,2\n"            # line 6: Ko Tao again
            "840101,,,\n")              # line 7: no figure at all
    result = population_load(text, year=2024, source=SOURCE)
    assert [(e.line, e.field) for e in result.errors] == [
        (3, "subdistrict_code"), (4, "male"), (5, "total"), (6, "subdistrict_code"),
        (7, "total")]
    assert "999999" in str(result.errors[0]) and result.loaded == 0
    assert Population.objects.count() == 0


def test_a_file_without_the_columns_or_a_source_is_refused() -> None:
    assert population_load("code,people\n840503,5\n", year=2024,
                           source=SOURCE).errors[0].field == "header"
    result = population_load("subdistrict_code,total\n840503,5\n", year=2024, source=" ")
    assert result.errors[0].field == "source" and not Population.objects.exists()


def test_the_command_takes_a_buddhist_era_year_and_fails_on_a_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "pop.csv"
    good.write_text("subdistrict_code,male,female\n840503,1000,1100\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_population", str(good), year=2567, source=SOURCE, stdout=out)
    assert "1 subdistricts loaded" in out.getvalue()
    assert Population.objects.get().year == 2024 == ce_year(2567)
    bad = tmp_path / "bad.csv"
    bad.write_text("subdistrict_code,total\n12345,10\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_population", str(bad), year=2024, source=SOURCE, stderr=err)
    assert "line 2" in err.getvalue() or "บรรทัด" in err.getvalue()
