"""The graph as typed tables: one DataFrame per label and per relationship type.

This is the hand-over format between ingest and the stores: ingest produces
validated :class:`GraphTables`, every store can write them.

Node tables hold the label's properties (key column first); relationship
tables hold ``from``, ``to`` (and ``from_label``/``to_label`` where the type
allows several labels) followed by the properties.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.schema import Schema

__all__ = ["GraphTables"]


@dataclass
class GraphTables:
    """Validated node and relationship tables, keyed by label / relationship type."""

    schema: Schema
    nodes: dict[str, pd.DataFrame] = field(default_factory=dict)
    edges: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: optional, filled by ingest's checks: for (relationship type, "from"/"to") whose endpoint has a
    #: single label, the row number of each relationship's endpoint in that label's node table
    endpoint_rows: dict[tuple[str, str], np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: the (frame, column array) each ``endpoint_rows`` entry was computed for, to tell when it went stale
    endpoint_owners: dict[tuple[str, str], tuple] = field(default_factory=dict, repr=False, compare=False)
    #: node-table digests started early (:meth:`prefetch_node_digests`): name → (frame, future)
    _prefetched: dict = field(default_factory=dict, repr=False, compare=False)

    def prefetch_node_digests(self) -> None:
        """Start hashing the node tables in a background thread (they need no endpoint rows), so
        :meth:`digest` later finds them done; a table replaced since is hashed again."""
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)
        for name, frame in sorted(self.nodes.items()):
            self._prefetched[name] = (frame, pool.submit(_node_job, name, frame, self.schema.label(name).key))
        pool.shutdown(wait=False)

    def node_digest(self, name: str, frame: pd.DataFrame, known: KnownHashes) -> bytes | None:
        """:func:`table_digest` of a node table, from the prefetch when it is still the same frame."""
        early = self._prefetched.get(name)
        if early is not None and early[0] is frame:
            return early[1].result()[0]
        return table_digest("node", name, frame, known.for_table("node", name, frame))

    def prefetched_key_hashes(self, label: str) -> np.ndarray | None:
        early = self._prefetched.get(label)
        if early is not None and early[0] is self.nodes.get(label):
            return early[1].result()[1]
        return None

    def node_table(self, label: str) -> pd.DataFrame:
        """The table of ``label``, empty with the declared columns when there is no data."""
        if label in self.nodes:
            return self.nodes[label]
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in self.schema.label(label).columns()})

    def edge_table(self, rel_type: str) -> pd.DataFrame:
        if rel_type in self.edges:
            return self.edges[rel_type]
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in self.schema.relationship(rel_type).columns()})

    def latest_as_of(self) -> str:
        """The latest ``as_of`` of any node or relationship ("" for an empty graph)."""
        latest = ""
        for group in (self.nodes, self.edges):
            for frame in group.values():
                if len(frame):
                    latest = max(latest, str(frame["as_of"].max()))
        return latest

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": {label: len(self.nodes.get(label, ())) for label in self.schema.labels},
            "relationships": {rel: len(self.edges.get(rel, ())) for rel in self.schema.relationships},
        }

    def digest(self) -> str:
        """A content hash: equal for equal graphs, whatever the input encoding, file order, row order or
        chunking; an empty table counts as no table.

        A graph is a set of nodes and relationships, so each row gets a 64-bit hash
        and a table is the SHA-256 of its sorted row hashes (:func:`table_digest`).
        """
        known = KnownHashes(self)
        parts = [self.node_digest(name, frame, known) for name, frame in sorted(self.nodes.items())]
        parts += [table_digest("edge", name, frame, known.for_table("edge", name, frame))
                  for name, frame in sorted(self.edges.items())]
        return combine_digests(parts)


class KnownHashes:
    """Hashes of endpoint columns gathered from their node keys' hashes, when ingest's row numbers
    (``endpoint_rows``) still describe the tables (same frame and column objects as when computed)."""

    def __init__(self, tables: GraphTables):
        self.tables = tables
        self._keys: dict[str, np.ndarray] = {}

    def key_hashes(self, label: str) -> np.ndarray:
        if label not in self._keys:
            early = self.tables.prefetched_key_hashes(label)
            if early is not None:
                self._keys[label] = early
                return early
            spec = self.tables.schema.label(label)
            self._keys[label] = _column_hashes(self.tables.nodes[label][spec.key])
        return self._keys[label]

    def for_table(self, kind: str, name: str, frame: pd.DataFrame) -> dict:
        if kind == "node":
            spec = self.tables.schema.label(name)
            if name in self.tables.nodes and self.tables.nodes[name] is frame:
                return {spec.key: self.key_hashes(name)}
            return {}
        out = {}
        spec = self.tables.schema.relationship(name)
        for end, labels in (("from", spec.from_labels), ("to", spec.to_labels)):
            rows = self.tables.endpoint_rows.get((name, end))
            owner = self.tables.endpoint_owners.get((name, end))
            if rows is None or owner is None or len(labels) != 1 or labels[0] not in self.tables.nodes:
                continue
            if owner[0] is not frame or owner[1] is not frame[end].array or len(rows) != len(frame) \
                    or owner[2] is not self.tables.nodes[labels[0]]:
                continue  # the tables changed since ingest numbered the rows
            out[end] = self.key_hashes(labels[0])[rows]
        return out


def _node_job(name: str, frame: pd.DataFrame, key: str) -> tuple[bytes | None, np.ndarray]:
    keys = _column_hashes(frame[key])
    return table_digest("node", name, frame, {key: keys}), keys


def combine_digests(parts: list[bytes | None]) -> str:
    """The graph digest from the :func:`table_digest` of each table, in order (None: an empty table)."""
    h = hashlib.sha256(b"chainkg-tables:4\n")
    for part in parts:
        if part is not None:
            h.update(part)
    return h.hexdigest()


def table_digest(kind: str, name: str, frame: pd.DataFrame, known: dict | None = None) -> bytes | None:
    """SHA-256 of one table's name, columns and sorted row hashes; None for an empty table.

    A column holding one value throughout is hashed once into the header rather
    than into every row (equal tables have the same constant columns). ``known``
    may give precomputed hashes per column.
    """
    if frame.empty:
        return None
    h = hashlib.sha256(f"{kind}:{name}:{len(frame)}:{','.join(frame.columns)}\n".encode())
    rows = np.full(len(frame), 0x1234567, dtype=np.uint64)
    for position, col in enumerate(frame.columns):
        hashes = (known or {}).get(col)
        if hashes is None:
            hashes = _column_hashes(frame[col])
        if len(hashes) and (hashes == hashes[0]).all():
            h.update(f"{col}={int(hashes[0])}\n".encode())
            continue
        with np.errstate(over="ignore"):  # a polynomial in the column hashes, mixed once at the end
            rows = rows * _MUL + (hashes ^ np.uint64(position))
    h.update(np.sort(_mix(rows)).tobytes())
    return h.digest()


_MUL = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _column_hashes(series: pd.Series) -> np.ndarray:
    import pyarrow as pa

    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        array = pa.array(series.array, from_pandas=True) if hasattr(series.array, "__arrow_array__") else \
            pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.large_string(), from_pandas=True)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        return _string_hashes(array.cast(pa.large_string()))
    values = series.array
    missing = np.asarray(series.isna(), dtype=bool)
    if isinstance(series.dtype, pd.BooleanDtype) or series.dtype == bool:
        bits = np.where(missing, 2, series.fillna(False).to_numpy(dtype=bool)).astype(np.uint64)
    elif pd.api.types.is_integer_dtype(series.dtype):
        bits = series.fillna(0).to_numpy(dtype=np.int64).view(np.uint64)
    elif pd.api.types.is_float_dtype(series.dtype):
        bits = series.fillna(0.0).to_numpy(dtype=np.float64).view(np.uint64)
    else:  # anything else: by its text
        return _column_hashes(series.astype("string"))
    del values
    if missing.any():
        bits = bits ^ np.where(missing, np.uint64(0xA5A5A5A5A5A5A5A5), np.uint64(0))
    if len(bits) and (bits == bits[0]).all():
        return np.full(len(bits), _mix(bits[:1])[0], dtype=np.uint64)
    return _mix(bits)


def _string_hashes(array) -> np.ndarray:
    """A 64-bit hash per string of an Arrow large_string array (nulls apart from every string).

    A column holding one value is hashed once; a column with few distinct values
    hashes its dictionary; others hash every string (pandas' SipHash).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    if n > 1 and not array.null_count and pc.all(pc.equal(array, array[0])).as_py():
        return np.full(n, _hash_strings(np.asarray([array[0].as_py()], dtype=object))[0], dtype=np.uint64)
    sample = array.slice(0, min(n, 4096))
    if n > 4096 and pc.count_distinct(sample).as_py() < 256:  # few distinct values: hash the dictionary
        encoded = pc.dictionary_encode(array)
        hashes = _hash_strings(encoded.dictionary.to_numpy(zero_copy_only=False))
        codes = encoded.indices
        out = hashes[pc.fill_null(codes, 0).to_numpy(zero_copy_only=False)]
        if codes.null_count:
            out[~np.asarray(pc.is_valid(codes).to_numpy(zero_copy_only=False), dtype=bool)] = _NULL
        return out
    out = _byte_hashes(array)
    if array.null_count:
        out[~np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), dtype=bool)] = _NULL
    del pa
    return out


#: strings up to this many bytes are hashed as rows of a byte matrix (grouped by length); longer ones singly
_WIDE = 64


def _byte_hashes(array) -> np.ndarray:
    """A 64-bit hash of each string's UTF-8 bytes: strings of one length at a time, as the rows of a
    byte matrix read in 8-byte words, so a million keys or names hash in a few numpy passes."""
    n = len(array)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + n + 1]
    starts, lengths = offsets[:-1], np.diff(offsets)
    out = _mix(lengths.astype(np.uint64) + np.uint64(0x51ED27))
    data = array.buffers()[2]
    if data is None or not lengths.any():
        return out
    raw = np.frombuffer(data, dtype=np.uint8)
    for length in np.unique(lengths):
        length = int(length)
        if length == 0:
            continue
        rows = np.flatnonzero(lengths == length)
        if length > _WIDE:
            for i in rows:
                digest = hashlib.sha256(raw[starts[i]:starts[i] + length].tobytes()).digest()[:8]
                out[i] = _mix(np.frombuffer(digest, dtype=np.uint64) ^ out[i:i + 1])[0]
            continue
        words = (length + 7) // 8
        matrix = np.zeros((len(rows), words * 8), dtype=np.uint8)
        if len(rows) > 1 and bool((np.diff(starts[rows]) == length).all()):  # contiguous: a view, no gather
            first = int(starts[rows[0]])
            matrix[:, :length] = raw[first:first + length * len(rows)].reshape(len(rows), length)
        else:
            matrix[:, :length] = raw[starts[rows][:, None] + np.arange(length)[None, :]]
        packed = matrix.view(np.uint64)
        acc = out[rows]
        for w in range(words):
            with np.errstate(over="ignore"):
                acc = _mix(acc * _MUL + packed[:, w])
        out[rows] = acc
    return out


_NULL = np.uint64(0xDEADBEEFCAFEF00D)


def _hash_strings(values) -> np.ndarray:
    """:func:`_byte_hashes` of a few Python strings (dictionaries, constants): one hash function everywhere."""
    import pyarrow as pa

    return _byte_hashes(pa.array([None if v is None else str(v) for v in values], type=pa.large_string()))
