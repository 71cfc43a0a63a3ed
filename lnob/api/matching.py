"""Matching over the API: start a run, read its status and its proposal,
accept (or reject) rows — the same rules as the pages."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User
from lnob.core.roles import PERSONAL_DATA_ROLES
from lnob.matching import reasons, services
from lnob.matching.models import MatchingRun, ProposalRow, RowKind
from lnob.matching.tasks import run_matching

router = Router(tags=["matching"])


class MatchingRunIn(Schema):
    scope_code: str = Field("", description="2-digit province code; empty = whole country")
    params: dict[str, int] = Field({}, description="weights to change (docs/matching.md)")
    rebalance: list[str] = Field([], description="district or subdistrict codes where people "
                                                 "in care may be moved; empty = none")
    must_serve: list[str] | None = Field(None, description="need codes a carer must serve; "
                                                           "null = the province's rules")


class MatchingRunOut(Schema):
    id: int
    scope_code: str
    status: str
    progress: int
    phase: str
    params: dict[str, Any]
    options: dict[str, Any]
    figures: dict[str, Any]
    error: dict[str, Any]


class RowOut(Schema):
    id: int
    case_id: int
    subdistrict_code: str
    kind: str
    volunteer_id: int | None
    network_id: int | None
    previous_volunteer_id: int | None
    severity: int
    reason: str
    reason_params: dict[str, Any]
    message_th: str = Field(..., description="why unplaced, in Thai (worded from reason)")
    message_en: str = Field(..., description="why unplaced, in English")
    distance: str
    urgent: bool
    decision: str
    decision_code: str
    decision_params: dict[str, Any]
    decision_note: str = Field(..., description="why accepting failed, in the request's "
                                                "language (worded from decision_code)")

    @staticmethod
    def resolve_message_th(obj: ProposalRow) -> str:
        return reasons.in_language("th", reasons.row_why, obj)

    @staticmethod
    def resolve_message_en(obj: ProposalRow) -> str:
        return reasons.in_language("en", reasons.row_why, obj)

    @staticmethod
    def resolve_decision_note(obj: ProposalRow) -> str:
        return reasons.row_decision(obj)


class RowFilters(Schema):
    kind: str = Field("", description="new, changed, unchanged, unplaced, left_out; "
                                      "empty = all")


class MatchingDecideIn(Schema):
    row_ids: list[int] | None = Field(None, description="rows to decide; null = all new "
                                                        "and changed rows")
    decision: str = Field("accept", description="accept or reject")
    override_reason: str = Field("", description="accept rows whose carer is full anyway, "
                                                 "for this reason (audited)")


def _runner(request: HttpRequest) -> User:
    if not grants_of(request.user, services.RUNNERS):
        raise HttpError(403, _("Your role does not run matching."))
    return cast(User, request.user)


def _run(user: User, run_id: int) -> MatchingRun:
    from django.http import Http404

    run = services.runs_visible_to(user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@router.post("/runs", response={202: MatchingRunOut})
def run_create(request: HttpRequest, payload: MatchingRunIn) -> Status:
    user = _runner(request)
    run = services.run_start(actor=user, scope_code=payload.scope_code,
                             params=payload.params, request=request, options={
                                 "rebalance": payload.rebalance,
                                 "must_serve": payload.must_serve})
    run_matching.enqueue(run.pk)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/runs/{run_id}", response=MatchingRunOut)
def run_read(request: HttpRequest, run_id: int) -> MatchingRun:
    return _run(_runner(request), run_id)


@router.get("/runs/{run_id}/proposal", response=list[RowOut])
@paginate(CursorPagination, ordering=("id",), page_size=500)
def run_proposal(request: HttpRequest, run_id: int, filters: Query[RowFilters]) -> Any:
    user = _runner(request)
    if not grants_of(user, PERSONAL_DATA_ROLES):
        raise HttpError(403, _("Your role sees the figures, not the people."))
    run = _run(user, run_id)
    rows = ProposalRow.objects.filter(run=run)
    if filters.kind in RowKind.values:
        rows = rows.filter(kind=filters.kind)
    audit.record(AuditAction.VIEW, request=request, obj=run, area_code=run.scope_code,
                 detail={"via": "api", "kind": filters.kind})
    return rows


@router.post("/runs/{run_id}/decisions", response=dict[str, int])
def run_decide(request: HttpRequest, run_id: int, payload: MatchingDecideIn) -> dict[str, int]:
    user = _runner(request)
    if not grants_of(user, services.ACCEPTERS):
        raise HttpError(403, _("Your role cannot accept proposals."))
    run = _run(user, run_id)
    if payload.decision == "reject":
        return {"rejected": services.rows_reject(actor=user, run=run, row_ids=payload.row_ids,
                                                 request=request)}
    if payload.decision != "accept":
        raise ValidationError({"decision": _("Choose accept or reject.")})
    return services.rows_accept(actor=user, run=run, row_ids=payload.row_ids, request=request,
                                override_reason=payload.override_reason.strip())
