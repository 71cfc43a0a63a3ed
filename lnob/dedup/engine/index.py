"""The in-memory blocking index behind :func:`candidates_for`: likely duplicates of one
record among a million in milliseconds.

Pure (no Django). Every record is filed under its blocking keys (the same keys as the
Splink blocking rules, :func:`~lnob.dedup.engine.features.blocking_keys`); a look-up
collects the records sharing a key and scores each pair in Python with the model's
weights. Keys are kept as sorted 64-bit hashes with numpy (about 12 bytes per key, a
dozen keys per record) and features as an Arrow table; records added later go to a small
dictionary until :meth:`BlockingIndex.compact`.

Key hashes use Python's ``hash``, which differs between processes: an index lives in
one process and is rebuilt, not saved. A Django app can instead keep the keys in a
database table (``blocking_keys`` gives them) and look up candidates there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lnob.dedup.engine.features import (
    Features,
    PersonRecord,
    blocking_keys,
    features_from_row,
    features_table,
    keys_of,
    normalise,
)
from lnob.dedup.engine.model import Match, Model, TermFrequencies, default_model

__all__ = ["BlockingIndex", "candidates_for"]

_KEY_COLUMNS = ("cid", "first_fold", "last_fold", "first_sound", "last_sound", "dob_key", "sd")
_CHUNK = 100_000


def _hash(key: tuple[str, str]) -> int:
    return hash(key)


class BlockingIndex:
    """Records filed under their blocking keys, with the term frequencies of names."""

    def __init__(self, table: pa.Table | None = None) -> None:
        self._reset(table if table is not None else features_table([]))

    def _reset(self, table: pa.Table) -> None:
        # One chunk per column: take() on many chunks costs time in proportion to the
        # table, on one chunk in proportion to the rows taken.
        self._table = table.combine_chunks()
        self._keys = np.empty(0, dtype=np.int64)
        self._positions = np.empty(0, dtype=np.int64)
        self._id_hashes = np.empty(0, dtype=np.int64)
        self._id_positions = np.empty(0, dtype=np.int64)
        self._extra: list[Features] = []
        self._extra_keys: dict[int, list[int]] = {}
        self._extra_ids: dict[str, int] = {}
        self._removed: set[int] = set()
        self.tf = TermFrequencies({"first_fold": {}}, {"first_fold": 0})
        if table.num_rows:
            self._file_table()

    # -- building

    @classmethod
    def build(cls, items: Iterable[Features | PersonRecord | Mapping[str, Any]] | pa.Table
              ) -> BlockingIndex:
        """An index of ``items`` (features, records, or a :func:`features_table`)."""
        if isinstance(items, pa.Table):
            return cls(items)
        feats = [i if isinstance(i, Features) else normalise(i) for i in items]
        return cls(features_table(feats))

    def _file_table(self) -> None:
        table = self._table
        key_parts: list[np.ndarray] = []
        pos_parts: list[np.ndarray] = []
        for start in range(0, table.num_rows, _CHUNK):
            chunk = table.slice(start, _CHUNK)
            columns = [chunk.column(c).to_pylist() for c in _KEY_COLUMNS]
            hashes: list[int] = []
            positions: list[int] = []
            for offset, values in enumerate(zip(*columns, strict=True)):
                record_keys = keys_of(*values)
                hashes.extend(_hash(k) for k in record_keys)
                positions.extend([start + offset] * len(record_keys))
            key_parts.append(np.array(hashes, dtype=np.int64))
            pos_parts.append(np.array(positions, dtype=np.int64))
        all_keys = np.concatenate(key_parts)
        all_positions = np.concatenate(pos_parts)
        order = np.argsort(all_keys, kind="stable")
        self._keys, self._positions = all_keys[order], all_positions[order]
        ids = np.array([hash(r) for r in table.column("record_id").to_pylist()], dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        self._id_hashes, self._id_positions = ids[order], order.astype(np.int64)
        for column in self.tf.counts:
            counts = pc.value_counts(table.column(column).drop_null())
            values = counts.field("values").to_pylist()
            numbers = counts.field("counts").to_pylist()
            self.tf.counts[column] = dict(zip(values, numbers, strict=True))
            self.tf.totals[column] = int(sum(numbers))

    def compact(self) -> None:
        """Fold records added (and drop those removed) since the last build into the
        sorted arrays."""
        rows = [self.features_at(i) for i in range(len(self))
                if i not in self._removed]
        self._reset(features_table(rows))

    # -- changing

    def __len__(self) -> int:
        return self._table.num_rows + len(self._extra)

    @property
    def size(self) -> int:
        """Records in the index (removed ones not counted)."""
        return len(self) - len(self._removed)

    def _position_of(self, record_id: str) -> int | None:
        if record_id in self._extra_ids:
            return self._extra_ids[record_id]
        h = hash(record_id)
        lo = int(np.searchsorted(self._id_hashes, h, side="left"))
        hi = int(np.searchsorted(self._id_hashes, h, side="right"))
        ids = self._table.column("record_id")
        for k in range(lo, hi):
            pos = int(self._id_positions[k])
            if ids[pos].as_py() == record_id and pos not in self._removed:
                return pos
        return None

    def __contains__(self, record_id: object) -> bool:
        return isinstance(record_id, str) and self._position_of(record_id) is not None

    def add(self, item: Features | PersonRecord | Mapping[str, Any]) -> Features:
        """File one more record (replacing an earlier one with the same id)."""
        f = item if isinstance(item, Features) else normalise(item)
        self.remove(f.record_id)
        pos = len(self)
        self._extra.append(f)
        self._extra_ids[f.record_id] = pos
        for key in blocking_keys(f):
            self._extra_keys.setdefault(_hash(key), []).append(pos)
        self.tf.add(f)
        return f

    def remove(self, record_id: str) -> bool:
        """Take a record out (after a merge, or erasure); False when it was not there."""
        pos = self._position_of(record_id)
        if pos is None:
            return False
        self.tf.add(self.features_at(pos), sign=-1)
        self._removed.add(pos)
        self._extra_ids.pop(record_id, None)
        return True

    # -- reading

    def features_at(self, position: int) -> Features:
        base = self._table.num_rows
        if position >= base:
            return self._extra[position - base]
        return features_from_row(self._table.slice(position, 1).to_pylist()[0])

    def _features(self, positions: Sequence[int]) -> list[Features]:
        base = self._table.num_rows
        in_table = [p for p in positions if p < base]
        out = [self._extra[p - base] for p in positions if p >= base]
        if in_table:
            rows = self._table.take(pa.array(in_table, type=pa.int64())).to_pylist()
            out = [features_from_row(r) for r in rows] + out
        return out

    def candidates(self, f: Features) -> list[Features]:
        """The records sharing a blocking key with ``f`` (never ``f``'s own record)."""
        found: set[int] = set()
        for key in blocking_keys(f):
            h = _hash(key)
            lo = int(np.searchsorted(self._keys, h, side="left"))
            hi = int(np.searchsorted(self._keys, h, side="right"))
            if hi > lo:
                found.update(self._positions[lo:hi].tolist())
            found.update(self._extra_keys.get(h, ()))
        found -= self._removed
        return [c for c in self._features(sorted(found)) if c.record_id != f.record_id]


def candidates_for(record: Features | PersonRecord | Mapping[str, Any], index: BlockingIndex,
                   model: Model | None = None, *, min_probability: float | None = None,
                   limit: int = 20) -> list[Match]:
    """Likely duplicates of ``record`` in ``index``, most likely first, each with its
    explanation: at most ``limit``, at least ``min_probability`` (default: the model's
    review threshold). The record itself (same ``record_id``) is never among them."""
    model = model or default_model()
    f = record if isinstance(record, Features) else normalise(record)
    floor = model.review_threshold if min_probability is None else min_probability
    scored = [model.score(f, c, index.tf) for c in index.candidates(f)]
    scored = [s for s in scored if s.probability >= floor]
    scored.sort(key=lambda s: (-s.match_weight, s.right_id))
    return scored[:limit]
