"""One node and its neighbourhood, for ``chainkg show``.

>>> from queries._fixture import fixture_store
>>> view = describe(fixture_store(), "enterprise", "乙整机")
>>> view["node"]["name"], [n["name"] for n in view["relations"]["ANCHORS"]["out"]]
('乙示例整机有限公司', ['示例装备'])
>>> view["region_path"]
['常州市', '江苏省', '中国']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chainkg.errors import NotFoundError
from graph.store import GraphStore, _plain

__all__ = ["describe", "KINDS", "LOCATION_TYPES"]

#: the words ``chainkg show`` takes, and the labels they mean
KINDS = {
    "enterprise": "Enterprise",
    "cluster": "Cluster",
    "chain": "Chain",
    "segment": "Segment",
    "technology": "Technology",
    "region": "Region",
    "source": "Source",
    "platform": "Platform",
    "park": "Park",
    "project": "Project",
}
#: the relationship type that says where a node of each label is
LOCATION_TYPES = {"Enterprise": "LOCATED_IN", "Platform": "PLATFORM_LOCATED_IN", "Park": "PARK_LOCATED_IN",
                  "Project": "PROJECT_LOCATED_IN"}


def describe(store: GraphStore, kind: str, name: str, *, limit: int = 50) -> dict[str, Any]:
    """The node ``name`` denotes (short names resolve) with every relationship around it.

    ``relations`` maps each relationship type to ``{"out": [...], "in": [...]}``;
    each neighbour carries its label, key, name and the relationship's
    properties, ``source`` and ``as_of`` included. At most ``limit`` neighbours
    are listed per type and direction; ``total`` counts them all.
    """
    label = KINDS.get(kind)
    if label is None:
        raise NotFoundError(f"unknown kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    match = store.resolve(label, name)
    around = getattr(store, "neighbourhood", None)  # a store that answers it in one statement (Neo4j)
    found = around(label, match.key, limit=limit) if around is not None else None
    if found is not None:
        node = _clean(found["node"])
        order = list(store.schema.relationships)
        relations = {rel: found["relations"][rel] for rel in sorted(found["relations"], key=order.index)}
        totals = {rel: found["totals"][rel] for rel in relations}
    else:
        node = _clean(store.node(label, match.key))
        relations, totals = _edges_around(store, label, match.key, limit=limit)
    view = {"label": label, "key": match.key, "matched": match.matched, "node": node,
            "relations": relations, "totals": totals}
    located = relations.get(LOCATION_TYPES.get(label, ""), {}).get("out", [])
    parks = relations.get("AT_PARK", {}).get("out", [])
    if not located and parks:  # a project is where its park is
        located = [{"key": r["to"]} for r in store.edges_where("PARK_LOCATED_IN", "from", [parks[0]["key"]])
                   .to_dict("records")]
    segments = [s["key"] for s in relations.get("OPERATES_IN", {}).get("out", [])] if label == "Enterprise" else []
    region = match.key if label == "Region" else located[0]["key"] if located else None
    context = getattr(store, "show_context", None)  # a store that answers both in one statement (Neo4j)
    if callable(context) and (region is not None or label == "Enterprise"):
        found_context = context(region, segments)
        region_path, chains = found_context["region_path"], found_context["chains"]
    else:
        region_path = _region_path(store, region) if region is not None else None
        chains = _chains_of_segments(store, segments) if label == "Enterprise" else None
    if located and label != "Region":
        view["region_path"] = region_path
    if label == "Enterprise":
        view["chains"] = chains
        view["registrations"] = _registrations(store, [r["key"] for r in relations.get("HAS_REGISTRATION", {}).get("out", [])])
    if label == "Region":
        view["region_path"] = region_path
    return view


def _edges_around(store: GraphStore, label: str, key: str, *, limit: int
                  ) -> tuple[dict[str, dict[str, list]], dict[str, dict[str, int]]]:
    """Every relationship around one node, per type and direction, read type by type by key."""
    relations: dict[str, dict[str, list]] = {}
    totals: dict[str, dict[str, int]] = {}
    for rel, spec in store.schema.relationships.items():
        for direction, mine, other, other_labels, mine_labels in (
            ("out", "from", "to", spec.to_labels, spec.from_labels),
            ("in", "to", "from", spec.from_labels, spec.to_labels),
        ):
            if label not in mine_labels:
                continue
            hit = store.edges_where(rel, mine, [key])
            label_col = f"{mine}_label"
            if label_col in hit.columns:
                hit = hit[hit[label_col] == label]
            if hit.empty:
                continue
            totals.setdefault(rel, {})[direction] = len(hit)
            listed = []
            rows = hit.head(limit).to_dict("records")
            names = _names(store, [(row.get(f"{other}_label") or other_labels[0], row[other]) for row in rows])
            for row in rows:
                other_label = row.get(f"{other}_label") or other_labels[0]
                listed.append({
                    "label": other_label,
                    "key": row[other],
                    "name": names[other_label, row[other]],
                    **{k: v for k, v in _clean(row).items()
                       if k not in ("from", "to", "from_label", "to_label") and v is not None},
                })
            relations.setdefault(rel, {"out": [], "in": []})[direction] = listed
    return relations, totals


def _region_path(store: GraphStore, code: str) -> list[str | None]:
    """The names of a region and the regions it lies within, innermost first (one lookup)."""
    codes = store.region_ancestors(code)
    names = store.names("Region", codes)
    return [names[c] for c in codes]


def _registrations(store: GraphStore, keys: list[str]) -> list[dict[str, Any]]:
    """The registration records (facts a dataset brings: capital, dates, status …) with their source, newest first."""
    if not keys or "Registration" not in store.schema.labels:
        return []
    records = [{k: v for k, v in _clean(row).items() if v is not None}
               for row in store.nodes_where("Registration", keys).to_dict("records")]
    return sorted(records, key=lambda r: (str(r.get("as_of", "")), str(r.get("source", ""))), reverse=True)


def _chains_of_segments(store: GraphStore, segments: list[str]) -> list[dict[str, str]]:
    if not segments:
        return []
    segment_of = store.edges_where("SEGMENT_OF", "from", segments, ["from", "to"])
    chain_ids = sorted(set(segment_of["to"].astype(str)))
    names = store.names("Chain", chain_ids)
    return [{"key": c, "name": names[c]} for c in chain_ids]


def _names(store: GraphStore, nodes: list[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """Names of several (label, key) nodes, one lookup per label."""
    by_label: dict[str, list[str]] = {}
    for label, key in nodes:
        by_label.setdefault(label, []).append(key)
    return {(label, key): name for label, keys in by_label.items() for key, name in store.names(label, keys).items()}


def _clean(row: dict[str, Any] | None) -> dict[str, Any]:
    out = {}
    for k, v in _plain(row or {}).items():
        out[k] = None if (v == "" or v is pd.NA) else v
    return out
