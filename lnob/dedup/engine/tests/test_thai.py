"""Thai name text: titles, cleaning, the folded spelling key and the sound key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pythainlp.util import normalize

from lnob.dedup.engine.thai import (
    SOUNDEX_ENGINE,
    TITLE_SEX,
    clean_digits,
    clean_name,
    fold,
    normalise_marks,
    parse_title,
    prepare,
    sound,
    split_title,
)

THAI = st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)


@pytest.mark.parametrize(("typed", "code"), [
    ("นาย", "mr"), ("นาง", "mrs"), ("นางสาว", "miss"), ("น.ส.", "miss"), ("นส.", "miss"),
    ("เด็กชาย", "boy"), ("ด.ช.", "boy"), ("ดช", "boy"), ("เด็กหญิง", "girl"), ("ด.ญ.", "girl"),
    ("พระ", "monk"), ("พระภิกษุ", "monk"), ("สามเณร", "novice"), ("แม่ชี", "nun"),
    ("ว่าที่ร้อยตรี", "rank"), ("Mr.", "mr"), ("MRS", "mrs"), ("  นาย  ", "mr"),
    ("", None), ("ศาสตราจารย์", "other"),
])
def test_title_field_is_mapped_to_a_code(typed: str, code: str | None) -> None:
    assert parse_title(typed) == code


def test_titles_imply_a_sex() -> None:
    assert [TITLE_SEX[c] for c in ("mr", "boy", "monk")] == ["M", "M", "M"]
    assert [TITLE_SEX[c] for c in ("mrs", "miss", "girl")] == ["F", "F", "F"]


@pytest.mark.parametrize(("typed", "expected"), [
    ("นางสาวมาลี", ("miss", "มาลี")),
    ("น.ส.มาลี", ("miss", "มาลี")),
    ("น.ส. มาลี", ("miss", "มาลี")),
    ("ด.ญ.สุดา", ("girl", "สุดา")),
    ("เด็กชายกิตติ", ("boy", "กิตติ")),
    ("นาย สมชาย", ("mr", "สมชาย")),
    ("นายสมชาย", ("mr", "สมชาย")),
    ("นาง สมศรี", ("mrs", "สมศรี")),
    ("นาง นางสาว มาลี", ("mrs", "มาลี")),  # typed twice: all taken off, the first kept
    ("ยาย มา", ("elder_f", "มา")),
    ("Mr. Somchai", ("mr", "somchai")),
    # Names that begin like a title stay whole.
    ("นางนวล", (None, "นางนวล")),
    ("ตาล", (None, "ตาล")),
    ("พระพาย", (None, "พระพาย")),
    ("นาย", (None, "นาย")),  # a title alone is not taken off
    ("สมชาย", (None, "สมชาย")),
])
def test_title_typed_into_the_name_is_taken_off(typed: str, expected: tuple) -> None:
    assert split_title(typed) == expected


def test_cleaning_drops_what_never_tells_people_apart() -> None:
    assert clean_name(" สม\u200bชาย ") == "สมชาย"  # zero-width space, spaces
    assert clean_name("สม  ชาย") == "สมชาย"
    assert clean_name("เเสง") == "แสง"  # two sara e typed for sara ae
    assert clean_name("กํา") == "กำ"  # nikhahit + sara aa typed for sara am
    assert clean_name("ก่ิม") == "กิ่ม"  # tone mark typed before the vowel
    assert clean_name("ดีีี") == "ดี"
    assert clean_name("สมชาย๑") == "สมชาย"  # digits are not part of a name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=THAI, min_size=1, max_size=12))
def test_mark_rules_are_pythainlp_normalize(text: str) -> None:
    # The engine's compiled rules give what pythainlp.util.normalize gives (spaces aside).
    assert normalise_marks(prepare(text)) == normalize(prepare(text)).replace(" ", "")


@pytest.mark.parametrize(("one", "other"), [
    ("สีสุข", "ศรีสุข"[0] + "ีสุข"),  # ศ/ส
    ("ศักดิ์ชัย", "ศักดิชัย"),  # ์ missing
    ("ศักดิ์ชัย", "สักดิ์ชัย"),  # ศ/ส
    ("ษมา", "สมา"),  # ษ/ส
    ("ณัฐพล", "นัฐพล"),  # ณ/น
    ("ณัฐพล", "ณัฐพร"),  # ร/ล
    ("ธนพล", "ทนพล"),  # ท/ธ
    ("วัฒนา", "วัทนา"),  # ฒ/ท
    ("มณฑา", "มณทา"),  # ฑ/ท
    ("ภูมิ", "พูมิ"),  # พ/ภ
    ("สุภาพ", "สูภาพ"),  # ุ/ู
    ("วิไล", "วีไล"),  # ิ/ี
    ("สมใจ", "สมใจ่"),  # a tone mark added
    ("น้ำฝน", "นำฝน"),  # a tone mark dropped
    ("ก้อง", "ก๊อง"),  # another tone mark
    ("จิตต์", "จิตต"),
])
def test_fold_sets_aside_marks_confusables_and_vowel_length(one: str, other: str) -> None:
    assert fold(clean_name(one)) == fold(clean_name(other))


@pytest.mark.parametrize(("one", "other"), [
    ("ศรีสุข", "ศรีสุก"),  # ข and ก sound different
    ("บุญเรือน", "บุญเริอน"),  # ื and ิ are different vowels
    ("สมชาย", "สมชัย"),  # long and short a written differently
    ("มาลี", "มะลิ"),
])
def test_fold_keeps_different_sounds_apart(one: str, other: str) -> None:
    assert fold(clean_name(one)) != fold(clean_name(other))


def test_sound_key_is_lk82_of_the_folded_spelling() -> None:
    assert SOUNDEX_ENGINE == "lk82"
    assert sound(fold("ศรีสุข")) == sound(fold("สีสุก"))
    assert sound(fold("สมชาย")) != sound(fold("สมศรี"))
    assert sound("") == ""


def test_digits_thai_or_arabic_with_separators() -> None:
    assert clean_digits("๑-๒๓๔๕-๖๗๘๙๐-๑๒-๑") == "1234567890121"
    assert clean_digits("1 2345 67890 12 1") == "1234567890121"
    assert clean_digits("abc") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_cleaned_without_error(text: str) -> None:
    name = clean_name(text)
    assert " " not in name
    assert fold(name) == fold(fold(name))  # folding twice changes nothing
    split_title(text)
    parse_title(text)
