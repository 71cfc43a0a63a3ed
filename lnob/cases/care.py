"""Care after verification: who can take a case (coverage, remaining
capacity, needs served) and the visits that follow it."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lnob.cases import workflow as wf
from lnob.cases.access import roles_on
from lnob.cases.events import CaseChanged, case_event_record
from lnob.cases.models import Case, NeedChange, Visit, VisitFlag, VisitNeed
from lnob.core import followups
from lnob.core.access import covers
from lnob.core.errors import Conflict, NotAllowed
from lnob.core.models import User
from lnob.networks.models import Network, Volunteer


def volunteers_with_load() -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(active=True).annotate(
        load=Count("cases", filter=Q(cases__status__in=wf.CARING), distinct=True),
        remaining=F("capacity") - Count("cases", filter=Q(cases__status__in=wf.CARING),
                                        distinct=True))


def networks_with_load() -> QuerySet[Network]:
    return Network.objects.filter(active=True).annotate(
        load=Count("cases", filter=Q(cases__status__in=wf.CARING), distinct=True),
        remaining=F("capacity") - Count("cases", filter=Q(cases__status__in=wf.CARING),
                                        distinct=True))


@dataclass
class NetworkChoice:
    """A network as the assign form offers it: no more than the form shows."""

    pk: int
    name: str
    remaining: int
    served: list[str] = field(default_factory=list)  # the needs served, by name

    def __str__(self) -> str:
        return self.name


@dataclass
class Carers:
    """Who may take a case: those covering its subdistrict (or one of its
    villages), and — only when searched for by name — volunteers elsewhere in
    the province who still have a place. A province has thousands of
    volunteers (6,667 in the issue-21 province): the page never lists them all.
    Covering volunteers and networks carry ``served``: the names of the needs
    they serve."""

    volunteers: list[Volunteer]
    networks: list[NetworkChoice]
    other_volunteers: list[Volunteer]
    other_networks: list[NetworkChoice]
    search: str = ""


# At most this many volunteers found by a search, and covering volunteers shown.
SEARCH_LIMIT = 20
COVERING_LIMIT = 100


def _covering(code: str) -> tuple[set[int], set[int]]:
    """The volunteers and networks covering a subdistrict or one of its
    villages: one statement each (the subdistrict's and its villages' links
    together)."""
    def covering(model: type[Volunteer] | type[Network], owner: str) -> set[int]:
        whole = model.subdistricts.through.objects.filter(
            subdistrict_id=code).values_list(owner, flat=True)
        villages = model.villages.through.objects.filter(
            village__subdistrict_id=code).values_list(owner, flat=True)
        return set(whole.union(villages))

    return covering(Volunteer, "volunteer_id"), covering(Network, "network_id")


def _needs_served(through: Any, owner: str, ids: list[int]) -> dict[int, list[str]]:
    served: dict[int, list[str]] = {}
    for row in through.objects.filter(**{f"{owner}__in": ids}).select_related("need").order_by(
            "need__sort", "need__code"):
        served.setdefault(getattr(row, owner), []).append(row.need.name)
    return served


def _caring_counts(carer: str, **where: Any) -> dict[int, int]:
    """How many cases each carer cares for now, by ``carer`` ("network_id" or
    "volunteer_id"): one grouped count, no carer rows."""
    # COUNT(*), not of the key: answered from the partial "caring" indexes alone.
    return dict(Case.objects.filter(status__in=wf.CARING, **where).values_list(carer)
                .annotate(n=Count("*")).order_by())


def _networks_of(province_code: str) -> list[NetworkChoice]:
    """The province's active networks with the places they have left, most
    first: their names and capacities, and one count of the cases each
    cares for (a province lists some 200 networks on every case waiting for
    a carer: reading them as whole rows, grouped with their cases, was half
    of that page's time)."""
    load = _caring_counts("network_id", network__province_code=province_code,
                          network__active=True)
    nets = [NetworkChoice(pk, name, capacity - load.get(pk, 0)) for pk, name, capacity in
            Network.objects.filter(active=True, province_code=province_code)
            .values_list("pk", "name", "capacity")]
    return sorted(nets, key=lambda n: (-n.remaining, n.pk))


def _covering_volunteers(province_code: str, ids: set[int]) -> list[Volunteer]:
    """The covering volunteers with their places left (``remaining``), most
    first: the rows the form shows, and one count of the cases each cares for."""
    load = _caring_counts("volunteer_id", volunteer_id__in=ids)
    vols = list(Volunteer.objects.filter(pk__in=ids, active=True, province_code=province_code)
                .select_related("network").only("first_name", "last_name", "capacity",
                                                "network__name"))
    for vol in vols:
        vol.load = load.get(vol.pk, 0)  # type: ignore[attr-defined]
        vol.remaining = vol.capacity - vol.load  # type: ignore[attr-defined]
    vols.sort(key=lambda v: (-v.remaining, v.pk))  # type: ignore[attr-defined]
    return vols[:COVERING_LIMIT]


def carers_for(case: Case, search: str = "") -> Carers:
    vol_cover, net_cover = _covering(case.area_code)
    in_province = volunteers_with_load().filter(province_code=case.province_code)
    vols = _covering_volunteers(case.province_code, vol_cover)
    served = _needs_served(Volunteer.needs.through, "volunteer_id", [v.pk for v in vols])
    for vol in vols:
        vol.served = served.get(vol.pk, [])  # type: ignore[attr-defined]
    others: list[Volunteer] = []
    search = " ".join(search.split())[:100]
    if search:
        words = Q()
        for word in search.split():
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        others = list(in_province.filter(words, remaining__gt=0)  # type: ignore[misc]
                      .exclude(pk__in=vol_cover)
                      .select_related("network").order_by("-remaining", "pk")[:SEARCH_LIMIT])
    nets = _networks_of(case.province_code)
    covering = [n for n in nets if n.pk in net_cover]
    # Only the covering networks show what they serve: the province's other
    # networks (207 in the demo) are listed by name, without their needs.
    served = _needs_served(Network.needs.through, "network_id", [n.pk for n in covering])
    for net in covering:
        net.served = served.get(net.pk, [])
    return Carers(vols, covering, others, [n for n in nets if n.pk not in net_cover], search)


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
    others = Case.objects.filter(status__in=wf.CARING)
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
              expected_version: int, request: Any = None,
              client_key: uuid.UUID | None = None) -> Visit:
    """Records a visit. The first visit of an assigned case starts care; the
    next visit date becomes the case's due date (overdue when it passes).

    ``client_key`` is the phone's key for a visit it kept offline (see
    ``visit_sync``). Such a visit reaching a case that left care meanwhile
    (closed, a duplicate, sent back) is kept and flagged ``case_closed`` — what
    a volunteer recorded is never lost — without moving the case or its due
    date; the case's history shows it to the coordinators."""
    # The coordinators and officers of the area, or the volunteer caring.
    if not (covers(actor, case.area_code) and roles_on(actor, case) & wf.MANAGERS) \
            and not _is_carer(actor, case):
        raise NotAllowed("not_carer", _("Only the case's carers log its visits."))
    kept_late = client_key is not None and case.status not in wf.CARING
    errors: dict[str, str] = {}
    if case.status not in wf.CARING and not kept_late:
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
    # The coverage figures (cases in care, visits due) and the other
    # follow-ups of a visit are counted by the worker a second or two later,
    # as a public report's are: visits are the field's most frequent write,
    # and the worker counts many of a subdistrict's at once instead of one
    # refresh in each volunteer's request (issue 21; decision 0039).
    with followups.deferred():
        if kept_late:
            # The case moved on while the phone was offline: the visit is kept as
            # it was recorded; the case keeps its status, version and due date.
            case.refresh_from_db()
            flag: str = VisitFlag.CASE_CLOSED
            action = "visit_late"
        else:
            if Case.objects.filter(pk=case.pk, version=expected_version).update(
                    status=wf.IN_CARE, next_visit_due=next_visit_on,
                    version=F("version") + 1) != 1:
                raise CaseChanged
            case.refresh_from_db()
            flag = ""
            action = "visit"
        visit = Visit.objects.create(case=case, visited_on=visited_on, done=done.strip(),
                                     next_visit_on=next_visit_on, actor=actor,
                                     volunteer=case.volunteer if _is_carer(actor, case) else None,
                                     client_key=client_key, flag=flag)
        VisitNeed.objects.bulk_create(VisitNeed(visit=visit, need_id=n, change=c)
                                      for n, c in changes.items())
        case_event_record(case, actor, action, before, done.strip()[:500], request=request,
                          visit=visit.pk, visited_on=visited_on.isoformat(),
                          next_visit_on=next_visit_on.isoformat() if next_visit_on else None,
                          **({"flag": flag, "offline": True} if flag else
                             {"offline": True} if client_key else {}))
    return visit


def visit_replay(*, actor: User, case: Case, client_key: uuid.UUID) -> Visit | None:
    """The visit already recorded under the phone's key, or None. A key used
    by someone else or on another case is a conflict (never that visit)."""
    found = Visit.objects.filter(client_key=client_key).first()
    if found is None:
        return None
    if found.case_id != case.pk or found.actor_id != actor.pk:
        raise Conflict("key_used", _("This key was already used for another visit: "
                                     "nothing was recorded. Send the visit again."),
                       field="client_key")
    return found


def visit_sync(*, actor: User, case: Case, client_key: uuid.UUID,
               **fields: Any) -> tuple[Visit, bool]:
    """The phone's door: a visit kept offline, sent once or many times (a
    retry after a lost answer), is recorded exactly once. Answers the visit and
    whether this call recorded it (False: a replay of the same key)."""
    found = visit_replay(actor=actor, case=case, client_key=client_key)
    if found is not None:
        return found, False
    try:
        return visit_log(actor=actor, case=case, client_key=client_key, **fields), True
    except (IntegrityError, CaseChanged):
        # Two sends of the same key at once: the unique key (or the case's
        # version, which the first one moved on) decided; its visit is the answer.
        found = visit_replay(actor=actor, case=case, client_key=client_key)
        if found is None:
            raise
        return found, False


def _is_carer(actor: User, case: Case) -> bool:
    return case.volunteer_id is not None and Volunteer.objects.filter(
        pk=case.volunteer_id, user=actor).exists()
