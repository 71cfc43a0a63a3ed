"""Writes to care capacity: networks, volunteers, funds and their money,
committees with their members and meetings — one module per domain, all
importable from here (``from lnob.networks import services``).

Each service takes a keyword-only ``actor=``, re-checks that the actor may
write there (the caller has already answered 404 or 403; a PermissionError
here means a caller forgot), validates everything at once — errors are
``ValidationError({field: message})`` in the user's language — runs in one
transaction and writes one audit row.
"""

from lnob.networks.services.committees import (
    CommitteeData,
    committee_create,
    committee_meeting_record,
    committee_member_add,
    committee_member_remove,
    committee_update,
)
from lnob.networks.services.funds import (
    FundData,
    fund_create,
    fund_transaction_record,
    fund_update,
)
from lnob.networks.services.networks import NetworkData, network_create, network_update
from lnob.networks.services.volunteers import VolunteerData, volunteer_create, volunteer_update

__all__ = [
    "CommitteeData",
    "FundData",
    "NetworkData",
    "VolunteerData",
    "committee_create",
    "committee_meeting_record",
    "committee_member_add",
    "committee_member_remove",
    "committee_update",
    "fund_create",
    "fund_transaction_record",
    "fund_update",
    "network_create",
    "network_update",
    "volunteer_create",
    "volunteer_update",
]
