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
        """A content hash: equal for equal graphs, whatever the input encoding, file order or row order.

        A graph is a set of nodes and relationships, so rows are hashed one by one
        and their hashes sorted; an empty table counts as no table.
        """
        h = hashlib.sha256()
        for kind, tables in (("node", self.nodes), ("edge", self.edges)):
            for name in sorted(tables):
                frame = tables[name]
                if frame.empty:
                    continue
                h.update(f"{kind}:{name}:{len(frame)}:{','.join(frame.columns)}\n".encode())
                hashed = pd.util.hash_pandas_object(frame.astype("string").fillna("\x00"), index=False)
                h.update(np.sort(hashed.to_numpy()).tobytes())
        return h.hexdigest()
