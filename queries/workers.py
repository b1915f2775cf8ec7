"""The same question for many chains, on several processes.

A catalogue asks a chain's sections and draws its map once per chain; the work
is Python and pandas, so threads would wait on each other. :func:`per_chain`
hands the chains to worker processes instead. Each worker opens the same build
of the embedded store (its files are memory-mapped: the workers share the page
cache, not copies) and keeps one :class:`queries.shared.SharedWork` for all the
chains it gets, so the per-region figures are computed once per worker. Results
come back in the order of the items, so the output is the same as one process
would give. A store that cannot be reopened by another process (in memory,
Neo4j) is served in this process.

>>> from queries._fixture import fixture_store
>>> per_chain(fixture_store(), _chain_name, ["ch-demo"], workers=2)
['示例链']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graph.store import GraphStore
from queries.shared import SharedWork, shared_for

__all__ = ["per_chain", "reopenable", "WorkerPool"]

_WORKER: dict[str, Any] = {}


def reopenable(store: GraphStore) -> Path | None:
    """The build folder another process can open for ``store`` (an embedded store), else None."""
    from graph.embedded import EmbeddedStore

    return Path(store.folder) if isinstance(store, EmbeddedStore) else None


def _spawnable() -> bool:
    """Whether a spawned process can start: it imports the main module again, which needs a file or a
    module name (not ``python -c`` or standard input)."""
    import sys

    main = sys.modules.get("__main__")
    if getattr(main, "__spec__", None) is not None:
        return True
    path = getattr(main, "__file__", None)
    return path is not None and Path(path).is_file()


def _open(folder: str) -> None:
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(Path(folder))
    _WORKER["store"] = store
    _WORKER["shared"] = SharedWork(store)


def _run(task: tuple) -> Any:
    func, item = task
    return func(_WORKER["store"], _WORKER["shared"], item)


class WorkerPool:
    """Worker processes for one store, started on first use and kept for every :func:`per_chain` call
    made with it (a catalogue's sections, then its maps): each worker starts Python and opens the store
    once. Use it as a context manager::

        with WorkerPool(store, 2) as pool:
            catalog = region_catalog(store, workers=pool)
            write_catalog(store, catalog, "out/", workers=pool)

    As with any process pool, the calling script must be importable without side effects
    (``if __name__ == "__main__":``); where it is not (``python -c``, standard input), or the store
    cannot be reopened, the work runs in this process.
    """

    def __init__(self, store: GraphStore, workers: int):
        self.store, self.workers = store, workers
        self._pool = None

    def usable(self, items: int) -> bool:
        return self.workers > 1 and items > 1 and reopenable(self.store) is not None and _spawnable()

    def map(self, func, items: list):
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # spawn, not fork: the parent may run Arrow's threads, which a forked child would inherit half-way
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_open, initargs=(str(reopenable(self.store)),))
        return self._pool.map(_run, [(func, item) for item in items])

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def per_chain(store: GraphStore, func: Callable[[GraphStore, SharedWork, Any], Any], items: Sequence, *,
              workers: int | WorkerPool = 1, shared: SharedWork | None = None,
              progress: Callable[[str], None] | None = None) -> list:
    """``[func(store, shared, item) for item in items]``, on worker processes when ``workers`` is a
    :class:`WorkerPool` (or a number of processes, for this call only) that can serve the store.
    ``func`` must be a module-level function (it is sent by name)."""
    items = list(items)
    pool = workers if isinstance(workers, WorkerPool) else WorkerPool(store, int(workers))
    if pool.store is not store:
        raise ValueError("the WorkerPool belongs to another store")
    if not pool.usable(len(items)):
        shared = shared_for(store, shared)
        out = []
        for n, item in enumerate(items, 1):
            if progress is not None:
                progress(f"{n}/{len(items)}")
            out.append(func(store, shared, item))
        return out
    try:
        out = []
        for n, result in enumerate(pool.map(func, items), 1):
            if progress is not None:
                progress(f"{n}/{len(items)}")
            out.append(result)
        return out
    finally:
        if pool is not workers:
            pool.close()


def _chain_name(store: GraphStore, shared: SharedWork, key: str) -> str:
    return store.resolve("Chain", key).name
