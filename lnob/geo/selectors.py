"""Reads of geography. Public data: no scoping."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When

from lnob.geo.cache import cached_areas
from lnob.geo.loader import normalize
from lnob.geo.models import Area, District, Province, Subdistrict

LEVELS: dict[int, type[Area]] = {2: Province, 4: District, 6: Subdistrict}


def area_by_code(code: str) -> Area | None:
    """The province, district, subdistrict or village with this DOPA code."""
    from lnob.geo.models import Village

    model: type[Area] | None = LEVELS.get(len(code)) or (Village if len(code) == 8 else None)
    if model is None or not code.isdigit():
        return None
    return model._default_manager.filter(code=code).first()


def area_names(codes: set[str]) -> dict[str, str]:
    """Names in the active language for province, district and subdistrict
    codes, in one query per level."""
    names: dict[str, str] = {}
    for length, model in LEVELS.items():
        wanted = [c for c in codes if len(c) == length]
        if wanted:
            names.update({a.code: a.name for a in model._default_manager.filter(code__in=wanted)})
    return names


def ancestors(area: Area) -> list[Area]:
    """Province, district, subdistrict above ``area`` (outermost first)."""
    chain: list[Area] = []
    for length in (2, 4, 6):
        if len(area.code) > length:
            found = area_by_code(area.code[:length])
            if found is not None:
                chain.append(found)
    return chain


@dataclass(frozen=True)
class SearchHit:
    level: str
    code: str
    name_th: str
    name_en: str
    parents_th: str
    parents_en: str


def _ranked(qs: QuerySet, key: str) -> QuerySet:
    # Names that start with the query first, then those that contain it.
    return qs.filter(search_key__contains=key).annotate(
        rank=Case(When(search_key__startswith=key, then=Value(0)),
                  When(search_key__contains=" " + key, then=Value(0)),
                  default=Value(1), output_field=IntegerField())
    ).order_by("rank", "code")


def search_areas(query: str, *, limit: int = 20) -> list[SearchHit]:
    """Provinces, districts and subdistricts whose Thai or English name
    contains the query ("พะงัน" finds เกาะพะงัน, "phangan" too)."""
    key = normalize(query)
    if not key:
        return []
    hits: list[SearchHit] = []
    for p in _ranked(Province.objects.all(), key)[:limit]:
        hits.append(SearchHit("province", p.code, p.name_th, p.name_en, "", ""))
    for d in _ranked(District.objects.select_related("province"), key)[:limit]:
        hits.append(SearchHit("district", d.code, d.name_th, d.name_en,
                              d.province.name_th, d.province.name_en))
    subdistricts = _ranked(Subdistrict.objects.select_related("district", "province"), key)
    for s in subdistricts[:limit]:
        hits.append(SearchHit(
            "subdistrict", s.code, s.name_th, s.name_en,
            f"{s.district.name_th} {s.province.name_th}",
            f"{s.district.name_en}, {s.province.name_en}",
        ))
    # Prefix matches of any level before substring matches, then by level.
    hits.sort(key=lambda h: (0 if _starts(h, key) else 1, len(h.code)))
    return hits[:limit]


def _starts(hit: SearchHit, key: str) -> bool:
    return any(normalize(n).startswith(key) for n in (hit.name_th, hit.name_en))


def subdistrict_matches(query: str, *, limit: int = 10,
                        within: tuple[str, ...] = ()) -> list[Subdistrict]:
    """``_subdistrict_matches``, kept in the areas cache (every public report
    asks it). ``within``: only subdistricts whose code starts with one of
    these area codes (a form that may choose only in the user's areas)."""
    whole = normalize(query)
    if not whole:
        return []
    within = tuple(sorted(set(within)))
    digest = hashlib.sha256(f"{limit}:{','.join(within)}:{' '.join(query.split())}"
                            .encode()).hexdigest()[:32]
    return cached_areas(f"matches:{digest}",
                        lambda: _subdistrict_matches(query, limit=limit, within=within))


def subdistrict_by_code(code: str) -> Subdistrict | None:
    """The subdistrict (with its district and province), from the areas cache."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    found: Subdistrict | bool = cached_areas(
        f"subdistrict:{code}", lambda: Subdistrict.objects.select_related(
            "district", "province").filter(code=code).first() or False)
    return found if isinstance(found, Subdistrict) else None


def _subdistrict_matches(query: str, *, limit: int = 10,
                         within: tuple[str, ...] = ()) -> list[Subdistrict]:
    """Subdistricts for what a caller says: the first word is (part of) the
    subdistrict's name, further words narrow by district or province
    ("เกาะเต่า", "บ่อผุด เกาะสมุย", "Ko Tao Surat"). Thai or English; a 6-digit
    code finds that one."""
    whole = normalize(query)
    if not whole:
        return []
    every = Subdistrict.objects.select_related("district", "province")
    if within and "" not in within:
        area = models.Q(pk__in=[])
        for code in within:
            area |= models.Q(code__startswith=code)
        every = every.filter(area)
    if whole.isdigit():
        return list(every.filter(code=whole))
    found = list(_ranked(every, whole)[:limit])
    words = [w for w in (normalize(w) for w in query.split()) if w]
    if found or len(words) < 2:
        return found
    qs = _ranked(every, words[0])
    for word in words[1:]:
        qs = qs.filter(models.Q(district__search_key__contains=word)
                       | models.Q(province__search_key__contains=word))
    return list(qs[:limit])
