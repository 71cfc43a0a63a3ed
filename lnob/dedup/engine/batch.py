"""Batch deduplication of many records: Splink on DuckDB scores the blocked pairs, then
:func:`cluster` joins pairs above the merge threshold into persons.

Pure (no Django). The integrator feeds :func:`find_duplicates` the records of a
province or of the country and gets back the clusters to merge automatically and the
pairs for a person to review, each explainable with :meth:`Model.score`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lnob.dedup.engine.features import (
    RECORD_FIELDS,
    RECORD_SCHEMA,
    PersonRecord,
    clear_caches,
    normalise_table,
    records_table,
    splink_input,
)
from lnob.dedup.engine.model import Model, SelfPairError, default_model
from lnob.dedup.engine.similarity import damerau_levenshtein, hamming

__all__ = [
    "BATCH_COLUMNS",
    "DedupResult",
    "batch_features",
    "cluster",
    "cluster_rids",
    "connect",
    "find_duplicates",
    "linker_for",
    "predict_pairs",
]

# What the comparisons and blocking rules read (the rest stays out of DuckDB), and what a
# batch run keeps besides.
SPLINK_COLUMNS = ("rid", "title", "sex", "first_fold", "first_sound", "last_fold",
                  "last_sound", "dob_y", "dob_m", "dob_d", "dob_year_only", "cid", "cid_ok",
                  "phone", "sd", "district", "village", "house")
BATCH_COLUMNS = (*SPLINK_COLUMNS, "dob_key", "record_id", "thin")
CHUNK_ABOVE = 500_000
PAIR_SCHEMA = pa.schema([("rid_l", pa.int64()), ("rid_r", pa.int64()),
                         ("match_weight", pa.float64()), ("match_probability", pa.float64())])


def connect(*, threads: int | None = None, memory_limit: str | None = None,
            temp_directory: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection for Splink, optionally limited."""
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    if temp_directory:
        con.execute("SET temp_directory = ?", [temp_directory])
    con.execute("SET preserve_insertion_order = false")
    return con


def linker_for(table: pa.Table, settings: Mapping[str, Any],
               con: duckdb.DuckDBPyConnection | None = None) -> Any:
    """A Splink linker over a features table (see :func:`features_table`)."""
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(con or connect())
    frame = db_api.register(splink_input(table, SPLINK_COLUMNS),
                            dataset_display_name="lnob_features")
    return Linker(frame, dict(settings), log_level=logging.ERROR)


def predict_pairs(table: pa.Table, model: Model, *, threshold: float | None = None,
                  con: duckdb.DuckDBPyConnection | None = None,
                  chunks: tuple[int, int] = (1, 1)) -> pa.Table:
    """Every blocked pair scored by Splink with at least ``threshold`` probability
    (default: the model's review threshold), as ``rid_l, rid_r, match_weight,
    match_probability``. ``chunks`` (left, right) splits the work to use less memory."""
    linker = linker_for(table, model.splink, con)
    threshold = model.review_threshold if threshold is None else threshold
    frame = linker.inference.predict(threshold_match_probability=threshold,
                                     warning_mode="never", num_chunks_left=chunks[0],
                                     num_chunks_right=chunks[1])
    relation = frame.as_duckdbpyrelation()
    pairs = relation.select("rid_l, rid_r, match_weight, match_probability").arrow()
    if isinstance(pairs, pa.RecordBatchReader):
        pairs = pairs.read_all()
    del relation
    frame.drop_table_from_database_and_remove_from_cache()
    return pairs.cast(PAIR_SCHEMA)


def one_typo_apart(a: str, b: str) -> bool:
    """Two valid IDs that one typo could turn into each other: one digit different, or
    two neighbours swapped — except the last two, as twins' IDs are (see comparisons)."""
    distance = hamming(a, b)
    if distance == 1:
        return True
    return distance == 2 and damerau_levenshtein(a, b) == 1 and a[:11] != b[:11]


class _Components:
    """Union-find over compact node numbers; a root is its component's smallest node.
    Keeps each component's valid citizen IDs."""

    def __init__(self, n: int, ids: Mapping[int, str]) -> None:
        self.parent = list(range(n))
        self.ids: dict[int, set[str]] = {i: {c} for i, c in ids.items()}

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def conflict(self, a: int, b: int) -> bool:
        """Two components that each hold a valid citizen ID, none of them one typo from
        the other, are two people."""
        ids_a, ids_b = self.ids.get(a), self.ids.get(b)
        if not ids_a or not ids_b or ids_a & ids_b:
            return False
        return not any(one_typo_apart(x, y) for x in ids_a for y in ids_b)

    def union(self, a: int, b: int) -> None:
        if a < b:
            a, b = b, a
        self.parent[a] = b
        if a in self.ids:
            self.ids.setdefault(b, set()).update(self.ids.pop(a))


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of ``0..n-1``: each node's smallest node number."""
    label = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, low)
        np.minimum.at(new, right, low)
        new = new[new]  # jump to the label's label
        if np.array_equal(new, label):
            return label
        label = new


def cluster_rids(n: int, left: Any, right: Any, probability: Any, threshold: float, *,
                 thin: Any = None, valid_ids: Any = None) -> np.ndarray:
    """Cluster numbers for records ``0..n-1`` (each cluster numbered by its smallest
    member) from scored pairs given as arrays ``left``, ``right``, ``probability``.

    Pairs are joined strongest first, when their probability is at least ``threshold``
    and neither record is ``thin`` (a boolean array); a join that would put two different
    valid citizen IDs (not :func:`one_typo_apart`) in one person is skipped.
    ``valid_ids``: for each record its citizen ID when the check digit holds, else None
    (a sequence, or an Arrow array). A record paired with itself raises
    :class:`SelfPairError`.

    Components are found with numpy; only those holding two valid IDs that could clash
    are joined again pair by pair, strongest first (the same result, much faster).
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    probability = np.asarray(probability, dtype=np.float64)
    if (left == right).any():
        raise SelfPairError(str(int(left[np.argmax(left == right)])))
    keep = probability >= threshold
    if thin is not None:
        thin = np.asarray(thin, dtype=bool)
        keep &= ~thin[left] & ~thin[right]
    left, right, probability = left[keep], right[keep], probability[keep]
    nodes, compact = np.unique(np.concatenate([left, right]), return_inverse=True)
    m = len(left)
    cl, cr = compact[:m], compact[m:]
    label = _components(len(nodes), cl, cr)
    if valid_ids is not None and len(nodes):
        if isinstance(valid_ids, (pa.Array, pa.ChunkedArray)):
            values = valid_ids.take(pa.array(nodes)).to_pylist()
        else:
            values = [valid_ids[i] for i in nodes.tolist()]
        by_component: dict[int, set[str]] = {}
        for k, v in enumerate(values):
            if v:
                by_component.setdefault(int(label[k]), set()).add(v)
        clashing = [c for c, ids in by_component.items() if len(ids) > 1 and not all(
            one_typo_apart(x, y) for x in ids for y in ids if x < y)]
        if clashing:
            label = _rejoin(label, cl, cr, probability, np.array(clashing, dtype=np.int64),
                            {k: v for k, v in enumerate(values) if v})
    cluster_of = np.arange(n, dtype=np.int64)
    cluster_of[nodes] = nodes[label]
    return cluster_of


def _rejoin(label: np.ndarray, left: np.ndarray, right: np.ndarray, probability: np.ndarray,
            components: np.ndarray, ids: Mapping[int, str]) -> np.ndarray:
    """Join the nodes of ``components`` again, strongest pair first, skipping a join that
    puts two clashing valid IDs together."""
    inside = np.isin(label[left], components)
    left, right, probability = left[inside], right[inside], probability[inside]
    order = np.lexsort((right, left, -probability))
    members = np.flatnonzero(np.isin(label, components))
    comps = _Components(len(label), {k: ids[k] for k in members.tolist() if k in ids})
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        ra, rb = comps.find(a), comps.find(b)
        if ra != rb and not comps.conflict(ra, rb):
            comps.union(ra, rb)
    label = label.copy()
    label[members] = [comps.find(k) for k in members.tolist()]
    return label


def cluster(pairs: Iterable[tuple[str, str, float]], threshold: float, *,
            thin: Collection[str] = (), citizen_ids: Mapping[str, str] | None = None
            ) -> list[list[str]]:
    """Groups of record ids (two or more each) that are one person: the pairs
    ``(record_id, record_id, probability)`` at or above ``threshold``, joined strongest
    first, never through a ``thin`` record, never putting two different valid citizen IDs
    (``citizen_ids``: record id → ID whose check digit holds) in one group. A record paired
    with itself raises :class:`SelfPairError`."""
    numbers: dict[str, int] = {}
    left, right, prob = [], [], []
    for a, b, p in pairs:
        if a == b:
            raise SelfPairError(a)
        left.append(numbers.setdefault(a, len(numbers)))
        right.append(numbers.setdefault(b, len(numbers)))
        prob.append(p)
    names = list(numbers)
    ids = citizen_ids or {}
    cluster_of = cluster_rids(len(names), left, right, prob, threshold,
                              thin=[name in thin for name in names],
                              valid_ids=[ids.get(name) for name in names])
    groups: dict[int, list[str]] = {}
    for i, root in enumerate(cluster_of.tolist()):
        groups.setdefault(root, []).append(names[i])
    return [sorted(g) for g in groups.values() if len(g) > 1]


@dataclass
class DedupResult:
    """The outcome of a batch run: records are numbered by position (rid) in ``ids``."""

    ids: pa.Array  # rid → record id
    cluster_of: np.ndarray  # rid → smallest rid of its cluster
    pairs: pa.Table  # rid_l, rid_r, match_weight, match_probability (≥ review threshold)
    thin: np.ndarray  # rid → too thin to merge automatically
    model: Model

    @property
    def record_ids(self) -> list[str]:
        return list(self.ids.to_pylist())

    def clusters(self) -> list[list[str]]:
        """Groups of record ids to merge (two or more records each), smallest rid first."""
        sizes = np.bincount(self.cluster_of, minlength=len(self.cluster_of))
        members = np.flatnonzero(sizes[self.cluster_of] > 1)
        names = self.ids.take(pa.array(members)).to_pylist()
        groups: dict[int, list[str]] = {}
        for rid, name in zip(members.tolist(), names, strict=True):
            groups.setdefault(int(self.cluster_of[rid]), []).append(name)
        return list(groups.values())

    def review(self) -> list[tuple[str, str, float]]:
        """Pairs for a person to look at: above the review threshold but not merged
        (below the merge threshold, a thin record, or a conflicting citizen ID)."""
        left = self.pairs.column("rid_l").to_numpy()
        right = self.pairs.column("rid_r").to_numpy()
        open_ = self.cluster_of[left] != self.cluster_of[right]
        names_l = self.ids.take(pa.array(left[open_])).to_pylist()
        names_r = self.ids.take(pa.array(right[open_])).to_pylist()
        prob = self.pairs.column("match_probability").to_numpy()[open_].tolist()
        return list(zip(names_l, names_r, prob, strict=True))


def batch_features(batches: Iterable[pa.Table | pa.RecordBatch], *,
                   rows_at_once: int = 400_000, workers: int = 1) -> pa.Table:
    """Features for a batch run from tables of records (:data:`RECORD_SCHEMA`), numbered
    in order, with only the columns the run needs (see :data:`BATCH_COLUMNS`).

    Records are normalised ``rows_at_once`` at a time (each distinct name is worked out
    once, and remembered for the next ones); with ``workers`` > 1 the names are shared out
    between that many processes (forked at once, while this one is still small). The
    name caches and Arrow's unused memory are released afterwards."""
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:

            def mapper(fn: Callable[[str], Any], values: list[str]
                       ) -> Callable[[], list[Any]]:
                size = max(1, len(values) // (workers * 4))
                results = pool.map(fn, values, chunksize=size)  # submitted at once
                return lambda: list(results)

            return _batch_features(batches, rows_at_once, mapper)
    return _batch_features(batches, rows_at_once, None)


def _batch_features(batches: Iterable[pa.Table | pa.RecordBatch], rows_at_once: int,
                    mapper: Any) -> pa.Table:
    parts: list[pa.Table] = []
    waiting: list[pa.Table] = []
    rid = waiting_rows = 0

    def flush() -> None:
        nonlocal rid, waiting_rows
        if waiting:
            table = pa.concat_tables(waiting, promote_options="permissive")
            features = normalise_table(table, first_rid=rid, mapper=mapper) if mapper \
                else normalise_table(table, first_rid=rid)
            parts.append(features.select(BATCH_COLUMNS))
            rid += table.num_rows
            waiting.clear()
            waiting_rows = 0

    for batch in batches:
        table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        waiting.append(table)
        waiting_rows += table.num_rows
        if waiting_rows >= rows_at_once:
            flush()
    flush()
    features = pa.concat_tables(parts) if parts else normalise_table(
        pa.table({}, schema=RECORD_SCHEMA)).select(BATCH_COLUMNS)
    parts.clear()
    clear_caches()
    pa.default_memory_pool().release_unused()
    return features


def find_duplicates(records: Iterable[PersonRecord | Mapping[str, Any]] | pa.Table,
                    model: Model | None = None, *,
                    con: duckdb.DuckDBPyConnection | None = None) -> DedupResult:
    """Normalise ``records`` (records, mappings with the same keys, or an Arrow table of
    :data:`RECORD_SCHEMA`), score their blocked pairs with Splink and cluster them at the
    model's merge threshold."""
    model = model or default_model()
    if isinstance(records, pa.Table):
        table = records
    else:
        rows = list(records)
        table = records_table(r if isinstance(r, PersonRecord) else PersonRecord(
            **{k: v for k, v in r.items() if k in RECORD_FIELDS}) for r in rows)
    step = 200_000
    features = batch_features(table.slice(i, step) for i in range(0, table.num_rows, step))
    return find_duplicates_in_table(features, model, con=con)


def find_duplicates_in_table(table: pa.Table, model: Model, *,
                             con: duckdb.DuckDBPyConnection | None = None,
                             chunks: tuple[int, int] | None = None) -> DedupResult:
    """:func:`find_duplicates` for a features table already built (rid = row number).
    ``chunks``: see :func:`predict_pairs`; by default the pairs of more than
    :data:`CHUNK_ABOVE` records are scored in two halves (half DuckDB's peak memory for
    about 5 % more time)."""
    n = table.num_rows
    rids = table.column("rid").to_numpy()
    if n and not np.array_equal(rids, np.arange(n)):
        raise ValueError("the features table must number its rows 0, 1, 2, … in rid")
    if chunks is None:
        chunks = (1, 2) if n > CHUNK_ABOVE else (1, 1)
    pairs = predict_pairs(table, model, con=con, chunks=chunks)
    thin = table.column("thin").to_numpy()
    cid = table.column("cid").combine_chunks()
    valid = pc.if_else(table.column("cid_ok").combine_chunks(), cid,
                       pa.scalar(None, pa.string()))
    cluster_of = cluster_rids(n, pairs.column("rid_l").to_numpy(),
                              pairs.column("rid_r").to_numpy(),
                              pairs.column("match_probability").to_numpy(),
                              model.merge_threshold, thin=thin, valid_ids=valid)
    return DedupResult(table.column("record_id").combine_chunks(), cluster_of, pairs, thin,
                       model)
