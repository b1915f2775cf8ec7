"""The report commands' aggregation step in Cypher: the inputs of ``shortboard`` and ``geomap``.

Each method returns what the embedded store's pandas code in ``queries/`` computes,
as plain dicts and DataFrames (the graph layer does not import the analyses);
``queries/`` builds its records from them, and scoring and wording stay in Python,
shared by every store. The statements are under ``queries/cypher/shortboard/`` and
``queries/cypher/geomap/`` (docs/neo4j.md lists them).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from graph.neo4j_reads import Neo4jReads
from graph.neo4j_values import iso_text

__all__ = ["Neo4jReportInputs", "NATION", "EXAMPLES"]

#: the country that "national" means
NATION = "CHN"
#: outside enterprises named per segment in the 短板长板 table (queries.shortboard.EXAMPLES)
EXAMPLES = 10


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _objects(values: list[Any]) -> pd.Series:
    return pd.Series(values, dtype=object)


class Neo4jReportInputs(Neo4jReads):
    """Inputs of the report commands, aggregated in the database."""

    def excluded_sources(self, chain_key: str, include_synthetic: bool | None) -> tuple[bool, list[str]]:
        """(synthetic included, the ids of the synthetic sources left out) for an analysis of ``chain_key``:
        synthetic facts count only when asked for, or when the chain itself is synthetic."""
        sources = self.nodes("Source", ["id", "kind"])
        synthetic = sorted(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
        if include_synthetic is None:
            chain = self.nodes_where("Chain", [chain_key], ["id", "source"])
            include = bool(len(chain)) and str(chain["source"].iloc[0]) in synthetic
        else:
            include = bool(include_synthetic)
        return include, [] if include else synthetic

    def shortboard_inputs(self, chain_key: str, region_codes: Iterable[str], *,
                          include_synthetic: bool | None = None, examples: int = EXAMPLES) -> dict[str, Any]:
        """Step 1 of the 短板长板 table (queries/shortboard.py), aggregated in the database.

        The fields of ``ShortboardInputs`` as a dict: the key technologies
        (``shortboard/technologies``), the local enterprises of each segment and every
        master of its key technologies (``shortboard/capable``), the outside enterprises
        counted and the largest ``examples`` named per segment (``shortboard/outside``),
        the outside providers (``shortboard/providers``), the technologies key to no
        segment (``shortboard/unplaced``) and the synthetic facts left out
        (``shortboard/excluded``), each one statement.
        """
        _include, excluded = self.excluded_sources(chain_key, include_synthetic)
        params = {"chain": chain_key, "excluded_sources": excluded}
        local = {**params, "region_codes": sorted(set(region_codes))}

        techs = self.run("shortboard/technologies", params)
        key_to = pd.DataFrame({"technology": _objects([r["technology"] for r in techs]),
                               "segment": _objects([r["segment"] for r in techs]),
                               "name": _objects([r["name"] for r in techs]),
                               "kind": _objects([r["kind"] for r in techs])})
        rows = self.run("shortboard/capable", {**local, "nation": NATION})
        capable = pd.DataFrame({
            "segment": _objects([r["segment"] for r in rows]),
            "technology": _objects([r["technology"] for r in rows]),
            "enterprise": _objects([r["enterprise"] for r in rows]),
            "name": _objects([r["name"] for r in rows]),
            "revenue_yi": pd.Series([_number(r["revenue_yi"]) for r in rows], dtype=float),
            "local": pd.Series([bool(r["local"]) for r in rows], dtype=bool),
            "national": pd.Series([bool(r["national"]) for r in rows], dtype=bool),
            "place": _objects([r["place"] for r in rows]),
        })
        outside = {
            str(r["segment"]): (int(r["domestic"]), int(r["foreign"]),
                                [f"{e['name']}（{e['place']}）" if isinstance(e["place"], str) else str(e["name"])
                                 for e in r["examples"]])
            for r in self.run("shortboard/outside", {**local, "nation": NATION, "examples": int(examples)})}
        found = self.run("shortboard/providers", local)
        providers = pd.DataFrame({
            "target": _objects([r["target"] for r in found]), "key": _objects([r["key"] for r in found]),
            "label": _objects([r["label"] for r in found]), "name": _objects([r["name"] for r in found]),
            "place": _objects([r["place"] for r in found]),
            "share": pd.Series([_number(r["share"]) for r in found], dtype=float),
            "year": pd.Series([_number(r["year"]) for r in found], dtype=float)})
        unplaced = self.run("shortboard/unplaced", params)
        return {
            "key_to": key_to, "capable": capable, "providers": providers,
            "unplaced": pd.DataFrame({"key": _objects([r["key"] for r in unplaced]),
                                      "name": _objects([r["name"] for r in unplaced])}),
            "no_master_data": sum(1 for r in techs if not r["mastered"]),
            "excluded": int(self.run("shortboard/excluded", params)[0]["excluded"] or 0) if excluded else 0,
            "outside": outside,
        }

    def located_inputs(self, chain_key: str, segments: Iterable[str], *,
                       include_synthetic: bool | None = None) -> dict[str, Any]:
        """Step 1 of the 产业地图 (queries/geomap.py): the enterprises of ``segments`` (of the chain
        ``chain_key``) with their locations and segments (``geomap/enterprises``, one row per enterprise),
        the facts used per source (``geomap/facts``), the region hierarchy (``geomap/regions``) and the
        sources' titles, as plain rows; ``queries.geomap`` builds its tables from them."""
        include, excluded = self.excluded_sources(chain_key, include_synthetic)
        params = {"segments": sorted(set(segments)), "excluded_sources": excluded}
        sources = self.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
        facts = [{**r, "as_of": None if r["as_of"] is None else iso_text(r["as_of"])}
                 for r in self.run("geomap/facts", {**params, "chain": chain_key})]
        return {"enterprises": self.run("geomap/enterprises", params), "facts": facts,
                "regions": self.run("geomap/regions"), "sources": sources.to_dict("records"),
                "synthetic_included": include}
