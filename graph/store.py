"""The store interface every backend implements (embedded, Neo4j).

Analyses in ``queries/`` are written against this interface only. A store
hands out node and relationship tables (pandas DataFrames with the schema's
columns), resolves names, and answers the few structural questions every
analysis needs (which regions lie within a region, a networkx view of a
few relationship types).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chainkg.errors import AmbiguousNameError, NotFoundError
from graph.schema import Relationship, Schema

__all__ = ["GraphStore", "StoreInfo", "NodeMatch", "RegionLinks", "EndpointIndex", "sorted_distinct", "is_member",
           "endpoint_labels", "rows_by_label_pair"]


@dataclass(frozen=True)
class StoreInfo:
    """What a built graph is: when and from what it was built."""

    backend: str
    location: str
    digest: str
    as_of: str
    data: tuple[str, ...]
    counts: dict[str, dict[str, int]]


@dataclass(frozen=True)
class NodeMatch:
    """A node found by name: its label, key, display name and how it matched."""

    label: str
    key: str
    name: str
    matched: str  # "key", "name", "alias" or "partial"


def sorted_distinct(values):
    """The distinct integers of ``values``, ascending (``numpy.unique``, which is many times slower on
    large arrays in numpy 2.4).

    >>> sorted_distinct([3, 1, 3, 2]).tolist()
    [1, 2, 3]
    """
    import numpy as np

    ordered = np.sort(np.asarray(values, dtype=np.int64))
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def is_member(values, universe):
    """For each of ``values``, whether it is one of ``universe`` (integers of any range): ``numpy.isin``
    by sorting both sides, several times faster than numpy 2.4's on millions of wide integers.

    >>> is_member([5, 1, 7, 5], [7, 5]).tolist()
    [True, False, True, True]
    """
    import numpy as np

    values = np.asarray(values, dtype=np.int64)
    universe = np.sort(np.asarray(universe, dtype=np.int64))
    out = np.zeros(len(values), dtype=bool)
    if not len(values) or not len(universe):
        return out
    order = np.argsort(values, kind="quicksort")
    ordered = values[order]
    at = np.minimum(np.searchsorted(universe, ordered), len(universe) - 1)  # sorted queries: cache-friendly
    out[order] = universe[at] == ordered
    return out


@dataclass(frozen=True)
class RegionLinks:
    """The region tree along WITHIN: ``parent[code]`` and ``children[code]`` (codes as strings)."""

    parent: dict[str, str]
    children: dict[str, list[str]]


@dataclass(frozen=True, eq=False)
class EndpointIndex:
    """One end of a relationship type, grouped by node: which relationships touch which node rows.

    ``rows[i]`` is the node-table row of relationship ``i``'s end (-1: unknown); the relationships of
    node row ``r`` are ``order[offsets[r]:offsets[r + 1]]``, in table order (a CSR grouping). The
    embedded store reads the three arrays from its build (memory-mapped); other stores compute them.

    >>> import numpy as np
    >>> index = EndpointIndex.from_rows(np.array([2, 0, 2, -1, 0]), nodes=3)
    >>> index.relationships_of([2, 0]).tolist(), index.first_of([0, 1, 2]).tolist()
    ([0, 1, 2, 4], [1, -1, 0])
    """

    rows: Any
    order: Any
    offsets: Any

    @classmethod
    def from_rows(cls, rows, *, nodes: int) -> EndpointIndex:
        """The grouping of ``rows`` (node rows per relationship, -1 for none) over ``nodes`` node rows."""
        import numpy as np

        rows = np.asarray(rows, dtype=np.int64)
        valid = np.flatnonzero(rows >= 0)
        order = valid[np.argsort(rows[valid], kind="stable")]
        offsets = np.zeros(nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows[valid], minlength=nodes)[:nodes], out=offsets[1:])
        return cls(rows, order, offsets)

    def relationships_of(self, node_rows):
        """Rows of the relationships whose end is one of ``node_rows`` (node-table rows), ascending
        (table order), each once."""
        import numpy as np

        node_rows = sorted_distinct(node_rows)
        node_rows = node_rows[(node_rows >= 0) & (node_rows < len(self.offsets) - 1)]
        starts = np.asarray(self.offsets[node_rows], dtype=np.int64)
        sizes = np.asarray(self.offsets[node_rows + 1], dtype=np.int64) - starts
        total = int(sizes.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        # the positions starts[k] .. starts[k] + sizes[k] - 1 of every group, without a Python loop
        positions = np.arange(total, dtype=np.int64) + np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        picked = np.asarray(self.order[positions], dtype=np.int64)
        picked.sort()
        return picked

    def first_of(self, node_rows):
        """For each of ``node_rows``, its first relationship's row (table order), or -1 when it has none."""
        import numpy as np

        node_rows = np.asarray(node_rows, dtype=np.int64)
        starts = np.asarray(self.offsets[node_rows], dtype=np.int64)
        has = np.asarray(self.offsets[node_rows + 1], dtype=np.int64) > starts
        out = np.full(len(node_rows), -1, dtype=np.int64)
        out[has] = self.order[starts[has]]
        return out


class GraphStore(ABC):
    """A built chain graph that analyses can read."""

    schema: Schema

    @abstractmethod
    def info(self) -> StoreInfo:
        """The build's digest, as_of (latest fact date), data folders and counts."""

    @abstractmethod
    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The node table of ``label`` (all columns, or the ones named)."""

    @abstractmethod
    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The relationship table of ``rel_type``."""

    def nodes_where(self, label: str, keys: Iterable[str], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The rows of ``label`` whose key is one of ``keys``, in table order (index 0..n-1).

        Stores override it to avoid materialising the whole table (the embedded
        store filters the memory-mapped file).
        """
        spec = self.schema.label(label)
        table = self.nodes(label, columns if columns is None else _with(columns, spec.key))
        hit = table[table[spec.key].isin([str(k) for k in keys]).fillna(False).astype(bool)]
        return hit.reset_index(drop=True)[list(columns) if columns is not None else list(table.columns)]

    def edges_where(self, rel_type: str, end: str, keys: Iterable[str],
                    columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The relationships of ``rel_type`` whose ``end`` (``"from"`` or ``"to"``) is one of ``keys``,
        in table order (index 0..n-1)."""
        if end not in ("from", "to"):
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        table = self.edges(rel_type, columns if columns is None else _with(columns, end))
        hit = table[table[end].isin([str(k) for k in keys]).fillna(False).astype(bool)]
        return hit.reset_index(drop=True)[list(columns) if columns is not None else list(table.columns)]

    def endpoint_rows(self, rel_type: str, end: str):
        """For each relationship of ``rel_type``, in table order, the row of its ``end`` node in the node
        table of that end's label (``self.nodes(label)`` order), or -1: a numpy int64 array.

        For joins over big tables (e.g. LOCATED_IN.from → Enterprise rows). Only for an end with one
        label. The embedded store reads it from its index, written at build time.
        """
        import numpy as np

        spec = self.schema.relationship(rel_type)
        labels = spec.from_labels if end == "from" else spec.to_labels if end == "to" else None
        if labels is None:
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        if len(labels) != 1:
            raise ValueError(f"{rel_type}.{end} may be one of several labels: {', '.join(labels)}")
        keys = self.nodes(labels[0], [self.schema.label(labels[0]).key]).iloc[:, 0]
        index = pd.Index(keys.to_numpy(dtype=object))
        return np.asarray(index.get_indexer(self.edges(rel_type, [end])[end].to_numpy(dtype=object)), dtype=np.int64)

    def endpoint_index(self, rel_type: str, end: str) -> EndpointIndex:
        """The relationships of ``rel_type`` grouped by their ``end`` node's row (:class:`EndpointIndex`).

        For analyses that follow relationships from a set of nodes (a region's enterprises, a chain's
        segments) without scanning the whole table. Only for an end with one label.
        """
        spec = self.schema.relationship(rel_type)
        labels = spec.from_labels if end == "from" else spec.to_labels
        nodes = len(self.nodes(labels[0], [self.schema.label(labels[0]).key]))
        return EndpointIndex.from_rows(self.endpoint_rows(rel_type, end), nodes=nodes)

    def nodes_at(self, label: str, rows, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The node rows at positions ``rows`` of ``self.nodes(label)``, in the order given (index 0..n-1)."""
        import numpy as np

        table = self.nodes(label, columns)
        return table.take(np.asarray(rows, dtype=np.int64)).reset_index(drop=True)

    def edges_at(self, rel_type: str, rows, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The relationships at positions ``rows`` of ``self.edges(rel_type)``, in the order given (index 0..n-1)."""
        import numpy as np

        table = self.edges(rel_type, columns)
        return table.take(np.asarray(rows, dtype=np.int64)).reset_index(drop=True)

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        """One node's properties, or None."""
        hit = self.nodes_where(label, [key])
        if hit.empty:
            return None
        return _plain(hit.iloc[0].to_dict())

    def names(self, label: str, keys: Iterable[str]) -> dict[str, str | None]:
        """Display names of the nodes ``keys`` of ``label`` (the key itself for labels without a name)."""
        keys = list(dict.fromkeys(str(k) for k in keys))
        spec = self.schema.label(label)
        if "name" not in spec.properties:
            return {k: k for k in keys}
        found: dict[str, str | None] = {k: None for k in keys}
        if keys:
            hit = self.nodes_where(label, keys, [spec.key, "name"])
            for key, name in zip(hit[spec.key], hit["name"]):
                if found[key] is None:
                    found[key] = None if name is pd.NA else str(name)
        return found

    def find(self, label: str, name: str) -> list[NodeMatch]:
        """Nodes of ``label`` whose key, name or alias is ``name``; failing that, whose name contains it."""
        spec = self.schema.label(label)
        cols = [spec.key, "name"] + (["aliases"] if "aliases" in spec.properties else [])
        if "name" not in spec.properties:
            cols = [spec.key]
        table = self.nodes(label, cols)
        matches: list[NodeMatch] = []
        names = table["name"] if "name" in table else table[spec.key]

        def collect(mask: pd.Series, how: str) -> list[NodeMatch]:
            hit = table[mask.fillna(False).astype(bool)]
            return [NodeMatch(label, str(k), str(n), how) for k, n in zip(hit[spec.key], names[hit.index])]

        matches = collect(table[spec.key] == name, "key") or collect(names == name, "name")
        if not matches and "aliases" in table:
            aliases = table["aliases"]
            has = aliases.str.contains(name, regex=False)
            if has.any():
                exact = has & aliases.map(lambda a: name in a.split("|"), na_action="ignore").fillna(False).astype(bool)
                matches = collect(exact, "alias")
        if not matches:
            partial = names.str.contains(name, regex=False)
            if "aliases" in table:
                partial |= table["aliases"].str.contains(name, regex=False)
            matches = collect(partial, "partial")
        return matches

    def resolve(self, label: str, name: str) -> NodeMatch:
        """The one node ``name`` denotes, or a :class:`NotFoundError` / :class:`AmbiguousNameError`."""
        matches = self.find(label, name)
        if not matches:
            raise NotFoundError(f"no {label} named {name!r}",
                                hint=f"`chainkg search {label.lower()} …` lists names; short names (简称) work too")
        if len(matches) > 1:
            shown = "; ".join(f"{m.name} ({m.key})" for m in matches[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise AmbiguousNameError(f"{name!r} matches several {label} nodes: {shown}{more}",
                                     hint="use the full name or the key")
        return matches[0]

    def region_links(self) -> RegionLinks:
        """The WITHIN tree as parent and children maps (read anew on each call; a store whose tables
        cannot change caches it)."""
        within = self.edges("WITHIN", ["from", "to"])
        parent: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        for child, up in zip(within["from"].tolist(), within["to"].tolist()):
            parent[child] = up
            children.setdefault(up, []).append(child)
        return RegionLinks(parent, children)

    def region_subtree(self, code: str) -> set[str]:
        """The region ``code`` and every region within it (WITHIN, transitively)."""
        children = self.region_links().children
        found, todo = {code}, [code]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def region_ancestors(self, code: str) -> list[str]:
        """``code`` and the regions it lies within, innermost first."""
        parent = self.region_links().parent
        chain = [code]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        return chain

    def networkx(self, rel_types: Iterable[str]):
        """A ``networkx.MultiDiGraph`` of the given relationship types.

        Nodes are ``(label, key)`` tuples; edges carry their type as ``type`` and
        their properties. Build it only for the small parts that need graph algorithms.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for rel_type in rel_types:
            spec = self.schema.relationship(rel_type)
            table = self.edges(rel_type)
            props = [c for c in table.columns if c not in ("from", "to", "from_label", "to_label")]
            from_labels, to_labels = endpoint_labels(spec, table)
            for fl, f, tl, t, values in zip(from_labels, table["from"], to_labels, table["to"],
                                             table[props].itertuples(index=False, name=None)):
                graph.add_edge((fl, f), (tl, t), type=rel_type, **_plain(dict(zip(props, values))))
        return graph

    def close(self) -> None:
        """Release connections; the embedded store has none."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def endpoint_labels(spec: Relationship, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The label of each row's start and of its end, as two lists: the ``from_label`` / ``to_label``
    column of ``frame`` where the relationship type allows several labels, else its one label."""
    n = len(frame)
    from_labels = frame["from_label"].tolist() if spec.needs_from_label else [spec.from_labels[0]] * n
    to_labels = frame["to_label"].tolist() if spec.needs_to_label else [spec.to_labels[0]] * n
    return from_labels, to_labels


def rows_by_label_pair(spec: Relationship, frame: pd.DataFrame) -> dict[tuple[str, str], list[int]]:
    """Row numbers of ``frame`` (in table order) by (start label, end label)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, pair in enumerate(zip(*endpoint_labels(spec, frame))):
        groups.setdefault(pair, []).append(i)
    return groups


def _with(columns: Iterable[str], column: str) -> list[str]:
    columns = list(columns)
    return columns if column in columns else [*columns, column]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """pandas scalars → plain Python values, missing → None."""
    out = {}
    for k, v in row.items():
        if v is pd.NA or (isinstance(v, float) and v != v):
            out[k] = None
        elif hasattr(v, "item"):
            out[k] = v.item()
        else:
            out[k] = v
    return out
