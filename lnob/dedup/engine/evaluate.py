"""Pairwise precision, recall and F1 of a clustering against the truth, and the
precision/recall curve over merge thresholds from which the threshold is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["PairwiseScores", "ThresholdPoint", "choose_thresholds", "pairwise_scores",
           "review_band", "threshold_curve"]

# Candidate merge thresholds (match probability). Evenly spaced in match weight from
# 0 to 30 bits, which covers everything between a coin toss and near certainty.
THRESHOLDS: tuple[float, ...] = tuple(
    round(1 - 1 / (1 + 2 ** w), 12) for w in np.arange(0.0, 30.5, 0.5).tolist())


@dataclass(frozen=True)
class PairwiseScores:
    """Counted over pairs of records: a pair is predicted when both are in one cluster,
    true when both are one person."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs_in_groups(*keys: np.ndarray) -> int:
    """Σ C(size, 2) over the groups of equal key tuples."""
    if not len(keys[0]):
        return 0
    stacked = np.stack([np.asarray(k, dtype=np.int64) for k in keys], axis=1)
    _, counts = np.unique(stacked, axis=0, return_counts=True)
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pairwise_scores(cluster_of: np.ndarray, person_of: np.ndarray) -> PairwiseScores:
    """Precision, recall and F1 of ``cluster_of`` (record → cluster) against
    ``person_of`` (record → true person)."""
    cluster_of = np.asarray(cluster_of, dtype=np.int64)
    person_of = np.asarray(person_of, dtype=np.int64)
    tp = _pairs_in_groups(cluster_of, person_of)
    predicted = _pairs_in_groups(cluster_of)
    true = _pairs_in_groups(person_of)
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, tp, predicted, true)


@dataclass(frozen=True)
class ThresholdPoint:
    threshold: float
    match_weight: float
    scores: PairwiseScores


def threshold_curve(n: int, pairs: pa.Table, person_of: np.ndarray, *,
                    thin: Sequence[bool] | None = None,
                    valid_ids: Sequence[str | None] | None = None,
                    thresholds: Sequence[float] = THRESHOLDS) -> list[ThresholdPoint]:
    """Clustered pairwise scores at each threshold (the precision/recall curve)."""
    from lnob.dedup.engine.batch import cluster_rids

    rid_l = pairs.column("rid_l").to_numpy()
    rid_r = pairs.column("rid_r").to_numpy()
    prob = pairs.column("match_probability").to_numpy()
    weight = pairs.column("match_weight").to_numpy()
    out = []
    for t in thresholds:
        cluster_of = cluster_rids(n, rid_l, rid_r, prob, t, thin=thin, valid_ids=valid_ids)
        w = float(np.log2(t / (1 - t))) if t < 1 else float(weight.max(initial=0))
        out.append(ThresholdPoint(t, w, pairwise_scores(cluster_of, person_of)))
    return out


def review_band(pairs: pa.Table, person_of: np.ndarray, merge: float, *,
                min_share: float = 0.2, thresholds: Sequence[float] = THRESHOLDS) -> float:
    """The lowest threshold below ``merge`` at which at least ``min_share`` of the pairs
    scored between it and ``merge`` are the same person: the review queue is worth a
    person's time."""
    prob = pairs.column("match_probability").to_numpy()
    same = person_of[pairs.column("rid_l").to_numpy()] == person_of[
        pairs.column("rid_r").to_numpy()]
    for t in sorted(thresholds):
        if t >= merge:
            break
        band = (prob >= t) & (prob < merge)
        if not band.any() or same[band].mean() >= min_share:
            return t
    return merge


def choose_thresholds(curve: Sequence[ThresholdPoint], *, min_precision: float = 0.995,
                      f1_slack: float = 0.002, review: float | None = None
                      ) -> dict[str, Any]:
    """The merge threshold: among those with precision at least ``min_precision``, the
    highest whose F1 is within ``f1_slack`` of the best (the curve is flat near its top;
    the cautious end of the plateau keeps precision when new data differs a little). The
    most precise threshold when none reaches ``min_precision``. ``review`` (from
    :func:`review_band`) is recorded with it, no higher than the merge threshold."""
    eligible = [p for p in curve if p.scores.precision >= min_precision]
    if eligible:
        top = max(p.scores.f1 for p in eligible)
        best = max((p for p in eligible if p.scores.f1 >= top - f1_slack),
                   key=lambda p: p.threshold)
    else:
        best = max(curve, key=lambda p: (p.scores.precision, p.scores.f1))
    review_t = min(best.threshold if review is None else review, best.threshold)
    return {
        "rule": f"merge: highest threshold with precision >= {min_precision} and pairwise "
                f"F1 within {f1_slack} of the best, on the labelled training set; review: "
                "lowest threshold at which 1 in 5 pairs between it and the merge "
                "threshold is a duplicate",
        "merge": best.threshold, "merge_match_weight": best.match_weight,
        "review": review_t,
        "at_merge": best.scores.as_dict(),
        "curve": [{"threshold": p.threshold, "match_weight": p.match_weight,
                   "precision": round(p.scores.precision, 5),
                   "recall": round(p.scores.recall, 5), "f1": round(p.scores.f1, 5)}
                  for p in curve],
    }
