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

    def node_table(self, label: str) -> pd.DataFrame:
        """The table of ``label``, empty with the declared columns when there is no data."""
        if label in self.nodes:
            return self.nodes[label]
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in self.schema.label(label).columns()})

    def edge_table(self, rel_type: str) -> pd.DataFrame:
        if rel_type in self.edges:
            return self.edges[rel_type]
        return pd.DataFrame({c: pd.Series([], dtype="string") for c in self.schema.relationship(rel_type).columns()})

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": {label: len(self.nodes.get(label, ())) for label in self.schema.labels},
            "relationships": {rel: len(self.edges.get(rel, ())) for rel in self.schema.relationships},
        }

    def digest(self) -> str:
        """A content hash: equal for equal graphs, whatever the input encoding, file order or chunking.

        SHA-256 over :func:`table_digest` of every node table, then every
        relationship table, each in name order.
        """
        import pyarrow as pa

        parts = [table_digest(kind, name, pa.Table.from_pandas(frame, preserve_index=False))
                 for kind, group in (("node", self.nodes), ("edge", self.edges))
                 for name, frame in sorted(group.items())]
        return combine_digests(parts)


def combine_digests(parts: list[bytes]) -> str:
    """The graph digest from the :func:`table_digest` of each table, in order."""
    h = hashlib.sha256(b"chainkg-tables:3\n")
    for part in parts:
        h.update(part)
    return h.hexdigest()


def table_digest(kind: str, name: str, table) -> bytes:
    """SHA-256 of one table (an Arrow table): its name, size and columns, then per column its Arrow
    type, validity and values — strings as lengths in the narrowest width and their bytes, other
    types with nulls zeroed — so equal content hashes equal whatever its chunking."""
    h = hashlib.sha256(f"{kind}:{name}:{table.num_rows}:{','.join(table.column_names)}\n".encode())
    for column in table.columns:
        _hash_column(h, column)
    return h.digest()


def _hash_column(h, array) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    if pa.types.is_string(array.type):
        array = array.cast(pa.large_string())
    h.update(f"{array.type}:{array.null_count}\n".encode())
    if array.null_count:
        h.update(pc.is_valid(array).to_numpy(zero_copy_only=False).tobytes())
    if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type):
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
        lengths = np.diff(offsets)
        longest = int(lengths.max()) if len(lengths) else 0
        width = np.uint8 if longest < 1 << 8 else np.uint16 if longest < 1 << 16 else np.uint32 \
            if longest < 1 << 32 else np.uint64
        h.update(f"{np.dtype(width).name}\n".encode())
        h.update(lengths.astype(width).tobytes())
        data = array.buffers()[2]
        if data is not None and len(array):
            h.update(memoryview(data)[int(offsets[0]):int(offsets[-1])])
        return
    if array.null_count:
        array = pc.fill_null(array, pa.scalar(False if pa.types.is_boolean(array.type) else 0, type=array.type))
    h.update(np.ascontiguousarray(array.to_numpy(zero_copy_only=False)).tobytes())
