"""Duplicates over the API: check a person before saving them, start and follow a
search, read the review queue, decide a pair (merge, not the same person, later),
undo a merge — the same rules as the pages (docs/dedup.md)."""

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.api.persons import PersonIn
from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User
from lnob.core.roles import REPORTER_ROLES
from lnob.dedup import selectors
from lnob.dedup.hints import (
    OUTSIDE_AREA_MESSAGE,
    audit_detail,
    check_counted,
    for_user,
    likely_duplicates,
    record_from_entry,
)
from lnob.dedup.merge import MERGERS, merge, merge_undo, pair_decide
from lnob.dedup.models import CandidatePair, DedupRun, Merge, PairStatus
from lnob.dedup.runs import run_start, runs_visible_to
from lnob.dedup.tasks import run_dedup
from lnob.registry.access import EDITORS

router = Router(tags=["duplicates"])


class EvidenceOut(Schema):
    comparison: str
    level: str
    outcome: str
    weight: float


class HintOut(Schema):
    person_id: int | None = Field(None, description="null when you may not open the record")
    outside_area: bool = Field(False, description=(
        "a possible match outside your areas: nothing more is said about it; once you "
        "register the person, the pair goes to the review queue of the officers who may "
        "see both"))
    message: str = ""
    probability: float | None = None
    decision: str | None = Field(None, description="merge (almost certainly the same "
                                                   "person) or review (possibly)")
    full_name: str = ""
    evidence: list[EvidenceOut] = []


class CheckIn(PersonIn):
    source: str = Field("officer", description="not used by the check")


class DedupRunIn(Schema):
    scope_code: str = Field("", description="2-digit province code; empty = whole country")


class DedupRunOut(Schema):
    id: int
    scope_code: str
    status: str
    progress: int
    phase: str
    figures: dict[str, Any]
    error: str


class PairOut(Schema):
    id: int
    left_id: int
    right_id: int
    probability: float
    match_weight: float
    suggestion: str
    thin: bool
    status: str
    evidence: dict[str, Any]


class PairFilters(Schema):
    status: str = Field("pending", description="pending, later, merged, distinct")


class PairDecideIn(Schema):
    decision: str = Field(..., description="keep_left, keep_right (merge), distinct, later, "
                                           "pending (reopen)")
    left_version: int | None = Field(None, description="versions you read: required to merge")
    right_version: int | None = None


class MergeOut(Schema):
    id: int
    kept_id: int
    merged_id: int
    undone: bool


def _user(request: HttpRequest, roles: Any, message: str) -> User:
    if not grants_of(request.user, roles):
        raise HttpError(403, message)
    return cast(User, request.user)


def _merger(request: HttpRequest) -> User:
    return _user(request, MERGERS, _("Your role does not merge records."))


@router.post("/check", response=list[HintOut])
def check(request: HttpRequest, payload: CheckIn) -> list[dict[str, Any]]:
    """Likely duplicates of a person you are about to register (nothing is saved)."""
    user = _user(request, set(EDITORS) | set(REPORTER_ROLES),
                 _("Your role does not register persons."))
    if not check_counted(user=user):
        raise HttpError(429, str(_("Too many checks in the last hour. Please wait.")))
    hints = likely_duplicates(record_from_entry(payload), user=user)
    audit.record(AuditAction.VIEW, request=request, object_type="dedup.check",
                 detail=audit_detail(hints))
    return [{"person_id": None, "outside_area": True, "message": str(OUTSIDE_AREA_MESSAGE)}
            if h.outside else
            {"person_id": h.person_id, "probability": h.match.probability,
             "decision": h.match.decision, "full_name": h.person.full_name if h.person else "",
             "evidence": [{"comparison": f.comparison, "level": f.level,
                           "outcome": f.outcome, "weight": round(f.weight, 3)}
                          for f in h.match.fields]} for h in for_user(hints, user=user)]


@router.post("/runs", response={202: DedupRunOut})
def run_create(request: HttpRequest, payload: DedupRunIn) -> Status:
    user = _merger(request)
    run = run_start(actor=user, scope_code=payload.scope_code, request=request)
    run_dedup.enqueue(run.pk)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/runs/{run_id}", response=DedupRunOut)
def run_read(request: HttpRequest, run_id: int) -> DedupRun:
    run = runs_visible_to(_merger(request)).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@router.get("/pairs", response=list[PairOut])
@paginate(CursorPagination, ordering=("id",), page_size=200)
def pairs(request: HttpRequest, filters: Query[PairFilters]) -> Any:
    user = _merger(request)
    status = filters.status if filters.status in PairStatus.values else PairStatus.PENDING
    found = selectors.pairs_for(user).filter(status=status)
    audit.record(AuditAction.VIEW, request=request, object_type="dedup.queue",
                 detail={"via": "api", "status": status})
    return found


def _pair(user: User, pair_id: int) -> CandidatePair:
    pair = selectors.pair_for(user, pair_id)
    if pair is None:
        raise Http404
    return pair


@router.post("/pairs/{pair_id}/decision", response={200: PairOut, 201: MergeOut})
def decide(request: HttpRequest, pair_id: int, payload: PairDecideIn) -> Any:
    user = _merger(request)
    pair = _pair(user, pair_id)
    if payload.decision in ("keep_left", "keep_right"):
        if payload.left_version is None or payload.right_version is None:
            raise ValidationError({"left_version": _(
                "Send left_version and right_version (the versions you read) to merge.")})
        left, right = pair.left, pair.right
        kept, merged = (left, right) if payload.decision == "keep_left" else (right, left)
        seen = (payload.left_version, payload.right_version)
        record = merge(actor=user, kept=kept, merged=merged, pair=pair, request=request,
                       expected_versions=seen if kept == left else (seen[1], seen[0]))
        return Status(201, {"id": record.pk, "kept_id": record.kept_id,
                            "merged_id": record.merged_id, "undone": False})
    pair_decide(actor=user, pair=pair, decision=payload.decision, request=request)
    pair.refresh_from_db()
    return pair


@router.post("/merges/{merge_id}/undo", response=MergeOut)
def undo(request: HttpRequest, merge_id: int) -> dict[str, Any]:
    user = _merger(request)
    record: Merge | None = selectors.merges_for(user).filter(pk=merge_id).first()
    if record is None:
        raise Http404
    merge_undo(actor=user, record=record, request=request)
    return {"id": record.pk, "kept_id": record.kept_id, "merged_id": record.merged_id,
            "undone": True}
