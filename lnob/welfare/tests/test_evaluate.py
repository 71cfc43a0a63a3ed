"""The stored eligibility: kept in step as persons, facts and benefits change,
and the same after a full evaluation."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.services import household_start, person_update
from lnob.testing.persons import person_data
from lnob.welfare import services
from lnob.welfare.evaluate import evaluate_all, evaluate_persons
from lnob.welfare.models import Eligibility, Scheme, SchemeVersion
from lnob.welfare.selectors import counts

from .conftest import years_ago

pytestmark = pytest.mark.django_db


def answers(person: Person) -> dict[str, tuple[str, str, int | None, bool]]:
    return {e.scheme.code: (e.result, e.missing, e.amount_baht, e.receiving)
            for e in Eligibility.objects.filter(person=person).select_related("scheme")}


def test_a_new_elder_is_eligible_for_the_old_age_allowance_at_once(elder: Person) -> None:
    assert answers(elder)["old_age_allowance"] == ("eligible", "", 700, False)


def test_a_person_without_birth_date_cannot_tell_missing_birth_date(
        make_person: Callable[..., Person]) -> None:
    person = make_person()
    result = answers(person)
    assert result["old_age_allowance"][:2] == ("cannot_tell", "birth_date")
    assert result["disability_allowance"][:2] == ("cannot_tell", "disability_registered")


def test_a_young_adult_has_no_row_for_age_schemes(make_person: Callable[..., Person]) -> None:
    person = make_person(birth_date=years_ago(30))
    assert "old_age_allowance" not in answers(person)
    assert "child_support_grant" not in answers(person)


def test_changing_the_birth_date_updates_the_answer(officer: User, elder: Person) -> None:
    person_update(actor=officer, person=elder, expected_version=elder.version,
                  data=person_data(first_name="บุญมี", birth_date=years_ago(40), citizen_id="",
                                   no_citizen_id_reason="unknown"))
    assert "old_age_allowance" not in answers(elder)


def test_facts_and_benefits_update_the_answer(officer: User, elder: Person,
                                              old_age: Scheme) -> None:
    services.facts_set(actor=officer, person=elder, disability_registered="yes",
                       income_band="lt30k")
    result = answers(elder)
    assert result["disability_allowance"] == ("eligible", "", 800, False)
    assert result["state_welfare_card"] == ("eligible", "", 300, False)
    services.benefit_record(actor=officer, person=elder, scheme=old_age,
                            since=datetime.date(2024, 1, 1), amount_baht=700)
    assert answers(elder)["old_age_allowance"][3] is True


def test_a_child_in_a_poor_household(officer: User, make_person: Callable[..., Person]) -> None:
    child = make_person(first_name="ด.ช.หนึ่ง", birth_date=years_ago(2))
    assert answers(child)["child_support_grant"][:2] == ("cannot_tell", "income")
    services.facts_set(actor=officer, person=child, disability_registered="no",
                       income_band="30k_100k")
    assert answers(child)["child_support_grant"] == ("eligible", "", 600, False)


def test_household_members_are_reevaluated_with_the_one_who_changed(
        officer: User, make_person: Callable[..., Person]) -> None:
    mother = make_person(first_name="แม่", birth_date=years_ago(30))
    household = household_start(actor=officer, head=mother)
    child = make_person(first_name="ลูก", birth_date=years_ago(3), household_id=household.pk)
    rule = {"child_age": {"below": 6}}
    scheme = Scheme.objects.create(code="family_test", name_th="ทดสอบ", name_en="Test",
                                   provider_kind="ministry", benefit_kind="one_off")
    SchemeVersion.objects.create(scheme=scheme, fiscal_year=2569,
                                 effective_from=datetime.date(2025, 10, 1), rule=rule)
    evaluate_persons([mother.pk])
    assert answers(mother)["family_test"][0] == "eligible"
    person_update(actor=officer, person=child, expected_version=child.version,
                  data=person_data(first_name="ลูก", birth_date=years_ago(10), citizen_id="",
                                   no_citizen_id_reason="unknown", household_id=household.pk))
    assert "family_test" not in answers(mother)


def test_full_evaluation_gives_the_same_rows_as_the_incremental_ones(
        officer: User, elder: Person, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สอง")
    make_person(first_name="สาม", birth_date=years_ago(95))
    services.facts_set(actor=officer, person=elder, disability_registered="yes",
                       income_band="")
    before = sorted(Eligibility.objects.values_list(
        "person_id", "scheme_id", "result", "missing", "amount_baht", "receiving"))
    report = evaluate_all()
    after = sorted(Eligibility.objects.values_list(
        "person_id", "scheme_id", "result", "missing", "amount_baht", "receiving"))
    assert before == after
    assert report.persons == 3 and report.rows == len(after)


def test_a_new_version_applies_from_its_date_and_the_old_one_before(
        admin: User, elder: Person, old_age: Scheme) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    services.scheme_version_add(actor=admin, scheme=old_age, fiscal_year=2570,
                                effective_from=tomorrow, rule={"age": {"from": 80}},
                                amount_baht=900)
    evaluate_persons([elder.pk])  # today: the old version, 75 is eligible
    assert answers(elder)["old_age_allowance"][0] == "eligible"
    evaluate_persons([elder.pk], on=tomorrow)  # the new one: 75 is too young
    assert "old_age_allowance" not in answers(elder)
    evaluate_persons([elder.pk])
    row = Eligibility.objects.get(person=elder, scheme=old_age)
    assert row.version.effective_from == datetime.date(2025, 10, 1)


def test_counts_per_area(officer: User, elder: Person, old_age: Scheme,
                         make_person: Callable[..., Person]) -> None:
    make_person(first_name="สอง", birth_date=years_ago(61))
    services.benefit_record(actor=officer, person=elder, scheme=old_age, since=None)
    row = next(c for c in counts("84") if c.scheme.code == "old_age_allowance")
    assert (row.eligible, row.receiving, row.eligible_not_receiving) == (2, 1, 1)
    assert next(c for c in counts("81") if c.scheme.code == "old_age_allowance").eligible == 0


def test_a_restriction_takes_the_person_out_of_the_answers_and_lifting_it_puts_them_back(
        officer: User, elder: Person, old_age: Scheme) -> None:
    from lnob.registry.services import person_restrict

    def eligible() -> int:
        return next(c for c in counts("84") if c.scheme.code == old_age.code).eligible

    assert eligible() == 1
    person_restrict(actor=officer, person=elder, restricted=True, reason="PDPA s.34")
    assert not Eligibility.objects.filter(person=elder).exists() and eligible() == 0
    person_restrict(actor=officer, person=elder, restricted=False, reason="lifted")
    assert Eligibility.objects.get(person=elder, scheme=old_age).result == "eligible"
    assert eligible() == 1
