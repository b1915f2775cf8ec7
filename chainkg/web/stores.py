"""Which graph a request reads, and the analyses already computed for it.

Every request reads one build from start to end: :class:`CurrentStore` hands
out the store of the build that is current *when the request starts* (for the
embedded store: the target of ``<home>/current``, checked with one
``readlink`` per request, and reopened only when a rebuild has swapped it), so
a page never mixes two builds. :class:`AnalysisCache` keeps each costly
analysis once per build: its key starts with the store's digest, so a rebuild
invalidates it by construction, and a lock per key makes concurrent requests
for the same analysis wait for the one computing it instead of repeating it.

>>> calls = []
>>> cache = AnalysisCache(max_entries=2)
>>> cache.get(("digest-a", "gaps", "光伏"), lambda: calls.append(1) or "report")
'report'
>>> cache.get(("digest-a", "gaps", "光伏"), lambda: calls.append(1) or "again")
'report'
>>> len(calls)
1
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from chainkg.config import Settings
    from graph.store import GraphStore

__all__ = ["CurrentStore", "AnalysisCache", "store_factory"]


class CurrentStore:
    """The store of the current build, opened read-only and reused until a rebuild swaps ``current``.

    ``opener(folder)`` opens the build in ``folder``; the embedded store's
    :class:`~graph.embedded.EmbeddedStore` by default. Keep all store access
    of the web application behind :meth:`__call__` (reader pinning of the
    embedded store, when it comes, belongs here).
    """

    def __init__(self, home: str | Path, opener: Callable[[Path], GraphStore] | None = None):
        self.home = Path(home)
        self._opener = opener
        self._lock = threading.Lock()
        self._target: str | None = None
        self._store: GraphStore | None = None

    def __call__(self) -> GraphStore:
        link = self.home / "current"
        try:
            target = os.readlink(link)
        except OSError:
            target = None  # not built (or not a link): let the opener say so
        with self._lock:
            if self._store is None or target != self._target:
                self._store = self._open()
                self._target = target
            return self._store

    def _open(self) -> GraphStore:
        if self._opener is not None:
            return self._opener(self.home)
        from graph.embedded import EmbeddedStore

        return EmbeddedStore.open(self.home)


def store_factory(settings: Settings) -> Callable[[], GraphStore]:
    """The store function ``chainkg serve`` uses: the embedded build under ``settings.home``, or Neo4j."""
    if settings.store == "neo4j":
        lock = threading.Lock()
        holder: dict[str, Any] = {}

        def neo4j() -> GraphStore:
            with lock:
                if "store" not in holder:
                    from graph.neo4j_store import Neo4jStore

                    holder["store"] = Neo4jStore.connect(settings.neo4j)
                return holder["store"]

        return neo4j
    return CurrentStore(settings.home)


class AnalysisCache:
    """Results of analyses by key (digest first), at most ``max_entries``; over the bound, the least recently
    used value that was quick to compute goes first.

    A value whose ``compute()`` took ``costly_seconds`` or more (a chain's gap analysis, its targets, the
    overview of every chain) is dropped only when every value kept is as costly: browsing the hundreds of
    node pages, each quick to render again, does not push out the analyses that take seconds. ``clock``
    measures the computations (``time.perf_counter``).

    >>> ticks = iter([0.0, 2.0, 2.0, 2.1, 2.1, 2.2])  # the analysis takes 2 s, each page 0.1 s
    >>> cache = AnalysisCache(max_entries=2, clock=lambda: next(ticks))
    >>> cache.get(("d", "gaps"), lambda: "report")
    'report'
    >>> cache.get(("d", "page", 1), lambda: "<p>1</p>"), cache.get(("d", "page", 2), lambda: "<p>2</p>")
    ('<p>1</p>', '<p>2</p>')
    >>> cache.keys()  # over the bound: the quick page went, the older analysis stays
    [('d', 'gaps'), ('d', 'page', 2)]
    """

    def __init__(self, max_entries: int = 256, *, costly_seconds: float = 0.5,
                 clock: Callable[[], float] | None = None):
        import time

        self.max_entries = max_entries
        self.costly_seconds = costly_seconds
        self._clock = clock or time.perf_counter
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._costly: set[Hashable] = set()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._pinned: dict[Hashable, Any] = {}
        self._guard = threading.Lock()
        self._digest: object = None
        self.computed = 0

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """The value for ``key``, computed once by ``compute()`` (other callers wait for it).

        ``key[0]`` is the build's digest: the first key of a new build drops every value of the
        others, so memory holds the analyses of one build only.
        """
        with self._guard:
            self._build(key[0])
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._values:
                    return self._values[key]
            started = self._clock()
            value = compute()  # an exception leaves nothing behind: the next request tries again
            seconds = self._clock() - started
            with self._guard:
                self.computed += 1
                if key[0] != self._digest:  # a newer build arrived meanwhile: serve, do not keep
                    self._locks.pop(key, None)
                    return value
                self._values[key] = value
                if seconds >= self.costly_seconds:
                    self._costly.add(key)
                self._locks.pop(key, None)
                self._bound()
            return value

    def _bound(self) -> None:
        """Drop values over ``max_entries``: the least recently used quick one, a costly one only when all
        are (the caller holds ``_guard``)."""
        while len(self._values) > self.max_entries:
            drop = next((k for k in self._values if k not in self._costly), None)
            if drop is None:
                drop = next(iter(self._values))
            del self._values[drop]
            self._costly.discard(drop)

    def keys(self) -> list:
        """The keys of the values kept, least recently used first."""
        with self._guard:
            return list(self._values)

    def pinned(self, key: tuple, make: Callable[[], Any]) -> Any:
        """The value for ``key`` made once by ``make()`` (quick: no analysis) and kept, outside the
        ``max_entries`` bound, until a key of another build arrives (``key[0]``: the digest, as in :meth:`get`).

        For what every analysis of the build reads (its :class:`queries.shared.SharedWork`): a value
        dropped by the bound would be made again, and all it had gathered computed again.
        """
        with self._guard:
            self._build(key[0])
            if key not in self._pinned:
                self._pinned[key] = make()
            return self._pinned[key]

    def _build(self, digest: object) -> None:
        """Drop every value of another build (the caller holds ``_guard``)."""
        if digest != self._digest:
            self._digest = digest
            self._values.clear()
            self._costly.clear()
            self._pinned.clear()

    def clear(self) -> None:
        with self._guard:
            self._values.clear()
            self._costly.clear()
            self._pinned.clear()
