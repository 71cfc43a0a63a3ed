"""The doors of intake: the public report page and its status page (no
login), and the hotline's fast form."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lnob.cases.intake import door
from lnob.cases.intake import services as intake
from lnob.cases.intake.forms import HotlineReportForm, PublicReportForm, ReportForm, StatusForm
from lnob.core import audit
from lnob.core.access import public, requires_roles
from lnob.core.forms import add_service_errors, int_or_none
from lnob.core.models import AuditAction, User
from lnob.core.public import body_too_big
from lnob.dedup.hints import hints_before_saving, queue_hidden_matches
from lnob.registry.access import persons_visible_to

# The thanks page reads the new reference from this signed cookie (once).
REFERENCE_COOKIE, REFERENCE_SECONDS = "lnob_report_ref", 3600


def _file(request: HttpRequest, form: ReportForm, actor: User | None) -> Any:
    """The case, or None after putting the service's errors on the form."""
    try:
        return intake.report_file(actor=actor, report=form.report(), request=request)
    except ValidationError as err:
        add_service_errors(form, err, {"subdistrict": "place"})
    return None


@public
@never_cache
def public_report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if body_too_big(request):
            return render(request, "intake/public_error.html", {"message": _(
                "The report is too long. Shorten “what is wrong” and send it again.")},
                status=413)
        form = PublicReportForm(request.POST)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # The honeypot was filled: a bot. Answer as if received, keep nothing.
                return redirect("public_report_thanks")
            reference = None
            try:
                # Kept at once, filed by the worker a moment later (decision 0033).
                reference = door.receive_public(report=form.report(), request=request)
            except intake.TooManyReports:
                return render(request, "intake/public_error.html", {"message": _(
                    "Many reports came from your connection in the last hour. Please wait "
                    "an hour, or call the 1300 hotline.")}, status=429)
            except ValidationError as err:
                add_service_errors(form, err, {"subdistrict": "place"})
            if reference is not None:
                # The reference travels in a signed cookie, not the session: after
                # the report's commit nothing may touch the database (an outage
                # then would turn a saved report into an error page).
                response = redirect("public_report_thanks")
                response.set_signed_cookie(
                    REFERENCE_COOKIE, reference, salt=REFERENCE_COOKIE,
                    max_age=REFERENCE_SECONDS, httponly=True, samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE, path="/report/")
                return response
        status = 400
    else:
        form, status = PublicReportForm(), 200
    return render(request, "intake/public_report.html", {"form": form}, status=status)


@public
@never_cache
def public_report_thanks(request: HttpRequest) -> HttpResponse:
    reference = request.get_signed_cookie(REFERENCE_COOKIE, default="", salt=REFERENCE_COOKIE,
                                          max_age=REFERENCE_SECONDS)
    response = render(request, "intake/public_thanks.html", {"reference": reference})
    response.delete_cookie(REFERENCE_COOKIE, path="/report/", samesite="Lax")
    return response


@public
@never_cache
def public_status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.GET or None)
    stage, status = None, 200
    if form.is_valid():
        try:
            stage = intake.public_stage(form.cleaned_data["reference"], request=request)
        except intake.TooManyReports:
            return render(request, "intake/public_error.html", {"message": _(
                "Too many look-ups from your connection in the last hour. Please wait.")},
                status=429)
        if stage is None:
            form.add_error("reference", _("No report has this reference number. Check it "
                                          "and try again."))
            status = 404
    return render(request, "intake/public_status.html", {"form": form, "stage": stage},
                  status=status)


@requires_roles(*intake.REPORTER_ROLES)
def report_new(request: HttpRequest) -> HttpResponse:
    """The fast form of hotline operators, networks and volunteers."""
    user = cast(User, request.user)
    hints: list[Any] = []
    if request.method == "POST":
        form = HotlineReportForm(request.POST)
        status = 400
        same_as = int_or_none(request.POST.get("same_as"))
        if form.is_valid() and same_as is not None:
            # The reporter recognised a person already registered among the hints.
            person = persons_visible_to(user).filter(pk=same_as).first()
            if person is None:
                raise Http404
            added = intake.report_add_to(actor=user, person=person, report=form.report(),
                                         request=request)
            return redirect("report_filed", reference=added.reference)
        if form.is_valid():
            # Someone already registered is shown before a second record is made.
            hints = hints_before_saving(request, form.report())
            case = None
            if hints:
                status = 200
            else:
                try:
                    case = _file(request, form, user)
                except PermissionError:
                    form.add_error("place",
                                   _("This subdistrict is outside the areas you work in."))
            if case is not None:
                queue_hidden_matches(case.person, user=user)
                return redirect("report_filed", reference=case.reference)
    else:
        form, status = HotlineReportForm(), 200
    return render(request, "intake/report_new.html", {"form": form, "hints": hints,
                                                      "offer_same_as": True}, status=status)


@requires_roles(*intake.REPORTER_ROLES)
def report_filed(request: HttpRequest, reference: str) -> HttpResponse:
    """What was filed and where it went, for the reporter who filed it."""
    from django.http import Http404

    from lnob.cases.models import Case

    case = Case.objects.filter(reference=reference,
                               opened_by=cast(User, request.user)).prefetch_related(
        "routed_networks").select_related("subdistrict").first()
    if case is None:
        raise Http404
    audit.record(AuditAction.VIEW, request=request, obj=case, area_code=case.area_code)
    return render(request, "intake/report_filed.html", {"case": case})
