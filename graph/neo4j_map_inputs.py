"""The chain map's (产业链图谱) aggregation step in Cypher: each segment's local operators and the masters' counts.

:func:`viz.model.chain_map` lists, on each segment's card, the enterprises of the region that
operate in it, with their locations, and counts the local masters of each key technology. On
the embedded store it follows the memory-mapped endpoint indexes; here the database does it,
for the segments and technologies of one map only:

- ``map/operators``: the OPERATES_IN facts into the segments from enterprises located in the
  region (their rows, in load order);
- ``map/excluded``: the operating facts left out as synthetic, counted in the database;
- ``map/masters``: per technology, the distinct local enterprises that master it;
- the operators' Enterprise rows, LOCATED_IN facts, and the LEADS / ANCHORS of the map's chains
  and clusters, looked up by key (``nodes/Enterprise.where``, ``relationships/…from|to``).

No statement reads a label or a type whole; what crosses Bolt is bounded by the map's local
operators. The answer is plain DataFrames and sets (the graph layer does not import viz/).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from graph.neo4j_reads import Neo4jReads
from graph.neo4j_values import STRING_DTYPE, frame_from_rows

__all__ = ["Neo4jMapInputs", "LOCATED_COLUMNS"]

#: the LOCATED_IN columns a map reads
LOCATED_COLUMNS = ["from", "to", "source", "as_of", "verified"]


class Neo4jMapInputs(Neo4jReads):
    """The inputs of the chain map, aggregated in the database (``queries/cypher/map/``)."""

    def map_members(self, *, segments: Iterable[str], technologies: Iterable[str], region_codes: Iterable[str],
                    excluded_sources: Iterable[str], chains: Iterable[str], clusters: Iterable[str]) -> dict[str, Any]:
        """The local enterprises of a map's ``segments`` and the local masters of its ``technologies``.

        ``region_codes``: the region's subtree; ``excluded_sources``: the synthetic sources left out
        (empty: none). Returns, as :func:`viz.model._map_members` does on the embedded store:
        ``operates`` (OPERATES_IN of the local operators, one per pair, by segment then enterprise),
        ``located`` (their LOCATED_IN into the region, by enterprise then region), ``enterprises``
        (their Enterprise rows, load order), ``excluded`` (synthetic facts left out), ``leaders``
        (LEADS into ``chains``), ``anchored`` (ANCHORS into ``clusters``) and ``masters`` (technology
        → local masters).
        """
        segments = sorted({str(s) for s in segments})
        technologies = sorted({str(t) for t in technologies})
        codes = sorted({str(c) for c in region_codes})
        drop = sorted({str(s) for s in excluded_sources})
        spec = self.schema.relationship("OPERATES_IN")
        props = [c for c in spec.columns() if c in spec.properties]
        rows = self.run("map/operators", {"segments": segments, "region_codes": codes, "columns": props,
                                          "excluded_sources": drop}) if segments and codes else []
        operates = frame_from_rows(props, [r["values"] for r in rows], spec.properties, typed=True)
        operates["from"] = pd.Series([str(r["from_key"]) for r in rows], dtype=STRING_DTYPE)
        operates["to"] = pd.Series([str(r["to_key"]) for r in rows], dtype=STRING_DTYPE)
        operates = operates[[c for c in spec.columns() if c in operates.columns]]
        excluded = int(self.run("map/excluded", {"segments": segments, "excluded_sources": drop})[0]["excluded"]) \
            if drop and segments else 0

        keys = sorted(set(operates["from"].astype(str)))
        enterprises = self.nodes_where("Enterprise", keys)
        if drop and len(enterprises):
            dropped = enterprises["source"].isin(drop).fillna(False).to_numpy(dtype=bool)
            excluded += int(dropped.sum())
            enterprises = enterprises[~dropped].reset_index(drop=True)
        kept = set(enterprises["id"].astype(str))
        operates = operates[operates["from"].isin(kept).to_numpy(dtype=bool)]
        operates = operates.drop_duplicates(["from", "to"]).sort_values(["to", "from"])
        located = self.edges_where("LOCATED_IN", "from", sorted(kept), LOCATED_COLUMNS)
        near = located["to"].isin(codes).to_numpy(dtype=bool) & located["from"].isin(kept).to_numpy(dtype=bool)
        if drop:
            near &= ~located["source"].isin(drop).fillna(False).to_numpy(dtype=bool)
        located = located[near].sort_values(["from", "to"])

        leads = self.edges_where("LEADS", "to", sorted({str(c) for c in chains}), ["from", "to"])
        anchors = self.edges_where("ANCHORS", "to", sorted({str(c) for c in clusters}), ["from", "to"])
        masters = {str(r["technology"]): int(r["masters"]) for r in self.run(
            "map/masters", {"technologies": technologies, "region_codes": codes, "excluded_sources": drop})} \
            if technologies and codes else {}
        return {"operates": operates, "located": located, "enterprises": enterprises, "excluded": excluded,
                "leaders": set(leads["from"].astype(str)), "anchored": set(anchors["from"].astype(str)),
                "masters": masters}
