"""The embedded store: Parquet tables in a local folder, no server.

Layout of the store folder (``.chainkg/`` by default)::

    .chainkg/
      current -> builds/<digest>      symlink, swapped atomically after a build
      builds/<digest>/manifest.json   counts, data folders, as_of, digest
      builds/<digest>/nodes/<Label>.parquet
      builds/<digest>/edges/<TYPE>.parquet

A build writes a new folder beside the current one and swaps the ``current``
link in one ``rename``; a build that fails before the swap leaves the
previous graph as it was. Tables are read lazily, column by column, with
Arrow-backed strings, so opening a store costs only the manifest.
"""

from __future__ import annotations

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

__all__ = ["EmbeddedStore", "write_embedded"]

_LINK = "current"


def _arrow_frame(frame: pd.DataFrame):
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def write_embedded(tables: GraphTables, home: str | Path, *, data: Iterable[str] = ()) -> Path:
    """Write ``tables`` as a new build under ``home`` and make it current. Returns the build folder.

    Building the same tables twice gives the same folder, byte for byte.
    """
    import pyarrow.parquet as pq

    home = Path(home)
    builds = home / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    digest = tables.digest()
    target = builds / digest[:16]
    staging = builds / f".staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "nodes").mkdir(parents=True)
    (staging / "edges").mkdir()
    try:
        for folder, group in (("nodes", tables.nodes), ("edges", tables.edges)):
            for name, frame in sorted(group.items()):
                pq.write_table(_arrow_frame(frame), staging / folder / f"{name}.parquet",
                               compression="zstd", write_statistics=False)
        as_of = _latest_date(tables)
        manifest = {
            "format": 1,
            "schema_version": tables.schema.version,
            "digest": digest,
            "as_of": as_of,
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

    def _read(self, kind: str, name: str, columns: Iterable[str] | None) -> pd.DataFrame:
        import pyarrow.parquet as pq

        spec = self.schema.label(name) if kind == "nodes" else self.schema.relationship(name)
        cached = self._cache.get((kind, name))
        wanted = list(columns) if columns is not None else spec.columns()
        if cached is not None and all(c in cached.columns for c in wanted):
            return cached[wanted]
        path = self.folder / kind / f"{name}.parquet"
        if not path.exists():
            frame = pd.DataFrame({c: pd.Series([], dtype="string[pyarrow]") for c in spec.columns()})
            return frame[wanted]
        try:
            table = pq.read_table(path, columns=wanted)
        except (OSError, KeyError) as error:
            raise StoreError(f"{path}: cannot read ({error})", hint="rebuild with `chainkg build`") from None
        frame = table.to_pandas(types_mapper=_types_mapper)
        if cached is not None:
            for col in cached.columns:
                if col not in frame.columns:
                    frame[col] = cached[col]
        self._cache[(kind, name)] = frame
        return frame[wanted]

    def nodes(self, label: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("nodes", label, columns)

    def edges(self, rel_type: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        return self._read("edges", rel_type, columns)


def _types_mapper(arrow_type):
    import pyarrow as pa

    if arrow_type in (pa.string(), pa.large_string()):
        return pd.StringDtype("pyarrow")
    return None
