"""Welfare pages: a person's benefits and referrals, the referral letter,
the counts per scheme and area, and the schemes."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from lnob.core import audit
from lnob.core.access import area_codes, covers, requires_roles, signed_in
from lnob.core.errors import NotFound
from lnob.core.forms import add_service_errors
from lnob.core.models import AuditAction, User
from lnob.core.roles import Role
from lnob.geo.selectors import area_by_code
from lnob.networks.forms import area_filter_choices
from lnob.welfare import selectors, services
from lnob.welfare.access import EDITORS, READERS, can_edit_schemes, in_area, welfare_person_for
from lnob.welfare.forms import (
    BenefitForm,
    EndBenefitForm,
    FactsForm,
    ReferralForm,
    ReferralStepForm,
)
from lnob.welfare.letter import letter_context, letter_file_name, letter_pdf
from lnob.welfare.models import Benefit, BenefitSource, Referral

COUNT_READERS = (*READERS, Role.NATIONAL_ANALYST, Role.COMMITTEE_MEMBER)


def _person_page(request: HttpRequest, pk: int, *, status: int = 200,
                 **forms: Any) -> HttpResponse:
    person = welfare_person_for(request.user, pk)
    welfare = selectors.person_welfare(person)
    facts = welfare.facts
    context = {
        "person": person, "welfare": welfare,
        "facts_form": forms.get("facts_form") or FactsForm(initial={
            "disability_registered": facts.disability_registered if facts else "",
            "income_band": facts.income_band if facts else ""}),
        "benefit_form": forms.get("benefit_form") or BenefitForm(),
        "referral_form": forms.get("referral_form") or ReferralForm(),
        "end_form": EndBenefitForm(initial={"until": timezone.localdate()}),
        "error": forms.get("error"),
    }
    return render(request, "welfare/person.html", context, status=status)


@requires_roles(*READERS)
def person_welfare(request: HttpRequest, pk: int) -> HttpResponse:
    person = welfare_person_for(request.user, pk)
    audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code,
                 detail={"page": "welfare"})
    return _person_page(request, pk)


@requires_roles(*EDITORS)
@require_POST
def facts_save(request: HttpRequest, pk: int) -> HttpResponse:
    person = welfare_person_for(request.user, pk)
    form = FactsForm(request.POST)
    if form.is_valid():
        try:
            services.facts_set(actor=cast(User, request.user), person=person,
                               request=request, **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("welfare_person", pk=pk)
    return _person_page(request, pk, status=400, facts_form=form)


@requires_roles(*EDITORS)
@require_POST
def benefit_save(request: HttpRequest, pk: int) -> HttpResponse:
    person = welfare_person_for(request.user, pk)
    form = BenefitForm(request.POST)
    if form.is_valid():
        try:
            services.benefit_record(actor=cast(User, request.user), person=person,
                                    source=BenefitSource.OFFICER, request=request,
                                    **form.cleaned_data)
        except ValidationError as err:
            add_service_errors(form, err)
        else:
            return redirect("welfare_person", pk=pk)
    return _person_page(request, pk, status=400, benefit_form=form)


def _benefit_for(user: Any, pk: int) -> Benefit:
    benefit = Benefit.objects.filter(pk=pk).select_related("person", "scheme").first()
    if benefit is None:
        raise NotFound
    welfare_person_for(user, benefit.person_id)
    return benefit


@requires_roles(*EDITORS)
@require_POST
def benefit_end(request: HttpRequest, pk: int) -> HttpResponse:
    benefit = _benefit_for(request.user, pk)
    form = EndBenefitForm(request.POST)
    if not form.is_valid():
        return _person_page(request, benefit.person_id, status=400,
                            error=" ".join(str(e) for es in form.errors.values() for e in es))
    try:
        services.benefit_end(actor=cast(User, request.user), benefit=benefit,
                             request=request, **form.cleaned_data)
    except ValidationError as err:
        return _person_page(request, benefit.person_id, status=400,
                            error=" ".join(err.messages))
    return redirect("welfare_person", pk=benefit.person_id)


@requires_roles(*EDITORS)
@require_POST
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = welfare_person_for(request.user, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        referral = services.referral_create(actor=cast(User, request.user), person=person,
                                            request=request, **form.cleaned_data)
        return redirect("welfare_referral_letter", pk=referral.pk)
    return _person_page(request, pk, status=400, referral_form=form)


def _referral_for(user: Any, pk: int) -> Referral:
    referral = Referral.objects.filter(in_area(user), pk=pk).select_related(
        "person", "scheme").first()
    if referral is None:
        raise NotFound
    return referral


@requires_roles(*EDITORS)
@require_POST
def referral_step(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_for(request.user, pk)
    form = ReferralStepForm(request.POST)
    if not form.is_valid():
        return _person_page(request, referral.person_id, status=400,
                            error=" ".join(str(e) for es in form.errors.values() for e in es))
    try:
        services.referral_step(actor=cast(User, request.user), referral=referral,
                               status=form.cleaned_data["status"],
                               reason=form.cleaned_data["reason"],
                               expected_version=form.cleaned_data["version"], request=request)
    except ValidationError as err:
        return _person_page(request, referral.person_id, status=400,
                            error=" ".join(err.messages))
    return redirect("welfare_person", pk=referral.person_id)


@requires_roles(*READERS)
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter to the provider, A4, Sarabun 16 pt, BE dates: printed from
    the browser (the print style sheet hides everything else)."""
    referral = _referral_for(request.user, pk)
    person = welfare_person_for(request.user, referral.person_id)
    audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code,
                 detail={"referral_letter": referral.pk})
    return render(request, "welfare/letter.html", letter_context(referral, person))


@requires_roles(*READERS)
def referral_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same letter as an A4 PDF in Sarabun (downloaded; it names the
    person, so it is audited as an export of personal data and never cached)."""
    referral = _referral_for(request.user, pk)
    person = welfare_person_for(request.user, referral.person_id)
    pdf = letter_pdf(referral, person)
    audit.record(AuditAction.EXPORT, request=request, obj=person, area_code=person.area_code,
                 detail={"referral_letter": referral.pk, "format": "pdf"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, letter_file_name(referral)) or ""
    patch_cache_control(response, private=True, no_store=True)
    return response


@requires_roles(*COUNT_READERS)
def counts_page(request: HttpRequest) -> HttpResponse:
    """Counts per scheme for an area the user holds (aggregates: no names)."""
    codes = area_codes(request.user, COUNT_READERS)
    area = request.GET.get("area", "").strip()[:6]
    if not area:
        area = "" if "" in codes else (codes[0] if codes else "")
    if area and (len(area) not in (2, 4, 6) or not area.isdigit()):
        raise Http404
    if not covers(request.user, area, COUNT_READERS):
        raise Http404
    place = area_by_code(area) if area else None
    return render(request, "welfare/counts.html", {
        "area": area, "place": place, "counts": selectors.counts(area),
        # The areas to choose from, by name (never a code to type).
        "areas": area_filter_choices(request.user, COUNT_READERS), "national": "" in codes,
        "to_refer": selectors.to_refer(request.user).count()
        if covers(request.user, area, READERS) else None,
    })


@requires_roles(*READERS)
def to_refer_list(request: HttpRequest) -> HttpResponse:
    """The eligible in the user's areas who receive nothing: referrals to make
    (the inbox section's "All")."""
    page = Paginator(selectors.to_refer(request.user), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit.record(AuditAction.VIEW, request=request, object_type="welfare.to_refer",
                 detail={"persons": sorted({r.person_id for r in rows})})
    return render(request, "welfare/to_refer.html", {"page": page, "rows": rows})


@signed_in
def scheme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "welfare/schemes.html", {
        "schemes": selectors.schemes(), "can_edit": can_edit_schemes(request.user)})
