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
    #: the (relationship frame, column array, node frame) each ``endpoint_rows`` entry was computed for,
    #: to tell when it went stale (:meth:`current_endpoint_rows`)
    endpoint_owners: dict[tuple[str, str], tuple] = field(default_factory=dict, repr=False, compare=False)
    #: optional: column hashes computed while checking (by ingest: key columns, identity columns), reused
    #: by the digest: (label or relationship type, column) → (frame, column array, hashes), valid while
    #: frame and column are the same
    column_hashes: dict[tuple[str, str], tuple] = field(default_factory=dict, repr=False, compare=False)
    #: node-table digests started early (:meth:`prefetch_node_digests`): name → (frame, future)
    _prefetched: dict = field(default_factory=dict, repr=False, compare=False)

    def current_endpoint_rows(self, rel: str, end: str) -> np.ndarray | None:
        """``endpoint_rows[rel, end]`` while the tables are the ones ingest numbered, else None."""
        rows = self.endpoint_rows.get((rel, end))
        owner = self.endpoint_owners.get((rel, end))
        frame = self.edges.get(rel)
        if rows is None or owner is None or frame is None:
            return None
        spec = self.schema.relationship(rel)
        labels = spec.from_labels if end == "from" else spec.to_labels
        if len(labels) != 1 or owner[0] is not frame or owner[1] is not frame[end].array \
                or owner[2] is None or owner[2] is not self.nodes.get(labels[0]) or len(rows) != len(frame):
            return None
        return rows

    def prefetch_node_digests(self, pool) -> None:
        """Start hashing the node tables on ``pool`` (they need no endpoint rows), the longest first, so
        the digest later finds them done; a table replaced since is hashed again."""
        known = KnownHashes(self)
        for name, frame in sorted(self.nodes.items(), key=lambda item: -len(item[1])):
            self._prefetched[name] = (frame, pool.submit(_digest_job, "node", name, frame, known))

    def prefetched_digest(self, name: str, frame: pd.DataFrame):
        """The future of a node table's digest started by :meth:`prefetch_node_digests`, while ``frame``
        is the table it hashes; else None."""
        early = self._prefetched.get(name)
        return early[1] if early is not None and early[0] is frame else None

    def digest_of(self, kind: str, name: str, frame: pd.DataFrame, known: KnownHashes) -> bytes | None:
        """:func:`table_digest` of one table (``kind`` "node" or "edge"), reusing ``known`` hashes and the
        prefetched digest of a node table."""
        early = self.prefetched_digest(name, frame) if kind == "node" else None
        return early.result() if early is not None else _digest_job(kind, name, frame, known)

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
        return combine_digests([self.digest_of("node", name, frame, known) for name, frame in sorted(self.nodes.items())]
                               + [self.digest_of("edge", name, frame, known) for name, frame in sorted(self.edges.items())])


class KnownHashes:
    """Column hashes the digest need not compute again: those ingest computed while checking (while the
    frames and columns are the ones it saw), each label's key hashes once computed, and endpoint hashes
    gathered from them through ingest's row numbers (:meth:`GraphTables.current_endpoint_rows`)."""

    def __init__(self, tables: GraphTables):
        self.tables = tables
        self._keys: dict[str, np.ndarray] = {}

    def given(self, name: str, col: str, frame: pd.DataFrame) -> np.ndarray | None:
        """The hashes ingest left for column ``col`` of table ``name``, while ``frame`` holds that very column."""
        known = self.tables.column_hashes.get((name, col))
        if known is None or col not in frame.columns:
            return None
        owner, array, hashes = known
        return hashes if owner is frame and frame[col].array is array and len(hashes) == len(frame) else None

    def key_hashes(self, label: str) -> np.ndarray:
        if label not in self._keys:
            frame = self.tables.nodes[label]
            key = self.tables.schema.label(label).key
            given = self.given(label, key, frame)
            self._keys[label] = given if given is not None else column_hashes(frame[key])
        return self._keys[label]

    def for_table(self, kind: str, name: str, frame: pd.DataFrame) -> dict:
        out = {col: hashes for col in frame.columns if (hashes := self.given(name, col, frame)) is not None}
        if kind == "node":
            if self.tables.nodes.get(name) is frame:
                out[self.tables.schema.label(name).key] = self.key_hashes(name)
            return out
        if self.tables.edges.get(name) is not frame:
            return out
        spec = self.tables.schema.relationship(name)
        for end, labels in (("from", spec.from_labels), ("to", spec.to_labels)):
            rows = self.tables.current_endpoint_rows(name, end)
            if rows is not None:
                out.setdefault(end, self.key_hashes(labels[0])[rows])
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


def _digest_job(kind: str, name: str, frame: pd.DataFrame, known: KnownHashes) -> bytes | None:
    return table_digest(kind, name, frame, known.for_table(kind, name, frame))


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
