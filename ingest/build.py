"""Build a store from data folders: read, validate, write aside, swap.

>>> import tempfile
>>> from graph.embedded import EmbeddedStore
>>> home = tempfile.mkdtemp()
>>> result = build([DEFAULT_DATA_DIR], home)
>>> EmbeddedStore.open(home).info().digest == result.digest
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from graph.embedded import write_embedded
from graph.tables import worker_count
from ingest.load import DEFAULT_DATA_DIR, Progress, stage_tables
from ingest.readers import RawTable

__all__ = ["build", "BuildResult", "DEFAULT_DATA_DIR"]


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    folder: Path
    digest: str
    counts: dict[str, dict[str, int]]


def build(folders: Iterable[str | Path], home: str | Path, *, records: Iterable[RawTable] = (),
          progress: Progress | None = None, wait: float | None = None,
          on_wait: Progress | None = None) -> BuildResult:
    """Validate every table of ``folders`` (plus adapter ``records``) and write them as the current graph.

    Nothing under ``home`` changes unless every check passes. While another
    build writes the same ``home``, this one waits (``wait``: seconds, None for
    as long as it takes, 0 not at all; ``on_wait`` is told so) and then writes,
    or raises :class:`~chainkg.errors.StoreBusyError`.
    """
    folders = [Path(f) for f in folders]
    with ThreadPoolExecutor(max_workers=worker_count()) as pool:
        try:
            staged = stage_tables(folders, records=records, progress=progress, pool=pool, digests=True)
            if progress:
                progress("writing the store")
            # the store's files are written while the last checks finish; a failed check removes them
            folder = write_embedded(staged.tables, home, data=[_shown(f) for f in folders], pool=pool,
                                    confirm=staged.confirm, wait=wait, on_wait=on_wait)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # work still queued is dropped, not done
            raise
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return BuildResult(folder, manifest["digest"], manifest["counts"])


def _shown(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(DEFAULT_DATA_DIR.parent))
    except ValueError:
        return str(folder)
