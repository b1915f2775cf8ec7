"""Load the current build into Neo4j: what ``chainkg build``, ``ingest eto`` and layered ``--data`` folders made.

The tables come from the embedded store under ``--home`` (its current build),
never from a second reading of ``data/``: Neo4j receives exactly the graph the
other commands answer from, with the build's digest, ``as_of`` and data
folders. Nothing built there is the usual
:class:`~chainkg.errors.StoreNotBuiltError`, before the server is contacted.

>>> import tempfile
>>> from ingest.build import build
>>> home = tempfile.mkdtemp()
>>> result = build([DEFAULT_DATA_DIR], home)
>>> source = built_tables(home)
>>> source.digest == result.digest, len(source.tables.nodes["Cluster"])
(True, 10)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graph.neo4j_store import LoadReport, Neo4jStore
from graph.store import GraphStore
from graph.tables import GraphTables
from ingest.load import DEFAULT_DATA_DIR, Progress

__all__ = ["load_neo4j", "Neo4jLoadResult", "BuiltTables", "built_tables", "tables_of", "DEFAULT_DATA_DIR"]

#: makes a progress bar for ``total`` rows; entering it gives the function to call with each chunk's rows
BarFactory = Callable[[int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class BuiltTables:
    """The current build's tables, with what its manifest says about them."""

    tables: GraphTables
    digest: str
    as_of: str
    data: tuple[str, ...]
    location: str


@dataclass(frozen=True)
class Neo4jLoadResult:
    """What a load sent: the build's digest and counts, and the store's report."""

    digest: str
    counts: dict[str, dict[str, int]]
    report: LoadReport
    location: str


def _exists(frame: pd.DataFrame) -> bool:
    """Whether a table read from a store exists in its build: it has rows, or its empty columns carry the
    schema's types (a table a build does not have reads back as text columns only)."""
    return not frame.empty or any(str(dtype) != "string" for dtype in frame.dtypes)


def tables_of(store: GraphStore) -> GraphTables:
    """Every node and relationship table of ``store``, as :class:`GraphTables` (tables it lacks left out)."""
    tables = GraphTables(store.schema)
    for label in store.schema.labels:
        frame = store.nodes(label)
        if _exists(frame):
            tables.nodes[label] = frame
    for rel in store.schema.relationships:
        frame = store.edges(rel)
        if _exists(frame):
            tables.edges[rel] = frame
    return tables


def built_tables(home: str | Path) -> BuiltTables:
    """The current build under ``home`` (:class:`~chainkg.errors.StoreNotBuiltError` when there is none)."""
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore.open(home)
    info = store.info()
    return BuiltTables(tables_of(store), info.digest, info.as_of, tuple(info.data), info.location)


def load_neo4j(home: str | Path, connect: Callable[[], Neo4jStore], *, force: bool = False,
               progress: Progress | None = None, bar: BarFactory | None = None) -> Neo4jLoadResult:
    """Load the current build under ``home`` into Neo4j (see :meth:`Neo4jStore.load`).

    The server is not contacted when nothing is built.
    """
    source = built_tables(home)
    if progress:
        progress(f"read the build {source.digest[:12]} from {source.location}")
    with contextlib.closing(connect()) as store:
        store.check_foreign(force=force)  # before the progress bar: a refusal is the only output
        if progress:
            progress(f"loading into Neo4j ({store.location}) as a new generation")
        total = Neo4jStore.load_size(source.tables)
        with (bar(total) if bar else nullcontext(None)) as update:
            report = store.load(source.tables, data=source.data, digest=source.digest, as_of=source.as_of,
                                force=force, progress=update)
        return Neo4jLoadResult(report.digest, source.tables.counts(), report, store.location)
