"""The same question for many chains, on several processes.

A catalogue asks a chain's sections and draws its map once per chain; the work
is Python and pandas, so threads would wait on each other. :func:`per_chain`
hands the chains to worker processes instead. Each worker reads the same build
of the embedded store (its files are memory-mapped: the workers share the page
cache, not copies) and keeps one :class:`queries.shared.SharedWork` for all the
chains it gets, so the per-region figures are computed once per worker. Results
come back in the order of the items, so the output is the same as one process
would give. A store that cannot be reopened by another process (in memory,
Neo4j) is served in this process.

Where it can (Linux, no other Python thread in this process), the pool forks
its workers: they start with this process's modules, store and shared work
instead of importing Python's libraries and opening the store again (a second
each), and end without tearing their interpreter down. Elsewhere they are
spawned (:func:`start_method`).

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

__all__ = ["per_chain", "reopenable", "start_method", "WorkerPool"]

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


def start_method() -> str:
    """How the pool starts its workers: ``"fork"`` on Linux when no other Python thread runs in this process,
    else ``"spawn"``.

    A forked child has only the thread that forked it. The pool is started from the main thread between two
    calls into pandas and Arrow, which return only when their work is done, so no lock of theirs is held
    then (Arrow's idle pool threads wait on a condition; the RDF export forks its helpers the same way); a
    Python thread of ours could be holding one, so with another thread running the workers are spawned. Other
    systems' libraries are not all safe to fork (macOS), so there too.
    """
    import multiprocessing
    import sys
    import threading

    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods() \
            and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _open(folder: str) -> None:
    """A spawned worker's start: open the build and make its shared work."""
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(Path(folder))
    _WORKER["store"] = store
    _WORKER["shared"] = SharedWork(store)


def _adopt(store: GraphStore, shared: SharedWork) -> None:
    """A forked worker's start: the store and shared work it was forked with (its copies of the parent's)."""
    _WORKER["store"] = store
    _WORKER["shared"] = shared


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
        return self.workers > 1 and items > 1 and reopenable(self.store) is not None and \
            (self._pool is not None or start_method() == "fork" or _spawnable())

    def map(self, func, items: list, shared: SharedWork | None = None):
        """``func(store, shared, item)`` for each item on the workers, in order; the pool starts on the first
        call (forked workers keep ``shared``, this process's shared work, as it is then)."""
        tasks = [(func, item) for item in items]
        if self._pool is not None:
            return self._pool.map(_run, tasks)
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = start_method()
        start = (_adopt, (self.store, shared_for(self.store, shared))) if method == "fork" else \
            (_open, (str(reopenable(self.store)),))
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context(method),
                                         initializer=start[0], initargs=start[1])
        if method != "fork":
            return self._pool.map(_run, tasks)
        # forked on the first task: the objects they inherit are frozen in them, left out of their garbage
        # collections (which would walk them, and copy their pages, every time); this process unfreezes its own
        gc.freeze()
        try:
            return self._pool.map(_run, tasks)
        finally:
            gc.unfreeze()

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
        for n, result in enumerate(pool.map(func, items, shared), 1):
            if progress is not None:
                progress(f"{n}/{len(items)}")
            out.append(result)
        return out
    finally:
        if pool is not workers:
            pool.close()


def _chain_name(store: GraphStore, shared: SharedWork, key: str) -> str:
    return store.resolve("Chain", key).name
