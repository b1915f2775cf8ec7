"""Column filters in Arrow for the large tables (enterprises, OPERATES_IN, LOCATED_IN …).

pandas boolean indexing of Arrow-backed frames goes through several layers per
column; on a million-row table those layers cost more than the work. These
helpers keep a few columns as Arrow arrays, filter them with Arrow compute and
hand out NumPy arrays at the end.

>>> import pandas as pd
>>> t = ArrowTable(pd.DataFrame({"id": ["a", "b", "c"], "n": [1, None, 3]}))
>>> small = t.where(t.isin("id", ["a", "c"]))
>>> small.strings("id").tolist(), small.floats("n").tolist()
(['a', 'c'], [1.0, 3.0])
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = ["ArrowTable", "arrow_column", "value_set", "positions", "key_index", "key_rows", "plain_value"]


def arrow_column(series: pd.Series):
    """The column as a ``pyarrow.ChunkedArray`` (no copy for Arrow-backed columns)."""
    import pyarrow as pa

    array = series.array
    if hasattr(array, "__arrow_array__"):
        out = array.__arrow_array__()
    elif series.dtype == object or isinstance(series.dtype, pd.StringDtype):
        out = pa.array(series.to_numpy(dtype=object, na_value=None), from_pandas=True)
    else:
        out = pa.array(series, from_pandas=True)
    return out if isinstance(out, pa.ChunkedArray) else pa.chunked_array([out])


def value_set(values: Iterable, like) -> object:
    """``values`` as one Arrow array of the type of ``like`` (for ``is_in``)."""
    import pyarrow as pa

    if isinstance(values, pd.Series):
        values = arrow_column(values)
    elif isinstance(values, (set, frozenset)):
        values = pa.array(list(values), type=pa.string())
    elif not isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if values.type != like.type:
        values = values.cast(like.type)
    return values


class ArrowTable:
    """A few columns of a table as Arrow arrays."""

    def __init__(self, frame: pd.DataFrame | None = None, *, columns: dict | None = None, length: int = 0):
        if frame is not None:
            self.columns = {c: arrow_column(frame[c]) for c in frame.columns}
            self.length = len(frame)
        else:
            self.columns = dict(columns or {})
            self.length = length

    @classmethod
    def select(cls, frame: pd.DataFrame, *, rows=None, mask=None) -> ArrowTable:
        """The rows of ``frame`` at positions ``rows`` or where ``mask`` is true, as Arrow columns.

        Arrow-backed columns are taken in Arrow; others (nullable booleans and numbers) in pandas
        first, so that only the selected rows are converted.
        """
        import pyarrow as pa

        if mask is not None:
            mask = np.asarray(mask.to_numpy(zero_copy_only=False) if hasattr(mask, "to_numpy") else mask, dtype=bool)
            rows = np.flatnonzero(mask)
        rows = np.asarray(rows, dtype=np.int64)
        indices = pa.array(rows)
        columns = {}
        for name in frame.columns:
            series = frame[name]
            if getattr(series.dtype, "storage", None) == "pyarrow" or isinstance(series.dtype, pd.ArrowDtype):
                columns[name] = arrow_column(series).take(indices)
            else:
                columns[name] = arrow_column(pd.Series(series.array.take(rows), dtype=series.dtype))
        return cls(columns=columns, length=len(rows))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, name: str):
        return self.columns[name]

    def isin(self, name: str, values):
        """A boolean Arrow mask: the column's value is one of ``values`` (nulls are not)."""
        import pyarrow.compute as pc

        column = self.columns[name]
        return pc.fill_null(pc.is_in(column, value_set=value_set(values, column)), False)

    def where(self, mask) -> ArrowTable:
        """The rows where ``mask`` (Arrow or NumPy booleans) is true."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(mask, np.ndarray):
            mask = pa.array(mask, type=pa.bool_())
        kept = {c: pc.filter(a, mask) for c, a in self.columns.items()}
        length = len(next(iter(kept.values()))) if kept else 0
        return ArrowTable(columns=kept, length=length)

    def strings(self, name: str) -> np.ndarray:
        """The column as a NumPy object array (None for nulls)."""
        return self.columns[name].to_numpy()

    def floats(self, name: str) -> np.ndarray:
        """The column as float64 with NaN for nulls (numbers, or text that holds numbers)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        column = self.columns[name]
        if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
            return pd.to_numeric(pd.Series(column.to_numpy()), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return pc.cast(column, pa.float64()).to_numpy().astype(float)

    def mask(self, mask) -> np.ndarray:
        return np.asarray(mask.to_numpy(zero_copy_only=False) if hasattr(mask, "to_numpy") else mask, dtype=bool)


def positions(column, values) -> np.ndarray:
    """For each value of ``column`` (an Arrow array), its position in ``values``, or -1 (hash join in Arrow).

    >>> import pyarrow as pa
    >>> positions(pa.chunked_array([["b", "x", "a"]]), pa.array(["a", "b"])).tolist()
    [1, -1, 0]
    """
    import pyarrow.compute as pc

    if len(column) == 0:
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(column, value_set=value_set(values, column))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


#: derived look-up structures, keyed by the Arrow columns they were built from (kept alive here, so an
#: ``id`` cannot be reused while its entry exists); a store hands out the same column objects on every
#: call while it caches its tables, so an analysis run twice on one store builds them once
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 8


def _cached(sources: tuple, build):
    key = tuple(id(s) for s in sources)
    hit = _CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], sources)):
        _CACHE.move_to_end(key)
        return hit[1]
    value = build()
    _CACHE[key] = (sources, value)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


def key_index(keys) -> pd.Index:
    """A hash index over a column of unique keys (a node table's key column), built once per column.

    >>> import pyarrow as pa
    >>> keys = pa.chunked_array([["a", "b", "c"]])
    >>> key_index(keys).get_indexer(["c", "x"]).tolist(), key_index(keys) is key_index(keys)
    ([2, -1], True)
    """
    return _cached((keys,), lambda: pd.Index(keys.to_numpy(), dtype=object))


def plain_value(v):
    """A pandas / NumPy scalar as a plain Python value, missing (None, NA, NaN) as None.

    >>> plain_value(np.int64(3)), plain_value(pd.NA), plain_value(float("nan")), plain_value("a")
    (3, None, None, 'a')
    """
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") else v


def key_rows(keys, wanted) -> np.ndarray:
    """For each of ``wanted``, its row in ``keys`` (an Arrow column of unique keys: a node table's), or -1.

    One pass of Arrow's hash lookup over ``keys`` against the (small) set ``wanted``; no index over the
    whole column is built, so it suits a few keys of a million-row table.

    >>> import pyarrow as pa
    >>> key_rows(pa.chunked_array([["a", "b", "c"]]), ["c", "x", "a", "c"]).tolist()
    [2, -1, 0, 2]
    """
    wanted = list(wanted)
    distinct = list(dict.fromkeys(wanted))
    out = np.full(len(distinct), -1, dtype=np.int64)
    if distinct and len(keys):
        found = positions(keys, distinct)
        hit = np.flatnonzero(found >= 0)
        out[found[hit]] = hit
    where = dict(zip(distinct, out.tolist()))
    return np.asarray([where[k] for k in wanted], dtype=np.int64)
