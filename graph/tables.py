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

from graph.hashing import MUL, column_hashes, mix, one_value_mostly
from graph.schema import Schema

__all__ = ["GraphTables", "worker_count"]


def worker_count() -> int:
    """Threads for building a graph: one per CPU this process may use, at least two so work overlaps."""
    import os

    try:
        return max(2, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(2, os.cpu_count() or 2)


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
    #: optional: column hashes computed while checking (by ingest), reused by the digest:
    #: (relationship type, column) → (frame, column array, hashes), valid while frame and column are the same
    column_hashes: dict[tuple[str, str], tuple] = field(default_factory=dict, repr=False, compare=False)
    #: node-table digests started early (:meth:`prefetch_node_digests`): name → (frame, future)
    _prefetched: dict = field(default_factory=dict, repr=False, compare=False)
    #: key-column hashes handed over by ingest: label → (frame, hashes)
    _key_hashes: dict = field(default_factory=dict, repr=False, compare=False)

    def prefetch_node_digests(self, key_hashes: dict[str, np.ndarray] | None = None, pool=None) -> None:
        """Start hashing the node tables on ``pool`` (by default a thread of their own), so
        :meth:`digest` and the store writer later find them done; a table replaced since is hashed again.

        ``key_hashes`` may give the :func:`~graph.hashing.column_hashes` of each label's key column."""
        from concurrent.futures import ThreadPoolExecutor

        own = pool is None
        if own:
            pool = ThreadPoolExecutor(max_workers=1)
        for name, frame in sorted(self.nodes.items(), key=lambda item: -len(item[1])):  # the longest first
            known = (key_hashes or {}).get(name)
            if known is not None and len(known) == len(frame):
                self._key_hashes[name] = (frame, known)
            else:
                known = None
            self._prefetched[name] = (frame, pool.submit(_node_job, name, frame, self.schema.label(name).key, known))
        if own:
            pool.shutdown(wait=False)

    def node_digest_job(self, name: str, frame: pd.DataFrame, known: KnownHashes, pool):
        """A future of :func:`table_digest` of a node table: the prefetched one while the frame is the same."""
        early = self._prefetched.get(name)
        if early is not None and early[0] is frame:
            return _First(early[1])
        return pool.submit(lambda: table_digest("node", name, frame, known.for_table("node", name, frame)))

    def node_digest(self, name: str, frame: pd.DataFrame, known: KnownHashes) -> bytes | None:
        """:func:`table_digest` of a node table, from the prefetch when it is still the same frame."""
        early = self._prefetched.get(name)
        if early is not None and early[0] is frame:
            return early[1].result()[0]
        return table_digest("node", name, frame, known.for_table("node", name, frame))

    def prefetched_key_hashes(self, label: str) -> np.ndarray | None:
        """The key-column hashes of ``label`` when ingest handed them over (no waiting) or a prefetch made them."""
        frame = self.nodes.get(label)
        given = self._key_hashes.get(label)
        if given is not None and given[0] is frame:
            return given[1]
        early = self._prefetched.get(label)
        if early is not None and early[0] is frame:
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
                    latest = max(latest, _latest(frame["as_of"]))
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
            self._keys[label] = column_hashes(self.tables.nodes[label][spec.key])
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
        for (rel, col), (owner, array, hashes) in self.tables.column_hashes.items():
            if rel == name and col in frame.columns and owner is frame and frame[col].array is array \
                    and len(hashes) == len(frame):
                out.setdefault(col, hashes)
        return out


def _latest(column: pd.Series) -> str:
    """The largest value of a text column: a column of (nearly) one value compares only the others."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(column.dtype, pd.StringDtype):
        return str(column.max())
    array = pa.array(column.array)
    mostly = one_value_mostly(array)
    if mostly is None:
        return str(pc.max(array).as_py())
    common, other = mostly
    return max(common, pc.max(array.filter(pa.array(other))).as_py() or "") if other.any() else common


class _First:
    """The first item of a future's result, as a future-like ``result()``."""

    def __init__(self, future):
        self.future = future

    def result(self):
        return self.future.result()[0]


def _node_job(name: str, frame: pd.DataFrame, key: str, keys: np.ndarray | None) -> tuple[bytes | None, np.ndarray]:
    if keys is None:
        keys = column_hashes(frame[key])
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
            hashes = column_hashes(frame[col])
        if len(hashes) and (hashes == hashes[0]).all():
            h.update(f"{col}={int(hashes[0])}\n".encode())
            continue
        with np.errstate(over="ignore"):  # a polynomial in the column hashes, mixed once at the end
            rows = rows * MUL + (hashes ^ np.uint64(position))
    h.update(np.sort(mix(rows)).tobytes())
    return h.digest()
