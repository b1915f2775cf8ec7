"""The embedded store: Arrow tables in a local folder, memory-mapped, no server.

Layout of the store folder (``.chainkg/`` by default)::

    .chainkg/
      current -> builds/<digest>      symlink, swapped atomically after a build
      builds/<digest>/manifest.json   counts, data folders, as_of, digest
      builds/<digest>/nodes/<Label>.arrow
      builds/<digest>/edges/<TYPE>.arrow
      builds/<digest>/index/<TYPE>.<end>.{rows,order,offsets}.npy

Tables are Arrow IPC files, uncompressed, one record batch each, so opening a
store costs only the manifest and reading a table is a memory map: pandas
columns are Arrow-backed views of the file (strings are not copied), and the
lookups ``chainkg show`` needs (:meth:`EmbeddedStore.edges_where`,
:meth:`EmbeddedStore.nodes_where`) touch only the rows they return.

The endpoint index, written at build time from the row numbers ingest's
reference check computes anyway: for each relationship type and end whose
label is fixed, ``rows`` holds the endpoint's row in its node table,
``order``/``offsets`` group the relationships by that row (CSR), so the
relationships of a node are a slice, not a scan of millions of keys.

A build writes a new folder beside the current one and swaps the ``current``
link in one ``rename``; a build that fails before the swap leaves the
previous graph as it was. The files are deterministic, so building the same
tables twice gives the same folder, byte for byte. Stores of the first format
(Parquet files) still open.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from pathlib import Path

import pandas as pd

from chainkg.errors import StoreBusyError, StoreError, StoreNotBuiltError
from graph.locks import BuildGone, claim_build, pin_build, writer_lock
from graph.outputs import os_error_hint
from graph.schema import Schema, load_schema
from graph.store import EndpointIndex, GraphStore, NodeMatch, RegionLinks, StoreInfo
from graph.tables import GraphTables, KnownHashes, combine_digests, worker_count

__all__ = ["EmbeddedStore", "write_embedded", "FORMAT"]

_LINK = "current"
#: how often :meth:`EmbeddedStore.open` resolves ``current`` again while builds are swapped under it
_OPEN_ATTEMPTS = 200
#: the store layout written by :func:`write_embedded` (1: Parquet, 2: Arrow IPC)
FORMAT = 2
_SUFFIX = {1: ".parquet", 2: ".arrow"}


def _arrow_table(frame: pd.DataFrame):
    """``frame`` as one contiguous Arrow table: a record batch per file keeps lookups (``take``) cheap.

    Converted in the calling thread: the writer already runs one table per worker, and Arrow's own
    threads on top would only compete with them."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False, nthreads=1).combine_chunks()


def _write_arrow(table, path: Path) -> None:
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(table.num_rows, 1))


def write_embedded(tables: GraphTables, home: str | Path, *, data: Iterable[str] = (), pool: Executor | None = None,
                   confirm: Callable[[], None] | None = None, wait: float | None = None,
                   on_wait: Callable[[str], None] | None = None) -> Path:
    """Write ``tables`` as a new build under ``home`` and make it current. Returns the build folder.

    Building the same tables twice gives the same folder, byte for byte; the
    manifest's ``digest`` is :meth:`GraphTables.digest` (the same for every
    store). The files, digests and index are written by the workers of ``pool``
    (by default a pool of its own). ``confirm``, when given, is called once all
    of that is under way and before the build becomes current: if it raises,
    the build folder is removed and nothing under ``home`` changes.

    One writer at a time: the store's writer lock (:func:`graph.locks.writer_lock`,
    with ``wait`` and ``on_wait``) is held from the first file to the last. Under
    it, staging folders of writers that died are removed, and so are old builds
    no open store pins. An operating-system error while writing (a full disk, a
    read-only folder) is a :class:`~chainkg.errors.StoreError`; the previous
    graph stays current and no half-written build is left (at most a complete
    one that never became current, which the next build removes).
    """
    if pool is None:
        with ThreadPoolExecutor(max_workers=worker_count()) as own:
            return write_embedded(tables, home, data=data, pool=own, confirm=confirm, wait=wait, on_wait=on_wait)
    home = Path(home)
    with writer_lock(home, wait=wait, on_wait=on_wait):
        try:
            target = _write_build(tables, home, data, pool, confirm)
            _swap_link(home, target)
        except OSError as error:
            raise StoreError(f"cannot write the store under {home}: {_os_reason(error)}",
                             hint=os_error_hint(error, elsewhere="use another --home")
                             + "; the previous graph is unchanged") from error
        _keep_pinned(home, target)
        _remove_old_builds(home / "builds", keep=target)
    return target


#: per store folder, the pin on the build this process wrote last (see :func:`_keep_pinned`)
_WRITTEN: dict[str, object] = {}
_WRITTEN_KEPT = 64


def _keep_pinned(home: Path, target: Path) -> None:
    """Pin the build just written until this process writes the store again or ends.

    The writer lock is released on return, and the caller still reads the new
    build (its manifest, to report counts and digest): a build running next
    must not remove it under the caller's feet.
    """
    key = str(home.resolve())
    previous = _WRITTEN.pop(key, None)
    try:
        _WRITTEN[key] = pin_build(target)
    except BuildGone:  # cannot happen under the writer lock; nothing to keep then
        pass
    if previous is not None:
        previous.close()
    while len(_WRITTEN) > _WRITTEN_KEPT:  # a long-running process that writes many stores keeps the latest
        _WRITTEN.pop(next(iter(_WRITTEN))).close()


def _write_build(tables: GraphTables, home: Path, data: Iterable[str], pool: Executor,
                 confirm: Callable[[], None] | None) -> Path:
    """Write the build folder (under the writer lock) and return it; on any failure nothing is left."""
    builds = home / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    _remove_stale(home)
    staging = builds / f".staging-{os.getpid()}"
    for sub in ("nodes", "edges", "index"):
        (staging / sub).mkdir(parents=True)
    submitted: dict = {}
    try:
        known = KnownHashes(tables)
        node_digests = [tables.prefetched_digest(name, frame) or pool.submit(tables.digest_of, "node", name, frame, known)
                        for name, frame in sorted(tables.nodes.items())]
        # (estimated cost, name, task, arguments): the longest tasks go first (numpy, Arrow and file writes
        # release the GIL), so that none is left to run alone at the end
        tasks = [(len(frame) * 4, ("digest", name), tables.digest_of, ("edge", name, frame, known))
                 for name, frame in tables.edges.items()]
        tasks += [(len(frame) * 3, ("file", folder, name), _write_table, (frame, staging / folder / f"{name}{_SUFFIX[FORMAT]}"))
                  for folder, group in (("nodes", tables.nodes), ("edges", tables.edges))
                  for name, frame in group.items()]
        tasks += [(len(rows), ("index", rel, end), _write_index_entry, (tables, rel, end, rows, staging / "index"))
                  for rel, end in tables.endpoint_rows if (rows := tables.current_endpoint_rows(rel, end)) is not None]
        tasks.append((sum(len(f) for f in tables.edges.values()) // 4, ("as_of",), tables.latest_as_of, ()))
        for _, name, task, args in sorted(tasks, key=lambda t: -t[0]):
            submitted[name] = pool.submit(task, *args)
        if confirm is not None:
            confirm()
        digest = combine_digests([part.result() for part in node_digests] +
                                 [submitted["digest", name].result() for name in sorted(tables.edges)])
        as_of = submitted["as_of",].result()
        for job in submitted.values():
            job.result()
        target = builds / digest[:16]
        manifest = {
            "format": FORMAT,
            "schema_version": tables.schema.version,
            "digest": digest,
            "as_of": as_of,
            "data": list(data),
            "counts": tables.counts(),
        }
        with open(staging / "manifest.json", "w", encoding="utf-8") as handle:
            handle.write(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
            handle.flush()
            os.fsync(handle.fileno())  # a full disk shows here at the latest, before the build is swapped in
        if target.exists() and _format_of(target) == FORMAT:
            shutil.rmtree(staging)  # the same graph, already written in this format
        else:
            if target.exists():  # an older format of the same graph: replaced, unless a reader holds it
                claim = claim_build(target)
                if claim is None:
                    raise StoreBusyError(f"a reader still uses the old build {target}",
                                         hint="close the programs that read the store and build again")
                with claim:
                    shutil.rmtree(target)
            staging.rename(target)
    except BaseException:
        for job in submitted.values():
            job.cancel()
        wait_for(submitted.values())  # no worker may still be writing into the folder removed next
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _remove_stale(home: Path) -> None:
    """Remove what writers that died left: staging folders and temporary links.

    Called under the writer lock: only the lock's holder creates them, so any
    found now belongs to a writer that ended without cleaning up.
    """
    for stale in (home / "builds").glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for temp in home.glob(f".{_LINK}.*"):
        try:
            temp.unlink()
        except OSError:
            pass


def _remove_old_builds(builds: Path, *, keep: Path) -> None:
    """Remove every build but ``keep`` that no open store pins; pinned ones wait for a later build."""
    for old in builds.iterdir():
        if old == keep or old.name.startswith(".") or not old.is_dir() or old.is_symlink():
            continue
        claim = claim_build(old)
        if claim is None:
            continue  # a reader has it open
        with claim:
            shutil.rmtree(old, ignore_errors=True)


def _os_reason(error: OSError) -> str:
    where = f" ({error.filename})" if getattr(error, "filename", None) else ""
    return f"{error.strerror or error}{where}"


def _write_table(frame: pd.DataFrame, path: Path) -> None:
    _write_arrow(_arrow_table(frame), path)


def _write_index_entry(tables: GraphTables, rel: str, end: str, rows, folder: Path) -> None:
    """The index files of one relationship end, from ingest's row numbers (``rows``, still current)."""
    import numpy as np

    spec = tables.schema.relationship(rel)
    n = len(tables.nodes[(spec.from_labels if end == "from" else spec.to_labels)[0]])
    rows = np.ascontiguousarray(rows, dtype=np.int32)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=offsets[1:])
    for kind, array in (("rows", rows), ("order", _stable_order(rows)), ("offsets", offsets)):
        np.save(folder / f"{rel}.{end}.{kind}.npy", array, allow_pickle=False)


def _stable_order(rows):
    """``argsort(rows, kind="stable")`` for non-negative int32.

    Sorts one 64-bit key per relationship, its row above its position: the keys
    are distinct, so numpy's fast (unstable, vectorised) sort gives the stable
    order, several times faster than a stable argsort.

    >>> import numpy as np
    >>> _stable_order(np.array([2, 0, 2, 1, 0], dtype=np.int32)).tolist()
    [1, 4, 3, 0, 2]
    """
    import numpy as np

    if not len(rows) or bool((rows[1:] >= rows[:-1]).all()):  # already in order (tables sorted by this end)
        return np.arange(len(rows), dtype=np.int32)
    keys = rows.astype(np.uint64)
    np.left_shift(keys, np.uint64(32), out=keys)
    np.bitwise_or(keys, np.arange(len(rows), dtype=np.uint64), out=keys)
    keys.sort()
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.int32)


def _format_of(folder: Path):
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("format", 1)
    except (OSError, ValueError):
        return None


def _swap_link(home: Path, target: Path) -> None:
    temp = home / f".{_LINK}.{os.getpid()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(target.relative_to(home), target_is_directory=True)
    os.replace(temp, home / _LINK)


class EmbeddedStore(GraphStore):
    """A built graph read from its folder. Tables load on first use and stay cached.

    >>> import tempfile
    >>> from ingest.load import load_tables, DEFAULT_DATA_DIR
    >>> home = tempfile.mkdtemp()
    >>> _ = write_embedded(load_tables([DEFAULT_DATA_DIR]), home)
    >>> store = EmbeddedStore.open(home)
    >>> len(store.nodes("Cluster"))
    10
    """

    def __init__(self, folder: Path, schema: Schema | None = None):
        self.folder = Path(folder)
        self.schema = schema or load_schema()
        self._pin = pin_build(self.folder)  # no writer removes the folder while this store is open (BuildGone)
        try:
            self.manifest = json.loads(self._pin.read().decode("utf-8"))
        except (OSError, ValueError) as error:
            self.close()
            raise StoreError(f"{self.folder / 'manifest.json'}: cannot read ({error})",
                             hint="rebuild with `chainkg build`") from None
        self._suffix = _SUFFIX.get(self.manifest.get("format", 1))
        if self._suffix is None:
            self.close()
            raise StoreError(f"{self.folder}: store format {self.manifest.get('format')!r} is newer than this chainkg",
                             hint="upgrade chainkg or rebuild with `chainkg build`")
        self._tables: dict[tuple[str, str], object] = {}
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}
        self._indexes: dict[tuple[str, str], tuple | None] = {}
        self._row_of: dict[str, dict[str, int]] = {}
        self._region_links: RegionLinks | None = None
        self._subtrees: dict[str, frozenset[str]] = {}

    @classmethod
    def open(cls, home: str | Path, schema: Schema | None = None) -> EmbeddedStore:
        """Open the current build under ``home``, pinned for as long as the store is open.

        A build swapped out meanwhile is no obstacle: the link is resolved again.
        """
        link = Path(home) / _LINK
        for _ in range(_OPEN_ATTEMPTS):
            if not link.exists():
                raise StoreNotBuiltError(f"no built graph in {home}")
            try:
                return cls(link.resolve(), schema)
            except BuildGone:
                time.sleep(0.01)  # a writer is swapping builds: the link points to the new one in a moment
        raise StoreError(f"{home}: the current build keeps changing under the reader",
                         hint="try again when the builds running on this store have finished")

    def region_links(self) -> RegionLinks:
        """The WITHIN tree, read once: a build's tables never change while it is open."""
        if self._region_links is None:
            self._region_links = super().region_links()
        return self._region_links

    def region_subtree(self, code: str) -> set[str]:
        """The region ``code`` and every region within it, walked once per code (a new set each call)."""
        found = self._subtrees.get(code)
        if found is None:
            found = self._subtrees[code] = frozenset(super().region_subtree(code))
        return set(found)

    def close(self) -> None:
        """Release the build (a later build may remove its folder); tables already read stay usable."""
        pin = getattr(self, "_pin", None)
        if pin is not None:
            pin.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def info(self) -> StoreInfo:
        m = self.manifest
        return StoreInfo("embedded", str(self.folder), m["digest"], m["as_of"], tuple(m["data"]), m["counts"])

    def _spec(self, kind: str, name: str):
        return self.schema.label(name) if kind == "nodes" else self.schema.relationship(name)

    def _arrow(self, kind: str, name: str):
        """The table as a (memory-mapped) Arrow table, or None when the graph has no such rows."""
        key = (kind, name)
        if key in self._tables:
            return self._tables[key]
        self._spec(kind, name)  # unknown names raise here
        path = self.folder / kind / f"{name}{self._suffix}"
        table = None
        expected = self.manifest.get("counts", {}).get("nodes" if kind == "nodes" else "relationships", {}).get(name)
        if expected and not path.exists():  # never read as "no rows": every answer built on it would be wrong
            raise StoreError(f"{path} is missing, but the build holds {expected} rows of {name}",
                             hint="the store is damaged: rebuild it with `chainkg build`")
        if path.exists():
            try:
                if self._suffix == ".arrow":
                    import pyarrow as pa

                    table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
                else:
                    import pyarrow.parquet as pq

                    table = pq.read_table(path)
            except (OSError, ValueError) as error:
                raise StoreError(f"{path}: cannot read ({error})", hint="rebuild with `chainkg build`") from None
        self._tables[key] = table
        return table

    def _empty(self, kind: str, name: str, wanted: list[str]) -> pd.DataFrame:
        spec = self._spec(kind, name)
        frame = pd.DataFrame({c: pd.Series([], dtype="string[pyarrow]") for c in spec.columns()})
        return frame[wanted]

    def _frame(self, table, wanted: list[str], path: str) -> pd.DataFrame:
        try:
            selected = table.select(wanted)
        except KeyError as error:
            raise StoreError(f"{path}: cannot read ({error})", hint="rebuild with `chainkg build`") from None
        # every stored column is one of pandas' nullable types, so the types alone say how to convert;
        # skipping the pandas metadata saves milliseconds per small lookup result
        return selected.to_pandas(types_mapper=_types_mapper, ignore_metadata=True)

    def _read(self, kind: str, name: str, columns: Iterable[str] | None) -> pd.DataFrame:
        spec = self._spec(kind, name)
        cached = self._cache.get((kind, name))
        wanted = list(columns) if columns is not None else spec.columns()
        if cached is not None and all(c in cached.columns for c in wanted):
            return cached[wanted]
        table = self._arrow(kind, name)
        if table is None:
            return self._empty(kind, name, wanted)
        frame = self._frame(table, wanted, f"{self.folder / kind / name}{self._suffix}")
        if cached is not None:
            for col in cached.columns:
                if col not in frame.columns:
                    frame[col] = cached[col]
        self._cache[(kind, name)] = frame
        return frame[wanted]

    def _where(self, kind: str, name: str, column: str, keys: Iterable[str],
               columns: Iterable[str] | None) -> pd.DataFrame:
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = list(columns) if columns is not None else self._spec(kind, name).columns()
        table = self._arrow(kind, name)
        if table is None:
            return self._empty(kind, name, wanted)
        values = table.column(column)
        keys = [str(k) for k in keys]
        if len(keys) == 1:
            mask = pc.equal(values, pa.scalar(keys[0], type=values.type))
        else:
            mask = pc.is_in(values, value_set=pa.array(keys, type=values.type))
        return self._frame(table.filter(mask), wanted, f"{self.folder / kind / name}{self._suffix}")

    def _index(self, rel_type: str, end: str):
        """(rows, order, offsets) of the endpoint index, memory-mapped, or None."""
        key = (rel_type, end)
        if key not in self._indexes:
            import numpy as np

            base = self.folder / "index" / f"{rel_type}.{end}"
            try:
                self._indexes[key] = tuple(np.load(f"{base}.{kind}.npy", mmap_mode="r", allow_pickle=False)
                                           for kind in ("rows", "order", "offsets"))
            except (OSError, ValueError):
                self._indexes[key] = None
        return self._indexes[key]

    def _row_numbers(self, label: str, keys: list[str]) -> dict[str, int]:
        """Row numbers of the nodes ``keys`` in the node table (missing keys are left out); remembered."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        known = self._row_of.setdefault(label, {})
        todo = [k for k in dict.fromkeys(keys) if k not in known]
        if todo:
            table = self._arrow("nodes", label)
            if table is not None:
                column = table.column(self.schema.label(label).key)
                if len(todo) == 1:
                    hits = np.flatnonzero(pc.equal(column, pa.scalar(todo[0], type=column.type))
                                          .to_numpy(zero_copy_only=False))
                    found = {todo[0]: int(hits[0])} if len(hits) else {}
                else:
                    where = pc.index_in(column, value_set=pa.array(todo, type=column.type))
                    valid = np.flatnonzero(pc.is_valid(where).to_numpy(zero_copy_only=False))
                    picked = where.take(pa.array(valid)).to_numpy(zero_copy_only=False) if len(valid) else []
                    found = {todo[int(i)]: int(r) for r, i in zip(valid, picked)}
                known.update(found)
        return {k: known[k] for k in keys if k in known}

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("nodes", label, columns)

    def find(self, label: str, name: str) -> list[NodeMatch]:
        """:meth:`GraphStore.find` in Arrow kernels on the mapped file (same matches, same order)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        spec = self.schema.label(label)
        table = self._arrow("nodes", label)
        if table is None or self._suffix != ".arrow":
            return super().find(label, name)
        keys = table.column(spec.key)
        names = table.column("name") if "name" in spec.properties else keys
        aliases = table.column("aliases") if "aliases" in spec.properties else None
        needle = pa.scalar(name, type=keys.type)

        def collect(mask, how: str) -> list[NodeMatch]:
            hits = np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))
            if not len(hits):
                return []
            index = pa.array(hits)
            found = keys.take(index).to_pylist()
            self._row_of.setdefault(label, {}).update(zip(found, hits.tolist()))  # node() needs no second scan
            return [NodeMatch(label, str(k), str(n), how) for k, n in zip(found, names.take(index).to_pylist())]

        matches = collect(pc.equal(keys, needle), "key") or collect(pc.equal(names, needle), "name")
        if not matches and aliases is not None:
            has = pc.fill_null(pc.match_substring(aliases, name), False).to_numpy(zero_copy_only=False)
            if has.any():
                exact = np.zeros(len(has), dtype=bool)
                rows = np.flatnonzero(has)
                exact[rows] = [name in (a or "").split("|") for a in aliases.take(pa.array(rows)).to_pylist()]
                matches = collect(pa.array(exact), "alias")
        if not matches:
            partial = pc.match_substring(names, name)
            if aliases is not None:
                partial = pc.or_(pc.fill_null(partial, False), pc.fill_null(pc.match_substring(aliases, name), False))
            matches = collect(partial, "partial")
        return matches

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("edges", rel_type, columns)

    def endpoint_rows(self, rel_type: str, end: str):
        """:meth:`GraphStore.endpoint_rows`, read from the build's index (no hashing of keys)."""
        import numpy as np

        index = self._index(rel_type, end) if end in ("from", "to") else None
        if index is None:
            return super().endpoint_rows(rel_type, end)
        return np.asarray(index[0], dtype=np.int64)

    def endpoint_index(self, rel_type: str, end: str) -> EndpointIndex:
        """:meth:`GraphStore.endpoint_index`, the build's index files themselves (memory-mapped, not copied)."""
        index = self._index(rel_type, end) if end in ("from", "to") else None
        if index is None:
            return super().endpoint_index(rel_type, end)
        return EndpointIndex(*index)

    def _take(self, kind: str, name: str, rows, columns: Iterable[str] | None) -> pd.DataFrame:
        import numpy as np

        wanted = list(columns) if columns is not None else self._spec(kind, name).columns()
        table = self._arrow(kind, name)
        rows = np.asarray(rows, dtype=np.int64)
        if table is None:
            return self._empty(kind, name, wanted).take(rows)
        path = f"{self.folder / kind / name}{self._suffix}"
        try:
            selected = table.select(wanted)
        except KeyError as error:
            raise StoreError(f"{path}: cannot read ({error})", hint="rebuild with `chainkg build`") from None
        return self._frame(selected.take(rows), wanted, path)

    def nodes_at(self, label: str, rows, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """:meth:`GraphStore.nodes_at`, converting only the rows taken from the mapped file."""
        return self._take("nodes", label, rows, columns)

    def edges_at(self, rel_type: str, rows, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """:meth:`GraphStore.edges_at`, converting only the rows taken from the mapped file."""
        return self._take("edges", rel_type, rows, columns)

    def nodes_where(self, label: str, keys: Iterable[str], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``label`` whose key is one of ``keys``, taken from the mapped file."""
        import numpy as np

        wanted = list(columns) if columns is not None else self.schema.label(label).columns()
        table = self._arrow("nodes", label)
        if table is None or self._suffix != ".arrow":
            return self._where("nodes", label, self.schema.label(label).key, keys, wanted)
        rows = np.sort(np.fromiter(self._row_numbers(label, [str(k) for k in keys]).values(), dtype=np.int64))
        return self._frame(table.take(rows), wanted, f"{self.folder / 'nodes' / label}{self._suffix}")

    def edges_where(self, rel_type: str, end: str, keys: Iterable[str],
                    columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``rel_type`` whose ``end`` (``from`` or ``to``) is one of ``keys``.

        Uses the endpoint index when the build has one (a slice per node), else
        filters the mapped column in Arrow.
        """
        import numpy as np

        if end not in ("from", "to"):
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        spec = self.schema.relationship(rel_type)
        wanted = list(columns) if columns is not None else spec.columns()
        index = self._index(rel_type, end)
        table = self._arrow("edges", rel_type)
        if index is None or table is None:
            return self._where("edges", rel_type, end, keys, wanted)
        label = (spec.from_labels if end == "from" else spec.to_labels)[0]
        _, order, offsets = index
        found = sorted(self._row_numbers(label, [str(k) for k in keys]).values())
        rows = np.sort(np.concatenate([order[offsets[r]:offsets[r + 1]] for r in found])) if found \
            else np.zeros(0, dtype=np.int64)
        other = "to" if end == "from" else "from"
        other_index = self._index(rel_type, other)
        if other_index is not None and len(rows):  # remember where the neighbours are, for names()
            other_label = (spec.to_labels if end == "from" else spec.from_labels)[0]
            known = self._row_of.setdefault(other_label, {})
            neighbours = table.column(other).take(rows).to_pylist()
            known.update(zip(neighbours, other_index[0][rows].tolist()))
        return self._frame(table.take(rows), wanted, f"{self.folder / 'edges' / rel_type}{self._suffix}")


def _types_mapper(arrow_type):
    import pyarrow as pa

    if arrow_type in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow")
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    return None
