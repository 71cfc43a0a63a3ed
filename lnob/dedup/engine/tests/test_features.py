"""From a record as stored to comparable features; thin records; blocking keys."""

from __future__ import annotations

import datetime

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lnob.dedup.engine.batch import batch_features, linker_for
from lnob.dedup.engine.features import (
    BLOCKING_RULES,
    Features,
    PersonRecord,
    blocking_keys,
    check_digit,
    features_table,
    normalise,
    normalise_table,
    records_table,
)
from lnob.dedup.engine.model import Model
from lnob.dedup.engine.synthetic import SyntheticSet


def record(**fields: object) -> PersonRecord:
    base: dict[str, object] = {
        "record_id": "r1", "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี",
        "sex": "M", "birth_date": datetime.date(1950, 3, 2), "citizen_id": "3840500012349",
        "phone": "081-234-5678", "subdistrict": "840503", "village": "84050302",
        "house_number": "12/3"}
    base.update(fields)
    return PersonRecord(**base)  # type: ignore[arg-type]


def test_check_digit_as_in_lnob_core() -> None:
    # (11 − Σ dᵢ·(14−i) mod 11) mod 10, the formula in docs/thai-formats.md.
    for first12 in ("123456789012", "000000000000", "384050001234", "099999999999"):
        total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
        assert check_digit(first12) == (11 - total % 11) % 10


def test_a_record_normalised() -> None:
    f = normalise(record(first_name="  นายสมชาย ", title=""))
    assert (f.title, f.sex, f.first, f.last) == ("mr", "M", "สมชาย", "ใจดี")
    assert f.cid == "3840500012349" and f.cid_ok == (check_digit("384050001234") == 9)
    assert f.phone == "0812345678"
    assert (f.sd, f.district, f.village, f.house) == ("840503", "8405", "84050302", "12/3")
    assert (f.dob_y, f.dob_m, f.dob_d, f.dob_key) == (1950, 3, 2, "1950-03-02")
    assert not f.thin and f.thin_reasons == ()


def test_thai_digits_dashes_and_spaces() -> None:
    f = normalise(record(citizen_id="๓-๘๔๐๕-๐๐๐๑๒-๓๔-๙", house_number="บ้านเลขที่ ๑๒/๓",
                         phone="+66 81 234 5678"))
    assert (f.cid, f.house, f.phone) == ("3840500012349", "12/3", "0812345678")


def test_id_beginning_with_0_is_kept_and_checked() -> None:
    first12 = "012345678901"
    f = normalise(record(citizen_id=first12 + str(check_digit(first12))))
    assert f.cid is not None and f.cid.startswith("0") and f.cid_ok


def test_id_with_a_wrong_digit_is_kept_but_marked() -> None:
    first12 = "384050001234"
    wrong = (check_digit(first12) + 1) % 10
    f = normalise(record(citizen_id=first12 + str(wrong)))
    assert f.cid == first12 + str(wrong) and not f.cid_ok
    assert normalise(record(citizen_id="12345")).cid is None  # not 13 digits: no ID


def test_buddhist_era_year_stored_as_christian_era() -> None:
    f = normalise(record(birth_date=datetime.date(2493, 3, 2)))
    assert f.dob_y == 2493  # compared as stored (the comparison knows 543 years)
    assert f.dob_key == "1950-03-02"  # filed under the year it means


def test_year_only_and_missing_dates() -> None:
    f = normalise(record(birth_date=datetime.date(1950, 1, 1), birth_year_only=True))
    assert (f.dob_y, f.dob_m, f.dob_d, f.dob_year_only, f.dob_key) == (1950, None, None, True,
                                                                        "1950")
    f = normalise(record(birth_date=None))
    assert (f.dob_y, f.dob_key, f.dob_year_only) == (None, None, False)
    f = normalise(record(birth_date="1950-03-02"))  # an ISO string is read too
    assert f.dob_key == "1950-03-02"


def test_title_change_keeps_the_sex() -> None:
    girl = normalise(record(title="เด็กหญิง", first_name="สุดา", sex=""))
    woman = normalise(record(title="นางสาว", first_name="สุดา", sex=""))
    married = normalise(record(title="นาง", first_name="สุดา", sex=""))
    assert (girl.title, woman.title, married.title) == ("girl", "miss", "mrs")
    assert girl.sex == woman.sex == married.sex == "F"


def test_village_of_another_subdistrict_is_dropped() -> None:
    assert normalise(record(village="84050102")).village is None


@pytest.mark.parametrize(("fields", "reasons"), [
    ({"citizen_id": "", "birth_date": None, "first_name": "ส"},
     ("no_citizen_id", "no_birth_date", "short_first_name")),
    ({"citizen_id": "", "birth_date": None, "last_name": ""},
     ("no_citizen_id", "no_birth_date", "no_last_name")),
    ({"citizen_id": "", "birth_date": datetime.date(1950, 1, 1), "birth_year_only": True,
      "first_name": "ส"}, ("no_citizen_id", "year_only", "short_first_name")),
])
def test_records_with_almost_nothing_are_thin(fields: dict, reasons: tuple) -> None:
    f = normalise(record(**fields))
    assert f.thin and f.thin_reasons == reasons


@pytest.mark.parametrize("fields", [
    {"citizen_id": "", "birth_date": None},  # full name and surname: enough to compare
    {"birth_date": None, "first_name": "ส", "last_name": ""},  # a citizen ID is enough
    {"citizen_id": "", "first_name": "ส"},  # a birth date and a surname
])
def test_records_with_enough_are_not_thin(fields: dict) -> None:
    assert not normalise(record(**fields)).thin


def test_mappings_and_missing_keys() -> None:
    f = normalise({"record_id": 7, "first_name": "มาลี"})
    assert (f.record_id, f.first, f.cid, f.dob_y, f.sd) == ("7", "มาลี", None, None, None)
    assert f.thin


def test_find_duplicates_takes_mappings_as_django_gives_them(model: Model) -> None:
    from lnob.dedup.engine.batch import find_duplicates

    rows = [{"record_id": 1, "first_name": "สมชาย", "last_name": "ใจดี", "title": "นาย",
             "birth_date": "1950-03-02", "citizen_id": "3840500012349", "subdistrict": 840503,
             "extra": "ignored"},
            {"record_id": 2, "first_name": "สมชาย", "last_name": "ใจดี", "title": "นาย",
             "birth_date": datetime.date(1950, 3, 2), "citizen_id": "3840500012349",
             "subdistrict": "840503"}]
    assert find_duplicates(rows, model).clusters() == [["1", "2"]]


def test_whole_table_gives_what_each_record_gives(data: SyntheticSet) -> None:
    records = data.records[:3000]
    by_row = features_table([normalise(r) for r in records], first_rid=10)
    assert normalise_table(records_table(records), first_rid=10).equals(by_row)


records_strategy = st.builds(
    PersonRecord,
    record_id=st.text(max_size=5),
    first_name=st.text(max_size=12), last_name=st.text(max_size=12),
    title=st.sampled_from(["", "นาย", "นาง", "น.ส.", "ด.ญ.", "x"]),
    sex=st.sampled_from(["", "M", "F", "f", "?"]),
    birth_date=st.one_of(st.none(), st.dates(datetime.date(1800, 1, 1),
                                            datetime.date(2600, 12, 31))),
    birth_year_only=st.booleans(),
    citizen_id=st.text(alphabet="0123456789๐๑๒- x", max_size=16),
    phone=st.text(alphabet="0123456789+- ", max_size=14),
    subdistrict=st.text(alphabet="0123456789", max_size=7),
    village=st.text(alphabet="0123456789", max_size=9),
    house_number=st.text(max_size=8),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records_strategy, max_size=8))
def test_table_and_rows_agree_on_any_input(records: list[PersonRecord]) -> None:
    by_row = features_table([normalise(r) for r in records])
    assert normalise_table(records_table(records)).equals(by_row)


def test_batch_features_number_rows_across_batches(data: SyntheticSet) -> None:
    table = records_table(data.records[:500])
    batches = [table.slice(0, 200), table.slice(200, 300).to_batches()[0]]
    features = batch_features(batches, rows_at_once=150)
    assert features.column("rid").to_pylist() == list(range(500))
    assert features.column("record_id").to_pylist() == [r.record_id for r in data.records[:500]]
    # Names shared out between two processes give the same features.
    assert batch_features(batches, workers=2).equals(features)


def test_blocking_keys_find_exactly_splinks_blocked_pairs(feats: list[Features],
                                                           model: Model) -> None:
    sample = feats[:2500]
    table = features_table(sample)
    linker = linker_for(table, model.splink, duckdb.connect())
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    rel = blocked.as_duckdbpyrelation().select("join_key_l, join_key_r").arrow()
    rel = rel.read_all() if isinstance(rel, pa.RecordBatchReader) else rel
    splink = set(zip(rel.column(0).to_pylist(), rel.column(1).to_pylist(), strict=True))
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(sample):
        for key in blocking_keys(f):
            by_key.setdefault(key, []).append(i)
    python = {(a, b) for rows in by_key.values() for a in rows for b in rows if a < b}
    assert splink == python
    assert {name for name, _sql in BLOCKING_RULES} == {
        k[0] for f in sample for k in blocking_keys(f)}


def test_a_typo_does_not_hide_a_pair() -> None:
    # Misspelt first name, no ID, the same birth date: filed together all the same.
    a = normalise(record(first_name="ศักดิ์ชัย", citizen_id=""))
    b = normalise(record(first_name="สักดิชัย", citizen_id=""))
    assert set(blocking_keys(a)) & set(blocking_keys(b))
    # One digit of the ID wrong, and the name changed too: still filed together.
    first12 = "384050001234"
    valid = first12 + str(check_digit(first12))
    for i in range(13):  # whichever digit is wrong
        typo = valid[:i] + str((int(valid[i]) + 1) % 10) + valid[i + 1:]
        c = normalise(record(citizen_id=valid, last_name="มั่นคง", subdistrict="100101"))
        d = normalise(record(citizen_id=typo, first_name="สมศรี", birth_date=None))
        assert set(blocking_keys(c)) & set(blocking_keys(d)), i
