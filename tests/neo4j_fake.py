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
