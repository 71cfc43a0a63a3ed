"""Transfers over the API: the same rules, scoping and audit as the pages.
Lists carry no personal data; a pending transfer's detail carries the short
summary the receiving side needs to decide (audited)."""

import datetime
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.cases.access import case_for
from lnob.cases.models import Transfer, TransferStatus
from lnob.cases.transfers.access import (
    HANDLERS,
    is_receiving_side,
    is_sending_side,
    receiving_q,
    sending_q,
    transfer_for,
    transfers_visible_to,
)
from lnob.cases.transfers.selectors import case_summary
from lnob.cases.transfers.services import (
    transfer_accept,
    transfer_cancel,
    transfer_decline,
    transfer_request,
)
from lnob.core import audit
from lnob.core.access import covers, grants_of
from lnob.core.models import AuditAction, User
from lnob.core.schema_types import IsoDate

router = Router(tags=["transfers"])


class TransferOut(Schema):
    id: int
    case_id: int
    status: str = Field(..., description=", ".join(TransferStatus.values))
    from_subdistrict_code: str = Field(..., alias="from_subdistrict_id")
    from_province_code: str
    from_network_id: int | None
    to_subdistrict_code: str = Field(..., alias="to_subdistrict_id")
    to_province_code: str
    to_network_id: int | None
    note: str
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class SummaryOut(Schema):
    name: str
    target_groups: list[str]
    needs: list[tuple[int, str]] = Field(..., description="(severity 1–4, need), most severe "
                                                          "first")
    urgent: bool
    next_visit_due: IsoDate | None


class TransferDetailOut(TransferOut):
    case_summary: SummaryOut | None = Field(
        None, description="while pending: what the receiving side needs to decide")
    can_answer: bool = Field(..., description="you are on the receiving side and may accept "
                                              "or decline")
    can_cancel: bool = Field(..., description="you are on the sending side and may cancel")


class TransferIn(Schema):
    case_id: int
    to_subdistrict: str = Field(..., description="6-digit DOPA code of the destination",
                                max_length=6)
    to_network_id: int | None = Field(None, description="an active network of the "
                                                        "destination province")
    note: str = Field(..., description="why the case is transferred", max_length=2000)
    version: int = Field(..., description="the case version you read; a newer one → 409")


class AnswerIn(Schema):
    note: str = Field("", description="required to decline", max_length=2000)


class TransferFilters(Schema):
    direction: str = Field("", description="incoming (into your areas), outgoing (out of "
                                           "them), or empty for both")
    status: str = Field("pending", description="pending, accepted, declined, cancelled, or "
                                               "all")


def _handler(request: HttpRequest) -> User:
    if not grants_of(request.user, HANDLERS):
        raise HttpError(403, _("Your role does not transfer cases."))
    return cast(User, request.user)


def _detail(request: HttpRequest, user: User, transfer: Transfer) -> Transfer:
    pending = transfer.status == TransferStatus.PENDING
    summary = None
    if pending:
        summary = case_summary(transfer)
        audit.record(AuditAction.VIEW, request=request, obj=transfer.case.person,
                     area_code=transfer.case.area_code,
                     detail={"via": "api", "transfer": transfer.pk, "case": transfer.case_id})
    found: Any = transfer
    found.case_summary = summary
    found.can_answer = pending and is_receiving_side(user, transfer)
    found.can_cancel = pending and is_sending_side(user, transfer)
    return transfer


@router.get("", response=list[TransferOut])
@paginate(CursorPagination, ordering=("-id",), page_size=50)
def transfers(request: HttpRequest, filters: Query[TransferFilters]) -> Any:
    user = _handler(request)
    qs = {"incoming": Transfer.objects.filter(receiving_q(user)),
          "outgoing": Transfer.objects.filter(sending_q(user))}.get(
        filters.direction, transfers_visible_to(user))
    if filters.status != "all":
        qs = qs.filter(status=filters.status)
    return qs


@router.get("/{transfer_id}", response=TransferDetailOut)
def transfer(request: HttpRequest, transfer_id: int) -> Transfer:
    user = _handler(request)
    return _detail(request, user, transfer_for(user, transfer_id))


@router.post("", response={201: TransferDetailOut, 409: dict})
def transfer_create(request: HttpRequest, payload: TransferIn) -> Any:
    user = _handler(request)
    case = case_for(user, payload.case_id)
    if not covers(user, case.area_code, HANDLERS):
        raise Http404  # e.g. the case's volunteer: not a handler of its area
    created = transfer_request(actor=user, case=case, to_subdistrict=payload.to_subdistrict,
                               to_network=payload.to_network_id, note=payload.note,
                               expected_version=payload.version)
    return Status(201, _detail(request, user, transfer_for(user, created.pk)))


def _answer(request: HttpRequest, transfer_id: int, payload: AnswerIn, service: Any) -> Any:
    user = _handler(request)
    found = transfer_for(user, transfer_id)
    service(actor=user, transfer=found, note=payload.note)
    return _detail(request, user, transfer_for(user, transfer_id))


@router.post("/{transfer_id}/accept", response=TransferDetailOut)
def transfer_accept_api(request: HttpRequest, transfer_id: int, payload: AnswerIn) -> Any:
    return _answer(request, transfer_id, payload, transfer_accept)


@router.post("/{transfer_id}/decline", response=TransferDetailOut)
def transfer_decline_api(request: HttpRequest, transfer_id: int, payload: AnswerIn) -> Any:
    return _answer(request, transfer_id, payload, transfer_decline)


@router.post("/{transfer_id}/cancel", response=TransferDetailOut)
def transfer_cancel_api(request: HttpRequest, transfer_id: int, payload: AnswerIn) -> Any:
    return _answer(request, transfer_id, payload, transfer_cancel)
