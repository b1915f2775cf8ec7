"""The Neo4j store: the same :class:`~graph.store.GraphStore` interface, answered by a Neo4j 5 server.

Every statement it sends is a ``.cypher`` file under ``queries/cypher/`` (see
:mod:`graph.cypher`), and every value travels as a parameter.

Generations (the convention is spelt out in :mod:`graph.cypher`): a load
writes a complete new generation of the graph beside the current one and
switches the build record ``(:ChainkgBuild {id: 'current'})`` to it in one
transaction at the end, so a load that fails or is killed leaves the previous
graph answering. A store reads the current generation once when it opens
(:meth:`Neo4jStore.pin`) and passes it as ``$generation`` to every
statement. One load writes at a time (the ``(:ChainkgBuild {id: 'loading'})``
lock with a heartbeat); it first deletes every generation but the current
one, and refuses a database that holds nodes chainkg did not write unless
told to load beside them.

Loading (:meth:`Neo4jStore.load`) sends each node and relationship table in
client-side chunks of ``UNWIND $rows AS row MERGE (n:Label {_generation:
$generation, key: row.key}) SET n += row.props`` (relationships: both ends
matched by key in the generation, the relationship merged on its identity),
each chunk one managed transaction through ``driver.execute_query`` with the
database always named; ``workers`` chunks of one table may be in flight at
once. Every statement is idempotent, so a chunk the driver retries after a
lost answer changes nothing.

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
so reads return rows in the same order as the embedded store.

>>> from graph.schema import load_schema
>>> props = load_schema().label("Enterprise").properties
>>> to_neo4j(props["aliases"], ["乙整机|乙公司", ""])
[['乙整机', '乙公司'], None]
>>> list(from_neo4j(props["aliases"], [["乙整机", "乙公司"], None]))
['乙整机|乙公司', '']
"""

from __future__ import annotations

import datetime
import logging
import math
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chainkg.config import NEO4J_CHUNK_SIZE, NEO4J_RETRY_SECONDS, NEO4J_WORKERS
from chainkg.errors import (
    ConfigError,
    Neo4jAuthError,
    Neo4jDatabaseNotFoundError,
    Neo4jForeignDataError,
    Neo4jQueryError,
    Neo4jTimeoutError,
    Neo4jUnreachableError,
    StoreError,
    StoreNotBuiltError,
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

__all__ = ["Neo4jStore", "LoadReport", "to_neo4j", "from_neo4j", "compare_counts", "table_names",
           "DEFAULT_CHUNK_SIZE", "DEFAULT_WORKERS"]

#: rows per transaction when loading: large enough to keep round trips few, small enough
#: to keep each transaction's memory on the server modest (benchmarks/neo4j_scale.py)
DEFAULT_CHUNK_SIZE = NEO4J_CHUNK_SIZE
#: chunks of one table in flight at once when loading
DEFAULT_WORKERS = NEO4J_WORKERS
#: at most this many tries of one statement that fails with a retryable error (the time budget,
#: ``retry_seconds``, usually ends the retries first)
DEFAULT_ATTEMPTS = 1000
#: seconds the driver itself keeps retrying one transaction (deadlocks, a leader switch: quick ones);
#: longer outages (a server restarting) are retried by chainkg, with a message each time
DRIVER_RETRY_SECONDS = 5.0
#: the longest pause between two of chainkg's retries
MAX_PAUSE_SECONDS = 8.0
#: a load shows it is alive this often (seconds) ...
HEARTBEAT_SECONDS = 10.0
#: ... and its lock counts as abandoned when its heartbeat is older than this
STALE_SECONDS = 120
#: nodes deleted per transaction when a load removes an old generation
DELETE_BATCH = 10_000

_STRING = pd.StringDtype("pyarrow")
_TEXT_TYPES = frozenset({"string", "text", "uscc", "region_code", "enum"})
_LIST_TYPES = frozenset({"list", "enum_list"})

Progress = Callable[[int], None]
Say = Callable[[str], None]


# -- values: pandas tables <-> Neo4j --------------------------------------------------------------

def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def to_neo4j(prop: Property, values: Iterable[Any]) -> list[Any]:
    """A column's values as the driver should send them (``None`` leaves the property out)."""
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


def table_names(tables: GraphTables) -> list[str]:
    """The tables a build has, even empty ones (``nodes/<Label>``, ``edges/<TYPE>``): an empty table that
    exists reads back with its schema's column types, one that does not with text columns, as in every store.

    >>> from graph.schema import load_schema
    >>> table_names(GraphTables(load_schema()))
    []
    """
    return ([f"nodes/{label}" for label in tables.schema.labels if label in tables.nodes]
            + [f"edges/{rel}" for rel in tables.schema.relationships if rel in tables.edges])


# -- the load plan ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Batch:
    """One load statement and the rows it receives, made a chunk at a time (``rows(start, stop)``)."""

    statement: str
    kind: str  # "node" or "relationship"
    name: str  # label or relationship type
    size: int
    rows: Callable[[int, int], list[dict[str, Any]]]


def _node_batches(tables: GraphTables) -> Iterator[_Batch]:
    schema = tables.schema
    for label, spec in schema.labels.items():
        frame = tables.node_table(label)
        if frame.empty:
            continue
        props = [c for c in spec.columns() if c != spec.key and c in frame.columns]

        def rows(start: int, stop: int, frame=frame, spec=spec, props=props) -> list[dict[str, Any]]:
            part = frame.iloc[start:stop]
            columns = {c: to_neo4j(spec.properties[c], part[c].tolist()) for c in props}
            keys = [str(k) for k in part[spec.key].tolist()]
            return [{"key": key, "props": {**{c: columns[c][i] for c in props}, ROW_PROPERTY: start + i}}
                    for i, key in enumerate(keys)]

        yield _Batch(node_statement(label, "load"), "node", label, len(frame), rows)


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
    import numpy as np

    schema = tables.schema
    for rel, spec in schema.relationships.items():
        frame = tables.edge_table(rel)
        if frame.empty:
            continue
        props = [c for c in spec.properties if c not in spec.identity and c in frame.columns]
        groups = rows_by_label_pair(spec, frame)
        _identity_values(spec, frame.iloc[:0])  # an identity column of the wrong kind fails before any write
        for a, b in relationship_combinations(spec):
            picked = np.asarray(groups.get((a, b), ()), dtype=np.int64)
            if not len(picked):
                continue

            def rows(start: int, stop: int, frame=frame, spec=spec, props=props, picked=picked):
                at = picked[start:stop]
                part = frame.iloc[at]
                columns = {c: to_neo4j(spec.properties[c], part[c].tolist()) for c in props}
                identity = _identity_values(spec, part)
                starts, ends = part["from"].tolist(), part["to"].tolist()
                return [{"from": str(starts[i]), "to": str(ends[i]),
                         **{name: values[i] for name, values in identity.items()},
                         "props": {**{c: columns[c][i] for c in props}, ROW_PROPERTY: int(at[i])}}
                        for i in range(len(at))]

            yield _Batch(relationship_statement(rel, a, b, "load"), "relationship", rel, len(picked), rows)


@dataclass
class LoadReport:
    """What a load did: rows merged per label and type, transactions sent, retries needed, the nodes of
    old generations deleted first, and the generation and digest it loaded."""

    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    transactions: int = 0
    retries: int = 0
    deleted: int = 0
    seconds: float = 0.0
    #: seconds spent sending the nodes, and the relationships
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    digest: str = ""
    generation: str = ""
    foreign: list[dict[str, Any]] = field(default_factory=list)


def new_generation() -> str:
    """A fresh generation id: when (UTC) and a random part, e.g. ``20260101T120000-9f3a2c1b``."""
    return f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(4)}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def _iso_time(value: Any) -> str:
    """A Neo4j DateTime (or anything) as ISO text, to the second."""
    if value is None:
        return "?"
    if hasattr(value, "iso_format"):
        return value.iso_format()[:19].replace("T", " ") + " UTC"
    return str(value)


class _Heartbeat:
    """Shows every ``HEARTBEAT_SECONDS`` that a load is alive, and stops it when it lost its lock."""

    def __init__(self, store: Neo4jStore, generation: str):
        self.store = store
        self.generation = generation
        self.last = time.monotonic()

    def maybe(self) -> None:
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.check()

    def check(self) -> None:
        rows = self.store.run("build/heartbeat", {"generation": self.generation}, write=True)
        self.last = time.monotonic()
        if not rows or not int(rows[0]["held"]):
            raise StoreError(f"the load of generation {self.generation} lost its lock: another load took over "
                             f"(this one was silent for more than {STALE_SECONDS} s)",
                             hint="nothing this load wrote is visible; run `chainkg neo4j load` again when the "
                                  "other load is done")


# -- the store -------------------------------------------------------------------------------------

class Neo4jStore(GraphStore):
    """A chain graph held in Neo4j.

    ``driver`` is a ``neo4j.Driver`` (or anything with its ``execute_query``,
    ``verify_connectivity`` and ``close``: the unit tests pass a recording fake).
    Open one with :meth:`connect`. ``timeout``: seconds a statement may run on
    the server (None: the server's own limit). ``secrets`` are taken out of
    every message.
    """

    def __init__(self, driver, *, database: str, schema: Schema | None = None, location: str = "neo4j",
                 chunk_size: int = DEFAULT_CHUNK_SIZE, workers: int = DEFAULT_WORKERS,
                 attempts: int = DEFAULT_ATTEMPTS, backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                 say: Say | None = None, timeout: float | None = None, secrets: Iterable[str] = (),
                 retry_seconds: float = NEO4J_RETRY_SECONDS):
        if not database:
            raise ConfigError("no Neo4j database named", hint="set CHAINKG_NEO4J_DATABASE (usually neo4j)")
        if chunk_size < 1:
            raise ConfigError(f"chunk size must be at least 1, not {chunk_size}")
        self.driver = driver
        self.database = database
        self.schema = schema or load_schema()
        self.location = location
        self.chunk_size = chunk_size
        self.workers = max(1, workers)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.retry_seconds = retry_seconds
        self.timeout = timeout
        self._secrets = [s for s in secrets if s]
        self._sleep = sleep
        self._say = say or (lambda _message: None)
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        self._counter = threading.Lock()
        self.transactions = 0
        self.retries = 0
        #: the generation every read is pinned to (None: not read yet, or nothing loaded)
        self.generation: str | None = None
        self._build: dict[str, Any] = {}
        self._pinned = False

    # -- connecting -------------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings, *, schema: Schema | None = None, **options) -> Neo4jStore:
        """Connect with :class:`chainkg.config.Neo4jSettings`, check the server, credentials and database,
        and pin the current generation.

        Raises :class:`~chainkg.errors.Neo4jUnreachableError`, :class:`~chainkg.errors.Neo4jAuthError`
        or :class:`~chainkg.errors.Neo4jDatabaseNotFoundError` with a hint on what to fix. No message
        carries the password, neither set on its own nor written into the URI.
        """
        address = settings.address()
        try:
            import neo4j
        except ImportError:
            raise ConfigError("the Neo4j driver is not installed", hint="pip install 'chainkg[neo4j]'") from None
        from chainkg import __version__

        user, password = settings.credentials()
        auth = (user, password) if password else None
        # the driver logs each retry as a warning with the server's whole message: chainkg says what it
        # retries itself (and would have those lines on every user's terminal otherwise)
        logging.getLogger("neo4j").setLevel(logging.ERROR)
        try:
            driver = neo4j.GraphDatabase.driver(address.uri, auth=auth, user_agent=f"chainkg/{__version__}",
                                                max_transaction_retry_time=DRIVER_RETRY_SECONDS,
                                                connection_timeout=15.0, notifications_min_severity="OFF")
        except (neo4j.exceptions.ConfigurationError, ValueError) as error:
            raise ConfigError(f"{settings.shown_uri()!r} is not a Neo4j address: {settings.redact(str(error))}",
                              hint="use bolt://host:7687 or neo4j://host:7687 (bolt+s:// or neo4j+s:// for TLS)") from None
        options.setdefault("timeout", settings.timeout)
        options.setdefault("retry_seconds", settings.retry)
        store = cls(driver, database=settings.database, schema=schema,
                    location=f"{settings.shown_uri()} database {settings.database}",
                    secrets=settings.secrets(), **options)
        try:
            store.verify()
            store.pin()
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

    def pin(self) -> str | None:
        """Read the current generation (and its build record) and pin every later read to it."""
        rows = self.run("build/read")
        self._build = dict(rows[0]) if rows else {}
        self.generation = self._build.get("generation")
        self._pinned = True
        self._cache.clear()
        return self.generation

    def close(self) -> None:
        self.driver.close()

    # -- running statements -----------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        from chainkg.config import redact

        return redact(text, self._secrets)

    def _scrub(self, error: BaseException) -> None:
        """Take the secrets out of a driver error and the errors it chains (shown by ``--verbose``)."""
        seen: set[int] = set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            error.args = tuple(self._clean(a) if isinstance(a, str) else a for a in error.args)
            for name in ("_message", "_gql_status_description"):
                value = getattr(error, name, None)
                if isinstance(value, str):
                    try:
                        setattr(error, name, self._clean(value))
                    except AttributeError:  # pragma: no cover - a read-only attribute
                        pass
            error = error.__cause__ or error.__context__

    def _mapped(self, error: Exception, stmt: CypherStatement | None):
        """The chainkg error for a driver error (``error`` itself when it is none of the driver's)."""
        self._scrub(error)
        try:
            from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
        except ImportError:  # pragma: no cover
            return error
        where = self.location
        code = getattr(error, "code", None) or ""
        if isinstance(error, AuthError) or code == "Neo.ClientError.Security.Unauthorized":
            return Neo4jAuthError(f"Neo4j at {where} refused the credentials ({code or 'unauthorized'})")
        if isinstance(error, Neo4jError) and code == "Neo.ClientError.Database.DatabaseNotFound":
            return Neo4jDatabaseNotFoundError(f"Neo4j has no database {self.database!r}")
        if isinstance(error, Neo4jError) and "TransactionTimedOut" in code:
            limit = f"{self.timeout:g} s" if self.timeout else "the server's db.transaction.timeout"
            name = stmt.name if stmt else "a statement"
            return Neo4jTimeoutError(f"Neo4j stopped {name}.cypher: it ran longer than the transaction timeout "
                                     f"({limit})")
        if isinstance(error, (ServiceUnavailable, SessionExpired)):
            return Neo4jUnreachableError(self._clean(f"cannot reach Neo4j at {where}: {error}"))
        if isinstance(error, Neo4jError):
            name = stmt.name if stmt else "connection"
            return Neo4jQueryError(self._clean(f"Neo4j refused {name}.cypher: {code}: {error.message}"),
                                   hint=f"the statement is {stmt.path}" if stmt else None)
        if isinstance(error, DriverError):
            return Neo4jUnreachableError(self._clean(f"Neo4j at {where}: {error}"))
        if isinstance(error, OSError):
            return Neo4jUnreachableError(self._clean(f"cannot reach Neo4j at {where}: {error}"))
        return error

    def _count(self, *, retry: bool = False) -> None:
        with self._counter:
            if retry:
                self.retries += 1
            else:
                self.transactions += 1

    def _execute(self, stmt: CypherStatement, parameters: dict[str, Any] | None = None, *,
                 write: bool = False) -> list[dict[str, Any]]:
        """Run one statement as one managed transaction; its records as dicts.

        ``$generation`` is the pinned generation unless given. Retries:
        ``execute_query`` runs a managed transaction, which the driver itself
        retries while the error is one it marks retryable (``error.is_retryable()``:
        transient server errors such as deadlocks, a dropped connection, a
        server that is restarting), for up to ``DRIVER_RETRY_SECONDS``. A
        retryable error that outlasts that is retried here, with a message and a
        growing pause, until ``retry_seconds`` have passed since the first
        failure (a server restart takes tens of seconds), because every
        statement chainkg sends is idempotent (MERGE, IF NOT EXISTS, reads);
        then it is a clear error. Anything else (a syntax error,
        a constraint violation, wrong credentials, a missing database, a
        timeout) is not retryable: trying again cannot succeed and would only
        hide the cause, so it is raised at once as a chainkg error that says
        what to fix. Auto-commit ``session.run`` is never used: the driver
        would not retry it.
        """
        from neo4j import Query, RoutingControl

        params = dict(parameters or {})
        if "generation" in stmt.parameters and "generation" not in params:
            params["generation"] = self._pinned_generation()
        missing = set(stmt.parameters) - set(params)
        if missing:
            raise AssertionError(f"{stmt.name}: parameters {sorted(missing)} not given")
        query = Query(stmt.body, timeout=self.timeout) if self.timeout else stmt.body
        attempt = 1
        first_failure = None
        while True:
            try:
                self._count()
                records, _summary, _keys = self.driver.execute_query(
                    query, params, database_=self.database,
                    routing_=RoutingControl.WRITE if write else RoutingControl.READ)
                return [dict(record) for record in records]
            except Exception as error:
                retryable = getattr(error, "is_retryable", None)
                first_failure = time.monotonic() if first_failure is None else first_failure
                waited = time.monotonic() - first_failure
                if retryable is None or not retryable() or attempt >= self.attempts or waited >= self.retry_seconds:
                    mapped = self._mapped(error, stmt)
                    if mapped is error:
                        raise
                    if attempt > 1:
                        mapped.args = (f"{mapped.args[0]} (still failing after {attempt} tries in {waited:.0f} s)",)
                    raise mapped from error
                pause = min(self.backoff * 2 ** (attempt - 1), MAX_PAUSE_SECONDS)
                self._say(self._clean(f"Neo4j: {stmt.name} failed ({type(error).__name__}), retrying in "
                                      f"{pause:g} s (try {attempt + 1}; giving up after "
                                      f"{self.retry_seconds:g} s)"))
                self._count(retry=True)
                attempt += 1
                self._sleep(pause)

    def _pinned_generation(self) -> str:
        if not self._pinned:
            self.pin()
        if self.generation is None:
            raise StoreNotBuiltError(f"Neo4j at {self.location} holds no chainkg graph yet",
                                     hint="load one: `chainkg build` then `chainkg neo4j load`")
        return self.generation

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
        """Nodes per label and relationships per type in the pinned generation (every schema name, zeros
        included)."""
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

    def foreign_nodes(self, *, limit: int = 10) -> list[dict[str, Any]]:
        """Nodes chainkg did not write, per combination of labels (most first): ``[{labels, nodes,
        chainkg_labels}]``, empty for a database that holds only chainkg's graph."""
        return [{"labels": list(r["labels"]), "nodes": int(r["nodes"]), "chainkg_labels": bool(r["chainkg_labels"])}
                for r in self.run("build/foreign", {"limit": limit})]

    def check_foreign(self, *, force: bool = False) -> list[dict[str, Any]]:
        """:meth:`foreign_nodes`, or a :class:`~chainkg.errors.Neo4jForeignDataError` naming them unless
        ``force``."""
        found = self.foreign_nodes()
        if found and not force:
            self._refuse_foreign(found)
        return found

    def _refuse_foreign(self, found: list[dict[str, Any]]) -> None:
        shown = ", ".join(f"{r['nodes']:,} :{':'.join(r['labels'])}" if r["labels"] else f"{r['nodes']:,} without a label"
                          for r in found[:5])
        more = " and more" if len(found) > 5 else ""
        mixed = any(r["chainkg_labels"] for r in found)
        why = (" (some carry chainkg's labels but no generation: written by hand, by another tool, or by a "
               "chainkg before generations)") if mixed else ""
        raise Neo4jForeignDataError(f"Neo4j at {self.location} holds nodes chainkg did not write: "
                                    f"{shown}{more}{why}; nothing was loaded")

    def _claim(self, generation: str) -> None:
        """Take the load lock for ``generation`` or raise, naming the load that holds it."""
        host, pid = socket.gethostname(), os.getpid()
        takeover = None
        holder = self.run("build/holder")
        if holder and holder[0]["generation"] and holder[0]["host"] == host and holder[0]["pid"] is not None \
                and int(holder[0]["pid"]) != pid and not _process_alive(int(holder[0]["pid"])):
            takeover = holder[0]["generation"]  # a load on this machine that was killed
        rows = self.run("build/claim", {"generation": generation, "host": host, "pid": pid,
                                        "stale_seconds": STALE_SECONDS, "takeover": takeover}, write=True)
        row = rows[0] if rows else {}
        if row.get("claimed"):
            if takeover or (holder and holder[0]["generation"] and holder[0]["generation"] != generation):
                self._say(f"Neo4j: taking over the load lock of load {holder[0]['generation']} "
                          f"(pid {holder[0]['pid']} on {holder[0]['host']}), which no longer runs")
            return
        since = _iso_time(row.get("started_at"))
        beat = _iso_time(row.get("heartbeat"))
        raise StoreError(f"another chainkg load (pid {row.get('pid')} on {row.get('host')}, started {since}) is "
                         f"writing to Neo4j at {self.location}",
                         hint=f"wait for it to finish; if it was stopped, its lock lapses {STALE_SECONDS} s after its "
                              f"last sign of life ({beat})")

    def delete_generations(self, *, progress: Say | None = None, beat: _Heartbeat | None = None) -> int:
        """Delete every generation but the current one (old graphs, interrupted loads); nodes deleted."""
        deleted = 0
        # the labels that take part in the most relationship types first (enterprises): deleting their nodes
        # deletes most relationships in small batches, so the hubs (regions, segments) go last, nearly bare
        ends = {label: sum((label in spec.from_labels) + (label in spec.to_labels)
                           for spec in self.schema.relationships.values()) for label in self.schema.labels}
        labels = sorted(self.schema.labels, key=lambda label: -ends[label])
        for row in self.run("build/generations"):
            old = row["generation"]
            if progress:
                progress(f"deleting generation {old} ({row['state'] or 'no record'}) left by an earlier load")
            for label in labels:
                while True:
                    done = self.run(node_statement(label, "delete"),
                                    {"batch": DELETE_BATCH, "generation": old}, write=True)
                    count = int(done[0]["deleted"]) if done else 0
                    deleted += count
                    if beat is not None:
                        beat.maybe()
                    if count < DELETE_BATCH:
                        break
            self.run("build/forget", {"generation": old}, write=True)
        return deleted

    @staticmethod
    def load_size(tables: GraphTables) -> int:
        """How many rows a load sends (the length of its progress bar)."""
        counts = tables.counts()
        return sum(counts["nodes"].values()) + sum(counts["relationships"].values())

    def load(self, tables: GraphTables, *, data: Iterable[str] = (), digest: str | None = None,
             as_of: str | None = None, force: bool = False, progress: Progress | None = None) -> LoadReport:
        """Load validated tables as a new generation, then make it the current graph.

        Refuses a database holding nodes chainkg did not write unless ``force``
        (then loads beside them and leaves them alone). Takes the load lock,
        creates the constraints and indexes, deletes every generation but the
        current one, writes the new generation's build record, its nodes and
        relationships, and switches the current graph to it in one transaction.
        A load that fails or is killed before the switch changes nothing
        readers see. ``progress(n)`` is called after each chunk with its rows;
        ``digest``/``as_of`` default to the tables' own.
        """
        started = time.perf_counter()
        transactions, retries = self.transactions, self.retries
        report = LoadReport(generation=new_generation())
        report.foreign = self.check_foreign(force=force)
        self.create_schema()
        self.run("schema/await", {"seconds": 300})
        self._claim(report.generation)
        beat = _Heartbeat(self, report.generation)
        try:
            report.deleted = self.delete_generations(progress=self._say, beat=beat)
            as_of = tables.latest_as_of() if as_of is None else as_of
            report.digest = tables.digest() if digest is None else digest
            self.run("build/begin", {"generation": report.generation, "props": {
                "digest": report.digest,
                "as_of": datetime.date.fromisoformat(as_of) if as_of else None,
                "data": list(data),
                "schema_version": tables.schema.version,
                "tables": table_names(tables),
            }}, write=True)
            for kind, batches in (("node", _node_batches(tables)), ("relationship", _relationship_batches(tables))):
                target = report.nodes if kind == "node" else report.relationships
                phase = time.perf_counter()
                for batch in batches:
                    target[batch.name] = target.get(batch.name, 0) + self._send(batch, report.generation, progress,
                                                                                beat)
                setattr(report, f"{kind}_seconds", time.perf_counter() - phase)
            beat.check()
            switched = self.run("build/switch", {"generation": report.generation}, write=True)
            # no row: the lock was lost, or the switch committed and only its answer was lost (then retried)
            current = [] if switched else self.run("build/read")
            if not switched and (not current or current[0]["generation"] != report.generation):
                raise StoreError(f"the load of generation {report.generation} lost its lock before it finished",
                                 hint="another load took over: run `chainkg neo4j load` again when it is done")
        except BaseException:
            try:  # best effort: the next load would also clean up
                self.run("build/release", {"generation": report.generation}, write=True)
            except Exception:  # noqa: BLE001 - the original error matters more
                pass
            raise
        self.pin()
        report.transactions = self.transactions - transactions
        report.retries = self.retries - retries
        report.seconds = time.perf_counter() - started
        return report

    def _send(self, batch: _Batch, generation: str, progress: Progress | None, beat: _Heartbeat) -> int:
        """Send one table in chunks, up to ``workers`` in flight; the rows merged."""
        stmt = statement(batch.statement)
        starts = list(range(0, batch.size, self.chunk_size))
        merged = 0

        def one(start: int) -> tuple[int, int]:
            chunk = batch.rows(start, min(start + self.chunk_size, batch.size))
            rows = self._execute(stmt, {"rows": chunk, "generation": generation}, write=True)
            return len(chunk), int(rows[0]["merged"]) if rows else 0

        def done(sent: int, count: int) -> None:
            nonlocal merged
            if count != sent:
                raise StoreError(f"{batch.statement}: Neo4j merged {count} of {sent} rows",
                                 hint="an endpoint is missing in the database: load again")
            merged += count
            if progress:
                progress(sent)
            beat.maybe()

        if self.workers == 1 or len(starts) == 1:
            for start in starts:
                done(*one(start))
            return merged
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="chainkg-neo4j-load") as pool:
            pending = set()
            todo = iter(starts)
            try:
                for start in todo:
                    pending.add(pool.submit(one, start))
                    if len(pending) >= self.workers:
                        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for job in finished:
                            done(*job.result())
                for job in pending:
                    done(*job.result())
            except BaseException:
                for job in pending:
                    job.cancel()
                raise
        return merged

    # -- reading ----------------------------------------------------------------------------------

    def info(self) -> StoreInfo:
        """The pinned generation's build: digest, as_of, data folders, and its counts (counted live)."""
        self._pinned_generation()
        build = self._build
        as_of = build.get("as_of")
        return StoreInfo("neo4j", self.location, str(build.get("digest") or ""),
                         _iso(as_of) if as_of is not None else "", tuple(build.get("data") or ()), self.counts())

    def _typed_when_empty(self, kind: str, name: str) -> bool:
        """Whether the build has the table (even empty): then an empty read has the schema's column types."""
        self._pinned_generation()
        return f"{kind}/{name}" in (self._build.get("tables") or ())

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
            return _frame(cols, [r["values"] for r in rows], spec.properties,
                          typed=self._typed_when_empty("nodes", label))

        return self._cached("nodes", label, wanted, read)

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        unknown = [c for c in wanted if c not in spec.columns()]
        if unknown:
            raise KeyError(f"{rel_type} has no columns {unknown}")

        def read(cols: list[str]) -> pd.DataFrame:
            return self._edge_frame(spec, cols, "read", {})

        return self._cached("edges", rel_type, wanted, read)

    def _edge_frame(self, spec: Relationship, cols: list[str], kind: str, params: dict[str, Any]) -> pd.DataFrame:
        """The rows of every (start, end) label pair's ``kind`` statement, in table order, as a typed table."""
        props = [c for c in cols if c in spec.properties]
        parts = []
        for a, b in relationship_combinations(spec):
            for r in self.run(relationship_statement(spec.name, a, b, kind), {**params, "columns": props}):
                parts.append((r["row"], r["from_key"], r["to_key"], a, b, r["values"]))
        parts.sort(key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0))
        frame = _frame(props, [p[5] for p in parts], spec.properties,
                       typed=self._typed_when_empty("edges", spec.name))
        ends = {"from": [p[1] for p in parts], "to": [p[2] for p in parts],
                "from_label": [p[3] for p in parts], "to_label": [p[4] for p in parts]}
        for col in spec.endpoint_columns():
            frame[col] = pd.Series(ends[col], dtype=_STRING)
        return frame[[c for c in spec.columns() if c in cols]]

    def nodes_where(self, label: str, keys: Iterable[str], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The rows of ``label`` whose key is one of ``keys``, in table order: an index seek per key
        (``nodes/<Label>.where``), not the whole table, unless the table is already read."""
        spec = self.schema.label(label)
        wanted = list(columns) if columns is not None else spec.columns()
        if ("nodes", label) in self._cache:
            return super().nodes_where(label, keys, columns)
        unknown = [c for c in wanted if c not in spec.properties]
        if unknown:
            raise KeyError(f"{label} has no columns {unknown}")
        keys = list(dict.fromkeys(str(k) for k in keys))
        rows = self.run(node_statement(label, "where"), {"keys": keys, "columns": wanted}) if keys else []
        return _frame(wanted, [r["values"] for r in rows], spec.properties,
                      typed=self._typed_when_empty("nodes", label))

    def edges_where(self, rel_type: str, end: str, keys: Iterable[str],
                    columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The relationships of ``rel_type`` whose ``end`` is one of ``keys``, in table order: anchored on
        those nodes (``relationships/<TYPE>.<From>.<To>.from|to``), not the whole type, unless the table is
        already read."""
        if end not in ("from", "to"):
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        if ("edges", rel_type) in self._cache:
            return super().edges_where(rel_type, end, keys, columns)
        unknown = [c for c in wanted if c not in spec.columns()]
        if unknown:
            raise KeyError(f"{rel_type} has no columns {unknown}")
        keys = list(dict.fromkeys(str(k) for k in keys))
        return self._edge_frame(spec, wanted, end, {"keys": keys})[wanted].reset_index(drop=True)

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        spec = self.schema.label(label)
        columns = spec.columns()
        rows = self.run(node_statement(label, "get"), {"key": key, "columns": columns})
        if not rows:
            return None
        return _plain(_frame(columns, [rows[0]["values"]], spec.properties).iloc[0].to_dict())

    def find(self, label: str, name: str) -> list[NodeMatch]:
        """:meth:`GraphStore.find` in Cypher: a key first (an index seek, the one match a key can have),
        else one scan of the label's names and short names (``nodes/<Label>.find``)."""
        spec = self.schema.label(label)
        shown = "name" if "name" in spec.properties else spec.key
        exact = self.run(node_statement(label, "where"), {"keys": [name], "columns": [shown]})
        if exact:
            value = exact[0]["values"][0]
            return [NodeMatch(label, str(exact[0]["key"]), str(value if value is not None else ""), "key")]
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

def _frame(columns: list[str], rows: list[Sequence[Any]], properties: dict[str, Property], *,
           typed: bool = False) -> pd.DataFrame:
    """A typed table from rows of values (one list per row, in the order of ``columns``).

    An empty table has string columns only, as the other stores' tables that do not exist, unless
    ``typed`` (the build has the table, with no rows): then the schema's column types.
    """
    if not rows and not typed:
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
