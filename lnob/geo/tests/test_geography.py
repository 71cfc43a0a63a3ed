from __future__ import annotations

import pytest

from lnob.geo.loader import load_geography
from lnob.geo.models import District, Province, Subdistrict
from lnob.geo.selectors import search_areas

pytestmark = pytest.mark.django_db


def test_it_has_every_province_district_and_subdistrict_of_thailand() -> None:
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert Subdistrict.objects.count() == 7436


def test_codes_are_dopa_strings_nested_by_prefix() -> None:
    bangkok = Province.objects.get(code="10")
    assert bangkok.name_th == "กรุงเทพมหานคร"
    assert bangkok.name_en == "Bangkok"
    ko_tao = Subdistrict.objects.select_related("district", "province").get(code="840503")
    assert (ko_tao.name_th, ko_tao.name_en) == ("เกาะเต่า", "Ko Tao")
    assert ko_tao.district.code == "8405"
    assert ko_tao.province.code == "84"
    assert ko_tao.postal_code_list == ["84360"]


def test_every_subdistrict_code_starts_with_its_district_code() -> None:
    mismatched = [s.code for s in Subdistrict.objects.only("code", "district_id")
                  if not s.code.startswith(s.district_id)]
    assert mismatched == []


def test_loading_again_changes_nothing() -> None:
    result = load_geography(Province, District, Subdistrict)
    assert (result.provinces, result.districts, result.subdistricts) == (77, 928, 7436)
    assert (result.created, result.updated) == (0, 0)


def test_loading_repairs_a_changed_name() -> None:
    Province.objects.filter(code="84").update(name_en="Wrong")
    result = load_geography(Province, District, Subdistrict)
    assert result.updated == 1
    assert Province.objects.get(code="84").name_en == "Surat Thani"


@pytest.mark.parametrize("query", ["พะงัน", "เกาะพะงัน", "phangan", "Pha-ngan", "อ.เกาะพะงัน"])
def test_search_finds_ko_pha_ngan_from_part_of_its_thai_or_english_name(query: str) -> None:
    hits = search_areas(query)
    assert ("district", "8405") in [(h.level, h.code) for h in hits]
    assert ("subdistrict", "840501") in [(h.level, h.code) for h in hits]


def test_search_puts_names_that_start_with_the_query_first() -> None:
    hits = search_areas("เชียง")
    assert hits[0].name_th.startswith("เชียง")
    assert {"50", "57"} <= {h.code for h in hits if h.level == "province"}


def test_search_for_nothing_finds_nothing() -> None:
    assert search_areas("   ") == []
    assert search_areas("zzzzqqq") == []
