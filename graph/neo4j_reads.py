"""Reading the pinned generation: whole tables, nodes by key, name search, regions, a node's neighbourhood.

The reading half of :class:`graph.neo4j_store.Neo4jStore`: the
:class:`~graph.store.GraphStore` read methods, each answered by one or a few
shipped statements (``nodes/<Label>.read|get|where|find|show``,
``relationships/<TYPE>.<From>.<To>.read|from|to``, ``regions/…``), rows in the
embedded store's order (``_row``) and types (:mod:`graph.neo4j_values`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from graph.cypher import (
    node_statement,
    relationship_combinations,
    relationship_statement,
)
from graph.neo4j_connection import Neo4jConnection
from graph.neo4j_values import STRING_DTYPE, frame_from_rows, iso_text, plain_value
from graph.schema import Relationship
from graph.store import GraphStore, NodeMatch, StoreInfo, _plain

__all__ = ["Neo4jReads"]


class Neo4jReads(Neo4jConnection, GraphStore):
    """The :class:`~graph.store.GraphStore` reads, in Cypher."""

    #: ``queries._reader.GraphReader`` reads a table of this store whole only up to this many rows
    #: (each row crosses Bolt); larger ones it looks up by key (index seeks)
    whole_read_rows = 1_000

    # -- reading ----------------------------------------------------------------------------------

    def info(self) -> StoreInfo:
        """The pinned generation's build: digest, as_of, data folders, and its counts (as its load recorded
        them, see build/begin; counted live for a generation loaded before chainkg recorded them)."""
        self._pinned_generation()
        build = self._build
        as_of = build.get("as_of")
        return StoreInfo("neo4j", self.location, str(build.get("digest") or ""),
                         iso_text(as_of) if as_of is not None else "", tuple(build.get("data") or ()),
                         self._recorded_counts() or self.counts())

    def _recorded_counts(self) -> dict[str, dict[str, int]] | None:
        """The pinned generation's counts from its build record, every schema name (zeros included); None
        when the record has none."""
        names, values = self._build.get("count_names"), self._build.get("count_values")
        if not names or values is None or len(names) != len(values):
            return None
        recorded = dict(zip(names, values, strict=True))
        return {"nodes": {label: int(recorded.get(f"nodes/{label}", 0)) for label in self.schema.labels},
                "relationships": {rel: int(recorded.get(f"edges/{rel}", 0)) for rel in self.schema.relationships}}

    def _typed_when_empty(self, kind: str, name: str) -> bool:
        """Whether the build has the table (even empty): then an empty read has the schema's column types."""
        self._pinned_generation()
        return f"{kind}/{name}" in (self._build.get("tables") or ())

    def _cached(self, kind: str, name: str, wanted: list[str], read: Callable[[list[str]], pd.DataFrame]):
        cached = self._cache.get((kind, name))
        if cached is not None and all(c in cached.columns for c in wanted):
            return cached[wanted]
        frame = read(wanted)
        self._cache[(kind, name)] = frame
        return frame[wanted]

    def _cached_has(self, kind: str, name: str, columns: list[str]) -> bool:
        """Whether a whole read of the table with all ``columns`` is at hand (then a look-up by key filters
        it; a cached read without them would be read whole again)."""
        cached = self._cache.get((kind, name))
        return cached is not None and all(c in cached.columns for c in columns)

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        spec = self.schema.label(label)
        wanted = list(columns) if columns is not None else spec.columns()
        unknown = [c for c in wanted if c not in spec.properties]
        if unknown:
            raise KeyError(f"{label} has no columns {unknown}")

        def read(cols: list[str]) -> pd.DataFrame:
            rows = self.run(node_statement(label, "read"), {"columns": cols})
            return frame_from_rows(cols, [r["values"] for r in rows], spec.properties,
                          typed=self._typed_when_empty("nodes", label))

        return self._cached("nodes", label, wanted, read)

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        unknown = [c for c in wanted if c not in spec.columns()]
        if unknown:
            raise KeyError(f"{rel_type} has no columns {unknown}")

        def read(cols: list[str]) -> pd.DataFrame:
            return self._edge_frame(spec, cols, "read", {})

        return self._cached("edges", rel_type, wanted, read)

    def _edge_frame(self, spec: Relationship, cols: list[str], kind: str, params: dict[str, Any]) -> pd.DataFrame:
        """The rows of every (start, end) label pair's ``kind`` statement, in table order, as a typed table."""
        props = [c for c in cols if c in spec.properties]
        parts = []
        for a, b in relationship_combinations(spec):
            for r in self.run(relationship_statement(spec.name, a, b, kind), {**params, "columns": props}):
                parts.append((r["row"], r["from_key"], r["to_key"], a, b, r["values"]))
        parts.sort(key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0))
        frame = frame_from_rows(props, [p[5] for p in parts], spec.properties,
                       typed=self._typed_when_empty("edges", spec.name))
        ends = {"from": [p[1] for p in parts], "to": [p[2] for p in parts],
                "from_label": [p[3] for p in parts], "to_label": [p[4] for p in parts]}
        for col in spec.endpoint_columns():
            frame[col] = pd.Series(ends[col], dtype=STRING_DTYPE)
        return frame[[c for c in spec.columns() if c in cols]]

    def nodes_where(self, label: str, keys: Iterable[str], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The rows of ``label`` whose key is one of ``keys``, in table order: an index seek per key
        (``nodes/<Label>.where``), not the whole table, unless the table is already read."""
        spec = self.schema.label(label)
        wanted = list(columns) if columns is not None else spec.columns()
        if self._cached_has("nodes", label, [*wanted, spec.key]):
            return super().nodes_where(label, keys, columns)
        unknown = [c for c in wanted if c not in spec.properties]
        if unknown:
            raise KeyError(f"{label} has no columns {unknown}")
        keys = list(dict.fromkeys(str(k) for k in keys))
        rows = self.run(node_statement(label, "where"), {"keys": keys, "columns": wanted}) if keys else []
        return frame_from_rows(wanted, [r["values"] for r in rows], spec.properties,
                      typed=self._typed_when_empty("nodes", label))

    def edges_where(self, rel_type: str, end: str, keys: Iterable[str],
                    columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The relationships of ``rel_type`` whose ``end`` is one of ``keys``, in table order: anchored on
        those nodes (``relationships/<TYPE>.<From>.<To>.from|to``), not the whole type, unless the table is
        already read."""
        if end not in ("from", "to"):
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        if self._cached_has("edges", rel_type, [*wanted, end]):
            return super().edges_where(rel_type, end, keys, columns)
        unknown = [c for c in wanted if c not in spec.columns()]
        if unknown:
            raise KeyError(f"{rel_type} has no columns {unknown}")
        keys = list(dict.fromkeys(str(k) for k in keys))
        return self._edge_frame(spec, wanted, end, {"keys": keys})[wanted].reset_index(drop=True)

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        spec = self.schema.label(label)
        columns = spec.columns()
        rows = self.run(node_statement(label, "get"), {"key": key, "columns": columns})
        if not rows:
            return None
        return _plain(frame_from_rows(columns, [rows[0]["values"]], spec.properties).iloc[0].to_dict())

    def find(self, label: str, name: str) -> list[NodeMatch]:
        """:meth:`GraphStore.find` in Cypher: a key first (an index seek, the one match a key can have),
        else one scan of the label's names and short names (``nodes/<Label>.find``)."""
        spec = self.schema.label(label)
        shown = "name" if "name" in spec.properties else spec.key
        exact = self.run(node_statement(label, "where"), {"keys": [name], "columns": [shown]})
        if exact:
            value = exact[0]["values"][0]
            return [NodeMatch(label, str(exact[0]["key"]), str(value if value is not None else ""), "key")]
        rows = self.run(node_statement(label, "find"), {"name": name})
        for kind in ("key", "name", "alias", "partial"):
            hits = [NodeMatch(label, str(r["key"]), str(r["name"]), kind) for r in rows if r["matched"] == kind]
            if hits:
                return hits
        return []

    def region_subtree(self, code: str) -> set[str]:
        """The region and every region within it; asked once per code while the generation is pinned."""
        key = ("regions/subtree", code)
        if key not in self._cache:
            rows = self.run("regions/subtree_codes", {"code": code})  # one row, one list: not a row per region
            self._cache[key] = {str(c) for c in (rows[0]["codes"] if rows else [])} | {code}
        return set(self._cache[key])

    def region_ancestors(self, code: str) -> list[str]:
        chain = [code]
        for row in self.run("regions/ancestors", {"code": code}):
            if row["code"] not in chain:
                chain.append(str(row["code"]))
        return chain

    def show_context(self, region: str | None, segments: Iterable[str]) -> dict[str, list]:
        """What ``chainkg show`` lists beside a neighbourhood, in one statement (``show/context``): the names
        along ``region``'s path up to the country (innermost first; None where a region has no name, or
        ``[None]`` when the region is unknown; empty when ``region`` is None) and the chains (``{key,
        name}``, by key) the ``segments`` are SEGMENT_OF, as :func:`queries.show.describe` lays them out."""
        segments = list(dict.fromkeys(str(s) for s in segments))
        rows = self.run("show/context", {"region": region, "segments": segments})
        row = rows[0] if rows else {"regions": [], "chains": []}
        path: list[str | None] = []
        if region is not None:
            codes, names = [region], {}
            for found in row["regions"]:
                code = str(found["code"])
                names.setdefault(code, None if found["name"] is None else str(found["name"]))
                if code not in codes:
                    codes.append(code)
            path = [names.get(code) for code in codes]
        chains = sorted(({"key": str(c["key"]), "name": None if c["name"] is None else str(c["name"])}
                         for c in row["chains"]), key=lambda c: c["key"])
        return {"region_path": path, "chains": chains}

    def neighbourhood(self, label: str, key: str, *, limit: int = 50) -> dict[str, Any] | None:
        """A node and every relationship around it, in one statement (``nodes/<Label>.show``).

        ``relations`` maps each relationship type to ``{"out": [...], "in": [...]}``
        and ``totals`` counts them, exactly as :func:`queries.show.describe` lays them out.
        """
        spec = self.schema.label(label)
        rows = self.run(node_statement(label, "show"), {"key": key, "limit": limit})
        if not rows:
            return None
        node = {c: plain_value(spec.properties[c], rows[0]["node"].get(c)) for c in spec.columns()}
        relations: dict[str, dict[str, list]] = {}
        totals: dict[str, dict[str, int]] = {}
        for row in rows:
            if row["type"] is None:
                continue
            rel = self.schema.relationship(row["type"])
            listed = []
            for item in row["neighbours"]:
                props = {}
                for name, value in (item["properties"] or {}).items():
                    if name not in rel.properties:
                        continue
                    plain = plain_value(rel.properties[name], value)
                    if plain is not None and plain != "":
                        props[name] = plain
                listed.append({"label": item["label"], "key": item["key"], "name": item["name"], **props})
            relations.setdefault(row["type"], {"out": [], "in": []})[row["direction"]] = listed
            totals.setdefault(row["type"], {})[row["direction"]] = int(row["total"])
        return {"label": label, "key": key, "node": node, "relations": relations, "totals": totals}


