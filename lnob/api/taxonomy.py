"""Target groups and needs: the national ones and each province's own."""

from typing import Any, cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from lnob.core.models import User
from lnob.registry import services
from lnob.registry.selectors import taxonomy_for

router = Router(tags=["target groups and needs"])


class EntryOut(Schema):
    id: int
    code: str
    name_th: str
    name_en: str
    province_code: str


class GroupOut(EntryOut):
    parent_id: int | None
    criteria: str


class TaxonomyOut(Schema):
    target_groups: list[GroupOut]
    needs: list[EntryOut]


class EntryIn(Schema):
    province_code: str = Field(..., min_length=2, max_length=2)
    code: str = Field(..., min_length=1, max_length=40)
    name_th: str = Field(..., min_length=1, max_length=150)
    name_en: str = Field("", max_length=150)


class GroupIn(EntryIn):
    parent_id: int = Field(..., description="one of the four national groups")
    criteria: str = ""


@router.get("", response=TaxonomyOut)
def taxonomy(request: HttpRequest,
             province: str = Query("", max_length=2, description="add this province's own")
             ) -> dict[str, Any]:
    """Not personal data: any signed-in user or token."""
    groups, needs = taxonomy_for(province)
    return {"target_groups": list(groups), "needs": list(needs)}


def _add(request: HttpRequest, kind: str, payload: EntryIn, **extra: Any) -> Any:
    return services.taxonomy_add(actor=cast(User, request.user), kind=kind,
                                 province_code=payload.province_code, code=payload.code,
                                 name_th=payload.name_th, name_en=payload.name_en, **extra)


@router.post("/target-groups", response={201: GroupOut})
def group_add(request: HttpRequest, payload: GroupIn) -> Status:
    return Status(201, _add(request, "group", payload, parent_id=payload.parent_id,
                            criteria=payload.criteria))


@router.post("/needs", response={201: EntryOut})
def need_add(request: HttpRequest, payload: EntryIn) -> Status:
    return Status(201, _add(request, "need", payload))
