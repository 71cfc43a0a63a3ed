"""Loads Thailand's provinces, districts and subdistricts from ``geothai``.

Idempotent: rows are created or updated by code and nothing is deleted, since
people and networks point at these areas. Takes the model classes as arguments
so the data migration can pass its historical models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geothai

# geothai cleans names the same way for its own search; we store that form so
# our database search agrees with geothai.match() used by the importers.
from geothai._normalize import normalize

BATCH = 2000


def search_key(name_th: str, name_en: str) -> str:
    return f"{normalize(name_th)} {normalize(name_en)}".strip()


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    districts: int
    subdistricts: int
    created: int
    updated: int


def _sync(model: Any, rows: list[dict[str, Any]], fields: list[str]) -> tuple[int, int]:
    existing = model.objects.in_bulk([r["code"] for r in rows])
    new, changed = [], []
    for row in rows:
        current = existing.get(row["code"])
        if current is None:
            new.append(model(**row))
        elif any(getattr(current, f) != row[f] for f in fields):
            for f in fields:
                setattr(current, f, row[f])
            changed.append(current)
    model.objects.bulk_create(new, batch_size=BATCH)
    model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return len(new), len(changed)


def load_geography(province_model: Any, district_model: Any, subdistrict_model: Any) -> LoadResult:
    provinces = [
        {"code": p.code, "name_th": p.name_th, "name_en": p.name_en,
         "search_key": search_key(p.name_th, p.name_en)}
        for p in geothai.provinces()
    ]
    districts = [
        {"code": d.code, "name_th": d.name_th, "name_en": d.name_en,
         "search_key": search_key(d.name_th, d.name_en), "province_id": d.province_code}
        for p in provinces for d in geothai.districts(p["code"])
    ]
    subdistricts = [
        {"code": s.code, "name_th": s.name_th, "name_en": s.name_en,
         "search_key": search_key(s.name_th, s.name_en), "district_id": s.district_code,
         "province_id": s.province_code, "postal_codes": " ".join(s.postal_codes)}
        for d in districts for s in geothai.subdistricts(d["code"])
    ]
    created = updated = 0
    for model, rows in ((province_model, provinces), (district_model, districts),
                        (subdistrict_model, subdistricts)):
        fields = [k for k in rows[0] if k != "code"]
        c, u = _sync(model, rows, fields)
        created, updated = created + c, updated + u
    from lnob.geo.cache import areas_changed

    areas_changed()
    return LoadResult(len(provinces), len(districts), len(subdistricts), created, updated)
