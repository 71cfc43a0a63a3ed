"""Geography: public data, no authentication, except adding a village."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from lnob.core.access import require_area
from lnob.core.roles import AREA_EDITOR_ROLES
from lnob.geo.models import District, Province, Subdistrict, Village
from lnob.geo.selectors import search_areas
from lnob.geo.services import village_create

router = Router(tags=["geography"])


class AreaOut(Schema):
    code: str
    name_th: str
    name_en: str


class SubdistrictOut(AreaOut):
    postal_codes: list[str] = Field(..., alias="postal_code_list")


class VillageOut(AreaOut):
    number: int


class SearchHitOut(AreaOut):
    level: str
    parents_th: str
    parents_en: str


class VillageIn(Schema):
    number: int = Field(..., ge=1, le=99, description="หมู่ที่, 1–99")
    name_th: str = Field(..., min_length=1, max_length=150)
    name_en: str = Field("", max_length=150)


@router.get("/provinces", response=list[AreaOut], auth=None)
def provinces(request: HttpRequest) -> list[Province]:
    return list(Province.objects.all())


@router.get("/provinces/{code}/districts", response=list[AreaOut], auth=None)
def districts(request: HttpRequest, code: str) -> list[District]:
    province = get_object_or_404(Province, code=code)
    return list(province.districts.all())


@router.get("/districts/{code}/subdistricts", response=list[SubdistrictOut], auth=None)
def subdistricts(request: HttpRequest, code: str) -> list[Subdistrict]:
    district = get_object_or_404(District, code=code)
    return list(district.subdistricts.all())


@router.get("/subdistricts/{code}/villages", response=list[VillageOut], auth=None)
def villages(request: HttpRequest, code: str) -> list[Village]:
    subdistrict = get_object_or_404(Subdistrict, code=code)
    return list(subdistrict.villages.all())


@router.get("/search", response=list[SearchHitOut], auth=None)
def search(request: HttpRequest, q: str = Query(..., min_length=1, max_length=100),
           limit: int = Query(20, ge=1, le=100)) -> list:
    return search_areas(q, limit=limit)


@router.post("/subdistricts/{code}/villages", response={201: VillageOut})
def village_add(request: HttpRequest, code: str, payload: VillageIn) -> Status:
    require_area(request.user, code, AREA_EDITOR_ROLES)
    subdistrict = Subdistrict.objects.filter(code=code).first()
    if subdistrict is None:
        raise Http404
    village = village_create(actor=request.user,  # type: ignore[arg-type]
                             subdistrict=subdistrict, number=payload.number,
                             name_th=payload.name_th, name_en=payload.name_en)
    return Status(201, village)
