"""Care after verification: who can take a case (coverage, remaining
capacity, needs served) and the visits that follow it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.access import roles_on
from lnob.cases.events import CaseChanged, case_event_record
from lnob.cases.models import Case, NeedChange, Visit, VisitNeed
from lnob.core.access import covers
from lnob.core.errors import NotAllowed
from lnob.core.models import User
from lnob.networks.models import Network, Volunteer

# A carer's load: the open cases assigned to them.
CARING = (wf.ASSIGNED, wf.IN_CARE)


def volunteers_with_load() -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(active=True).annotate(
        load=Count("cases", filter=Q(cases__status__in=CARING), distinct=True),
        remaining=F("capacity") - Count("cases", filter=Q(cases__status__in=CARING),
                                        distinct=True))


def networks_with_load() -> QuerySet[Network]:
    return Network.objects.filter(active=True).annotate(
        load=Count("cases", filter=Q(cases__status__in=CARING), distinct=True),
        remaining=F("capacity") - Count("cases", filter=Q(cases__status__in=CARING),
                                        distinct=True))


@dataclass
class Carers:
    """Who may take a case: those covering its subdistrict (or one of its
    villages), and — only when searched for by name — volunteers elsewhere in
    the province who still have a place. A province has thousands of
    volunteers (6,667 in the issue-21 province): the page never lists them all.
    """

    volunteers: list[Volunteer]
    networks: list[Network]
    other_volunteers: list[Volunteer]
    other_networks: list[Network]
    search: str = ""


# At most this many volunteers found by a search, and covering volunteers shown.
SEARCH_LIMIT = 20
COVERING_LIMIT = 100


def carers_for(case: Case, search: str = "") -> Carers:
    code = case.area_code
    vol_cover = set(Volunteer.subdistricts.through.objects.filter(
        subdistrict_id=code).values_list("volunteer_id", flat=True)) | set(
        Volunteer.villages.through.objects.filter(village__subdistrict_id=code)
        .values_list("volunteer_id", flat=True))
    net_cover = set(Network.subdistricts.through.objects.filter(
        subdistrict_id=code).values_list("network_id", flat=True)) | set(
        Network.villages.through.objects.filter(village__subdistrict_id=code)
        .values_list("network_id", flat=True))
    in_province = volunteers_with_load().filter(province_code=case.province_code)
    vols = list(in_province.filter(pk__in=vol_cover).select_related("network")
                .prefetch_related("needs").order_by("-remaining", "pk")[:COVERING_LIMIT])
    others: list[Volunteer] = []
    search = " ".join(search.split())[:100]
    if search:
        words = Q()
        for word in search.split():
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        others = list(in_province.filter(words, remaining__gt=0)  # type: ignore[misc]
                      .exclude(pk__in=vol_cover)
                      .select_related("network").order_by("-remaining", "pk")[:SEARCH_LIMIT])
    nets = list(networks_with_load().filter(province_code=case.province_code)
                .prefetch_related("needs").order_by("-remaining", "pk"))
    return Carers(vols, [n for n in nets if n.pk in net_cover], others,
                  [n for n in nets if n.pk not in net_cover], search)


def over_capacity(network_id: int | None, volunteer_id: int | None,
                  case: Case | None = None) -> list[str]:
    """Names of the chosen carers who have no place left for ``case``.

    Called inside the assigning transaction: the carers' rows are locked first
    (volunteer, then network: always that order), so that two assignments to
    the last place cannot both see it free — the second waits, then counts the
    first. The case itself does not count against its own carer. A network that
    recorded no capacity (0) is limited only by its volunteers when a volunteer
    is chosen (as in matching); chosen alone, it has no place."""
    full = []
    others = Case.objects.filter(status__in=CARING)
    if case is not None and case.pk is not None:
        others = others.exclude(pk=case.pk)
    if volunteer_id is not None:
        vol = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
        if vol is not None and others.filter(volunteer_id=vol.pk).count() >= vol.capacity:
            full.append(str(vol))
    if network_id is not None:
        net = Network.objects.select_for_update().filter(pk=network_id).first()
        if net is not None and (net.capacity or volunteer_id is None) \
                and others.filter(network_id=net.pk).count() >= net.capacity:
            full.append(net.name)
    return full


@transaction.atomic
def visit_log(*, actor: User, case: Case, visited_on: datetime.date, done: str,
              changes: dict[int, str] | None = None, next_visit_on: datetime.date | None = None,
              expected_version: int, request: Any = None) -> Visit:
    """Records a visit. The first visit of an assigned case starts care; the
    next visit date becomes the case's due date (overdue when it passes)."""
    # The coordinators and officers of the area, or the volunteer caring.
    if not (covers(actor, case.area_code) and roles_on(actor, case) & wf.MANAGERS) \
            and not _is_carer(actor, case):
        raise NotAllowed("not_carer", _("Only the case's carers log its visits."))
    errors: dict[str, str] = {}
    if case.status not in CARING:
        errors["case"] = _("Visits are logged on a case that is assigned or in care; "
                           "this case is “%(status)s”.") % {"status": case.get_status_display()}
    today = timezone.localdate()
    if visited_on > today:
        errors["visited_on"] = _("The visit date is in the future. Was a Buddhist Era year "
                                 "taken for CE?")
    elif visited_on < timezone.localdate(case.opened_at):
        errors["visited_on"] = _("The visit date is before the case was reported.")
    if not done.strip():
        errors["done"] = _("Say what was done.")
    if next_visit_on is not None and next_visit_on <= visited_on:
        errors["next_visit_on"] = _("The next visit comes after this one.")
    changes = changes or {}
    needs = set(case.person.needs.values_list("need_id", flat=True))
    if set(changes) - needs:
        errors["needs"] = _("A need is not one of the person's needs.")
    if set(changes.values()) - set(NeedChange.values):
        errors["needs"] = _("Choose how each need changed from the list.")
    if errors:
        raise ValidationError(errors)
    before = case.status
    target = wf.IN_CARE
    if Case.objects.filter(pk=case.pk, version=expected_version).update(
            status=target, next_visit_due=next_visit_on, version=F("version") + 1) != 1:
        raise CaseChanged
    case.refresh_from_db()
    visit = Visit.objects.create(case=case, visited_on=visited_on, done=done.strip(),
                                 next_visit_on=next_visit_on, actor=actor,
                                 volunteer=case.volunteer if _is_carer(actor, case) else None)
    VisitNeed.objects.bulk_create(VisitNeed(visit=visit, need_id=n, change=c)
                                  for n, c in changes.items())
    case_event_record(case, actor, "visit", before, done.strip()[:500], request=request,
                      visit=visit.pk, visited_on=visited_on.isoformat(),
                      next_visit_on=next_visit_on.isoformat() if next_visit_on else None)
    return visit


def _is_carer(actor: User, case: Case) -> bool:
    return case.volunteer_id is not None and Volunteer.objects.filter(
        pk=case.volunteer_id, user=actor).exists()
