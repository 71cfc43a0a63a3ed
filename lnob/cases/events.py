"""What every change of a case leaves behind: its history row, the person's
mirrored status, the areas-changed signal and the audit row. Shared by the case
services, care and transfers (which build on each other, so it lives apart)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lnob.cases.models import Case, CaseEvent
from lnob.core import audit
from lnob.core.errors import Conflict
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.registry.models import Person


class CaseChanged(Conflict):
    """Someone else changed the case after the actor read it: reload."""

    default_field = "version"
    default_message = _("This case changed since you read it; fetch it again and retry.")


def case_event_record(case: Case, actor: User | None, action: str, before: str, note: str = "",
                      request: Any = None, person_status: object = None,
                      **detail: Any) -> None:
    """Records one step of ``case`` from ``before``: the case's history, the
    person's mirrored status, the areas changed and the audit row — in the
    caller's transaction. Every module that moves a case calls this.
    ``person_status``: the person's status when the caller knows it (a person
    created in this transaction); not written again when it already mirrors."""
    if case.status != before and case.status != person_status:
        # The person's status mirrors their latest case: one source of truth.
        Person.objects.filter(pk=case.person_id).update(status=case.status)
    areas_changed.send(sender=Case, codes={case.area_code})
    CaseEvent.objects.create(case=case, actor=actor,
                             actor_label=actor.get_username() if actor else case.source,
                             action=action, from_status=before, to_status=case.status,
                             note=note, detail=detail)
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, actor=actor,
                 request=request, obj=case, area_code=case.area_code,
                 detail={"action": action, "from": before, "to": case.status, **detail})
