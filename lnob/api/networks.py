"""Care capacity over the API: networks, volunteers, funds and committees, with
the same scoping, validation and audit as the pages (lnob.networks.access,
selectors and services; shapes in lnob.networks.schemas). Lists are
cursor-paginated, oldest first."""

from collections.abc import Iterable
from typing import Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import CursorPagination, paginate

from lnob.core import audit
from lnob.core.access import grants_of
from lnob.core.models import AuditAction, User
from lnob.core.roles import Role
from lnob.networks import access, services
from lnob.networks.models import (
    Committee,
    Fund,
    FundTransaction,
    Network,
    Volunteer,
)
from lnob.networks.schemas import (
    CommitteeDetailOut,
    CommitteeIn,
    CommitteeMemberOut,
    CommitteeOut,
    CommitteePatch,
    CommitteeQuery,
    FundIn,
    FundOut,
    FundPatch,
    FundQuery,
    MeetingIn,
    MeetingOut,
    MemberIn,
    NetworkIn,
    NetworkOut,
    NetworkPatch,
    NetworkQuery,
    TransactionIn,
    TransactionOut,
    VolunteerIn,
    VolunteerOut,
    VolunteerPatch,
    VolunteerQuery,
)
from lnob.networks.selectors import (
    CommitteeFilters,
    FundFilters,
    NetworkFilters,
    VolunteerFilters,
    balance_history,
    committee_list,
    fund_list,
    network_list,
    volunteer_list,
)

router = Router(tags=["care capacity"])
PAGE = {"ordering": ("id",), "page_size": 50}


def _actor(request: HttpRequest, roles: Iterable[Role]) -> User:
    """Signed in (the API checked) and holding one of ``roles`` somewhere: 403
    otherwise, as on the pages; the area is checked per object (404)."""
    if not grants_of(request.user, roles):
        raise HttpError(403, _("Your role does not allow this."))
    return cast(User, request.user)


def _patched(data: Any, patch: Schema, nullable: Iterable[str] = ()) -> Any:
    """The current values with what the PATCH body gives. ``null`` clears the
    ``nullable`` fields (a lead network, a network) and leaves the others as they are."""
    for name, value in patch.dict(exclude_unset=True).items():
        if value is not None or name in nullable:
            setattr(data, name, value)
    return data


# --- networks ---------------------------------------------------------------------------

@router.get("/networks", response=list[NetworkOut])
@paginate(CursorPagination, **PAGE)
def networks(request: HttpRequest, filters: Query[NetworkQuery]) -> Any:
    """Networks in your areas (any role)."""
    _actor(request, access.READERS)
    return network_list(request.user, NetworkFilters(**filters.dict()))


@router.get("/networks/{id}", response=NetworkOut)
def network(request: HttpRequest, id: int) -> Network:
    _actor(request, access.READERS)
    return access.network_for(request.user, id)


@router.post("/networks", response={201: NetworkOut})
def network_create(request: HttpRequest, payload: NetworkIn) -> Status:
    """Provincial officers, network coordinators and administrators of the area."""
    actor = _actor(request, access.NETWORK_EDITORS)
    access.require_province(actor, payload.province_code, access.NETWORK_EDITORS)
    created = services.network_create(actor=actor, data=services.NetworkData(**payload.dict()),
                                      request=request)
    return Status(201, created)


@router.patch("/networks/{id}", response=NetworkOut)
def network_update(request: HttpRequest, id: int, payload: NetworkPatch) -> Network:
    actor = _actor(request, access.NETWORK_EDITORS)
    found = access.network_for(actor, id)
    if not access.can_change_network(actor, found):
        raise HttpError(403, _("Your role does not allow changing this network."))
    data = _patched(services.NetworkData.of(found), payload, nullable=["lead_network"])
    return services.network_update(actor=actor, network=found, data=data, request=request)


# --- volunteers -------------------------------------------------------------------------

class AuditedCursorPagination(CursorPagination):
    """Cursor pages of personal data: each page served writes who saw whom."""

    def paginate_queryset(self, queryset: Any, pagination: CursorPagination.Input,
                          request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        audit.record(AuditAction.VIEW, request=request, object_type="networks.volunteer_list",
                     detail={"via": "api", "volunteers": [v.pk for v in page["results"]]})
        return page


@router.get("/volunteers", response=list[VolunteerOut])
@paginate(AuditedCursorPagination, **PAGE)
def volunteers(request: HttpRequest, filters: Query[VolunteerQuery]) -> Any:
    """Volunteers in your areas: provincial officers, network coordinators and
    administrators only. Every page is audited."""
    _actor(request, access.VOLUNTEER_READERS)
    return volunteer_list(request.user, VolunteerFilters(**filters.dict()))


@router.get("/volunteers/{id}", response=VolunteerOut)
def volunteer(request: HttpRequest, id: int) -> Volunteer:
    _actor(request, access.VOLUNTEER_READERS)
    found = access.volunteer_for(request.user, id)
    audit.record(AuditAction.VIEW, request=request, obj=found, area_code=found.province_code,
                 detail={"via": "api"})
    return found


@router.post("/volunteers", response={201: VolunteerOut})
def volunteer_create(request: HttpRequest, payload: VolunteerIn) -> Status:
    actor = _actor(request, access.NETWORK_EDITORS)
    access.require_province(actor, payload.province_code, access.NETWORK_EDITORS)
    created = services.volunteer_create(actor=actor,
                                        data=services.VolunteerData(**payload.dict()),
                                        request=request)
    return Status(201, created)


@router.patch("/volunteers/{id}", response=VolunteerOut)
def volunteer_update(request: HttpRequest, id: int, payload: VolunteerPatch) -> Volunteer:
    actor = _actor(request, access.NETWORK_EDITORS)
    found = access.volunteer_for(actor, id)
    if not access.can_change_volunteer(actor, found):
        raise HttpError(403, _("Your role does not allow changing this volunteer."))
    data = _patched(services.VolunteerData.of(found), payload, nullable=["network"])
    return services.volunteer_update(actor=actor, volunteer=found, data=data, request=request)


# --- funds ------------------------------------------------------------------------------

@router.get("/funds", response=list[FundOut])
@paginate(CursorPagination, **PAGE)
def funds(request: HttpRequest, filters: Query[FundQuery]) -> Any:
    _actor(request, access.READERS)
    return fund_list(request.user, FundFilters(**filters.dict()))


@router.get("/funds/{id}", response=FundOut)
def fund(request: HttpRequest, id: int) -> Fund:
    _actor(request, access.READERS)
    return access.fund_for(request.user, id)


@router.post("/funds", response={201: FundOut})
def fund_create(request: HttpRequest, payload: FundIn) -> Status:
    """Provincial officers and administrators of the area."""
    actor = _actor(request, access.EDITORS)
    access.require_province(actor, payload.area_code[:2], access.EDITORS)
    created = services.fund_create(actor=actor, data=services.FundData(**payload.dict()),
                                   request=request)
    return Status(201, created)


def _fund_to_change(request: HttpRequest, id: int) -> tuple[User, Fund]:
    actor = _actor(request, access.EDITORS)
    found = access.fund_for(actor, id)
    if not access.can_change_fund(actor, found):
        raise HttpError(403, _("Your role does not allow changing this fund."))
    return actor, found


@router.patch("/funds/{id}", response=FundOut)
def fund_update(request: HttpRequest, id: int, payload: FundPatch) -> Fund:
    actor, found = _fund_to_change(request, id)
    data = _patched(services.FundData.of(found), payload, nullable=["network"])
    return services.fund_update(actor=actor, fund=found, data=data, request=request)


@router.get("/funds/{id}/transactions", response=list[TransactionOut])
def fund_transactions(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    """The fund's whole dated history, oldest first, with the balance after each."""
    _actor(request, access.READERS)
    found = access.fund_for(request.user, id)
    return [{"id": line.transaction.pk, "date": line.transaction.date,
             "kind": line.transaction.kind, "amount": line.transaction.amount,
             "note": line.transaction.note, "balance_after": line.balance}
            for line in balance_history(found)]


@router.post("/funds/{id}/transactions", response={201: TransactionOut})
def fund_transaction_create(request: HttpRequest, id: int, payload: TransactionIn) -> Status:
    """A contribution or a disbursement; a disbursement larger than the balance is 422."""
    actor, found = _fund_to_change(request, id)
    entry: FundTransaction = services.fund_transaction_record(
        actor=actor, fund=found, request=request, **payload.dict())
    found.refresh_from_db(fields=["balance"])
    return Status(201, {"id": entry.pk, "date": entry.date, "kind": entry.kind,
                        "amount": entry.amount, "note": entry.note,
                        "balance_after": found.balance})


# --- committees -------------------------------------------------------------------------

@router.get("/committees", response=list[CommitteeOut])
@paginate(CursorPagination, **PAGE)
def committees(request: HttpRequest, filters: Query[CommitteeQuery]) -> Any:
    _actor(request, access.READERS)
    return committee_list(request.user, CommitteeFilters(**filters.dict())).prefetch_related(
        "members")


@router.get("/committees/{id}", response=CommitteeDetailOut)
def committee(request: HttpRequest, id: int) -> Committee:
    _actor(request, access.READERS)
    return access.committee_for(request.user, id)


@router.post("/committees", response={201: CommitteeDetailOut})
def committee_create(request: HttpRequest, payload: CommitteeIn) -> Status:
    """Provincial officers and administrators of the area."""
    actor = _actor(request, access.EDITORS)
    access.require_province(actor, payload.area_code[:2], access.EDITORS)
    created = services.committee_create(actor=actor,
                                        data=services.CommitteeData(**payload.dict()),
                                        request=request)
    return Status(201, created)


def _committee_to_change(request: HttpRequest, id: int) -> tuple[User, Committee]:
    actor = _actor(request, access.EDITORS)
    found = access.committee_for(actor, id)
    if not access.can_change_committee(actor, found):
        raise HttpError(403, _("Your role does not allow changing this committee."))
    return actor, found


@router.patch("/committees/{id}", response=CommitteeDetailOut)
def committee_update(request: HttpRequest, id: int, payload: CommitteePatch) -> Committee:
    actor, found = _committee_to_change(request, id)
    data = _patched(services.CommitteeData.of(found), payload)
    return services.committee_update(actor=actor, committee=found, data=data, request=request)


@router.post("/committees/{id}/members", response={201: CommitteeMemberOut})
def committee_member_add(request: HttpRequest, id: int, payload: MemberIn) -> Status:
    """One chair, from civil society; a second chair is 422."""
    actor, found = _committee_to_change(request, id)
    member = services.committee_member_add(actor=actor, committee=found, request=request,
                                           **payload.dict())
    return Status(201, member)


@router.delete("/committees/{id}/members/{member_id}", response={204: None})
def committee_member_remove(request: HttpRequest, id: int, member_id: int) -> Status:
    actor, found = _committee_to_change(request, id)
    member = found.members.filter(pk=member_id).first()
    if member is None:
        raise Http404
    services.committee_member_remove(actor=actor, member=member, request=request)
    return Status(204, None)


@router.post("/committees/{id}/meetings", response={201: MeetingOut})
def committee_meeting_add(request: HttpRequest, id: int, payload: MeetingIn) -> Status:
    actor, found = _committee_to_change(request, id)
    meeting = services.committee_meeting_record(actor=actor, committee=found, request=request,
                                                **payload.dict())
    return Status(201, meeting)
