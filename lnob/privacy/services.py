"""Answering data subjects (PDPA ss. 30–36): record a request with its 30-day
clock, produce the access file, restrict, anonymise — each an audited step
that calls the owning apps' services."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.core import audit
from lnob.core.errors import NotFound
from lnob.core.models import AuditAction, User
from lnob.privacy.access import handles
from lnob.privacy.models import RequestKind, RequestStatus, SubjectRequest
from lnob.registry.models import Person


def giver_area(actor: User, giver_phone: str) -> str:
    """The area of a giver's request: that of their latest offer the actor
    handles (a giver has no home in LNOB but the places they offered help).
    NotFound when the actor handles none of their offers."""
    from lnob.giving.services import giver_offers

    for area in giver_offers(giver_phone).order_by("-created_at", "-id").values_list(
            "area_code", flat=True):
        if handles(actor, area):
            return str(area)
    raise NotFound


@transaction.atomic(durable=True)
def request_record(*, actor: User, person: Person | None, kind: str,
                   received_on: datetime.date, requester: str = "", note: str = "",
                   legal_hold: bool = False, request: Any = None,
                   giver_phone: str = "") -> SubjectRequest:
    """Records a request of a person, or of a giver (``person`` None and the
    phone their offers were made with); it appears in the provincial office's
    inbox until answered, overdue after 30 days."""
    if person is not None:
        if not handles(actor, person.area_code):
            raise NotFound
        area, giver_phone = person.area_code, ""
    else:
        giver_phone = giver_phone.strip()
        area = giver_area(actor, giver_phone)
    errors: dict[str, str] = {}
    if kind not in RequestKind.values:
        errors["kind"] = _("Choose what the person asks for.")
    if received_on > timezone.localdate():
        errors["received_on"] = _("The request cannot be received in the future.")
    if errors:
        raise ValidationError(errors)
    found = SubjectRequest.objects.create(
        person=person, giver_phone=giver_phone, kind=kind, received_on=received_on,
        due_on=SubjectRequest.due_from(received_on), requester=requester[:150],
        note=note[:4000], legal_hold=legal_hold, area_code=area, created_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, request=request, obj=found,
                 area_code=area, detail={"kind": kind, "person": person.pk if person else None,
                                         "giver": person is None})
    return found


@transaction.atomic(durable=True)
def request_close(*, actor: User, found: SubjectRequest, status: str, outcome: str,
                  request: Any = None) -> SubjectRequest:
    """Answers a request. Done for a restriction or objection restricts the
    person; done for an erasure anonymises them — refused while a legal hold
    applies. A refusal needs its reason."""
    from lnob.cases.services import cases_anonymise
    from lnob.learning.stories.services import story_people_forget
    from lnob.registry.services import person_anonymise, person_restrict

    if not handles(actor, found.area_code):
        raise NotFound
    if found.status != RequestStatus.OPEN:
        raise ValidationError({"status": _("This request is already answered.")})
    if status not in (RequestStatus.DONE, RequestStatus.REFUSED):
        raise ValidationError({"status": _("Choose done or refused.")})
    if status == RequestStatus.REFUSED and not outcome.strip():
        raise ValidationError({"outcome": _("Say why the request is refused.")})
    person = found.person
    if status == RequestStatus.DONE and person is None:
        # A giver: erasure forgets their contact details on every offer they
        # made; other requests are answered by the office (recorded here).
        if found.kind == RequestKind.ERASURE:
            from lnob.giving.services import giver_offers, givers_anonymise

            if found.legal_hold:
                raise ValidationError({"status": _(
                    "A legal hold applies: the data cannot be erased. Refuse the request "
                    "with the reason, or lift the hold first.")})
            givers_anonymise(actor=actor, offers=giver_offers(found.giver_phone),
                             request=request, why="erasure request")
            SubjectRequest.objects.filter(giver_phone=found.giver_phone).update(
                giver_phone="anon-erased")
    elif status == RequestStatus.DONE and person is not None:
        if found.kind == RequestKind.ERASURE:
            if found.legal_hold:
                raise ValidationError({"status": _(
                    "A legal hold applies: the data cannot be erased. Refuse the request "
                    "with the reason, or lift the hold first.")})
            cases_anonymise(actor=actor, person=person)
            story_people_forget(person_id=person.pk)
            person_anonymise(actor=actor, person=person, request=request)
        elif found.kind in (RequestKind.RESTRICTION, RequestKind.OBJECTION):
            person_restrict(actor=actor, person=person, restricted=True,
                            reason=found.get_kind_display(), request=request)
    SubjectRequest.objects.filter(pk=found.pk).update(
        status=status, outcome=outcome[:4000], closed_by=actor, closed_at=timezone.now())
    audit.record(AuditAction.UPDATE, actor=actor, request=request, obj=found,
                 area_code=found.area_code, detail={"status": status, "kind": found.kind})
    found.refresh_from_db()
    return found


def giver_access_file(*, actor: User, giver_phone: str, request: Any = None) -> bytes:
    """What LNOB holds about a giver, as one ZIP (``giver.json`` and
    ``giver.pdf``): their offers in the actor's areas with their contact
    details and status history, and who viewed those details; offers made in
    other areas are counted, for the office there to answer. Audited, and
    counted as a look at the giver's contact details."""
    from lnob.giving.access import offer_contact_viewed
    from lnob.privacy.dossier import dossier_pdf, giver_dossier

    area = giver_area(actor, giver_phone)
    data, offers = giver_dossier(actor, giver_phone)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("giver.json", json.dumps(data, ensure_ascii=False, indent=1,
                                                  default=str))
        archive.writestr("giver.pdf", dossier_pdf(data, giver=True))
    offer_contact_viewed(offers, request=request, actor=actor, how="access_file")
    audit.record(AuditAction.EXPORT, actor=actor, request=request,
                 object_type="privacy.giver_access_file", area_code=area,
                 detail={"offers": [o.pk for o in offers]})
    return out.getvalue()


def access_file(*, actor: User, person: Person, request: Any = None) -> bytes:
    """Everything held about the person, as one ZIP: ``person.json`` (every
    record, machine-readable) and ``person.pdf`` (the same to read, Thai, A4),
    including who viewed or exported their data (from the audit log). The
    export itself is audited."""
    from lnob.privacy.dossier import dossier, dossier_pdf

    if not handles(actor, person.area_code):
        raise NotFound
    data = dossier(person)
    pdf = dossier_pdf(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("person.json", json.dumps(data, ensure_ascii=False, indent=1,
                                                   default=str))
        archive.writestr("person.pdf", pdf)
    audit.record(AuditAction.EXPORT, actor=actor, request=request, obj=person,
                 area_code=person.area_code, detail={"access_file": True})
    return out.getvalue()
