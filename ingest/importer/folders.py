"""Rows of one table across the data folders an import is matched against, read as ``build`` reads them.

A folder may hold a table as CSV (UTF-8, UTF-8 with BOM, GBK, GB18030) or as an XLSX sheet named
after the table; :mod:`ingest.readers` reads both.

>>> from ingest.load import DEFAULT_DATA_DIR
>>> next(iter(table_rows([DEFAULT_DATA_DIR], "chains.csv")))["id"]
'chain-agri-construction-machinery'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

__all__ = ["table_rows"]


def table_rows(folders: Iterable[str | Path], name: str) -> Iterator[dict[str, str]]:
    """Every row (column → text) of table ``name`` (e.g. ``regions.csv``) in ``folders``, in folder order."""
    for folder in folders:
        for frame in _tables(str(Path(folder).resolve()), _stamp(Path(folder))).get(name, ()):
            yield from frame.to_dict("records")


def _stamp(folder: Path) -> tuple:
    if not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()))


@lru_cache(maxsize=16)
def _tables(folder: str, stamp: tuple) -> dict[str, list]:
    from ingest.readers import read_csv_table, read_xlsx_tables

    found: dict[str, list] = {}
    path = Path(folder)
    if not path.is_dir():
        return found
    for item in sorted(path.iterdir()):
        if item.name.startswith((".", "~$")):
            continue
        if item.suffix.lower() == ".csv":
            table = read_csv_table(item)
            found.setdefault(table.name, []).append(table.frame.astype(object).fillna(""))
        elif item.suffix.lower() == ".xlsx":
            for table in read_xlsx_tables(item):
                found.setdefault(table.name, []).append(table.frame.astype(object).fillna(""))
    return found
