"""An in-memory store over tables no test changes, for comparisons that ask it thousands of questions.

:class:`graph.memory.TableStore` hashes every table again each time it is asked for
its :meth:`~graph.memory.TableStore.info` (the graph's digest and counts), and each
analysis call asks (``queries._reader.GraphReader``, ``queries.shared.SharedWork``):
on the awkward graphs that is most of the reference side's time. Tables that nobody
changes have one digest, so :class:`FrozenTableStore` computes it once. Likewise the
WITHIN tree (:meth:`~graph.store.GraphStore.region_links`), which a TableStore reads
again for every ``region_subtree`` and ``region_ancestors`` (the references ask about
170 times per graph).

>>> from graph.schema import load_schema
>>> from graph.tables import GraphTables
>>> store = FrozenTableStore(GraphTables(load_schema()))
>>> store.info() is store.info()
True
>>> store.info() == TableStore(store.tables).info()
True
>>> store.region_links() is store.region_links()
True
"""

from __future__ import annotations

from functools import cached_property

from graph.memory import TableStore
from graph.store import RegionLinks, StoreInfo

__all__ = ["FrozenTableStore"]


class FrozenTableStore(TableStore):
    """A :class:`TableStore` whose tables are never changed after it is made: its info and its region tree are
    computed once."""

    @cached_property
    def _info(self) -> StoreInfo:
        return super().info()

    def info(self) -> StoreInfo:
        return self._info

    @cached_property
    def _region_links(self) -> RegionLinks:
        return super().region_links()

    def region_links(self) -> RegionLinks:
        return self._region_links
