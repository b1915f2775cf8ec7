"""Key and reference checks by hash join (ingest/references.py): the same verdicts as exact string
comparison, whatever the hashes do, and the row numbers the store's index is built from."""

from __future__ import annotations

import numpy as np
import pytest

from chainkg.errors import BadInputError
from conftest import MINI
from graph.hashing import string_hashes
from ingest import references
from ingest.load import load_tables
from ingest.references import KeyCheck


def _add_row(folder, table: str, row: str) -> None:
    path = folder / table
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + row + "\n", encoding="utf-8")


@pytest.fixture(params=["real hashes", "every hash collides"])
def hashes(request, monkeypatch):
    """Run a test with the real hash, and with one that gives every value the same few hashes, so the
    text comparison and the exact checks behind the fast path are what decides."""
    if request.param == "every hash collides":
        def few(array):
            return (string_hashes(array) % np.uint64(3)).astype(np.uint64)

        monkeypatch.setattr(references, "string_hashes", few)
        monkeypatch.setattr(references, "column_hashes", lambda series: np.zeros(len(series), dtype=np.uint64))
    return request.param


def test_endpoint_rows_point_at_the_endpoint_node(hashes):
    tables = load_tables([MINI])
    rows = tables.endpoint_rows
    if hashes == "every hash collides":  # keys not told apart by hash: no row numbers, the exact checks passed
        assert rows == {}
        return
    assert rows, "the fast path gave no row numbers"
    for (rel, end), numbers in rows.items():
        spec = tables.schema.relationship(rel)
        label = (spec.from_labels if end == "from" else spec.to_labels)[0]
        keys = tables.nodes[label][tables.schema.label(label).key].to_numpy(dtype=object)
        assert list(keys[numbers]) == list(tables.edges[rel][end])


def test_a_dangling_reference_is_named_whatever_the_hashes(mini_copy, hashes):
    _add_row(mini_copy, "operates_in.csv", "e-nope,s-part,零件,mini,2026-01-01")
    with pytest.raises(BadInputError) as caught:
        load_tables([mini_copy])
    text = str(caught.value)
    assert "no Enterprise with key 'e-nope'" in text and "operates_in.csv:" in text


def test_a_reference_between_labels_of_a_mixed_type_is_checked(mini_copy, hashes):
    # FEEDS may link segments and technologies: the end's label column says which table to look in
    _add_row(mini_copy, "feeds.csv", "s-mat,s-missing,mini,2026-01-01")
    with pytest.raises(BadInputError) as caught:
        load_tables([mini_copy])
    assert "no Segment with key 's-missing'" in str(caught.value)


def test_a_duplicate_key_is_found_whatever_the_hashes(mini_copy, hashes):
    _add_row(mini_copy, "enterprises.csv", "e-a,,重复,,,,,,,mini,2026-01-01,false")
    with pytest.raises(BadInputError) as caught:
        load_tables([mini_copy])
    assert "duplicate Enterprise key 'e-a'" in str(caught.value)


def test_long_columns_are_looked_up_in_slices(monkeypatch):
    monkeypatch.setattr(references, "SLICE_ROWS", 2)
    sliced = load_tables([MINI])
    monkeypatch.undo()
    whole = load_tables([MINI])
    assert sliced.endpoint_rows.keys() == whole.endpoint_rows.keys()
    for key, rows in whole.endpoint_rows.items():
        assert np.array_equal(sliced.endpoint_rows[key], rows)
    assert sliced.digest() == whole.digest()


def test_relationship_uniqueness_uses_the_row_numbers():
    tables = load_tables([MINI])
    check = KeyCheck(tables)
    operates = tables.schema.relationship("OPERATES_IN")
    assert check.distinct_edges(operates) is True
    frame = tables.edges["OPERATES_IN"]
    tables.edges["OPERATES_IN"] = frame.iloc[list(range(len(frame))) + [0]].reset_index(drop=True)
    assert KeyCheck(tables).distinct_edges(operates) is False
    feeds = tables.schema.relationship("FEEDS")  # several labels: no row numbers, the caller checks
    assert KeyCheck(tables).distinct_edges(feeds) is None


def test_an_unknown_key_whose_hash_equals_a_known_one_is_still_dangling(mini_copy, monkeypatch):
    import pyarrow as pa

    _add_row(mini_copy, "operates_in.csv", "e-nope,s-part,零件,mini,2026-01-01")
    known = string_hashes(pa.array(["e-a"], type=pa.large_string()))[0]

    def colliding(array):
        out = string_hashes(array)
        out[np.asarray(array.to_pylist(), dtype=object) == "e-nope"] = known
        return out

    monkeypatch.setattr(references, "string_hashes", colliding)
    with pytest.raises(BadInputError) as caught:
        load_tables([mini_copy])
    assert "no Enterprise with key 'e-nope'" in str(caught.value)


def test_relationships_that_differ_only_by_an_identity_property_whose_hashes_collide(mini_copy, monkeypatch):
    from graph.hashing import column_hashes

    (mini_copy / "supplies.csv").write_text(
        "from,to,product,source,as_of\ne-a,e-b,电池,mini,2026-01-01\ne-a,e-b,电机,mini,2026-01-01\n", encoding="utf-8")
    monkeypatch.setattr(references, "column_hashes", lambda series: np.zeros(len(series), dtype=np.uint64)
                        if series.name == "product" else column_hashes(series))
    tables = load_tables([mini_copy])  # equal hashes, different products: not a duplicate
    assert len(tables.edges["SUPPLIES"]) == 2
    _add_row(mini_copy, "supplies.csv", "e-a,e-b,电机,mini,2026-01-01")
    with pytest.raises(BadInputError) as caught:
        load_tables([mini_copy])
    assert "duplicate SUPPLIES relationship" in str(caught.value)



def _shaped(shape: str, n_keys: int = 20_000, n: int = 30_000) -> np.ndarray:
    """Rows of the keys a relationship column refers to, in one of the shapes real tables have."""
    rng = np.random.default_rng(7)
    if shape == "in key order":  # one relationship per node, written alongside the node file
        return np.arange(n_keys)
    if shape == "in key order with strays":
        rows = np.arange(n_keys)
        strays = rng.integers(0, n_keys, 500)
        rows[strays] = rng.integers(0, n_keys, 500)
        return rows
    if shape == "grouped by node":  # runs of equal neighbours
        return np.sort(rng.integers(0, n_keys, n))
    if shape == "few distinct":  # regions, segments
        return rng.integers(0, 40, n)
    return rng.integers(0, n_keys, n)  # anywhere


@pytest.mark.parametrize("shape", ["in key order", "in key order with strays", "grouped by node",
                                   "few distinct", "anywhere"])
def test_lookups_find_every_row_and_miss_nothing_whatever_the_column_s_shape(shape, monkeypatch):
    import pandas as pd
    import pyarrow as pa

    keys = pa.array([f"k-{i:07d}" for i in range(20_000)], type=pa.large_string())
    index = pd.Index(string_hashes(keys))
    assert index.is_unique
    rows = _shaped(shape)
    values = pd.Series(keys.take(pa.array(rows)).to_pylist(), dtype="string[pyarrow]")
    hashed = []
    real = references._hashed_rows
    monkeypatch.setattr(references, "_hashed_rows", lambda v, i, k: hashed.append(len(v)) or real(v, i, k))
    assert references._lookup(values, index, keys).tolist() == rows.tolist()
    if shape in ("in key order", "in key order with strays", "few distinct"):
        assert sum(hashed) < len(rows) // 10  # the shape was recognised: few values needed hashing
    for position in (0, len(rows) // 2, len(rows) - 1):  # a dangling value anywhere fails the lookup
        dangling = values.copy()
        dangling.iloc[position] = "k-missing"
        assert references._lookup(dangling, index, keys) is None
