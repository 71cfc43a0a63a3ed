"""One place validates a person: a form (through the service) and a row of a
spreadsheet are refused for the same birth date with the same words."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from lnob.core.models import User
from lnob.imports.persons import PersonChecker
from lnob.imports.reading import Table
from lnob.registry import rules
from lnob.registry.services import person_create
from lnob.testing.persons import person_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("born", "typed"), [
    (datetime.date(1870, 1, 1), "1/1/2413"), (datetime.date(2099, 1, 1), "1/1/2642")])
def test_a_form_and_an_import_row_refuse_a_birth_date_with_the_same_words(
        officer: User, born: datetime.date, typed: str) -> None:
    problem = rules.birth_date_problem(born)
    assert problem
    with pytest.raises(ValidationError) as refused:
        person_create(actor=officer, data=person_data(birth_date=born))
    assert refused.value.message_dict["birth_date"] == [problem]
    checked = PersonChecker("84").check(Table(
        headers=["first name", "last name", "birth date", "tambon code"],
        rows=iter([(2, ["สมชาย", "ใจดี", typed, "840503"])])))
    assert [e.message for e in checked.errors if e.column == "birth_date"] == [problem]


def test_names_are_stored_with_single_spaces_by_both_doors() -> None:
    assert rules.clean_name("  สม   ชาย ") == "สม ชาย"
    assert [s for s in range(0, 6) if rules.severity_valid(s)] == [1, 2, 3, 4]
