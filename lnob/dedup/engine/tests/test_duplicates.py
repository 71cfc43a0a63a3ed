"""Every kind of mistake issue 9 lists is found; households, twins and thin records are
not merged; clustering; the synthetic set; determinism."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

import numpy as np
import pytest

from lnob.dedup.engine.batch import DedupResult, cluster, cluster_rids, find_duplicates
from lnob.dedup.engine.evaluate import pairwise_scores
from lnob.dedup.engine.features import Features, PersonRecord, check_digit, normalise
from lnob.dedup.engine.model import Model, SelfPairError
from lnob.dedup.engine.synthetic import ERROR_KINDS, SyntheticSet, generate, synthetic_set

BORN = datetime.date(1961, 9, 5)
FIRST12 = "384050001234"
CID = FIRST12 + str(check_digit(FIRST12))
BASE = {
    "record_id": "first", "title": "นางสาว", "first_name": "ศิริพร", "last_name": "ทองดี",
    "sex": "F", "birth_date": BORN, "citizen_id": CID, "phone": "0812345678",
    "subdistrict": "840503", "village": "84050302", "house_number": "45"}


def record(**fields: object) -> Features:
    return normalise(PersonRecord(**{**BASE, "record_id": "again", **fields}))  # type: ignore[arg-type]


def typo(cid: str, i: int) -> str:
    return cid[:i] + str((int(cid[i]) + 3) % 10) + cid[i + 1:]


def swapped(cid: str, i: int) -> str:
    return cid[:i] + cid[i + 1] + cid[i] + cid[i + 2:]


# (mistake, the report with it, the comparison and level that must show it)
MISTAKES = [
    ("confusable consonant ศ/ส", record(first_name="สิริพร"), "first_name", "same_spelling"),
    ("confusable consonant ท/ธ", record(last_name="ธองดี"), "last_name", "same_spelling"),
    ("vowel length ิ/ี", record(first_name="ศิรีพร"), "first_name", "same_spelling"),
    ("tone mark missing", record(last_name="ทองดี", first_name="ศิริพร่"), "first_name",
     "same_spelling"),
    ("์ missing", record(first_name="ศิริพร", last_name="ทองดี์"), "last_name",
     "same_spelling"),
    ("letter dropped", record(first_name="ศิรพร"), "first_name", "same_sound"),
    ("letter dropped, another sound", record(first_name="ศิริร"), "first_name", "one_letter"),
    ("letter added", record(last_name="ทองงดี"), "last_name", "same_sound"),
    ("letter added, another sound", record(last_name="ทองดีม"), "last_name", "one_letter"),
    ("title นางสาว → นาง, surname changed", record(title="นาง", last_name="มั่นคง"),
     "last_name", "married"),
    ("title เด็กหญิง → นางสาว", record(title="เด็กหญิง"), "sex", "same"),
    ("title in the name field", record(title="", first_name="น.ส.ศิริพร"), "first_name",
     "same_spelling"),
    ("day and month swapped", record(birth_date=datetime.date(1961, 5, 9)), "birth_date",
     "day_month_swapped"),
    ("year only", record(birth_date=datetime.date(1961, 1, 1), birth_year_only=True),
     "birth_date", "year_only"),
    ("a year off", record(birth_date=datetime.date(1962, 9, 5)), "birth_date",
     "year_off_by_one"),
    ("birth date missing", record(birth_date=None), "birth_date", "missing"),
    ("Buddhist Era year taken for Christian Era", record(birth_date=datetime.date(2504, 9, 5)),
     "birth_date", "buddhist_era"),
    ("citizen ID missing", record(citizen_id=""), "citizen_id", "missing"),
    ("one digit of the ID wrong", record(citizen_id=typo(CID, 7)), "citizen_id", "one_digit"),
    ("two digits of the ID swapped", record(citizen_id=swapped(CID, 3)), "citizen_id",
     "transposed"),
    ("ID with dashes and Thai digits", record(citizen_id="๓-๘๔๐๕-๐๐๐๑๒-๓๔-" + "๐๑๒๓๔๕๖๗๘๙"[
        int(CID[12])]), "citizen_id", "exact"),
    ("moved within the district", record(subdistrict="840505", village="84050501",
                                         house_number="9"), "address", "same_district"),
    ("another village", record(village="84050307", house_number="9"), "address",
     "same_subdistrict"),
    ("another house number", record(house_number="46"), "address", "same_village"),
]


@pytest.mark.parametrize(("mistake", "report", "comparison", "level"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_seen_and_the_pair_merged(mistake: str, report: Features,
                                                  comparison: str, level: str,
                                                  model: Model) -> None:
    match = model.score(record(record_id="first"), report)
    shown = {f.comparison: f.level for f in match.fields}
    assert shown[comparison] == level, mistake
    assert match.decision == "merge", (mistake, match.match_weight, shown)


def test_several_mistakes_at_once(model: Model) -> None:
    report = record(title="นาง", last_name="มั่นคง", first_name="สิรีพร", citizen_id="",
                    birth_date=datetime.date(1961, 1, 1), birth_year_only=True,
                    subdistrict="840505", village="84050501", house_number="9")
    match = model.score(record(record_id="first"), report)
    assert match.decision in ("review", "merge")  # still shown to a person at least


def test_household_members_and_twins_are_not_merged(model: Model) -> None:
    mother = record(record_id="mother", title="นาง", first_name="บุญมี", sex="F",
                    birth_date=datetime.date(1960, 2, 1), citizen_id="")
    twin_a = record(record_id="a", title="เด็กหญิง", first_name="ปิยะนุช",
                    birth_date=datetime.date(2014, 6, 1), citizen_id="")
    twin_b = record(record_id="b", title="เด็กหญิง", first_name="ปิยะดา",
                    birth_date=datetime.date(2014, 6, 1), citizen_id="")
    for one, other in ((twin_a, twin_b), (mother, twin_a)):
        match = model.score(one, other)
        shown = {f.comparison: f.level for f in match.fields}
        assert shown["household"] == "other_member"
        assert match.decision == "distinct"
    # Twins registered one after the other: their IDs differ in the last two digits.
    first = str(int(FIRST12) + 1)
    a = record(record_id="a", first_name="ปิยะนุช", subdistrict="840101", village="",
               phone="", citizen_id=CID)
    b = record(record_id="b", first_name="ปิยะดา", citizen_id=first + str(check_digit(first)))
    assert model.score(a, b).decision == "distinct"


def test_synthetic_look_alikes_are_never_merged(data: SyntheticSet, result: DedupResult) -> None:
    twins = sum(1 for row in data.rows if "twin" in row.tags and not row.errors)
    assert twins >= 50
    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(result.cluster_of.tolist()):
        members[c].append(i)
    for group in members.values():
        people = {data.rows[i].person_id for i in group}
        homes = Counter(data.rows[i].household_id for i in group)
        assert len(people) == 1 or all(n == 1 for n in homes.values()), [
            data.rows[i] for i in group]


def test_accuracy_on_the_small_set(result: DedupResult, persons: np.ndarray) -> None:
    scores = pairwise_scores(result.cluster_of, persons)
    assert scores.precision >= 0.99
    assert scores.f1 >= 0.98


def test_every_kind_of_mistake_is_in_the_set_and_found(data: SyntheticSet,
                                                       result: DedupResult) -> None:
    first: dict[int, int] = {}
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, row in enumerate(data.rows):
        if not row.errors:
            first.setdefault(row.person_id, i)
    for i, row in enumerate(data.rows):
        j = first.get(row.person_id)
        if j is None or j == i:
            continue
        for kind in row.errors:
            found[kind][1] += 1
            found[kind][0] += int(result.cluster_of[i] == result.cluster_of[j])
    assert set(found) == set(ERROR_KINDS)
    for kind, (hits, total) in found.items():
        assert total >= 10, kind
        if kind != "thin":  # half of these reports are too thin to merge: see below
            assert hits / total >= 0.9, (kind, hits, total)


def test_thin_records_are_flagged_not_merged_but_reviewed(data: SyntheticSet,
                                                          result: DedupResult) -> None:
    thin = np.flatnonzero(result.thin)
    assert len(thin) >= 5
    assert sum(1 for row in data.rows if "thin" in row.errors) > len(thin)
    sizes = Counter(result.cluster_of.tolist())
    for i in thin:  # alone in its cluster
        assert sizes[int(result.cluster_of[i])] == 1, data.rows[i]
    ids = result.record_ids
    thin_ids = {ids[i] for i in thin}
    reviewed = {r for pair in result.review() for r in pair[:2]}
    assert thin_ids & reviewed  # the thin duplicates that score high wait for a person


def test_clusters_and_review_lists(result: DedupResult) -> None:
    clusters = result.clusters()
    assert clusters and all(len(c) >= 2 for c in clusters)
    in_clusters = [r for c in clusters for r in c]
    assert len(in_clusters) == len(set(in_clusters))
    for left, right, p in result.review():
        assert p >= result.model.review_threshold and left != right


def test_cluster_by_record_ids() -> None:
    pairs = [("a", "b", 0.9999), ("b", "c", 0.9999), ("d", "e", 0.2), ("f", "g", 0.9999),
             ("g", "h", 0.99999), ("x", "y", 0.9999)]
    ids = {"f": "1" * 13, "g": None, "h": "2" * 13}  # f and h: two different valid IDs
    groups = cluster(pairs, 0.999, thin={"y"}, citizen_ids={k: v for k, v in ids.items() if v})
    assert sorted(groups) == [["a", "b", "c"], ["g", "h"]]
    with pytest.raises(SelfPairError, match="itself"):
        cluster([("a", "a", 1.0)], 0.5)
    assert cluster([], 0.5) == []


def test_one_typo_between_valid_ids_still_joins() -> None:
    valid = CID
    other = FIRST12[:2] + str((int(FIRST12[2]) + 1) % 10) + FIRST12[3:]  # 3rd digit: weight 11
    other += str(check_digit(other))
    assert check_digit(other[:12]) == int(other[12]) and other != valid
    cluster_of = cluster_rids(3, [0, 1], [1, 2], [0.99999, 0.99999], 0.999,
                              valid_ids=[valid, None, other])
    assert cluster_of.tolist() == [0, 0, 0]
    with pytest.raises(SelfPairError):
        cluster_rids(2, [1], [1], [1.0], 0.5)


def test_synthetic_set_shape(data: SyntheticSet) -> None:
    people = Counter(row.person_id for row in data.rows)
    share = sum(1 for n in people.values() if n > 1) / len(people)
    assert 0.2 <= share <= 0.3
    assert 1.3 <= len(data.rows) / len(people) <= 1.5
    tags = Counter(t for row in data.rows if not row.errors for t in row.tags)
    assert tags["twin"] and tags["zero_id"] and tags["common_name"] and tags["no_id"]
    first_names = Counter(row.record.first_name for row in data.rows if not row.errors)
    assert first_names.most_common(1)[0][1] >= 30  # some names are common


def test_same_seed_same_data_same_result(data: SyntheticSet, result: DedupResult,
                                         model: Model) -> None:
    again = [row.record for row in generate(200, seed=5)]
    assert again == [row.record for row in generate(200, seed=5)]
    assert again != [row.record for row in generate(200, seed=6)]
    rerun = find_duplicates(data.records, model)
    assert np.array_equal(rerun.cluster_of, result.cluster_of)
    assert synthetic_set(100, seed=1).true_pairs() == synthetic_set(100, seed=1).true_pairs()
