"""An in-memory store over tables no test changes, for comparisons that ask it thousands of questions.

:class:`graph.memory.TableStore` hashes every table again each time it is asked for
its :meth:`~graph.memory.TableStore.info` (the graph's digest and counts), and each
analysis call asks (``queries._reader.GraphReader``, ``queries.shared.SharedWork``):
on the awkward graphs that is most of the reference side's time. Tables that nobody
changes have one digest, so :class:`FrozenTableStore` computes it once.

>>> from graph.schema import load_schema
>>> from graph.tables import GraphTables
>>> store = FrozenTableStore(GraphTables(load_schema()))
>>> store.info() is store.info()
True
>>> store.info() == TableStore(store.tables).info()
True
"""

from __future__ import annotations

from functools import cached_property

from graph.memory import TableStore
from graph.store import StoreInfo

__all__ = ["FrozenTableStore"]


class FrozenTableStore(TableStore):
    """A :class:`TableStore` whose tables are never changed after it is made: its info is computed once."""

    @cached_property
    def _info(self) -> StoreInfo:
        return super().info()

    def info(self) -> StoreInfo:
        return self._info
