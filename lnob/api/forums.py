"""Community forums over the API: the same services, scoping and audit as the
pages (lnob.cases.forums). A forum outside the caller's areas is a 404; bad
input a 422 naming the field; a decision on a case that changed since it was
read a 409."""

import datetime
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.cases.forums import selectors, services
from lnob.cases.forums.access import ROLES, forum_for
from lnob.cases.models import AgendaItem, Case, Forum, ForumDecision
from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate

router = Router(tags=["forums"])


class ForumOut(Schema):
    id: int
    subdistrict_code: str = Field(..., alias="subdistrict_id")
    village_code: str | None = Field(None, alias="village_id")
    organiser_id: int
    organiser_name: str
    held_on: IsoDate
    place: str

    @staticmethod
    def resolve_organiser_name(obj: Forum) -> str:
        return obj.organiser.name


class AgendaItemOut(Schema):
    case_id: int
    person_name: str
    village: str
    case_status: str
    case_version: int = Field(..., description="send it back with a decision; older → 409")
    decision: str
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_person_name(obj: AgendaItem) -> str:
        return obj.case.person.full_name

    @staticmethod
    def resolve_village(obj: AgendaItem) -> str:
        village = obj.case.person.village
        return village.name if village else ""

    @staticmethod
    def resolve_case_status(obj: AgendaItem) -> str:
        return obj.case.status

    @staticmethod
    def resolve_case_version(obj: AgendaItem) -> int:
        return obj.case.version


class ForumDetailOut(ForumOut):
    minutes: str
    attendance: dict[str, int] = Field(..., description="people attending by partner type")
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_attendance(obj: Forum) -> dict[str, int]:
        return {kind: count for kind, _label, count in selectors.attendance_of(obj) if count}

    @staticmethod
    def resolve_agenda(obj: Forum) -> list[AgendaItem]:
        return list(selectors.agenda_of(obj))


class CandidateOut(Schema):
    case_id: int = Field(..., alias="id")
    person_name: str
    village: str
    version: int

    @staticmethod
    def resolve_person_name(obj: Case) -> str:
        return obj.person.full_name

    @staticmethod
    def resolve_village(obj: Case) -> str:
        return obj.person.village.name if obj.person.village else ""


class ForumIn(Schema):
    subdistrict_code: str = ""
    village_code: str = ""
    organiser_id: int | None = None
    held_on: IsoDate | None = None
    place: str = Field("", max_length=services.MAX_PLACE)
    minutes: str = Field("", max_length=services.MAX_MINUTES)
    attendance: dict[str, int] = Field(default_factory=dict,
                                       description="partner type → people attending")


class ForumPatch(Schema):
    village_code: str | None = None
    held_on: IsoDate | None = None
    place: str | None = Field(None, max_length=services.MAX_PLACE)
    minutes: str | None = Field(None, max_length=services.MAX_MINUTES)
    attendance: dict[str, int] | None = None


class AgendaIn(Schema):
    case_ids: list[int] = Field(default_factory=list)
    fill: bool = Field(False, description="put every reported case of the forum's area on it")


class DecisionIn(Schema):
    case_id: int
    decision: str = Field(..., description=", ".join(ForumDecision.values))
    version: int | None = Field(None, description="the case_version you read; older → 409")


class ForumDecideIn(Schema):
    decisions: list[DecisionIn]
    minutes: str | None = Field(None, max_length=services.MAX_MINUTES)


class ForumFilters(Schema):
    subdistrict: str = Field("", description="only the forums of this subdistrict code")


def _runner(request: HttpRequest) -> User:
    if not grants_of(request.user, ROLES):
        raise HttpError(403, _("Your role does not work with community forums."))
    return cast(User, request.user)


@router.get("", response=list[ForumOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def forums(request: HttpRequest, filters: Query[ForumFilters]) -> Any:
    user = _runner(request)
    audit.record(AuditAction.VIEW, request=request, object_type="cases.forum_list",
                 detail={"via": "api", "subdistrict": filters.subdistrict})
    return selectors.forum_list(user, filters.subdistrict)


@router.post("", response={201: ForumDetailOut})
def forum_create(request: HttpRequest, payload: ForumIn) -> Status:
    user = _runner(request)
    forum = services.forum_create(actor=user, request=request, data=services.ForumData(
        **payload.dict()))
    return Status(201, forum_for(user, forum.pk))


@router.get("/{forum_id}", response=ForumDetailOut)
def forum(request: HttpRequest, forum_id: int) -> Forum:
    found = forum_for(_runner(request), forum_id)
    audit.record(AuditAction.VIEW, request=request, obj=found, area_code=found.area_code,
                 detail={"via": "api"})
    return found


@router.patch("/{forum_id}", response=ForumDetailOut)
def forum_patch(request: HttpRequest, forum_id: int, payload: ForumPatch) -> Forum:
    user = _runner(request)
    found = forum_for(user, forum_id)
    given: dict[str, Any] = {k: v for k, v in payload.dict(exclude_unset=True).items()
                             if v is not None}  # "" clears the village; null changes nothing
    data = services.ForumData(
        held_on=given.get("held_on", found.held_on), place=given.get("place", found.place),
        minutes=given.get("minutes", found.minutes),
        village_code=given.get("village_code", found.village_id or ""),
        attendance=given.get("attendance", {
            kind: n for kind, _label, n in selectors.attendance_of(found) if n}))
    services.forum_update(actor=user, forum=found, data=data, request=request)
    return forum_for(user, forum_id)


@router.get("/{forum_id}/candidates", response=list[CandidateOut])
def forum_candidates(request: HttpRequest, forum_id: int) -> list[Case]:
    found = forum_for(_runner(request), forum_id)
    cases = list(selectors.agenda_candidates(found))
    audit.record(AuditAction.VIEW, request=request, obj=found, area_code=found.area_code,
                 detail={"via": "api", "candidates": [c.pk for c in cases]})
    return cases


@router.post("/{forum_id}/agenda", response=ForumDetailOut)
def forum_agenda(request: HttpRequest, forum_id: int, payload: AgendaIn) -> Forum:
    user = _runner(request)
    found = forum_for(user, forum_id)
    if payload.fill:
        services.agenda_fill(actor=user, forum=found, request=request)
    else:
        services.agenda_add(actor=user, forum=found, case_ids=payload.case_ids,
                            request=request)
    return found


@router.post("/{forum_id}/decisions", response={200: ForumDetailOut, 409: dict})
def forum_decide(request: HttpRequest, forum_id: int, payload: ForumDecideIn) -> Any:
    user = _runner(request)
    found = forum_for(user, forum_id)
    decisions = {d.case_id: d.decision for d in payload.decisions}
    versions = {d.case_id: d.version for d in payload.decisions if d.version is not None}
    services.forum_decide(actor=user, forum=found, decisions=decisions, versions=versions,
                          minutes=payload.minutes, request=request)
    return forum_for(user, forum_id)
