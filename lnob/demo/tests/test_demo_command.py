"""``lnob demo`` with the synthetic province."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from lnob.cases.access import cases_visible_to
from lnob.cases.models import Case, CaseEvent, Forum, Visit
from lnob.core.models import User
from lnob.dedup.models import DedupRun
from lnob.geo.models import Village
from lnob.networks.models import Fund, Network, Volunteer
from lnob.registry.access import persons_visible_to
from lnob.registry.models import Household, Person
from lnob.web.inbox import inbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The demo hashes seven passwords; Argon2 is slow on purpose, tests need not be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    call_command("demo", *args)
    return capsys.readouterr().out


def test_the_demo_generates_surat_thani_and_prints_the_logins(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = demo(capsys, "--persons", "200")
    assert "84: 200 persons" in out and "200 cases" in out
    assert "officer.surat" in out and "lnob-demo-2549" in out
    assert Person.objects.filter(province_code="84").exclude(external_ref="").count() == 200
    # And 3 % of them reported a second time by another door, for the duplicate review.
    assert Person.objects.filter(province_code="84", external_ref="").count() == 6
    assert "6 people reported a second time" in out
    assert not Person.objects.exclude(province_code="84").exists()


def test_running_the_demo_again_duplicates_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    demo(capsys, "--persons", "150")

    def counts() -> tuple[int, ...]:
        return (Person.objects.count(), Household.objects.count(), Network.objects.count(),
                Volunteer.objects.count(), Fund.objects.count(), Village.objects.count(),
                User.objects.count(), Case.objects.count(), CaseEvent.objects.count(),
                Forum.objects.count(), Visit.objects.count())

    before = counts()
    out = demo(capsys, "--persons", "150", "--seed", "1")
    assert "84: already has generated persons — skipped" in out
    assert counts() == before


def _generated() -> list[tuple[Any, ...]]:
    return list(Person.objects.order_by("external_ref", "first_name").values_list(
        "first_name", "last_name", "citizen_id", "birth_date", "status", "cases__reference",
        "cases__status", "cases__version", "cases__urgent", "cases__opened_at",
        "cases__next_visit_due"))


def _wipe_generated() -> None:
    """Only to run the demo again in the same test database."""
    Forum.objects.all().delete()
    Case.objects.update(duplicate_of=None)
    Case.objects.all().delete()
    Person.objects.all().delete()
    DedupRun.objects.all().delete()
    Household.objects.all().delete()
    Volunteer.objects.all().delete()
    Fund.objects.all().delete()
    Network.objects.all().delete()


def test_the_same_seed_gives_the_same_people_and_cases_through_the_command(
        capsys: pytest.CaptureFixture[str]) -> None:
    demo(capsys, "--persons", "120", "--seed", "99")
    first = _generated()
    _wipe_generated()
    demo(capsys, "--persons", "120", "--seed", "99")
    again = _generated()
    # 120 generated and 4 of them reported again (3 %), the same each time.
    assert first == again and len(first) == 124
    assert len({row[5] for row in first if row[5]}) == 120


def test_the_demo_volunteer_works_in_ko_tao_and_the_coordinator_leads_a_network(
        capsys: pytest.CaptureFixture[str]) -> None:
    demo(capsys, "--persons", "300")
    demo(capsys, "--persons", "300")  # a second run links nothing twice
    volunteer = Volunteer.objects.get(user__username="volunteer.kotao")
    assert list(volunteer.subdistricts.values_list("code", flat=True)) == ["840503"]
    assert volunteer.network is not None
    assert volunteer.network.subdistricts.filter(code="840503").exists()
    leads = Network.objects.filter(is_lead=True, subdistricts__district_id="8405").distinct()
    assert leads.count() == 1
    assert leads.get().leader_name == "มานพ รักถิ่น"
    # Ko Tao is never one of the holes, and the volunteer sees the people they
    # entered and those whose case is theirs.
    assert Network.objects.filter(subdistricts="840503").count() >= 2
    user = User.objects.get(username="volunteer.kotao")
    assert set(persons_visible_to(user)) == set(Person.objects.filter(entered_by=user)) | set(
        Person.objects.filter(cases__volunteer=volunteer))
    officer = User.objects.get(username="officer.surat")
    assert Person.objects.filter(entered_by=officer).exists()


def test_the_demo_volunteer_has_a_few_cases_of_ko_tao_one_visit_overdue(
        capsys: pytest.CaptureFixture[str]) -> None:
    demo(capsys, "--persons", "300")
    user = User.objects.get(username="volunteer.kotao")
    volunteer = Volunteer.objects.get(user=user)
    cases = list(cases_visible_to(user))
    assert 3 <= len(cases) <= volunteer.capacity
    assert {c.volunteer_id for c in cases} == {volunteer.pk}
    assert {c.subdistrict_id for c in cases} == {"840503"}
    assert {c.status for c in cases} <= {"assigned", "in_care"}
    assert sum(c.visit_overdue for c in cases) == 1
    assert all(c.network_id == volunteer.network_id for c in cases)
    assert {s.key for s in inbox_for(user)} == {"overdue"}


@pytest.mark.parametrize("username", ["coordinator.phangan", "officer.surat"])
def test_the_coordinator_and_the_officer_have_something_in_every_inbox_section(
        capsys: pytest.CaptureFixture[str], username: str) -> None:
    demo(capsys, "--persons", "300")
    sections = {s.key: s.count for s in inbox_for(User.objects.get(username=username))}
    assert {"new", "forum", "unassigned", "overdue"} <= set(sections)
    assert all(sections[key] > 0 for key in ("new", "forum", "unassigned", "overdue"))


def test_an_unknown_province_is_refused() -> None:
    with pytest.raises(CommandError, match="Unknown province code '99'"):
        call_command("demo", "--province", "99", "--persons", "10")


def test_no_persons_means_only_the_accounts(capsys: pytest.CaptureFixture[str]) -> None:
    out = demo(capsys, "--persons", "0")
    assert "volunteer.kotao" in out
    assert not Person.objects.exists()
    assert Volunteer.objects.filter(user__username="volunteer.kotao").exists()


def test_a_small_province_is_generated_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    start = time.perf_counter()
    out = demo(capsys, "--province", "81", "--persons", "400")
    assert time.perf_counter() - start < 10
    assert "81: 400 persons" in out
    assert Person.objects.filter(province_code="81").exclude(external_ref="").count() == 400


def test_all_provinces_spreads_the_persons_by_subdistricts(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Three provinces stand in for the 77 to keep the test short.
    monkeypatch.setattr("lnob.demo.writer.subdistricts_per_province",
                        lambda: {"81": 53, "84": 131, "75": 36})
    out = demo(capsys, "--all-provinces", "--persons", "440")
    by_province = dict(Person.objects.values_list("province_code").annotate(n=Count("id"))
                       .values_list("province_code", "n"))
    assert by_province == {"81": 106, "84": 262, "75": 72}
    assert "440 persons and 440 cases generated" in out


def test_the_demo_committee_member_chairs_the_province_committee_and_may_approve(
        capsys: pytest.CaptureFixture[str]) -> None:
    from lnob.coverage.roadmap import may_approve
    from lnob.networks.models import CommitteeMember

    demo(capsys, "--persons", "0")
    demo(capsys, "--persons", "0")  # again: still one chair, the same user
    chair = User.objects.get(username="committee.surat")
    assert CommitteeMember.objects.filter(user=chair, role="chair").count() == 1
    assert may_approve(chair, "84")
    assert not may_approve(User.objects.get(username="officer.surat"), "84")
