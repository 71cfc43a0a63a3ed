"""Likely duplicates of one record at intake, from the in-memory blocking index."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time

import pytest

from lnob.dedup.engine.batch import DedupResult
from lnob.dedup.engine.features import Features, PersonRecord, normalise
from lnob.dedup.engine.index import BlockingIndex, candidates_for
from lnob.dedup.engine.model import Model, TermFrequencies
from lnob.dedup.engine.synthetic import SyntheticSet


@pytest.fixture(scope="module")
def index(feats: list[Features]) -> BlockingIndex:
    return BlockingIndex.build(feats)


def test_lookup_finds_what_the_batch_run_merged(data: SyntheticSet, feats: list[Features],
                                                index: BlockingIndex, model: Model,
                                                result: DedupResult) -> None:
    checked = 0
    for group in result.clusters()[:150]:
        rid = int(group[0][1:]) - 1  # record ids are r00000001, … in order
        f = feats[rid]
        found = {m.right_id for m in candidates_for(f, index, model) if m.decision == "merge"}
        assert set(group) - {f.record_id} <= found, group
        checked += 1
    assert checked == 150


def test_the_record_itself_is_never_a_candidate(feats: list[Features], index: BlockingIndex,
                                                model: Model) -> None:
    for f in feats[:300]:
        assert all(m.right_id != f.record_id for m in candidates_for(f, index, model))


def test_a_new_record_at_intake_with_explanations(data: SyntheticSet, index: BlockingIndex,
                                                  model: Model) -> None:
    known = data.records[0]
    typed = PersonRecord(record_id="new", title="", first_name="  " + known.first_name,
                         last_name=known.last_name, birth_date=known.birth_date,
                         subdistrict=known.subdistrict, citizen_id="")
    matches = candidates_for(typed, index, model)
    assert matches and matches[0].right_id == known.record_id
    assert matches[0].left_id == "new"
    assert {f.comparison for f in matches[0].agreed} >= {"first_name", "last_name"}
    assert matches == sorted(matches, key=lambda m: -m.match_weight)
    assert len(candidates_for(typed, index, model, limit=1)) == 1
    assert all(m.probability >= 0.99 for m in candidates_for(typed, index, model,
                                                             min_probability=0.99))


def test_add_remove_and_compact(feats: list[Features], model: Model) -> None:
    index = BlockingIndex.build(feats[:1000])
    newcomer = normalise(PersonRecord(
        record_id="n1", title="นาง", first_name="บุญเรือน", last_name="ทองมา",
        birth_date=datetime.date(1940, 4, 4), subdistrict="100101", citizen_id=""))
    again = newcomer._replace(record_id="n2", first="บุญเรีอน")
    assert "n1" not in index and not candidates_for(again, index, model)
    index.add(newcomer)
    assert "n1" in index and index.size == 1001
    assert [m.right_id for m in candidates_for(again, index, model)] == ["n1"]
    assert index.tf.frequency("first_fold", newcomer.first_fold or "") == pytest.approx(
        1 / index.tf.totals["first_fold"])
    assert index.remove("n1") and not index.remove("n1")
    assert "n1" not in index and not candidates_for(again, index, model)
    assert index.remove(feats[0].record_id) and feats[0].record_id not in index
    index.add(newcomer)
    index.compact()
    assert index.size == len(index) == 1000
    assert [m.right_id for m in candidates_for(again, index, model)] == ["n1"]
    assert index.features_at(999) == newcomer


def test_term_frequencies_follow_the_index(feats: list[Features]) -> None:
    index = BlockingIndex.build(feats)
    direct = TermFrequencies.of(feats)
    name = feats[0].first_fold or ""
    assert index.tf.frequency("first_fold", name) == direct.frequency("first_fold", name)


def test_lookup_is_fast(feats: list[Features], index: BlockingIndex, model: Model) -> None:
    start = time.perf_counter()
    for f in feats[:200]:
        candidates_for(f, index, model)
    assert (time.perf_counter() - start) / 200 < 0.05  # the 1 M figure is in the benchmark


def test_the_engine_imports_nothing_from_django() -> None:
    code = ("import sys, lnob.dedup.engine as e, lnob.dedup.engine.synthetic, "
            "lnob.dedup.engine.training; e.Model.load(); "
            "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})  # noqa: S603
