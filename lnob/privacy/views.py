"""Pages of the provincial office for data subjects' requests (PDPA)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import requires_roles
from lnob.core.forms import int_or_none
from lnob.core.models import AuditAction, User
from lnob.core.thaidates import ThaiDateError, parse_date
from lnob.privacy import services
from lnob.privacy.access import HANDLERS, request_for, requests_visible_to
from lnob.privacy.models import RequestKind, RequestStatus
from lnob.registry.access import person_for


@requires_roles(*HANDLERS)
def request_list(request: HttpRequest) -> HttpResponse:
    shown = request.GET.get("status") or RequestStatus.OPEN
    found = requests_visible_to(request.user).filter(status=shown).select_related("person")
    audit.record(AuditAction.VIEW, request=request, object_type="privacy.request_list",
                 detail={"requests": [r.pk for r in found[:200]]})
    return render(request, "privacy/request_list.html", {
        "requests": found[:200], "status": shown, "statuses": RequestStatus.choices})


@requires_roles(*HANDLERS)
def request_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    # The subject: a person (?person=<id>), or the giver of an offer (?offer=<id>).
    offer_id = int_or_none(request.GET.get("offer"))
    person, offer = None, None
    if offer_id is not None:
        from lnob.giving.access import offer_for

        offer = offer_for(user, offer_id)
    else:
        person = person_for(user, int_or_none(request.GET.get("person")) or 0)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            received = parse_date(request.POST.get("received_on", "")).value
        except ThaiDateError as err:
            errors = {"received_on": [str(err)]}
        else:
            try:
                found = services.request_record(
                    actor=user, person=person, kind=request.POST.get("kind", ""),
                    received_on=received, requester=request.POST.get("requester", ""),
                    note=request.POST.get("note", ""),
                    legal_hold=request.POST.get("legal_hold") == "1", request=request,
                    giver_phone=offer.giver_phone if offer else "")
            except ValidationError as err:
                errors = err.message_dict
            else:
                return redirect("privacy_request", pk=found.pk)
    return render(request, "privacy/request_new.html", {
        "person": person, "offer": offer, "kinds": RequestKind.choices, "errors": errors,
        "form": request.POST, "today": timezone.localdate()}, status=400 if errors else 200)


@requires_roles(*HANDLERS)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = request_for(request.user, pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.request_close(actor=cast(User, request.user), found=found,
                                   status=request.POST.get("status", ""),
                                   outcome=request.POST.get("outcome", ""), request=request)
        except ValidationError as err:
            errors = err.message_dict
        else:
            return redirect("privacy_request", pk=found.pk)
    audit.record(AuditAction.VIEW, request=request, obj=found, area_code=found.area_code)
    return render(request, "privacy/request_detail.html", {
        "req": found, "errors": errors, "kinds": RequestKind, "form": request.POST},
        status=400 if errors else 200)


@requires_roles(*HANDLERS)
@require_POST
def request_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The access file (ZIP: PDF and JSON) of the request's person."""
    found = request_for(request.user, pk)
    if found.person is None:
        data = services.giver_access_file(actor=cast(User, request.user),
                                          giver_phone=found.giver_phone, request=request)
        name = f"lnob-giver-request-{found.pk}-access.zip"
    else:
        data = services.access_file(actor=cast(User, request.user), person=found.person,
                                    request=request)
        name = f"lnob-person-{found.person_id}-access.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
