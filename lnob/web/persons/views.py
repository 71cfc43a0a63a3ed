"""Pages for people in need: list, register, see, change."""

from __future__ import annotations

import contextlib
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lnob.cases.intake.services import person_register
from lnob.cases.workflow import OPEN_STATES
from lnob.core import audit
from lnob.core.access import area_codes, requires_roles
from lnob.core.forms import int_or_none
from lnob.core.idsfirst import IdsFirst
from lnob.core.models import AuditAction, User
from lnob.dedup.hints import hints_before_saving, queue_hidden_matches
from lnob.dedup.selectors import person_context as dedup_context
from lnob.dedup.selectors import waiting_pairs
from lnob.exports.responses import export_format
from lnob.registry import services
from lnob.registry.access import (
    AREA_READERS,
    EDITORS,
    ID_READERS,
    TAXONOMY_EDITORS,
    can_edit,
    can_see_citizen_id,
    person_for,
)
from lnob.registry.exports import export_persons
from lnob.registry.forms import PersonForm, initial_for, initial_for_household
from lnob.registry.history import history_of
from lnob.registry.models import (
    TITLES,
    ConsentPurpose,
    ConsentStatus,
    LawfulBasis,
    Person,
    Status,
)
from lnob.registry.selectors import (
    PersonFilters,
    area_from_text,
    area_label,
    area_options,
    person_list,
    taxonomy_for,
    unverified_ids_count,
)

READERS = (*AREA_READERS, *EDITORS)
PAGE_SIZE = 50


def _filters(request: HttpRequest) -> PersonFilters:
    g = request.GET
    return PersonFilters(q=g.get("q", "")[:100],
                         area=area_from_text(g.get("area", "")[:100],
                                             lambda: area_options(request.user)),
                         target_group=int_or_none(g.get("group")), need=int_or_none(g.get("need")),
                         min_severity=int_or_none(g.get("severity")), status=g.get("status", ""),
                         network=int_or_none(g.get("network")),
                         id_unverified=g.get("id") == "unverified")


@requires_roles(*READERS)
def person_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    persons_found: IdsFirst[Person] = IdsFirst(person_list(request.user, filters))
    page = Paginator(persons_found, PAGE_SIZE).get_page(
        request.GET.get("page"))
    persons = list(page.object_list)
    audit.record(AuditAction.VIEW, request=request, object_type="registry.person_list",
                 detail={"persons": [p.pk for p in persons], "q": filters.q,
                         "area": filters.area})
    provinces = sorted({c[:2] for c in area_codes(request.user, READERS) if c})
    groups, needs = taxonomy_for(provinces[0] if len(provinces) == 1 else "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/person_list.html", {
        "page": page, "persons": persons, "filters": filters, "groups": groups,
        "needs": needs, "statuses": Status.choices, "query": query.urlencode(),
        "can_add": bool(area_codes(request.user, EDITORS)),
        "duplicates_waiting": waiting_pairs(request.user),
        "unverified_ids": unverified_ids_count(request.user),
        # ~150 areas of a province: one string, not a template loop a page.
        "area_datalist": format_html_join(
            "", '<option value="{}"></option>',
            ((label,) for _code, label in area_options(request.user))),
        "area_text": area_label(filters.area, area_options(request.user))
        if filters.area != "-" else request.GET.get("area", "")[:100],
    })


@requires_roles(*READERS)
def person_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The whole filtered list as CSV or XLSX (audited; IDs masked unless the
    role may see them in the person's area)."""
    return export_persons(request, _filters(request), export_format(fmt))


@requires_roles(*EDITORS)
def person_new(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    initial = {}
    household_id = int_or_none(request.GET.get("household"))
    if household_id is not None:
        head = person_for(user, Person.objects.filter(household=household_id)
                          .values_list("pk", flat=True).first() or 0)
        if head.household is not None:
            initial = initial_for_household(head.household)
    form = PersonForm(request.POST or None, user=user, initial=initial)
    hints: list[Any] = []
    if request.method == "POST" and form.is_valid():
        # Likely duplicates are shown first; saving again after seeing them saves.
        hints = hints_before_saving(request, form.person_data())
        if not hints:
            try:
                person, _case = person_register(
                    actor=user, data=form.person_data(), consent=form.consent_data(),
                    request=request, open_case=not form.cleaned_data.get("no_case"))
            except ValidationError as err:
                form.add_service_errors(err)
            else:
                queue_hidden_matches(person, user=user)
                return redirect("person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "titles": TITLES,
                                                          "hints": hints},
                  status=400 if form.errors else 200)


@requires_roles(*READERS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request.user, pk)
    audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code)
    return _detail(request, person)


def _detail(request: HttpRequest, person: Person, *, show_id: bool = False,
            status: int = 200, consent_errors: dict[str, list[str]] | None = None
            ) -> HttpResponse:
    members = (Person.objects.filter(household=person.household_id).exclude(pk=person.pk)
               if person.household_id else Person.objects.none())
    consent = person.consents.first()
    purpose_labels = dict(ConsentPurpose.choices)
    return render(request, "registry/person_detail.html", {
        "person": person,
        "consent": consent,
        "open_case": person.cases.filter(status__in=OPEN_STATES).first(),
        "consent_purpose_labels": [str(purpose_labels.get(p, p))
                                   for p in (consent.purposes if consent else [])],
        "needs": person.needs.select_related("need").order_by("-severity"),
        "groups": person.target_groups.all(),
        "changes": history_of(person),
        "members": members,
        "show_id": show_id,
        "can_unmask": can_see_citizen_id(request.user, person),
        "can_edit": can_edit(request.user, person),
        "consent_statuses": ConsentStatus.choices, "consent_purposes": ConsentPurpose.choices,
        "lawful_bases": LawfulBasis.choices, "consent_errors": consent_errors or {},
        **dedup_context(request.user, person),
    }, status=status)


@requires_roles(*ID_READERS)
@require_POST
def person_citizen_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows the unmasked citizen ID once, and records that it was shown."""
    person = person_for(request.user, pk)
    if not can_see_citizen_id(request.user, person):
        return _detail(request, person, status=403)
    audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code,
                 detail={"field": "citizen_id", "unmasked": True})
    return _detail(request, person, show_id=True)


@requires_roles(*EDITORS)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    person = person_for(user, pk)
    if not can_edit(user, person):
        return _detail(request, person, status=403)
    if request.method != "POST":
        # The form shows the person's details: a view of personal data.
        audit.record(AuditAction.VIEW, request=request, obj=person, area_code=person.area_code,
                     detail={"form": "edit"})
    form = PersonForm(request.POST or None, user=user, person=person,
                      initial=initial_for(person))
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=user, person=person, data=form.person_data(),
                                   expected_version=form.cleaned_data["version"],
                                   request=request)
        except ValidationError as err:
            form.add_service_errors(err)
        except services.ConflictError:
            conflict = True
            form.add_error(None, _("Someone else changed this record after you opened it. "
                                   "Reload the page to see their changes, then make yours "
                                   "again."))
        else:
            return redirect("person_detail", pk=person.pk)
    return render(request, "registry/person_form.html", {
        "form": form, "person": person, "titles": TITLES, "conflict": conflict,
    }, status=409 if conflict else (400 if form.errors else 200))


@requires_roles(*EDITORS)
@require_POST
def person_consent(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    person = person_for(user, pk)
    if not can_edit(user, person):
        return _detail(request, person, status=403)
    data = services.ConsentData(status=request.POST.get("status", ""),
                                lawful_basis=request.POST.get("lawful_basis", ""),
                                purposes=request.POST.getlist("purposes"),
                                note=request.POST.get("note", ""))
    try:
        services.consent_record(actor=user, person=person, data=data, request=request)
    except ValidationError as err:
        return _detail(request, person, status=400, consent_errors=err.message_dict)
    return redirect("person_detail", pk=person.pk)


@requires_roles(*EDITORS)
@require_POST
def household_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    person = person_for(user, pk)
    if not can_edit(user, person):
        return _detail(request, person, status=403)
    with contextlib.suppress(ValidationError):  # already in one: the page shows it
        services.household_start(actor=user, head=person, request=request)
    return redirect("person_detail", pk=person.pk)


@requires_roles(*TAXONOMY_EDITORS)
def taxonomy(request: HttpRequest) -> HttpResponse:
    """A province's own target sub-groups and needs, under the national ones."""
    user = cast(User, request.user)
    provinces = sorted({c[:2] for c in area_codes(user, TAXONOMY_EDITORS) if c})
    province = request.GET.get("province") or (provinces[0] if provinces else "")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        province = request.POST.get("province", "")
        try:
            services.taxonomy_add(
                actor=user, kind=request.POST.get("kind", ""), province_code=province,
                code=request.POST.get("code", ""), name_th=request.POST.get("name_th", ""),
                name_en=request.POST.get("name_en", ""),
                parent_id=int_or_none(request.POST.get("parent")),
                criteria=request.POST.get("criteria", ""))
        except ValidationError as err:
            errors = err.message_dict
        except PermissionError:
            errors = {"province": [_("You do not edit this province's lists.")]}
        else:
            return redirect(f"{request.path}?province={province}")
    groups, needs = taxonomy_for(province)
    return render(request, "registry/taxonomy.html", {
        "province": province, "provinces": provinces, "groups": groups, "needs": needs,
        "national_groups": [g for g in groups if g.parent_id is None and not g.province_code],
        "errors": errors, "form": request.POST,
    }, status=400 if errors else 200)


