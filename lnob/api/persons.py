"""People in need over the API: the same scoping, validation and audit as the
pages (lnob.registry.access, selectors and services)."""


import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.cases.intake.services import person_register
from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.citizen_id import mask_citizen_id
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate
from lnob.dedup.hints import queue_hidden_matches
from lnob.exports.responses import CONTENT_TYPES
from lnob.registry import services
from lnob.registry.access import (
    AREA_READERS,
    EDITORS,
    can_edit,
    can_see_citizen_id,
    person_for,
)
from lnob.registry.exports import export_persons
from lnob.registry.models import Person
from lnob.registry.selectors import PersonFilters, person_list

router = Router(tags=["persons"])


class NeedIn(Schema):
    need_id: int
    severity: int = Field(..., ge=1, le=4)


class ConsentIn(Schema):
    status: str = Field(..., description="given | refused | unable")
    lawful_basis: str = Field(..., description="consent | vital_interest | public_task | …")
    purposes: list[str] = []
    note: str = Field("", max_length=255)


class PersonIn(Schema):
    title: str = Field("", max_length=40)
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field("", max_length=100)
    sex: str = Field("X", description="M | F | X")
    birth_date: IsoDate | None = Field(None, description="CE date, ISO 8601")
    birth_year_only: bool = False
    citizen_id: str = Field("", max_length=30, description=(
        "13 digits, dashes allowed. On update, the masked value you read keeps the "
        "stored ID."))
    no_citizen_id_reason: str = ""
    phone: str = Field("", max_length=20)
    subdistrict_code: str = Field(..., min_length=6, max_length=6)
    village_number: int | None = Field(None, ge=1, le=99)
    house_number: str = Field("", max_length=30)
    address_text: str = Field("", max_length=255)
    target_group_ids: list[int] = []
    needs: list[NeedIn] = []
    source: str = Field(..., description="network | hotline | public | forum | import | officer")
    source_network_id: int | None = None
    source_note: str = Field("", max_length=255)
    external_ref: str = Field("", max_length=64)
    household_id: int | None = Field(None, description="join this household (same subdistrict)")


class PersonCreateIn(PersonIn):
    consent: ConsentIn | None = None
    open_case: bool = Field(True, description="open a case at the first step, routed like "
                                              "a report (default); false: no case yet")


class PersonUpdateIn(PersonIn):
    version: int = Field(..., description="the version you read; a newer one → 409")


class NeedOut(Schema):
    need_id: int
    code: str
    severity: int


class PersonOut(Schema):
    id: int
    title: str
    first_name: str
    last_name: str
    sex: str
    birth_date: IsoDate | None
    birth_year_only: bool
    citizen_id: str = Field(..., description="masked unless your role may see it")
    no_citizen_id_reason: str
    phone: str
    subdistrict_code: str = Field(..., alias="subdistrict_id")
    village_code: str | None = Field(None, alias="village_id")
    house_number: str
    status: str
    severity: int
    source: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_citizen_id(obj: Person) -> str:
        # Unmasked only when the view marked it so (ID readers; audited there).
        if obj.citizen_id and not getattr(obj, "show_citizen_id", False):
            return mask_citizen_id(obj.citizen_id)
        return obj.citizen_id


class PersonDetailOut(PersonOut):
    needs: list[NeedOut]
    target_group_ids: list[int]
    household_id: int | None

    @staticmethod
    def resolve_needs(obj: Person) -> list[dict[str, Any]]:
        return [{"need_id": pn.need_id, "code": pn.need.code, "severity": pn.severity}
                for pn in obj.needs.select_related("need")]

    @staticmethod
    def resolve_target_group_ids(obj: Person) -> list[int]:
        return list(obj.target_groups.values_list("pk", flat=True))


class ListFilters(Schema):
    q: str = Field("", max_length=100)
    area: str = Field("", max_length=6)
    target_group: int | None = None
    need: int | None = None
    min_severity: int | None = Field(None, ge=1, le=4)
    status: str = ""
    network: int | None = None


def _shown(person: Person, actor: Any) -> Person:
    person.show_citizen_id = can_see_citizen_id(actor, person)  # type: ignore[attr-defined]
    return person


def _data(payload: PersonIn) -> services.PersonData:
    return services.PersonData(
        **payload.dict(exclude={"needs", "consent", "version", "open_case"}),
        needs={n.need_id: n.severity for n in payload.needs})


def _editor(request: HttpRequest) -> User:
    if not grants_of(request.user, EDITORS):
        raise HttpError(403, _("Your role cannot register or change persons."))
    return cast(User, request.user)


@router.get("", response=list[PersonOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def persons(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    """Persons you may see, newest first; IDs masked. Each page is audited."""
    qs = person_list(request.user, PersonFilters(
        q=filters.q, area=filters.area, target_group=filters.target_group, need=filters.need,
        min_severity=filters.min_severity, status=filters.status, network=filters.network))
    audit.record(AuditAction.VIEW, request=request, object_type="registry.person_list",
                 detail={"via": "api", "q": filters.q, "area": filters.area})
    return qs.order_by("-id")


class ExportFilters(ListFilters):
    format: Literal["csv", "xlsx"] = "csv"


@router.get("/export", openapi_extra={"responses": {200: {
    "description": "The file: CSV (UTF-8 with BOM) or XLSX; the same columns as the "
                   "spreadsheet import. Citizen IDs masked unless your role may see them.",
    "content": {CONTENT_TYPES["csv"]: {}, CONTENT_TYPES["xlsx"]: {}}}}})
def persons_export(request: HttpRequest, filters: Query[ExportFilters]) -> HttpResponseBase:
    """Every person you may see that matches the filters, as one file (the same
    filters as the list). Headers in Thai unless the language cookie says
    English. Audited, one row per export."""
    if not grants_of(request.user, (*AREA_READERS, *EDITORS)):
        raise HttpError(403, _("Your role does not see persons by name."))
    return export_persons(request, PersonFilters(
        q=filters.q, area=filters.area, target_group=filters.target_group, need=filters.need,
        min_severity=filters.min_severity, status=filters.status, network=filters.network),
        filters.format, via="api")


@router.get("/{person_id}", response=PersonDetailOut)
def person(request: HttpRequest, person_id: int) -> Person:
    found = _shown(person_for(request.user, person_id), request.user)
    audit.record(AuditAction.VIEW, request=request, obj=found, area_code=found.area_code,
                 detail={"via": "api",
                         "unmasked": found.show_citizen_id and bool(found.citizen_id)})  # type: ignore[attr-defined]
    return found


@router.post("", response={201: PersonDetailOut})
def person_create(request: HttpRequest, payload: PersonCreateIn) -> Status:
    actor = _editor(request)
    consent = services.ConsentData(**payload.consent.dict()) if payload.consent else None
    created, _case = person_register(actor=actor, data=_data(payload), consent=consent,
                                     request=request, open_case=payload.open_case)
    queue_hidden_matches(created, user=actor)
    return Status(201, _shown(created, actor))


@router.put("/{person_id}", response={200: PersonDetailOut, 409: dict})
def person_update(request: HttpRequest, person_id: int, payload: PersonUpdateIn) -> Any:
    actor = _editor(request)
    found = person_for(actor, person_id)
    if not can_edit(actor, found):
        raise HttpError(403, _("Your role cannot change this person."))
    data = _data(payload)
    if found.citizen_id and data.citizen_id.strip() == mask_citizen_id(found.citizen_id):
        # A client sends back the masked ID it read: the stored one is kept.
        data.citizen_id = found.citizen_id
    updated = services.person_update(actor=actor, person=found, data=data,
                                     expected_version=payload.version, request=request)
    return _shown(updated, actor)


@router.post("/{person_id}/consents", response={201: dict})
def consent_add(request: HttpRequest, person_id: int, payload: ConsentIn) -> Status:
    actor = _editor(request)
    found = person_for(actor, person_id)
    if not can_edit(actor, found):
        raise HttpError(403, _("Your role cannot change this person."))
    consent = services.consent_record(actor=actor, person=found,
                                      data=services.ConsentData(**payload.dict()),
                                      request=request)
    return Status(201, {"id": consent.pk, "status": consent.status,
                        "lawful_basis": consent.lawful_basis})


class HouseholdOut(Schema):
    id: int
    head_id: int | None
    subdistrict_code: str
    village_code: str | None
    house_number: str
    member_ids: list[int] = Field(..., description="members you may see")


def _household(actor: Any, household: Any) -> dict[str, Any]:
    from lnob.registry.access import persons_visible_to

    members = persons_visible_to(actor).filter(household=household).order_by("pk")
    return {"id": household.pk, "head_id": household.head_id,
            "subdistrict_code": household.subdistrict_id, "village_code": household.village_id,
            "house_number": household.house_number,
            "member_ids": list(members.values_list("pk", flat=True))}


@router.get("/{person_id}/household", response=HouseholdOut)
def household(request: HttpRequest, person_id: int) -> dict[str, Any]:
    found = person_for(request.user, person_id)
    if found.household is None:
        raise HttpError(404, _("This person is not linked to a household."))
    shown = _household(request.user, found.household)
    audit.record(AuditAction.VIEW, request=request, object_type="registry.household",
                 object_id=str(found.household_id), area_code=found.area_code,
                 detail={"via": "api", "persons": shown["member_ids"]})
    return shown


@router.post("/{person_id}/household", response={201: HouseholdOut})
def household_start(request: HttpRequest, person_id: int) -> Status:
    """Starts a household at the person's address, with the person as head. Add
    members by creating persons with the same ``household_id``."""
    actor = _editor(request)
    found = person_for(actor, person_id)
    if not can_edit(actor, found):
        raise HttpError(403, _("Your role cannot change this person."))
    created = services.household_start(actor=actor, head=found, request=request)
    return Status(201, _household(actor, created))
