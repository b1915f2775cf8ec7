"""64-bit hashes of table columns, computed in numpy over Arrow buffers.

One hash function everywhere: equal values get equal hashes whichever way a
column is stored (one Arrow chunk or many, a constant, a few distinct values,
Python strings). The digest of a graph (:func:`graph.tables.table_digest`) and
ingest's key and reference checks (:mod:`ingest.references`) share them, so a
key column is hashed once per build.

>>> import pandas as pd
>>> a = column_hashes(pd.Series(["常州", "syn-1", ""], dtype="string[pyarrow]"))
>>> b = column_hashes(pd.Series(["syn-1", "常州"], dtype="string[pyarrow]"))
>>> bool(a[0] == b[1] and a[1] == b[0] and len(set(a.tolist())) == 3)
True
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

__all__ = ["column_hashes", "string_hashes", "one_value_mostly", "mix", "MUL"]

MUL = np.uint64(0x9E3779B97F4A7C15)


_C1, _C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise (wrapping uint64 arithmetic), into a new array.

    Written with ``out=`` so a million values take two allocations, not seven.

    >>> int(mix(np.array([1], dtype=np.uint64))[0]) == 0x5692161D100B05E5
    True
    """
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        out = np.right_shift(x, _S30)
        np.bitwise_xor(out, x, out=out)
        np.multiply(out, _C1, out=out)
        tmp = np.right_shift(out, _S27)
        np.bitwise_xor(out, tmp, out=out)
        np.multiply(out, _C2, out=out)
        np.right_shift(out, _S31, out=tmp)
        np.bitwise_xor(out, tmp, out=out)
    return out


def column_hashes(series: pd.Series) -> np.ndarray:
    import pyarrow as pa

    if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
        array = pa.array(series.array, from_pandas=True) if hasattr(series.array, "__arrow_array__") else \
            pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.large_string(), from_pandas=True)
        if isinstance(array, pa.ChunkedArray) and array.num_chunks == 1:
            array = array.chunk(0)
        return string_hashes(array.cast(pa.large_string()))
    missing = np.asarray(series.isna(), dtype=bool)
    if isinstance(series.dtype, pd.BooleanDtype) or series.dtype == bool:
        bits = np.where(missing, 2, series.fillna(False).to_numpy(dtype=bool)).astype(np.uint64)
    elif pd.api.types.is_integer_dtype(series.dtype):
        bits = series.fillna(0).to_numpy(dtype=np.int64).view(np.uint64)
    elif pd.api.types.is_float_dtype(series.dtype):
        bits = series.fillna(0.0).to_numpy(dtype=np.float64).view(np.uint64)
    else:  # anything else: by its text
        return column_hashes(series.astype("string"))
    if missing.any():
        bits = bits ^ np.where(missing, np.uint64(0xA5A5A5A5A5A5A5A5), np.uint64(0))
    if len(bits) and (bits == bits[0]).all():
        return np.full(len(bits), mix(bits[:1])[0], dtype=np.uint64)
    return mix(bits)


def string_hashes(array) -> np.ndarray:
    """A 64-bit hash per string of an Arrow large_string array or chunked array (nulls apart from
    every string).

    A column holding one value is hashed once; a column with few distinct values
    hashes its dictionary; others hash every string, chunk by chunk (the hash of
    a value does not depend on its chunk).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    mostly = one_value_mostly(array)
    if mostly is not None:
        # one value in (nearly) every row, e.g. a source or a column filled only for a few curated rows:
        # hash that value once and the other rows on their own
        common, other = mostly
        out = np.full(n, _hash_strings([common])[0], dtype=np.uint64)
        if other.any():
            out[other] = string_hashes(array.filter(pa.array(other)))
        return out
    sample = array.slice(0, min(n, 4096))
    if n > 4096 and pc.count_distinct(sample).as_py() < 256:  # few distinct values: hash the dictionary
        encoded = pc.dictionary_encode(array)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.unify_dictionaries()
            dictionary = encoded.chunk(0).dictionary
            codes = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=encoded.type.index_type)
        else:
            dictionary, codes = encoded.dictionary, encoded.indices
        hashes = _hash_strings(dictionary.to_numpy(zero_copy_only=False))
        out = hashes[_numpy(pc.fill_null(codes, 0))]
        if codes.null_count:
            out[~_numpy(pc.is_valid(codes)).astype(bool)] = _NULL
        return out
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    out = np.concatenate([_byte_hashes(chunk) for chunk in chunks if len(chunk)])
    if array.null_count:
        out[~_numpy(pc.is_valid(array)).astype(bool)] = _NULL
    return out


def one_value_mostly(array, share: int = 16) -> tuple[str, np.ndarray] | None:
    """(value, mask of the rows holding another) when all but one row in ``share`` of a string
    column without nulls hold one value; else None. One comparison of each row with the middle one.

    >>> import pyarrow as pa
    >>> value, other = one_value_mostly(pa.array(["x"] * 20 + ["y"], type=pa.large_string()))
    >>> value, other.nonzero()[0].tolist()
    ('x', [20])
    """
    import pyarrow.compute as pc

    n = len(array)
    if n < 2 or array.null_count:
        return None
    common = array[n // 2]
    other = ~_numpy(pc.equal(array, common)).astype(bool, copy=False)
    if np.count_nonzero(other) > n // share:
        return None
    return common.as_py(), other


def _numpy(values) -> np.ndarray:
    """An Arrow array or chunked array as numpy (copied where it must be, e.g. for booleans)."""
    import pyarrow as pa

    return values.to_numpy(zero_copy_only=False) if isinstance(values, pa.Array) else values.to_numpy()


#: strings up to this many bytes are hashed as rows of a byte matrix (grouped by length); longer ones singly
_WIDE = 64


def _byte_hashes(array) -> np.ndarray:
    """A 64-bit hash of each string's UTF-8 bytes: strings of one length at a time, as the rows of a
    byte matrix read in 8-byte words, so a million keys or names hash in a few numpy passes."""
    n = len(array)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + n + 1]
    starts, lengths = offsets[:-1], np.diff(offsets)
    if n and lengths.min() == lengths.max():  # one length throughout: one hash to start from
        out = np.full(n, mix(lengths[:1].astype(np.uint64) + np.uint64(0x51ED27))[0], dtype=np.uint64)
    else:
        out = mix(lengths.astype(np.uint64) + np.uint64(0x51ED27))
    data = array.buffers()[2]
    if data is None or not lengths.any():
        return out
    raw = np.frombuffer(data, dtype=np.uint8)
    present = np.flatnonzero(np.bincount(lengths)) if int(lengths.max()) <= 1 << 20 else np.unique(lengths)
    for length in present:
        length = int(length)
        if length == 0:
            continue
        rows = slice(None) if len(present) == 1 else np.flatnonzero(lengths == length)
        if isinstance(rows, slice):  # one length throughout (codes, identifiers): no gather, no scatter
            count = n
        else:
            count = len(rows)
        if length > _WIDE:
            for i in np.arange(n)[rows]:
                digest = hashlib.sha256(raw[starts[i]:starts[i] + length].tobytes()).digest()[:8]
                out[i] = mix(np.frombuffer(digest, dtype=np.uint64) ^ out[i:i + 1])[0]
            continue
        words = (length + 7) // 8
        matrix = np.zeros((count, words * 8), dtype=np.uint8)
        begins = starts[rows]
        if isinstance(rows, slice) or (count > 1 and int(begins[-1]) - int(begins[0]) == length * (count - 1)
                                       and bool((np.diff(begins) == length).all())):  # contiguous: a view
            first = int(begins[0])
            matrix[:, :length] = raw[first:first + length * count].reshape(count, length)
        else:
            matrix[:, :length] = np.lib.stride_tricks.sliding_window_view(raw, length)[begins]  # a row per value
        packed = matrix.view(np.uint64)
        acc = out[rows]
        for w in range(words):
            with np.errstate(over="ignore"):
                acc = np.multiply(acc, MUL, out=acc if w else None)  # the first round copies out's rows
                np.add(acc, packed[:, w], out=acc)
            acc = mix(acc)
        out[rows] = acc
    return out


_NULL = np.uint64(0xDEADBEEFCAFEF00D)


def _hash_strings(values) -> np.ndarray:
    """:func:`_byte_hashes` of a few Python strings (dictionaries, constants): one hash function everywhere."""
    import pyarrow as pa

    return _byte_hashes(pa.array([None if v is None else str(v) for v in values], type=pa.large_string()))
