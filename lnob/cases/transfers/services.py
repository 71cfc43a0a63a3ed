"""Every change of a transfer goes through here: asking for it, accepting,
declining and cancelling. Each one checks the actor's side, changes the
transfer (and on acceptance the case and the person), appends to the case's
history and writes the audit log, in one transaction.

While a transfer waits, the case stays with the sending side. On
acceptance it moves whole: its history, its next visit date and its status
go with it; only the carer stays behind (the receiving side assigns its own)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.events import CaseChanged, case_event_record
from lnob.cases.models import Case, Transfer, TransferStatus
from lnob.cases.transfers.access import HANDLERS, is_receiving_side, is_sending_side
from lnob.core import audit
from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import AuditAction, User
from lnob.core.signals import areas_changed
from lnob.geo.models import Subdistrict
from lnob.registry.models import Household, Person, PersonChange

# A carer's statuses: the carer stays behind, so the case waits for the
# receiving side to assign one of its own.
_CARER_STATES = frozenset({wf.ASSIGNED, wf.IN_CARE})


@transaction.atomic
def transfer_request(*, actor: User, case: Case, to_subdistrict: str, to_network: int | None,
                     note: str, expected_version: int) -> Transfer:
    """Asks the side covering ``to_subdistrict`` (and ``to_network``, if
    given) to take the case. Raises PermissionError (not a handler of the
    case's area), CaseChanged (the case moved on since it was read) or
    ValidationError naming the field."""
    if not covers(actor, case.area_code, HANDLERS):
        raise NotAllowed("not_case_worker", _("Your role cannot take this step here."))
    if case.version != expected_version:
        raise CaseChanged  # checked again by the conditional UPDATE below
    errors: dict[str, str] = {}
    if case.status not in wf.OPEN_STATES:
        errors["case"] = _("Only an open case can be transferred.")
    elif Transfer.objects.filter(case=case, status=TransferStatus.PENDING).exists():
        errors["case"] = _("This case already has a transfer waiting for an answer.")
    code = (to_subdistrict or "").strip()
    destination = Subdistrict.objects.filter(code=code).first() if code else None
    if not code:
        errors["to_subdistrict"] = _("Choose the subdistrict the case goes to.")
    elif destination is None:
        errors["to_subdistrict"] = _("Unknown subdistrict code %(code)s.") % {"code": code}
    if to_network is not None:
        errors.update(_network_errors(to_network, destination))
    if destination is not None and destination.code == case.area_code:
        if to_network is None:
            errors["to_subdistrict"] = _(
                "The case is already in this subdistrict: choose another subdistrict, or a "
                "network to hand it to.")
        elif to_network == case.network_id:
            errors["to_network"] = _("The case is already with this network.")
    if not note.strip():
        errors["note"] = _("Say why the case is transferred.")
    if errors:
        raise ValidationError(errors)
    assert destination is not None  # noqa: S101 — errors above would have been raised
    if Case.objects.filter(pk=case.pk, version=expected_version).update(
            version=F("version") + 1) != 1:
        raise CaseChanged
    case.refresh_from_db()
    transfer = Transfer.objects.create(
        case=case, from_subdistrict_id=case.subdistrict_id, from_province_code=case.province_code,
        from_network_id=case.network_id, to_subdistrict=destination,
        to_province_code=destination.province_id, to_network_id=to_network, note=note.strip(),
        requested_by=actor)
    detail = _detail(transfer)
    case_event_record(case, actor, "transfer_request", case.status, note.strip(), **detail)
    # The receiving side's audit log shows what is coming to it.
    audit.record(AuditAction.CREATE, actor=actor, obj=transfer, area_code=destination.code,
                 detail=detail)
    return transfer


@transaction.atomic
def transfer_accept(*, actor: User, transfer: Transfer, note: str = "") -> Transfer:
    """The receiving side takes the case: it moves to the destination with
    its history and its next visit date; the person moves with it."""
    from lnob.networks.models import Network

    if not is_receiving_side(actor, transfer):
        raise NotAllowed("not_transfer_side", _(
            "Only the receiving side can answer this transfer, and only the sending side can "
            "cancel it."))
    _answer(actor, transfer, TransferStatus.ACCEPTED, note)  # undone by any error below
    # Lock the case: a step taken on it meanwhile waits for the move.
    case = Case.objects.select_for_update().get(pk=transfer.case_id)
    if case.status not in wf.OPEN_STATES:
        raise ValidationError({"transfer": _(
            "The case is no longer open; decline the transfer, or ask the sending side to "
            "cancel it.")})
    if transfer.to_network_id is not None and not Network.objects.filter(
            pk=transfer.to_network_id, active=True).exists():
        raise ValidationError({"to_network": _(
            "The network asked to take the case is no longer active; decline the transfer "
            "so that the sending side can ask again.")})
    destination = Subdistrict.objects.get(pk=transfer.to_subdistrict_id)
    before = case.status
    Case.objects.filter(pk=case.pk).update(
        subdistrict=destination, province_code=destination.province_id,
        district_code=destination.district_id, network_id=transfer.to_network_id,
        volunteer=None, status=wf.VERIFIED if before in _CARER_STATES else before,
        version=F("version") + 1)
    if destination.code != transfer.from_subdistrict_id:
        _move_person(actor, case.person_id, destination, transfer)
    case.refresh_from_db()
    detail = _detail(transfer)
    case_event_record(case, actor, "transfer_accept", before, note.strip(), **detail)
    # The sending subdistrict's figures change too (the event names the new one).
    areas_changed.send(sender=Transfer, codes={transfer.from_subdistrict_id})
    # The sending side's audit log shows where its case went.
    audit.record(AuditAction.UPDATE, actor=actor, obj=transfer,
                 area_code=str(transfer.from_subdistrict_id), detail={"status": "accepted"})
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_decline(*, actor: User, transfer: Transfer, note: str) -> Transfer:
    """The receiving side says no, and why; the case stays where it is."""
    if not is_receiving_side(actor, transfer):
        raise NotAllowed("not_transfer_side", _(
            "Only the receiving side can answer this transfer, and only the sending side can "
            "cancel it."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the transfer is declined.")})
    _answer(actor, transfer, TransferStatus.DECLINED, note)
    _history(actor, transfer, "transfer_decline", note)
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_cancel(*, actor: User, transfer: Transfer, note: str = "") -> Transfer:
    """The sending side takes its request back before it is answered."""
    if not is_sending_side(actor, transfer):
        raise NotAllowed("not_transfer_side", _(
            "Only the receiving side can answer this transfer, and only the sending side can "
            "cancel it."))
    _answer(actor, transfer, TransferStatus.CANCELLED, note)
    _history(actor, transfer, "transfer_cancel", note)
    transfer.refresh_from_db()
    return transfer


def _network_errors(network_id: int, destination: Subdistrict | None) -> dict[str, str]:
    from lnob.networks.models import Network

    network = Network.objects.filter(pk=network_id, active=True).first()
    if network is None or (destination is not None
                           and network.province_code != destination.province_id):
        return {"to_network": _("Choose an active network of the destination province.")}
    return {}


def _answer(actor: User, transfer: Transfer, status: TransferStatus, note: str) -> None:
    """Closes a pending transfer; a conditional UPDATE, so that of two
    answers given at once only the first counts."""
    now = timezone.now()
    if Transfer.objects.filter(pk=transfer.pk, status=TransferStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=now,
            decision_note=note.strip()) != 1:
        raise ValidationError({"transfer": _("This transfer has already been answered.")})


def _history(actor: User, transfer: Transfer, action: str, note: str) -> None:
    """An answer that leaves the case where it is still belongs in its
    history; like case_comment, it bumps the version so that others reload."""
    Case.objects.filter(pk=transfer.case_id).update(version=F("version") + 1)
    case = Case.objects.get(pk=transfer.case_id)
    case_event_record(case, actor, action, case.status, note.strip(), **_detail(transfer))
    # _event wrote the row of the case's area; this one is the receiving side's.
    audit.record(AuditAction.UPDATE, actor=actor, obj=transfer,
                 area_code=str(transfer.to_subdistrict_id), detail={"action": action})


def _detail(transfer: Transfer) -> dict[str, Any]:
    return {"transfer": transfer.pk, "from_subdistrict": str(transfer.from_subdistrict_id),
            "to_subdistrict": str(transfer.to_subdistrict_id),
            "to_network": transfer.to_network_id}


def _move_person(actor: User, person_id: int, destination: Subdistrict,
                 transfer: Transfer) -> None:
    """The person lives where the case now is. Written here rather than
    through registry.person_update, which (rightly) refuses an editor who
    does not cover the person's current area — the receiving side never
    does — and would re-validate the whole record. The village and the
    household belong to the old subdistrict, so they are cleared: the
    receiving side records the new ones when it first visits."""
    person = Person.objects.select_for_update().get(pk=person_id)
    changes = {"subdistrict": [str(person.subdistrict_id), destination.code]}
    if person.village_id is not None:
        changes["village"] = [str(person.village_id), ""]
    if person.household_id is not None:
        changes["household"] = [str(person.household_id), ""]
        # A head who moves away no longer heads the household left behind.
        Household.objects.filter(pk=person.household_id, head=person).update(head=None)
    Person.objects.filter(pk=person.pk).update(
        subdistrict=destination, province_code=destination.province_id,
        district_code=destination.district_id, village=None, household=None,
        version=F("version") + 1, updated_at=timezone.now())
    PersonChange.objects.create(person=person, actor=actor, actor_label=actor.get_username(),
                                action="transfer", changes=changes)
    audit.record(AuditAction.UPDATE, actor=actor, obj=person, area_code=destination.code,
                 detail={"action": "transfer", "transfer": transfer.pk, **changes})
