"""Thai name text for matching: cleaning, titles, a folded spelling key and a sound key.

Pure functions (no Django). :mod:`lnob.dedup.engine.features` caches their results per
name, because names repeat a great deal (a million records hold about 170 000 spellings).

* :func:`clean_name` — what was typed, minus what never distinguishes two people:
  zero-width characters, spaces, dots, digits, doubled vowels (``เเ`` → ``แ``), a
  decomposed ``ำ`` and the order of tone marks and vowels.
* :func:`split_title` — a title (คำนำหน้า) typed into the name field, taken off and
  mapped to a :data:`TitleCode`.
* :func:`fold` — the spelling key: no tone marks, no ``์`` (and no ``็``), confusable
  consonants and vowel length folded, so ``ศรีสุข``, ``สีสุข`` and ``ศรีสุก`` share one key.
* :func:`sound` — the phonetic key: :func:`pythainlp.soundex` (engine chosen by
  measurement, see ``docs/dedup.md``) of the folded spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

__all__ = [
    "SOUNDEX_ENGINE",
    "TITLE_SEX",
    "TitleCode",
    "clean_digits",
    "clean_name",
    "clean_prepared",
    "fold",
    "known_given_names",
    "letters",
    "normalise_marks",
    "parse_title",
    "prepare",
    "sound",
    "split_title",
]

# Chosen by measurement on the synthetic set (see docs/dedup.md, "Sound key"):
# on the folded spelling, lk82 keeps the most true pairs together per key collision.
SOUNDEX_ENGINE = "lk82"

TitleCode = Literal["mr", "mrs", "miss", "boy", "girl", "monk", "novice", "nun", "rank",
                    "elder_f", "elder_m", "other"]

TITLE_SEX: dict[str, str] = {
    "mr": "M", "boy": "M", "monk": "M", "novice": "M", "elder_m": "M",
    "mrs": "F", "miss": "F", "girl": "F", "nun": "F", "elder_f": "F",
}

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_PREPARE = str.maketrans({**{ord(t): a for t, a in zip("๐๑๒๓๔๕๖๗๘๙", "0123456789",
                                                        strict=True)}, **_ZERO_WIDTH})

# Title spellings → code. "glue": may be written joined to the name (นางสาวมาลี);
# "space": only taken off when a space or a dot follows (ยาย มา, not ตาล).
_TITLES: tuple[tuple[str, TitleCode, str], ...] = (
    # (spelling, code, how it may be joined)
    ("นางสาว", "miss", "glue"), ("น.ส.", "miss", "glue"), ("นส.", "miss", "glue"),
    ("น.ส", "miss", "glue"), ("miss", "miss", "space"), ("ms.", "miss", "space"),
    ("ms", "miss", "space"),
    ("เด็กชาย", "boy", "glue"), ("ด.ช.", "boy", "glue"), ("ดช.", "boy", "glue"),
    ("ด.ช", "boy", "glue"), ("master", "boy", "space"),
    ("เด็กหญิง", "girl", "glue"), ("ด.ญ.", "girl", "glue"), ("ดญ.", "girl", "glue"),
    ("ด.ญ", "girl", "glue"),
    ("นาย", "mr", "short"), ("mr.", "mr", "space"), ("mr", "mr", "space"),
    ("นาง", "mrs", "short"), ("mrs.", "mrs", "space"), ("mrs", "mrs", "space"),
    ("พระภิกษุ", "monk", "glue"), ("พระมหา", "monk", "glue"), ("พระครู", "monk", "glue"),
    ("พระอธิการ", "monk", "glue"), ("ภิกษุ", "monk", "glue"), ("พระ", "monk", "short"),
    ("สามเณร", "novice", "glue"), ("ส.ณ.", "novice", "glue"), ("เณร", "novice", "space"),
    ("แม่ชี", "nun", "glue"),
    ("ว่าที่ร้อยตรีหญิง", "rank", "glue"), ("ว่าที่ร้อยตรี", "rank", "glue"),
    ("ว่าที่ ร.ต.", "rank", "glue"), ("ร.ต.อ.", "rank", "glue"), ("ร.ต.", "rank", "glue"),
    ("จ.ส.อ.", "rank", "glue"), ("จ.ส.ต.", "rank", "glue"), ("ส.อ.", "rank", "glue"),
    ("ส.ต.", "rank", "glue"), ("ด.ต.", "rank", "glue"), ("พลทหาร", "rank", "glue"),
    ("ยาย", "elder_f", "space"), ("ป้า", "elder_f", "space"), ("ตา", "elder_m", "space"),
    ("ลุง", "elder_m", "space"),
    ("ดร.", "other", "glue"), ("คุณ", "other", "space"),
)
# By first character, longest spelling first (so นางสาว wins over นาง).
_TITLES_BY_FIRST: dict[str, tuple[tuple[str, TitleCode, str], ...]] = {}
for _t in sorted(_TITLES, key=lambda t: -len(t[0])):
    _TITLES_BY_FIRST[_t[0][0]] = (*_TITLES_BY_FIRST.get(_t[0][0], ()), _t)
_TITLE_FIELD: dict[str, TitleCode] = {spelling.replace(".", "").replace(" ", ""): code
                for spelling, code, _how in _TITLES}

_TONE_AND_SILENT = dict.fromkeys(map(ord, "\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e47\u0e4d"), None)
# Confusable consonants (same sound) and vowel length, folded to one letter.
_FOLD = str.maketrans({
    "ศ": "ส", "ษ": "ส", "ซ": "ส",
    "ณ": "น",
    "ล": "ร", "ฬ": "ร",
    "ธ": "ท", "ฑ": "ท", "ฒ": "ท", "ถ": "ท", "ฐ": "ท",
    "ภ": "พ", "ผ": "พ",
    "ฝ": "ฟ",
    "ฏ": "ต", "ฎ": "ด",
    "ฌ": "ช", "ฉ": "ช",
    "ข": "ค", "ฃ": "ค", "ฅ": "ค", "ฆ": "ค",
    "ญ": "ย",
    "ฮ": "ห",
    "ี": "ิ", "ู": "ุ", "ื": "ึ",
    "ฤ": "ริ", "ฦ": "ริ",
})
_NOT_NAME = re.compile(r"[^\u0e01-\u0e4ea-z]+")
_SPACES = re.compile(r"\s+")
_THAI_CONSONANT = re.compile(r"[\u0e01-\u0e2ea-z]")


_NOT_DIGIT = re.compile(r"[^0-9]+")


def clean_digits(text: str) -> str:
    """ASCII digits only: Thai digits converted, everything else dropped."""
    if text.isascii() and text.isdigit():
        return text
    return _NOT_DIGIT.sub("", text.translate(_THAI_DIGITS))


@lru_cache(maxsize=1)
def known_given_names() -> frozenset[str]:
    """Given names of pythainlp's corpora (shipped in its wheel): a name such as นางนวล or
    นายณัฐ that begins like a title is left whole."""
    from pythainlp.corpus import thai_female_names, thai_male_names

    corpus = thai_male_names() | thai_female_names()
    return frozenset(" ".join(n.split()) for n in corpus) | _NAMES_LIKE_TITLES


# Given names that begin like a title but are missing from the corpora.
_NAMES_LIKE_TITLES = frozenset({"นางนวล", "นางฟ้า", "นางแย้ม", "นายิกา", "พระพาย", "พระจันทร์"})


def prepare(text: str) -> str:
    """NFC, Thai digits, no zero-width characters, single spaces, lower-case Latin."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.translate(_PREPARE)
    if "\u0e4d\u0e32" in text or "เเ" in text:
        text = text.replace("\u0e4d\u0e32", "\u0e33").replace("เเ", "แ")
    if not text.isascii():
        return _SPACES.sub(" ", text).strip().lower()
    return " ".join(text.split()).lower()


def split_title(text: str) -> tuple[TitleCode | None, str]:
    """``"นางสาวมาลี"`` → ``("miss", "มาลี")``; ``"นางนวล"`` → ``(None, "นางนวล")``.

    A title joined to the name is taken off when the rest is a name: for นาย, นาง and
    พระ joined without a space, only when the whole is not itself a known given name.
    Informal titles (ยาย, ตา, ป้า, ลุง) only when a space follows. Repeated titles
    (``นาง นางสาว มาลี``) are all taken off; the first is returned.
    """
    rest = prepare(text)
    found: TitleCode | None = None
    while rest:
        for spelling, code, how in _TITLES_BY_FIRST.get(rest[0], ()):
            if not rest.startswith(spelling):
                continue
            after = rest[len(spelling):]
            spaced = after[:1] in (" ", ".") or spelling.endswith(".")
            tail = after.lstrip(" .")
            if len(_THAI_CONSONANT.findall(tail)) < 1:
                continue
            if how == "space" and not spaced:
                continue
            if how == "short" and not spaced and (
                    rest in known_given_names() or len(_THAI_CONSONANT.findall(tail)) < 2):
                continue
            found = found or code
            rest = tail
            break
        else:
            break
    return found, rest


@lru_cache(maxsize=10_000)
def parse_title(text: str) -> TitleCode | None:
    """The code of a title typed in the title field (``น.ส.`` → ``"miss"``); None when
    empty, ``"other"`` when not recognised."""
    key = prepare(text).replace(".", "").replace(" ", "")
    if not key:
        return None
    return _TITLE_FIELD.get(key, "other")


# pythainlp's classes: vowels above and below (nikhahit and maitaikhu count as above),
# tone marks, vowels that follow, and other signs.
_ABOVE_BELOW = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e4d\u0e47\u0e38\u0e39"
_TONES = "\u0e48\u0e49\u0e4a\u0e4b"
_FOLLOW = "\u0e30\u0e32\u0e33\u0e45"
_SIGNS = "\u0e3a\u0e4c\u0e4d\u0e4e"
_MARKS = _ABOVE_BELOW + _TONES + _SIGNS
# pythainlp.util.normalize's rules, as a few compiled patterns (it runs a hundred
# re.sub calls per name, which dominates a million records).
_TONE_BEFORE_VOWEL = re.compile(f"([{_TONES}\u0e4c]+)([{_ABOVE_BELOW}]+)")
_NIKHAHIT_AA = re.compile(f"\u0e4d([{_TONES}]*)\u0e32")
_FOLLOW_BEFORE_TONE = re.compile(f"([{_FOLLOW}]+)([{_TONES}]+)")
_LAKKHANGYAO = re.compile("([^\u0e24\u0e26])\u0e45")
_REPEATED = re.compile(f"([{_FOLLOW}\u0e40-\u0e44{_ABOVE_BELOW}{_SIGNS}])\\1+")
_TONE_RUN = re.compile(f"[{_TONES}]{{2,}}")
_DANGLING = re.compile(f"^[{_MARKS}]+")
# Any of the above but the repeats: most names need none, and two searches are cheaper
# than seven substitutions.
_ANY_FIX = re.compile("|".join(p.pattern for p in (
    _TONE_BEFORE_VOWEL, _NIKHAHIT_AA, _FOLLOW_BEFORE_TONE, _LAKKHANGYAO, _TONE_RUN,
    _DANGLING)))


def normalise_marks(text: str) -> str:
    """Thai marks in their standard order, once each: a tone mark typed before an upper
    or lower vowel goes after it, ``ํา`` is ``ำ``, a doubled vowel or sign is one, of
    several tone marks the last stays, marks with no letter before them go (the rules of
    :func:`pythainlp.util.normalize`)."""
    text = text.replace("เเ", "แ")
    if not _ANY_FIX.search(text) and not _REPEATED.search(text):
        return text
    text = _TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    text = _NIKHAHIT_AA.sub("\\1\u0e33", text)
    text = _FOLLOW_BEFORE_TONE.sub(r"\2\1", text)
    text = _LAKKHANGYAO.sub("\\1\u0e32", text)
    text = _REPEATED.sub(r"\1", text)
    text = _TONE_RUN.sub(lambda m: m.group(0)[-1], text)
    return _DANGLING.sub("", text)


def clean_name(text: str) -> str:
    """The name as written, without what never tells two people apart (spaces, dots,
    digits, zero-width characters, doubled vowels, the order of marks)."""
    return clean_prepared(prepare(text))


def clean_prepared(text: str) -> str:
    """:func:`clean_name` of a text already through :func:`prepare`."""
    return normalise_marks(_NOT_NAME.sub("", text))


def fold(name: str) -> str:
    """The spelling key of a cleaned name: tone marks, ``์``, ``็`` and ``ํ`` dropped,
    confusable consonants (ศ/ษ/ซ→ส, ณ→น, ล/ฬ→ร, ธ/ฑ/ฒ/ถ/ฐ→ท, ภ/ผ→พ, ฝ→ฟ, ฏ→ต, ฎ→ด,
    ฌ/ฉ→ช, ข/ฃ/ฅ/ฆ→ค, ญ→ย, ฮ→ห) and vowel length (ี→ิ, ู→ุ, ื→ึ) folded."""
    return name.translate(_TONE_AND_SILENT).translate(_FOLD)


def sound(folded: str) -> str:
    """The phonetic key of a folded name (:data:`SOUNDEX_ENGINE`); "" for no name."""
    if not folded:
        return ""
    return str(_soundex()(folded))


@lru_cache(maxsize=1)
def _soundex() -> Any:
    from pythainlp.soundex import lk82, metasound, prayut_and_somchaip, udom83

    return {"lk82": lk82, "udom83": udom83, "metasound": metasound,
            "prayut_and_somchaip": prayut_and_somchaip}[SOUNDEX_ENGINE]


def letters(name: str) -> int:
    """How many consonants (or Latin letters) a cleaned name has."""
    return len(_THAI_CONSONANT.findall(name))
