"""Checks a :class:`Problem` and turns it into integer NumPy columns.

Every check runs before anything is solved; the first bad record raises
:class:`MatchingInputError` (networks, then volunteers, then people, each in
input order). Codes become integers here (a DOPA code never starts with 0, and
its length gives its level); need codes become bits of a mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import MatchingInputError, Problem, _plain

# Levels of an area, nearest first. A volunteer covers a person at the level of the
# most specific of its codes that contains the person's village or subdistrict.
VILLAGE, SUBDISTRICT, DISTRICT, PROVINCE = 0, 1, 2, 3
LEVEL_OF_LENGTH = {8: VILLAGE, 6: SUBDISTRICT, 4: DISTRICT, 2: PROVINCE}
# Divide a village code by these to get its area at each level.
VILLAGE_DIVISOR = np.array([1, 100, 10_000, 1_000_000], dtype=np.int64)
# Divide a subdistrict code by these to get its area at each level (village excluded).
SUBDISTRICT_DIVISOR = np.array([0, 1, 100, 10_000], dtype=np.int64)
MAX_SEVERITY = 5
MAX_WEIGHT = 10     # a person's caseload weight: a whole number 1..MAX_WEIGHT

_TH_RECORD = {"person": "ผู้รับ", "volunteer": "อาสาสมัคร", "network": "เครือข่าย"}
_TH_FIELD = {
    "id": "รหัส", "subdistrict": "ตำบล", "village": "หมู่บ้าน", "province": "จังหวัด",
    "district": "อำเภอ", "needs": "ความต้องการ", "severity": "ความรุนแรง",
    "current_giver": "ผู้ดูแลปัจจุบัน", "network": "เครือข่าย", "capacity": "ความสามารถในการรับ",
    "areas": "พื้นที่ที่ดูแล", "needs_served": "ความต้องการที่ช่วยได้",
    "weight": "น้ำหนักภาระการดูแล",
}


@dataclass(frozen=True, eq=False)
class Compiled:
    """The problem as integer columns (people ``n``, volunteers ``m``, networks ``k``)."""

    need_codes: np.ndarray      # sorted vocabulary; bit i of a mask is need_codes[i]
    words: int                  # 64-bit words per need mask
    p_sd: np.ndarray            # int64 6-digit subdistrict code
    p_vil: np.ndarray           # int64 8-digit village code, -1 if none
    p_needs: np.ndarray         # uint64 (n, words) need mask
    p_sev: np.ndarray           # int64 severity 1..5 (the highest of the person's needs)
    p_main: np.ndarray          # int64 need index of the main need
    p_cur: np.ndarray           # int64 volunteer index of the current giver, -1
    v_net: np.ndarray           # int64 network index
    v_cap: np.ndarray           # int64
    v_serve: np.ndarray         # uint64 (m, words)
    cov_vol: np.ndarray         # int64: coverage pairs (volunteer, level, code)
    cov_level: np.ndarray       # int64
    cov_code: np.ndarray        # int64
    n_cap: np.ndarray           # int64
    p_urgent: np.ndarray        # bool: an urgent case
    p_wait: np.ndarray          # int64: larger = waiting for a shorter time (left out first)
    must: np.ndarray            # uint64 (words,): the needs a placement must serve
    p_weight: np.ndarray        # int64 1..MAX_WEIGHT: capacity units the person takes

    @property
    def weighted(self) -> bool:
        """Whether anyone weighs more than 1 (capacity counted in weight units)."""
        return bool(self.p_weight.size) and int(self.p_weight.max()) > 1

    @property
    def p_pri(self) -> np.ndarray:
        """Priority level 0..9: 2 × (severity − 1) + urgent (9 = most pressing)."""
        return 2 * (self.p_sev - 1) + self.p_urgent.astype(np.int64)

    @property
    def n(self) -> int:
        return int(self.p_sd.size)

    @property
    def m(self) -> int:
        return int(self.v_net.size)


def _error(record: str, record_id: Any, field: str, code: str, en: str,
           th: str) -> MatchingInputError:
    rid = _plain(record_id)
    return MatchingInputError(
        record, rid, field, code,
        f"{record.capitalize()} {rid!r}: {field} {en}.",
        f"{_TH_RECORD[record]} {rid!r}: {_TH_FIELD.get(field, field)} {th}")


def _shape_error(record: str, field: str, en: str) -> MatchingInputError:
    return MatchingInputError(record, None, field, "bad_shape", f"{record} columns: {field} {en}.",
                              f"ข้อมูล{_TH_RECORD[record]}: คอลัมน์ {field} {en}")


def _missing(values: Any) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "US":
        return arr == arr.dtype.type()
    if arr.dtype == object:
        return np.fromiter((v is None or (isinstance(v, str) and v == "") for v in arr.tolist()),
                           dtype=bool, count=arr.size)
    return np.zeros(arr.size, dtype=bool)


def _ids(values: Any, record: str) -> list[Any]:
    ids = list(values.tolist() if isinstance(values, np.ndarray) else values)
    missing = _missing(values) if ids else np.zeros(0, dtype=bool)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise _error(record, f"#{i + 1}", "id", "missing", "is missing", "ไม่มีค่า")
    if len(set(ids)) != len(ids):
        seen: set[Any] = set()
        for i in ids:
            if i in seen:
                raise _error(record, i, "id", "duplicate", "appears twice", "ซ้ำกัน")
            seen.add(i)
    return ids


def _column(values: Any, size: int, record: str, field: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.size != size:
        raise _shape_error(record, field, f"has {arr.size} entries for {size} records")
    return arr


def _id_column(values: Any, size: int, record: str, field: str) -> np.ndarray:
    """Ids as an object array keeping each id's own type: ``np.asarray([1, "solo"])``
    would turn every id into a string."""
    if isinstance(values, np.ndarray):
        return _column(values, size, record, field)
    items = list(values)
    if len(items) != size:
        raise _shape_error(record, field, f"has {len(items)} entries for {size} records")
    arr = np.empty(size, dtype=object)
    arr[:] = [_plain(v) for v in items]
    return arr


def _ragged(offsets: Any, flat: Any, size: int, record: str, field: str
            ) -> tuple[np.ndarray, np.ndarray]:
    off = np.asarray(offsets, dtype=np.int64)
    arr = np.asarray(flat)
    if off.ndim != 1 or off.size != size + 1 or off[0] != 0 or off[-1] != arr.size \
            or (np.diff(off) < 0).any():
        raise _shape_error(record, field, "offsets do not match the values")
    return off, arr


def _codes(values: Any, ids: Sequence[Any], record: str, field: str,
           lengths: tuple[int, ...], required: bool) -> tuple[np.ndarray, np.ndarray]:
    """DOPA codes → (int64 codes, -1 where missing; their lengths)."""
    arr = np.asarray(values)
    missing = _missing(arr)
    if arr.dtype == object:
        bad_type = np.fromiter((not (v is None or isinstance(v, str)) for v in arr.tolist()),
                               dtype=bool, count=arr.size)
        if bad_type.any():
            i = int(np.flatnonzero(bad_type)[0])
            raise _error(record, ids[i], field, "bad_code",
                         f"must be a text code, not {arr[i]!r}",
                         f"ต้องเป็นรหัสแบบข้อความ ไม่ใช่ {arr[i]!r}")
        text = np.where(missing, "", arr).astype(str)
    else:
        text = arr.astype(str)
    if required and missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise _error(record, ids[i], field, "missing", "is missing", "ไม่มีค่า")
    length, value, digits = _digits(text)
    bad = ~missing & (~digits | ~np.isin(length, lengths)
                      | (value < 10 ** np.maximum(length - 1, 0)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shape = " or ".join(str(n) for n in lengths)
        raise _error(record, ids[i], field, "bad_code",
                     f"{text[i]!r} is not a DOPA code of {shape} digits",
                     f"{text[i]!r} ไม่ใช่รหัสพื้นที่ของกรมการปกครองแบบ {shape} หลัก")
    return np.where(missing, -1, value), np.where(missing, 0, length)


def _digits(text: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(length, value, all ASCII digits) of each string, from its code points."""
    width = text.dtype.itemsize // 4
    if text.size == 0 or width == 0 or width > 18:
        length = np.char.str_len(text)
        ok = (np.char.strip(text, "0123456789") == "") & (length > 0) & (length <= 18)
        value = np.zeros(text.size, dtype=np.int64)
        value[ok] = text[ok].astype(np.int64)
        return length, value, ok
    points = np.ascontiguousarray(text).view(np.uint32).reshape(-1, width)
    used = points != 0
    length = used.sum(axis=1)
    is_digit = (points >= 48) & (points <= 57)
    # Digits only, and the padding only at the end.
    ok = (is_digit | ~used).all(axis=1) & (used.sum(axis=1) == np.argmin(
        np.hstack([used, np.zeros((used.shape[0], 1), dtype=bool)]), axis=1))
    weights = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    digits = np.where(is_digit, points.astype(np.int64) - 48, 0)
    value = (digits @ weights) // 10 ** (width - length)
    return length, value, ok


def _counts(values: Any, ids: Sequence[Any], record: str) -> np.ndarray:
    """Capacities: whole numbers ≥ 0, none missing."""
    arr = np.asarray(values)
    if arr.dtype == object or arr.dtype.kind in "US":
        items = arr.tolist()
        for i, v in enumerate(items):
            if v is None or v == "":
                raise _error(record, ids[i], "capacity", "missing", "is missing", "ไม่มีค่า")
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise _error(record, ids[i], "capacity", "not_integer",
                             f"must be a whole number, not {v!r}",
                             f"ต้องเป็นจำนวนเต็ม ไม่ใช่ {v!r}")
        out = np.asarray(items, dtype=np.int64) if items else np.zeros(0, dtype=np.int64)
    elif arr.dtype.kind == "f":
        nan = np.isnan(arr)
        if nan.any():
            i = int(np.flatnonzero(nan)[0])
            raise _error(record, ids[i], "capacity", "missing", "is missing", "ไม่มีค่า")
        frac = arr != np.floor(arr)
        if frac.any():
            i = int(np.flatnonzero(frac)[0])
            raise _error(record, ids[i], "capacity", "not_integer",
                         f"must be a whole number, not {arr[i]!r}",
                         f"ต้องเป็นจำนวนเต็ม ไม่ใช่ {arr[i]!r}")
        out = arr.astype(np.int64)
    elif arr.dtype.kind in "iu":
        out = arr.astype(np.int64)
    else:
        raise _error(record, ids[0], "capacity", "not_integer", "must be whole numbers",
                     "ต้องเป็นจำนวนเต็ม")
    negative = out < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise _error(record, ids[i], "capacity", "negative",
                     f"must not be negative (got {out[i]})", f"ต้องไม่ติดลบ (ได้ {out[i]})")
    if out.size and out.max() > 10**9:
        i = int(np.argmax(out))
        raise _error(record, ids[i], "capacity", "out_of_range",
                     f"is too large (got {out[i]})", f"มากเกินไป (ได้ {out[i]})")
    return out


def _need_text(values: np.ndarray, owner: np.ndarray, ids: Sequence[Any], record: str,
               field: str) -> np.ndarray:
    bad = _missing(values)
    if values.dtype == object:
        bad |= np.fromiter((not isinstance(v, str) for v in values.tolist()), dtype=bool,
                           count=values.size)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _error(record, ids[int(owner[i])], field, "bad_need",
                     f"has an empty or non-text need code ({values[i]!r})",
                     f"มีรหัสความต้องการที่ว่างหรือไม่ใช่ข้อความ ({values[i]!r})")
    return values.astype(str)


def _masks(need_index: np.ndarray, owner: np.ndarray, size: int, words: int) -> np.ndarray:
    masks = np.zeros((size, words), dtype=np.uint64)
    bits = np.left_shift(np.uint64(1), (need_index % 64).astype(np.uint64))
    np.bitwise_or.at(masks, (owner, need_index // 64), bits)
    return masks


def popcount(masks: np.ndarray) -> np.ndarray:
    """Set bits per row of a (rows, words) uint64 array."""
    return np.bitwise_count(masks).sum(axis=1, dtype=np.int64)


def compile_problem(problem: Problem) -> Compiled:
    networks, volunteers, people = problem.networks, problem.volunteers, problem.people

    # Networks.
    n_ids = _ids(networks.ids, "network")
    n_cap = _counts(_column(networks.capacities, len(n_ids), "network", "capacities"),
                    n_ids, "network")
    n_index = {nid: i for i, nid in enumerate(n_ids)}

    # Volunteers.
    v_ids = _ids(volunteers.ids, "volunteer")
    m = len(v_ids)
    v_net_ids = _id_column(volunteers.networks, m, "volunteer", "networks").tolist()
    v_net = np.empty(m, dtype=np.int64)
    for i, nid in enumerate(v_net_ids):
        j = n_index.get(nid)
        if j is None:
            raise _error("volunteer", v_ids[i], "network", "unknown_network",
                         f"refers to network {nid!r}, which is not in the run",
                         f"อ้างถึงเครือข่าย {nid!r} ซึ่งไม่อยู่ในการจับคู่ครั้งนี้")
        v_net[i] = j
    v_cap = _counts(_column(volunteers.capacities, m, "volunteer", "capacities"), v_ids,
                    "volunteer")
    a_off, a_codes = _ragged(volunteers.area_offsets, volunteers.area_codes, m, "volunteer",
                             "areas")
    no_area = np.diff(a_off) == 0
    if no_area.any():
        i = int(np.flatnonzero(no_area)[0])
        raise _error("volunteer", v_ids[i], "areas", "no_area", "is empty: no area covered",
                     "ว่าง: ไม่มีพื้นที่ที่ดูแล")
    cov_vol = np.repeat(np.arange(m, dtype=np.int64), np.diff(a_off))
    cov_code, cov_len = _codes(a_codes, _Lazy(v_ids, cov_vol), "volunteer", "areas",
                               (2, 4, 6, 8), True)
    cov_level = np.select([cov_len == 8, cov_len == 6, cov_len == 4],
                          [VILLAGE, SUBDISTRICT, DISTRICT], PROVINCE).astype(np.int64)
    s_off, s_codes = _ragged(volunteers.need_offsets, volunteers.need_codes, m, "volunteer",
                             "needs_served")
    s_owner = np.repeat(np.arange(m, dtype=np.int64), np.diff(s_off))
    s_text = _need_text(s_codes, s_owner, v_ids, "volunteer", "needs_served")

    # People.
    p_ids = _ids(people.ids, "person")
    n = len(p_ids)
    p_sd, _ = _codes(_column(people.subdistricts, n, "person", "subdistricts"), p_ids,
                     "person", "subdistrict", (6,), True)
    p_vil, _ = _codes(_column(people.villages, n, "person", "villages"), p_ids, "person",
                      "village", (8,), False)
    outside = (p_vil >= 0) & (p_vil // 100 != p_sd)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise _error("person", p_ids[i], "village", "bad_code",
                     f"{p_vil[i]} is not in subdistrict {p_sd[i]}",
                     f"{p_vil[i]} ไม่อยู่ในตำบล {p_sd[i]}")
    for column, field, length, divisor in ((people.provinces, "province", 2, 10_000),
                                           (people.districts, "district", 4, 100)):
        if column is None:
            continue
        given, _ = _codes(_column(column, n, "person", field + "s"), p_ids, "person", field,
                          (length,), False)
        wrong = (given >= 0) & (given != p_sd // divisor)
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise _error("person", p_ids[i], field, "bad_code",
                         f"{given[i]} does not contain subdistrict {p_sd[i]}",
                         f"{given[i]} ไม่ใช่พื้นที่ที่ตำบล {p_sd[i]} อยู่")
    n_off, n_codes = _ragged(people.need_offsets, people.need_codes, n, "person", "needs")
    no_need = np.diff(n_off) == 0
    if no_need.any():
        i = int(np.flatnonzero(no_need)[0])
        raise _error("person", p_ids[i], "needs", "no_need", "is empty: at least one need",
                     "ว่าง: ต้องมีอย่างน้อยหนึ่งความต้องการ")
    p_owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(n_off))
    p_text = _need_text(n_codes, p_owner, p_ids, "person", "needs")
    sev = np.asarray(people.need_severities)
    if sev.shape != (n_codes.size,):
        raise _shape_error("person", "need_severities", "does not match need_codes")
    if sev.dtype == object or sev.dtype.kind not in "iu":
        bad_sev = np.fromiter((isinstance(s, bool) or not isinstance(s, int | np.integer)
                               for s in sev.tolist()), dtype=bool, count=sev.size)
        if bad_sev.any():
            i = int(np.flatnonzero(bad_sev)[0])
            raise _error("person", p_ids[int(p_owner[i])], "severity", "out_of_range",
                         f"of need {p_text[i]!r} must be a whole number 1–5, not {sev[i]!r}",
                         f"ของ {p_text[i]!r} ต้องเป็นจำนวนเต็ม 1–5 ไม่ใช่ {sev[i]!r}")
    sev = sev.astype(np.int64)
    bad_sev = (sev < 1) | (sev > MAX_SEVERITY)
    if bad_sev.any():
        i = int(np.flatnonzero(bad_sev)[0])
        raise _error("person", p_ids[int(p_owner[i])], "severity", "out_of_range",
                     f"of need {p_text[i]!r} must be 1–5 (got {sev[i]})",
                     f"ของ {p_text[i]!r} ต้องอยู่ระหว่าง 1–5 (ได้ {sev[i]})")

    if people.urgent is None:
        p_urgent = np.zeros(n, dtype=bool)
    else:
        p_urgent = _column(people.urgent, n, "person", "urgent").astype(bool)
    p_wait = np.arange(n, dtype=np.int64)   # by default: later in the input = newer
    if people.waiting_since is not None:
        since = _column(people.waiting_since, n, "person", "waiting_since")
        given = ~_missing(since)
        if since.dtype == object:
            values = np.fromiter((int(v) if ok else 0 for v, ok in zip(
                since.tolist(), given.tolist(), strict=True)), dtype=np.int64, count=n)
        else:
            values = since.astype(np.int64)
        # Rank: by the date given (none given = newest), then input order.
        order = np.lexsort((np.arange(n), np.where(given, values, np.iinfo(np.int64).max)))
        p_wait[order] = np.arange(n, dtype=np.int64)

    p_weight = _weights(people.weights, n, p_ids)

    p_list, s_list = p_text.tolist(), s_text.tolist()
    must_codes = sorted(str(x) for x in problem.must_serve)
    vocabulary = np.asarray(sorted(set(p_list) | set(s_list) | set(must_codes)), dtype=str)
    index = {code: i for i, code in enumerate(vocabulary.tolist())}
    words = max(1, -(-vocabulary.size // 64))
    p_need_index = np.fromiter((index[x] for x in p_list), dtype=np.int64, count=len(p_list))
    p_needs = _masks(p_need_index, p_owner, n, words)
    twice = popcount(p_needs) != np.diff(n_off)
    if twice.any():
        i = int(np.flatnonzero(twice)[0])
        raise _error("person", p_ids[i], "needs", "duplicate", "lists a need twice",
                     "มีความต้องการเดียวกันซ้ำ")
    v_serve = _masks(np.fromiter((index[x] for x in s_list), dtype=np.int64, count=len(s_list)),
                     s_owner, m, words)
    starts = n_off[:-1]
    p_sev = np.maximum.reduceat(sev, starts) if n else np.zeros(0, dtype=np.int64)
    # Main need: the most severe; between equals, the first code in sorted order.
    k = vocabulary.size + 1
    score = sev * k + (k - 1 - p_need_index)
    best = np.maximum.reduceat(score, starts) if n else np.zeros(0, dtype=np.int64)
    p_main = k - 1 - best % k

    current = _id_column(people.current_givers, n, "person", "current_givers")
    has_current = ~_missing(current)
    p_cur = np.full(n, -1, dtype=np.int64)
    if has_current.any():
        v_index = {vid: i for i, vid in enumerate(v_ids)}
        rows = np.flatnonzero(has_current)
        for i, vid in zip(rows.tolist(), current[rows].tolist(), strict=True):
            j = v_index.get(vid)
            if j is None:
                raise _error("person", p_ids[i], "current_giver", "unknown_giver",
                             f"refers to volunteer {vid!r}, who is not in the run",
                             f"อ้างถึงอาสาสมัคร {vid!r} ซึ่งไม่อยู่ในการจับคู่ครั้งนี้")
            p_cur[i] = j

    return Compiled(need_codes=vocabulary, words=words, p_sd=p_sd, p_vil=p_vil,
                    p_needs=p_needs, p_sev=p_sev, p_main=p_main, p_cur=p_cur, v_net=v_net,
                    v_cap=v_cap, v_serve=v_serve, cov_vol=cov_vol, cov_level=cov_level,
                    cov_code=cov_code, n_cap=n_cap, p_urgent=p_urgent, p_wait=p_wait,
                    must=_masks(np.asarray([index[x] for x in must_codes], dtype=np.int64),
                                np.zeros(len(must_codes), dtype=np.int64), 1, words)[0],
                    p_weight=p_weight)


def _weights(values: Any, n: int, ids: Sequence[Any]) -> np.ndarray:
    """Caseload weights: whole numbers 1..MAX_WEIGHT (1 for everyone when None)."""
    if values is None:
        return np.ones(n, dtype=np.int64)
    arr = _column(values, n, "person", "weights") if isinstance(values, np.ndarray) \
        else _id_column(values, n, "person", "weights")    # [1, 1.5] keeps 1 an int
    if arr.dtype.kind not in "iu":
        bad = np.fromiter((isinstance(v, bool) or not isinstance(v, int | np.integer)
                           for v in arr.tolist()), dtype=bool, count=n)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise _error("person", ids[i], "weight", "not_integer",
                         f"must be a whole number 1–{MAX_WEIGHT}, not {arr[i]!r}",
                         f"ต้องเป็นจำนวนเต็ม 1–{MAX_WEIGHT} ไม่ใช่ {arr[i]!r}")
    out = arr.astype(np.int64)
    wrong = (out < 1) | (out > MAX_WEIGHT)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise _error("person", ids[i], "weight", "out_of_range",
                     f"must be 1–{MAX_WEIGHT} (got {out[i]})",
                     f"ต้องอยู่ระหว่าง 1–{MAX_WEIGHT} (ได้ {out[i]})")
    return out


class _Lazy(Sequence[Any]):
    """ids[owner[i]] without building the whole list (only read on an error)."""

    def __init__(self, ids: Sequence[Any], owner: np.ndarray) -> None:
        self._ids, self._owner = ids, owner

    def __len__(self) -> int:
        return int(self._owner.size)

    def __getitem__(self, i: Any) -> Any:
        return self._ids[int(self._owner[i])]
