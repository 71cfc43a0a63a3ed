"""The national goods catalogue every province starts with (provinces add
their own lines). Data only: read by the migration that loads it."""

from __future__ import annotations

# code, Thai name, English name, Thai unit, English unit, need code it answers
NATIONAL_GOODS = [
    ("rice", "ข้าวสาร", "Rice", "กิโลกรัม", "kg", "daily_care"),
    ("adult_diapers", "ผ้าอ้อมผู้ใหญ่", "Adult diapers", "ห่อ", "packs", "daily_care"),
    ("infant_milk", "นมผงสำหรับทารก", "Infant milk", "กระป๋อง", "tins", "health"),
    ("wheelchair", "รถเข็นวีลแชร์", "Wheelchairs", "คัน", "chairs", "disability_aids"),
    ("hospital_bed", "เตียงผู้ป่วย", "Beds for the bedridden", "เตียง", "beds",
     "disability_aids"),
    ("walking_aid", "ไม้เท้าและเครื่องช่วยเดิน", "Walking aids", "ชิ้น", "pieces",
     "disability_aids"),
    ("air_mattress", "ที่นอนลมป้องกันแผลกดทับ", "Air mattresses", "ชุด", "sets", "health"),
    ("dry_food", "อาหารแห้ง", "Dry food", "ชุด", "packs", "daily_care"),
    ("blanket", "ผ้าห่ม", "Blankets", "ผืน", "pieces", "housing"),
    ("school_supplies", "อุปกรณ์การเรียน", "School supplies", "ชุด", "sets", "education"),
]


def load(apps: object) -> None:
    goods = apps.get_model("giving", "GoodsItem")  # type: ignore[attr-defined]
    need = apps.get_model("registry", "Need")  # type: ignore[attr-defined]
    needs = {n.code: n for n in need.objects.filter(province_code="")}
    for sort, (code, th, en, unit_th, unit_en, need_code) in enumerate(NATIONAL_GOODS):
        goods.objects.update_or_create(province_code="", code=code, defaults={
            "name_th": th, "name_en": en, "unit_th": unit_th, "unit_en": unit_en,
            "need": needs.get(need_code), "sort": (sort + 1) * 10})


def unload(apps: object) -> None:
    goods = apps.get_model("giving", "GoodsItem")  # type: ignore[attr-defined]
    goods.objects.filter(province_code="", code__in=[g[0] for g in NATIONAL_GOODS]).delete()
