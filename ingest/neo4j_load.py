"""Load data folders into Neo4j: validate exactly as ``chainkg build`` does, then send.

Nothing reaches the server unless every table passes the same checks as a
build (:func:`ingest.load.load_tables`).
"""

from __future__ import annotations

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


def load_neo4j(folders: Iterable[str | Path], store: Neo4jStore, *, replace: bool = False,
               progress: Progress | None = None, bar: BarFactory | None = None) -> Neo4jLoadResult:
    """Validate ``folders`` and load them into ``store`` (see :meth:`Neo4jStore.load`)."""
    folders = [Path(f) for f in folders]
    tables: GraphTables = load_tables(folders, progress=progress)
    if progress:
        progress(f"loading into Neo4j ({store.location})" + (", replacing what is there" if replace else ""))
    total = Neo4jStore.load_size(tables)
    with (bar(total) if bar else nullcontext(None)) as update:
        report = store.load(tables, data=[_shown(f) for f in folders], replace=replace, progress=update)
    return Neo4jLoadResult(tables.digest(), tables.counts(), report)
