"""The trained model: Splink parameters, thresholds and version; saved as JSON.

Pure (no Django). :class:`Model` also scores one pair in Python with exactly the
weights Splink uses (:func:`score_pair`), and explains it field by field: which level
of each comparison held, and what it weighed (log₂ Bayes factor; with the
term-frequency adjustment for common names).
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lnob.dedup.engine.comparisons import COMPARISONS, Comparison, Outcome, level_of
from lnob.dedup.engine.features import Features

__all__ = [
    "DEFAULT_MODEL_PATH",
    "Decision",
    "FieldEvidence",
    "Model",
    "ModelError",
    "Match",
    "SelfPairError",
    "TermFrequencies",
    "default_model",
    "score_pair",
]

MODEL_FORMAT = "lnob-dedup-model"
FEATURES_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).with_name("model") / "lnob-dedup.json"
_CLAMP = 1e-300  # Splink's M_U_CLAMP_MIN

Decision = Literal["merge", "review", "distinct"]


class ModelError(ValueError):
    """A model file that cannot be used with this engine."""


class SelfPairError(ValueError):
    """A record paired with itself."""

    def __init__(self, record_id: str) -> None:
        super().__init__(f"Record {record_id} cannot be compared with or merged into itself.")
        self.record_id = record_id


@dataclass(frozen=True)
class _LevelWeight:
    label: str
    weight: float  # log2(m/u); 0 for a null level
    m: float | None
    u: float | None
    tf_column: str | None
    tf_weight: float
    tf_minimum_u: float


class TermFrequencies:
    """How common each value of the term-frequency columns is: count / non-empty values
    (Splink's definition). Values not seen count once."""

    def __init__(self, counts: Mapping[str, Mapping[str, int]] | None = None,
                 totals: Mapping[str, int] | None = None) -> None:
        self.counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in (counts or {}).items()}
        self.totals: dict[str, int] = dict(totals or {})

    @classmethod
    def of(cls, items: Any, columns: tuple[str, ...] = ("first_fold",)) -> TermFrequencies:
        tf = cls({c: {} for c in columns}, dict.fromkeys(columns, 0))
        for f in items:
            tf.add(f)
        return tf

    def add(self, f: Features, sign: int = 1) -> None:
        for column, counts in self.counts.items():
            value = getattr(f, column)
            if value is None:
                continue
            counts[value] = counts.get(value, 0) + sign
            self.totals[column] = self.totals.get(column, 0) + sign

    def frequency(self, column: str, value: str) -> float | None:
        total = self.totals.get(column, 0)
        if total <= 0:
            return None
        return max(self.counts.get(column, {}).get(value, 0), 1) / total


@dataclass(frozen=True)
class FieldEvidence:
    """What one comparison says about a pair."""

    comparison: str  # e.g. "citizen_id"
    title: str  # e.g. "Citizen ID"
    level: str  # e.g. "one_digit"
    description: str  # e.g. "one digit different"
    outcome: Outcome  # agree / close / disagree / missing / household
    weight: float  # log2 Bayes factor, term-frequency adjustment included
    tf_adjustment: float


@dataclass(frozen=True)
class Match:
    """A scored pair of records — a possible match — with its explanation."""

    left_id: str
    right_id: str
    match_weight: float
    probability: float
    prior_weight: float
    fields: tuple[FieldEvidence, ...]
    thin: tuple[str, ...]  # ids of records too thin to merge without review
    decision: Decision

    @property
    def agreed(self) -> tuple[FieldEvidence, ...]:
        return tuple(f for f in self.fields if f.weight > 0 and f.outcome != "missing")

    @property
    def disagreed(self) -> tuple[FieldEvidence, ...]:
        return tuple(f for f in self.fields if f.weight < 0)

    def as_dict(self) -> dict[str, Any]:
        return {"left_id": self.left_id, "right_id": self.right_id,
                "match_weight": round(self.match_weight, 3),
                "probability": self.probability, "prior_weight": round(self.prior_weight, 3),
                "decision": self.decision, "thin": list(self.thin),
                "fields": [{"comparison": f.comparison, "title": f.title, "level": f.level,
                            "description": f.description, "outcome": f.outcome,
                            "weight": round(f.weight, 3),
                            "tf_adjustment": round(f.tf_adjustment, 3)} for f in self.fields]}


@dataclass
class Model:
    """A trained LNOB model.

    ``merge_threshold``: pairs at or above this probability are merged automatically
    (unless a record is thin); ``review_threshold``: pairs at or above it are shown to a
    person. ``splink`` is Splink's own settings dictionary with the trained m and u.
    """

    splink: dict[str, Any]
    version: int = 1
    merge_threshold: float = 0.99
    review_threshold: float = 0.5
    created: str = ""
    training: dict[str, Any] = field(default_factory=dict)
    threshold_choice: dict[str, Any] = field(default_factory=dict)
    term_frequencies: TermFrequencies = field(default_factory=TermFrequencies)

    def __post_init__(self) -> None:
        self._weights = self._level_weights()
        prior = float(self.splink["probability_two_random_records_match"])
        self.prior_weight = math.log2(prior / (1 - prior))

    # -- parameters

    def _level_weights(self) -> list[list[_LevelWeight]]:
        trained = {c["output_column_name"]: c for c in self.splink["comparisons"]}
        out: list[list[_LevelWeight]] = []
        for comparison in COMPARISONS:
            spec = trained.get(comparison.name)
            if spec is None:
                raise ModelError(f"the model has no comparison {comparison.name!r}")
            levels = spec["comparison_levels"]
            labels = [lv.get("label_for_charts") for lv in levels]
            if labels != [lv.label for lv in comparison.levels]:
                raise ModelError(f"the model's levels of {comparison.name!r} are {labels}, "
                                 "not this engine's; retrain it")
            for lv, mine in zip(levels, comparison.levels, strict=True):
                if (lv.get("sql_condition"), lv.get("tf_adjustment_column")) != (
                        mine.sql, mine.tf):
                    raise ModelError(f"level {mine.label!r} of {comparison.name!r} differs "
                                     "from this engine's; retrain the model")
            weights = []
            for lv in levels:
                if lv.get("is_null_level"):
                    weights.append(_LevelWeight(lv["label_for_charts"], 0.0, None, None, None,
                                                0.0, 0.0))
                    continue
                m, u = lv.get("m_probability"), lv.get("u_probability")
                if not isinstance(m, (int, float)) or not isinstance(u, (int, float)):
                    raise ModelError(f"level {lv['label_for_charts']!r} of "
                                     f"{comparison.name!r} is not trained")
                weights.append(_LevelWeight(
                    lv["label_for_charts"], math.log2(max(m, _CLAMP) / max(u, _CLAMP)), m, u,
                    lv.get("tf_adjustment_column"), float(lv.get("tf_adjustment_weight", 1.0)),
                    float(lv.get("tf_minimum_u_value", 0.0))))
            out.append(weights)
        return out

    def weights(self) -> dict[str, dict[str, float]]:
        """comparison → level → weight (log₂ Bayes factor), for the documentation."""
        return {c.name: {w.label: w.weight for w in ws}
                for c, ws in zip(COMPARISONS, self._weights, strict=True)}

    def m_u(self) -> dict[str, dict[str, tuple[float | None, float | None]]]:
        return {c.name: {w.label: (w.m, w.u) for w in ws}
                for c, ws in zip(COMPARISONS, self._weights, strict=True)}

    # -- scoring

    def decide(self, probability: float, thin: bool) -> Decision:
        if probability >= self.merge_threshold and not thin:
            return "merge"
        if probability >= self.review_threshold:
            return "review"
        return "distinct"

    def score(self, left: Features, right: Features,
              tf: TermFrequencies | None = None) -> Match:
        """The pair's score and explanation. Raises :class:`SelfPairError` for a record
        paired with itself."""
        if left.record_id and left.record_id == right.record_id:
            raise SelfPairError(left.record_id)
        tf = tf or self.term_frequencies
        total = self.prior_weight
        evidence = []
        for comparison, weights in zip(COMPARISONS, self._weights, strict=True):
            i = level_of(comparison, left, right)
            level, lw = comparison.levels[i], weights[i]
            adjustment = _tf_adjustment(lw, left, right, tf)
            weight = lw.weight + adjustment
            total += weight
            evidence.append(FieldEvidence(comparison.name, comparison.description, level.label,
                                          level.description, level.outcome, weight, adjustment))
        probability = _probability(total)
        thin = tuple(f.record_id for f in (left, right) if f.thin)
        return Match(left.record_id, right.record_id, total, probability,
                         self.prior_weight, tuple(evidence), thin,
                         self.decide(probability, bool(thin)))

    # -- files

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "features_version": FEATURES_VERSION,
            "created": self.created,
            "thresholds": {"merge": self.merge_threshold, "review": self.review_threshold},
            "threshold_choice": self.threshold_choice,
            "training": self.training,
            "term_frequencies": {"counts": self.term_frequencies.counts,
                                 "totals": self.term_frequencies.totals},
            "splink": self.splink,
        }

    def save(self, path: str | Path = DEFAULT_MODEL_PATH) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.as_dict(), ensure_ascii=False, indent=1, sort_keys=False)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Model:
        if data.get("format") != MODEL_FORMAT:
            raise ModelError("not an LNOB deduplication model")
        if data.get("features_version") != FEATURES_VERSION:
            raise ModelError(f"the model was trained on features version "
                             f"{data.get('features_version')}, this engine makes version "
                             f"{FEATURES_VERSION}; retrain it")
        tf = data.get("term_frequencies") or {}
        return cls(splink=dict(data["splink"]), version=int(data["version"]),
                   merge_threshold=float(data["thresholds"]["merge"]),
                   review_threshold=float(data["thresholds"]["review"]),
                   created=str(data.get("created", "")),
                   training=dict(data.get("training") or {}),
                   threshold_choice=dict(data.get("threshold_choice") or {}),
                   term_frequencies=TermFrequencies(tf.get("counts"), tf.get("totals")))

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_PATH) -> Model:
        """The model saved at ``path`` (the one shipped with the engine by default)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"no model at {path}: train one with retrain()") from None
        return cls.from_dict(data)

    @staticmethod
    def now() -> str:
        return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _tf_adjustment(lw: _LevelWeight, left: Features, right: Features,
                   tf: TermFrequencies) -> float:
    """Splink's term-frequency adjustment: weight × (log₂ u − log₂ max(tf_l, tf_r, min))."""
    if not lw.tf_column or not lw.tf_weight or lw.u is None:
        return 0.0
    values = [getattr(f, lw.tf_column) for f in (left, right)]
    freqs = [tf.frequency(lw.tf_column, v) for v in values if v is not None]
    known = [f for f in freqs if f is not None]
    if not known:
        return 0.0
    return lw.tf_weight * (math.log2(lw.u) - math.log2(max(*known, lw.tf_minimum_u)))


def _probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    if weight < -1000:
        return 0.0
    odds = 2.0 ** weight
    return odds / (1 + odds)


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The model shipped with the engine (loaded once)."""
    return Model.load()


def score_pair(left: Features, right: Features, model: Model,
               tf: TermFrequencies | None = None) -> Match:
    """:meth:`Model.score` as a function."""
    return model.score(left, right, tf)


def comparisons() -> tuple[Comparison, ...]:
    return COMPARISONS
