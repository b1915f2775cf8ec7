"""Work shared between analyses of one store: computed once, read by every chain's question.

A catalogue asks the same choke-point figures, the same local enterprises and
the same counts for each of its chains; a web server asks them again on every
page. :class:`SharedWork` keeps them for one store. Callers pass it explicitly
(``shared=`` of :func:`queries.chokepoints.chokepoints`,
:func:`queries.targets.chain_targets`, :func:`viz.chain_map`, …); without one,
each call computes what it needs and forgets it.

Entries are keyed by the question (``("chokepoints", "320400")``, …), bounded
(least recently used first out), and belong to one build: a :class:`SharedWork`
refuses a store whose digest differs from the one it was made for, so a
rebuilt graph is never answered from old figures.

>>> from queries._fixture import fixture_store
>>> store = fixture_store()
>>> shared = SharedWork(store)
>>> shared.get(("answer",), lambda: 42), shared.get(("answer",), lambda: 0)
(42, 42)
>>> shared.for_store(store) is shared
True
>>> shared.reader() is shared.reader()  # one GraphReader per run
True
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graph.store import GraphStore

__all__ = ["SharedWork", "shared_for"]

T = TypeVar("T")


class SharedWork:
    """Figures computed once per store and question, shared across chains and calls (see the module).

    ``size`` bounds the number of entries kept (each is a per-perspective or per-setting summary:
    integer arrays over the enterprises of a region, small tables, the choke-point figures).
    """

    def __init__(self, store: GraphStore, *, size: int = 64):
        self.store = store
        self.size = size
        self._digest: str | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    @property
    def digest(self) -> str:
        """The digest of the build this work belongs to."""
        if self._digest is None:
            self._digest = self.store.info().digest
        return self._digest

    def for_store(self, store: GraphStore) -> SharedWork:
        """``self`` when ``store`` is the store (or the same build) it was made for, else a ValueError."""
        if store is not self.store and store.info().digest != self.digest:
            raise ValueError("this SharedWork belongs to another graph (digest "
                             f"{self.digest[:12]}); make a new one for the rebuilt store")
        return self

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The entry ``key``, built by ``build()`` the first time it is asked for."""
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        value = build()
        self._entries[key] = value
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def reader(self):
        """The run's one :class:`queries._reader.GraphReader` (small tables read once for every chain and
        analysis: the gap analysis' platforms, the targets' carriers, the maps)."""
        from queries._reader import GraphReader

        return self.get(("graph_reader",), lambda: GraphReader(self.store))

    def __len__(self) -> int:
        return len(self._entries)


def shared_for(store: GraphStore, shared: SharedWork | None) -> SharedWork:
    """``shared`` checked against ``store``, or a new :class:`SharedWork` for this call only."""
    return SharedWork(store) if shared is None else shared.for_store(store)
