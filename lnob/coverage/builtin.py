"""The built-in indicators (ตัวชี้วัด) taken from the seed, and their national
default targets at 3, 6, 9 and 12 months after a province's D-Day. Pure data:
the migration that installs them and the tests read it.

A formula is arithmetic over the variables of ``lnob.coverage.indicators``;
``people`` lists the person counts it is computed from, so that the public
sees it only when none of them is suppressed.
"""

from __future__ import annotations

from typing import Any, TypedDict


class BuiltinIndicator(TypedDict):
    code: str
    name_th: str
    name_en: str
    formula: str
    unit: str
    direction: str
    people: list[str]
    targets: dict[int, float]


BUILTIN_INDICATORS: list[BuiltinIndicator] = [
    {"code": "lead_network_pct", "name_th": "ร้อยละของตำบลที่มีแม่ข่าย",
     "name_en": "% of subdistricts with a lead network",
     "formula": "100 * lead_covered / subdistricts", "unit": "%", "direction": "up",
     "people": [], "targets": {3: 50, 6: 80, 9: 100, 12: 100}},
    {"code": "five_k_pct", "name_th": "ร้อยละของตำบลที่มีครบ 5 ก",
     "name_en": "% of subdistricts with all five ก",
     "formula": "100 * five_k_all / subdistricts", "unit": "%", "direction": "up",
     "people": [], "targets": {3: 10, 6: 30, 9: 50, 12: 70}},
    {"code": "people_found", "name_th": "จำนวนผู้ที่ถูกค้นพบ", "name_en": "People found",
     "formula": "found", "unit": "people", "direction": "up", "people": ["found"],
     "targets": {}},
    {"code": "verified_pct", "name_th": "ร้อยละที่ผ่านการยืนยันจากเวทีประชาคม",
     "name_en": "% verified", "formula": "100 * verified_ever / found", "unit": "%",
     "direction": "up", "people": ["found", "verified", "assigned", "in_care", "closed"],
     "targets": {3: 30, 6: 60, 9: 80, 12: 90}},
    {"code": "in_care_pct", "name_th": "ร้อยละของผู้ผ่านการยืนยันที่ได้รับการดูแล",
     "name_en": "% of verified people in care",
     "formula": "100 * in_care / open_verified", "unit": "%", "direction": "up",
     "people": ["verified", "assigned", "in_care"],
     "targets": {3: 20, 6: 50, 9: 70, 12: 80}},
    {"code": "median_days_to_visit", "name_th": "มัธยฐานจำนวนวันจากการยืนยันถึงการเยี่ยมครั้งแรก",
     "name_en": "Median days to first visit", "formula": "median_days_to_visit",
     "unit": "days", "direction": "down", "people": [],
     "targets": {3: 30, 6: 21, 9: 14, 12: 14}},
    {"code": "forums_held", "name_th": "จำนวนเวทีประชาคมที่จัดแล้ว", "name_en": "Forums held",
     "formula": "forums_held", "unit": "forums", "direction": "up", "people": [],
     "targets": {}},
    {"code": "volunteers_per_100", "name_th": "อาสาสมัครต่อผู้ได้รับการดูแล 100 คน",
     "name_en": "Volunteers per 100 people in care",
     "formula": "100 * volunteers / in_care", "unit": "per 100", "direction": "up",
     "people": ["in_care"], "targets": {3: 10, 6: 15, 9: 20, 12: 20}},
    # The seed's second aim (raise the whole society's will to help): givers
    # per 1,000 registered residents (issue 17). The seed sets no figure; the
    # defaults are a starting point for the national analysts.
    {"code": "givers_per_1000", "name_th": "ผู้ให้ต่อประชากร 1,000 คน",
     "name_en": "Givers per 1,000 residents", "formula": "1000 * givers / residents",
     "unit": "per 1000", "direction": "up", "people": [],
     "targets": {3: 0.5, 6: 1, 9: 2, 12: 3}},
    # Welfare reaching the eligible (issue 18): of the people the rules find
    # eligible for the old-age allowance, the share receiving it.
    {"code": "old_age_receiving_pct",
     "name_th": "ร้อยละของผู้สูงอายุที่มีสิทธิ์ซึ่งได้รับเบี้ยยังชีพผู้สูงอายุ",
     "name_en": "% of eligible elders receiving the old-age allowance",
     "formula": "100 * old_age_receiving / old_age_eligible", "unit": "%", "direction": "up",
     "people": ["old_age_eligible", "old_age_receiving"],
     "targets": {3: 80, 6: 85, 9: 90, 12: 95}},
]


def install(indicator_model: Any, target_model: Any, codes: Any = None) -> None:
    """Creates the built-in indicators (``codes``: only these) and national
    targets that are missing (never changes what exists: an analyst may
    have edited them)."""
    for sort, item in enumerate(BUILTIN_INDICATORS, start=1):
        if codes is not None and item["code"] not in codes:
            continue
        indicator, created = indicator_model.objects.get_or_create(
            code=item["code"], defaults={
                "name_th": item["name_th"], "name_en": item["name_en"],
                "formula": item["formula"], "unit": item["unit"],
                "direction": item["direction"], "people_inputs": item["people"],
                "sort": sort * 10})
        if not created:
            continue
        for month, target in item["targets"].items():
            target_model.objects.get_or_create(province_code="", month=month,
                                               indicator=indicator,
                                               defaults={"target": target})
