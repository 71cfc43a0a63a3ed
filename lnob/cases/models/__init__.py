"""The case app's tables: cases and their history, community forums, visits
and transfers. One module per part; everything is importable from here."""

from lnob.cases.models.case import (
    Case,
    CaseEvent,
    CaseStatus,
    CloseReason,
    UrgentReason,
    new_reference,
)
from lnob.cases.models.forum import AgendaItem, Forum, ForumAttendance, ForumDecision
from lnob.cases.models.received import ReceivedReport
from lnob.cases.models.transfer import Transfer, TransferStatus
from lnob.cases.models.visit import NeedChange, Visit, VisitFlag, VisitNeed

__all__ = [
    "AgendaItem", "Case", "CaseEvent", "CaseStatus", "CloseReason", "Forum",
    "ForumAttendance", "ForumDecision", "NeedChange", "ReceivedReport", "Transfer",
    "TransferStatus", "UrgentReason", "Visit", "VisitFlag", "VisitNeed", "new_reference",
]
