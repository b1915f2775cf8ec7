"""A recording fake of the Neo4j driver, for unit tests of the Neo4j store without a server.

Like the Graph Data Science client's query-runner tests, it captures the exact
Cypher text and parameters of every call. Each statement's answer comes from a
responder keyed by the statement's name (the ``.cypher`` file it came from);
a query text that is not one of the shipped statements fails the test at once,
so nothing can build Cypher text on the fly unnoticed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.cypher import all_statements
from graph.neo4j_loading import chunk_rows

Responder = Callable[[dict[str, Any]], list[dict[str, Any]]]


def _schema_statements() -> int:
    from graph.schema import load_schema

    labels = load_schema().labels.values()
    return (2 * len(labels) + 1 + sum("name" in spec.properties for spec in labels)
            + sum(p.type == "uscc" for spec in labels for p in spec.properties.values()))


#: the schema statements: per label an old single-key constraint dropped and a composite uniqueness
#: constraint, the build records' one, per label with a name its old text index dropped, an index per
#: uscc property
SCHEMA = _schema_statements()
#: before the first row: the foreign-data check, the schema statements, waiting for the indexes, the
#: lock (who holds it, then the claim), the old generations, the new generation's build record
BEFORE = (["build/foreign"] + ["schema/constraints"] * SCHEMA
          + ["schema/await", "build/holder", "build/claim", "build/generations", "build/begin"])
#: after the last node row, before the first relationship: which node chunks are in the database
BETWEEN = ["build/nodes"]
#: after the last row: the relationship chunks' markers (all there?), the lock still held?, the switch, the chunk
#: markers deleted, the new generation pinned
AFTER = ["build/chunks", "build/heartbeat", "build/switch", "build/unmark", "build/read"]


@dataclass
class Call:
    """One ``execute_query``: the statement's name, its text and parameters, the database, routing and timeout."""

    name: str
    query: str
    parameters: dict[str, Any]
    database: str | None
    routing: Any
    timeout: float | None = None


def _element_ids(label: str, keys: list[str]) -> list[str]:
    """What a node load returns as its nodes' element ids (made up from the keys, as a server's are opaque)."""
    return [f"fake:{label}:{key}" for key in keys]


def _default_answer(name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """What an empty server that accepts everything answers."""
    if name.endswith((".load", ".merge")):
        ids = {"ids": _element_ids(name.split("/")[1].split(".")[0], params["keys"])} if "keys" in params else {}
        return [{"merged": len(chunk_rows(params)), **ids}]
    if name.endswith(".delete"):
        return [{"deleted": 0}]
    if name == "server":
        return [{"name": "Neo4j Kernel", "version": "5.26.0", "edition": "community"}]
    if name == "build/claim":
        return [{"claimed": True, "generation": params["generation"], "host": params["host"], "pid": params["pid"],
                 "started_at": None, "heartbeat": None}]
    if name == "build/switch":
        return [{"generation": params["generation"]}]
    if name == "build/heartbeat":
        return [{"held": 1}]
    if name in ("build/release", "build/forget"):
        return [{"released" if name.endswith("release") else "deleted": 1}]
    if name == "build/unmark":
        return [{"markers": 0}]
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
        self._lock = threading.Lock()  # one call at a time, as the store may send several at once (run_many)

    def verify_connectivity(self, **_config) -> None:
        if self.connect_error is not None:
            raise self.connect_error

    def execute_query(self, query_, parameters_=None, routing_=None, database_=None, **kwargs):
        with self._lock:
            return self._answer(query_, parameters_, routing_, database_, **kwargs)

    def _answer(self, query_, parameters_=None, routing_=None, database_=None, **kwargs):
        assert not kwargs, f"unexpected arguments {kwargs}"
        text = getattr(query_, "text", query_)  # a neo4j.Query (with a timeout) or the text itself
        assert text in self._names, f"not a shipped statement:\n{text}"
        name = self._names[text]
        params = dict(parameters_ or {})
        self.calls.append(Call(name, text, params, database_, routing_, getattr(query_, "timeout", None)))
        for key in (name, "*"):
            pending = self.failures.get(key)
            if pending:
                raise pending.pop(0)
        responder = self.responders.get(name)
        if responder:
            records = responder(params)
        elif name == "build/chunks":  # every chunk sent was committed: the markers the relationship chunks made
            records = [{"id": marker} for marker in sorted(self.markers(params["generation"]))]
        elif name == "build/nodes":  # ... and the nodes the node chunks made
            records = self.node_chunks(params["generation"], params["chunk_size"])
        else:
            records = _default_answer(name, params)
        return records, None, list(records[0]) if records else []

    def close(self) -> None:
        self.closed = True

    def names(self) -> list[str]:
        return [c.name for c in self.calls]

    def node_chunks(self, generation: str, chunk_size: int) -> list[dict[str, Any]]:
        """What ``build/nodes`` answers when every node chunk sent for ``generation`` was committed."""
        found: dict[tuple[str, int], set] = {}
        for c in self.calls:
            if c.name.startswith("nodes/") and "keys" in c.parameters and c.parameters.get("generation") == generation:
                label = c.name.split("/")[1].split(".")[0]
                for row in c.parameters["columns"]["_row"]:
                    found.setdefault((label, row // chunk_size), set()).add(row)
        return [{"labels": [label], "chunk": chunk, "nodes": len(rows)}
                for (label, chunk), rows in sorted(found.items(), key=lambda item: item[0][1])]

    def markers(self, generation: str) -> set[str]:
        """The chunk markers (``$chunk``) of the relationship chunks sent for ``generation``."""
        return {c.parameters["chunk"] for c in self.calls
                if "chunk" in c.parameters and c.parameters.get("generation") == generation}


class EchoGraph:
    """Responders that keep what the load statements merge and answer the read statements from it.

    A stand-in for the server's storage, enough to check that what the store sends
    comes back as the same tables (conversion both ways, order, endpoints), and that
    generations behave: each load writes its own generation, reads see the generation
    their ``$generation`` names, ``build/switch`` moves the current one. It knows the
    generated load/read/get/delete statements, counts and the build records.
    """

    def __init__(self, schema):
        self.schema = schema
        #: generation → (label → key → properties, (type, from label, to label) → (from, to, identity) → properties)
        self.generations: dict[str, tuple[dict, dict]] = {}
        self.records: dict[str, dict[str, Any]] = {}  # build records by generation
        self.current: str | None = None
        self.lock: dict[str, Any] = {}
        self.active: str | None = None  # the generation of the statement being answered

    @property
    def nodes(self) -> dict[str, dict[str, dict]]:
        return self.generations.setdefault(self.active or self.current or "", ({}, {}))[0]

    @property
    def rels(self) -> dict[tuple[str, str, str], dict[tuple, dict]]:
        return self.generations.setdefault(self.active or self.current or "", ({}, {}))[1]

    @property
    def build(self) -> dict[str, Any]:
        """The current generation's build record."""
        return self.records.get(self.current or "", {})

    def responders(self) -> dict[str, Responder]:
        out: dict[str, Responder] = {
            "build/read": self._build_read, "build/begin": self._build_begin, "build/switch": self._switch,
            "build/claim": self._claim, "build/holder": self._holder, "build/heartbeat": self._heartbeat,
            "build/release": self._release, "build/generations": self._generations, "build/forget": self._forget,
            "counts": self._counts, "stats/sources": self._sources}
        for label in self.schema.labels:
            out[f"nodes/{label}.load"] = lambda p, label=label: self._load_nodes(label, p)
            out[f"nodes/{label}.merge"] = lambda p, label=label: self._load_nodes(label, p)
            out[f"nodes/{label}.read"] = lambda p, label=label: self._read_nodes(label, p)
            out[f"nodes/{label}.get"] = lambda p, label=label: self._get_node(label, p)
            out[f"nodes/{label}.delete"] = lambda p, label=label: self._delete_nodes(label, p)
            out[f"nodes/{label}.where"] = lambda p, label=label: [
                r for r in self._read_nodes(label, p) if r["key"] in p["keys"]]
        for rel, spec in self.schema.relationships.items():
            for a in spec.from_labels:
                for b in spec.to_labels:
                    out[f"relationships/{rel}.{a}.{b}.load"] = lambda p, k=(rel, a, b): self._load_rels(k, p)
                    out[f"relationships/{rel}.{a}.{b}.merge"] = lambda p, k=(rel, a, b): self._load_rels(k, p)
                    out[f"relationships/{rel}.{a}.{b}.read"] = lambda p, k=(rel, a, b): self._read_rels(k, p)
                    for end in ("from", "to"):
                        out[f"relationships/{rel}.{a}.{b}.{end}"] = lambda p, k=(rel, a, b), end=end: [
                            r for r in self._read_rels(k, p) if r[f"{end}_key"] in p["keys"]]
        return {name: self._in_generation(fn) for name, fn in out.items()}

    def _in_generation(self, fn: Responder) -> Responder:
        def answer(params):
            self.active = params.get("generation", self.current)
            try:
                return fn(params)
            finally:
                self.active = None
        return answer

    def _load_nodes(self, label, params):
        key = self.schema.label(label).key
        table = self.nodes.setdefault(label, {})
        rows = chunk_rows(params)
        for row in rows:
            node = table.setdefault(row["key"], {key: row["key"]})
            for name, value in row["props"].items():  # null leaves it out
                if value is None:
                    node.pop(name, None)
                else:
                    node[name] = value
        return [{"merged": len(rows), "ids": _element_ids(label, params["keys"])}]

    def _load_rels(self, combo, params):
        rel, a, b = combo
        spec = self.schema.relationship(rel)
        table = self.rels.setdefault(combo, {})
        merged = 0
        # the CREATE form finds its ends by the element ids the node loads returned: a wrong one matches nothing
        ends = list(zip(params["from_ids"], params["to_ids"], strict=True)) if "from_ids" in params else None
        for n, row in enumerate(chunk_rows(params)):
            if row["from"] not in self.nodes.get(a, {}) or row["to"] not in self.nodes.get(b, {}):
                continue
            if ends is not None and ends[n] != (_element_ids(a, [row["from"]])[0], _element_ids(b, [row["to"]])[0]):
                continue
            identity = tuple(row["props"][p] for p in spec.identity)
            props = table.setdefault((row["from"], row["to"], identity), dict(zip(spec.identity, identity)))
            for name, value in row["props"].items():
                if value is None:
                    props.pop(name, None)
                else:
                    props[name] = value
            merged += 1
        return [{"merged": merged}]

    def _delete_nodes(self, label, params):
        table = self.nodes.get(label, {})
        gone = list(table)[:params["batch"]]
        for key in gone:
            del table[key]
            for combo, rels in self.rels.items():
                _rel, a, b = combo
                for ident in [i for i in rels if (a == label and i[0] == key) or (b == label and i[1] == key)]:
                    del rels[ident]
        return [{"deleted": len(gone)}]

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

    # -- build records ---------------------------------------------------------------------------

    def _build_read(self, _params):
        if self.current is None and not self.records:
            return []
        record = self.records.get(self.current or "", {})
        return [{"generation": self.current, **{k: record.get(k) for k in
                                                ("digest", "as_of", "data", "schema_version", "tables",
                                                 "loaded_at", "count_names", "count_values")}}]

    def _build_begin(self, params):
        self.records[params["generation"]] = {**params["props"], "state": "loading"}
        return [{"generation": params["generation"]}]

    def _switch(self, params):
        generation = params["generation"]
        if generation not in self.records or self.lock.get("generation") != generation:
            return []
        self.records[generation]["state"] = "complete"
        self.current = generation
        self.lock = {}
        return [{"generation": generation}]

    def _claim(self, params):
        free = not self.lock.get("generation") or self.lock["generation"] in (params["takeover"], params["generation"])
        if free:
            self.lock = {"generation": params["generation"], "host": params["host"], "pid": params["pid"],
                         "started_at": None, "heartbeat": None}
        return [{"claimed": free, **self.lock}]

    def _holder(self, _params):
        return [dict(self.lock)] if self.lock else []

    def _heartbeat(self, params):
        return [{"held": int(self.lock.get("generation") == params["generation"])}]

    def _release(self, params):
        held = self.lock.get("generation") == params["generation"]
        if held:
            self.lock = {}
        return [{"released": int(held)}]

    def _generations(self, _params):
        return [{"generation": g, "state": r.get("state"), "started_at": None}
                for g, r in self.records.items() if g != self.current]

    def _forget(self, params):
        found = self.records.pop(params["generation"], None)
        self.generations.pop(params["generation"], None)
        return [{"deleted": int(found is not None)}]

    def _sources(self, _params):
        """stats/sources: facts per source over the generation's nodes and relationships (null: none)."""
        found: dict[Any, int] = {}
        for table in [*self.nodes.values(), *self.rels.values()]:
            for props in table.values():
                found[props.get("source")] = found.get(props.get("source"), 0) + 1
        return [{"source": source, "facts": facts} for source, facts in found.items()]

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
        more: dict[str, Responder] = {f"nodes/{label}.find": lambda p, label=label: self._find(label, p)
                                      for label in self.schema.labels}
        more.update({
            "regions/ancestors": self._ancestors,
            "regions/subtree_codes": self._subtree_codes, "gaps/platforms": self._gap_platforms,
            "show/context": self._show_context,
            "chokepoints/candidates": self._candidates, "chokepoints/downstream": self._downstream,
            "chokepoints/providers": self._providers, "chokepoints/capable": self._capable,
            "chokepoints/dependencies": self._dependencies,
            "gaps/chain": self._gap_chain, "gaps/local": self._gap_local, "gaps/national": self._gap_national,
            "gaps/members": self._gap_members, "gaps/supplies": self._gap_supplies, "gaps/facts": self._gap_facts,
            "shortboard/technologies": self._sb_technologies, "shortboard/capable": self._sb_capable,
            "shortboard/outside": self._sb_outside, "shortboard/providers": self._sb_providers,
            "shortboard/unplaced": self._sb_unplaced, "shortboard/excluded": self._sb_excluded,
        })
        out.update({name: self._in_generation(fn) for name, fn in more.items()})
        return out

    # -- the stored graph as nodes (label, key) and relationships ----------------------------------

    def rel_list(self, *types: str):
        """(type, start node, end node, properties) for every stored relationship of ``types``, by _row."""
        stamp = (id(self.rels), sum(len(t) for t in self.rels.values()), sum(len(n) for n in self.nodes.values()))
        cache = self.__dict__.setdefault("_rel_cache", {})
        if cache.get("stamp") != stamp:
            cache.clear()
            cache["stamp"] = stamp
        if types not in cache:
            found = [(rel, (a, f), (b, t), props) for (rel, a, b), table in self.rels.items() if rel in types
                     for (f, t, _i), props in table.items()]
            cache[types] = sorted(found, key=lambda r: (r[0], r[3].get("_row", 0)))
        return cache[types]

    def prop(self, node, name):
        return self.nodes.get(node[0], {}).get(node[1], {}).get(name)

    def steps(self, types: tuple[str, ...], backwards: bool) -> dict:
        """Node → the nodes one relationship of ``types`` away (kept beside :meth:`rel_list`'s cache, whose stamp
        clears both when the graph changes)."""
        rels = self.rel_list(*types)
        cache = self.__dict__["_rel_cache"]
        key = ("steps", types, backwards)
        if key not in cache:
            step: dict = {}
            for _t, a, b, _p in rels:
                x, y = (b, a) if backwards else (a, b)
                step.setdefault(x, []).append(y)
            cache[key] = step
        return cache[key]

    def reach(self, start, types, *, backwards=False, min_hops=1):
        """Nodes reached from ``start`` along ``types`` (1.. hops; 0.. with min_hops=0)."""
        step = self.steps(tuple(types), backwards)
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

    def _subtree_codes(self, params):
        return [{"codes": [r["code"] for r in self._subtree(params)]}]

    def _show_context(self, params):
        regions = self._ancestors({"code": params["region"]}) if params["region"] is not None else []
        regions = [r for r in regions if self._region(r["code"]) is not None]
        segments = {("Segment", key) for key in params["segments"]}
        chains = sorted({b for _t, a, b, _p in self.rel_list("SEGMENT_OF") if a in segments})
        return [{"regions": regions, "chains": [{"key": c[1], "name": self.prop(c, "name")} for c in chains]}]

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

    # -- gaps/*.cypher -----------------------------------------------------------------------------

    def _chain_segments(self, chain):
        return {a for _t, a, b, _p in self.rel_list("SEGMENT_OF") if b == ("Chain", chain)}

    def _chain_feeds(self, chain):
        segs = self._chain_segments(chain)
        return [(a, b, p) for _t, a, b, p in self.rel_list("FEEDS") if a in segs and b in segs]

    def _kept_ops(self, segments, ex):
        """(enterprise node, segment node) of OPERATES_IN into ``segments`` from kept enterprises, kept rows."""
        return [(a, b) for _t, a, b, p in self.rel_list("OPERATES_IN")
                if b in segments and p.get("source") not in ex and self.prop(a, "source") not in ex]

    def _located_in(self, ent, codes, ex):
        rows = self.rel_list("LOCATED_IN")
        cache = self.__dict__.setdefault("_located_cache", {})
        if cache.get("rows") is not rows:
            cache.clear()
            cache["rows"] = rows
            for _t, a, b, p in rows:
                cache.setdefault(a, []).append((b, p))
        return any(p.get("source") not in ex and (codes is None or b[1] in codes) for b, p in cache.get(ent, ()))

    def _gap_chain(self, params):
        node = ("Chain", params["chain"])
        if params["chain"] not in self.nodes.get("Chain", {}):
            return []
        segs = self._chain_segments(params["chain"])
        clusters = sorted({b for _t, a, b, _p in self.rel_list("IN_CLUSTER") if a == node})
        return [{"key": node[1], "name": self.prop(node, "name"), "source": self.prop(node, "source"),
                 "clusters": [{"key": k[1], "name": self.prop(k, "name")} for k in clusters],
                 "segments": [{"key": s[1], "name": self.prop(s, "name"), "position": self.prop(s, "position"),
                               "layer": self.prop(s, "layer")}
                              for s in sorted(segs, key=lambda n: (self.prop(n, "_row"), n[1]))],
                 "feeds": [{"from": a[1], "to": b[1]} for a, b, _p in self._chain_feeds(params["chain"])]}]

    def _gap_platforms(self, params):
        codes, out = set(params["region_codes"]), []
        for key in params["segments"]:
            seg = ("Segment", key)
            if key not in self.nodes.get("Segment", {}):
                continue
            chains = {b for _t, a, b, _p in self.rel_list("SEGMENT_OF") if a == seg}
            techs = {a for _t, a, b, _p in self.rel_list("KEY_TO") if b == seg}
            operators = {a for _t, a, b, _p in self.rel_list("OPERATES_IN") if b == seg}
            tied = ({a for _t, a, b, _p in self.rel_list("SERVES") if b in chains}
                    | {a for _t, a, b, _p in self.rel_list("WORKS_ON") if b in techs}
                    | {b for _t, a, b, _p in self.rel_list("RUNS") if a in operators})
            for platform in sorted(tied):
                places = [b[1] for _t, a, b, _p in self.rel_list("PLATFORM_LOCATED_IN") if a == platform]
                if places and places[0] in codes:
                    out.append({"segment": key, "key": platform[1], "name": self.prop(platform, "name")})
        return sorted(out, key=lambda r: (r["segment"], r["key"]))

    def _roles(self, ent, chain, ex):
        clusters = {b for _t, a, b, _p in self.rel_list("IN_CLUSTER") if a == ("Chain", chain)}
        anchors = [p for _t, a, b, p in self.rel_list("ANCHORS") if a == ent and b in clusters
                   and p.get("source") not in ex]
        leads = [p for _t, a, b, p in self.rel_list("LEADS") if a == ent and b == ("Chain", chain)
                 and p.get("source") not in ex]
        designations = self.prop(ent, "designations") or []
        return bool(anchors), bool(leads or any(p.get("role") == "链主" for p in anchors)
                                   or any("链主" in d for d in designations))

    def _gap_local(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["region_codes"])
        pairs = {(s, e) for e, s in self._kept_ops(self._chain_segments(params["chain"]), ex)
                 if self._located_in(e, codes, ex)}
        out = []
        for s, e in sorted(pairs, key=lambda p: (p[0][1], p[1][1])):
            key_enterprise, leader = self._roles(e, params["chain"], ex)
            out.append({"segment": s[1], "enterprise": e[1], "name": self.prop(e, "name"),
                        "designations": self.prop(e, "designations"), "revenue_yi": self.prop(e, "revenue_yi"),
                        "employees": self.prop(e, "employees"), "key_enterprise": key_enterprise,
                        "chain_leader": leader})
        return out

    def _sizes(self, ents):
        rev = [self.prop(e, "revenue_yi") for e in ents]
        emp = [self.prop(e, "employees") for e in ents]
        return {"enterprises": len(ents), "revenue_yi": float(sum(v for v in rev if v is not None)),
                "revenue_known": sum(v is not None for v in rev), "employees": sum(v for v in emp if v is not None),
                "employees_known": sum(v is not None for v in emp)}

    def _gap_national(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["nation_codes"])
        segs = self._chain_segments(params["chain"])
        ops = self._kept_ops(segs, ex)
        out = []
        for s in sorted(segs, key=lambda n: n[1]):
            ents = sorted({e for e, t in ops if t == s and self._located_in(e, codes, ex)})
            out.append({"segment": s[1], **self._sizes(ents)})
        return out

    def _gap_members(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["nation_codes"])
        ents = sorted({e for e, _s in self._kept_ops(self._chain_segments(params["chain"]), ex)})
        located = [e for e in ents if self._located_in(e, None, ex)]
        national = [e for e in located if self._located_in(e, codes, ex)]
        return [{"enterprises_in_chain": len(ents), "unlocated_enterprises": len(ents) - len(located),
                 "foreign_enterprises": len(located) - len(national), **self._sizes(national)}]

    def _supply_rows(self, chain, codes, ex):
        """(segment, SUPPLIES properties, counted, supplier local) for every SUPPLIES into a customer."""
        segs = self._chain_segments(chain)
        ops = self._kept_ops(segs, ex)
        feeds = {(a, b) for a, b, _p in self._chain_feeds(chain)}
        customers = {(s, e) for s, t in feeds for e, u in ops if u == t and self._located_in(e, codes, ex)}
        out = []
        for _t, sup, cust, p in self.rel_list("SUPPLIES"):
            fed = sorted({s for s, e in customers if e == cust})
            if not fed:
                continue
            counted = [s for s in fed if p.get("source") not in ex and (sup, s) in set(ops)]
            out.append((counted, p, self._located_in(sup, codes, ex)))
        return out

    def _gap_supplies(self, params):
        received: dict[str, list[int]] = {}
        for counted, _p, local in self._supply_rows(params["chain"], set(params["region_codes"]),
                                                    set(params["excluded_sources"])):
            for s in counted:
                figures = received.setdefault(s[1], [0, 0])
                figures[0] += 1
                figures[1] += int(local)
        return [{"segment": k, "received": v[0], "from_local": v[1]} for k, v in sorted(received.items())]

    def _gap_facts(self, params):
        chain, ex, codes = params["chain"], set(params["excluded_sources"]), set(params["region_codes"])
        facts = []  # (properties, used, dropped)
        facts.append((self.nodes["Chain"][chain], True, False))
        facts += [(p, True, False) for _t, _a, b, p in self.rel_list("SEGMENT_OF") if b == ("Chain", chain)]
        segs = self._chain_segments(chain)
        facts += [(self.nodes["Segment"][s[1]], True, False) for s in segs]
        facts += [(p, True, False) for _a, _b, p in self._chain_feeds(chain)]
        ops = [(a, p) for _t, a, b, p in self.rel_list("OPERATES_IN") if b in segs]
        facts += [(p, p.get("source") not in ex, p.get("source") in ex) for _a, p in ops]
        for e in sorted({a for a, p in ops if p.get("source") not in ex}):
            dropped = self.prop(e, "source") in ex
            facts.append((self.nodes["Enterprise"][e[1]], not dropped, dropped))
            if dropped:
                continue
            facts += [(p, p.get("source") not in ex, p.get("source") in ex)
                      for _t, a, _b, p in self.rel_list("LOCATED_IN") if a == e]
            if self._located_in(e, codes, ex):
                clusters = {b for _t, a, b, _p in self.rel_list("IN_CLUSTER") if a == ("Chain", chain)}
                facts += [(p, p.get("source") not in ex, p.get("source") in ex)
                          for _t, a, b, p in self.rel_list("ANCHORS", "LEADS")
                          if a == e and (b in clusters or b == ("Chain", chain))]
        facts += [(p, bool(counted), p.get("source") in ex) for counted, p, _l in self._supply_rows(chain, codes, ex)]
        out: dict[str, dict] = {}
        for p, used, dropped in facts:
            row = out.setdefault(p.get("source"), {"source": p.get("source"), "facts": 0, "unverified": 0,
                                                   "as_of": None, "excluded": 0})
            row["excluded"] += int(dropped)
            if used:
                row["facts"] += 1
                row["unverified"] += int(p.get("verified") is False)
                if p.get("as_of") is not None and (row["as_of"] is None or p["as_of"] > row["as_of"]):
                    row["as_of"] = p["as_of"]
        return [out[k] for k in sorted(out)]


    # -- shortboard/*.cypher ----------------------------------------------------------------------

    def _sb_key_rels(self, chain, ex, *, kept=True):
        """(technology, segment, props) of the KEY_TO into the chain's segments (kept ones, or dropped ones)."""
        segs = self._chain_segments(chain)
        return [(a, b, p) for _t, a, b, p in self.rel_list("KEY_TO")
                if b in segs and (p.get("source") not in ex) == kept]

    def _sb_masters(self, techs, ex):
        return [(a, b) for _t, a, b, p in self.rel_list("MASTERS") if b in techs and p.get("source") not in ex]

    def _sb_where(self, ent, ex):
        """(codes of the kept locations, name of the region of the last one in load order)."""
        rows = [(p.get("_row", 0), b) for _t, a, b, p in self.rel_list("LOCATED_IN")
                if a == ent and p.get("source") not in ex]
        return {b[1] for _r, b in rows}, (self.prop(max(rows)[1], "name") if rows else None)

    def _sb_national(self, ent, nation, ex):
        return any(self._within(b[1], nation) for _t, a, b, p in self.rel_list("LOCATED_IN")
                   if a == ent and p.get("source") not in ex)

    def _sb_technologies(self, params):
        ex = set(params["excluded_sources"])
        mastered = {b for _t, _a, b, p in self.rel_list("MASTERS") if p.get("source") not in ex}
        return [{"technology": t[1], "segment": s[1], "name": self.prop(t, "name"), "kind": self.prop(t, "kind"),
                 "mastered": t in mastered} for t, s, _p in self._sb_key_rels(params["chain"], ex)]

    def _sb_members(self, chain, ex):
        """(segment, technology or None, enterprise) of the enterprises operating in or mastering for each segment."""
        ops = [(s, None, e) for _t, e, s, p in self.rel_list("OPERATES_IN")
               if s in self._chain_segments(chain) and p.get("source") not in ex]
        key = self._sb_key_rels(chain, ex)
        masters = [(s, t, e) for t, s, _p in key for e, tech in self._sb_masters({t}, ex) if tech == t]
        return {m for m in ops + masters if self.prop(m[2], "source") not in ex}

    def _sb_capable(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["region_codes"])
        out = []
        for s, t, e in self._sb_members(params["chain"], ex):
            where, place = self._sb_where(e, ex)
            local = bool(where & codes)
            if t is None and not local:
                continue
            out.append({"segment": s[1], "technology": None if t is None else t[1], "enterprise": e[1],
                        "name": self.prop(e, "name"), "revenue_yi": self.prop(e, "revenue_yi"), "local": local,
                        "national": self._sb_national(e, params["nation"], ex), "place": place})
        return sorted(out, key=lambda r: (r["segment"], r["technology"] is None, r["technology"] or "",
                                          r["enterprise"]))

    def _sb_outside(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["region_codes"])
        per_segment: dict = {}
        for s, _t, e in self._sb_members(params["chain"], ex):
            per_segment.setdefault(s, set()).add(e)
        out = []
        for s in sorted(per_segment, key=lambda n: n[1]):
            rows = []
            for e in per_segment[s]:
                where, place = self._sb_where(e, ex)
                if not where & codes:
                    revenue = self.prop(e, "revenue_yi")
                    rows.append(((1.0 if revenue is None else -revenue, self.prop(e, "name"), e[1]), place,
                                 self._sb_national(e, params["nation"], ex)))
            if rows:
                rows.sort(key=lambda r: r[0])
                out.append({"segment": s[1], "domestic": sum(1 for r in rows if r[2]),
                            "foreign": sum(1 for r in rows if not r[2] and r[1] is not None),
                            "examples": [{"name": r[0][1], "place": r[1]} for r in rows[:params["examples"]]]})
        return out

    def _sb_targets(self, chain, ex):
        return self._chain_segments(chain) | {t for t, _s, _p in self._sb_key_rels(chain, ex)}

    def _sb_providers(self, params):
        ex, codes = set(params["excluded_sources"]), set(params["region_codes"])
        targets, out = self._sb_targets(params["chain"], ex), []
        for _t, a, b, p in self.rel_list("PROVIDES"):
            if b not in targets or p.get("source") in ex:
                continue
            region = a[0] == "Region"
            dropped = a[0] == "Enterprise" and self.prop(a, "source") in ex
            where, place = self._sb_where(a, ex) if a[0] == "Enterprise" else (set(), None)
            local = (a[1] in codes) if region else False if dropped else bool(where & codes)
            if local:
                continue
            out.append({"target": b[1], "key": a[1], "label": "Region" if region else "Enterprise",
                        "name": None if dropped else self.prop(a, "name"),
                        "place": self.prop(a, "name") if region else None if dropped else place,
                        "share": p.get("share"), "year": p.get("year"), "_row": p.get("_row", 0)})
        out.sort(key=lambda r: (r["label"], r["target"], r["key"], r.pop("_row")))
        return out

    def _sb_unplaced(self, params):
        ex = set(params["excluded_sources"])
        clusters = {b for _t, a, b, _p in self.rel_list("IN_CLUSTER") if a == ("Chain", params["chain"])}
        keyed = {a for _t, a, _b, _p in self.rel_list("KEY_TO")}
        found = {a for _t, a, b, p in self.rel_list("BREAKTHROUGH_FOR")
                 if b in clusters and p.get("source") not in ex and a not in keyed}
        return [{"key": t[1], "name": self.prop(t, "name")} for t in sorted(found, key=lambda n: n[1])]

    def _sb_excluded(self, params):
        ex, chain = set(params["excluded_sources"]), params["chain"]
        segs, key = self._chain_segments(chain), self._sb_key_rels(chain, ex)
        techs, targets = {t for t, _s, _p in key}, self._sb_targets(chain, ex)
        count = len(self._sb_key_rels(chain, ex, kept=False))
        count += sum(1 for _t, _a, b, p in self.rel_list("OPERATES_IN") if b in segs and p.get("source") in ex)
        count += sum(1 for _t, _a, b, p in self.rel_list("MASTERS") if b in techs and p.get("source") in ex)
        count += sum(1 for _t, _a, b, p in self.rel_list("PROVIDES") if b in targets and p.get("source") in ex)
        reached = {a for _t, a, b, p in self.rel_list("OPERATES_IN") if b in segs and p.get("source") not in ex}
        reached |= {a for a, _b in self._sb_masters(techs, ex)}
        reached |= {a for _t, a, b, p in self.rel_list("PROVIDES")
                    if a[0] == "Enterprise" and b in targets and p.get("source") not in ex}
        dropped = {e for e in reached if self.prop(e, "source") in ex}
        count += len(dropped) + sum(1 for _t, a, _b, p in self.rel_list("LOCATED_IN")
                                    if a in reached - dropped and p.get("source") in ex)
        clusters = {b for _t, a, b, _p in self.rel_list("IN_CLUSTER") if a == ("Chain", chain)}
        count += sum(1 for _t, _a, b, p in self.rel_list("BREAKTHROUGH_FOR") if b in clusters and p.get("source") in ex)
        return [{"excluded": count}]


def loaded_store(folder, **options):
    """A Neo4j store over an :class:`AnalysisGraph` fake, loaded with the tables of ``folder``.

    Returns ``(store, driver, reference)``: the reference is the same tables in memory
    (:class:`graph.memory.TableStore`, its digest computed once: ``frozen_tables``), for comparing answers.
    """
    from frozen_tables import FrozenTableStore
    from graph.neo4j_store import Neo4jStore
    from ingest.load import load_tables

    tables = load_tables([folder])
    driver = FakeDriver(responders=AnalysisGraph(tables.schema).responders())
    store = Neo4jStore(driver, database="chainkg-test", sleep=lambda seconds: None, **options)
    store.load(tables, data=[str(folder)])
    return store, driver, FrozenTableStore(tables, data=[str(folder)])
