"""Load data folders into Neo4j: validate exactly as ``chainkg build`` does, then send.

Nothing reaches the server unless every table passes the same checks as a
build (:func:`ingest.load.load_tables`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from graph.neo4j_store import LoadReport, Neo4jStore
from graph.tables import GraphTables
from ingest.build import _shown
from ingest.load import Progress, load_tables

__all__ = ["load_neo4j", "Neo4jLoadResult"]

#: makes a progress bar for ``total`` rows; entering it gives the function to call with each chunk's rows
BarFactory = Callable[[int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class Neo4jLoadResult:
    """What a load sent: the validated tables' digest and counts, and the store's report."""

    digest: str
    counts: dict[str, dict[str, int]]
    report: LoadReport
    location: str


def load_neo4j(folders: Iterable[str | Path], connect: Callable[[], Neo4jStore], *, replace: bool = False,
               progress: Progress | None = None, bar: BarFactory | None = None) -> Neo4jLoadResult:
    """Validate ``folders``, then connect and load them (see :meth:`Neo4jStore.load`).

    The server is not contacted unless the data passes every check.
    """
    folders = [Path(f) for f in folders]
    tables: GraphTables = load_tables(folders, progress=progress)
    with contextlib.closing(connect()) as store:
        return _send(tables, folders, store, replace=replace, progress=progress, bar=bar)


def _send(tables: GraphTables, folders: list[Path], store: Neo4jStore, *, replace: bool,
          progress: Progress | None, bar: BarFactory | None) -> Neo4jLoadResult:
    if progress:
        progress(f"loading into Neo4j ({store.location})" + (", replacing what is there" if replace else ""))
    total = Neo4jStore.load_size(tables)
    with (bar(total) if bar else nullcontext(None)) as update:
        report = store.load(tables, data=[_shown(f) for f in folders], replace=replace, progress=update)
    return Neo4jLoadResult(report.digest, tables.counts(), report, store.location)
