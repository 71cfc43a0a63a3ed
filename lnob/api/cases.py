"""Cases over the API: the same workflow, scoping and audit as the pages."""

import datetime
import uuid
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.cases import workflow as wf
from lnob.cases.access import READERS, case_for, cases_visible_to, next_steps
from lnob.cases.care import visit_log, visit_sync
from lnob.cases.models import Case, Visit
from lnob.cases.offline import carer_now, my_people, my_report_areas
from lnob.cases.services import CaseChanged, case_open, case_step
from lnob.core import audit
from lnob.core.access import grants_of, read_audited
from lnob.core.errors import Conflict, Refused
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate
from lnob.registry.access import EDITORS, person_for

router = Router(tags=["cases"])
class EventOut(Schema):
    at: datetime.datetime
    actor: str = Field(..., alias="actor_label")
    action: str
    from_status: str
    to_status: str
    note: str


class CaseOut(Schema):
    id: int
    person_id: int
    subdistrict_code: str = Field(..., alias="subdistrict_id")
    status: str
    urgent: bool
    close_reason: str
    duplicate_of_id: int | None
    network_id: int | None
    volunteer_id: int | None
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    version: int
    reference: str
    source: str
    urgent_reasons: list[str]
    coverage_hole: bool
    next_visit_due: IsoDate | None


class CaseDetailOut(CaseOut):
    events: list[EventOut]
    next_steps: list[str] = Field(..., description="steps your role may take now")

    @staticmethod
    def resolve_events(obj: Case) -> list[Any]:
        return list(obj.events.all())


class CaseIn(Schema):
    person_id: int
    urgent: bool = False
    note: str = Field("", max_length=2000)


class StepIn(Schema):
    action: str = Field(..., description=", ".join(a for a, s in wf.STEPS.items() if s.by_hand))
    version: int = Field(..., description="the version you read; a newer one → 409")
    note: str = Field("", max_length=2000)
    reason: str = Field("", description=", ".join(wf.CLOSE_REASONS))
    duplicate_of: int | None = None
    network_id: int | None = None
    volunteer_id: int | None = None


class CaseFilters(Schema):
    status: str = Field("open", description="open, or one status")


def _reader(request: HttpRequest) -> User:
    if not grants_of(request.user, READERS):
        raise HttpError(403, _("Your role does not work with cases."))
    return cast(User, request.user)


def _detail(user: User, case: Case) -> Case:
    case.next_steps = next_steps(user, case)  # type: ignore[attr-defined]
    return case


@router.get("", response=list[CaseOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    user = _reader(request)
    qs = cases_visible_to(user)
    qs = qs.filter(status__in=wf.OPEN_STATES) if filters.status == "open" else qs.filter(
        status=filters.status)
    audit.record(AuditAction.VIEW, request=request, object_type="cases.case_list",
                 detail={"via": "api", "status": filters.status})
    return qs


class MyNeedOut(Schema):
    id: int
    name: str


class MyPersonOut(Schema):
    case_id: int
    version: int
    status: str
    status_label: str
    urgent: bool
    person_id: int
    name: str
    village: str
    subdistrict: str
    next_visit_due: IsoDate | None
    overdue: bool
    needs: list[MyNeedOut]


class MyAreaOut(Schema):
    code: str
    name: str


class MineOut(Schema):
    username: str
    at: datetime.datetime
    people: list[MyPersonOut]
    report_areas: list[MyAreaOut]


@router.get("/mine", response=MineOut)
def cases_mine(request: HttpRequest) -> dict[str, Any]:
    """The people the volunteer cares for (their assigned cases in care or
    waiting for a first visit, most due first) and the subdistricts they may
    report in: what the phone keeps to work offline (docs/offline.md)."""
    user = _reader(request)
    people = my_people(user)
    audit.record(AuditAction.VIEW, request=request, object_type="cases.case_list",
                 detail={"via": "api", "mine": True, "cases": [p.case_id for p in people]})
    return {"username": user.get_username(), "at": timezone.now(), "people": people,
            "report_areas": my_report_areas(user)}


@router.get("/{case_id}", response=CaseDetailOut)
def case(request: HttpRequest, case_id: int) -> Case:
    user = _reader(request)
    return _detail(user, read_audited(request, case_for, case_id, via="api"))


@router.post("", response={201: CaseDetailOut})
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    user = _reader(request)
    if not grants_of(user, EDITORS):
        raise HttpError(403, _("Your role cannot open cases."))
    person = person_for(user, payload.person_id)
    created = case_open(actor=user, person=person, urgent=payload.urgent,
                        note=payload.note)
    return Status(201, _detail(user, created))


@router.post("/{case_id}/steps", response={200: CaseDetailOut, 409: dict})
def case_step_api(request: HttpRequest, case_id: int, payload: StepIn) -> Any:
    user = _reader(request)
    found = case_for(user, case_id)
    duplicate = (cases_visible_to(user).filter(pk=payload.duplicate_of).first()
                 if payload.duplicate_of else None)
    stepped = case_step(actor=user, case=found, action=payload.action,
                        expected_version=payload.version, note=payload.note,
                        reason=payload.reason, duplicate_of=duplicate,
                        network_id=payload.network_id, volunteer_id=payload.volunteer_id)
    return _detail(user, stepped)


class VisitNeedOut(Schema):
    need_id: int
    change: str


class VisitOut(Schema):
    id: int
    visited_on: IsoDate
    done: str
    next_visit_on: IsoDate | None
    volunteer_id: int | None
    needs: list[VisitNeedOut]
    flag: str = Field(..., description="case_closed: sent from a phone after the case "
                                       "was closed; kept, not counted as care")
    client_key: uuid.UUID | None

    @staticmethod
    def resolve_needs(obj: Visit) -> list[Any]:
        return list(obj.needs.all())


class VisitIn(Schema):
    visited_on: IsoDate
    done: str = Field(..., max_length=2000)
    next_visit_on: IsoDate | None = None
    needs: dict[int, str] = Field({}, description="need id → better, same, worse, met")
    version: int = Field(..., description="the case version you read; a newer one → 409")
    client_key: uuid.UUID | None = Field(
        None, description="a UUID the client makes once per visit (idempotency key): "
                          "sending it again answers the same visit (200), never a "
                          "second one; a case closed meanwhile keeps the visit, flagged")


@router.get("/{case_id}/visits", response=list[VisitOut])
def case_visits(request: HttpRequest, case_id: int) -> Any:
    _reader(request)
    found = read_audited(request, case_for, case_id, via="api", visits=True)
    return found.visits.prefetch_related("needs")


@router.post("/{case_id}/visits", response={200: VisitOut, 201: VisitOut, 409: dict})
def case_visit_create(request: HttpRequest, case_id: int, payload: VisitIn) -> Any:
    user = _reader(request)
    try:
        found = case_for(user, case_id)
    except Http404:
        carer = carer_now(user, case_id)
        if carer is None:
            raise
        # The phone kept a visit on a person who moved to another carer: say to whom.
        raise Refused("case_moved", gettext_lazy(
            "This person is now cared for by %(carer)s, so this visit was not recorded. It "
            "stays on this phone until you delete it: copy what you wrote to pass it on."),
            carer=carer) from None
    fields: dict[str, Any] = {
        "visited_on": payload.visited_on, "done": payload.done, "changes": payload.needs,
        "next_visit_on": payload.next_visit_on, "expected_version": payload.version,
        "request": request}
    try:
        if payload.client_key is None:
            return Status(201, visit_log(actor=user, case=found, **fields))
        visit, created = visit_sync(actor=user, case=found, client_key=payload.client_key,
                                    **fields)
    except CaseChanged as exc:
        raise Conflict("conflict", gettext_lazy(
            "This case changed since you read it (another visit, a new carer or a new "
            "step). Check the case, then send the visit again."), field="version") from exc
    return Status(201 if created else 200, visit)
