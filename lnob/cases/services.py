"""Every change of a case goes through here: the step is checked against the
workflow table, the actor's role and area, and the version the actor saw; the
case, its history and the audit log change together or not at all."""

from __future__ import annotations

from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.access import roles_on
from lnob.cases.events import CaseChanged
from lnob.cases.events import case_event_record as _event
from lnob.cases.models import Case, CaseEvent
from lnob.core.access import covers, roles_in
from lnob.core.errors import NotAllowed
from lnob.core.models import User
from lnob.networks.models import Network, Volunteer
from lnob.registry.models import Person


def lead_networks_for(subdistrict_code: str) -> tuple[list[Any], bool]:
    """Who a new report goes to: the active lead networks covering the
    subdistrict (or one of its villages); failing those, any active network
    covering it. The flag is True when no network covers it at all — a hole."""
    covering = Network.objects.filter(
        Q(subdistricts=subdistrict_code) | Q(villages__subdistrict=subdistrict_code),
        active=True).distinct().order_by("-is_lead", "name")
    networks = list(covering)
    leads = [n for n in networks if n.is_lead]
    return (leads or networks), not networks


class OpenCaseExists(ValidationError):
    """The person already has an open case (``case`` is it): one person, one open case."""

    def __init__(self, case: Case | None) -> None:
        super().__init__({"person": _("This person already has an open case.")})
        self.case = case


def open_case_of(person_id: int) -> Case | None:
    return Case.objects.filter(person_id=person_id, status__in=wf.OPEN_STATES).first()


def lead_networks_of_many(codes: set[str]) -> dict[str, tuple[list[int], bool]]:
    """``lead_networks_for`` of many subdistricts in three queries: code → (network
    ids, hole)."""
    codes_list = sorted(codes)
    covering: dict[str, set[int]] = {c: set() for c in codes_list}
    by_sd = Network.subdistricts.through.objects.filter(
        subdistrict_id__in=codes_list, network__active=True).values_list(
        "subdistrict_id", "network_id")
    by_village = Network.villages.through.objects.filter(
        village__subdistrict_id__in=codes_list, network__active=True).values_list(
        "village__subdistrict_id", "network_id")
    for code, network in [*by_sd, *by_village]:
        covering[code].add(network)
    info = {pk: (is_lead, name) for pk, is_lead, name in Network.objects.filter(
        pk__in=set().union(*covering.values())).values_list("pk", "is_lead", "name")}
    routes = {}
    for code, ids in covering.items():
        ordered = sorted(ids, key=lambda pk: (not info[pk][0], info[pk][1]))
        leads = [pk for pk in ordered if info[pk][0]]
        routes[code] = (leads or ordered, not ordered)
    return routes


def case_create(*, actor: User | None, person: Person, request: Any = None, note: str = "",
                new_person: bool = False, **fields: Any) -> Case:
    """Opens the case (callers check who may) and routes it: the lead
    networks of the subdistrict, or a hole in coverage when none covers it.

    Raises OpenCaseExists (a ValidationError) when the person has an open case —
    also when another request opened one a moment ago: the database's unique
    constraint on open cases decides, so two doors never open two.
    ``new_person``: the person was created in this transaction (intake), so
    no case of theirs can exist yet and none is looked for."""
    existing = None if new_person else open_case_of(person.pk)
    if existing is not None:
        raise OpenCaseExists(existing)
    if fields.get("urgent_reasons"):
        fields["urgent"] = True
    networks, hole = lead_networks_for(person.area_code)
    # One transaction for the case, its routes, history and audit row: a
    # savepoint inside the caller's, which goes on after OpenCaseExists. A new
    # person's case has no race to lose: no savepoint (two round trips less).
    guard = transaction.atomic(savepoint=not new_person)
    try:
        with guard:
            case = Case.objects.create(person=person, subdistrict_id=person.subdistrict_id,
                                       province_code=person.province_code,
                                       district_code=person.district_code, opened_by=actor,
                                       coverage_hole=hole, **fields)
            if networks:  # a new case: nothing to compare with
                case.routed_networks.add(*networks)
            _event(case, actor, "open", "", note, request=request,
                   person_status=person.status if new_person else None,
                   routed_to=[n.pk for n in networks], coverage_hole=hole)
    except IntegrityError as err:
        if new_person:
            raise
        existing = open_case_of(person.pk)
        if existing is None:
            raise
        raise OpenCaseExists(existing) from err
    return case


@transaction.atomic(durable=True)
def case_open(*, actor: User, person: Person, urgent: bool = False, note: str = "") -> Case:
    """A new case for a person the actor may see, reported in their subdistrict."""
    if not roles_in(actor, person.area_code) & (wf.MANAGERS | {wf.VOLUNTEER}):
        raise NotAllowed("not_case_opener", _("Your role cannot open a case in this area."))
    source = "network" if roles_in(actor, person.area_code) - {wf.OFFICER, wf.ADMIN} \
        else "officer"
    return case_create(actor=actor, person=person, urgent=urgent, note=note, source=source,
                       summary=note)


@transaction.atomic
def case_step(*, actor: User, case: Case, action: str, expected_version: int, note: str = "",
              reason: str = "", duplicate_of: Case | None = None, network_id: int | None = None,
              volunteer_id: int | None = None, capacity_override: str | None = None) -> Case:
    """Takes one workflow step. Raises ValidationError (bad input, or a step
    the workflow refuses, with a message), PermissionError (outside the
    actor's area) or CaseChanged (the case moved on since it was read).

    An assignment to a carer with no place left is refused naming the carer,
    unless overridden with a reason: ``capacity_override`` (matching's accept,
    where the note is not the officer's), or, when that is None, the note the
    officer writes on the form. The override is kept in the history and audit."""
    if not covers(actor, case.area_code):
        raise NotAllowed("not_case_worker", _("Your role cannot take this step here."))
    if case.version != expected_version:
        raise CaseChanged  # checked again by the conditional UPDATE below
    try:
        step = wf.step(action, case.status, roles_on(actor, case))
    except wf.StepRefused as refused:
        raise ValidationError({"action": refused.message()}) from refused
    changes: dict[str, Any] = {"status": step.target}
    errors: dict[str, Any] = {}
    if "note" in step.needs and not note.strip():
        errors["note"] = _("Say why.")
    if "reason" in step.needs:
        if reason not in wf.CLOSE_REASONS:
            errors["reason"] = _("Choose the reason for closing.")
        changes.update(close_reason=reason, closed_at=timezone.now())
    if step.target != wf.CLOSED:
        changes.update(close_reason="", closed_at=None)
    if "duplicate_of" in step.needs:
        if duplicate_of is None or duplicate_of.pk == case.pk:
            errors["duplicate_of"] = _("Choose the other case this one repeats.")
        elif duplicate_of.duplicate_of_id == case.pk or duplicate_of.status == wf.DUPLICATE:
            errors["duplicate_of"] = _("That case is itself a duplicate: choose the case "
                                       "that is kept.")
        elif not covers(actor, duplicate_of.area_code):
            errors["duplicate_of"] = _("That case is outside the areas you work in.")
        else:
            changes["duplicate_of"] = duplicate_of
    full: list[str] = []
    override_reason = ""
    if action == "release":     # the case has no carer any more
        changes.update(network_id=None, volunteer_id=None)
    if "assignee" in step.needs:
        from lnob.cases.care import over_capacity  # care builds on this module

        if volunteer_id is not None and network_id is None:  # the volunteer's own network
            network_id = Volunteer.objects.filter(pk=volunteer_id).values_list(
                "network_id", flat=True).first()
        errors.update(_assignee_errors(case, network_id, volunteer_id))
        full = [] if errors else over_capacity(network_id, volunteer_id, case)
        override = note if capacity_override is None else capacity_override
        if full and not override.strip():
            if capacity_override is None:
                errors["note"] = _("%(names)s already care for as many people as they can. "
                                   "To assign anyway, say why in the note.") % {
                    "names": ", ".join(full)}
            else:
                # A code and its parameters: matching stores them, not the words.
                errors["capacity"] = ValidationError(_(
                    "Refused: %(names)s already care for as many people as they can. An "
                    "officer can assign anyway with a reason."), code="over_capacity",
                    params={"names": ", ".join(full)})
        if full:
            override_reason = override.strip()
        changes.update(network_id=network_id, volunteer_id=volunteer_id)
    if errors:
        raise ValidationError(errors)
    before = case.status
    try:
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
                **changes, version=F("version") + 1)
    except IntegrityError as err:  # reopening while the person has another open case
        raise ValidationError({"action": _(
            "The person already has another open case: continue that one, or close it "
            "first.")}) from err
    if updated != 1:
        raise CaseChanged
    case.refresh_from_db()
    _event(case, actor, action, before, note, reason=reason,
           duplicate_of=duplicate_of.pk if duplicate_of else None,
           network=network_id, volunteer=volunteer_id, over_capacity=full,
           **({"capacity_override": override_reason} if full else {}))
    return case


@transaction.atomic
def case_comment(*, actor: User, case: Case, note: str, action: str = "comment",
                 expected_version: int | None = None, **detail: Any) -> Case:
    """Adds to the case's history without changing its status (a forum asking
    for more information, a note). Bumps the version: others must reload."""
    if not covers(actor, case.area_code) or not roles_on(actor, case) & (
            wf.MANAGERS | {wf.VOLUNTEER}):
        raise NotAllowed("not_case_worker", _("Your role cannot take this step here."))
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    version = case.version if expected_version is None else expected_version
    if Case.objects.filter(pk=case.pk, version=version).update(
            version=F("version") + 1) != 1:
        raise CaseChanged
    case.refresh_from_db()
    _event(case, actor, action, case.status, note, **detail)
    return case


def _assignee_errors(case: Case, network_id: int | None,
                     volunteer_id: int | None) -> dict[str, str]:
    if network_id is None and volunteer_id is None:
        return {"assignee": _("Choose the network or the volunteer who will care.")}
    if network_id is not None and not Network.objects.filter(
            pk=network_id, province_code=case.province_code, active=True).exists():
        return {"network": _("Choose an active network of the case's province.")}
    if volunteer_id is not None and not Volunteer.objects.filter(
            pk=volunteer_id, province_code=case.province_code, active=True).exists():
        return {"volunteer": _("Choose an active volunteer of the case's province.")}
    if volunteer_id is not None and network_id is not None and not Volunteer.objects.filter(
            pk=volunteer_id, network_id=network_id).exists():
        return {"volunteer": _("The volunteer is not a member of the chosen network.")}
    return {}




@transaction.atomic
def cases_anonymise(*, actor: Any, person: Any) -> int:
    """Erasure of a person (lnob.privacy): the free text of their cases — what
    was reported and by whom, step notes, what was done at visits, transfer
    notes — is removed; steps, dates and statuses stay so the figures stay
    right. Returns how many cases were touched."""
    from lnob.cases.models import Transfer, Visit

    cases = Case.objects.filter(person=person)
    touched = cases.update(summary="", reporter_name="", reporter_phone="")
    CaseEvent.objects.filter(case__person=person).update(note="")
    Visit.objects.filter(case__person=person).update(done="—")
    Transfer.objects.filter(case__person=person).update(note="", decision_note="")
    return touched


def cases_open_bulk(*, actor: User | None, openings: list[tuple[Person | Any, str]],
                    source: str, note: str = "") -> list[int]:
    """Opens one case for each (person, status) at once, routed like a report — the
    bulk door of imports, inside the caller's transaction (whose one audit row counts
    them). Persons that already have an open case are left out; the database's
    unique constraint refuses a second open case opened meanwhile by another door.
    ``person`` needs pk, subdistrict_id, province_code and district_code."""
    from lnob.cases.models.case import new_reference
    from lnob.core.bulk import TableWriter, reserve_ids

    wanted = [(p, s) for p, s in openings if s in wf.OPEN_STATES]
    if not wanted:
        return []
    have: set[int] = set()
    for start in range(0, len(wanted), 900):
        chunk = [p.pk for p, _s in wanted[start:start + 900]]
        have.update(Case.objects.filter(person_id__in=chunk, status__in=wf.OPEN_STATES)
                    .values_list("person_id", flat=True))
    wanted = [(p, s) for p, s in wanted if p.pk not in have]
    routes = lead_networks_of_many({p.subdistrict_id for p, _s in wanted})
    now = timezone.now()
    ids = reserve_ids(Case, len(wanted))
    label = actor.get_username() if actor else source
    author = actor.pk if actor else None
    cases = TableWriter(Case, [
        "id", "person", "subdistrict", "province_code", "district_code", "status", "urgent",
        "urgent_reasons", "reference", "source", "summary", "reporter_name", "reporter_phone",
        "coverage_hole", "close_reason", "opened_by", "opened_at", "version"])
    cases.write([(pk, p.pk, p.subdistrict_id, p.province_code, p.district_code, status,
                  False, [], new_reference(), source, note, "", "",
                  routes[p.subdistrict_id][1], "", author, now, 1)
                 for pk, (p, status) in zip(ids, wanted, strict=True)])
    TableWriter(Case.routed_networks.through, ["case", "network"]).write(
        [(pk, n) for pk, (p, _s) in zip(ids, wanted, strict=True)
         for n in routes[p.subdistrict_id][0]])
    TableWriter(CaseEvent, ["case", "at", "actor", "actor_label", "action", "from_status",
                            "to_status", "note", "detail"]).write(
        [(pk, now, author, label, "open", "", status, note,
          {"routed_to": routes[p.subdistrict_id][0], "coverage_hole":
           routes[p.subdistrict_id][1], "via": source})
         for pk, (p, status) in zip(ids, wanted, strict=True)])
    return ids


def cases_report_again_bulk(*, actor: User | None, events: list[tuple[int, str, dict[str, Any]]],
                            source: str) -> int:
    """A "reported again" event on each open case (case id, note, detail): a person
    seen again by an import. Bumps the versions: anyone with the case open reloads."""
    from lnob.core.bulk import TableWriter

    if not events:
        return 0
    status = dict(Case.objects.filter(pk__in=[e[0] for e in events]).values_list(
        "pk", "status"))
    for start in range(0, len(events), 900):
        Case.objects.filter(pk__in=[e[0] for e in events[start:start + 900]]).update(
            version=F("version") + 1)
    now = timezone.now()
    TableWriter(CaseEvent, ["case", "at", "actor", "actor_label", "action", "from_status",
                            "to_status", "note", "detail"]).write(
        [(pk, now, actor.pk if actor else None, actor.get_username() if actor else source,
          "report_again", status[pk], status[pk], note, {**detail, "via": source})
         for pk, note, detail in events])
    return len(events)


# ------------------------------------------------------------ merging two records

class ClosedCase(TypedDict):
    case: int
    status: str  # its status before the merge closed it
    duplicate_of: int | None


class CasesMoved(TypedDict, total=False):
    """What :func:`cases_reassign` did: the cases moved, and those it closed."""

    cases: list[int]
    closed_cases: list[ClosedCase]


@transaction.atomic
def cases_reassign(*, actor: User, kept: Person, merged: Person,
                   request: Any = None) -> CasesMoved:
    """Moves the cases of the record ``merged`` to the record ``kept`` (two
    records of one person merged; ``dedup.merge`` checked who may). One person
    has one open case: when both records have one, the merged record's open
    case first takes the workflow's ``merge`` step — a duplicate of the kept
    record's open case, from any open step, in care too — and then moves."""
    moved = list(Case.objects.filter(person=merged).values_list("pk", flat=True))
    closed: list[ClosedCase] = []
    open_kept = Case.objects.filter(person=kept, status__in=wf.OPEN_STATES).exclude(
        pk__in=moved).order_by("opened_at", "pk").first()
    if open_kept is not None:
        for case in Case.objects.filter(pk__in=moved, status__in=wf.OPEN_STATES):
            step = wf.step("merge", case.status, roles_in(actor, case.area_code),
                           by_hand=False)
            before = case.status
            closed.append({"case": case.pk, "status": before,
                           "duplicate_of": case.duplicate_of_id})
            Case.objects.filter(pk=case.pk).update(status=step.target, duplicate_of=open_kept,
                                                   version=F("version") + 1)
            case.refresh_from_db()
            _event(case, actor, "merge", before, request=request, duplicate_of=open_kept.pk)
    Case.objects.filter(pk__in=moved).update(person=kept)
    return {"cases": moved, "closed_cases": closed}


@transaction.atomic
def cases_reassign_undo(*, actor: User, kept: Person, merged: Person, moved: CasesMoved,
                        request: Any = None) -> None:
    """Undoes :func:`cases_reassign`: the cases go back first, then their open
    status (never two open cases of one person, even inside the transaction).
    A case someone moved on since the merge is left as it is."""
    Case.objects.filter(pk__in=moved.get("cases", []), person=kept).update(person=merged)
    for entry in moved.get("closed_cases", []):
        case = Case.objects.filter(pk=entry["case"], status=wf.DUPLICATE).first()
        if case is None:
            continue
        Case.objects.filter(pk=case.pk).update(status=entry["status"],
                                               duplicate_of_id=entry["duplicate_of"],
                                               version=F("version") + 1)
        case.refresh_from_db()
        _event(case, actor, "unmerge", wf.DUPLICATE, request=request)
