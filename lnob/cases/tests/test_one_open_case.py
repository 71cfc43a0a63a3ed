"""One person, one open case — a database rule (a partial unique constraint), so two
doors opening a case at the same moment never make two; everyone registered enters
the workflow (the registry form, the API, and a data migration for those before)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from lnob.cases.models import Case
from lnob.cases.services import OpenCaseExists, case_create, case_open, case_step
from lnob.core.models import User
from lnob.core.roles import Role
from lnob.core.services import role_grant
from lnob.registry.models import Person
from lnob.registry.services import person_create
from lnob.testing import in_parallel, reload_migration_data
from lnob.testing.persons import person_data

KO_TAO = "840503"


def _person(officer: User, **overrides: object) -> Person:
    return person_create(actor=officer, data=person_data(citizen_id="",
                                                         no_citizen_id_reason="unknown",
                                                         **overrides))


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_case(officer: User) -> None:
    case = case_open(actor=officer, person=_person(officer))
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(person=case.person, subdistrict_id=KO_TAO, province_code="84",
                            district_code="8405")
    # A closed (or rejected, or duplicate) case is not open: a new one may be opened.
    Case.objects.filter(pk=case.pk).update(status="rejected")
    assert case_open(actor=officer, person=case.person).status == "reported"


@pytest.mark.django_db
def test_a_second_open_names_the_case_already_open(officer: User) -> None:
    first = case_open(actor=officer, person=_person(officer))
    with pytest.raises(OpenCaseExists) as refused:
        case_create(actor=officer, person=first.person)
    assert refused.value.case == first
    assert isinstance(refused.value, ValidationError)


@pytest.mark.django_db
def test_reopening_while_another_case_is_open_is_refused_with_a_reason(officer: User) -> None:
    person = _person(officer)
    old = case_open(actor=officer, person=person)
    old = case_step(actor=officer, case=old, action="verify", expected_version=old.version)
    old = case_step(actor=officer, case=old, action="close", reason="self_reliant",
                    expected_version=old.version)
    case_open(actor=officer, person=person)
    with pytest.raises(ValidationError) as refused:
        case_step(actor=officer, case=old, action="reopen", note="กลับมาอีก",
                  expected_version=old.version)
    assert "action" in refused.value.message_dict  # the person's other open case is named
    assert Case.objects.filter(person=person, status__in=["reported", "verified"]).count() == 1


@pytest.fixture
def geography(transactional_db: None) -> None:
    reload_migration_data()


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrent writers: PostgreSQL (SQLite has one writer)")
def test_twenty_doors_opening_at_once_make_one_open_case(geography: None) -> None:
    officer = User.objects.create(username="officer.race")
    role_grant(actor=None, user=officer, role=Role.PROVINCIAL_OFFICER, area_code="84")
    person = _person(officer)

    def attempt(_n: int) -> str:
        try:
            with transaction.atomic():
                case_create(actor=officer, person=person)
        except OpenCaseExists as err:
            return f"exists:{err.case.pk if err.case else ''}"
        return "opened"

    outcomes = [r if isinstance(r, str) else f"error:{r!r}"
                for r in in_parallel(attempt, list(range(20)))]
    open_cases = list(Case.objects.filter(person=person, status="reported"))
    assert len(open_cases) == 1
    assert outcomes.count("opened") == 1, outcomes
    assert sorted(set(outcomes) - {"opened"}) == [f"exists:{open_cases[0].pk}"]


@pytest.mark.django_db
def test_registering_on_the_form_opens_a_case_unless_told_not_to(
        client: Client, officer: User) -> None:
    client.force_login(officer)
    form = {"first_name": "สมหมาย", "last_name": "ใจดี", "sex": "M", "subdistrict": KO_TAO,
            "source": "officer", "no_citizen_id_reason": "unknown", "consent_status": "given",
            "purposes": "care", "lawful_basis": "consent", "checked_duplicates": "1"}
    response = client.post("/persons/new/", form)
    assert response.status_code == 302, response.content.decode()[-800:]
    person = Person.objects.get(first_name="สมหมาย")
    case = Case.objects.get(person=person)
    assert (case.status, case.source, case.coverage_hole) == ("reported", "officer", True)
    client.post("/persons/new/", {**form, "first_name": "สมปอง", "no_case": "on"})
    assert not Case.objects.filter(person__first_name="สมปอง").exists()


@pytest.mark.django_db
def test_registering_over_the_api_opens_a_case(client: Client, officer: User) -> None:
    client.force_login(officer)
    payload = {"first_name": "สมศักดิ์", "subdistrict_code": KO_TAO, "source": "network",
               "no_citizen_id_reason": "unknown"}
    response = client.post("/api/v1/persons", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Case.objects.get(person_id=response.json()["id"]).status == "reported"
    response = client.post("/api/v1/persons", {**payload, "first_name": "สมนึก",
                                               "open_case": False},
                           content_type="application/json")
    assert not Case.objects.filter(person_id=response.json()["id"]).exists()


@pytest.mark.django_db
def test_the_data_migration_opens_a_case_for_everyone_without_one_and_says_how_many(
        officer: User, capsys: pytest.CaptureFixture[str]) -> None:
    migration = importlib.import_module("lnob.cases.migrations.0005_open_cases_for_registered")
    without = [_person(officer, first_name=f"คน{i}") for i in range(3)]
    with_case = case_open(actor=officer, person=_person(officer, first_name="มีแล้ว"))
    merged_away = _person(officer, first_name="ซ้ำ")
    Person.objects.filter(pk=merged_away.pk).update(status="duplicate")
    migration.open_cases(apps, None)
    assert "Cases opened for 3 registered persons" in capsys.readouterr().out
    assert all(Case.objects.filter(person=p, status="reported").count() == 1 for p in without)
    assert Case.objects.filter(person=with_case.person).count() == 1
    assert not Case.objects.filter(person=merged_away).exists()
    migration.remove_opened(apps, None)  # the reverse removes exactly those
    assert Case.objects.count() == 1
