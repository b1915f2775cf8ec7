"""The connection to a Neo4j server: opening it, running the shipped statements, retries, errors.

:class:`Neo4jConnection` is the base of :class:`graph.neo4j_store.Neo4jStore`:
it connects and checks the server, credentials and database, pins the current
generation, and runs each ``.cypher`` statement as one managed transaction
(every value a parameter), retrying what the driver marks retryable and
mapping the driver's errors to chainkg's, with every secret taken out.

>>> DRIVER_RETRY_SECONDS <= MAX_PAUSE_SECONDS
True
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pandas as pd

from chainkg.config import NEO4J_CHUNK_SIZE, NEO4J_RETRY_SECONDS, NEO4J_WORKERS
from chainkg.errors import (
    ConfigError,
    Neo4jAuthError,
    Neo4jDatabaseNotFoundError,
    Neo4jQueryError,
    Neo4jTimeoutError,
    Neo4jUnreachableError,
    StoreNotBuiltError,
)
from graph.cypher import CypherStatement, statement
from graph.schema import Schema, load_schema

__all__ = ["Neo4jConnection", "SentStatement", "SentStatements", "StatementTiming", "recording_statements", "DEFAULT_CHUNK_SIZE", "DEFAULT_WORKERS", "DEFAULT_ATTEMPTS", "DRIVER_RETRY_SECONDS",
           "MAX_PAUSE_SECONDS", "Say"]

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

Say = Callable[[str], None]


class SentStatement(NamedTuple):
    """A statement a store sent: its name (``queries/cypher/…``), the rows it returned, its text."""

    name: str
    rows: int
    body: str


class StatementTiming(NamedTuple):
    """How long a sent statement took: the seconds the client waited for it (sending, the server's work,
    the rows over Bolt, decoding) and the server's own milliseconds from its result summary
    (``result_available_after`` + ``result_consumed_after``; None when the driver gave no summary)."""

    name: str
    client_s: float
    server_ms: int | None


class SentStatements(list):
    """The :class:`SentStatement` list :func:`recording_statements` fills, with ``timings`` beside it (one
    :class:`StatementTiming` per statement, in the same order)."""

    def __init__(self):
        super().__init__()
        self.timings: list[StatementTiming] = []


@contextlib.contextmanager
def recording_statements() -> Iterator[SentStatements]:
    """Record every statement any Neo4j store sends while the block runs (tests and benchmarks that count
    what a command asks of the server), and how long each took (``timings``). Not thread-safe against
    other recorders; the statements still run.

    >>> with recording_statements() as sent:
    ...     pass
    >>> sent, sent.timings
    ([], [])
    """
    sent = SentStatements()
    real = Neo4jConnection._execute

    def recording(self, stmt, parameters=None, *, write=False):
        started = time.perf_counter()
        rows = real(self, stmt, parameters, write=write)
        took = time.perf_counter() - started
        summary = getattr(self, "last_summary", None)
        parts = [getattr(summary, name, None) for name in ("result_available_after", "result_consumed_after")]
        server = sum(parts) if summary is not None and None not in parts else None
        sent.append(SentStatement(stmt.name, len(rows), stmt.body))
        sent.timings.append(StatementTiming(stmt.name, took, server))
        return rows

    Neo4jConnection._execute = recording
    try:
        yield sent
    finally:
        Neo4jConnection._execute = real


class Neo4jConnection:
    """A connection to one database of a Neo4j server, reads pinned to one generation.

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
        #: the driver's result summary of the last statement (its server-side timings; recording_statements)
        self.last_summary = None

    # -- connecting -------------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings, *, schema: Schema | None = None, **options) -> Neo4jConnection:
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
            from neo4j.exceptions import (
                AuthError,
                DriverError,
                Neo4jError,
                ServiceUnavailable,
                SessionExpired,
            )
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
                records, self.last_summary, _keys = self.driver.execute_query(
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

    def run_many(self, calls: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        """Run independent read statements, up to ``workers`` at once (each its own managed transaction on
        the pinned generation, so they read the same graph); their rows by the caller's names.

        ``calls`` maps a name of the caller's to (statement, parameters); the first given is sent first
        (give the slowest first). The server runs each statement on one thread: two in flight use two
        cores where one would leave the other idle. The first error is raised, as :meth:`run` raises it.
        """
        self._pinned_generation()  # pinned once, before the threads
        if self.workers == 1 or len(calls) < 2:
            return {key: self.run(name, params) for key, (name, params) in calls.items()}
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(self.workers, len(calls)), thread_name_prefix="chainkg-neo4j-read") as pool:
            futures = {key: pool.submit(self.run, name, params) for key, (name, params) in calls.items()}
            return {key: future.result() for key, future in futures.items()}

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
