from __future__ import annotations

import datetime

from django import forms
from django.utils import translation

from lnob.core.forms import CitizenIdField, ThaiDateField


class PersonForm(forms.Form):
    citizen_id = CitizenIdField(required=False)
    birth_date = ThaiDateField(required=False, allow_year_only=True)
    visit_date = ThaiDateField()


def test_it_cleans_ids_and_dates_as_people_type_them() -> None:
    form = PersonForm({"citizen_id": "๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑", "birth_date": "2490",
                       "visit_date": "6 พ.ย. 49"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"citizen_id": "1234567890121",
                                 "birth_date": datetime.date(1947, 1, 1),
                                 "visit_date": datetime.date(2006, 11, 6)}


def test_an_id_starting_with_zero_is_accepted() -> None:
    form = PersonForm({"citizen_id": "0-0000-00000-00-1", "visit_date": "1/1/2569"})
    assert form.is_valid(), form.errors


def test_a_wrong_check_digit_is_an_error_under_the_citizen_id_field_in_thai() -> None:
    with translation.override("th"):
        form = PersonForm({"citizen_id": "1-2345-67890-12-2", "visit_date": "6/11/2549"})
        assert not form.is_valid()
        assert list(form.errors) == ["citizen_id"]
        assert form.errors.as_data()["citizen_id"][0].code == "check_digit"
        message = str(form.errors["citizen_id"][0])
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in message)


def test_impossible_and_ambiguous_dates_are_errors_under_their_field() -> None:
    form = PersonForm({"visit_date": "31/2/2549", "birth_date": "6/11/49"})
    assert not form.is_valid()
    codes = {name: errors[0].code for name, errors in form.errors.as_data().items()}
    assert codes == {"visit_date": "impossible", "birth_date": "ambiguous"}


def test_a_date_is_shown_back_in_buddhist_era_on_thai_pages() -> None:
    with translation.override("th"):
        field = PersonForm(initial={"visit_date": datetime.date(2006, 11, 6)})["visit_date"]
        assert 'value="6/11/2549"' in str(field)
    with translation.override("en"):
        field = PersonForm(initial={"visit_date": datetime.date(2006, 11, 6)})["visit_date"]
        assert 'value="6/11/2006"' in str(field)
