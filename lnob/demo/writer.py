"""Writes a synthetic province planned by :mod:`lnob.demo.generator`.

One transaction per province. The per-person services are not called (too
slow at a million persons), but every denormalised field is set exactly as
they set it: ``province_code`` = subdistrict code[:2], ``district_code`` =
code[:4], ``name_key`` = lower-cased "first last" with single spaces,
``severity`` = the highest need severity, ``version`` = 1, aware
``created_at``/``updated_at``. Each person's case (planned by
:mod:`lnob.demo.casework`) is written as the case services write it: the
case with its routing, its history (``CaseEvent``, ``actor_label`` "demo",
the detail each service records), its visits and their needs, and the
community forums that decided it, with their attendance and agenda. The big
tables (households, persons, their needs, target groups and consents,
villages, cases and their rows) go through :mod:`lnob.core.bulk` in batches of
about :data:`~lnob.demo.generator.BATCH` persons, whole subdistricts at a
time; the care capacity (a few hundred rows a province) through
``bulk_create``. Memory stays flat: one province's plan and one batch of
households at a time.

Python's cyclic garbage collector is off while a province is generated: its
passes over the millions of small rows planned cost about a third of the
planning, and the rows free themselves without it once the one reference
cycle of a batch (a forum's agenda naming the cases whose history names the
forum) is broken after the batch is written.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lnob.cases.models import (
    AgendaItem,
    Case,
    CaseEvent,
    Forum,
    ForumAttendance,
    Visit,
    VisitNeed,
)
from lnob.core import audit
from lnob.core.bulk import TableWriter, bulk_load, reserve_ids
from lnob.core.models import AuditAction
from lnob.core.thaidates import format_date
from lnob.demo.casework import ACTOR, CaseRow, EventRow, ForumRow, SubdistrictWork, plan_casework
from lnob.demo.generator import (
    BATCH,
    MARKER,
    CapacityPlan,
    ProvinceGeo,
    SubdistrictInfo,
    VillageRow,
    VolunteerAccount,
    name_key,
    national_split,
    plan_province,
)
from lnob.geo.loader import search_key
from lnob.geo.models import District, Population, Province, Subdistrict, Village
from lnob.networks.models import (
    Committee,
    CommitteeMember,
    Fund,
    FundTransaction,
    Network,
    Volunteer,
)
from lnob.registry.models import Consent, Household, Person, PersonNeed
from lnob.registry.taxonomy import Need, TargetGroup

__all__ = ["ProvinceReport", "generate_country", "generate_province", "has_generated_persons",
           "load_geo", "subdistricts_per_province"]


@dataclass
class ProvinceReport:
    province: str
    skipped: bool = False
    persons: int = 0
    households: int = 0
    villages: int = 0
    networks: int = 0
    volunteers: int = 0
    funds: int = 0
    committees: int = 0
    holes: int = 0
    cases: int = 0
    events: int = 0
    visits: int = 0
    forums: int = 0
    seconds: float = 0.0


def load_geo(province_code: str) -> ProvinceGeo:
    """The province's districts, subdistricts and existing villages, by code."""
    province = Province.objects.get(code=province_code)
    villages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, sd, name in (Village.objects.filter(subdistrict__province_id=province_code)
                           .order_by("code").values_list("code", "subdistrict_id", "name_th")):
        villages[sd].append((code, name))
    districts = tuple(District.objects.filter(province_id=province_code).order_by("code")
                      .values_list("code", "name_th"))
    subdistricts = tuple(
        SubdistrictInfo(code, district, name, tuple(villages.get(code, ())))
        for code, district, name in Subdistrict.objects.filter(province_id=province_code)
        .order_by("code").values_list("code", "district_id", "name_th"))
    return ProvinceGeo(province.code, province.name_th, districts, subdistricts)


def subdistricts_per_province() -> dict[str, int]:
    return dict(Subdistrict.objects.values_list("province_id").annotate(n=Count("code"))
                .values_list("province_id", "n"))


def has_generated_persons(province_code: str) -> bool:
    # An index range scan on external_ref: "demo:84:" ≤ ref < "demo:84;".
    return Person.objects.filter(province_code=province_code,
                                 external_ref__gte=f"{MARKER}{province_code}:",
                                 external_ref__lt=f"{MARKER}{province_code};").exists()


def generate_province(province_code: str, persons: int, *, seed: int, today: date,
                      enterers: Mapping[str, Sequence[int]] | None = None,
                      never_holes: Iterable[str] = (),
                      accounts: Sequence[VolunteerAccount] = (),
                      batch_size: int = BATCH) -> ProvinceReport:
    """Writes one synthetic province in one transaction. A province that already
    has generated persons is skipped; nothing is ever deleted or overwritten.

    ``enterers`` maps area codes to user ids who "entered" some persons of that
    area (the most specific code wins); ``never_holes`` are subdistricts that
    must stay covered; ``accounts`` are sign-in accounts made volunteers of
    their subdistrict, with cases of their own."""
    began = time.perf_counter()
    with transaction.atomic(), bulk_load(), _without_cyclic_gc():
        if has_generated_persons(province_code):
            return ProvinceReport(province_code, skipped=True)
        plan = plan_province(load_geo(province_code), persons, seed=seed, today=today,
                             enterers=enterers, never_holes=never_holes, accounts=accounts)
        report = ProvinceReport(province_code, villages=len(plan.villages),
                                holes=len(plan.capacity.holes))
        _write_villages(plan.villages, batch_size)
        network_ids, volunteer_ids = _write_capacity(plan.capacity, province_code, report,
                                                     batch_size)
        _write_people(plan_casework(plan, seed=seed, today=today),
                      _CaseWriter(network_ids, volunteer_ids), report, batch_size)
        _write_population(province_code, seed=seed, year=today.year)
        audit.record(AuditAction.CREATE, object_type="demo.province", object_id=province_code,
                     area_code=province_code,
                     detail={"synthetic": True, "seed": seed, "persons": report.persons,
                             "households": report.households, "networks": report.networks,
                             "volunteers": report.volunteers, "holes": report.holes,
                             "cases": report.cases, "forums": report.forums})
    report.seconds = time.perf_counter() - began
    return report


DEMO_POPULATION_SOURCE = "synthetic (lnob demo), not DOPA figures"


def _write_population(province_code: str, *, seed: int, year: int) -> int:
    """Synthetic registered population for the province's subdistricts (3,000
    to 15,000 residents each, about half of them women), so that ratios per
    resident (givers per 1,000) show on the demo; never over loaded figures."""
    import random

    have = set(Population.objects.filter(subdistrict__province_id=province_code)
               .values_list("subdistrict_id", flat=True))
    rng = random.Random(f"{seed}:population:{province_code}")  # noqa: S311 — synthetic data
    rows = []
    for code in Subdistrict.objects.filter(province_id=province_code).order_by("code") \
            .values_list("code", flat=True):
        total = rng.randint(3_000, 15_000)
        female = total // 2 + rng.randint(-total // 20, total // 20)
        if code not in have:
            rows.append(Population(subdistrict_id=code, year=year, male=total - female,
                                   female=female, total=total, source=DEMO_POPULATION_SOURCE))
    Population.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Reference counting alone while the block runs (see the module's docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def generate_country(total: int, *, seed: int, today: date,
                     enterers: Mapping[str, Sequence[int]] | None = None,
                     never_holes: Iterable[str] = (),
                     accounts: Sequence[VolunteerAccount] = (),
                     progress: Callable[[ProvinceReport], Any] | None = None,
                     ) -> list[ProvinceReport]:
    """``total`` persons over all 77 provinces in proportion to their subdistricts,
    one province (and one transaction) at a time."""
    reports = []
    keep = list(never_holes)
    for code, persons in national_split(total, subdistricts_per_province()).items():
        report = generate_province(code, persons, seed=seed, today=today, enterers=enterers,
                                   never_holes=keep, accounts=accounts)
        reports.append(report)
        if progress is not None:
            progress(report)
    return reports


# --------------------------------------------------------------------------- rows


def _write_villages(rows: list[VillageRow], batch_size: int) -> None:
    writer = TableWriter(Village, ["code", "name_th", "name_en", "search_key", "subdistrict",
                                   "number", "created_by", "created_at"])
    now = timezone.now()
    for first in range(0, len(rows), batch_size):
        writer.write((v.code, v.name_th, "", search_key(v.name_th, ""), v.subdistrict,
                      v.number, None, now) for v in rows[first:first + batch_size])


def _national_ids(model: Any) -> dict[str, int]:
    return dict(model.objects.filter(province_code="").values_list("code", "id"))


def _write_capacity(plan: CapacityPlan, province: str, report: ProvinceReport,
                    batch_size: int) -> tuple[dict[int, int], list[int]]:
    """Networks (leads first), volunteers, funds with their transactions,
    committees with their members. Returns network key → id and the
    volunteers' ids in the plan's order."""
    needs = _national_ids(Need)
    objects: dict[int, Network] = {}
    for leads in (True, False):  # leads first: members point at them
        rows = [n for n in plan.networks if n.is_lead is leads]
        batch = [Network(name=n.name, partner_type=n.partner_type, province_code=province,
                         is_lead=n.is_lead,
                         lead_network=objects[n.lead_key] if n.lead_key is not None else None,
                         leader_name=n.leader_name, contact_phone=n.contact_phone,
                         capacity=n.capacity, created_at=n.created_at) for n in rows]
        Network.objects.bulk_create(batch, batch_size=batch_size)
        objects.update((row.key, obj) for row, obj in zip(rows, batch, strict=True))
    net = {key: int(obj.pk) for key, obj in objects.items()}
    Network.subdistricts.through.objects.bulk_create(
        (Network.subdistricts.through(network_id=net[n.key], subdistrict_id=code)
         for n in plan.networks for code in n.subdistricts), batch_size=batch_size)
    Network.villages.through.objects.bulk_create(
        (Network.villages.through(network_id=net[n.key], village_id=code)
         for n in plan.networks for code in n.villages), batch_size=batch_size)
    Network.needs.through.objects.bulk_create(
        (Network.needs.through(network_id=net[n.key], need_id=needs[code])
         for n in plan.networks for code in n.needs), batch_size=batch_size)

    volunteers = [Volunteer(first_name=v.first_name, last_name=v.last_name, phone=v.phone,
                            is_msdhs=v.is_msdhs,
                            network_id=net[v.network_key] if v.network_key is not None
                            else None,
                            province_code=province, capacity=v.capacity, active=v.active,
                            user_id=v.user, created_at=v.created_at) for v in plan.volunteers]
    Volunteer.objects.bulk_create(volunteers, batch_size=batch_size)
    Volunteer.subdistricts.through.objects.bulk_create(
        (Volunteer.subdistricts.through(volunteer_id=obj.pk, subdistrict_id=code)
         for v, obj in zip(plan.volunteers, volunteers, strict=True) for code in v.subdistricts),
        batch_size=batch_size)
    Volunteer.needs.through.objects.bulk_create(
        (Volunteer.needs.through(volunteer_id=obj.pk, need_id=needs[code])
         for v, obj in zip(plan.volunteers, volunteers, strict=True) for code in v.needs),
        batch_size=batch_size)

    funds = [Fund(name=f.name, kind=f.kind, province_code=province, area_code=f.area_code,
                  network_id=net[f.network_key] if f.network_key is not None else None,
                  members=f.members, balance=f.balance, created_at=f.created_at)
             for f in plan.funds]
    Fund.objects.bulk_create(funds, batch_size=batch_size)
    FundTransaction.objects.bulk_create(
        (FundTransaction(fund_id=obj.pk, date=t.date, kind=t.kind, amount=t.amount,
                         note=t.note)
         for f, obj in zip(plan.funds, funds, strict=True) for t in f.transactions),
        batch_size=batch_size)

    committees = [Committee(name=c.name, level=c.level, area_code=c.area_code,
                            province_code=province, created_at=c.created_at)
                  for c in plan.committees]
    Committee.objects.bulk_create(committees, batch_size=batch_size)
    CommitteeMember.objects.bulk_create(
        (CommitteeMember(committee_id=obj.pk, name=name, role=role, partner_type=kind)
         for c, obj in zip(plan.committees, committees, strict=True)
         for name, role, kind in c.members), batch_size=batch_size)
    report.networks, report.volunteers = len(plan.networks), len(plan.volunteers)
    report.funds, report.committees = len(plan.funds), len(plan.committees)
    return net, [int(v.pk) for v in volunteers]


_PERSON_FIELDS = [
    "id", "title", "first_name", "last_name", "sex", "birth_date", "birth_year_only",
    "citizen_id", "no_citizen_id_reason", "phone", "subdistrict", "village", "house_number",
    "address_text", "province_code", "district_code", "household", "severity", "status",
    "source", "source_network", "source_note", "external_ref", "entered_by", "created_at",
    "updated_at", "version", "name_key",
]


class _PeopleWriter:
    def __init__(self, network_ids: Mapping[int, int]) -> None:
        self.network_ids = network_ids
        self.needs = _national_ids(Need)
        self.groups = _national_ids(TargetGroup)
        self.households = TableWriter(Household, ["id", "subdistrict", "village",
                                                  "house_number", "head", "created_at"])
        self.persons = TableWriter(Person, _PERSON_FIELDS)
        self.person_groups = TableWriter(Person.target_groups.through,
                                         ["person", "targetgroup"])
        self.person_needs = TableWriter(PersonNeed, ["person", "need", "severity", "note"])
        self.consents = TableWriter(Consent, ["person", "status", "purposes", "lawful_basis",
                                              "recorded_at", "recorded_by", "note"])

    def flush(self, batch: list[SubdistrictWork], report: ProvinceReport) -> list[int]:
        """Writes the households and persons; returns the persons' ids in order."""
        households = [h for work in batch for h in work.households]
        real = [h for h in households if h.is_household]
        household_ids = iter(reserve_ids(Household, len(real)))
        ids = reserve_ids(Person, sum(len(h.members) for h in households))
        person_ids = iter(ids)
        nets, needs, groups = self.network_ids, self.needs, self.groups
        homes: list[tuple[Any, ...]] = []
        persons: list[tuple[Any, ...]] = []
        person_groups: list[tuple[int, int]] = []
        person_needs: list[tuple[int, int, int, str]] = []
        consents: list[tuple[Any, ...]] = []
        for h in households:
            home = next(household_ids) if h.is_household else None
            for i, r in enumerate(h.members):
                pk = next(person_ids)
                if home is not None and i == 0:  # the head comes first
                    homes.append((home, h.subdistrict, h.village, h.house_number, pk,
                                  h.created_at))
                sd = r.subdistrict
                persons.append((
                    pk, r.title, r.first_name, r.last_name, r.sex, r.birth_date,
                    r.birth_year_only, r.citizen_id, r.no_citizen_id_reason, r.phone, sd,
                    r.village, r.house_number, r.address_text, sd[:2], sd[:4], home,
                    r.severity, r.status, r.source,
                    nets[r.source_network_key] if r.source_network_key is not None else None,
                    r.source_note, r.external_ref, r.entered_by, r.created_at, r.updated_at,
                    1, name_key(r.first_name, r.last_name)))
                person_groups.extend((pk, groups[g]) for g in r.groups)
                person_needs.extend((pk, needs[n], s, "") for n, s in r.needs)
                c = r.consent
                if c is not None:
                    consents.append((pk, c.status, c.purposes, c.lawful_basis, c.recorded_at,
                                     r.entered_by, c.note))
        # Foreign keys are deferred to the commit, so households may name their
        # heads before the persons are in.
        self.households.write(homes)
        self.persons.write(persons)
        self.person_groups.write(person_groups)
        self.person_needs.write(person_needs)
        self.consents.write(consents)
        report.persons += len(persons)
        report.households += len(homes)
        return ids


_CASE_FIELDS = [
    "id", "person", "subdistrict", "province_code", "district_code", "status", "urgent",
    "urgent_reasons", "reference", "source", "summary", "reporter_name", "reporter_phone",
    "coverage_hole", "next_visit_due", "close_reason", "duplicate_of", "network", "volunteer",
    "opened_by", "opened_at", "closed_at", "version",
]


class _CaseWriter:
    """Cases, their routing, history, visits, and the forums that decided them."""

    def __init__(self, network_ids: Mapping[int, int], volunteer_ids: Sequence[int]) -> None:
        self.network_ids = network_ids
        self.volunteer_ids = volunteer_ids
        self.needs = _national_ids(Need)
        self.cases = TableWriter(Case, _CASE_FIELDS)
        self.routed = TableWriter(Case.routed_networks.through, ["case", "network"])
        # No one signed in took these steps: the user columns (actor, created_by,
        # decided_by) are left out, NULL, which also keeps the rows narrow.
        self.events = TableWriter(CaseEvent, ["case", "at", "actor_label", "action",
                                              "from_status", "to_status", "note", "detail"])
        self.visits = TableWriter(Visit, ["id", "case", "visited_on", "volunteer", "done",
                                          "next_visit_on", "created_at"])
        self.visit_needs = TableWriter(VisitNeed, ["visit", "need", "change"])
        self.forums = TableWriter(Forum, ["id", "organiser", "subdistrict", "village",
                                          "province_code", "district_code", "held_on", "place",
                                          "minutes", "created_at"])
        self.attendance = TableWriter(ForumAttendance, ["forum", "partner_type", "count"])
        self.agenda = TableWriter(AgendaItem, ["forum", "case", "decision", "decided_at"])
        self.labels: dict[int, str] = {}  # forum id → how notes name it
        # The same details again and again: one dict each (their JSON is cached).
        self.opened: dict[tuple[tuple[int, ...], bool], dict[str, Any]] = {}
        self.stepped: dict[str, dict[str, Any]] = {}

    def flush(self, batch: list[SubdistrictWork], person_ids: Sequence[int],
              report: ProvinceReport) -> None:
        cases = [c for work in batch for c in work.cases]
        forums = [f for work in batch for f in work.forums]
        for case, pk in zip(cases, reserve_ids(Case, len(cases)), strict=True):
            case.pk = pk
        for forum, pk in zip(forums, reserve_ids(Forum, len(forums)), strict=True):
            forum.pk = pk
        visits = [v for c in cases for v in c.visits]
        for visit, pk in zip(visits, reserve_ids(Visit, len(visits)), strict=True):
            visit.pk = pk
        self.labels = {f.pk: f"เวทีประชาคมเลขที่ {f.pk} {f.area_label} "
                              f"{format_date(f.held_on, 'th')}" for f in forums}
        self._write_forums(forums)
        report.events += self._write_cases(cases, person_ids)
        report.cases += len(cases)
        report.visits += len(visits)
        report.forums += len(forums)
        for forum in forums:  # written: break the batch's one cycle (case → forum → case)
            forum.agenda = []

    def _write_forums(self, forums: list[ForumRow]) -> None:
        nets = self.network_ids
        self.forums.write((f.pk, nets[f.organiser_key], f.subdistrict, f.village,
                           f.subdistrict[:2], f.subdistrict[:4], f.held_on, f.place,
                           f.minutes, f.created_at) for f in forums)
        self.attendance.write((f.pk, kind, count) for f in forums for kind, count in f.attendance)
        self.agenda.write((f.pk, a.case.pk, a.decision, a.decided_at)
                          for f in forums for a in f.agenda)

    def _write_cases(self, cases: list[CaseRow], person_ids: Sequence[int]) -> int:
        """Returns how many events were written."""
        nets, vols, needs = self.network_ids, self.volunteer_ids, self.needs
        rows: list[tuple[Any, ...]] = []
        routed: list[tuple[int, int]] = []
        events: list[tuple[Any, ...]] = []
        visits: list[tuple[Any, ...]] = []
        visit_needs: list[tuple[int, int, str]] = []
        for c, person in zip(cases, person_ids, strict=True):
            pk = c.pk
            sd = c.subdistrict
            network = nets[c.network_key] if c.network_key is not None else None
            volunteer = vols[c.volunteer_key] if c.volunteer_key is not None else None
            rows.append((
                pk, person, sd, sd[:2], sd[:4], c.status, c.urgent, c.urgent_reasons,
                c.reference, c.source, c.summary, c.reporter_name, c.reporter_phone,
                c.coverage_hole, c.next_visit_due, c.close_reason,
                c.duplicate_of.pk if c.duplicate_of is not None else None, network, volunteer,
                c.opened_by, c.opened_at, c.closed_at, c.version))
            routed.extend((pk, nets[k]) for k in c.routed)
            for e in c.events:
                events.append((pk, e.at, ACTOR, e.action, e.from_status, e.to_status,
                               self._note(e), self._detail(c, e, network, volunteer)))
            for v in c.visits:
                visits.append((v.pk, pk, v.visited_on, volunteer if v.by_volunteer else None,
                               v.done, v.next_visit_on, v.created_at))
                visit_needs.extend((v.pk, needs[n], change) for n, change in v.needs)
        self.cases.write(rows)
        self.routed.write(routed)
        self.events.write(events)
        self.visits.write(visits)
        self.visit_needs.write(visit_needs)
        return len(events)

    def _note(self, e: EventRow) -> str:
        if e.forum is None:
            return e.note
        return e.note.replace("{forum}", self.labels[e.forum.pk])

    def _detail(self, c: CaseRow, e: EventRow, network: int | None,
                volunteer: int | None) -> dict[str, Any]:
        """What each service puts in the event's detail."""
        if e.visit is not None:
            v = e.visit
            return {"visit": v.pk, "visited_on": v.visited_on.isoformat(),
                    "next_visit_on": v.next_visit_on.isoformat() if v.next_visit_on else None}
        if e.action == "open":
            key = (tuple(c.routed), c.coverage_hole)
            found = self.opened.get(key)
            if found is None:
                found = self.opened[key] = {"routed_to": [self.network_ids[k] for k in c.routed],
                                            "coverage_hole": c.coverage_hole}
            return found
        if e.action == "forum_more_info":
            return {"forum": e.forum.pk if e.forum else None}
        if e.carer or e.duplicate_of is not None:
            return {"reason": e.reason,
                    "duplicate_of": e.duplicate_of.pk if e.duplicate_of is not None else None,
                    "network": network if e.carer else None,
                    "volunteer": volunteer if e.carer else None,
                    "over_capacity": list(e.over_capacity)}
        found = self.stepped.get(e.reason)
        if found is None:
            found = self.stepped[e.reason] = {
                "reason": e.reason, "duplicate_of": None, "network": None, "volunteer": None,
                "over_capacity": []}
        return found


def _write_people(chunks: Iterable[SubdistrictWork], cases: _CaseWriter,
                  report: ProvinceReport, batch_size: int) -> None:
    """Whole subdistricts at a time, about ``batch_size`` persons a batch."""
    writer = _PeopleWriter(cases.network_ids)
    pending: list[SubdistrictWork] = []
    size = 0
    for work in chunks:
        pending.append(work)
        size += len(work.cases)
        if size >= batch_size:
            cases.flush(pending, writer.flush(pending, report), report)
            pending, size = [], 0
    if pending:
        cases.flush(pending, writer.flush(pending, report), report)
