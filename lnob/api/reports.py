"""Intake over the API: the 1300 hotline's system or a mobile app files
reports with a token; the public may file one and check its stage without."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from lnob.cases.intake import door
from lnob.cases.intake import services as intake
from lnob.cases.models import Case
from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User
from lnob.core.roles import REPORTER_ROLES
from lnob.dedup.hints import queue_hidden_matches
from lnob.web.inbox import inbox_for

router = Router(tags=["intake"])


class PublicReportIn(Schema):
    first_name: str = Field(..., max_length=intake.MAX_NAME,
                            description="a name, or how people call the person")
    last_name: str = Field("", max_length=intake.MAX_NAME)
    subdistrict_code: str = Field(..., min_length=6, max_length=6)
    village_number: int | None = Field(None, ge=1, le=99)
    address_text: str = Field("", max_length=intake.MAX_PLACE)
    summary: str = Field(..., max_length=intake.MAX_SUMMARY, description="what is wrong")
    urgent_reasons: list[str] = Field([], description="violence, alone_bedridden, "
                                                      "child_at_risk, other")
    reporter_name: str = Field("", max_length=intake.MAX_CONTACT)
    reporter_phone: str = Field("", max_length=20)


class FiledReportIn(PublicReportIn):
    citizen_id: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    client_key: uuid.UUID | None = Field(
        None, description="a UUID the client makes once per report (idempotency key): "
                          "sending it again answers the same case (200), never a second "
                          "person")


class FiledReportOut(Schema):
    id: int
    reference: str
    status: str
    urgent: bool
    coverage_hole: bool
    routed_network_ids: list[int]


class PublicReportOut(Schema):
    reference: str


class StageOut(Schema):
    reference: str
    stage: str = Field(..., description="received, verified, in_care, closed, known, reviewed")


def _report(payload: PublicReportIn) -> intake.Report:
    return intake.Report(**payload.dict(exclude={"client_key"}))


@router.post("", response={200: FiledReportOut, 201: FiledReportOut})
def report_create(request: HttpRequest, payload: FiledReportIn) -> Status:
    if not grants_of(request.user, REPORTER_ROLES):
        raise HttpError(403, _("Your role does not file reports."))
    actor = cast(User, request.user)
    created = True
    if payload.client_key is None:
        case = intake.report_file(actor=actor, report=_report(payload), request=request)
    else:
        case, created = intake.report_sync(actor=actor, report=_report(payload),
                                           client_key=payload.client_key, request=request)
    if created:
        queue_hidden_matches(case.person, user=request.user)
    return Status(201 if created else 200, {
        "id": case.pk, "reference": case.reference, "status": case.status,
        "urgent": case.urgent, "coverage_hole": case.coverage_hole,
        "routed_network_ids": [n.pk for n in case.routed_networks.all()]})


@router.post("/public", response={201: PublicReportOut}, auth=None)
def public_report_create(request: HttpRequest, payload: PublicReportIn) -> Status:
    """Anyone, no token: answers only the reference number."""
    reference = door.receive_public(report=_report(payload), request=request)
    return Status(201, {"reference": reference})


@router.get("/public/{reference}", response=StageOut, auth=None)
def public_report_stage(request: HttpRequest, reference: str) -> dict[str, str]:
    stage = intake.public_stage(reference, request=request)
    if stage is None:
        raise HttpError(404, _("No report has this reference number."))
    return {"reference": reference, "stage": stage}


class InboxRowOut(Schema):
    id: int
    label: str
    urgent: bool = False


class InboxSectionOut(Schema):
    key: str
    title: str
    count: int
    rows: list[InboxRowOut]


inbox_router = Router(tags=["intake"])


@inbox_router.get("", response=list[InboxSectionOut])
def inbox(request: HttpRequest) -> list[dict[str, Any]]:
    """What needs the user's action now, as on the home page (case ids, or
    transfer ids in the ``transfers`` section)."""
    sections = inbox_for(request.user)
    audit.record(AuditAction.VIEW, request=request, object_type="cases.inbox",
                 detail={"via": "api", **{s.key: [r.pk for r in s.rows] for s in sections}})
    return [{"key": s.key, "title": str(s.title), "count": s.count, "rows": [
        {"id": r.pk, "urgent": getattr(r, "urgent", False),
         "label": (r.person.full_name if isinstance(r, Case) else
                   str(r.inbox_label) if hasattr(r, "inbox_label") else
                   r.case.person.full_name)}
        for r in s.rows]} for s in sections]
