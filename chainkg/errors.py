"""The one exception hierarchy of chainkg.

Every error a user can cause derives from :class:`ChainkgError`; the CLI turns
those into a message with a hint and exit code 2 (no traceback unless
``--verbose``). Anything else is a bug and keeps its traceback.

>>> try:
...     raise BadInputError([InputProblem("a.csv", 3, "name", "empty value", "fill in the name")])
... except ChainkgError as error:
...     print(error)
a.csv:3:name: empty value (fix: fill in the name)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ChainkgError",
    "SchemaError",
    "InputProblem",
    "BadInputError",
    "StoreError",
    "StoreNotBuiltError",
    "StoreBusyError",
    "OutputError",
    "NotFoundError",
    "AmbiguousNameError",
    "ConfigError",
    "Neo4jConnectionError",
    "SnapshotError",
    "Neo4jUnreachableError",
    "Neo4jAuthError",
    "Neo4jDatabaseNotFoundError",
    "Neo4jQueryError",
    "Neo4jTimeoutError",
    "Neo4jForeignDataError",
]


class ChainkgError(Exception):
    """Base class of every error a user can cause or fix."""

    hint: str | None = None

    def __init__(self, message: str | None = None, *, hint: str | None = None):
        super().__init__(message or (self.__doc__ or "").strip())
        if hint is not None:
            self.hint = hint


class SchemaError(ChainkgError):
    """The schema declaration is invalid."""


class ConfigError(ChainkgError):
    """The configuration is invalid."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in one input file, at a row (1-based line of the file) and column."""

    file: str
    row: int | None
    column: str | None
    reason: str
    fix: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        text = f"{where}: {self.reason}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class BadInputError(ChainkgError):
    """The input data has problems; nothing was changed."""

    #: how many problems the message lists before it summarises the rest
    shown = 20

    def __init__(self, problems: list[InputProblem], *, hint: str | None = None, more: int = 0):
        """``more``: problems found beyond those listed (counted, not kept: a file can be wrong in millions
        of places).

        >>> error = BadInputError([InputProblem("a.csv", 2, "name", "empty")] * 25, more=1000)
        >>> str(error).splitlines()[-1]
        '… and 1005 more problems'
        """
        self.problems = list(problems)
        self.more = more
        lines = [str(p) for p in self.problems[: self.shown]]
        rest = max(len(self.problems) - self.shown, 0) + more
        if rest > 0:
            lines.append(f"… and {rest} more problems")
        super().__init__("\n".join(lines), hint=hint)


class StoreError(ChainkgError):
    """The graph store cannot be used."""


class StoreNotBuiltError(StoreError):
    """No graph has been built yet."""

    hint = "run `chainkg build` first (or pass --home to point at a built store)"


class StoreBusyError(StoreError):
    """Another build is writing the store."""

    hint = "wait for it to finish"


class OutputError(ChainkgError):
    """An output file cannot be written; nothing was left half-written."""


class NotFoundError(ChainkgError):
    """Nothing matches the name."""


class AmbiguousNameError(ChainkgError):
    """The name matches several nodes."""


class Neo4jConnectionError(ChainkgError):
    """Neo4j cannot be reached or refused the connection."""


class SnapshotError(ChainkgError):
    """A saved analysis (snapshot) cannot be written or read."""


class Neo4jUnreachableError(Neo4jConnectionError):
    """No Neo4j server answers at the configured address."""

    hint = ("is the server running (`eval \"$(bash .ci/neo4j start)\"` starts a local one)? "
            "check CHAINKG_NEO4J_URI, e.g. bolt://localhost:7687")


class Neo4jAuthError(Neo4jConnectionError):
    """Neo4j refused the user name or password."""

    hint = "set CHAINKG_NEO4J_USER and CHAINKG_NEO4J_PASSWORD (or [neo4j] user/password in chainkg.local.toml)"


class Neo4jDatabaseNotFoundError(Neo4jConnectionError):
    """The Neo4j server has no database of the configured name."""

    hint = ("set CHAINKG_NEO4J_DATABASE to an existing database (Community edition has one, `neo4j`), "
            "or create it with CREATE DATABASE (Enterprise edition)")


class Neo4jQueryError(StoreError):
    """Neo4j refused a statement."""


class Neo4jTimeoutError(Neo4jQueryError):
    """A statement ran longer than the transaction timeout and was stopped."""

    hint = ("raise the timeout (CHAINKG_NEO4J_TIMEOUT or [neo4j] timeout in chainkg.local.toml, in seconds; "
            "the server's own limit is db.transaction.timeout), or ask for less (one chain, one region)")


class Neo4jForeignDataError(StoreError):
    """The Neo4j database holds nodes chainkg did not write."""

    hint = ("load into an empty database (Community edition has one per server: start another server), "
            "or pass --force to load beside those nodes: chainkg leaves them as they are")
