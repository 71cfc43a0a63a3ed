"""The roadmap: D-Day and targets set by the provincial office, approved by
the chair of the province committee, progress against snapshots."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from lnob.core.models import User
from lnob.core.roles import Role
from lnob.coverage import roadmap as rm
from lnob.coverage.histograms import median
from lnob.coverage.indicators import FormulaError, check, evaluate
from lnob.coverage.models import Indicator, Roadmap, Snapshot
from lnob.coverage.rollup import rollup_full
from lnob.networks.models import Committee, CommitteeMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(make_user: Callable[..., User]) -> User:
    user = make_user("chair84", Role.COMMITTEE_MEMBER, "84")
    committee = Committee.objects.create(name="คณะกรรมการจังหวัด", level="province",
                                         area_code="84", province_code="84")
    CommitteeMember.objects.create(committee=committee, name="ประธาน", role="chair",
                                   partner_type="civil_society", user=user)
    return user


def test_the_office_sets_d_day_and_targets_and_the_chair_approves(
        client: Client, officer: User, chair: User) -> None:
    client.force_login(officer)
    response = client.post("/coverage/84/roadmap/", {"d_day": "1/12/2569",
                                                     "target_3_lead_network_pct": "60"})
    assert response.status_code == 302
    road = Roadmap.objects.get(province_code="84")
    assert road.d_day == datetime.date(2026, 12, 1) and road.status == "draft"
    lead = Indicator.objects.get(code="lead_network_pct")
    assert rm.targets_of("84")[(3, lead.pk)] == 60
    assert rm.targets_of("84")[(6, lead.pk)] == 80  # the national default
    assert client.post("/coverage/84/roadmap/approve/",
                       {"version": road.version}).status_code == 403  # not the chair
    client.force_login(chair)
    client.post("/coverage/84/roadmap/approve/", {"version": road.version})
    road.refresh_from_db()
    assert road.status == "approved" and road.approved_by == chair
    client.force_login(officer)
    client.post("/coverage/84/roadmap/", {"d_day": "2/12/2569", "version": road.version})
    road.refresh_from_db()
    assert road.status == "draft"  # any change goes back to the chair


def test_a_bad_date_or_target_names_the_field(client: Client, officer: User) -> None:
    client.force_login(officer)
    response = client.post("/coverage/84/roadmap/", {"d_day": "31/2/2569",
                                                     "target_3_five_k_pct": "abc"})
    assert response.status_code == 400
    assert Roadmap.objects.filter(province_code="84", d_day__isnull=False).count() == 0


def test_outsiders_and_other_roles_cannot_change_the_roadmap(
        client: Client, other_officer: User, chair: User) -> None:
    client.force_login(other_officer)
    assert client.get("/coverage/84/roadmap/").status_code == 404
    client.force_login(chair)  # a committee member may read, not write
    assert client.get("/coverage/84/roadmap/").status_code == 200
    assert client.post("/coverage/84/roadmap/", {"d_day": "1/12/2569"}).status_code == 403


def test_a_past_milestone_reads_its_snapshot_not_today(officer: User) -> None:
    rollup_full()
    d_day = datetime.date(2026, 1, 1)
    rm.roadmap_update(actor=officer, province_code="84", d_day=d_day, targets={})
    due = rm.milestone_dates(d_day)[3]
    rm.snapshots_take(due, areas={"84": "milestone", "": "milestone"})
    Snapshot.objects.filter(area_code="84").update(indicators={"lead_network_pct": 55.0})
    first = rm.progress("84", on=due + datetime.timedelta(days=10))[0]
    assert first.past and first.snapshot_on == due
    lead = next(p for p in first.rows if p.indicator.code == "lead_network_pct")
    assert (lead.actual, lead.target, lead.status) == (55.0, 50, "reached")


def test_the_snapshot_command_takes_the_month_once() -> None:
    rollup_full()
    call_command("snapshot")
    n = Snapshot.objects.count()
    assert n == 78  # 77 provinces and the nation
    call_command("snapshot")
    assert Snapshot.objects.count() == n


def test_formulas_are_arithmetic_over_known_names_only() -> None:
    assert evaluate("100 * lead_covered / subdistricts", {"lead_covered": 1,
                                                          "subdistricts": 4}) == 25
    assert evaluate("found / in_care", {"found": 3, "in_care": 0}) is None
    for bad in ("__import__('os')", "found.real", "open_verified ** 2", "x + 1"):
        with pytest.raises(FormulaError):
            check(bad)


def test_medians_come_from_the_summed_histograms() -> None:
    assert median({"1": 1, "3": 1, "10": 1}) == 3
    assert median({"2": 2, "4": 2}) == 3
    assert median({}) is None


def test_national_targets_are_for_national_editors(officer: User,
                                                   make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionError):
        rm.national_targets_update(actor=officer, targets={(3, "five_k_pct"): 20})
    analyst = make_user("analyst", Role.NATIONAL_ANALYST, "")
    assert rm.national_targets_update(actor=analyst, targets={(3, "five_k_pct"): 20}) == 1
    with pytest.raises(ValidationError):
        rm.national_targets_update(actor=analyst, targets={(5, "five_k_pct"): 20})


def test_the_milestones_download_as_csv(client: Client, officer: User) -> None:
    rm.roadmap_update(actor=officer, province_code="84", d_day=datetime.date(2026, 1, 1),
                      targets={})
    client.force_login(officer)
    response = client.get("/coverage/84/export/?table=roadmap&format=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "lead_network_pct" in text and "2026-04-01" in text
    assert client.get("/coverage/8405/export/?table=roadmap&format=csv").status_code == 404


def test_the_admin_refuses_a_formula_it_cannot_evaluate() -> None:
    from lnob.coverage.admin import IndicatorForm

    data = {"code": "x", "name_th": "x", "name_en": "x", "formula": "found ** 2",
            "unit": "%", "direction": "up", "people_inputs": "[]", "sort": 1, "active": True}
    form = IndicatorForm(data)
    assert not form.is_valid() and "formula" in form.errors
    data["formula"] = "100 * in_care / found"
    assert IndicatorForm(data).is_valid()
