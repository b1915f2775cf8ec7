"""The analyses' aggregation step in Cypher: the inputs of gaps, choke points and the other analyses.

Each method returns the same figures as the embedded store's pandas code, in
the form the analysis in ``queries/`` takes (dicts: the graph layer does not
import the analyses); scoring and wording stay in Python, shared by every store.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from graph.neo4j_reads import Neo4jReads
from graph.neo4j_values import iso_text

__all__ = ["Neo4jAnalysisInputs"]


class Neo4jAnalysisInputs(Neo4jReads):
    """Analysis inputs aggregated in the database (the statements under ``queries/cypher/<analysis>/``)."""

    # -- analyses: aggregations in Cypher ---------------------------------------------------------

    def facts_per_source(self) -> dict[str, int]:
        """How many facts (nodes and relationships) each source gave, over the whole graph, in one
        statement (``stats/sources``): what ``chainkg stats`` lists beside each source."""
        return {str(r["source"]): int(r["facts"]) for r in self.run("stats/sources") if r["source"] is not None}

    def chokepoint_inputs(self, *, perspective: str, chain: str | None = None) -> dict[str, Any]:
        """Step 1 of the choke-point analysis (queries/chokepoints.py), aggregated in the database.

        The same figures as the embedded store's, in the ``dataclasses.asdict`` form of
        ``ChokepointInputs`` (the graph layer does not import the analyses). The pool of
        candidates and the aggregates (``chokepoints/candidates``), each candidate's
        downstream breadth (``chokepoints/downstream``, variable-length paths), its providers
        with their supply unit and side (``chokepoints/providers``) and the perspective's
        capable enterprises (``chokepoints/capable``) are computed by Cypher; the structural
        measures by networkx on the dependency subgraph alone (``chokepoints/dependencies``).
        """
        from graph.dependencies import dependency_structure

        match = self.resolve("Region", perspective)
        level = self.nodes_where("Region", [match.key], ["level"])["level"].astype(str)
        persp = {"code": match.key, "name": match.name, "level": level.iloc[0] if len(level) else "",
                 "subtree": frozenset(self.region_subtree(match.key)),
                 "enclosing": tuple(self.region_ancestors(match.key)[1:])}
        chain_info = None
        if chain is not None:
            found = self.resolve("Chain", chain)
            chain_info = {"key": found.key, "name": found.name}

        pool = self.run("chokepoints/candidates", {"chain": chain_info["key"] if chain_info else None})
        candidates = [row for row in pool if not row["aggregate"]]
        keys = [str(row["key"]) for row in candidates]
        params = {"technologies": keys}
        downstream = {str(r["key"]): r for r in self.run("chokepoints/downstream", params)}
        providers: dict[str, list[dict[str, Any]]] = {}
        for r in self.run("chokepoints/providers", {**params, "perspective": match.key}):
            providers.setdefault(str(r["technology"]), []).append({
                "label": str(r["label"]), "key": str(r["key"]), "name": str(r["name"] or r["key"]),
                "unit": None if r["unit"] is None else str(r["unit"]),
                "share": None if r["share"] is None else float(r["share"]),
                "year": None if r["year"] is None else int(r["year"]),
                "own": bool(r["own"]), "encloses": bool(r["encloses"]),
                "source": str(r["source"] or ""), "as_of": iso_text(r["as_of"]) if r["as_of"] is not None else ""})
        capable: dict[str, list[dict[str, Any]]] = {}
        for r in self.run("chokepoints/capable", {**params, "perspective": match.key}):
            capable.setdefault(str(r["technology"]), []).append({
                "key": str(r["key"]), "name": str(r["name"] or r["key"]), "via": str(r["via"]),
                "region": None if r["region"] is None else str(r["region"])})

        named = {match.key, *persp["enclosing"], *(p["unit"] for ps in providers.values() for p in ps if p["unit"]),
                 *(p["key"] for ps in providers.values() for p in ps if p["label"] == "Region"),
                 *(c["region"] for cs in capable.values() for c in cs if c["region"])}
        regions = self.nodes_where("Region", sorted(named), ["code", "name"])  # only the regions the scores name
        region_name = dict(zip(regions["code"].astype(str), regions["name"].astype(str)))

        needed_by: dict[tuple[str, str], set[tuple[str, str]]] = {}
        feeds_in: set[tuple[str, str]] = set()
        for r in self.run("chokepoints/dependencies"):
            a, b = (str(r["from_label"]), str(r["from_key"])), (str(r["to_label"]), str(r["to_key"]))
            needed_by.setdefault(a, set()).add(b)
            if r["type"] == "FEEDS":
                feeds_in.add(b)
        structure = dependency_structure(needed_by, lambda n: n in feeds_in and not needed_by.get(n))

        out = []
        for row in candidates:
            key = str(row["key"])
            down = downstream.get(key) or {"downstream_segments": 0, "downstream_inputs": 0, "final_products": []}
            finals = sorted(str(name) for name in down["final_products"])
            mine = sorted(providers.get(key, []), key=lambda p: (-(p["share"] or 0), p["label"], p["key"]))
            source = str(row["source"] or "")
            tech_as_of = iso_text(row["as_of"]) if row["as_of"] is not None else ""
            unavoidable, cut = structure.get(("Technology", key), (None, None))
            out.append({
                "key": key, "name": str(row["name"]), "kind": row["kind"] or None,
                "downstream_segments": int(down["downstream_segments"]),
                "downstream_inputs": int(down["downstream_inputs"]),
                "downstream_products": len(finals), "final_products": tuple(finals),
                "providers": tuple(mine),
                "capable": tuple(sorted(capable.get(key, []), key=lambda c: (c["via"], c["name"]))),
                "breakthrough_for": tuple(str(n) for n in row["breakthrough_for"]),
                "unavoidable_for": unavoidable, "cut_vertex": cut,
                "sources": tuple(sorted({source, *(p["source"] for p in mine)})),
                "as_of": max([tech_as_of, *(p["as_of"] for p in mine)]),
            })
        used = sorted({s for c in out for s in c["sources"]})
        table = self.nodes("Source", ["id", "title", "licence", "attribution"])
        table = table[table["id"].isin(used)].sort_values("id")
        sources = tuple({"id": str(r["id"]), "title": str(r["title"]), "licence": r["licence"] or None,
                         "attribution": r["attribution"] or None} for r in table.to_dict("records"))
        as_of = max([c["as_of"] for c in out], default=None) or self.info().as_of
        return {"perspective": persp, "chain": chain_info, "candidates": out, "region_names": region_name,
                "sources": sources, "as_of": as_of, "aggregates": len(pool) - len(candidates)}


    def gap_platforms(self, segment_keys: Iterable[str], region_codes: Iterable[str]) -> dict[str, list[str]]:
        """The names of the local platforms tied to each segment (``queries.gaps.add_platforms``), in one
        statement (``gaps/platforms``) instead of one ``carriers`` look-up per segment: SERVES its chain,
        WORKS_ON a technology KEY_TO it, or RUN by an enterprise operating in it, first located within
        ``region_codes``. Ordered as :func:`queries.carriers.carriers` lists them (name, then key)."""
        keys = list(dict.fromkeys(str(k) for k in segment_keys))
        found: dict[str, list[tuple[str, str]]] = {key: [] for key in keys}
        if keys:
            for r in self.run("gaps/platforms", {"segments": keys, "region_codes": sorted(set(region_codes))}):
                found[str(r["segment"])].append((str(r["name"]), str(r["key"])))
        return {key: [name for name, _ in sorted(pairs)] for key, pairs in found.items()}

    def gap_inputs(self, chain_key: str, region_codes: Iterable[str], *,
                   include_synthetic: bool | None = None) -> dict[str, Any]:
        """Step 1 of the gap analysis (queries/gaps.py), aggregated in the database.

        The fields of ``GapInputs`` as a dict (the graph layer does not import the
        analyses): the chain with its clusters, segments and FEEDS (``gaps/chain``), the
        local enterprises per segment with their roles (``gaps/local``), national counts
        and size totals per segment (``gaps/national``) and over the chain
        (``gaps/members``), supply counts (``gaps/supplies``) and the facts used per
        source (``gaps/facts``), each one statement; the last five, independent of each other, up to
        ``workers`` at once (:meth:`run_many`).
        """
        from chainkg.errors import NotFoundError

        rows = self.run("gaps/chain", {"chain": chain_key})
        if not rows:
            raise NotFoundError(f"no Chain with key {chain_key!r}", hint="`chainkg search chain` lists the chains")
        chain = rows[0]
        sources = self.nodes("Source", ["id", "title", "kind"])
        synthetic = sorted(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
        include = (chain["source"] in synthetic) if include_synthetic is None else bool(include_synthetic)
        params = {"chain": chain_key, "excluded_sources": [] if include else synthetic}
        local_codes = sorted(set(region_codes))
        nation_codes = sorted(self.region_subtree("CHN"))

        segments = pd.DataFrame({
            "key": pd.Series([s["key"] for s in chain["segments"]], dtype=object),
            "name": pd.Series([s["name"] or "" for s in chain["segments"]], dtype=object),
            "position": pd.Series([s["position"] or "" for s in chain["segments"]], dtype=object),
            "layer": pd.array([s["layer"] for s in chain["segments"]], dtype="Int64"),
        })
        feeds = pd.DataFrame({"from": pd.Series([f["from"] for f in chain["feeds"]], dtype=object),
                              "to": pd.Series([f["to"] for f in chain["feeds"]], dtype=object)})

        def number(value) -> float:
            return math.nan if value is None else float(value)

        # five independent aggregations over the chain's enterprises, up to `workers` in flight (the slowest first)
        answers = self.run_many({
            "facts": ("gaps/facts", {**params, "region_codes": local_codes}),
            "local": ("gaps/local", {**params, "region_codes": local_codes}),
            "national": ("gaps/national", {**params, "nation_codes": nation_codes}),
            "members": ("gaps/members", {**params, "nation_codes": nation_codes}),
            "supplies": ("gaps/supplies", {**params, "region_codes": local_codes}),
        })
        local_rows = answers["local"]
        local = pd.DataFrame({
            "segment": pd.Series([r["segment"] for r in local_rows], dtype=object),
            "enterprise": pd.Series([r["enterprise"] for r in local_rows], dtype=object),
            "name": pd.Series([r["name"] or "" for r in local_rows], dtype=object),
            "designations": pd.Series(["|".join(r["designations"] or []) for r in local_rows], dtype=object),
            "revenue_yi": pd.Series([number(r["revenue_yi"]) for r in local_rows], dtype=float),
            "employees": pd.Series([number(r["employees"]) for r in local_rows], dtype=float),
            "key_enterprise": pd.Series([bool(r["key_enterprise"]) for r in local_rows], dtype=bool),
            "chain_leader": pd.Series([bool(r["chain_leader"]) for r in local_rows], dtype=bool),
        })
        national_rows = answers["national"]
        national = pd.DataFrame({
            "segment": pd.Series([r["segment"] for r in national_rows], dtype=object),
            "enterprises": pd.Series([int(r["enterprises"]) for r in national_rows], dtype="int64"),
            "revenue_yi": pd.Series([float(r["revenue_yi"]) for r in national_rows], dtype=float),
            "revenue_known": pd.Series([int(r["revenue_known"]) for r in national_rows], dtype="int64"),
            "employees": pd.Series([float(r["employees"]) for r in national_rows], dtype=float),
            "employees_known": pd.Series([int(r["employees_known"]) for r in national_rows], dtype="int64"),
        })
        members = answers["members"][0]
        national_chain = {"enterprises": int(members["enterprises"]), "revenue_yi": float(members["revenue_yi"]),
                          "revenue_known": int(members["revenue_known"]),
                          "employees": float(members["employees"]),
                          "employees_known": int(members["employees_known"])}
        supply_rows = answers["supplies"]
        supplies = pd.DataFrame({
            "segment": pd.Series([r["segment"] for r in supply_rows], dtype=object),
            "received": pd.Series([int(r["received"]) for r in supply_rows], dtype="int64"),
            "from_local": pd.Series([int(r["from_local"]) for r in supply_rows], dtype="int64"),
        })
        provenance = list(answers["facts"])
        used = [r for r in provenance if int(r["facts"])]
        titles = dict(zip(sources["id"].astype(str), sources["title"]))
        kinds = dict(zip(sources["id"].astype(str), sources["kind"]))
        ids = sorted(str(r["source"]) for r in used)
        counts = {str(r["source"]): int(r["facts"]) for r in used}
        source_table = pd.DataFrame({"id": ids, "facts": [counts[k] for k in ids],
                                     "title": [titles.get(k) for k in ids], "kind": [kinds.get(k) for k in ids]})
        facts = {
            "enterprises_in_chain": int(members["enterprises_in_chain"]),
            "unlocated_enterprises": int(members["unlocated_enterprises"]),
            "foreign_enterprises": int(members["foreign_enterprises"]),
            "synthetic_excluded": sum(int(r["excluded"]) for r in provenance),
            "facts_used": sum(counts.values()),
            "unverified_facts": sum(int(r["unverified"]) for r in used),
        }
        dates = [iso_text(r["as_of"]) for r in used if r["as_of"] is not None]
        return {
            "chain": {"key": str(chain["key"]), "name": str(chain["name"]),
                      "clusters": [{"key": str(c["key"]), "name": str(c["name"])} for c in chain["clusters"]]},
            "segments": segments, "feeds": feeds, "local": local, "national": national,
            "national_chain": national_chain, "supplies": supplies, "facts": facts, "sources": source_table,
            "as_of": max(dates) if dates else None, "synthetic_included": include,
        }
