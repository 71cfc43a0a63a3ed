"""Thai-aware deduplication of person records: the pure engine (no Django).

One person, one record: the same person reported by a temple, a health volunteer and
the hotline, spelt three ways, is found and explained; two people of one household —
siblings, a couple, twins — are not merged. See ``docs/dedup.md``.

At intake::

    index = BlockingIndex.build(records)            # once per process, then index.add()
    for match in candidates_for(new_record, index):   # < 200 ms at 1 M persons
        match.right_id, match.probability, match.decision, match.fields

In a batch run::

    result = find_duplicates(records)                 # Splink on DuckDB
    result.clusters()                                 # merge automatically
    result.review()                                   # for a person to decide

Everything takes :class:`PersonRecord` (or a mapping with the same keys) and uses the
model shipped in ``model/lnob-dedup.json`` unless given another :class:`Model`.
"""

from lnob.dedup.engine.batch import (
    DedupResult,
    batch_features,
    cluster,
    cluster_rids,
    find_duplicates,
    find_duplicates_in_table,
    predict_pairs,
)
from lnob.dedup.engine.features import (
    BLOCKING_RULES,
    Features,
    PersonRecord,
    blocking_keys,
    features_table,
    normalise,
    normalise_table,
    records_table,
)
from lnob.dedup.engine.index import BlockingIndex, candidates_for
from lnob.dedup.engine.model import (
    DEFAULT_MODEL_PATH,
    FieldEvidence,
    Match,
    Model,
    ModelError,
    SelfPairError,
    TermFrequencies,
    default_model,
    score_pair,
)
from lnob.dedup.engine.training import build_default_model, retrain

__all__ = [
    "BLOCKING_RULES",
    "DEFAULT_MODEL_PATH",
    "BlockingIndex",
    "DedupResult",
    "Features",
    "FieldEvidence",
    "Match",
    "Model",
    "ModelError",
    "PersonRecord",
    "SelfPairError",
    "TermFrequencies",
    "batch_features",
    "blocking_keys",
    "build_default_model",
    "candidates_for",
    "cluster",
    "cluster_rids",
    "default_model",
    "features_table",
    "find_duplicates",
    "find_duplicates_in_table",
    "normalise",
    "normalise_table",
    "predict_pairs",
    "records_table",
    "retrain",
    "score_pair",
]
