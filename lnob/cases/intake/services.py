"""Intake: a report of someone in need becomes a person and a case, routed
to the lead networks of the subdistrict (or flagged as a hole in coverage).

Three doors, one service: the public page (no login), the hotline operators'
fast form, and networks and volunteers reporting people they find. The same
checks apply to all; only who may use each door differs."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lnob.cases import workflow as wf
from lnob.cases.models import Case, CaseEvent, ReceivedReport, UrgentReason
from lnob.cases.services import OpenCaseExists, case_comment, case_create
from lnob.core import audit, followups, ratelimit
from lnob.core.access import roles_in
from lnob.core.clientip import rate_key
from lnob.core.errors import Conflict, NotAllowed, NotFound, Refused
from lnob.core.models import AuditAction, User
from lnob.core.roles import REPORTER_ROLES, Role
from lnob.geo.selectors import subdistrict_by_code
from lnob.geo.services import MAX_VILLAGE_NUMBER
from lnob.registry.models import NoCitizenIdReason, Source
from lnob.registry.names import name_key
from lnob.registry.services import ConsentData, PersonData, person_create

log = logging.getLogger(__name__)
# Limits that keep one report small: what a person can say on a phone.
MAX_NAME, MAX_PLACE, MAX_SUMMARY, MAX_CONTACT = 100, 255, 2000, 150
# The public page: reports per IP address in a sliding hour.
PUBLIC_REPORTS_PER_HOUR = 5
PUBLIC_AUDIT_TYPE = "cases.public_report"


@dataclass
class Report:
    """What any door gives: who, where, what is wrong, how urgent, who called."""

    first_name: str
    subdistrict_code: str
    summary: str
    last_name: str = ""
    village_number: int | None = None
    address_text: str = ""
    urgent_reasons: list[str] = field(default_factory=list)
    reporter_name: str = ""
    reporter_phone: str = ""
    citizen_id: str = ""
    phone: str = ""


class TooManyReports(Refused):
    """A public limit per address (reports, status look-ups) was reached."""

    status = 429
    default_code = "too_many"
    default_message = gettext_lazy("Too many requests from your address in the last hour.")


def _source_for(actor: User | None, code: str) -> str:
    if actor is None:
        return Source.PUBLIC
    roles = roles_in(actor, code)
    if Role.HOTLINE_OPERATOR in roles:
        return Source.HOTLINE
    if roles & {Role.NETWORK_COORDINATOR, Role.VOLUNTEER}:
        return Source.NETWORK
    return Source.OFFICER


def check(report: Report) -> dict[str, str]:
    errors: dict[str, str] = {}
    limits = {"first_name": MAX_NAME, "last_name": MAX_NAME, "address_text": MAX_PLACE,
              "summary": MAX_SUMMARY, "reporter_name": MAX_CONTACT}
    for name, limit in limits.items():
        if len(getattr(report, name)) > limit:
            errors[name] = _("Too long: at most %(limit)s characters.") % {"limit": limit}
    if not report.first_name.strip():
        errors["first_name"] = _("Say who needs help: a name, or how people call them.")
    if not report.summary.strip():
        errors["summary"] = _("Say what is wrong.")
    if not report.subdistrict_code:
        errors["subdistrict"] = _("Choose the subdistrict where the person is.")
    unknown = set(report.urgent_reasons) - set(UrgentReason.values)
    if unknown:
        errors["urgent_reasons"] = _("Choose the urgent reasons from the list.")
    if report.subdistrict_code and "subdistrict" not in errors and \
            subdistrict_by_code(report.subdistrict_code) is None:
        errors["subdistrict"] = _("Unknown subdistrict code %(code)s.") % {
            "code": report.subdistrict_code}
    if report.village_number is not None and \
            not 1 <= report.village_number <= MAX_VILLAGE_NUMBER:
        errors["village_number"] = _("Village number must be between 1 and %(max)d.") % {
            "max": MAX_VILLAGE_NUMBER}
    phone = report.reporter_phone.replace("-", "").replace(" ", "")
    if phone and not (phone.isdigit() and 9 <= len(phone) <= 10):
        errors["reporter_phone"] = _("A phone number has 9 or 10 digits.")
    return errors


PUBLIC_REPORTS = ratelimit.Limit("public_report", PUBLIC_REPORTS_PER_HOUR, 3600)


def public_reports_left(ip: str | None) -> int:
    """How many more reports this client may send in the coming hour."""
    return ratelimit.remaining(PUBLIC_REPORTS, rate_key(ip))


def report_file(*, actor: User | None, report: Report, request: Any = None,
                client_key: uuid.UUID | None = None, reference: str = "") -> Case:
    """Files a report: a new person and a case, routed. ``actor`` None is a
    public report, which the door has checked and counted
    (``lnob.cases.intake.door``: the worker files it under the ``reference``
    the reporter was given). Raises ValidationError naming the field (nothing
    written) or NotAllowed (the actor may not report in this area).
    ``client_key``: the phone's key for a report kept offline (``report_sync``).

    A public report leaves its heavy follow-ups (the duplicate index and the
    coverage roll-ups, ``lnob.core.followups``) for later: they are noted in
    its transaction and done in the worker's next round. Once the transaction
    has committed the case is returned whatever happens next: a failure after
    the commit (a callback, the database going away) is logged, never shown to
    the reporter as an error, so that everyone whose report was saved gets its
    reference number."""
    with saved_whatever_follows() as saved:
        if actor is None:
            with followups.deferred(), audit.batched():
                case = _file(actor, report, request, client_key, reference)
        else:
            case = _file(actor, report, request, client_key, reference)
        saved["report"] = case.reference
    return case


@contextlib.contextmanager
def saved_whatever_follows() -> Iterator[dict[str, str]]:
    """A report's transaction, after whose commit nothing may turn it into an
    error: a failure after the commit (a commit callback, the database going
    away) is logged, and the caller answers with what was saved, so that
    everyone whose report was saved gets its reference number. The caller
    names what it saved in the mapping it is given (for the log)."""
    committed: list[bool] = []
    saved = {"report": "?"}
    try:
        with transaction.atomic():
            # The first callback of the transaction: whatever runs after it,
            # the report is known to be saved.
            transaction.on_commit(lambda: committed.append(True))
            yield saved
    except Exception:
        if not committed:
            raise
        log.exception("Report %s was saved; a step after its commit failed", saved["report"])


def _file(actor: User | None, report: Report, request: Any,
          client_key: uuid.UUID | None, reference: str) -> Case:
    errors = check(report)
    code = report.subdistrict_code
    if "subdistrict" not in errors and actor is not None and \
            not roles_in(actor, code) & REPORTER_ROLES:
        raise NotAllowed("not_reporter", _("This subdistrict is outside the areas you work in."),
                         field="subdistrict")
    if errors:
        raise ValidationError(errors)
    source = _source_for(actor, code)
    data = PersonData(
        first_name=report.first_name.strip(), last_name=report.last_name.strip(),
        subdistrict_code=code, source=source, village_number=report.village_number,
        address_text=report.address_text.strip(), citizen_id=report.citizen_id,
        no_citizen_id_reason="" if report.citizen_id else NoCitizenIdReason.UNKNOWN,
        phone=report.phone, source_note=_("Reported by %(source)s") % {
            "source": Source(source).label})
    # Looked for before the person is written (whose own case cannot match
    # yet): a repeat's person is created with the status its case gives it.
    repeat = repeat_of(report) if actor is None else None
    try:
        person = person_create(actor=actor, data=data, request=request, intake=True,
                               status=wf.DUPLICATE if repeat is not None else None)
    except ValidationError as err:
        # The person's fields have the report's names, except "village".
        raise ValidationError({("village_number" if k == "village" else k): v
                               for k, v in err.message_dict.items()}) from err
    extra: dict[str, Any] = {}
    if repeat is not None:
        # The same public report again: it joins the open case (the coordinator sees
        # it there); its own case is a duplicate of that one, never on an agenda.
        extra = {"status": wf.DUPLICATE, "duplicate_of": repeat}
    case = case_create(
        actor=actor, person=person, request=request, source=source, new_person=True,
        summary=report.summary.strip(), urgent_reasons=sorted(set(report.urgent_reasons)),
        reporter_name=report.reporter_name.strip(), reporter_phone=report.reporter_phone.strip(),
        client_key=client_key, **({"reference": reference} if reference else {}), **extra)
    if repeat is not None:
        _reported_again(repeat, actor, report, source, request=request, repeat_case=case)
    if actor is None:
        audit.record(AuditAction.CREATE, request=request, object_type=PUBLIC_AUDIT_TYPE,
                     object_id=str(case.pk), area_code=code)
    return case


def report_replay(*, actor: User, client_key: uuid.UUID) -> Case | None:
    """The case already filed under the phone's key, or None; a key another
    user filed under is a conflict (never their case)."""
    found = Case.objects.filter(client_key=client_key).first()
    if found is None:
        return None
    if found.opened_by_id != actor.pk:
        raise Conflict("key_used", _("This key was already used for another report: "
                                     "nothing was filed. Send the report again."),
                       field="client_key")
    return found


def report_sync(*, actor: User, report: Report, client_key: uuid.UUID,
                request: Any = None) -> tuple[Case, bool]:
    """A report the phone kept offline, sent once or many times, files one
    person and one case. Answers the case and whether this call filed it."""
    found = report_replay(actor=actor, client_key=client_key)
    if found is not None:
        return found, False
    try:
        return report_file(actor=actor, report=report, request=request,
                           client_key=client_key), True
    except IntegrityError:
        found = report_replay(actor=actor, client_key=client_key)
        if found is None:
            raise
        return found, False


def repeat_of(report: Report) -> Case | None:
    """An open case this report likely repeats: a person of the same name (first and
    last, as the search key folds them) in the same subdistrict — and the same
    village when both say one — whose case is open."""
    key = name_key(report.first_name, report.last_name)
    if not key.strip():
        return None
    code = report.subdistrict_code
    # The person's province with the name: the (province, name) index finds
    # the few of that name, instead of joining every open case of the
    # subdistrict to the persons (slow at scale, and with a prepared
    # statement's generic plan).
    cases = Case.objects.filter(status__in=wf.OPEN_STATES, subdistrict_id=code,
                                person__province_code=code[:2], person__name_key=key,
                                ).exclude(person__status=wf.DUPLICATE)
    if report.village_number:
        cases = cases.filter(Q(person__village=None) | Q(
            person__village__number=report.village_number))
    return cases.order_by("opened_at", "pk").first()


def _reported_again(case: Case, actor: User | None, report: Report, source: str, *,
                    request: Any = None, repeat_case: Case | None = None) -> None:
    """A "reported again" event on the open case, with what the report says."""
    reporter = ", ".join(p for p in (report.reporter_name.strip(),
                                     report.reporter_phone.strip()) if p)
    note = report.summary.strip() + (f" ({reporter})" if reporter else "")
    # One statement moves the version on and reads what the event needs (the
    # row as it is now, under its lock), instead of an UPDATE and a SELECT.
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1 WHERE id = %s "  # noqa: S608 — the table's name from the model
                       "RETURNING status, urgent, version", [case.pk])
        case.status, urgent, case.version = cursor.fetchone()
        case.urgent = bool(urgent)
    CaseEvent.objects.create(case=case, actor=actor,
                             actor_label=actor.get_username() if actor else source,
                             action="report_again", from_status=case.status,
                             to_status=case.status, note=note,
                             detail={"source": source, "repeat_case": repeat_case.pk
                                     if repeat_case else None,
                                     "urgent_reasons": sorted(set(report.urgent_reasons))})
    if report.urgent_reasons and not case.urgent:
        Case.objects.filter(pk=case.pk).update(
            urgent=True, urgent_reasons=sorted(set(report.urgent_reasons)))


@transaction.atomic
def report_add_to(*, actor: User, person: Any, report: Report, request: Any = None) -> Case:
    """Files a report about someone already registered (the reporter recognised them
    among the likely duplicates): a note on their open case, or a new case for them.
    No second record of the person is made. PermissionError outside the actor's areas."""
    if not roles_in(actor, person.area_code) & REPORTER_ROLES:
        raise NotFound
    errors = {k: v for k, v in check(report).items() if k == "summary"}
    if errors:
        raise ValidationError(errors)
    source = _source_for(actor, person.area_code)
    reporter = ", ".join(p for p in (report.reporter_name.strip(),
                                     report.reporter_phone.strip()) if p)
    note = report.summary.strip() + (f" ({reporter})" if reporter else "")
    open_case = Case.objects.filter(person=person, status__in=wf.OPEN_STATES).first()
    if open_case is None:
        try:
            return case_create(
                actor=actor, person=person, request=request, source=source,
                summary=report.summary.strip(), urgent_reasons=sorted(set(report.urgent_reasons)),
                reporter_name=report.reporter_name.strip(),
                reporter_phone=report.reporter_phone.strip())
        except OpenCaseExists as exists:  # another door opened it a moment ago
            open_case = exists.case
            if open_case is None:
                raise
    return case_comment(actor=actor, case=open_case, note=note, action="report_again",
                        source=source, urgent_reasons=sorted(set(report.urgent_reasons)))


@transaction.atomic
def person_register(*, actor: User, data: PersonData, consent: ConsentData | None = None,
                    request: Any = None, open_case: bool = True) -> tuple[Any, Case | None]:
    """Registers a person (the registry form, the API) and — unless the user says
    otherwise — opens their case at the first step, routed like a report (the lead
    networks of the subdistrict, or flagged as a hole), so that everyone registered
    appears in the inboxes, the next forum's agenda and matching."""
    person = person_create(actor=actor, data=data, consent=consent, request=request)
    if not open_case:
        return person, None
    source = data.source if data.source in Source.values else Source.OFFICER
    return person, case_create(actor=actor, person=person, request=request, source=source)


# What the public status page may say: the stage, never anything personal.
PUBLIC_STAGES = {
    wf.REPORTED: "received",
    wf.VERIFIED: "verified",
    wf.ASSIGNED: "in_care",
    wf.IN_CARE: "in_care",
    wf.CLOSED: "closed",
    wf.REJECTED: "reviewed",
    wf.DUPLICATE: "known",
}


STATUS_LOOKUPS_PER_HOUR = 30
STATUS_AUDIT_TYPE = "cases.public_status"


STATUS_LOOKUPS = ratelimit.Limit("public_status", STATUS_LOOKUPS_PER_HOUR, 3600)


def public_stage(reference: str, *, request: Any = None) -> str | None:
    """The stage of the case with this reference number, or None. Each
    look-up is audited and counted: TooManyReports past the hourly limit."""
    if not ratelimit.hit(STATUS_LOOKUPS, rate_key(audit.client_ip(request))):
        raise TooManyReports
    ref = reference.strip().upper().replace(" ", "")
    if len(ref) == 10:
        ref = f"{ref[:5]}-{ref[5:]}"
    found = Case.objects.filter(reference=ref).values_list("status", "duplicate_of__status",
                                                          "source").first()
    status = found[0] if found else None
    if found and status == wf.DUPLICATE and found[1] and found[2] == Source.PUBLIC:
        # A public report found to repeat an open case: the reporter sees where the
        # care of the person stands, never that their report was joined to another.
        status = found[1]
    stage = PUBLIC_STAGES.get(status) if status else None
    if found is None and ReceivedReport.objects.filter(reference=ref).exists():
        stage = "received"  # kept at the door, not filed yet (lnob.cases.intake.door)
    audit.record(AuditAction.VIEW, request=request, object_type=STATUS_AUDIT_TYPE,
                 detail={"found": stage is not None})
    return stage
