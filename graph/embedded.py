"""The embedded store: Arrow tables in a local folder, memory-mapped, no server.

Layout of the store folder (``.chainkg/`` by default)::

    .chainkg/
      current -> builds/<digest>      symlink, swapped atomically after a build
      builds/<digest>/manifest.json   counts, data folders, as_of, digest
      builds/<digest>/nodes/<Label>.arrow
      builds/<digest>/edges/<TYPE>.arrow

Tables are Arrow IPC files, uncompressed, one record batch each, so opening a
store costs only the manifest and reading a table is a memory map: pandas
columns are Arrow-backed views of the file (strings are not copied), and the
lookups ``chainkg show`` needs (:meth:`EmbeddedStore.edges_where`,
:meth:`EmbeddedStore.nodes_where`) filter the mapped columns with Arrow
kernels without building a DataFrame of the whole table.

A build writes a new folder beside the current one and swaps the ``current``
link in one ``rename``; a build that fails before the swap leaves the
previous graph as it was. The digest is the SHA-256 of the table files, which
are deterministic, so building the same tables twice gives the same folder,
byte for byte. Stores of the first format (Parquet files) still open.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from chainkg.errors import StoreError, StoreNotBuiltError
from graph.schema import Schema, load_schema
from graph.store import GraphStore, StoreInfo
from graph.tables import GraphTables

__all__ = ["EmbeddedStore", "write_embedded", "FORMAT"]

_LINK = "current"
#: the store layout written by :func:`write_embedded` (1: Parquet, 2: Arrow IPC)
FORMAT = 2
_SUFFIX = {1: ".parquet", 2: ".arrow"}


def _arrow_table(frame: pd.DataFrame):
    """``frame`` as one contiguous Arrow table (the same bytes whatever the input's chunking)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()


def _write_arrow(table, path: Path) -> None:
    import pyarrow as pa

    with pa.OSFile(str(path), "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table, max_chunksize=max(table.num_rows, 1))


def _file_digest(path: Path) -> bytes:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 23):
            h.update(chunk)
    return h.digest()


def _digest(folder: Path, files: list[Path]) -> str:
    """SHA-256 over the table files (names and contents), hashed two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(_file_digest, files))
    h = hashlib.sha256(f"chainkg-store:{FORMAT}\n".encode())
    for path, part in zip(files, parts):
        h.update(f"{path.relative_to(folder).as_posix()}\n".encode())
        h.update(part)
    return h.hexdigest()


def write_embedded(tables: GraphTables, home: str | Path, *, data: Iterable[str] = ()) -> Path:
    """Write ``tables`` as a new build under ``home`` and make it current. Returns the build folder.

    Building the same tables twice gives the same folder, byte for byte; the
    manifest's ``digest`` is the hash of the table files.
    """
    home = Path(home)
    builds = home / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    staging = builds / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "nodes").mkdir(parents=True)
    (staging / "edges").mkdir()
    try:
        files = []
        for folder, group in (("nodes", tables.nodes), ("edges", tables.edges)):
            for name, frame in sorted(group.items()):
                path = staging / folder / f"{name}{_SUFFIX[FORMAT]}"
                _write_arrow(_arrow_table(frame), path)
                files.append(path)
        digest = _digest(staging, files)
        target = builds / digest[:16]
        manifest = {
            "format": FORMAT,
            "schema_version": tables.schema.version,
            "digest": digest,
            "as_of": _latest_date(tables),
            "data": list(data),
            "counts": tables.counts(),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True),
                                               encoding="utf-8")
        if target.exists():
            shutil.rmtree(staging)
        else:
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_link(home, target)
    for old in builds.iterdir():
        if old != target and not old.name.startswith(".staging"):
            shutil.rmtree(old, ignore_errors=True)
    return target


def _swap_link(home: Path, target: Path) -> None:
    temp = home / f".{_LINK}.{os.getpid()}"
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    temp.symlink_to(target.relative_to(home), target_is_directory=True)
    os.replace(temp, home / _LINK)


def _latest_date(tables: GraphTables) -> str:
    latest = ""
    for group in (tables.nodes, tables.edges):
        for frame in group.values():
            if len(frame):
                latest = max(latest, str(frame["as_of"].max()))
    return latest


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
        try:
            self.manifest = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreNotBuiltError(f"no built graph in {self.folder}") from None
        self._suffix = _SUFFIX.get(self.manifest.get("format", 1))
        if self._suffix is None:
            raise StoreError(f"{self.folder}: store format {self.manifest.get('format')!r} is newer than this chainkg",
                             hint="upgrade chainkg or rebuild with `chainkg build`")
        self._tables: dict[tuple[str, str], object] = {}
        self._cache: dict[tuple[str, str], pd.DataFrame] = {}

    @classmethod
    def open(cls, home: str | Path, schema: Schema | None = None) -> EmbeddedStore:
        """Open the current build under ``home``."""
        link = Path(home) / _LINK
        if not link.exists():
            raise StoreNotBuiltError(f"no built graph in {home}")
        return cls(link.resolve(), schema)

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
        return selected.to_pandas(types_mapper=_types_mapper)

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
        mask = pc.is_in(values, value_set=pa.array([str(k) for k in keys], type=values.type))
        return self._frame(table.filter(mask), wanted, f"{self.folder / kind / name}{self._suffix}")

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("nodes", label, columns)

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("edges", rel_type, columns)

    def nodes_where(self, label: str, keys: Iterable[str], columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``label`` whose key is one of ``keys``, filtered in Arrow on the mapped file."""
        return self._where("nodes", label, self.schema.label(label).key, keys, columns)

    def edges_where(self, rel_type: str, end: str, keys: Iterable[str],
                    columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Rows of ``rel_type`` whose ``end`` (``from`` or ``to``) is one of ``keys``, filtered in Arrow."""
        if end not in ("from", "to"):
            raise ValueError(f"end must be 'from' or 'to', not {end!r}")
        return self._where("edges", rel_type, end, keys, columns)


def _types_mapper(arrow_type):
    import pyarrow as pa

    if arrow_type in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow")
    return None
