"""What the graph holds: counts per label and type, per cluster, per source.

>>> from queries._fixture import fixture_store
>>> summary = graph_stats(fixture_store())
>>> summary["counts"]["nodes"]["Cluster"], [c["name"] for c in summary["clusters"]]
(1, ['示例装备'])
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from graph.store import GraphStore
from queries._arrow import plain_value

__all__ = ["graph_stats"]


def graph_stats(store: GraphStore) -> dict[str, Any]:
    """Counts per label and relationship type, the sources, and for each cluster its
    targets, chains, key enterprises (as the source spells them) and breakthrough technologies."""
    info = store.info()
    counts = {  # the build's own counts (Neo4j: counted live by counts.cypher), zeros included
        "nodes": {label: int(info.counts.get("nodes", {}).get(label, 0)) for label in store.schema.labels},
        "relationships": {rel: int(info.counts.get("relationships", {}).get(rel, 0))
                          for rel in store.schema.relationships},
    }
    return {
        "as_of": info.as_of,
        "digest": info.digest,
        "data": list(info.data),
        "counts": counts,
        "plans": _records(store.nodes("Plan")),
        "clusters": _clusters(store),
        "sources": _sources(store),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from graph.store import _plain

    return [_plain(row) for row in frame.to_dict("records")]


def _clusters(store: GraphStore) -> list[dict[str, Any]]:
    clusters = store.nodes("Cluster")
    chains = store.nodes("Chain", ["id", "name", "target_scale_yi", "target_year", "advantage_chain", "source"])
    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    seg_count = segment_of.groupby("to").size()
    anchors = store.edges("ANCHORS", ["from", "to", "as_written", "source"])
    enterprises = store.names("Enterprise", anchors["from"].astype(str))  # by key: never the whole label
    breakthrough = store.edges("BREAKTHROUGH_FOR", ["from", "to", "source"])
    technologies = store.names("Technology", breakthrough["from"].astype(str))
    out = []
    for row in clusters.sort_values("id").to_dict("records"):
        cid = row["id"]
        chain_ids = set(in_cluster.loc[in_cluster["to"] == cid, "from"])
        mine = chains[chains["id"].isin(chain_ids)].sort_values("id")
        keys = anchors[anchors["to"] == cid]
        techs = breakthrough[breakthrough["to"] == cid]
        out.append({
            "id": cid,
            "name": row["name"],
            "tier": plain_value(row.get("tier")),
            "target_scale_yi": plain_value(row.get("target_scale_yi")),
            "target_year": plain_value(row.get("target_year")),
            "source": row["source"],
            "as_of": row["as_of"],
            "chains": [
                {"id": c["id"], "name": c["name"], "segments": int(seg_count.get(c["id"], 0)),
                 "advantage_chain": plain_value(c["advantage_chain"]),
                 "target_scale_yi": plain_value(c["target_scale_yi"]), "target_year": plain_value(c["target_year"]),
                 "source": c["source"]}
                for c in mine.to_dict("records")
            ],
            "key_enterprises": [
                {"key": e, "name": enterprises.get(e), "as_written": plain_value(w), "source": s}
                for e, w, s in zip(keys["from"], keys["as_written"], keys["source"])
            ],
            "technologies": [
                {"key": t, "name": technologies.get(t), "source": s} for t, s in zip(techs["from"], techs["source"])
            ],
        })
    return out


def _sources(store: GraphStore) -> list[dict[str, Any]]:
    sources = store.nodes("Source")
    own = getattr(store, "facts_per_source", None)  # a store that counts them itself (Neo4j, in one statement)
    used = own() if own is not None else _facts_per_source(store)
    return [
        {"id": r["id"], "title": r["title"], "kind": r["kind"], "facts": used.get(r["id"], 0),
         "licence": plain_value(r.get("licence")), "attribution": plain_value(r.get("attribution")),
         "as_of": r["as_of"]}
        for r in sources.sort_values("id").to_dict("records")
    ]


def _facts_per_source(store: GraphStore) -> dict[str, int]:
    """Facts per source, counted from every table's ``source`` column."""
    used: dict[str, int] = {}
    for label in store.schema.labels:
        for src, n in store.nodes(label, ["source"])["source"].value_counts().items():
            used[src] = used.get(src, 0) + int(n)
    for rel in store.schema.relationships:
        for src, n in store.edges(rel, ["source"])["source"].value_counts().items():
            used[src] = used.get(src, 0) + int(n)
    return used
