"""A recording fake of the Neo4j driver, for unit tests of the Neo4j store without a server.

Like the Graph Data Science client's query-runner tests, it captures the exact
Cypher text and parameters of every call. Each statement's answer comes from a
responder keyed by the statement's name (the ``.cypher`` file it came from);
a query text that is not one of the shipped statements fails the test at once,
so nothing can build Cypher text on the fly unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.cypher import all_statements

Responder = Callable[[dict[str, Any]], list[dict[str, Any]]]


@dataclass
class Call:
    """One ``execute_query``: the statement's name, its text and parameters, the database and routing."""

    name: str
    query: str
    parameters: dict[str, Any]
    database: str | None
    routing: Any


def _default_answer(name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    if name.endswith(".load"):
        return [{"merged": len(params["rows"])}]
    if name == "clear":
        return [{"deleted": 0}]
    if name == "server":
        return [{"name": "Neo4j Kernel", "version": "5.26.0", "edition": "community"}]
    return []


@dataclass
class FakeDriver:
    """Stands in for ``neo4j.Driver``: ``execute_query``, ``verify_connectivity``, ``close``."""

    responders: dict[str, Responder] = field(default_factory=dict)
    #: errors to raise, in order, before answering (per statement name, or "*" for any)
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    connect_error: Exception | None = None
    calls: list[Call] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self):
        self._names = {s.body: s.name for s in all_statements()}

    def verify_connectivity(self, **_config) -> None:
        if self.connect_error is not None:
            raise self.connect_error

    def execute_query(self, query_, parameters_=None, routing_=None, database_=None, **kwargs):
        assert not kwargs, f"unexpected arguments {kwargs}"
        assert query_ in self._names, f"not a shipped statement:\n{query_}"
        name = self._names[query_]
        params = dict(parameters_ or {})
        self.calls.append(Call(name, query_, params, database_, routing_))
        for key in (name, "*"):
            pending = self.failures.get(key)
            if pending:
                raise pending.pop(0)
        responder = self.responders.get(name)
        records = responder(params) if responder else _default_answer(name, params)
        return records, None, list(records[0]) if records else []

    def close(self) -> None:
        self.closed = True

    def names(self) -> list[str]:
        return [c.name for c in self.calls]


class EchoGraph:
    """Responders that keep what the load statements merge and answer the read statements from it.

    A stand-in for the server's storage, enough to check that what the store sends
    comes back as the same tables (conversion both ways, order, endpoints). It knows
    only the generated load/read/get statements, counts and the build record.
    """

    def __init__(self, schema):
        self.schema = schema
        self.nodes: dict[str, dict[str, dict]] = {}
        self.rels: dict[tuple[str, str, str], dict[tuple, dict]] = {}
        self.build: dict[str, Any] = {}

    def responders(self) -> dict[str, Responder]:
        out: dict[str, Responder] = {"build/write": self._build_write, "build/read": self._build_read,
                                     "counts": self._counts}
        for label in self.schema.labels:
            out[f"nodes/{label}.load"] = lambda p, label=label: self._load_nodes(label, p)
            out[f"nodes/{label}.read"] = lambda p, label=label: self._read_nodes(label, p)
            out[f"nodes/{label}.get"] = lambda p, label=label: self._get_node(label, p)
        for rel, spec in self.schema.relationships.items():
            for a in spec.from_labels:
                for b in spec.to_labels:
                    out[f"relationships/{rel}.{a}.{b}.load"] = lambda p, k=(rel, a, b): self._load_rels(k, p)
                    out[f"relationships/{rel}.{a}.{b}.read"] = lambda p, k=(rel, a, b): self._read_rels(k, p)
        return out

    def _load_nodes(self, label, params):
        key = self.schema.label(label).key
        table = self.nodes.setdefault(label, {})
        for row in params["rows"]:
            node = table.setdefault(row["key"], {key: row["key"]})
            for name, value in row["props"].items():  # SET n += props: null removes
                if value is None:
                    node.pop(name, None)
                else:
                    node[name] = value
        return [{"merged": len(params["rows"])}]

    def _load_rels(self, combo, params):
        rel, a, b = combo
        spec = self.schema.relationship(rel)
        table = self.rels.setdefault(combo, {})
        merged = 0
        for row in params["rows"]:
            if row["from"] not in self.nodes.get(a, {}) or row["to"] not in self.nodes.get(b, {}):
                continue
            identity = tuple(row[p] for p in spec.identity)
            props = table.setdefault((row["from"], row["to"], identity), dict(zip(spec.identity, identity)))
            for name, value in row["props"].items():
                if value is None:
                    props.pop(name, None)
                else:
                    props[name] = value
            merged += 1
        return [{"merged": merged}]

    def _read_nodes(self, label, params):
        out = [{"row": n.get("_row"), "key": k, "values": [n.get(c) for c in params["columns"]]}
               for k, n in self.nodes.get(label, {}).items()]
        return sorted(out, key=lambda r: (r["row"], r["key"]))

    def _get_node(self, label, params):
        node = self.nodes.get(label, {}).get(params["key"])
        return [] if node is None else [{"values": [node.get(c) for c in params["columns"]]}]

    def _read_rels(self, combo, params):
        out = [{"row": p.get("_row"), "from_key": f, "to_key": t, "values": [p.get(c) for c in params["columns"]]}
               for (f, t, _i), p in self.rels.get(combo, {}).items()]
        return sorted(out, key=lambda r: (r["row"], r["from_key"], r["to_key"]))

    def _build_write(self, params):
        self.build.update({k: v for k, v in params["props"].items()})
        return []

    def _build_read(self, _params):
        return [dict(self.build)] if self.build else []

    def _counts(self, _params):
        rows = [{"kind": "node", "name": label, "count": len(self.nodes.get(label, {}))}
                for label in self.schema.labels]
        for rel in self.schema.relationships:
            n = sum(len(t) for (r, _a, _b), t in self.rels.items() if r == rel)
            rows.append({"kind": "relationship", "name": rel, "count": n})
        return rows


class AnalysisGraph(EchoGraph):
    """An :class:`EchoGraph` that also answers the read statements the analyses send.

    Each responder follows the text of its ``.cypher`` file over the merged nodes and
    relationships (Neo4j-typed values: lists, dates), step by step: MATCH patterns become
    loops over the stored relationships, variable-length patterns graph walks. It lets the
    unit tests run ``Neo4jStore.chokepoint_inputs`` / ``gap_inputs`` end to end and compare
    them with the embedded store; whether Neo4j itself reads the Cypher the same way is
    what the live conformance suite checks.
    """

    def responders(self) -> dict[str, Responder]:
        out = super().responders()
        for label in self.schema.labels:
            out[f"nodes/{label}.find"] = lambda p, label=label: self._find(label, p)
        out.update({
            "regions/subtree": self._subtree, "regions/ancestors": self._ancestors,
            "chokepoints/candidates": self._candidates, "chokepoints/downstream": self._downstream,
            "chokepoints/providers": self._providers, "chokepoints/capable": self._capable,
            "chokepoints/dependencies": self._dependencies,
        })
        return out

    # -- the stored graph as nodes (label, key) and relationships ----------------------------------

    def rel_list(self, *types: str):
        """(type, start node, end node, properties) for every stored relationship of ``types``, by _row."""
        found = [(rel, (a, f), (b, t), props) for (rel, a, b), table in self.rels.items() if rel in types
                 for (f, t, _i), props in table.items()]
        return sorted(found, key=lambda r: (r[0], r[3].get("_row", 0)))

    def prop(self, node, name):
        return self.nodes.get(node[0], {}).get(node[1], {}).get(name)

    def reach(self, start, types, *, backwards=False, min_hops=1):
        """Nodes reached from ``start`` along ``types`` (1.. hops; 0.. with min_hops=0)."""
        step: dict = {}
        for _t, a, b, _p in self.rel_list(*types):
            x, y = (b, a) if backwards else (a, b)
            step.setdefault(x, []).append(y)
        seen, todo = ({start} if min_hops == 0 else set()), [start]
        visited = {start}
        while todo:
            for nxt in step.get(todo.pop(), ()):
                seen.add(nxt)
                if nxt not in visited:
                    visited.add(nxt)
                    todo.append(nxt)
        return seen

    def _region(self, code):
        return ("Region", code) if code in self.nodes.get("Region", {}) else None

    def _within(self, code, root) -> bool:
        """(:Region {code: code})-[:WITHIN*0..]->(:Region {code: root})"""
        node = self._region(code) if code is not None else None
        return node is not None and ("Region", root) in self.reach(node, ("WITHIN",), min_hops=0)

    def _first_location(self, ent):
        rows = [(p.get("_row", 0), b[1]) for _t, a, b, p in self.rel_list("LOCATED_IN") if a == ("Enterprise", ent)]
        return min(rows)[1] if rows else None

    # -- generic reads ---------------------------------------------------------------------------

    def _find(self, label, params):
        spec, name = self.schema.label(label), params["name"]
        out = []
        for key, n in self.nodes.get(label, {}).items():
            text = n.get("name") if "name" in spec.properties else key
            aliases = n.get("aliases") or []
            if not (key == name or (text is not None and name in text) or any(name in a for a in aliases)):
                continue
            matched = ("key" if key == name else "name" if "name" in spec.properties and n.get("name") == name
                       else "alias" if name in aliases else "partial")
            out.append({"row": n.get("_row"), "key": key, "name": text, "matched": matched})
        return sorted(out, key=lambda r: (r["row"], r["key"]))

    def _subtree(self, params):
        root = self._region(params["code"])
        if root is None:
            return []
        return [{"code": n[1], "name": self.prop(n, "name"), "depth": 0}
                for n in sorted(self.reach(root, ("WITHIN",), backwards=True, min_hops=0))]

    def _ancestors(self, params):
        node, out, depth = self._region(params["code"]), [], 0
        while node is not None and node[1] not in [r["code"] for r in out]:
            out.append({"code": node[1], "name": self.prop(node, "name"), "depth": depth})
            ups = [b for _t, a, b, _p in self.rel_list("WITHIN") if a == node]
            node, depth = (ups[0] if ups else None), depth + 1
        return out

    # -- chokepoints/*.cypher ----------------------------------------------------------------------

    DEPENDS = ("FEEDS", "KEY_TO", "SUBTYPE_OF")

    def _provided(self, node) -> bool:
        return any(b == node for _t, _a, b, _p in self.rel_list("PROVIDES"))

    def _candidates(self, params):
        chain, out = params["chain"], []
        chain_segments = {a for _t, a, b, _p in self.rel_list("SEGMENT_OF") if b == ("Chain", chain)}
        for key, t in sorted(self.nodes.get("Technology", {}).items(), key=lambda kv: (kv[1].get("_row"), kv[0])):
            node = ("Technology", key)
            down = self.reach(node, self.DEPENDS)
            if chain is not None and not down & chain_segments:
                continue
            provided = self._provided(node)
            aggregate = not provided and any(
                part != node and part[0] == "Technology" and self._provided(part)
                for part in self.reach(node, self.DEPENDS, backwards=True))
            clusters = [self.prop(b, "name") for _t, a, b, _p in self.rel_list("BREAKTHROUGH_FOR") if a == node]
            out.append({"key": key, "name": t.get("name"), "kind": t.get("kind"), "source": t.get("source"),
                        "as_of": t.get("as_of"), "aggregate": aggregate, "breakthrough_for": clusters})
        return out

    def _downstream(self, params):
        out = []
        for key in params["technologies"]:
            node = ("Technology", key)
            if key not in self.nodes.get("Technology", {}):
                continue
            segments = inputs = 0
            finals = []
            for d in self.reach(node, self.DEPENDS) - {node}:
                final = (any(b == d for _t, _a, b, _p in self.rel_list("FEEDS"))
                         and not any(a == d for _t, a, _b, _p in self.rel_list(*self.DEPENDS)))
                step = d[0] == "Segment" or self.prop(d, "kind") == "process"
                if final:
                    finals.append(self.prop(d, "name") or d[1])
                elif step:
                    segments += 1
                else:
                    inputs += 1
            out.append({"key": key, "downstream_segments": segments, "downstream_inputs": inputs,
                        "final_products": finals})
        return out

    def _providers(self, params):
        wanted, persp, out = set(params["technologies"]), params["perspective"], []
        for _t, p, t, r in self.rel_list("PROVIDES"):
            if t[0] != "Technology" or t[1] not in wanted:
                continue
            home = p[1] if p[0] == "Region" else self._first_location(p[1])
            way_up = [a["code"] for a in self._ancestors({"code": home})] if home is not None else []
            units = [c for c in way_up if self.prop(("Region", c), "level") in ("country", "area")]
            out.append({
                "technology": t[1], "label": p[0], "key": p[1], "name": self.prop(p, "name"),
                "unit": units[0] if units else (way_up[-1] if way_up else None),
                "share": r.get("share"), "year": r.get("year"), "own": self._within(home, persp),
                "encloses": p[0] == "Region" and p[1] != persp and self._within(persp, p[1]),
                "source": r.get("source"), "as_of": r.get("as_of"), "_row": r.get("_row")})
        return sorted(out, key=lambda r: (r.pop("_row"), r["technology"], r["key"]))

    def _capable(self, params):
        wanted, persp = set(params["technologies"]), params["perspective"]
        found: dict[tuple, int] = {}
        for ent in self.nodes.get("Enterprise", {}):
            region = self._first_location(ent)
            if not self._within(region, persp):
                continue
            node = ("Enterprise", ent)
            for rel in ("MASTERS", "PROVIDES"):
                for _t, a, t, r in self.rel_list(rel):
                    if a == node and t[0] == "Technology" and t[1] in wanted:
                        k = (t[1], rel, ent, region)
                        found[k] = min(found.get(k, r["_row"]), r["_row"])
            for _t, a, _b, r in self.rel_list("SUPPLIES"):
                if a != node:
                    continue
                for key, tech in self.nodes.get("Technology", {}).items():
                    if key in wanted and (r.get("product") == tech.get("name")
                                          or r.get("product") in (tech.get("aliases") or [])):
                        k = (key, "SUPPLIES", ent, region)
                        found[k] = min(found.get(k, r["_row"]), r["_row"])
            segments = {s for _t, a, s, _r in self.rel_list("OPERATES_IN") if a == node}
            for _t, t, s, r in self.rel_list("KEY_TO"):
                if s in segments and t[1] in wanted:
                    k = (t[1], "OPERATES_IN", ent, region)
                    found[k] = min(found.get(k, r["_row"]), r["_row"])
        rows = [{"technology": t, "via": via, "key": e, "name": self.prop(("Enterprise", e), "name"),
                 "region": region, "row": row} for (t, via, e, region), row in found.items()]
        return sorted(rows, key=lambda r: (r["technology"], r["via"], r["name"], r["row"], r["key"]))

    def _dependencies(self, _params):
        return [{"type": rel, "from_label": a[0], "from_key": a[1], "to_label": b[0], "to_key": b[1]}
                for rel, a, b, _p in self.rel_list(*self.DEPENDS)]
