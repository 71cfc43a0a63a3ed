"""Reads of transfers: the inboxes of both sides, what the receiving side may
know of a case before it accepts, and the figures of an area."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Count, Q, QuerySet

from lnob.cases.models import Transfer, TransferStatus
from lnob.cases.transfers.access import receiving_q, sending_q, transfers_visible_to

_LISTED = ("case", "case__person", "from_subdistrict", "from_subdistrict__province",
           "to_subdistrict", "to_subdistrict__province", "to_network", "requested_by")


def transfers_to_accept(user: Any) -> QuerySet[Transfer]:
    """Pending transfers into the user's areas that the user did not ask for:
    the receiving side's inbox, oldest first."""
    return Transfer.objects.filter(receiving_q(user), status=TransferStatus.PENDING).exclude(
        requested_by=user).select_related(*_LISTED).order_by("requested_at", "id")


def transfers_outgoing(user: Any) -> QuerySet[Transfer]:
    """Pending transfers out of the user's areas, waiting for the other side."""
    return Transfer.objects.filter(sending_q(user), status=TransferStatus.PENDING).select_related(
        *_LISTED).order_by("requested_at", "id")


def transfers_answered(user: Any, *, limit: int = 20) -> list[Transfer]:
    """The latest answered transfers of either side, so that the sending side
    learns of a decline and why."""
    return list(transfers_visible_to(user).exclude(status=TransferStatus.PENDING).select_related(
        *_LISTED, "decided_by").order_by("-decided_at", "-id")[:limit])


@dataclass(frozen=True)
class CaseSummary:
    """What the receiving side needs to decide, and nothing more: no citizen
    ID, no address, no phone, no history."""

    name: str
    target_groups: list[str]
    needs: list[tuple[int, str]]  # (severity, need), most severe first
    urgent: bool
    next_visit_due: datetime.date | None


def case_summary(transfer: Transfer) -> CaseSummary:
    case = transfer.case
    person = case.person
    return CaseSummary(
        name=person.full_name,
        target_groups=[g.name for g in person.target_groups.all()],
        needs=[(pn.severity, pn.need.name) for pn in
               person.needs.select_related("need").order_by("-severity", "need__code")],
        urgent=case.urgent, next_visit_due=case.next_visit_due)


class TransferCounts(NamedTuple):
    transferred_out: int  # accepted transfers from inside the area to outside it
    transferred_in: int  # accepted transfers from outside the area into it
    within: int  # accepted transfers inside the area (between its parts or networks)


def _inside(side: str, code: str) -> Q:
    if len(code) == 2:  # an indexed equality for a province, the usual dashboard
        return Q(**{f"{side}_province_code": code})
    return Q(**{f"{side}_subdistrict__code__startswith": code})


def transfer_counts(area_code: str, *, since: datetime.datetime | None = None,
                    until: datetime.datetime | None = None) -> TransferCounts:
    """Accepted transfers of an area (a province, district or subdistrict
    code; "" for the whole country), optionally decided in [since, until).
    A case moving between two parts of the area is neither out nor in for
    it, but counts as within; nationally every transfer is within."""
    accepted = Transfer.objects.filter(status=TransferStatus.ACCEPTED)
    if since is not None:
        accepted = accepted.filter(decided_at__gte=since)
    if until is not None:
        accepted = accepted.filter(decided_at__lt=until)
    if not area_code:
        return TransferCounts(0, 0, accepted.count())
    from_in, to_in = _inside("from", area_code), _inside("to", area_code)
    counts = accepted.filter(from_in | to_in).aggregate(
        out=Count("pk", filter=from_in & ~to_in), into=Count("pk", filter=to_in & ~from_in),
        within=Count("pk", filter=from_in & to_in))
    return TransferCounts(counts["out"], counts["into"], counts["within"])
