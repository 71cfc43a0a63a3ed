"""The roll-ups: the full rebuild, the refresh after each change, and the
check that stored rows are what the source tables say."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lnob.core.models import User
from lnob.coverage.histograms import median
from lnob.coverage.models import AreaRollup, SubdistrictSummary
from lnob.coverage.rollup import accumulate, rollup_full, rollup_refresh, rollup_verify
from lnob.coverage.tests.conftest import KO_TAO
from lnob.geo.models import Subdistrict
from lnob.networks.models import Fund, Network, PartnerType
from lnob.networks.services import (
    CommitteeData,
    FundData,
    NetworkData,
    committee_create,
    fund_create,
    network_update,
)

pytestmark = pytest.mark.django_db


def row(code: str = KO_TAO) -> SubdistrictSummary:
    return SubdistrictSummary.objects.get(code=code)


def test_the_full_rebuild_writes_every_subdistrict_district_province_and_the_nation(
        built: None) -> None:
    assert SubdistrictSummary.objects.count() == Subdistrict.objects.count() == 7436
    assert AreaRollup.objects.filter(level="district").count() == 928
    assert AreaRollup.objects.filter(level="province").count() == 77
    assert AreaRollup.objects.get(code="").subdistricts == 7436
    assert rollup_verify() == []


def test_each_case_step_brings_its_subdistrict_and_the_areas_above_up_to_date(
        people: Callable[..., list[Any]], built: None) -> None:
    people(reported=2, verified=1, assigned=1, in_care=1)
    s = row()
    assert (s.found, s.reported, s.verified, s.assigned, s.in_care) == (5, 2, 1, 1, 1)
    for code in ("8405", "84", ""):
        area = AreaRollup.objects.get(code=code)
        assert (area.found, area.reported, area.in_care) == (5, 2, 1), code
    assert s.days_to_verify == {"0": 3}
    assert s.days_to_visit == {"0": 1}
    assert set(s.waiting) == {"reported", "verified", "assigned", "visit_due"}
    assert rollup_verify() == []


def test_capacity_is_shared_over_the_subdistricts_a_network_covers(
        officer: User, network: Network, built: None, commit: Callable[[], Any]) -> None:
    data = NetworkData.of(network)
    data.subdistricts = [KO_TAO, "840501"]
    data.capacity = 11
    with commit():
        network_update(actor=officer, network=network, data=data)
    assert row(KO_TAO).network_capacity + row("840501").network_capacity == 11
    assert {row(KO_TAO).network_capacity, row("840501").network_capacity} == {5, 6}
    assert row(KO_TAO).lead_networks == row("840501").lead_networks == 1
    assert AreaRollup.objects.get(code="84").network_capacity == 11
    assert rollup_verify() == []


def test_a_volunteer_of_a_network_adds_no_capacity_of_its_own(
        volunteer: Any, built: None) -> None:
    rollup_refresh([KO_TAO])
    s = row()
    assert (s.volunteers, s.volunteer_capacity, s.network_capacity) == (1, 0, 10)


def test_funds_and_committees_give_five_k_readiness(
        built: None, officer: User, commit: Callable[[], Any]) -> None:
    with commit():
        fund_create(actor=officer, data=FundData(
            name="กองทุนสวัสดิการ", kind="community_welfare", area_code="8405"))
        committee_create(actor=officer, data=CommitteeData(
            name="คณะกรรมการตำบล", level="subdistrict", area_code=KO_TAO))
    assert row().has_fund and row("840501").has_fund and not row("840101").has_fund
    assert row().committees == 1
    assert AreaRollup.objects.get(code="84").k4 == AreaRollup.objects.get(code="8405").k4 == 3
    assert AreaRollup.objects.get(code="84").funds == 1
    assert rollup_verify() == []


def test_verify_finds_a_stored_row_that_differs_and_the_command_fails(built: None) -> None:
    SubdistrictSummary.objects.filter(code=KO_TAO).update(found=99)
    problems = rollup_verify()
    assert any("840503" in p and "found" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("rollup", "--verify")
    call_command("rollup", "--full")
    assert rollup_verify() == []


def test_a_refresh_after_the_tables_were_emptied_rebuilds_the_areas_above(
        db: None, people: Callable[..., list[Any]]) -> None:
    people(reported=1)
    SubdistrictSummary.objects.all().delete()
    AreaRollup.objects.all().delete()
    rollup_refresh([KO_TAO])
    assert AreaRollup.objects.get(code="84").found == 1
    assert AreaRollup.objects.get(code="").found == 1


def test_a_rolled_back_change_leaves_the_roll_up_alone_and_the_next_one_counts(
        built: None, officer: User, need: Any, commit: Callable[[], Any]) -> None:
    from django.db import transaction

    from lnob.coverage.tests.conftest import new_person

    with commit():
        with pytest.raises(RuntimeError), transaction.atomic():
            new_person(officer, need, "ย้อน")
            raise RuntimeError
        new_person(officer, need, "อยู่")
    assert row().found == 1
    with commit():
        new_person(officer, need, "อีกคน")
    assert row().found == 2


def test_networks_in_a_village_cover_its_subdistrict(built: None, officer: User) -> None:
    from lnob.geo.models import Village

    village = Village.objects.create(code="84050301", subdistrict_id=KO_TAO, number=1,
                                     name_th="บ้านแม่หาด", search_key="x")
    net = Network.objects.create(name="กลุ่มออมทรัพย์", partner_type=PartnerType.SAVINGS_GROUP,
                                 province_code="84", capacity=3)
    net.villages.add(village)
    rollup_refresh([KO_TAO])
    assert row().networks == 1 and row().network_capacity == 3
    assert rollup_verify() == []


def test_fund_rows_are_counted_once_per_area(built: None) -> None:
    Fund.objects.create(name="ก", kind="other", province_code="84", area_code="84")
    rollup_full()
    assert AreaRollup.objects.get(code="").funds == 1
    assert row().has_fund


def test_a_new_forum_counts_at_once_and_a_changed_date_moves_it(
        network: Network, built: None, officer: User, commit: Callable[[], Any]) -> None:
    import datetime

    from django.utils import timezone

    from lnob.cases.forums.services import ForumData, forum_create, forum_update

    today = timezone.localdate()
    with commit():
        forum = forum_create(actor=officer, data=ForumData(
            subdistrict_code=KO_TAO, organiser_id=network.pk, held_on=today,
            place="ศาลาวัด", attendance={"community": 30}))
    assert (row().forums, row().forum_dates, row().first_forum_on) == (
        1, {today.isoformat(): 1}, today)
    for code in ("8405", "84", ""):
        area = AreaRollup.objects.get(code=code)
        assert (area.forums, area.k2_dates) == (1, {today.isoformat(): 1}), code
    later = today + datetime.timedelta(days=7)
    with commit():
        forum_update(actor=officer, forum=forum, data=ForumData(
            held_on=later, place="ศาลาวัด", attendance={"community": 30}))
    assert row().first_forum_on == later
    assert AreaRollup.objects.get(code="").k2_dates == {later.isoformat(): 1}
    assert rollup_verify() == []


def test_a_refresh_rebuilds_area_rows_that_went_missing(
        people: Callable[..., list[Any]], built: None) -> None:
    people(reported=1)
    AreaRollup.objects.filter(code__in=["8405", ""]).delete()
    rollup_refresh([KO_TAO], capacity=False)
    assert AreaRollup.objects.get(code="8405").found == 1
    assert AreaRollup.objects.get(code="").found == 1
    assert rollup_verify() == []


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="PostgreSQL's own refresh path")


@postgresql_only
def test_on_postgresql_a_change_of_people_takes_the_pipelined_path(
        people: Callable[..., list[Any]], built: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from lnob.coverage import rollup

    taken: list[int | None] = []
    pipelined = rollup._refresh_pipelined

    def spy(codes: list[str]) -> int | None:
        taken.append(pipelined(codes))
        return taken[-1]

    monkeypatch.setattr(rollup, "_refresh_pipelined", spy)
    people(reported=1, verified=1, assigned=1, in_care=1)
    assert taken and all(n == 1 for n in taken)
    s = row()
    assert (s.found, s.in_care, s.days_to_visit) == (4, 1, {"0": 1})
    nation = AreaRollup.objects.get(code="")
    assert (nation.found, nation.median_days_to_verify, nation.median_days_to_visit) == (
        4, 0.0, 0.0)
    assert rollup_verify() == []


days = st.integers(0, 400).map(str)


@postgresql_only
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(days, st.integers(1, 40), max_size=25),
       st.dictionaries(days, st.integers(-40, 40), max_size=25))
def test_the_sql_histogram_sum_and_median_are_the_python_ones(
        a: dict[str, int], b: dict[str, int]) -> None:
    b = {k: n for k, n in b.items() if n and a.get(k, 0) + n >= 0}
    expected = accumulate({"h": dict(a)}, {"h": b})["h"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coverage_histogram_add(%s::jsonb, %s::jsonb)::text, "
                       "coverage_histogram_median(coverage_histogram_add(%s::jsonb, %s::jsonb))",
                       [json.dumps(a), json.dumps(b)] * 2)
        total, middle = cursor.fetchone()
    assert json.loads(total) == expected
    assert middle == median(expected)


def test_a_volunteer_covering_a_village_counts_in_its_subdistrict_and_district(
        built: None) -> None:
    from lnob.coverage.rollup import district_distinct
    from lnob.geo.models import Village
    from lnob.networks.models import Volunteer

    village = Village.objects.create(code="84050301", subdistrict_id=KO_TAO, number=1,
                                     name_th="บ้านแม่หาด", search_key="x")
    vol = Volunteer.objects.create(first_name="สมศรี", province_code="84", capacity=4)
    vol.villages.add(village)
    rollup_refresh([KO_TAO])
    assert (row().volunteers, row().volunteer_capacity) == (1, 4)
    assert district_distinct(["8405"])["8405"]["volunteers"] == 1
    vol.subdistricts.add(Subdistrict.objects.get(code=KO_TAO))     # counted once
    assert district_distinct(["8405"])["8405"]["volunteers"] == 1
    assert rollup_verify() == []
