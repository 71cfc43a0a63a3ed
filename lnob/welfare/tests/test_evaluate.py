"""The stored eligibility: kept in step as persons, facts and benefits change,
and the same after a full evaluation."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lnob.core.models import User
from lnob.registry.models import Person
from lnob.registry.services import household_start, person_update
from lnob.testing.persons import person_data
from lnob.welfare import services
from lnob.welfare.evaluate import evaluate_all, evaluate_persons
from lnob.welfare.models import Eligibility, Scheme, SchemeVersion, WelfareFacts
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


def stored() -> dict[tuple[int, str], tuple[int, str, str, int | None, bool]]:
    """(person, scheme) → (row id, result, missing, amount, receiving)."""
    return {(e.person_id, e.scheme.code): (e.pk, e.result, e.missing, e.amount_baht, e.receiving)
            for e in Eligibility.objects.select_related("scheme")}


def test_a_rerun_rewrites_only_what_changed_and_gives_the_answers_of_a_fresh_run(
        officer: User, elder: Person, make_person: Callable[..., Person]) -> None:
    unknown = make_person(first_name="ไม่รู้วันเกิด")
    child = make_person(first_name="ด.ญ.สอง", birth_date=years_ago(2))
    gone = make_person(first_name="ลบแล้ว", birth_date=years_ago(70))
    services.facts_set(actor=officer, person=child, disability_registered="no",
                       income_band="30k_100k")
    evaluate_all()
    before = stored()
    # Changes that bypass the services (as a bulk load would): the table is
    # now out of step for the elder, the child and the erased person only.
    Person.objects.filter(pk=elder.pk).update(birth_date=years_ago(40))
    WelfareFacts.objects.filter(person=child).update(income_band="ge100k")
    Person.objects.filter(pk=gone.pk).update(erased_at=timezone.now())
    report = evaluate_all()
    after = stored()
    # The person whose facts did not change keeps the very same rows.
    assert {k: v for k, v in after.items() if k[0] == unknown.pk} == {
        k: v for k, v in before.items() if k[0] == unknown.pk}
    assert (elder.pk, "old_age_allowance") in before
    assert (elder.pk, "old_age_allowance") not in after
    assert before[(child.pk, "child_support_grant")][1] == "eligible"
    assert (child.pk, "child_support_grant") not in after
    assert not any(p == gone.pk for p, _ in after)
    changed = {k for k in before if before[k] != after.get(k)} | {
        k for k in after if k not in before}
    assert report.deleted + report.inserted == len(
        [k for k in changed if k in before]) + len([k for k in changed if k in after])
    assert 0 < report.inserted + report.deleted < len(before)
    # The same answers as evaluating everyone into an empty table.
    Eligibility.objects.all().delete()
    evaluate_all()
    assert {k: v[1:] for k, v in stored().items()} == {k: v[1:] for k, v in after.items()}


def test_a_rerun_with_nothing_changed_writes_nothing(
        elder: Person, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สอง")
    evaluate_all()
    before = stored()
    report = evaluate_all()
    assert (report.inserted, report.deleted) == (0, 0)
    assert report.rows == len(before) and stored() == before


def test_a_rerun_on_a_later_day_keeps_the_unchanged_answers_and_their_day(
        elder: Person, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สอง")
    evaluate_all()
    before = stored()
    today = timezone.localdate()
    report = evaluate_all(on=today + datetime.timedelta(days=1))
    assert stored() == before
    assert set(Eligibility.objects.values_list("evaluated_on", flat=True)) == {today}
    assert report.inserted == report.deleted == 0


def test_a_province_run_leaves_the_other_provinces_alone(
        admin: User, elder: Person, make_person: Callable[..., Person]) -> None:
    krabi = make_person(actor=admin, first_name="กระบี่", birth_date=years_ago(80),
                        subdistrict_code="810101")
    Person.objects.filter(pk__in=[elder.pk, krabi.pk]).update(birth_date=years_ago(20))
    report = evaluate_all(province_code="84")
    assert report.persons == 1
    assert "old_age_allowance" not in answers(elder)
    # Krabi's person was not evaluated: its stored answer is as it was.
    assert Eligibility.objects.get(person=krabi, scheme__code="old_age_allowance").result == (
        "eligible")


def test_a_person_moved_in_from_another_province_is_rewritten_by_the_province_run(
        elder: Person) -> None:
    Person.objects.filter(pk=elder.pk).update(subdistrict_id="810101", province_code="81",
                                              district_code="8101")
    evaluate_all(province_code="81")
    assert set(Eligibility.objects.filter(person=elder).values_list(
        "province_code", flat=True)) == {"81"}


def test_one_persons_change_is_evaluated_in_five_queries(
        officer: User, elder: Person, make_person: Callable[..., Person],
        django_assert_max_num_queries: Any) -> None:
    household = household_start(actor=officer, head=elder)
    make_person(first_name="หลาน", birth_date=years_ago(3), household_id=household.pk)
    evaluate_persons([elder.pk])
    with django_assert_max_num_queries(5):
        evaluate_persons([elder.pk])
    assert answers(elder)["old_age_allowance"][0] == "eligible"


def test_a_new_version_rewrites_the_rows_of_its_scheme_and_only_those(
        admin: User, elder: Person, old_age: Scheme, make_person: Callable[..., Person]) -> None:
    make_person(first_name="สอง", birth_date=years_ago(65))
    make_person(first_name="สาม")
    evaluate_all()
    before = stored()
    version = services.scheme_version_add(
        actor=admin, scheme=old_age, fiscal_year=2570, effective_from=timezone.localdate(),
        rule={"age": {"from": 60}}, amount_baht=1000)
    report = evaluate_all()
    after = stored()
    old_age_rows = [k for k in before if k[1] == old_age.code]
    assert report.inserted == len(old_age_rows) == 3 and report.deleted == 0
    assert {k: v for k, v in after.items() if k[1] != old_age.code} == {
        k: v for k, v in before.items() if k[1] != old_age.code}
    assert set(Eligibility.objects.filter(scheme=old_age).values_list(
        "version_id", flat=True)) == {version.pk}
    assert after[(elder.pk, old_age.code)][1:] == ("eligible", "", 1000, False)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SchemeVersion.objects.create(scheme=old_age, fiscal_year=2570, effective_from=tomorrow,
                                 rule={"age": {"from": 60}}, amount_baht=1100)
    evaluate_all(on=tomorrow)
    # A rewritten answer carries the day of the run that rewrote it.
    assert Eligibility.objects.get(person=elder, scheme=old_age).evaluated_on == tomorrow
    assert {k: v for k, v in stored().items() if k[1] != old_age.code} == {
        k: v for k, v in before.items() if k[1] != old_age.code}
    after = stored()
    # The same as a fresh run into an empty table.
    Eligibility.objects.all().delete()
    evaluate_all(on=tomorrow)
    assert {k: v[1:] for k, v in stored().items()} == {k: v[1:] for k, v in after.items()}
