"""The model: weights as Splink's, explanations, files and versions, retraining."""

from __future__ import annotations

import copy
import datetime
import json
import math
from pathlib import Path

import numpy as np
import pytest

from lnob.dedup.engine.batch import predict_pairs
from lnob.dedup.engine.comparisons import COMPARISONS
from lnob.dedup.engine.features import (
    Features,
    PersonRecord,
    features_table,
    normalise,
)
from lnob.dedup.engine.model import (
    DEFAULT_MODEL_PATH,
    Model,
    ModelError,
    SelfPairError,
    TermFrequencies,
)
from lnob.dedup.engine.synthetic import SyntheticSet, synthetic_set
from lnob.dedup.engine.training import retrain

BORN = datetime.date(1958, 7, 14)


def person(**fields: object) -> Features:
    base: dict[str, object] = {
        "record_id": "a", "title": "นางสาว", "first_name": "มาลี", "last_name": "ศรีสุข",
        "sex": "F", "birth_date": BORN, "citizen_id": "3840500012349", "phone": "",
        "subdistrict": "840503", "village": "84050302", "house_number": "45"}
    base.update(fields)
    return normalise(PersonRecord(**base))  # type: ignore[arg-type]


def test_python_scores_are_splinks(feats: list[Features], model: Model) -> None:
    sample = feats[:3000]
    pairs = predict_pairs(features_table(sample), model, threshold=0.0)
    tf = TermFrequencies.of(sample)
    assert pairs.num_rows > 1000
    rows = zip(pairs.column("rid_l").to_pylist(), pairs.column("rid_r").to_pylist(),
               pairs.column("match_weight").to_pylist(), strict=True)
    for i, j, weight in rows:
        assert model.score(sample[i], sample[j], tf).match_weight == pytest.approx(weight,
                                                                                abs=1e-9)


def test_explanation_names_every_field_and_adds_up(model: Model) -> None:
    a = person()
    b = person(record_id="b", title="นาง", last_name="มั่นคง", citizen_id="",
               birth_date=datetime.date(1958, 1, 1), birth_year_only=True)
    match = model.score(a, b)
    assert [f.comparison for f in match.fields] == [c.name for c in COMPARISONS]
    levels = {f.comparison: f.level for f in match.fields}
    assert levels == {"citizen_id": "missing", "first_name": "same_spelling",
                      "last_name": "married", "birth_date": "year_only",
                      "address": "same_house", "phone": "missing", "sex": "same",
                      "household": "not_shown"}
    assert match.match_weight == pytest.approx(match.prior_weight
                                               + sum(f.weight for f in match.fields))
    assert match.probability == pytest.approx(2 ** match.match_weight
                                              / (1 + 2 ** match.match_weight))
    assert {f.comparison for f in match.agreed} >= {"first_name", "birth_date", "address"}
    assert {f.comparison for f in match.disagreed} == {"last_name"}
    assert all(f.weight == 0 for f in match.fields if f.outcome == "missing")
    married = next(f for f in match.fields if f.comparison == "last_name")
    assert "นาง" in married.description and married.outcome == "close"
    as_dict = match.as_dict()
    assert as_dict["left_id"] == "a" and len(as_dict["fields"]) == len(COMPARISONS)
    json.dumps(as_dict, ensure_ascii=False)


def test_common_first_names_weigh_less(model: Model) -> None:
    common_key, rare_key = person().first_fold, person(first_name="ปัทมวรรณ").first_fold
    assert common_key and rare_key
    tf = TermFrequencies({"first_fold": {common_key: 500, rare_key: 1}}, {"first_fold": 10_000})
    common = model.score(person(), person(record_id="b"), tf)
    rare = model.score(person(first_name="ปัทมวรรณ"),
                       person(record_id="b", first_name="ปัทมวรรณ"), tf)
    weight = {m: next(f.weight for f in m.fields if f.comparison == "first_name")
              for m in (common, rare)}
    assert weight[common] < weight[rare]


def test_a_record_with_itself_is_refused(model: Model) -> None:
    with pytest.raises(SelfPairError, match="itself"):
        model.score(person(), person())


def test_decisions(model: Model) -> None:
    assert model.decide(0.9999999, thin=False) == "merge"
    assert model.decide(0.9999999, thin=True) == "review"
    assert model.decide(model.review_threshold, thin=False) == "review"
    assert model.decide(0.01, thin=False) == "distinct"


def test_shipped_model_file() -> None:
    model = Model.load()
    assert DEFAULT_MODEL_PATH.name == "lnob-dedup.json" and model.version >= 1
    assert 0.5 <= model.review_threshold <= model.merge_threshold < 1
    choice = model.threshold_choice
    assert choice["merge"] == model.merge_threshold
    assert choice["at_merge"]["precision"] >= 0.995
    weights = model.weights()
    assert weights["citizen_id"]["exact"] > 10 and weights["household"]["other_member"] < -30
    assert model.training["synthetic"]["persons"] >= 20_000


def test_save_and_load_give_the_same_model(model: Model, tmp_path: Path,
                                           feats: list[Features]) -> None:
    path = model.save(tmp_path / "copy.json")
    again = Model.load(path)
    assert again.as_dict() == model.as_dict()
    for a, b in zip(feats[:200], feats[1:201], strict=True):
        assert again.score(a, b).as_dict() == model.score(a, b).as_dict()


def test_model_files_that_do_not_fit_are_refused(model: Model, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model"):
        Model.load(tmp_path / "missing.json")
    data = model.as_dict()
    with pytest.raises(ModelError, match="not an LNOB"):
        Model.from_dict({**data, "format": "other"})
    with pytest.raises(ModelError, match="features version"):
        Model.from_dict({**data, "features_version": 0})
    changed = copy.deepcopy(data)
    changed["splink"]["comparisons"][0]["comparison_levels"][1]["sql_condition"] = "1 = 1"
    with pytest.raises(ModelError, match="retrain"):
        Model.from_dict(changed)
    untrained = copy.deepcopy(data)
    del untrained["splink"]["comparisons"][1]["comparison_levels"][2]["m_probability"]
    with pytest.raises(ModelError, match="not trained"):
        Model.from_dict(untrained)


def test_retrain_makes_the_next_version_deterministically(model: Model) -> None:
    small = synthetic_set(1_500, seed=41)
    first = retrain(small.records, previous=model, seed=3, u_max_pairs=2e5)
    second = retrain(small.records, previous=model, seed=3, u_max_pairs=2e5)
    assert first.version == second.version == model.version + 1
    # The same parameters (DuckDB adds in parallel: the last digit may differ).
    for name, levels in first.m_u().items():
        for label, (m, u) in levels.items():
            other = second.m_u()[name][label]
            if m is None:  # a null level
                assert other == (None, None)
            else:
                assert (m, u) == pytest.approx(other, rel=1e-9), (name, label)
    assert (first.merge_threshold, first.review_threshold) == (
        model.merge_threshold, model.review_threshold)  # no truth: thresholds kept
    assert first.training["records"] == len(small.rows)
    for name, levels in first.m_u().items():
        for m, _u in levels.values():  # floored: no field counts more than ~11 bits
            assert m is None or m >= 5e-4 or name == "household"  # household is fixed


def test_retrain_with_truth_chooses_thresholds_from_the_curve() -> None:
    small = synthetic_set(2_000, seed=43)
    trained = retrain(small.records, person_of=small.person_of(), seed=3, u_max_pairs=2e5)
    choice = trained.threshold_choice
    assert trained.version == 1
    curve = choice["curve"]
    assert len(curve) > 20 and curve == sorted(curve, key=lambda p: p["threshold"])
    assert trained.merge_threshold == choice["merge"]
    eligible = [p for p in curve if p["precision"] >= 0.995]
    best = max(p["f1"] for p in eligible)
    chosen = next(p for p in curve if p["threshold"] == choice["merge"])
    assert chosen["precision"] >= 0.995 and chosen["f1"] >= best - 0.002
    assert trained.review_threshold <= trained.merge_threshold
    assert not math.isnan(choice["merge_match_weight"])


def test_scores_do_not_depend_on_order(data: SyntheticSet, model: Model) -> None:
    a, b = normalise(data.records[0]), normalise(data.records[1])
    assert model.score(a, b).match_weight == pytest.approx(model.score(b, a).match_weight)
    assert np.isfinite(model.score(a, b).match_weight)
