"""Who sees and answers which transfers. A transfer has two sides: the
sending side covers the case's subdistrict when it was asked for, the
receiving side covers the subdistrict the case goes to. Both see the
transfer; only the receiving side answers it, only the sending side cancels
it. Used by the pages, the API and the services alike."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lnob.cases.models import Transfer
from lnob.core.access import area_q, covers
from lnob.core.roles import allowed

# The roles that hand cases over and take them in (the case managers of the
# workflow); volunteers, analysts and committee members do not.
HANDLERS = allowed("transfers.handle")


def sending_q(user: Any) -> Q:
    return area_q(user, "from_subdistrict__code", HANDLERS)


def receiving_q(user: Any) -> Q:
    return area_q(user, "to_subdistrict__code", HANDLERS)


def transfers_visible_to(user: Any) -> QuerySet[Transfer]:
    return Transfer.objects.filter(sending_q(user) | receiving_q(user))


def transfer_for(user: Any, transfer_id: int) -> Transfer:
    """The transfer if the user is on one of its sides; 404 otherwise."""
    found = transfers_visible_to(user).filter(pk=transfer_id).select_related(
        "case", "case__person", "from_subdistrict", "from_subdistrict__province",
        "to_subdistrict", "to_subdistrict__district", "to_subdistrict__province",
        "from_network", "to_network", "requested_by", "decided_by").first()
    if found is None:
        raise Http404
    return found


def is_sending_side(user: Any, transfer: Transfer) -> bool:
    return covers(user, str(transfer.from_subdistrict_id), HANDLERS)


def is_receiving_side(user: Any, transfer: Transfer) -> bool:
    """Covers the destination, and is not the one who asked: a hand-over
    needs someone on the other side to agree, even when one officer covers
    both (a hand-over between networks of one subdistrict)."""
    return (covers(user, str(transfer.to_subdistrict_id), HANDLERS)
            and transfer.requested_by_id != user.pk)
