"""Training the model with Splink (unsupervised: u by random sampling, m by
expectation maximisation) and choosing its thresholds from the precision/recall curve.

Pure (no Django). :func:`retrain` is what the ``lnob dedup --retrain`` command wraps:
records in, a new :class:`Model` (version + 1) out, to be saved with ``Model.save``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from lnob.dedup.engine.batch import linker_for, predict_pairs
from lnob.dedup.engine.comparisons import splink_settings
from lnob.dedup.engine.evaluate import choose_thresholds, review_band, threshold_curve
from lnob.dedup.engine.features import Features, PersonRecord, features_table, normalise
from lnob.dedup.engine.model import Model, ModelError, TermFrequencies

__all__ = ["DEFAULT_TRAINING", "build_default_model", "regularise", "retrain", "train_splink"]

# The rules EM is run on, one session each: pairs sharing a name estimate the other
# fields; pairs sharing a birth date estimate the names.
EM_BLOCKS = ("l.first_fold = r.first_fold AND l.last_fold = r.last_fold",
             "l.dob_y = r.dob_y AND l.dob_m = r.dob_m AND l.dob_d = r.dob_d")
# Pairs sharing a valid citizen ID are nearly all the same person; they find about
# this share of all duplicates (measured on the synthetic set).
PRIOR_RULE = "l.cid = r.cid AND l.cid_ok AND r.cid_ok"
PRIOR_RECALL = 0.8
DEFAULT_TRAINING = {"persons": 20_000, "seed": 25_490}
M_FLOOR = 5e-4
# Term frequencies kept in the model file for scoring without an index: names seen this
# often or more (rarer names count as seen once).
TF_MIN_COUNT = 3


def train_splink(table: pa.Table, *, seed: int = 1, u_max_pairs: float = 2e6,
                 prior_recall: float = PRIOR_RECALL,
                 con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """Splink's trained settings for the LNOB comparisons on a features table."""
    linker = linker_for(table, splink_settings(), con)
    training = linker.training
    training.estimate_probability_two_random_records_match([PRIOR_RULE], recall=prior_recall)
    training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for rule in EM_BLOCKS:
        training.estimate_parameters_using_expectation_maximisation(rule)
    settings: dict[str, Any] = linker.misc.save_model_to_json()
    return regularise(settings, u_max_pairs=u_max_pairs)


def regularise(settings: dict[str, Any], *, u_max_pairs: float) -> dict[str, Any]:
    """No level weighs more than about 11 bits against a match: m is at least
    :data:`M_FLOOR` (EM finds m ≈ 0 for any mistake the training data lacks, and real
    records have mistakes no training set foresaw). A level never seen among random
    pairs gets u = 1 / the pairs sampled; one never seen among matches gets m = M_FLOOR."""
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_m_probability"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            level["m_probability"] = max(m, M_FLOOR) if isinstance(m, (int, float)) \
                else M_FLOOR
            if not isinstance(u, (int, float)) or u <= 0:
                level["u_probability"] = 1 / u_max_pairs
    return settings


def _tf_snapshot(feats: Sequence[Features]) -> TermFrequencies:
    full = TermFrequencies.of(feats)
    counts = {col: {v: c for v, c in sorted(values.items()) if c >= TF_MIN_COUNT}
              for col, values in full.counts.items()}
    return TermFrequencies(counts, full.totals)


def retrain(records: Iterable[PersonRecord | Mapping[str, Any] | Features], *,
            previous: Model | None = None, person_of: Mapping[str, int] | None = None,
            seed: int = 1, u_max_pairs: float = 2e6, min_precision: float = 0.995,
            con: duckdb.DuckDBPyConnection | None = None) -> Model:
    """A new model trained on ``records``.

    With ``person_of`` (record id → person: the synthetic truth, or decisions from the
    review queue) the thresholds are chosen from the precision/recall curve; without it
    they are kept from ``previous`` (or the defaults). The version is ``previous``'s + 1.
    """
    feats = [r if isinstance(r, Features) else normalise(r) for r in records]
    table = features_table(feats)
    settings = train_splink(table, seed=seed, u_max_pairs=u_max_pairs, con=con)
    model = Model(splink=settings, version=(previous.version + 1) if previous else 1,
                  created=Model.now(),
                  training={"records": len(feats), "seed": seed, "u_max_pairs": u_max_pairs,
                            "method": "u by random sampling, m by EM on "
                                      + " / ".join(EM_BLOCKS),
                            "prior": f"{PRIOR_RULE} (recall {PRIOR_RECALL})"},
                  term_frequencies=_tf_snapshot(feats))
    if previous:
        model.merge_threshold = previous.merge_threshold
        model.review_threshold = previous.review_threshold
    if person_of is not None:
        choice = choose_model_thresholds(model, table, feats, person_of,
                                         min_precision=min_precision, con=con)
        model.merge_threshold = choice["merge"]
        model.review_threshold = choice["review"]
        model.threshold_choice = choice
    return model


def choose_model_thresholds(model: Model, table: pa.Table, feats: Sequence[Features],
                            person_of: Mapping[str, int], *, min_precision: float = 0.995,
                            con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """The thresholds chosen from the precision/recall curve on labelled records."""
    pairs = predict_pairs(table, model, threshold=0.5, con=con)
    persons = np.array([person_of[f.record_id] for f in feats], dtype=np.int64)
    curve = threshold_curve(len(feats), pairs, persons, thin=[f.thin for f in feats],
                            valid_ids=[f.cid if f.cid_ok else None for f in feats])
    choice = choose_thresholds(curve, min_precision=min_precision)
    choice["review"] = min(review_band(pairs, persons, choice["merge"]), choice["merge"])
    return choice


def build_default_model(persons: int = DEFAULT_TRAINING["persons"],
                        seed: int = DEFAULT_TRAINING["seed"]) -> Model:
    """The model shipped in ``model/lnob-dedup.json``: trained on a synthetic set of
    ``persons`` people, thresholds chosen on its truth."""
    from lnob.dedup.engine.synthetic import synthetic_set

    data = synthetic_set(persons, seed=seed)
    previous = None
    with contextlib.suppress(ModelError):  # no usable model yet: version 1
        previous = Model.load()
    model = retrain(data.records, previous=previous, person_of=data.person_of(), seed=1)
    model.training["synthetic"] = {"persons": persons, "seed": seed,
                                   "records": len(data.rows)}
    return model
