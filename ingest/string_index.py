"""Where strings stand in a set of strings: the set hashed once, then looked up as often as needed.

``pyarrow.compute.index_in`` hashes its value set on every call. Reading a national
N-Triples file looks up the ends of each of 21 relationship types, and the direct
triples, among a million node IRIs: 22 calls spent 7 of their 8.5 seconds hashing
the same million IRIs again. :class:`StringIndex` hashes them once (an
open-addressing table compiled with numba, FNV-1a over each string's UTF-8 bytes,
equal bytes checked on every hit) and looks up Arrow string arrays without
copying them, on a thread without the GIL.

>>> import pyarrow as pa
>>> index = StringIndex(pa.array(["b", "z", "b"]))
>>> index.rows(pa.array(["a", "b", None, "z", ""])).tolist()
[-1, 0, -1, 1, -1]
>>> index.rows(pa.array(["z", "a", "z"]).dictionary_encode()).tolist()  # the distinct values looked up once
[1, -1, 1]
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["StringIndex"]

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@njit(nogil=True, cache=True, inline="always")
def _hash(data, begin, end):
    h = _FNV_OFFSET
    for j in range(begin, end):
        h = (h ^ np.uint64(data[np.uint64(j)])) * _FNV_PRIME
    return h


@njit(nogil=True, cache=True, inline="always")
def _same(data, begin, end, other, other_begin, other_end):
    if end - begin != other_end - other_begin:
        return False
    for j in range(end - begin):
        if data[np.uint64(begin + j)] != other[np.uint64(other_begin + j)]:
            return False
    return True


@njit(nogil=True, cache=True)
def _build(data, offsets, rows, table):
    """Put each of ``rows`` of the strings (``offsets``, ``data``) in ``table`` (hash, row + 1 per slot; 0:
    empty), in order: of equal strings, the first."""
    mask = np.uint64(len(table) - 1)
    for i in rows:
        h = _hash(data, offsets[i], offsets[i + 1])
        k = h & mask
        while True:
            row = np.int64(table[k, 1]) - 1
            if row < 0:
                table[k, 0], table[k, 1] = h, i + 1
                break
            if table[k, 0] == h and _same(data, offsets[row], offsets[row + 1], data, offsets[i], offsets[i + 1]):
                break
            k = (k + np.uint64(1)) & mask


@njit(nogil=True, cache=True)
def _walk(data, begin, end, h, set_data, set_offsets, table):
    """The row of the string [begin, end) with hash ``h`` in the set, -1 when it is not there."""
    mask = np.uint64(len(table) - 1)
    k = h & mask
    while True:
        row = np.int64(table[k, 1]) - 1
        if row < 0:
            return -1
        if table[k, 0] == h and _same(set_data, set_offsets[row], set_offsets[row + 1], data, begin, end):
            return row
        k = (k + np.uint64(1)) & mask


@njit(nogil=True, cache=True)
def _find(data, offsets, valid, set_data, set_offsets, table, out):
    """``out[i]``: the row of string i in the set, -1 when it is not there (or not ``valid``).

    In three passes, each a short loop whose steps do not wait on one another, so that the processor has
    many of the table's cache misses in flight at once (one loop doing all three waited on each miss in
    turn, three times slower): hash every string; find the first slot of the same hash; check the bytes
    (a different string of the same hash, almost never, walks on from there)."""
    n = len(offsets) - 1
    hashes = np.empty(n, dtype=np.uint64)
    for i in range(n):
        hashes[i] = _hash(data, offsets[i], offsets[i + 1])
    mask = np.uint64(len(table) - 1)
    for i in range(n):
        h = hashes[i]
        k = h & mask
        out[i] = -1
        while table[k, 1] != 0:
            if table[k, 0] == h:
                out[i] = np.int64(table[k, 1]) - 1
                break
            k = (k + np.uint64(1)) & mask
    for i in range(n):
        if not valid[i]:
            out[i] = -1
            continue
        row = out[i]
        if row >= 0 and not _same(set_data, set_offsets[row], set_offsets[row + 1], data, offsets[i], offsets[i + 1]):
            out[i] = _walk(data, offsets[i], offsets[i + 1], hashes[i], set_data, set_offsets, table)


def _buffers(strings):
    """The UTF-8 bytes and the offsets (int64, one per string and one more) of Arrow strings, not copied
    (``string`` arrays are cast to ``large_string`` first)."""
    import pyarrow as pa

    if not pa.types.is_large_string(strings.type):
        strings = strings.cast(pa.large_string())
    _, offsets, data = strings.buffers()[:3]
    n = len(strings)
    offsets = np.frombuffer(offsets, dtype=np.int64)[strings.offset:strings.offset + n + 1] if n \
        else np.zeros(1, dtype=np.int64)
    data = np.frombuffer(data, dtype=np.uint8) if data is not None and data.size else np.zeros(1, dtype=np.uint8)
    return strings, data, offsets


class StringIndex:
    """A set of strings (Arrow strings, nulls never match) and the row of each value in it (the first of
    equal values, as ``pyarrow.compute.index_in`` gives it)."""

    def __init__(self, strings):
        self._strings, self._data, self._offsets = _buffers(strings)
        n = len(self._offsets) - 1
        size = 1 << max(int(2 * n).bit_length(), 4)  # at most half full
        self._table = np.zeros((size, 2), dtype=np.uint64)  # per slot: the hash, and the row + 1 (0: empty)
        # a null is no member of the set
        _build(self._data, self._offsets, np.flatnonzero(self._valid(self._strings)), self._table)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @staticmethod
    def _valid(strings) -> np.ndarray:
        import pyarrow.compute as pc

        if not strings.null_count:
            return np.ones(len(strings), dtype=bool)
        return pc.is_valid(strings).to_numpy(zero_copy_only=False)

    def rows(self, values) -> np.ndarray:
        """For each value, its row in the set (-1: not there, or null); a dictionary array's distinct values
        are looked up once."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        if pa.types.is_dictionary(values.type):
            found = np.append(self.rows(values.dictionary), -1)
            indices = pc.fill_null(values.indices, len(values.dictionary)).to_numpy(zero_copy_only=False)
            return found[indices]
        values, data, offsets = _buffers(values)
        out = np.empty(len(values), dtype=np.int64)
        if len(values):
            _find(data, offsets, self._valid(values), self._data, self._offsets, self._table, out)
        return out

