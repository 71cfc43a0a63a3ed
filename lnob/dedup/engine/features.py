"""A person's record as the engine sees it: :class:`PersonRecord` in, :class:`Features` out.

Pure (no Django). :func:`normalise` turns what was typed into comparable values: title
code and the sex it implies, cleaned/folded/sound keys of both names, the 13 digits of
the citizen ID and whether its check digit holds, the birth date's parts (a year ≥ 2400
is a Buddhist Era year typed where a Christian Era one belonged), phone digits, the
address codes and the house number. It also says when a record is too thin to merge
without a person looking at it.

:func:`blocking_keys` gives the keys under which a record is filed: two records are
compared only when they share one. The same keys are the Splink blocking rules
(:data:`BLOCKING_RULES`), so the single-record look-up and the batch run find the same
pairs.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lnob.dedup.engine.thai import (
    TITLE_SEX,
    clean_digits,
    clean_name,
    clean_prepared,
    fold,
    letters,
    parse_title,
    prepare,
    sound,
    split_title,
)

__all__ = [
    "BLOCKING_RULES",
    "FEATURE_SCHEMA",
    "Features",
    "PersonRecord",
    "RECORD_FIELDS",
    "RECORD_SCHEMA",
    "blocking_keys",
    "check_digit",
    "clear_caches",
    "features_from_row",
    "features_table",
    "keys_of",
    "normalise",
    "normalise_table",
    "records_table",
    "splink_input",
]

BE_OFFSET = 543
ID_LENGTH = 13
THIN_BELOW = 2.0


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One report of a person, with the fields as they were stored.

    ``birth_date`` is a CE date (a year-only date is 1 January with ``birth_year_only``);
    a year ≥ 2400 in it is read as a Buddhist Era year typed in by mistake.
    ``subdistrict`` is the 6-digit DOPA code, ``village`` the 8-digit one.
    """

    record_id: str
    first_name: str
    last_name: str = ""
    title: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    birth_year_only: bool = False
    citizen_id: str = ""
    phone: str = ""
    subdistrict: str = ""
    village: str = ""
    house_number: str = ""


RECORD_FIELDS = tuple(f.name for f in fields(PersonRecord))


class Features(NamedTuple):
    """The comparable form of a :class:`PersonRecord` (one row of the Splink input).

    A named tuple: made once per record, a million times in a batch run."""

    record_id: str
    title: str | None  # a TitleCode
    sex: str | None  # "M" / "F"
    first: str | None  # cleaned, title taken off
    first_fold: str | None
    first_sound: str | None
    last: str | None
    last_fold: str | None
    last_sound: str | None
    dob_y: int | None  # as stored (a BE year typed in as CE stays, e.g. 2490)
    dob_m: int | None  # None for a year-only date
    dob_d: int | None
    dob_year_only: bool
    dob_key: str | None  # "YYYY-MM-DD" or "YYYY", the year read as CE (2490 → 1947)
    cid: str | None  # 13 ASCII digits
    cid_ok: bool  # the check digit holds
    phone: str | None  # 9–10 digits, 0 first
    sd: str | None  # subdistrict
    district: str | None
    village: str | None
    house: str | None
    thin: bool
    thin_reasons: tuple[str, ...]


FEATURE_FIELDS = Features._fields

FEATURE_SCHEMA = pa.schema([
    ("rid", pa.int64()),
    ("record_id", pa.string()),
    ("title", pa.string()), ("sex", pa.string()),
    ("first", pa.string()), ("first_fold", pa.string()), ("first_sound", pa.string()),
    ("last", pa.string()), ("last_fold", pa.string()), ("last_sound", pa.string()),
    ("dob_y", pa.int32()), ("dob_m", pa.int32()), ("dob_d", pa.int32()),
    ("dob_year_only", pa.bool_()), ("dob_key", pa.string()),
    ("cid", pa.string()), ("cid_ok", pa.bool_()),
    ("phone", pa.string()), ("sd", pa.string()), ("district", pa.string()),
    ("village", pa.string()), ("house", pa.string()),
    ("thin", pa.bool_()), ("thin_reasons", pa.string()),
])


_WEIGHTS = tuple(range(13, 1, -1))
_ZERO_SUM = ord("0") * sum(_WEIGHTS)


def check_digit(first12: str) -> int:
    """(11 − Σ dᵢ·(14−i) for i = 1..12 mod 11) mod 10 — as ``lnob.core.citizen_id``,
    repeated here so the engine imports nothing from Django. ``first12``: 12 ASCII digits."""
    total = sum(map(operator.mul, first12.encode("ascii"), _WEIGHTS)) - _ZERO_SUM
    return (11 - total % 11) % 10


_HOUSE_WORDS = re.compile(r"บ้านเลขที่|เลขที่|บ้าน|ที่|no\.?|#")
_HOUSE_KEEP = re.compile(r"[^0-9/a-z\u0e01-\u0e2e-]")


@lru_cache(maxsize=100_000)
def _house(text: str) -> str | None:
    value = _HOUSE_WORDS.sub("", clean_house_text(text))
    value = _HOUSE_KEEP.sub("", value).strip("/-")
    value = re.sub(r"/+", "/", value)
    return value or None


def clean_house_text(text: str) -> str:
    return prepare(text).replace(" ", "")


def _phone(text: str) -> str | None:
    digits = clean_digits(text)
    if digits.startswith("66") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if 9 <= len(digits) <= 10 and digits.startswith("0") else None


@lru_cache(maxsize=200_000)
def _code(text: str, length: int) -> str | None:
    digits = clean_digits(text)
    return digits[:length] if len(digits) >= length else None


def _ce_year(year: int) -> int:
    """A stored year read as CE: 2400 and later are BE typed in as CE."""
    return year - BE_OFFSET if year >= 2400 else year


def _get(record: PersonRecord | Mapping[str, Any], name: str) -> Any:
    if type(record) is PersonRecord:
        return getattr(record, name)
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@lru_cache(maxsize=400_000)
def first_name_parts(text: str) -> tuple[str | None, str | None, str | None, str | None, bool]:
    """(title typed in the name, first name, folded, sound key, has two letters or more)."""
    glued_title, rest = split_title(text)
    first = clean_prepared(rest) or None
    first_fold = fold(first) or None if first else None
    first_sound = sound(first_fold) or None if first_fold else None
    return glued_title, first, first_fold, first_sound, bool(first and letters(first) >= 2)


@lru_cache(maxsize=400_000)
def last_name_parts(text: str) -> tuple[str | None, str | None, str | None]:
    """(surname, folded, sound key)."""
    last = clean_name(text) or None
    last_fold = fold(last) or None if last else None
    return last, last_fold, sound(last_fold) or None if last_fold else None


def clear_caches() -> None:
    """Forget the names worked out so far (after a batch run, to give the memory back)."""
    for cached in (first_name_parts, last_name_parts, _house, _code, parse_title):
        cached.cache_clear()


def _sex(typed: str, title: str | None) -> str | None:
    sex = typed.strip().upper()[:1]
    return sex if sex in ("M", "F") else TITLE_SEX.get(title or "")


def _citizen_id(text: str) -> tuple[str | None, bool]:
    digits = clean_digits(text)
    if len(digits) != ID_LENGTH:
        return None, False
    return digits, check_digit(digits[:12]) == ord(digits[12]) - 48


def _dob_key(year: int, month: int | None, day: int | None) -> str:
    ce = _ce_year(year)
    return f"{ce:04d}" if month is None or day is None else f"{ce:04d}-{month:02d}-{day:02d}"


def _thin(has_cid: bool, dob_y: int | None, year_only: bool, first_ok: bool,
          has_last: bool) -> tuple[bool, tuple[str, ...]]:
    """Too thin: fewer than 2 points of what identifies a person — a citizen ID counts 2,
    a birth date 1 (the year alone ½), a first name of two letters or more 1, a surname 1."""
    points = (2.0 if has_cid else 0.0) + (0.0 if dob_y is None else 0.5 if year_only
                                          else 1.0) \
        + (1.0 if first_ok else 0.0) + (1.0 if has_last else 0.0)
    if points >= THIN_BELOW:
        return False, ()
    return True, tuple(reason for reason, missing in (
        ("no_citizen_id", not has_cid), ("no_birth_date", dob_y is None),
        ("year_only", dob_y is not None and year_only),
        ("short_first_name", not first_ok), ("no_last_name", not has_last)) if missing)


def _village(text: str, sd: str | None) -> str | None:
    village = _code(text, 8)
    return None if village and sd and not village.startswith(sd) else village


def normalise(record: PersonRecord | Mapping[str, Any]) -> Features:
    """The comparable features of one record (a :class:`PersonRecord` or a mapping with
    the same keys; missing keys are empty)."""
    glued_title, first, first_fold, first_sound, first_ok = first_name_parts(
        _text(_get(record, "first_name")))
    last, last_fold, last_sound = last_name_parts(_text(_get(record, "last_name")))
    title = parse_title(_text(_get(record, "title"))) or glued_title

    born = _get(record, "birth_date")
    if isinstance(born, str):
        born = datetime.date.fromisoformat(born[:10]) if born else None
    year_only = bool(_get(record, "birth_year_only"))
    dob_y = dob_m = dob_d = None
    dob_key = None
    if isinstance(born, datetime.date):
        dob_y = born.year
        dob_m = None if year_only else born.month
        dob_d = None if year_only else born.day
        dob_key = _dob_key(dob_y, dob_m, dob_d)
    year_only = year_only and dob_y is not None

    cid, cid_ok = _citizen_id(_text(_get(record, "citizen_id")))
    sd = _code(_text(_get(record, "subdistrict")), 6)
    thin, reasons = _thin(cid is not None, dob_y, year_only, first_ok, last is not None)
    return Features(
        record_id=_text(_get(record, "record_id")), title=title,
        sex=_sex(_text(_get(record, "sex")), title),
        first=first, first_fold=first_fold, first_sound=first_sound,
        last=last, last_fold=last_fold, last_sound=last_sound,
        dob_y=dob_y, dob_m=dob_m, dob_d=dob_d, dob_year_only=year_only,
        dob_key=dob_key, cid=cid, cid_ok=cid_ok,
        phone=_phone(_text(_get(record, "phone"))), sd=sd,
        district=sd[:4] if sd else None,
        village=_village(_text(_get(record, "village")), sd),
        house=_house(_text(_get(record, "house_number"))),
        thin=thin, thin_reasons=reasons)


RECORD_SCHEMA = pa.schema([
    ("record_id", pa.string()), ("first_name", pa.string()), ("last_name", pa.string()),
    ("title", pa.string()), ("sex", pa.string()), ("birth_date", pa.date32()),
    ("birth_year_only", pa.bool_()), ("citizen_id", pa.string()), ("phone", pa.string()),
    ("subdistrict", pa.string()), ("village", pa.string()), ("house_number", pa.string()),
])


def records_table(records: Iterable[PersonRecord]) -> pa.Table:
    """Records as an Arrow table with :data:`RECORD_SCHEMA` (the input of
    :func:`normalise_table`)."""
    rows = list(records)
    columns = {name: [getattr(r, name) for r in rows] for name in RECORD_SCHEMA.names}
    columns["record_id"] = [str(v) for v in columns["record_id"]]
    columns["birth_date"] = [datetime.date.fromisoformat(v[:10]) if isinstance(v, str) and v
                             else (v or None) for v in columns["birth_date"]]
    for name in ("first_name", "last_name", "title", "sex", "citizen_id", "phone",
                 "subdistrict", "village", "house_number"):
        columns[name] = [v if v is None or isinstance(v, str) else str(v)
                         for v in columns[name]]
    return pa.table(columns, schema=RECORD_SCHEMA)


# mapper(fn, values) starts working out fn of each value and returns a function that
# waits for the results: the names can be worked out elsewhere while this process goes on.
Mapper = Callable[[Callable[[str], Any], list[str]], Callable[[], list[Any]]]


def _map(fn: Callable[[str], Any], values: list[str]) -> Callable[[], list[Any]]:
    results = [fn(v) for v in values]
    return lambda: results


def _by_value(column: pa.ChunkedArray | pa.Array, fn: Any, types: Sequence[pa.DataType],
              mapper: Mapper = _map) -> Callable[[], list[pa.Array]]:
    """``fn`` (returning a tuple matching ``types``) of each value of a string column,
    computed once per distinct value (None and "" alike as ""), by ``mapper``; returns a
    function that waits for the columns."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(pc.fill_null(column, ""))
    pending = mapper(fn, encoded.dictionary.to_pylist())

    def columns() -> list[pa.Array]:
        results = pending()
        parts = list(zip(*results, strict=True)) if results else [()] * len(types)
        return [pc.take(pa.array(part, type=t), encoded.indices)
                for part, t in zip(parts, types, strict=True)]

    return columns


def _each(column: pa.ChunkedArray | pa.Array, fn: Callable[[str], Any],
          type_: pa.DataType) -> pa.Array:
    """``fn`` of each value, once per distinct value, here and now."""
    (out,) = _by_value(column, lambda v: (fn(v),), [type_])()
    return out


def _digits(column: pa.Array) -> pa.Array:
    """:func:`clean_digits` of every value (most are plain digits already)."""
    if pc.any(pc.match_substring_regex(column, "[๐-๙]")).as_py():
        for thai, arabic in zip("๐๑๒๓๔๕๖๗๘๙", "0123456789", strict=True):
            column = pc.replace_substring(column, thai, arabic)
    if pc.any(pc.match_substring_regex(column, "[^0-9]")).as_py():
        column = pc.replace_substring_regex(column, "[^0-9]+", "")
    return column


def _check_digits(cid: pa.Array) -> pa.Array:
    """Whether each 13-digit ID's check digit holds (False where there is no ID)."""
    n = len(cid)
    filled = pc.fill_null(cid, "0" * ID_LENGTH).cast(pa.string())
    filled = pa.concat_arrays([filled]) if filled.offset else filled
    offsets = np.frombuffer(filled.buffers()[1], dtype=np.int32)[: n + 1]
    data = np.frombuffer(filled.buffers()[2], dtype=np.uint8)
    digits = data[offsets[0]: offsets[0] + ID_LENGTH * n].reshape(n, ID_LENGTH).astype(np.int64)
    digits -= ord("0")
    total = digits[:, :12] @ np.array(_WEIGHTS, dtype=np.int64)
    ok = (11 - total % 11) % 10 == digits[:, 12]
    return pc.and_(pa.array(ok), pc.is_valid(cid))


def _phones(column: pa.Array) -> pa.Array:
    """:func:`_phone` of every value."""
    digits = _digits(pc.fill_null(column, ""))
    length = pc.utf8_length(digits)
    national = pc.and_(pc.starts_with(digits, "66"),
                       pc.or_(pc.equal(length, 11), pc.equal(length, 12)))
    digits = pc.if_else(national, pc.binary_join_element_wise(
        "0", pc.utf8_slice_codeunits(digits, 2), ""), digits)
    length = pc.utf8_length(digits)
    valid = pc.and_(pc.and_(pc.greater_equal(length, 9), pc.less_equal(length, 10)),
                    pc.starts_with(digits, "0"))
    return pc.if_else(valid, digits, pa.scalar(None, pa.string()))


def normalise_table(table: pa.Table, *, first_rid: int = 0, mapper: Mapper = _map
                    ) -> pa.Table:
    """:func:`normalise` for a whole table of records (:data:`RECORD_SCHEMA`; missing
    columns are empty), column by column: each distinct name, title or code is worked
    out once, the rest is Arrow compute. Gives exactly
    ``features_table([normalise(r) for r in rows], first_rid=first_rid)``.

    ``mapper(fn, names)`` works out the distinct names (the costly part); a process
    pool's ``map`` can share it between cores."""
    n = table.num_rows
    string, boolean = pa.string(), pa.bool_()

    def text(name: str) -> pa.Array:
        if name not in table.column_names:
            return pa.nulls(n, string)
        column = table.column(name).combine_chunks()
        return column if pa.types.is_string(column.type) else pc.cast(column, string)

    # The names first (perhaps elsewhere), the rest meanwhile.
    firsts = _by_value(text("first_name"), first_name_parts, [string] * 4 + [boolean], mapper)
    lasts = _by_value(text("last_name"), last_name_parts, [string] * 3, mapper)
    typed_title = _each(text("title"), parse_title, string)
    typed_sex = _each(text("sex"), lambda v: _sex(v, None), string)

    if "birth_date" in table.column_names:
        born = table.column("birth_date").combine_chunks()
        if pa.types.is_string(born.type):
            born = pc.cast(pc.if_else(pc.equal(born, ""), None,
                                      pc.utf8_slice_codeunits(born, 0, 10)), pa.date32())
        elif not pa.types.is_date32(born.type):
            born = pc.cast(born, pa.date32())
    else:
        born = pa.nulls(n, pa.date32())
    only = table.column("birth_year_only").combine_chunks() \
        if "birth_year_only" in table.column_names else pa.nulls(n, boolean)
    year = pc.year(born)
    year_only = pc.and_(pc.fill_null(pc.cast(only, boolean), False), pc.is_valid(born))
    no_int = pa.scalar(None, pa.int64())
    month = pc.if_else(year_only, no_int, pc.month(born))
    day = pc.if_else(year_only, no_int, pc.day(born))
    ce = pc.if_else(pc.greater_equal(year, 2400), pc.subtract(year, BE_OFFSET), year)
    ce_text = pc.utf8_lpad(pc.cast(ce, string), 4, "0")
    full_key = pc.binary_join_element_wise(
        ce_text, pc.utf8_lpad(pc.cast(month, string), 2, "0"),
        pc.utf8_lpad(pc.cast(day, string), 2, "0"), "-")
    dob_key = pc.if_else(year_only, ce_text, full_key)

    digits = _digits(pc.fill_null(text("citizen_id"), ""))
    cid = pc.if_else(pc.equal(pc.utf8_length(digits), ID_LENGTH), digits,
                     pa.scalar(None, string))
    cid_ok = _check_digits(cid)
    phone = _phones(text("phone"))
    sd = _each(text("subdistrict"), lambda v: _code(v, 6), string)
    village = _each(text("village"), lambda v: _code(v, 8), string)
    elsewhere = pc.fill_null(pc.not_equal(pc.utf8_slice_codeunits(village, 0, 6), sd), False)
    village = pc.if_else(elsewhere, pa.scalar(None, string), village)
    house = _each(text("house_number"), _house, string)

    glued, first, first_fold, first_sound, first_ok = firsts()
    last, last_fold, last_sound = lasts()
    title = pc.coalesce(typed_title, glued)
    sex = pc.coalesce(typed_sex, _each(title, lambda v: TITLE_SEX.get(v), string))

    has_cid = pc.is_valid(cid).to_numpy(zero_copy_only=False)
    dob_points = np.where(pc.is_valid(year).to_numpy(zero_copy_only=False),
                          np.where(year_only.to_numpy(zero_copy_only=False), 0.5, 1.0), 0.0)
    ok_first = first_ok.to_numpy(zero_copy_only=False)
    has_last = pc.is_valid(last).to_numpy(zero_copy_only=False)
    points = 2.0 * has_cid + dob_points + ok_first + has_last
    thin = points < THIN_BELOW
    reasons = [""] * n
    years = year.to_pylist() if thin.any() else []
    only_list = year_only.to_pylist() if thin.any() else []
    for i in np.flatnonzero(thin).tolist():
        reasons[i] = ",".join(_thin(bool(has_cid[i]), years[i], only_list[i],
                                    bool(ok_first[i]), bool(has_last[i]))[1])

    columns = {
        "rid": pa.array(np.arange(first_rid, first_rid + n, dtype=np.int64)),
        "record_id": pc.fill_null(text("record_id"), ""),
        "title": title, "sex": sex,
        "first": first, "first_fold": first_fold, "first_sound": first_sound,
        "last": last, "last_fold": last_fold, "last_sound": last_sound,
        "dob_y": year, "dob_m": month, "dob_d": day, "dob_year_only": year_only,
        "dob_key": dob_key, "cid": cid, "cid_ok": cid_ok, "phone": phone, "sd": sd,
        "district": pc.utf8_slice_codeunits(sd, 0, 4), "village": village, "house": house,
        "thin": pa.array(thin), "thin_reasons": pa.array(reasons, type=string),
    }
    return pa.table({name: pc.cast(columns[name], FEATURE_SCHEMA.field(name).type)
                     for name in FEATURE_SCHEMA.names}, schema=FEATURE_SCHEMA)


# --------------------------------------------------------------------------- blocking

# Two records are compared when they share one of these (SQL for Splink, with the same
# meaning as blocking_keys below). Each is named for the explanation of a pair.
BLOCKING_RULES: tuple[tuple[str, str], ...] = (
    # cid_num and dob_num are the ID and the birth-date key as numbers (joins on numbers
    # are faster); Splink's input gets them from splink_input().
    ("citizen_id", "l.cid_num = r.cid_num"),
    # One digit wrong leaves one of these parts whole (digits 10–13, 1–5 or 6–9 wrong),
    # and so do two neighbours swapped, unless they are digits 5–6 or 9–10 (then the
    # name rules nearly always find the pair).
    ("citizen_id_head", "l.cid_num // 10000 = r.cid_num // 10000"),
    ("citizen_id_tail", "l.cid_num % 100000000 = r.cid_num % 100000000"),
    ("citizen_id_ends", "l.cid_num // 100000000 * 10000 + l.cid_num % 10000 "
                        "= r.cid_num // 100000000 * 10000 + r.cid_num % 10000"),
    # Names that sound alike (so also names spelt alike) in one province; in another
    # province a person is found by citizen ID or by a name with the birth date.
    ("name_sound_province", "l.first_sound = r.first_sound AND l.last_sound = r.last_sound "
                            "AND substr(l.sd, 1, 2) = substr(r.sd, 1, 2)"),
    ("first_name_birth_date", "l.first_fold = r.first_fold AND l.dob_num = r.dob_num"),
    ("last_name_birth_date", "l.last_fold = r.last_fold AND l.dob_num = r.dob_num"),
    ("first_name_subdistrict", "l.first_fold = r.first_fold AND l.sd = r.sd"),
    ("last_name_initial_subdistrict",
     "l.last_fold = r.last_fold AND l.sd = r.sd "
     "AND substr(l.first_fold, 1, 1) = substr(r.first_fold, 1, 1)"),
)


def splink_input(table: pa.Table, columns: Sequence[str]) -> pa.Table:
    """``columns`` of a features table, plus ``cid_num`` and ``dob_num`` (the citizen ID
    and the birth-date key as numbers) for the blocking rules."""
    out = table.select([c for c in columns if c in table.column_names])
    cid = table.column("cid")
    dob = pc.replace_substring(table.column("dob_key"), "-", "")
    return out.append_column("cid_num", pc.cast(cid, pa.int64())).append_column(
        "dob_num", pc.cast(dob, pa.int64()))


def blocking_keys(f: Features) -> list[tuple[str, str]]:
    """``(rule, key)`` for each blocking rule that applies to ``f`` (no key when a value
    it needs is missing)."""
    return keys_of(f.cid, f.first_fold, f.last_fold, f.first_sound, f.last_sound, f.dob_key,
                   f.sd)


def keys_of(cid: str | None, first_fold: str | None, last_fold: str | None,
            first_sound: str | None, last_sound: str | None, dob_key: str | None,
            sd: str | None) -> list[tuple[str, str]]:
    """:func:`blocking_keys` from the values themselves (for building an index from
    columns without making :class:`Features`)."""
    keys: list[tuple[str, str]] = []
    if cid:
        keys += [("citizen_id", cid), ("citizen_id_head", cid[:9]),
                 ("citizen_id_tail", cid[5:]), ("citizen_id_ends", cid[:5] + cid[9:])]
    if first_fold:
        if dob_key:
            keys.append(("first_name_birth_date", f"{first_fold}|{dob_key}"))
        if sd:
            keys.append(("first_name_subdistrict", f"{first_fold}|{sd}"))
            if last_fold:
                keys.append(("last_name_initial_subdistrict",
                             f"{last_fold}|{sd}|{first_fold[0]}"))
    if first_sound and last_sound and sd:
        keys.append(("name_sound_province", f"{first_sound}|{last_sound}|{sd[:2]}"))
    if last_fold and dob_key:
        keys.append(("last_name_birth_date", f"{last_fold}|{dob_key}"))
    return keys


# --------------------------------------------------------------------------- columns


def features_table(items: Iterable[Features], *, first_rid: int = 0) -> pa.Table:
    """Features as an Arrow table with :data:`FEATURE_SCHEMA`; ``rid`` numbers the rows
    from ``first_rid`` (Splink's unique id)."""
    rows = list(items)
    columns: dict[str, Any] = {"rid": pa.array(range(first_rid, first_rid + len(rows)),
                                               type=pa.int64())}
    values = list(zip(*rows, strict=True)) if rows else [()] * len(FEATURE_FIELDS)
    for name, column in zip(FEATURE_FIELDS, values, strict=True):
        data = [",".join(v) for v in column] if name == "thin_reasons" else column
        columns[name] = pa.array(data, type=FEATURE_SCHEMA.field(name).type)
    return pa.table(columns, schema=FEATURE_SCHEMA)


def features_from_row(row: Mapping[str, Any]) -> Features:
    """A :class:`Features` back from one row of :func:`features_table`."""
    values = {name: row[name] for name in FEATURE_FIELDS}
    reasons = values["thin_reasons"]
    values["thin_reasons"] = tuple(reasons.split(",")) if reasons else ()
    return Features(**values)
