"""Key uniqueness and reference resolution for a whole graph, by a hash join on 64-bit hashes.

For each label, the key column is hashed once (:func:`graph.hashing.column_hashes`,
the hashes the graph's digest uses as well) and put in a hash index. The keys
are distinct when their hashes are. Every endpoint column that refers to the
label is hashed and looked up: an endpoint resolves when a key has its hash
*and* the same text (the text is compared, so a hash collision can only make
a check fail, never pass). The lookups give each relationship the row of its
endpoint in the node table, which the store's endpoint index and the digest use.

A check that does not pass here says so and nothing more: :mod:`ingest.load`
then finds and words the problems row by row with exact string comparisons,
so the messages do not depend on this fast path.

The work runs on a thread pool: hashing, lookups and comparisons are numpy,
pandas and Arrow kernels that release the GIL, and long columns are cut into
slices that the workers share.

>>> from ingest.load import load_tables, DEFAULT_DATA_DIR
>>> tables = load_tables([DEFAULT_DATA_DIR])
>>> check = KeyCheck(tables)
>>> check.distinct_nodes("Enterprise"), check.resolved(tables.schema.relationship("OPERATES_IN"))
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.hashing import MUL, column_hashes, mix, string_hashes
from graph.schema import Relationship
from graph.tables import GraphTables

__all__ = ["KeyCheck", "SLICE_ROWS"]

#: endpoint columns longer than this are looked up in slices of this many rows, in parallel
SLICE_ROWS = 1 << 20


@dataclass(frozen=True)
class _End:
    """One label's part of a relationship end: which rows of the table refer to ``label``."""

    rel: str
    end: str
    label: str
    rows: np.ndarray | None  # positions in the relationship table; None: every row (the end has one label)


class KeyCheck:
    """Key uniqueness, endpoint resolution and relationship uniqueness for the tables of a graph.

    ``pool`` runs the work; without one, a pool of one thread is used for the checks' duration.
    ``then``, when given, is called with :attr:`key_hashes` as soon as the lookups are queued, so that
    work needing only the keys (the node tables' digests) queues behind them and keeps the workers
    busy while the last lookups finish.
    """

    def __init__(self, tables: GraphTables, pool: Executor | None = None,
                 then: Callable[[dict[str, np.ndarray]], None] | None = None):
        if pool is None:
            with ThreadPoolExecutor(max_workers=1) as own:
                self.__init__(tables, own, then)
            return
        self.tables = tables
        schema = tables.schema
        ends: dict[str, list[_End]] = {}
        for rel, frame in tables.edges.items():
            spec = schema.relationship(rel)
            for end, labels in (("from", spec.from_labels), ("to", spec.to_labels)):
                if len(labels) == 1:
                    ends.setdefault(labels[0], []).append(_End(rel, end, labels[0], None))
                    continue
                written = frame[f"{end}_label"].to_numpy(dtype=object)
                for label in labels:
                    ends.setdefault(label, []).append(_End(rel, end, label, np.flatnonzero(written == label)))
        labels = [label for label in schema.labels if label in tables.nodes or label in ends]
        key_jobs = [pool.submit(self._key_index, label) for label in labels]
        # identity columns are hashed while the key indexes are built (for :meth:`distinct_edges`)
        identity_jobs = {(rel, col): pool.submit(column_hashes, frame[col])
                         for rel, frame in tables.edges.items()
                         for col in schema.relationship(rel).identity if len(frame) > 1}
        #: the 64-bit hash of every key, by label (the digest reuses them)
        self.key_hashes: dict[str, np.ndarray] = {}
        self._distinct: dict[str, bool] = {}
        indexes: dict[str, pd.Index] = {}
        keys: dict[str, object] = {}
        for label, (hashes, index, distinct, key_array) in zip(labels, (job.result() for job in key_jobs)):
            self.key_hashes[label] = hashes
            self._distinct[label] = distinct
            if distinct:
                indexes[label], keys[label] = index, key_array
        lookups = []
        for label, label_ends in ends.items():
            if label not in indexes:
                continue  # duplicate keys (or a hash collision): the exact checks in ingest.load decide
            for item in label_ends:
                column = tables.edges[item.rel][item.end]
                values = column if item.rows is None else column.iloc[item.rows]
                for start in range(0, max(len(values), 1), SLICE_ROWS):
                    piece = values.iloc[start:start + SLICE_ROWS]
                    lookups.append((item, pool.submit(_lookup, piece, indexes[label], keys[label])))
        if then is not None:
            then(self.key_hashes)
        found: dict[tuple[str, str, str], list[np.ndarray | None]] = {}
        for item, future in lookups:
            found.setdefault((item.rel, item.end, item.label), []).append(future.result())
        #: hashes of identity columns, as :attr:`graph.tables.GraphTables.column_hashes` holds them
        self.identity_hashes: dict[tuple[str, str], tuple] = {
            (rel, col): (tables.edges[rel], tables.edges[rel][col].array, job.result())
            for (rel, col), job in identity_jobs.items()}
        #: (relationship, end) → row of each endpoint in its node table, for ends with a single label
        self._codes: dict[tuple[str, str], np.ndarray] = {}
        self._resolved: dict[tuple[str, str], bool] = {}
        for label, label_ends in ends.items():
            for item in label_ends:
                parts = found.get((item.rel, item.end, label))
                ok = parts is not None and all(part is not None for part in parts)
                self._resolved[item.rel, item.end] = self._resolved.get((item.rel, item.end), True) and ok
                if ok and item.rows is None:
                    self._codes[item.rel, item.end] = np.concatenate(parts) if len(parts) > 1 else parts[0]

    def _key_index(self, label: str):
        """The key hashes of ``label``, their index, whether they are distinct, and the keys as one Arrow array."""
        import pyarrow as pa

        column = self.tables.node_table(label)[self.tables.schema.label(label).key]
        hashes = column_hashes(column)
        index = pd.Index(hashes, copy=False)
        distinct = bool(index.is_unique)
        array = pa.array(column.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        return hashes, index, distinct, array.cast(pa.large_string())

    def endpoint_rows(self) -> dict[tuple[str, str], np.ndarray]:
        """Row numbers of the endpoints in their node tables (valid once every key is distinct and resolved)."""
        return {key: codes.astype(np.int32, copy=False) for key, codes in self._codes.items()}

    def distinct_nodes(self, label: str) -> bool:
        return self._distinct.get(label, False)

    def resolved(self, spec: Relationship) -> bool:
        return self._resolved.get((spec.name, "from"), False) and self._resolved.get((spec.name, "to"), False)

    def distinct_edges(self, spec: Relationship) -> bool | None:
        """Whether no two relationships share their endpoints and identity properties; None when the
        caller must check exactly (endpoints without row numbers, or two identity hashes alike).

        The endpoint rows make a pair of endpoints one integer; identity properties
        are mixed in by their hashes (:attr:`identity_hashes`, which the digest reuses).
        Distinct values prove distinct relationships; with equal ones the caller checks exactly (None).
        """
        frame = self.tables.edges[spec.name]
        if len(frame) < 2:
            return True
        if (spec.name, "from") not in self._codes or (spec.name, "to") not in self._codes:
            return None
        size = max(len(self.key_hashes[spec.to_labels[0]]), 1)
        if max(len(self.key_hashes[spec.from_labels[0]]), 1) * size >= 2**62:
            return None
        pairs = self._codes[spec.name, "from"].astype(np.int64) * size + self._codes[spec.name, "to"]
        if not spec.identity:
            pairs.sort()
            return not bool((pairs[1:] == pairs[:-1]).any())
        combined = mix(pairs.view(np.uint64))
        for col in spec.identity:
            hashes = self.identity_hashes[spec.name, col][2]  # hashed for every table of two rows or more
            with np.errstate(over="ignore"):
                combined = mix(combined * MUL + hashes)
        combined.sort()
        if not bool((combined[1:] == combined[:-1]).any()):
            return True
        return None  # two equal hashes: a duplicate or a collision, which the exact check tells apart


def _lookup(values: pd.Series, index: pd.Index, keys) -> np.ndarray | None:
    """The row in ``keys`` of each value, or None when one of them is not a key.

    Values sorted by key (a relationship table grouped by its start node) are
    looked up one run of equal neighbours at a time.
    """
    import pyarrow as pa

    if not len(values):
        return np.zeros(0, dtype=np.int32)
    if not len(keys):
        return None
    column = pa.array(values.array)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    column = column.cast(pa.large_string())
    if column.null_count:
        return None
    firsts, lengths = runs(column)
    distinct = column if firsts is None else column.take(pa.array(firsts))
    rows = _rows_of(distinct, index, keys)
    if rows is None:
        return None
    rows = rows.astype(np.int32, copy=False)  # row numbers as the store's index keeps them, made in the worker
    return rows if lengths is None else np.repeat(rows, lengths)


def _rows_of(values, index: pd.Index, keys) -> np.ndarray | None:
    """The row in ``keys`` of each value of an Arrow array, or None when one is not a key.

    A column of few distinct values looks up its dictionary; a column that
    follows the keys' order (one row per node, written alongside the node
    file) is guessed from the order and checked; any other is hashed.
    """
    encoded = _few_distinct(values)
    if encoded is not None:
        dictionary, codes = encoded
        found = _hashed_rows(dictionary, index, keys)
        return None if found is None else found[codes]
    rows = _in_key_order(values, index, keys)
    return rows if rows is not None else _hashed_rows(values, index, keys)


def _hashed_rows(values, index: pd.Index, keys) -> np.ndarray | None:
    """Rows found by the values' hashes, then checked text against text (a collision fails, never passes)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(values):
        return np.zeros(0, dtype=np.int64)
    rows = index.get_indexer(string_hashes(values))
    if bool((rows < 0).any()):
        return None
    if not pc.all(pc.equal(keys.take(pa.array(rows)), values)).as_py():
        return None  # a hash collision: the exact check words it
    return rows


#: sample size for telling a column's shape, and the spacing of the anchors in :func:`_in_key_order`
_SAMPLE, _STEP = 4096, 64


def _few_distinct(values) -> tuple[object, np.ndarray] | None:
    """(dictionary, codes) of a long column whose evenly spread sample repeats itself a lot; else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    if n <= 4 * _SAMPLE:
        return None
    spread = pa.array(np.linspace(0, n - 1, _SAMPLE).astype(np.int64))
    if pc.count_distinct(values.take(spread)).as_py() > _SAMPLE // 8:
        return None
    encoded = pc.dictionary_encode(values)
    return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)


def _in_key_order(values, index: pd.Index, keys) -> np.ndarray | None:
    """Rows of values that mostly follow the keys' order, or None when they do not.

    Every 64th value (an anchor) is looked up by hash; the values between two
    anchors are guessed to be the keys that follow the first one. Each guess is
    checked by comparing texts (keys are unique, so an equal text is the right
    row), and values guessed wrong are looked up by hash.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    m = len(values)
    if m < 16 * _STEP:
        return None
    at = index.get_indexer(string_hashes(values.take(pa.array(np.arange(0, m, _STEP)))))
    if np.count_nonzero((at[1:] - at[:-1] == _STEP) & (at[:-1] >= 0)) < len(at) // 2:
        return None  # no long stretches in key order
    guess = np.repeat(at, _STEP)[:m]
    guess += np.arange(m) & (_STEP - 1)
    np.clip(guess, 0, len(keys) - 1, out=guess)
    missed = np.flatnonzero(~pc.equal(keys.take(pa.array(guess)), values).to_numpy(zero_copy_only=False))
    if len(missed):
        found = _hashed_rows(values.take(pa.array(missed)), index, keys)
        if found is None:
            return None
        guess[missed] = found
    return guess


def runs(column) -> tuple[np.ndarray | None, np.ndarray | None]:
    """For a column with long runs of equal neighbours (sorted by it): the first row and length of each
    run; (None, None) when runs would not save work."""
    import pyarrow.compute as pc

    n = len(column)
    if n < 1024:
        return None, None
    head = column.slice(0, n - 1)
    tail = column.slice(1, n - 1)
    changes = np.flatnonzero(pc.not_equal(tail, head).to_numpy(zero_copy_only=False)) + 1
    if len(changes) > n - n // 16:  # fewer than one row in 16 repeats its neighbour
        return None, None
    firsts = np.concatenate([[0], changes])
    return firsts, np.diff(np.concatenate([firsts, [n]]))
