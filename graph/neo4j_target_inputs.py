"""The 招商目标 ranking's aggregation step in Cypher: the candidates of a chain's needs and their evidence.

:meth:`Neo4jTargetInputs.target_inputs` answers what :func:`queries.targets.target_inputs`
reads from the embedded store's tables, with a few statements under
``queries/cypher/targets/`` that touch only the chain's needs and their candidates:

- ``targets/candidates``: the enterprises matching a need, sorted into candidates and the
  ones left out (synthetic, local, unlocated, inactive, present through their group) as counts;
- ``targets/matches``: the capability facts (OPERATES_IN, MASTERS, PROVIDES) of the candidates
  and of the enterprises present through their group;
- ``targets/customers``: SUPPLIES from the candidates to enterprises in the region, with the
  customers' roles in the chain (LEADS, ANCHORS, designation 链主);
- ``targets/fit``: SUPPLIES between a candidate and an enterprise of a neighbouring segment;
- ``targets/groups``: the SUBSIDIARY_OF / BRANCH_OF links of the groups present in the region;
- ``targets/excluded``: the synthetic facts left out, counted in the database;
- ``targets/regions``: the regions above each candidate's location (name, level).

The answer is plain dicts and DataFrames (the graph layer does not import the analyses);
``queries/targets.py`` builds its ``TargetInputs`` from them and scores in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from graph.neo4j_reads import Neo4jReads
from graph.neo4j_values import STRING_DTYPE, frame_from_rows, iso_text

__all__ = ["Neo4jTargetInputs", "TARGET_ENTERPRISE_COLUMNS"]

#: the candidates' node properties the ranking reads
TARGET_ENTERPRISE_COLUMNS = ["id", "name", "aliases", "designations", "exchange", "stock_code", "revenue_yi",
                             "revenue_year", "employees", "employees_year", "source", "as_of", "verified"]
_EDGE = ["source", "as_of", "verified"]
_FIT_COLUMNS = ["enterprise", "segment", "neighbour", "direction", "partner", "product", "sup_source", "sup_as_of",
                "sup_verified", "op_source", "op_as_of", "op_verified", "feeds_source", "feeds_as_of",
                "feeds_verified"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _date(value: Any) -> str:
    return "" if value is None else iso_text(value)


def _flag(value: Any):
    return pd.NA if value is None else bool(value)


class Neo4jTargetInputs(Neo4jReads):
    """The inputs of the 招商目标 ranking, aggregated in the database (``queries/cypher/targets/``)."""

    def _typed(self, kind: str, name: str, columns: list[str], rows: list[list[Any]]) -> pd.DataFrame:
        spec = self.schema.label(name) if kind == "nodes" else self.schema.relationship(name)
        return frame_from_rows(columns, rows, spec.properties, typed=True)

    def region_lineage(self, codes: Iterable[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """Names, levels and parents (WITHIN) of the regions ``codes`` and of every region above them,
        in one statement (``targets/regions``): what a table of places needs, without the Region table."""
        names: dict[str, str] = {}
        levels: dict[str, str] = {}
        parent: dict[str, str] = {}
        for row in self.run("targets/regions", {"codes": sorted({str(c) for c in codes})}):
            path = row["path"]
            for i, step in enumerate(path):
                code = str(step["code"])
                names[code] = _text(step["name"])
                levels[code] = _text(step["level"])
                if i + 1 < len(path):
                    parent.setdefault(code, str(path[i + 1]["code"]))
        return names, levels, parent

    def target_inputs(self, chain: dict[str, str], region_codes: Iterable[str], *, needs: list[dict[str, Any]],
                      include_synthetic: bool | None, inactive_statuses: Iterable[str]) -> dict[str, Any]:
        """Step 1 of the 招商目标 ranking (queries/targets.py), aggregated in the database.

        ``chain``: {key, name}; ``needs``: {key, label ('Segment' or 'Technology'), segments} per
        need, in need order. Returns the tables of ``TargetInputs`` (matches, enterprises,
        located, customers, roles, fit, group_matches, sources) with counts, the groups present
        in the region (``group_present``: candidate → local members; ``group_links``: the
        SUBSIDIARY_OF / BRANCH_OF facts of those groups) and ``inactive_as_of``; ``regions`` and
        the need tables are the analysis' own.
        """
        sources = self.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
        synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
        if include_synthetic is None:
            chains = self.nodes_where("Chain", [chain["key"]], ["id", "source"])
            include_synthetic = bool(len(chains)) and str(chains["source"].iloc[0]) in synthetic
        include = bool(include_synthetic)
        drop = [] if include else sorted(synthetic)
        codes = sorted({str(c) for c in region_codes})
        seg_needs = [n["key"] for n in needs if n["label"] == "Segment"]
        tech_needs = [n["key"] for n in needs if n["label"] == "Technology"]
        base = {"excluded_sources": drop}

        found = self.run("targets/candidates", {
            **base, "segments": seg_needs, "technologies": tech_needs, "region_codes": codes,
            "inactive_statuses": list(inactive_statuses)})[0]
        candidates = [str(k) for k in found["candidates"]]
        group_present = {str(p["key"]): [str(m) for m in p["members"]] for p in found["present"]}
        excluded = self.run("targets/excluded", {**base, "chain": chain["key"]})[0]
        counts = {
            "matched": int(found["matched"]),
            "excluded_local": int(found["local"]),
            "unlocated": int(found["unlocated"]),
            "synthetic_excluded": int(excluded["excluded"]) + int(found["synthetic"]),
            "inactive_excluded": int(found["inactive"]),
            "group_present": len(group_present),
            "candidates": len(candidates),
            "supplies_edges": int(excluded["supplies"]) - int(excluded["supplies_excluded"]),
        }

        matches = self._matches(sorted(candidates + list(group_present)), seg_needs, tech_needs, drop)
        group_matches = matches[matches["enterprise"].isin(list(group_present))].reset_index(drop=True)
        matches = matches[matches["enterprise"].isin(candidates)].reset_index(drop=True)

        enterprises = self.nodes_where("Enterprise", candidates, TARGET_ENTERPRISE_COLUMNS)
        enterprises = enterprises.sort_values("id").reset_index(drop=True)
        located = self.edges_where("LOCATED_IN", "from", candidates, ["from", "to", *_EDGE])
        if drop and len(located):
            located = located[~located["source"].isin(drop)]
        located = pd.DataFrame({"enterprise": located["from"].astype(str).to_numpy(),
                                "region": located["to"].astype(str).to_numpy(),
                                **{c: located[c].to_numpy() for c in _EDGE}})
        customers, roles = self._customers(chain, candidates, codes, drop)
        fit = self._fit(chain["key"], matches, needs, drop)
        links = [] if not group_present else [
            {"child": str(r["child"]), "child_name": r["child_name"], "kind": str(r["kind"]),
             "parent": str(r["parent"]), "parent_name": r["parent_name"], "as_written": _text(r["as_written"]),
             "source": _text(r["source"]), "as_of": _date(r["as_of"]), "verified": r["verified"]}
            for r in self.run("targets/groups", {**base, "enterprises": sorted(group_present)})]
        return {
            "matches": matches, "enterprises": enterprises, "located": located, "customers": customers,
            "roles": roles, "fit": fit, "sources": sources, "counts": counts, "synthetic": synthetic,
            "include_synthetic": include, "group_present": group_present, "group_matches": group_matches,
            "group_links": links,
            "inactive_as_of": None if found["inactive_as_of"] is None else iso_text(found["inactive_as_of"]),
        }

    def _matches(self, enterprises: list[str], seg_needs: list[str], tech_needs: list[str],
                 drop: list[str]) -> pd.DataFrame:
        """The capability facts of ``enterprises`` (``targets/matches``) as the ranking's ``matches`` table."""
        columns = {"OPERATES_IN": ["products", "main", *_EDGE], "MASTERS": ["note", *_EDGE],
                   "PROVIDES": ["share", "year", *_EDGE]}
        rows = self.run("targets/matches", {
            "enterprises": enterprises, "segments": seg_needs, "technologies": tech_needs, "excluded_sources": drop,
            "operates_columns": columns["OPERATES_IN"], "masters_columns": columns["MASTERS"],
            "provides_columns": columns["PROVIDES"]}) if enterprises else []
        parts = []
        for rel, cols in columns.items():
            mine = [r for r in rows if r["rel"] == rel]
            frame = self._typed("edges", rel, cols, [r["values"] for r in mine])
            ends = {"enterprise": np.array([str(r["from_key"]) for r in mine], dtype=object),
                    "need": np.array([str(r["to_key"]) for r in mine], dtype=object), "rel": rel}
            edge = {c: frame[c].to_numpy() for c in _EDGE}
            if rel == "OPERATES_IN":
                main = frame["main"]
                parts.append(pd.DataFrame({**ends, "main": main.fillna(True).astype(bool).to_numpy() if len(main)
                                           else [], "detail": frame["products"].to_numpy(dtype=object),
                                           "share": np.nan, "year": np.nan, **edge}))
            elif rel == "MASTERS":
                parts.append(pd.DataFrame({**ends, "main": True, "detail": frame["note"].to_numpy(dtype=object),
                                           "share": np.nan, "year": np.nan, **edge}))
            else:
                parts.append(pd.DataFrame({
                    **ends, "main": True, "detail": None,
                    "share": pd.to_numeric(frame["share"], errors="coerce").to_numpy(dtype=float),
                    "year": pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype=float), **edge}))
        matches = pd.concat(parts, ignore_index=True)
        return matches.astype({"enterprise": str, "need": str, "rel": str, "source": str, "as_of": str})

    def _customers(self, chain: dict[str, str], candidates: list[str], codes: list[str],
                   drop: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """SUPPLIES from the candidates to enterprises in the region, and those customers' roles
        (``targets/customers``), as the ranking's ``customers`` and ``roles`` tables."""
        sup_cols = ["product", "year", "share", *_EDGE]
        cust_cols = ["name", "designations", *_EDGE]
        anchor_cols = ["role", "as_written", *_EDGE]
        rows = self.run("targets/customers", {
            "enterprises": candidates, "chain": chain["key"], "region_codes": codes, "excluded_sources": drop,
            "supplies_columns": sup_cols, "customer_columns": cust_cols, "anchors_columns": anchor_cols,
            "leads_columns": _EDGE}) if candidates else []
        sup = self._typed("edges", "SUPPLIES", sup_cols, [r["values"] for r in rows])
        by_customer: dict[str, dict[str, Any]] = {}
        for r in rows:
            by_customer.setdefault(str(r["to_key"]), r)
        people = sorted(by_customer.items(), key=lambda item: item[1]["customer_row"])
        nodes = self._typed("nodes", "Enterprise", cust_cols, [r["customer"] for _, r in people])
        nodes.insert(0, "id", pd.Series([k for k, _ in people], dtype=STRING_DTYPE))
        leads = sorted(((k, fact) for k, r in people for fact in r["leads"]), key=lambda item: item[1]["row"])
        anchors = sorted(((k, fact) for k, r in people for fact in r["anchors"]), key=lambda item: item[1]["row"])
        lead_frame = self._typed("edges", "LEADS", _EDGE, [f["values"] for _, f in leads])
        anchor_frame = self._typed("edges", "ANCHORS", anchor_cols, [f["values"] for _, f in anchors])
        leaders = nodes[("|" + nodes["designations"].fillna("").astype(str) + "|").str.contains("|链主|", regex=False)]
        roles = pd.concat([
            pd.DataFrame({"customer": [k for k, _ in leads], "role": "链主", "rel": "LEADS", "other_label": "Chain",
                          "other": chain["key"], "other_name": chain["name"], "property": None, "value": None,
                          **{c: lead_frame[c].to_numpy() for c in _EDGE}}),
            pd.DataFrame({"customer": [k for k, _ in anchors],
                          "role": np.where(anchor_frame["role"].fillna("").to_numpy(dtype=object) == "链主", "链主",
                                           "重点企业"),
                          "rel": "ANCHORS", "other_label": "Cluster", "other": [str(f["cluster"]) for _, f in anchors],
                          "other_name": [_text(f["cluster_name"]) for _, f in anchors],
                          "property": None, "value": anchor_frame["as_written"].to_numpy(dtype=object),
                          **{c: anchor_frame[c].to_numpy() for c in _EDGE}}),
            pd.DataFrame({"customer": leaders["id"].to_numpy(), "role": "链主", "rel": None, "other_label": None,
                          "other": None, "other_name": None, "property": "designations",
                          "value": leaders["designations"].to_numpy(), **{c: leaders[c].to_numpy() for c in _EDGE}}),
        ], ignore_index=True)
        chief = roles.assign(_r=(roles["role"] == "链主").astype(int)).groupby("customer")["_r"].max()
        customers = pd.DataFrame({
            "enterprise": [str(r["from_key"]) for r in rows], "customer": [str(r["to_key"]) for r in rows],
            "product": sup["product"].to_numpy(dtype=object), "year": sup["year"].to_numpy(dtype=object),
            "share": sup["share"].to_numpy(dtype=object), **{c: sup[c].to_numpy() for c in _EDGE}})
        customers["role"] = customers["customer"].map(
            {k: ("链主" if v else "重点企业") for k, v in chief.items()}).astype(object)
        customers["customer_name"] = customers["customer"].map(
            nodes.set_index("id")["name"].astype(str)).astype(object)
        return customers, roles

    def _fit(self, chain_key: str, matches: pd.DataFrame, needs: list[dict[str, Any]],
             drop: list[str]) -> pd.DataFrame:
        """SUPPLIES between a candidate and an enterprise of a segment next to one it is matched to
        (``targets/fit``), as the ranking's ``fit`` table."""
        segments = {n["key"]: list(n["segments"]) for n in needs}
        pairs = list(dict.fromkeys((e, s) for e, n in zip(matches["enterprise"], matches["need"])
                                   for s in segments.get(n, [])))
        rows = self.run("targets/fit", {"pairs": [[e, s] for e, s in pairs],
                                        "chain": chain_key, "excluded_sources": drop}) if pairs else []
        data: dict[str, list[Any]] = {c: [] for c in [*_FIT_COLUMNS, "partner_name"]}
        for r in rows:
            for c in ("enterprise", "segment", "neighbour", "direction", "partner"):
                data[c].append(str(r[c]))
            data["product"].append(_text(r["product"]))
            data["partner_name"].append(None if r["partner_name"] is None else str(r["partner_name"]))
            for prefix in ("sup_", "op_", "feeds_"):
                data[f"{prefix}source"].append(_text(r[f"{prefix}source"]))
                data[f"{prefix}as_of"].append(_date(r[f"{prefix}as_of"]))
                data[f"{prefix}verified"].append(_flag(r[f"{prefix}verified"]))
        return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
