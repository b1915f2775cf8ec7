"""ingest.string_index: the same rows as pyarrow's index_in, for any strings and array layout."""

import random

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ingest.string_index import StringIndex


def _expected(values, value_set) -> list:
    found = pc.index_in(values, value_set=value_set, skip_nulls=True)
    return pc.fill_null(found, -1).to_pylist()


def _words(rng: random.Random, n: int) -> list:
    alphabet = "ab<>/:#-_ 常州光伏\u00e9\U0001F600"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_rows_are_index_in(seed):
    rng = random.Random(seed)
    members = _words(rng, 300) + ["", "a", "a"]  # duplicates: the first row counts
    probes = _words(rng, 2_000) + members + [None]
    value_set = pa.array(members, pa.large_string())
    index = StringIndex(value_set)
    values = pa.array(probes, pa.large_string())
    assert index.rows(values).tolist() == _expected(values, value_set)
    # other layouts of the same values: string (not large), a slice, chunks, a dictionary
    assert index.rows(pa.array(probes)).tolist() == _expected(values, value_set)
    part = values.slice(7, 500)
    assert index.rows(part).tolist() == _expected(part, value_set)
    chunked = pa.chunked_array([values.slice(0, 10), values.slice(10)])
    assert index.rows(chunked).tolist() == _expected(values, value_set)
    assert index.rows(values.dictionary_encode()).tolist() == _expected(values, value_set)
    # a set given as string, sliced, with a null that matches nothing
    sliced = pa.array([None] + members).slice(1)
    assert StringIndex(pa.array([None] + members)).rows(values).tolist() == \
        [-1 if r < 0 else r + 1 for r in _expected(values, value_set)]
    assert StringIndex(sliced).rows(values).tolist() == _expected(values, value_set)


def test_empty_set_and_empty_values():
    assert StringIndex(pa.array([], pa.large_string())).rows(pa.array(["a", None])).tolist() == [-1, -1]
    assert StringIndex(pa.array(["a"])).rows(pa.array([], pa.string())).tolist() == []


def test_same_hash_other_string_walks_on():
    """Two strings under one hash (forged in the table: 64-bit collisions are too rare to meet) are told
    apart by their bytes: the lookup walks on to the slot that holds the same string."""
    index = StringIndex(pa.array(["a", "b"], pa.large_string()))
    table = index._table
    mask = len(table) - 1
    slot = {int(table[k, 1]) - 1: k for k in range(len(table)) if table[k, 1]}
    hash_a, hash_b = table[slot[0], 0], table[slot[1], 0]
    table[:] = 0
    # on "a"'s path: first "b" under "a"'s hash, then "a"; "b" also where its own hash leads
    table[slot[0]] = (hash_a, 2)
    table[(slot[0] + 1) & mask] = (hash_a, 1)
    k = slot[1]
    while table[k, 1]:
        k = (k + 1) & mask
    table[k] = (hash_b, 2)
    assert index.rows(pa.array(["a", "b", "c"])).tolist() == [0, 1, -1]
