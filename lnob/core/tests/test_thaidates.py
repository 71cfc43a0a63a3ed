"""Dates the Thai way: BE years, Thai month names and digits, day first."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lnob.core.thaidates import (
    ENGLISH_MONTHS,
    ENGLISH_MONTHS_ABBR,
    THAI_MONTHS,
    THAI_MONTHS_ABBR,
    ParsedDate,
    ThaiDateError,
    be_year,
    ce_year,
    format_date,
    format_datetime,
    format_year,
    parse_date,
    to_arabic_digits,
    to_thai_digits,
)

D = datetime.date
NOV_6_2006 = D(2006, 11, 6)
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31))
ICT = datetime.timezone(datetime.timedelta(hours=7))


# --- Round trips --------------------------------------------------------------------------


@given(st.integers(min_value=-10_000, max_value=10_000))
def test_be_and_ce_years_round_trip(year: int) -> None:
    assert ce_year(be_year(year)) == year
    assert be_year(year) - year == 543


@given(st.text())
def test_thai_and_arabic_digits_round_trip(text: str) -> None:
    arabic = to_arabic_digits(text)
    assert to_arabic_digits(to_thai_digits(arabic)) == arabic
    assert not any(c in "0123456789" for c in to_thai_digits(text))
    assert not any(c in "๐๑๒๓๔๕๖๗๘๙" for c in to_arabic_digits(text))


@given(dates)
def test_a_date_formatted_in_thai_parses_back_to_the_same_date(d: datetime.date) -> None:
    assert parse_date(format_date(d, "th")) == ParsedDate(d, year_only=False)


@given(dates)
def test_a_date_formatted_in_thai_with_thai_digits_parses_back(d: datetime.date) -> None:
    assert parse_date(to_thai_digits(format_date(d, "th"))).value == d


@given(dates)
def test_a_date_formatted_in_english_parses_back_to_the_same_date(d: datetime.date) -> None:
    assert parse_date(format_date(d, "en")) == ParsedDate(d, year_only=False)


@given(dates)
def test_numeric_be_and_iso_forms_parse_back_to_the_same_date(d: datetime.date) -> None:
    be = be_year(d.year)
    for text in (
        f"{d.day}/{d.month}/{be}",
        f"{d.day:02d}-{d.month:02d}-{be}",
        f"{d.day}.{d.month}.{be}",
        f"{be}-{d.month:02d}-{d.day:02d}",
        d.isoformat(),
        to_thai_digits(f"{d.day}/{d.month}/{be}"),
        f"{d.day} {THAI_MONTHS[d.month - 1]} พ.ศ. {be}",
        f"{ENGLISH_MONTHS[d.month - 1]} {d.day}, {d.year}",
    ):
        assert parse_date(text).value == d, text


@given(dates)
def test_a_formatted_year_parses_back_as_a_year_only_date(d: datetime.date) -> None:
    for lang in ("th", "en"):
        parsed = parse_date(format_year(d, lang), allow_year_only=True)
        assert parsed == ParsedDate(D(d.year, 1, 1), year_only=True)


# --- Accepted forms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # day first, numeric, BE
        "6/11/2549",
        "06/11/2549",
        "06-11-2549",
        "6.11.2549",
        "6 11 2549",
        "6 / 11 / 2549",
        "6/11/พ.ศ. 2549",
        # day first, numeric, CE
        "6/11/2006",
        # year first (ISO order)
        "2549-11-06",
        "2549-11-6",
        "2006-11-06",
        "2006/11/06",
        # Thai month names, abbreviated with or without dots, 2- or 4-digit BE year
        "6 พ.ย. 49",
        "6 พ.ย. 2549",
        "6 พ.ย 2549",
        "6 พย 2549",
        "6 พย. 49",
        "6พ.ย.2549",
        "06 พ.ย. 2549",
        # Thai month names in full, with or without พ.ศ.
        "6 พฤศจิกายน 2549",
        "6 พฤศจิกายน พ.ศ. 2549",
        "6 พฤศจิกายน พ.ศ.2549",
        "6 พฤศจิกายน พศ 2549",
        "6 พฤศจิกายน 49",
        "วันที่ 6 พฤศจิกายน พ.ศ. 2549",
        "6 พฤศจิกา 2549",  # colloquial short name
        # Thai digits, and Thai and Arabic mixed
        "๖ พฤศจิกายน ๒๕๔๙",
        "๖ พ.ย. ๔๙",
        "๖/๑๑/๒๕๔๙",
        "6/๑๑/25๔๙",
        "๒๕๔๙-๑๑-๐๖",
        # English month names
        "6 Nov 2006",
        "6 Nov. 2006",
        "6 November 2006",
        "6-Nov-2006",
        "6 nov 2006",
        "November 6, 2006",
        "November 6 2006",
        "Nov 6, 2006",
        "6 November 2549",  # a year ≥ 2400 is BE whatever the month's language
        "6 November B.E. 2549",
        "6 Nov 2006 AD",
        # surrounding and odd whitespace
        "  6/11/2549  ",
        "\t6\u00a0พ.ย.\u00a02549\n",
        "6\u200bพ.ย.\u200b2549",
    ],
)
def test_it_accepts_the_usual_ways_of_writing_6_november_2006(text: str) -> None:
    assert parse_date(text) == ParsedDate(NOV_6_2006, year_only=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 ม.ค. 2500", D(1957, 1, 1)),
        ("29 ก.พ. 2547", D(2004, 2, 29)),  # leap year, counted in CE
        ("29/2/2547", D(2004, 2, 29)),
        ("15 มี.ค. 2567", D(2024, 3, 15)),
        ("13 เม.ย. 2567", D(2024, 4, 13)),
        ("1 พ.ค. 2567", D(2024, 5, 1)),
        ("30 มิ.ย. 2567", D(2024, 6, 30)),
        ("28 ก.ค. 2567", D(2024, 7, 28)),
        ("28 กรกฏาคม 2567", D(2024, 7, 28)),  # the common misspelling
        ("12 ส.ค. 2567", D(2024, 8, 12)),
        ("30 ก.ย. 2567", D(2024, 9, 30)),
        ("13 ต.ค. 2567", D(2024, 10, 13)),
        ("31 ธ.ค. 2567", D(2024, 12, 31)),
        ("5 ธันวาคม 2530", D(1987, 12, 5)),
        ("1 กุมภาพันธ์ 2520", D(1977, 2, 1)),
        ("1 Sept 2020", D(2020, 9, 1)),
        ("1/1/2400", D(1857, 1, 1)),  # the smallest BE year
        ("1/1/1850", D(1850, 1, 1)),  # the smallest CE year
        ("31/12/2200", D(2200, 12, 31)),  # the largest CE year
        ("31/12/2743", D(2200, 12, 31)),  # the largest BE year
        ("6 พ.ย. 06", D(1963, 11, 6)),  # 2-digit year by a Thai month is BE 25xx
        ("6 November พ.ศ. 49", D(2006, 11, 6)),  # ... and so is one after พ.ศ.
    ],
)
def test_it_reads_thai_month_names_and_year_boundaries(text: str, expected: datetime.date) -> None:
    assert parse_date(text).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2549", D(2006, 1, 1)),
        ("พ.ศ. 2549", D(2006, 1, 1)),
        ("พ.ศ.2549", D(2006, 1, 1)),
        ("๒๕๔๙", D(2006, 1, 1)),
        ("1950", D(1950, 1, 1)),
        ("ค.ศ. 1950", D(1950, 1, 1)),
        (" 2549 ", D(2006, 1, 1)),
    ],
)
def test_it_accepts_a_year_alone_when_allowed(text: str, expected: datetime.date) -> None:
    assert parse_date(text, allow_year_only=True) == ParsedDate(expected, year_only=True)


def test_a_full_date_is_not_year_only_even_when_year_only_is_allowed() -> None:
    assert parse_date("6/11/2549", allow_year_only=True) == ParsedDate(NOV_6_2006, False)


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "allow_year_only", "code"),
    [
        # empty
        ("", False, "empty"),
        ("   ", False, "empty"),
        ("\u200b", True, "empty"),
        # not a date we can read
        ("hello", False, "unrecognised"),
        ("6/11", False, "unrecognised"),
        ("พ.ย. 2549", False, "unrecognised"),
        ("6 Foo 2549", False, "unrecognised"),
        ("6/11-2549", False, "unrecognised"),
        ("6/11/2549 14:05", False, "unrecognised"),
        ("2549-11-06T00:00", False, "unrecognised"),
        ("Nov 2006", False, "unrecognised"),
        ("พ.ศ. 2549 ค.ศ.", True, "unrecognised"),
        # impossible dates
        ("31/2/2549", False, "impossible"),
        ("29/2/2548", False, "impossible"),
        ("31/4/2549", False, "impossible"),
        ("0/11/2549", False, "impossible"),
        ("6/13/2549", False, "impossible"),
        ("6/0/2549", False, "impossible"),
        ("11/26/2006", False, "impossible"),  # month first is not Thai
        ("2549-13-06", False, "impossible"),
        ("32 พ.ย. 2549", False, "impossible"),
        ("31 พฤศจิกายน 2549", False, "impossible"),
        # ambiguous: a 2-digit year without a Thai month name — refuse, do not guess
        ("6/11/49", False, "ambiguous"),
        ("06-11-06", False, "ambiguous"),
        ("6.11.49", False, "ambiguous"),
        ("6/11/9", False, "ambiguous"),
        ("6 Nov 06", False, "ambiguous"),
        ("November 6, 06", False, "ambiguous"),
        ("6 พ.ย. ค.ศ. 06", False, "ambiguous"),
        ("49", True, "ambiguous"),
        # year out of range
        ("6/11/549", False, "year_range"),
        ("6/11/1849", False, "year_range"),
        ("6/11/2201", False, "year_range"),
        ("6/11/2300", False, "year_range"),
        ("6/11/2399", False, "year_range"),
        ("6/11/2744", False, "year_range"),
        ("6/11/25490", False, "year_range"),
        ("1000-11-06", False, "year_range"),
        ("6 พ.ย. 549", False, "year_range"),
        ("6 พฤศจิกายน พ.ศ. 2006", False, "year_range"),  # พ.ศ. 2006 is CE 1463
        ("6 Nov ค.ศ. 2549", False, "year_range"),  # CE 2549
        ("2300", True, "year_range"),
        ("1849", True, "year_range"),
        # a year alone when a full date is needed
        ("2549", False, "year_only"),
        ("พ.ศ. 2549", False, "year_only"),
        ("1950", False, "year_only"),
    ],
)
def test_it_refuses_with_a_code(text: str, allow_year_only: bool, code: str) -> None:
    with pytest.raises(ThaiDateError) as caught:
        parse_date(text, allow_year_only=allow_year_only)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


def test_an_impossible_date_error_carries_the_day_month_and_year_as_typed() -> None:
    with pytest.raises(ThaiDateError) as caught:
        parse_date("31/2/2549")
    assert caught.value.code == "impossible"
    assert caught.value.params == {"day": 31, "month": 2, "year": "2549"}


def test_an_ambiguous_year_error_carries_the_year_as_typed() -> None:
    with pytest.raises(ThaiDateError) as caught:
        parse_date("6/11/49")
    assert caught.value.code == "ambiguous"
    assert caught.value.params == {"year": "49"}


# --- Formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "lang", "expected"),
    [
        (NOV_6_2006, "th", "6 พ.ย. 2549"),
        (NOV_6_2006, "th-TH", "6 พ.ย. 2549"),
        (NOV_6_2006, "th_TH", "6 พ.ย. 2549"),
        (NOV_6_2006, "TH", "6 พ.ย. 2549"),
        (NOV_6_2006, "en", "6 Nov 2006"),
        (NOV_6_2006, "en-us", "6 Nov 2006"),
        (NOV_6_2006, "", "6 Nov 2006"),
        (D(2024, 1, 31), "th", "31 ม.ค. 2567"),
        (D(2024, 5, 1), "en", "1 May 2024"),
        (D(2024, 12, 25), "th", "25 ธ.ค. 2567"),
    ],
)
def test_it_formats_dates_in_thai_and_english(d: datetime.date, lang: str, expected: str) -> None:
    assert format_date(d, lang) == expected


@given(dates)
def test_thai_dates_use_the_abbreviated_month_be_year_and_arabic_digits(d: datetime.date) -> None:
    day, month, year = format_date(d, "th").split(" ")
    assert day == str(d.day)
    assert month == THAI_MONTHS_ABBR[d.month - 1]
    assert year == str(d.year + 543)
    assert format_date(d, "en").split(" ")[1] == ENGLISH_MONTHS_ABBR[d.month - 1]


@pytest.mark.parametrize(
    ("dt", "lang", "expected"),
    [
        (datetime.datetime(2006, 11, 6, 14, 5, tzinfo=ICT), "th", "6 พ.ย. 2549 14:05"),
        (datetime.datetime(2006, 11, 6, 14, 5, tzinfo=ICT), "en", "6 Nov 2006 14:05"),
        (datetime.datetime(2006, 11, 6, 7, 5, 59, tzinfo=datetime.UTC), "th", "6 พ.ย. 2549 07:05"),
        (datetime.datetime(2024, 1, 1, 0, 0, tzinfo=ICT), "en", "1 Jan 2024 00:00"),
    ],
)
def test_it_formats_datetimes_in_their_own_time_zone(
    dt: datetime.datetime, lang: str, expected: str
) -> None:
    assert format_datetime(dt, lang) == expected


def test_it_does_not_convert_time_zones_itself() -> None:
    utc = datetime.datetime(2006, 11, 6, 20, 0, tzinfo=datetime.UTC)
    assert format_datetime(utc, "th") == "6 พ.ย. 2549 20:00"
    assert format_datetime(utc.astimezone(ICT), "th") == "7 พ.ย. 2549 03:00"


@pytest.mark.parametrize(
    ("lang", "expected"), [("th", "2549"), ("th-th", "2549"), ("en", "2006"), ("fr", "2006")]
)
def test_it_formats_a_year_alone_in_be_for_thai_and_ce_otherwise(lang: str, expected: str) -> None:
    assert format_year(NOV_6_2006, lang) == expected


def test_the_month_name_tables_have_twelve_months_each() -> None:
    for table in (THAI_MONTHS, THAI_MONTHS_ABBR, ENGLISH_MONTHS, ENGLISH_MONTHS_ABBR):
        assert len(table) == 12
    assert THAI_MONTHS[0] == "มกราคม" and THAI_MONTHS[-1] == "ธันวาคม"
    assert THAI_MONTHS_ABBR[0] == "ม.ค." and THAI_MONTHS_ABBR[-1] == "ธ.ค."
