"""Read a store's tables once for many small look-ups (the dossier and the parks and platforms of each chain).

A :class:`GraphReader` keeps the small tables whole, as rows grouped by key
(each read once, whatever number of chains asks), and looks the large ones
up key by key through the store (``edges_where`` / ``nodes_where``: the
embedded store filters its memory-mapped files, Neo4j answers with the
per-label statements). Small means at most :data:`WHOLE_ROWS` rows, as the
build counted them, or at most the store's own ``whole_read_rows`` when it has
one (Neo4j: a whole table crosses the network, a key look-up is an index seek).

>>> from queries._fixture import fixture_store_with_carriers
>>> reader = GraphReader(fixture_store_with_carriers())
>>> [r["to"] for r in reader.edges("SEGMENT_OF", "from", ["s-mat", "s-part"])]
['ch-demo', 'ch-demo']
>>> reader.nodes("Park", ["k-zone"])["k-zone"]["name"], reader.names("Enterprise", ["e-b", "nobody"])
('示例高新区', {'e-b': '乙示例整机有限公司', 'nobody': 'nobody'})
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from graph.store import GraphStore

__all__ = ["GraphReader", "WHOLE_ROWS"]

#: tables up to this many rows are read whole, once
WHOLE_ROWS = 50_000


class GraphReader:
    """Rows of a store by key, small tables read once (see the module notes)."""

    def __init__(self, store: GraphStore):
        self.store = store
        counts = store.info().counts
        self._sizes = {**counts.get("nodes", {}), **counts.get("relationships", {})}
        #: a store may say how many rows are worth a whole read (Neo4j: each row crosses the network)
        self._whole_rows = int(getattr(store, "whole_read_rows", WHOLE_ROWS))
        self._edges: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        self._nodes: dict[str, dict[str, dict[str, Any]]] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._name_tables: dict[str, dict[str, Any]] = {}

    def _small(self, name: str) -> bool:
        return self._sizes.get(name, self._whole_rows + 1) <= self._whole_rows

    def is_small(self, name: str) -> bool:
        """Whether the label or relationship type ``name`` is read whole (at most :data:`WHOLE_ROWS` rows)."""
        return self._small(name)

    def size(self, name: str) -> int:
        """Rows of the label or relationship type ``name`` as the build counted them (unknown: more than small)."""
        return int(self._sizes.get(name, WHOLE_ROWS + 1))

    def remember(self, key: tuple, build):
        """``build()`` the first time ``key`` is asked for, the same answer after (for look-ups in large tables
        that many calls repeat: the platform operators of every segment)."""
        if ("remember", key) not in self._edges:
            self._edges[("remember", key)] = {"": [build()]}
        return self._edges[("remember", key)][""][0]

    def all_edges(self, rel: str) -> list[dict[str, Any]]:
        """Every relationship of a small type, in table order (read once)."""
        if not self._small(rel):
            raise ValueError(f"{rel} has more than {WHOLE_ROWS} rows: look it up by key (edges)")
        if (rel, "") not in self._edges:
            self._edges[(rel, "")] = {"": self.store.edges(rel).to_dict("records")}
        return self._edges[(rel, "")][""]

    def edges(self, rel: str, end: str, keys: Iterable[str]) -> list[dict[str, Any]]:
        """The relationships of ``rel`` whose ``end`` is one of ``keys``, in table order per key."""
        keys = list(dict.fromkeys(str(k) for k in keys))
        if not keys:
            return []
        if not self._small(rel):
            return self.store.edges_where(rel, end, keys).to_dict("records")
        if (rel, end) not in self._edges:
            grouped: dict[str, list[dict[str, Any]]] = {}
            for row in self.store.edges(rel).to_dict("records"):
                grouped.setdefault(str(row[end]), []).append(row)
            self._edges[(rel, end)] = grouped
        table = self._edges[(rel, end)]
        return [row for key in keys for row in table.get(key, ())]

    def nodes(self, label: str, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Key → row of the nodes of ``label`` among ``keys`` (unknown keys left out)."""
        keys = list(dict.fromkeys(str(k) for k in keys))
        if not keys:
            return {}
        key = self.store.schema.label(label).key
        if not self._small(label):
            return {str(r[key]): r for r in self.store.nodes_where(label, keys).to_dict("records")}
        if label not in self._nodes:
            self._nodes[label] = {str(r[key]): r for r in self.store.nodes(label).to_dict("records")}
        table = self._nodes[label]
        return {k: table[k] for k in keys if k in table}

    def all_nodes(self, label: str) -> dict[str, dict[str, Any]]:
        """Every node of a small label (key → row)."""
        key = self.store.schema.label(label).key
        if label not in self._nodes:
            self._nodes[label] = {str(r[key]): r for r in self.store.nodes(label).to_dict("records")}
        return self._nodes[label]

    def names(self, label: str, keys: Iterable[str]) -> dict[str, str]:
        """Display names (the key where a node has none or is unknown)."""
        keys = [str(k) for k in keys]
        missing = [k for k in dict.fromkeys(keys) if (label, k) not in self._names]
        if missing and self._small(label) and "name" in self.store.schema.label(label).properties:
            if label not in self._name_tables:  # the two columns only, once: not every property of every row
                spec = self.store.schema.label(label)
                frame = self.store.nodes(label, [spec.key, "name"])
                self._name_tables[label] = dict(zip((str(k) for k in frame[spec.key].tolist()),
                                                    frame["name"].tolist()))
            table = self._name_tables[label]
            for key in missing:
                name = table.get(key)
                known = name is not None and not pd.isna(name) and name != ""
                self._names[(label, key)] = str(name) if known else key
        elif missing:
            for key, name in self.store.names(label, missing).items():
                self._names[(label, key)] = name or key
        return {k: self._names[(label, k)] for k in keys}

    def subtree(self, code: str) -> set[str]:
        """The region and every region within it (as ``GraphStore.region_subtree``), computed once per code."""
        if ("subtree", code) not in self._edges:
            self._edges[("subtree", code)] = {"": [{"codes": self.store.region_subtree(code)}]}
        return self._edges[("subtree", code)][""][0]["codes"]

    def one(self, label: str, key: str) -> str:
        return self.names(label, [key])[key]
