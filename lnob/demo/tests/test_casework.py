"""Each generated person's case: its status, history, carers, visits and the
community forums that decided it — planned (pure) and written."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, time
from typing import Any

import pytest
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from lnob.cases import workflow as wf
from lnob.cases.care import networks_with_load, volunteers_with_load
from lnob.cases.models import (
    AgendaItem,
    Case,
    CaseEvent,
    CloseReason,
    Forum,
    UrgentReason,
    Visit,
    VisitNeed,
)
from lnob.demo.casework import CaseRow, flatten, plan_casework, reference_for
from lnob.demo.generator import TZ, PersonRow, VolunteerAccount, plan_province
from lnob.demo.tests.conftest import PERSONS, PROVINCE, SEED, TODAY
from lnob.demo.writer import ProvinceReport, load_geo
from lnob.networks.models import Network
from lnob.registry.models import Person

pytestmark = pytest.mark.django_db

START = datetime.combine(TODAY, time.min, tzinfo=TZ)
REFERENCE = re.compile(r"^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$")
CARING = (wf.ASSIGNED, wf.IN_CARE)


def planned(persons: int = 2000, seed: int = SEED,
            accounts: tuple[VolunteerAccount, ...] = ()) -> list[tuple[PersonRow, CaseRow]]:
    plan = plan_province(load_geo(PROVINCE), persons, seed=seed, today=TODAY,
                         accounts=accounts)
    return list(flatten(plan_casework(plan, seed=seed, today=TODAY)))


def fingerprint(pairs: list[tuple[PersonRow, CaseRow]]) -> list[tuple[Any, ...]]:
    return [(c.reference, c.status, c.urgent, c.network_key, c.volunteer_key, c.next_visit_due,
             [(e.at, e.action, e.note) for e in c.events],
             [(v.visited_on, v.needs) for v in c.visits]) for _p, c in pairs]


# --- the plan ---------------------------------------------------------------------------


def test_the_same_seed_plans_the_same_cases() -> None:
    first, again = fingerprint(planned(600)), fingerprint(planned(600))
    other = fingerprint(planned(600, seed=7))
    assert first == again
    assert [r[0] for r in first] != [r[0] for r in other]


def test_references_look_like_new_reference_and_never_repeat_in_the_country() -> None:
    keys = (11, 22, 33, 44)
    refs = {reference_for(keys, province, serial)
            for province in ("10", "84", "96") for serial in range(1, 40_001)}
    assert len(refs) == 120_000
    assert all(REFERENCE.match(r) for r in refs)


def test_about_five_percent_are_urgent_with_reasons_from_the_list() -> None:
    cases = [c for _p, c in planned()]
    urgent = [c for c in cases if c.urgent]
    assert 0.03 * len(cases) < len(urgent) < 0.08 * len(cases)
    assert all(c.urgent_reasons and set(c.urgent_reasons) <= set(UrgentReason.values)
               for c in urgent)
    assert not any(c.urgent_reasons for c in cases if not c.urgent)


def test_a_share_of_the_visits_in_care_are_overdue() -> None:
    in_care = [c for _p, c in planned() if c.status == wf.IN_CARE]
    overdue = [c for c in in_care if c.next_visit_due and c.next_visit_due < TODAY]
    assert all(c.next_visit_due for c in in_care)
    assert 0.08 * len(in_care) < len(overdue) < 0.3 * len(in_care)


def test_an_account_gets_a_few_cases_of_its_subdistrict_one_overdue() -> None:
    account = VolunteerAccount(user=1, first_name="สุดา", last_name="เอื้ออารี",
                               phone="0890000003", subdistrict="840503")
    plan = plan_province(load_geo(PROVINCE), 300, seed=SEED, today=TODAY, accounts=[account])
    pairs = list(flatten(plan_casework(plan, seed=SEED, today=TODAY)))
    mine = [c for _p, c in pairs if c.volunteer_key is not None
            and plan.capacity.volunteers[c.volunteer_key].user == 1]
    assert sorted(c.status for c in mine) == ["assigned", "in_care", "in_care"]
    assert sum(bool(c.next_visit_due and c.next_visit_due < TODAY) for c in mine) == 1
    ko_tao = [c for p, c in pairs if p.subdistrict == "840503"]
    assert len(ko_tao) >= 12
    assert {"reported", "verified", "assigned", "in_care"} <= {c.status for c in ko_tao}


# --- what is written ---------------------------------------------------------------------


def test_every_person_has_one_case_with_their_status(surat: ProvinceReport) -> None:
    persons = Person.objects.filter(province_code=PROVINCE)
    assert persons.count() == PERSONS == surat.cases
    assert not persons.annotate(n=Count("cases")).exclude(n=1).exists()
    cases = Case.objects.filter(province_code=PROVINCE)
    assert not cases.exclude(status=F("person__status")).exists()
    assert not cases.exclude(source=F("person__source")).exists()
    assert not cases.exclude(opened_at=F("person__created_at")).exists()
    assert not cases.exclude(subdistrict=F("person__subdistrict")).exists()
    assert not cases.exclude(district_code=F("person__district_code")).exists()
    assert not cases.exclude(opened_by=F("person__entered_by")).filter(
        person__entered_by__isnull=False).exists()
    # Every status of the workflow is there.
    assert set(cases.values_list("status", flat=True)) == set(wf.STATES)


def test_references_are_unique_and_readable_over_the_phone(surat: ProvinceReport) -> None:
    refs = list(Case.objects.values_list("reference", flat=True))
    assert len(refs) == len(set(refs)) == PERSONS
    assert all(REFERENCE.match(r) for r in refs)


def test_closed_cases_have_a_reason_and_a_time_and_only_they(surat: ProvinceReport) -> None:
    closed = Case.objects.filter(status=wf.CLOSED)
    assert closed.exists()
    assert not closed.filter(Q(close_reason="") | Q(closed_at__isnull=True)).exists()
    assert set(closed.values_list("close_reason", flat=True)) <= set(CloseReason.values)
    assert not Case.objects.exclude(status=wf.CLOSED).exclude(close_reason="").exists()
    assert not Case.objects.exclude(status=wf.CLOSED).filter(closed_at__isnull=False).exists()
    assert not closed.filter(next_visit_due__isnull=False).exists()


def test_cases_in_care_have_a_carer_of_their_province_covering_them(
        surat: ProvinceReport) -> None:
    cared = Case.objects.filter(status__in=(*CARING, wf.CLOSED)).select_related(
        "network", "volunteer")
    assert cared.count() > 0.3 * PERSONS
    for case in cared:
        assert case.network is not None and case.network.province_code == case.province_code
        if case.volunteer is not None:
            assert case.volunteer.province_code == case.province_code
            assert case.volunteer.network_id == case.network_id
            assert case.volunteer.subdistricts.filter(code=case.subdistrict_id).exists()
        elif not case.coverage_hole:
            assert case.network.subdistricts.filter(code=case.subdistrict_id).exists()
    assert cared.filter(volunteer__isnull=False).exists()
    assert cared.filter(volunteer__isnull=True).exists()
    others = Case.objects.exclude(status__in=(*CARING, wf.CLOSED))
    assert not others.filter(Q(network__isnull=False) | Q(volunteer__isnull=False)).exists()


def test_carers_stay_within_capacity_or_the_history_says_why(surat: ProvinceReport) -> None:
    # "remaining" is annotated by lnob.cases.care; the type checker cannot see it.
    assert not [v for v in volunteers_with_load() if v.remaining < 0]  # type: ignore[attr-defined]
    for network in [n for n in networks_with_load()
                    if n.remaining < 0]:  # type: ignore[attr-defined]
        assert CaseEvent.objects.filter(action="assign", case__network=network,
                                        detail__over_capacity=[network.name]).exists()


def test_routing_goes_to_the_lead_networks_or_flags_a_hole(surat: ProvinceReport) -> None:
    leads: dict[str, set[int]] = defaultdict(set)
    covered = set()
    for network in Network.objects.filter(province_code=PROVINCE).prefetch_related(
            "subdistricts"):
        for sd in network.subdistricts.all():
            covered.add(sd.code)
            if network.is_lead:
                leads[sd.code].add(network.pk)
    opens = dict(CaseEvent.objects.filter(action="open").values_list("case_id", "detail"))
    holes = 0
    for case in Case.objects.prefetch_related("routed_networks"):
        routed = {n.pk for n in case.routed_networks.all()}
        assert case.coverage_hole is (case.subdistrict_id not in covered)
        assert routed == leads[case.subdistrict_id]
        assert opens[case.pk] == {"routed_to": sorted(routed) if len(routed) > 1 else
                                  list(routed), "coverage_hole": case.coverage_hole}
        holes += case.coverage_hole
    assert holes > 0


def test_histories_follow_the_workflow_step_by_step(surat: ProvinceReport) -> None:
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.order_by("at", "id"):
        events[e.case_id].append(e)
    seen: Counter[str] = Counter()
    for case in Case.objects.all():
        history = events[case.pk]
        assert history[0].action == "open" and history[0].from_status == ""
        assert history[0].to_status == wf.REPORTED and history[0].at == case.opened_at
        assert history[-1].to_status == case.status
        assert case.version == len(history)
        times = [e.at for e in history]
        assert times == sorted(set(times)) and times[-1] <= START
        for before, e in zip(history, history[1:], strict=False):
            assert e.from_status == before.to_status
            assert e.actor is None and e.actor_label == "demo"
            seen[e.action] += 1
            if e.action in wf.STEPS:
                step = wf.STEPS[e.action]
                assert e.from_status in step.sources and e.to_status == step.target
            elif e.action == "visit":
                assert e.from_status in CARING and e.to_status == wf.IN_CARE
            else:
                assert e.action == "forum_more_info"
                assert e.from_status == e.to_status == wf.REPORTED
        if case.status == wf.CLOSED:
            assert history[-1].action == "close" and history[-1].at == case.closed_at
            assert history[-1].detail["reason"] == case.close_reason
    assert {"verify", "reject", "mark_duplicate", "assign", "start_care", "visit", "close",
            "forum_more_info"} <= set(seen)
    # The person's last change is their case's last step.
    assert not Person.objects.annotate(last=Max("cases__events__at")).exclude(
        updated_at=F("last")).exists()


def test_the_assign_step_names_the_carers_and_duplicates_the_kept_case(
        surat: ProvinceReport) -> None:
    for e in CaseEvent.objects.filter(action="assign").select_related("case"):
        assert e.detail["network"] == e.case.network_id
        assert e.detail["volunteer"] == e.case.volunteer_id
    duplicates = Case.objects.filter(status=wf.DUPLICATE)
    assert duplicates.exists()
    for case in duplicates.select_related("duplicate_of"):
        event = case.events.get(action="mark_duplicate")
        assert event.detail["duplicate_of"] == case.duplicate_of_id
        if case.duplicate_of is not None:
            assert case.duplicate_of.status != wf.DUPLICATE
            assert case.duplicate_of.reference in event.note


def test_visits_follow_cases_in_care_and_set_the_next_visit(surat: ProvinceReport) -> None:
    visits = Visit.objects.select_related("case")
    assert visits.exists()
    assert set(visits.values_list("case__status", flat=True)) == {wf.IN_CARE, wf.CLOSED}
    assert not Case.objects.filter(status__in=(wf.IN_CARE, wf.CLOSED), visits__isnull=True
                                   ).exists()
    last: dict[int, Visit] = {}
    for visit in visits.order_by("visited_on", "id"):
        case = visit.case
        assert timezone.localdate(case.opened_at) <= visit.visited_on < TODAY
        assert visit.next_visit_on is None or visit.next_visit_on > visit.visited_on
        assert visit.volunteer_id in (None, case.volunteer_id)
        assert visit.done.startswith("เยี่ยมบ้าน")
        last[case.pk] = visit
    for case in Case.objects.filter(status=wf.IN_CARE):
        assert case.next_visit_due == last[case.pk].next_visit_on
    overdue = Case.objects.filter(status=wf.IN_CARE, next_visit_due__lt=TODAY)
    assert 0 < overdue.count() < Case.objects.filter(status=wf.IN_CARE).count()
    # A visit's needs are the person's needs, each once.
    for need in VisitNeed.objects.select_related("visit__case")[:500]:
        assert need.visit.case.person.needs.filter(need=need.need_id).exists()
    assert {"better", "same", "met"} <= set(VisitNeed.objects.values_list("change", flat=True))
    detail = CaseEvent.objects.filter(action="visit").values_list("detail", flat=True)
    assert {d["visit"] for d in detail} == set(Visit.objects.values_list("pk", flat=True))


def test_forum_decisions_match_the_cases_they_decided(surat: ProvinceReport) -> None:
    items = AgendaItem.objects.select_related("forum", "case")
    assert set(items.values_list("decision", flat=True)) == {"", "verified", "not_target",
                                                             "more_info"}
    for item in items:
        forum, case = item.forum, item.case
        assert case.subdistrict_id == forum.subdistrict_id
        if item.decision == "":
            assert case.status == wf.REPORTED and forum.held_on > TODAY
            assert item.decided_at is None
            continue
        assert forum.held_on < TODAY and item.decided_at is not None
        assert timezone.localdate(item.decided_at) == forum.held_on
        action = {"verified": "verify", "not_target": "reject",
                  "more_info": "forum_more_info"}[item.decision]
        event = case.events.get(action=action)
        assert event.at == item.decided_at
        assert f"เวทีประชาคมเลขที่ {forum.pk} " in event.note
        if item.decision == "verified":
            assert case.status not in (wf.REPORTED, wf.REJECTED)
        elif item.decision == "not_target":
            assert case.status == wf.REJECTED
        else:
            assert event.detail == {"forum": forum.pk} and case.status == wf.REPORTED
    # Each verify naming a forum has its agenda item; the rest are the office's.
    for event in CaseEvent.objects.filter(action="verify"):
        decided = items.filter(case_id=event.case_id, decision="verified")
        assert decided.exists() is ("เวทีประชาคม" in event.note)
    # A reported case waits for at most one forum.
    assert not items.filter(decision="").values("case").annotate(n=Count("id")).filter(
        n__gt=1).exists()


def test_forums_are_held_by_a_network_of_the_area_with_attendance(
        surat: ProvinceReport) -> None:
    forums = Forum.objects.filter(province_code=PROVINCE).select_related("organiser").annotate(
        agenda_n=Count("agenda", distinct=True), kinds=Count("attendance", distinct=True))
    assert forums.count() == surat.forums > 0
    for forum in forums:
        assert forum.agenda_n > 0 and forum.kinds > 0
        assert forum.district_code == forum.subdistrict_id[:4]
        assert forum.organiser.province_code == PROVINCE
        assert forum.organiser.is_lead or forum.organiser.subdistricts.filter(
            code=forum.subdistrict_id).exists()
        assert forum.village_id is None or forum.village_id.startswith(forum.subdistrict_id)
        assert forum.created_at.date() <= forum.held_on or forum.held_on > TODAY
        assert forum.attendance.filter(partner_type="community").exists()
        assert bool(forum.minutes) is (forum.held_on < TODAY)


def test_what_is_written_is_exactly_what_the_seed_plans(surat: ProvinceReport) -> None:
    written = list(Case.objects.order_by("person__external_ref").values_list(
        "reference", "status", "urgent", "version", "next_visit_due"))
    again = [(c.reference, c.status, c.urgent, c.version, c.next_visit_due)
             for _p, c in planned(PERSONS)]
    assert written == again
