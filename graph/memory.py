"""A store over in-memory tables: for tests, doctests and adapters' previews.

>>> from graph.schema import load_schema
>>> from graph.tables import GraphTables
>>> store = TableStore(GraphTables(load_schema()))
>>> len(store.nodes("Enterprise"))
0
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from graph.store import GraphStore, StoreInfo
from graph.tables import GraphTables

__all__ = ["TableStore"]


class TableStore(GraphStore):
    """The :class:`GraphStore` interface over :class:`GraphTables` held in memory."""

    def __init__(self, tables: GraphTables, *, data: Iterable[str] = ()):
        self.tables = tables
        self.schema = tables.schema
        self._data = tuple(data)

    def info(self) -> StoreInfo:
        return StoreInfo("memory", "<memory>", self.tables.digest(), self.tables.latest_as_of(), self._data,
                         self.tables.counts())

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        frame = self.tables.node_table(label)
        return frame if columns is None else frame[list(columns)]

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        frame = self.tables.edge_table(rel_type)
        return frame if columns is None else frame[list(columns)]
