"""The Neo4j store: the same :class:`~graph.store.GraphStore` interface, answered by a Neo4j 5 server.

Every statement it sends is a ``.cypher`` file under ``queries/cypher/`` (see
:mod:`graph.cypher`), and every value travels as a parameter.

Loading (:meth:`Neo4jStore.load`) creates the uniqueness constraints and
indexes first, then sends each node and relationship table in client-side
chunks of ``UNWIND $rows AS row MERGE (n:Label {key: row.key}) SET n += row.props``
(relationships: both ends matched by label and key, the relationship merged
on its identity), each chunk one managed transaction through
``driver.execute_query`` with the database always named. A load is idempotent:
loading the same tables twice leaves the same graph.

How values are stored, so that Neo4j Browser users get natural types and the
reads give back exactly the embedded store's tables:

=================================  ================================  =================
schema type                         in Neo4j                          empty value
=================================  ================================  =================
string, text, uscc, region_code,    STRING                            no property
enum
list, enum_list                     LIST<STRING>                      no property
date                                DATE                              no property
int / float / bool                  INTEGER / FLOAT / BOOLEAN         no property
=================================  ================================  =================

Each node and relationship also carries ``_row``, its position in its table,
so reads return rows in the same order as the embedded store; the one
``(:ChainkgBuild {id: 'current'})`` node records the loaded build's digest,
``as_of`` and data folders.

>>> from graph.schema import load_schema
>>> props = load_schema().label("Enterprise").properties
>>> to_neo4j(props["aliases"], ["乙整机|乙公司", ""])
[['乙整机', '乙公司'], None]
>>> list(from_neo4j(props["aliases"], [["乙整机", "乙公司"], None]))
['乙整机|乙公司', '']
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chainkg.errors import (
    ConfigError,
    Neo4jAuthError,
    Neo4jDatabaseNotFoundError,
    Neo4jQueryError,
    Neo4jUnreachableError,
    StoreError,
)
from graph.cypher import (
    ROW_PROPERTY,
    CypherStatement,
    node_statement,
    relationship_combinations,
    relationship_statement,
    script,
    statement,
)
from graph.schema import Property, Relationship, Schema, load_schema
from graph.store import GraphStore, NodeMatch, StoreInfo, _plain, rows_by_label_pair
from graph.tables import GraphTables

__all__ = ["Neo4jStore", "LoadReport", "to_neo4j", "from_neo4j", "compare_counts", "DEFAULT_CHUNK_SIZE"]

#: rows per transaction when loading: large enough to keep round trips few, small enough
#: to keep each transaction's memory on the server modest
DEFAULT_CHUNK_SIZE = 2000
#: how many times a chunk is tried in all when it fails with a retryable error
DEFAULT_ATTEMPTS = 3
#: seconds the driver itself keeps retrying one transaction that fails with a retryable error
DRIVER_RETRY_SECONDS = 15.0

_STRING = pd.StringDtype("pyarrow")
_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})
_TEXT_TYPES = frozenset({"string", "text", "uscc", "region_code", "enum"})
_LIST_TYPES = frozenset({"list", "enum_list"})

Progress = Callable[[int], None]
Say = Callable[[str], None]


# -- values: pandas tables <-> Neo4j --------------------------------------------------------------

def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def to_neo4j(prop: Property, values: Iterable[Any]) -> list[Any]:
    """A column's values as the driver should send them (``None`` removes the property)."""
    kind = prop.type
    out: list[Any] = []
    for v in values:
        if _missing(v) or (v == "" and kind not in ("int", "float", "bool")):
            out.append(None)
        elif kind in _TEXT_TYPES:
            out.append(str(v))
        elif kind in _LIST_TYPES:
            out.append([part for part in str(v).split("|") if part])
        elif kind == "date":
            out.append(datetime.date.fromisoformat(str(v)))
        elif kind == "int":
            out.append(int(v))
        elif kind == "float":
            out.append(float(v))
        elif kind == "bool":
            out.append(bool(v))
        else:  # pragma: no cover - the schema admits no other type
            raise AssertionError(kind)
    return out


def _iso(value: Any) -> str:
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime
        return value.iso_format()[:10]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return str(value)


def from_neo4j(prop: Property | None, values: Sequence[Any]) -> pd.Series:
    """Values read from Neo4j as the typed column the embedded store holds."""
    kind = prop.type if prop is not None else "string"
    if kind in _TEXT_TYPES:
        return pd.Series(["" if v is None else str(v) for v in values], dtype=_STRING)
    if kind in _LIST_TYPES:
        return pd.Series(["" if v is None else ("|".join(v) if isinstance(v, (list, tuple)) else str(v))
                          for v in values], dtype=_STRING)
    if kind == "date":
        return pd.Series(["" if v is None else _iso(v) for v in values], dtype=_STRING)
    if kind == "int":
        return pd.Series(pd.array([None if v is None else int(v) for v in values], dtype="Int64"))
    if kind == "float":
        return pd.Series(pd.array([None if v is None else float(v) for v in values], dtype="Float64"))
    if kind == "bool":
        return pd.Series(pd.array([None if v is None else bool(v) for v in values], dtype="boolean"))
    raise AssertionError(kind)  # pragma: no cover


def _plain_value(prop: Property | None, value: Any) -> Any:
    """One value read from Neo4j as the embedded store's row dicts hold it."""
    return _plain({"v": from_neo4j(prop, [value]).iloc[0]})["v"]


# -- the load plan ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Batch:
    """All the rows one load statement receives, before chunking."""

    statement: str
    kind: str  # "node" or "relationship"
    name: str  # label or relationship type
    rows: list[dict[str, Any]]


def _node_batches(tables: GraphTables) -> Iterator[_Batch]:
    schema = tables.schema
    for label, spec in schema.labels.items():
        frame = tables.node_table(label)
        if frame.empty:
            continue
        props = [c for c in spec.columns() if c != spec.key]
        columns = {c: to_neo4j(spec.properties[c], frame[c].tolist()) for c in props if c in frame.columns}
        keys = [str(k) for k in frame[spec.key].tolist()]
        rows = [{"key": key, "props": {**{c: columns[c][i] for c in columns}, ROW_PROPERTY: i}}
                for i, key in enumerate(keys)]
        yield _Batch(node_statement(label, "load"), "node", label, rows)


def _identity_values(spec: Relationship, frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Identity properties as MERGE needs them: never null (an empty string stays an empty string)."""
    out: dict[str, list[Any]] = {}
    for name in spec.identity:
        prop = spec.properties[name]
        values = frame[name].tolist() if name in frame.columns else [None] * len(frame)
        if prop.type in _TEXT_TYPES:
            out[name] = ["" if _missing(v) else str(v) for v in values]
            continue
        converted = to_neo4j(prop, values)
        if any(v is None for v in converted):
            raise StoreError(f"{spec.name}: {sum(v is None for v in converted)} rows have no {name}",
                             hint=f"Neo4j merges {spec.name} on {name}: fill it in")
        out[name] = converted
    return out


def _relationship_batches(tables: GraphTables) -> Iterator[_Batch]:
    schema = tables.schema
    for rel, spec in schema.relationships.items():
        frame = tables.edge_table(rel)
        if frame.empty:
            continue
        props = [c for c in spec.properties if c not in spec.identity]
        columns = {c: to_neo4j(spec.properties[c], frame[c].tolist()) for c in props if c in frame.columns}
        identity = _identity_values(spec, frame)
        starts, ends = frame["from"].tolist(), frame["to"].tolist()
        groups = rows_by_label_pair(spec, frame)
        for a, b in relationship_combinations(spec):
            rows = [{"from": str(starts[i]), "to": str(ends[i]),
                     **{name: values[i] for name, values in identity.items()},
                     "props": {**{c: columns[c][i] for c in columns}, ROW_PROPERTY: i}}
                    for i in groups.get((a, b), ())]
            if rows:
                yield _Batch(relationship_statement(rel, a, b, "load"), "relationship", rel, rows)


@dataclass
class LoadReport:
    """What a load did: rows merged per label and type, transactions sent, retries needed, and the
    digest of the tables loaded (written to the build record)."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    retries: int = 0
    deleted: int = 0
    seconds: float = 0.0
    digest: str = ""


# -- the store -------------------------------------------------------------------------------------

class Neo4jStore(GraphStore):
    """A chain graph held in Neo4j.

    ``driver`` is a ``neo4j.Driver`` (or anything with its ``execute_query``,
    ``verify_connectivity`` and ``close``: the unit tests pass a recording fake).
    Open one with :meth:`connect`.
    """

    def __init__(self, driver, *, database: str, schema: Schema | None = None, location: str = "neo4j",
                 chunk_size: int = DEFAULT_CHUNK_SIZE, attempts: int = DEFAULT_ATTEMPTS,
                 backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep, say: Say | None = None):
        if not database:
            raise ConfigError("no Neo4j database named", hint="set CHAINKG_NEO4J_DATABASE (usually neo4j)")
        if chunk_size < 1:
            raise ConfigError(f"chunk size must be at least 1, not {chunk_size}")
        self.driver = driver
        self.database = database
        self.schema = schema or load_schema()
        self.location = location
        self.chunk_size = chunk_size
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep
        self._say = say or (lambda _message: None)
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        self.transactions = 0
        self.retries = 0

    # -- connecting -------------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings, *, schema: Schema | None = None, **options) -> Neo4jStore:
        """Connect with :class:`chainkg.config.Neo4jSettings` and check the server, credentials and database.

        Raises :class:`~chainkg.errors.Neo4jUnreachableError`, :class:`~chainkg.errors.Neo4jAuthError`
        or :class:`~chainkg.errors.Neo4jDatabaseNotFoundError` with a hint on what to fix.
        """
        if not settings.uri:
            raise ConfigError("no Neo4j server configured",
                              hint="set CHAINKG_NEO4J_URI (e.g. bolt://localhost:7687) and CHAINKG_NEO4J_PASSWORD, "
                                   "or put uri and password under [neo4j] in chainkg.local.toml")
        try:
            import neo4j
        except ImportError:
            raise ConfigError("the Neo4j driver is not installed", hint="pip install 'chainkg[neo4j]'") from None
        from chainkg import __version__

        scheme = settings.uri.split("://", 1)[0].lower() if "://" in settings.uri else ""
        if scheme not in _SCHEMES:
            raise ConfigError(f"{settings.uri!r} is not a Neo4j address (bolt:// or neo4j://)",
                              hint="use bolt://host:7687 or neo4j://host:7687 (bolt+s:// or neo4j+s:// for TLS)")
        auth = (settings.user, settings.password) if settings.password else None
        try:
            driver = neo4j.GraphDatabase.driver(settings.uri, auth=auth, user_agent=f"chainkg/{__version__}",
                                                max_transaction_retry_time=DRIVER_RETRY_SECONDS,
                                                connection_timeout=15.0)
        except (neo4j.exceptions.ConfigurationError, ValueError) as error:
            raise ConfigError(f"{settings.uri!r} is not a Neo4j address: {error}",
                              hint="use bolt://host:7687 or neo4j://host:7687 (bolt+s:// or neo4j+s:// for TLS)") from None
        store = cls(driver, database=settings.database, schema=schema,
                    location=f"{settings.uri} database {settings.database}", **options)
        try:
            store.verify()
        except BaseException:
            driver.close()
            raise
        return store

    def verify(self) -> dict[str, str]:
        """Check that the server answers, accepts the credentials and has the database; its version."""
        try:
            self.driver.verify_connectivity()
        except Exception as error:  # the driver's own errors, mapped; anything else propagates as is
            raise self._mapped(error, None) from error
        return self.server()

    def close(self) -> None:
        self.driver.close()

    # -- running statements -----------------------------------------------------------------------

    def _mapped(self, error: Exception, stmt: CypherStatement | None):
        """The chainkg error for a driver error (``error`` itself when it is none of the driver's)."""
        try:
            from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
        except ImportError:  # pragma: no cover
            return error
        where = self.location
        if isinstance(error, AuthError):
            return Neo4jAuthError(f"Neo4j at {where} refused the credentials ({error.code})")
        if isinstance(error, Neo4jError) and error.code == "Neo.ClientError.Database.DatabaseNotFound":
            return Neo4jDatabaseNotFoundError(f"Neo4j has no database {self.database!r}")
        if isinstance(error, (ServiceUnavailable, SessionExpired)):
            return Neo4jUnreachableError(f"cannot reach Neo4j at {where}: {error}")
        if isinstance(error, Neo4jError):
            name = stmt.name if stmt else "connection"
            return Neo4jQueryError(f"Neo4j refused {name}.cypher: {error.code}: {error.message}",
                                   hint=f"the statement is {stmt.path}" if stmt else None)
        if isinstance(error, DriverError):
            return Neo4jUnreachableError(f"Neo4j at {where}: {error}")
        if isinstance(error, OSError):
            return Neo4jUnreachableError(f"cannot reach Neo4j at {where}: {error}")
        return error

    def _execute(self, stmt: CypherStatement, parameters: dict[str, Any] | None = None, *,
                 write: bool = False) -> list[dict[str, Any]]:
        """Run one statement as one managed transaction; its records as dicts.

        Retries: ``execute_query`` runs a managed transaction, which the driver itself
        retries while the error is one it marks retryable (``error.is_retryable()``:
        transient server errors such as deadlocks or a leader switch, a dropped
        connection), for up to ``DRIVER_RETRY_SECONDS``. A retryable error that outlasts
        that budget (a server restarting during a long load) is retried here too, a few
        times with a growing pause and a message, because every statement chainkg sends
        is idempotent (MERGE, IF NOT EXISTS, reads). Anything else (a syntax error, a
        constraint violation, wrong credentials, a missing database) is not retryable:
        trying again cannot succeed and would only hide the cause, so it is raised at
        once as a chainkg error that says what to fix. Auto-commit ``session.run`` is
        never used: the driver would not retry it.
        """
        from neo4j import RoutingControl

        params = dict(parameters or {})
        missing = set(stmt.parameters) - set(params)
        if missing:
            raise AssertionError(f"{stmt.name}: parameters {sorted(missing)} not given")
        attempt = 1
        while True:
            try:
                self.transactions += 1
                records, _summary, _keys = self.driver.execute_query(
                    stmt.body, params, database_=self.database,
                    routing_=RoutingControl.WRITE if write else RoutingControl.READ)
                return [dict(record) for record in records]
            except Exception as error:
                retryable = getattr(error, "is_retryable", None)
                if retryable is None or not retryable() or attempt >= self.attempts:
                    mapped = self._mapped(error, stmt)
                    if mapped is error:
                        raise
                    raise mapped from error
                pause = self.backoff * 2 ** (attempt - 1)
                self._say(f"Neo4j: {stmt.name} failed ({type(error).__name__}), retrying in {pause:g} s "
                          f"(attempt {attempt + 1} of {self.attempts})")
                self.retries += 1
                attempt += 1
                self._sleep(pause)

    def run(self, name: str, parameters: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run the shipped statement ``name`` (see :mod:`graph.cypher`) with parameters."""
        return self._execute(statement(name), parameters, write=write)

    # -- server -----------------------------------------------------------------------------------

    def server(self) -> dict[str, str]:
        """The server's name, version and edition (queried in the configured database)."""
        rows = self.run("server")
        first = rows[0] if rows else {}
        return {"name": str(first.get("name", "")), "version": str(first.get("version", "")),
                "edition": str(first.get("edition", ""))}

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type in the database (every schema name, zeros included)."""
        out: dict[str, dict[str, int]] = {"nodes": {}, "relationships": {}}
        for row in self.run("counts"):
            out["nodes" if row["kind"] == "node" else "relationships"][row["name"]] = int(row["count"])
        return out

    # -- loading ----------------------------------------------------------------------------------

    def create_schema(self) -> int:
        """Create the uniqueness constraints and indexes (IF NOT EXISTS); how many statements ran."""
        statements = script("schema/constraints")
        for stmt in statements:
            self._execute(stmt, write=True)
        return len(statements)

    def clear(self, *, batch: int = 10_000) -> int:
        """Delete every chainkg node (and its relationships), a batch per transaction; how many."""
        deleted = 0
        while True:
            rows = self.run("clear", {"batch": batch}, write=True)
            count = int(rows[0]["deleted"]) if rows else 0
            deleted += count
            if count == 0:
                break
        self._cache.clear()
        return deleted

    @staticmethod
    def load_size(tables: GraphTables) -> int:
        """How many rows a load sends (the length of its progress bar)."""
        counts = tables.counts()
        return sum(counts["nodes"].values()) + sum(counts["relationships"].values())

    def load(self, tables: GraphTables, *, data: Iterable[str] = (), replace: bool = False,
             progress: Progress | None = None) -> LoadReport:
        """Load validated tables: constraints first, then nodes, then relationships, then the build record.

        ``replace`` first deletes every chainkg node, so the database holds exactly
        ``tables`` afterwards. ``progress(n)`` is called after each chunk with the
        number of rows it carried.
        """
        started = time.perf_counter()
        transactions, retries = self.transactions, self.retries
        report = LoadReport()
        self._cache.clear()
        if replace:
            report.deleted = self.clear()
        self.create_schema()
        for batch in [*_node_batches(tables), *_relationship_batches(tables)]:
            target = report.nodes if batch.kind == "node" else report.relationships
            stmt = statement(batch.statement)
            for start in range(0, len(batch.rows), self.chunk_size):
                chunk = batch.rows[start:start + self.chunk_size]
                rows = self._execute(stmt, {"rows": chunk}, write=True)
                merged = int(rows[0]["merged"]) if rows else 0
                if merged != len(chunk):
                    raise StoreError(f"{batch.statement}: Neo4j merged {merged} of {len(chunk)} rows",
                                     hint="an endpoint is missing in the database: load with --replace")
                target[batch.name] = target.get(batch.name, 0) + merged
                if progress:
                    progress(len(chunk))
        as_of = tables.latest_as_of()
        report.digest = tables.digest()
        self.run("build/write", {"props": {
            "digest": report.digest,
            "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
            "data": list(data),
            "schema_version": tables.schema.version,
        }}, write=True)
        self._cache.clear()
        report.transactions = self.transactions - transactions
        report.retries = self.retries - retries
        report.seconds = time.perf_counter() - started
        return report

    # -- reading ----------------------------------------------------------------------------------

    def info(self) -> StoreInfo:
        rows = self.run("build/read")
        build = rows[0] if rows else {}
        as_of = build.get("as_of")
        return StoreInfo("neo4j", self.location, str(build.get("digest") or ""),
                         _iso(as_of) if as_of is not None else "", tuple(build.get("data") or ()), self.counts())

    def _cached(self, kind: str, name: str, wanted: list[str], read: Callable[[list[str]], pd.DataFrame]):
        cached = self._cache.get((kind, name))
        if cached is not None and all(c in cached.columns for c in wanted):
            return cached[wanted]
        frame = read(wanted)
        self._cache[(kind, name)] = frame
        return frame[wanted]

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        spec = self.schema.label(label)
        wanted = list(columns) if columns is not None else spec.columns()
        unknown = [c for c in wanted if c not in spec.properties]
        if unknown:
            raise KeyError(f"{label} has no columns {unknown}")

        def read(cols: list[str]) -> pd.DataFrame:
            rows = self.run(node_statement(label, "read"), {"columns": cols})
            return _frame(cols, [r["values"] for r in rows], spec.properties)

        return self._cached("nodes", label, wanted, read)

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        unknown = [c for c in wanted if c not in spec.columns()]
        if unknown:
            raise KeyError(f"{rel_type} has no columns {unknown}")

        def read(cols: list[str]) -> pd.DataFrame:
            props = [c for c in cols if c in spec.properties]
            parts = []
            for a, b in relationship_combinations(spec):
                for r in self.run(relationship_statement(rel_type, a, b, "read"), {"columns": props}):
                    parts.append((r["row"], r["from_key"], r["to_key"], a, b, r["values"]))
            parts.sort(key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0))
            frame = _frame(props, [p[5] for p in parts], spec.properties)
            ends = {"from": [p[1] for p in parts], "to": [p[2] for p in parts],
                    "from_label": [p[3] for p in parts], "to_label": [p[4] for p in parts]}
            for col in spec.endpoint_columns():
                frame[col] = pd.Series(ends[col], dtype=_STRING)
            return frame[[c for c in spec.columns() if c in cols]]

        return self._cached("edges", rel_type, wanted, read)

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        spec = self.schema.label(label)
        columns = spec.columns()
        rows = self.run(node_statement(label, "get"), {"key": key, "columns": columns})
        if not rows:
            return None
        return _plain(_frame(columns, [rows[0]["values"]], spec.properties).iloc[0].to_dict())

    def find(self, label: str, name: str) -> list[NodeMatch]:
        self.schema.label(label)
        rows = self.run(node_statement(label, "find"), {"name": name})
        for kind in ("key", "name", "alias", "partial"):
            hits = [NodeMatch(label, str(r["key"]), str(r["name"]), kind) for r in rows if r["matched"] == kind]
            if hits:
                return hits
        return []

    def region_subtree(self, code: str) -> set[str]:
        return {str(r["code"]) for r in self.run("regions/subtree", {"code": code})} | {code}

    def region_ancestors(self, code: str) -> list[str]:
        chain = [code]
        for row in self.run("regions/ancestors", {"code": code}):
            if row["code"] not in chain:
                chain.append(str(row["code"]))
        return chain

    def neighbourhood(self, label: str, key: str, *, limit: int = 50) -> dict[str, Any] | None:
        """A node and every relationship around it, in one statement (``nodes/<Label>.show``).

        ``relations`` maps each relationship type to ``{"out": [...], "in": [...]}``
        and ``totals`` counts them, exactly as :func:`queries.show.describe` lays them out.
        """
        spec = self.schema.label(label)
        rows = self.run(node_statement(label, "show"), {"key": key, "limit": limit})
        if not rows:
            return None
        node = {c: _plain_value(spec.properties[c], rows[0]["node"].get(c)) for c in spec.columns()}
        relations: dict[str, dict[str, list]] = {}
        totals: dict[str, dict[str, int]] = {}
        for row in rows:
            if row["type"] is None:
                continue
            rel = self.schema.relationship(row["type"])
            listed = []
            for item in row["neighbours"]:
                props = {}
                for name, value in (item["properties"] or {}).items():
                    if name not in rel.properties:
                        continue
                    plain = _plain_value(rel.properties[name], value)
                    if plain is not None and plain != "":
                        props[name] = plain
                listed.append({"label": item["label"], "key": item["key"], "name": item["name"], **props})
            relations.setdefault(row["type"], {"out": [], "in": []})[row["direction"]] = listed
            totals.setdefault(row["type"], {})[row["direction"]] = int(row["total"])
        return {"label": label, "key": key, "node": node, "relations": relations, "totals": totals}


    # -- analyses: aggregations in Cypher ---------------------------------------------------------

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
        regions = self.nodes("Region", ["code", "name", "level"])
        region_name = dict(zip(regions["code"].astype(str), regions["name"].astype(str)))
        region_level = dict(zip(regions["code"].astype(str), regions["level"].astype(str)))
        persp = {"code": match.key, "name": match.name, "level": region_level.get(match.key, ""),
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
                "source": str(r["source"] or ""), "as_of": _iso(r["as_of"]) if r["as_of"] is not None else ""})
        capable: dict[str, list[dict[str, Any]]] = {}
        for r in self.run("chokepoints/capable", {**params, "perspective": match.key}):
            capable.setdefault(str(r["technology"]), []).append({
                "key": str(r["key"]), "name": str(r["name"] or r["key"]), "via": str(r["via"]),
                "region": None if r["region"] is None else str(r["region"])})

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
            tech_as_of = _iso(row["as_of"]) if row["as_of"] is not None else ""
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


    def gap_inputs(self, chain_key: str, region_codes: Iterable[str], *,
                   include_synthetic: bool | None = None) -> dict[str, Any]:
        """Step 1 of the gap analysis (queries/gaps.py), aggregated in the database.

        The fields of ``GapInputs`` as a dict (the graph layer does not import the
        analyses): the chain with its clusters, segments and FEEDS (``gaps/chain``), the
        local enterprises per segment with their roles (``gaps/local``), national counts
        and size totals per segment (``gaps/national``) and over the chain
        (``gaps/members``), supply counts (``gaps/supplies``) and the facts used per
        source (``gaps/facts``), each one statement.
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

        local_rows = self.run("gaps/local", {**params, "region_codes": local_codes})
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
        national_rows = self.run("gaps/national", {**params, "nation_codes": nation_codes})
        national = pd.DataFrame({
            "segment": pd.Series([r["segment"] for r in national_rows], dtype=object),
            "enterprises": pd.Series([int(r["enterprises"]) for r in national_rows], dtype="int64"),
            "revenue_yi": pd.Series([float(r["revenue_yi"]) for r in national_rows], dtype=float),
            "revenue_known": pd.Series([int(r["revenue_known"]) for r in national_rows], dtype="int64"),
            "employees": pd.Series([float(r["employees"]) for r in national_rows], dtype=float),
            "employees_known": pd.Series([int(r["employees_known"]) for r in national_rows], dtype="int64"),
        })
        members = self.run("gaps/members", {**params, "nation_codes": nation_codes})[0]
        national_chain = {"enterprises": int(members["enterprises"]), "revenue_yi": float(members["revenue_yi"]),
                          "revenue_known": int(members["revenue_known"]),
                          "employees": float(members["employees"]),
                          "employees_known": int(members["employees_known"])}
        supply_rows = self.run("gaps/supplies", {**params, "region_codes": local_codes})
        supplies = pd.DataFrame({
            "segment": pd.Series([r["segment"] for r in supply_rows], dtype=object),
            "received": pd.Series([int(r["received"]) for r in supply_rows], dtype="int64"),
            "from_local": pd.Series([int(r["from_local"]) for r in supply_rows], dtype="int64"),
        })
        provenance = [r for r in self.run("gaps/facts", {**params, "region_codes": local_codes})]
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
        dates = [_iso(r["as_of"]) for r in used if r["as_of"] is not None]
        return {
            "chain": {"key": str(chain["key"]), "name": str(chain["name"]),
                      "clusters": [{"key": str(c["key"]), "name": str(c["name"])} for c in chain["clusters"]]},
            "segments": segments, "feeds": feeds, "local": local, "national": national,
            "national_chain": national_chain, "supplies": supplies, "facts": facts, "sources": source_table,
            "as_of": max(dates) if dates else None, "synthetic_included": include,
        }

def _frame(columns: list[str], rows: list[Sequence[Any]], properties: dict[str, Property]) -> pd.DataFrame:
    """A typed table from rows of values (one list per row, in the order of ``columns``).

    An empty table has string columns only, as the other stores' empty tables do.
    """
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=_STRING) for c in columns}, columns=columns)
    data = {}
    for i, col in enumerate(columns):
        data[col] = from_neo4j(properties.get(col), [row[i] for row in rows])
    return pd.DataFrame(data, columns=columns)


def compare_counts(info: StoreInfo, local: StoreInfo | None) -> dict[str, Any]:
    """Counts per label and type in Neo4j beside the local build's (``local`` None: not compared).

    >>> neo = StoreInfo("neo4j", "bolt://x", "d1", "2026-01-01", (), {"nodes": {"Region": 4}, "relationships": {}})
    >>> here = StoreInfo("embedded", ".chainkg", "d1", "2026-01-01", (), {"nodes": {"Region": 5}, "relationships": {}})
    >>> report = compare_counts(neo, here)
    >>> report["differences"], report["counts"][0]["ok"]
    (1, False)
    """
    rows = []
    for kind, group in (("node", "nodes"), ("relationship", "relationships")):
        names = list(info.counts.get(group, {}))
        if local is not None:
            names += [n for n in local.counts.get(group, {}) if n not in names]
        for name in names:
            mine = info.counts.get(group, {}).get(name, 0)
            theirs = local.counts.get(group, {}).get(name, 0) if local is not None else None
            rows.append({"kind": kind, "name": name, "neo4j": mine, "local": theirs,
                         "ok": None if local is None else mine == theirs})
    return {
        "location": info.location,
        "digest": info.digest,
        "as_of": info.as_of,
        "data": list(info.data),
        "local_digest": local.digest if local is not None else None,
        "same_build": None if local is None else (bool(info.digest) and info.digest == local.digest),
        "counts": rows,
        "differences": sum(1 for r in rows if r["ok"] is False),
    }
