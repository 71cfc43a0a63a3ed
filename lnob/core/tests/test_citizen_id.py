"""Thai citizen IDs: check digit, normalising, formatting and masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lnob.core.citizen_id import (
    CitizenIdError,
    check_digit,
    format_citizen_id,
    is_valid_citizen_id,
    mask_citizen_id,
    normalise_citizen_id,
)

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
WEIGHTS = [14 - i for i in range(1, 13)]  # 13, 12, …, 2

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def with_check_digit(first12: str) -> str:
    return first12 + str(check_digit(first12))


valid_ids = twelve_digits.map(with_check_digit)


# --- The check digit ----------------------------------------------------------------------


def test_the_check_digit_of_the_worked_example_is_1() -> None:
    # 1·13 + 2·12 + 3·11 + 4·10 + 5·9 + 6·8 + 7·7 + 8·6 + 9·5 + 0·4 + 1·3 + 2·2 = 352;
    # 352 mod 11 = 0; (11 − 0) mod 10 = 1.
    assert check_digit("123456789012") == 1


def test_a_weighted_sum_of_1_mod_11_gives_check_digit_0() -> None:
    # 6·2 = 12 ≡ 1 (mod 11); (11 − 1) mod 10 = 0.
    assert check_digit("000000000006") == 0


@pytest.mark.parametrize(
    "bad", ["", "12345678901", "1234567890123", "12345678901x", "๑๒๓๔๕๖๗๘๙๐๑๒"]
)
def test_check_digit_wants_exactly_twelve_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


@given(twelve_digits)
def test_any_twelve_digits_with_their_computed_check_digit_are_valid(first12: str) -> None:
    citizen_id = with_check_digit(first12)
    assert is_valid_citizen_id(citizen_id)
    assert normalise_citizen_id(citizen_id) == citizen_id


@given(twelve_digits.map(lambda digits: "0" + digits[1:]).map(with_check_digit))
def test_it_accepts_ids_starting_with_zero(citizen_id: str) -> None:
    assert citizen_id.startswith("0")
    assert is_valid_citizen_id(citizen_id)
    assert normalise_citizen_id(citizen_id) == citizen_id


def test_it_accepts_the_all_zero_id_with_its_check_digit() -> None:
    assert normalise_citizen_id("0-0000-00000-00-1") == "0000000000001"


@given(valid_ids, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_always_invalidates(citizen_id: str, shift: int) -> None:
    changed = citizen_id[:12] + str((int(citizen_id[12]) + shift) % 10)
    assert not is_valid_citizen_id(changed)
    with pytest.raises(CitizenIdError) as caught:
        normalise_citizen_id(changed)
    assert caught.value.code == "check_digit"


@given(valid_ids, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_invalidates_except_in_the_schemes_blind_spots(
    citizen_id: str, position: int, shift: int
) -> None:
    """The official scheme cannot catch every single-digit change, and we must not pretend
    it does: the 3rd digit has weight 11 (≡ 0 mod 11), and weighted sums ≡ 0 and ≡ 10
    (mod 11) both give check digit 1. Every other single-digit change is caught."""
    old = int(citizen_id[position])
    new = (old + shift) % 10
    changed = citizen_id[:position] + str(new) + citizen_id[position + 1 :]
    before = sum(int(d) * w for d, w in zip(citizen_id[:12], WEIGHTS, strict=True)) % 11
    after = (before + WEIGHTS[position] * (new - old)) % 11
    blind_spot = WEIGHTS[position] == 11 or {before, after} == {0, 10}
    assert is_valid_citizen_id(changed) is blind_spot


def test_the_third_digit_is_not_protected_by_the_check_digit() -> None:
    # Known weakness of the official scheme (weight 11): both IDs are valid.
    assert is_valid_citizen_id("1234567890121")
    assert is_valid_citizen_id("1204567890121")


# --- Forms people type --------------------------------------------------------------------


@given(valid_ids)
def test_dashed_spaced_and_thai_digit_forms_normalise_to_the_same_digits(citizen_id: str) -> None:
    dashed = format_citizen_id(citizen_id)
    forms = [
        dashed,
        dashed.replace("-", " "),
        dashed.replace("-", " - "),
        f"  {citizen_id}\n",
        citizen_id.translate(THAI_DIGITS),
        dashed.translate(THAI_DIGITS),
        citizen_id[:6] + citizen_id[6:].translate(THAI_DIGITS),  # Thai and Arabic mixed
        dashed.replace("-", "\u2013"),  # en dash, as phones autocorrect
        dashed.replace("-", "\u200b"),  # zero-width space, common in Thai text
    ]
    for form in forms:
        assert normalise_citizen_id(form) == citizen_id, form
        assert is_valid_citizen_id(form), form


@pytest.mark.parametrize(
    "text",
    [
        "1-2345-67890-12-1",
        "1 2345 67890 12 1",
        "1234567890121",
        "๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑",
        "๑๒๓๔๕๖๗๘๙๐๑๒๑",
        " 1-2345-67890-12-1 ",
    ],
)
def test_it_normalises_the_usual_ways_of_writing_an_id(text: str) -> None:
    assert normalise_citizen_id(text) == "1234567890121"


# --- Format and mask ----------------------------------------------------------------------


def test_it_formats_in_groups_of_1_4_5_2_1() -> None:
    assert format_citizen_id("1234567890121") == "1-2345-67890-12-1"


def test_it_masks_all_but_the_last_three_digits() -> None:
    assert mask_citizen_id("1234567890121") == "x-xxxx-xxxxx-12-1"


def test_it_formats_and_masks_an_id_with_a_wrong_check_digit_from_old_records() -> None:
    assert format_citizen_id("1234567890122") == "1-2345-67890-12-2"
    assert mask_citizen_id("1234567890122") == "x-xxxx-xxxxx-12-2"


@given(valid_ids)
def test_format_and_normalise_round_trip(citizen_id: str) -> None:
    formatted = format_citizen_id(citizen_id)
    assert normalise_citizen_id(formatted) == citizen_id
    assert format_citizen_id(formatted) == formatted
    assert format_citizen_id(citizen_id.translate(THAI_DIGITS)) == formatted


@given(valid_ids)
def test_the_mask_keeps_the_shape_and_only_the_last_three_digits(citizen_id: str) -> None:
    formatted = format_citizen_id(citizen_id)
    masked = mask_citizen_id(citizen_id)
    assert masked == mask_citizen_id(formatted)
    assert masked == "x-xxxx-xxxxx-" + formatted[-4:]
    assert len(masked) == len(formatted)
    assert [i for i, c in enumerate(masked) if c == "-"] == [
        i for i, c in enumerate(formatted) if c == "-"
    ]
    assert sum(c.isdigit() for c in masked) == 3


# --- Refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "length"),
        ("   ", "length"),
        ("123456789012", "length"),  # 12 digits
        ("12345678901211", "length"),  # 14 digits
        ("1-2345-67890-12", "length"),
        ("1234567890abc", "digits"),
        ("1.2345.67890.12.1", "digits"),
        ("1/2345/67890/12/1", "digits"),
        ("ID 1234567890121", "digits"),
        ("١٢٣٤٥٦٧٨٩٠١٢١", "digits"),  # Arabic-Indic digits are not Thai digits
        ("1234567890122", "check_digit"),
        ("1-2345-67890-12-0", "check_digit"),
        ("๑๒๓๔๕๖๗๘๙๐๑๒๒", "check_digit"),
        ("0000000000000", "check_digit"),
    ],
)
def test_it_refuses_bad_ids_with_a_code(text: str, code: str) -> None:
    with pytest.raises(CitizenIdError) as caught:
        normalise_citizen_id(text)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)
    assert not is_valid_citizen_id(text)


@pytest.mark.parametrize(
    ("text", "count"), [("", 0), ("123", 3), ("12345678901211", 14), ("๑๒๓", 3)]
)
def test_a_length_error_says_how_many_digits_were_given(text: str, count: int) -> None:
    with pytest.raises(CitizenIdError) as caught:
        normalise_citizen_id(text)
    assert caught.value.code == "length"
    assert caught.value.params == {"count": count}


def test_a_digits_error_names_the_character_to_remove() -> None:
    with pytest.raises(CitizenIdError) as caught:
        normalise_citizen_id("1234567890/121")
    assert caught.value.code == "digits"
    assert caught.value.params == {"character": "/"}


@pytest.mark.parametrize(("text", "code"), [("123", "length"), ("12345678901a1", "digits")])
def test_format_and_mask_refuse_what_is_not_13_digits(text: str, code: str) -> None:
    for function in (format_citizen_id, mask_citizen_id):
        with pytest.raises(CitizenIdError) as caught:
            function(text)
        assert caught.value.code == code
