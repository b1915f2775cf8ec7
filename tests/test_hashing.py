"""Column hashes (graph/hashing.py): one hash per value, whichever shortcut a column's shape takes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from graph import hashing


def _one_by_one(values: list[str | None]) -> list[int]:
    """The hash of each value on its own: the general path, no shortcut."""
    alone = {v: int(hashing._byte_hashes(pa.array([v], type=pa.large_string()))[0])
             for v in set(values) - {None}}
    return [int(hashing._NULL) if v is None else alone[v] for v in values]


def _column(shape: str, n: int = 6_000) -> list[str | None]:
    rng = np.random.default_rng(len(shape))
    if shape == "one value":
        return ["synthetic"] * n
    if shape == "one value but a few":  # a source column: the pool's source, and the curated rows' own
        values = ["synthetic"] * n
        for i in rng.integers(0, n, 90):
            values[i] = f"来源-{i % 7}"
        return values
    if shape == "mostly empty":
        values = [""] * n
        for i in rng.integers(0, n, 60):
            values[i] = f"91320400{i:010d}"
        return values
    if shape == "few distinct":
        return [f"产品{i}" for i in rng.integers(0, 30, n)]
    if shape == "with nulls":
        return [None if i % 5 == 0 else f"v{i % 11}" for i in range(n)]
    return [f"合成企业{i:07d}号" for i in rng.permutation(n)]  # all distinct


@pytest.mark.parametrize("shape", ["one value", "one value but a few", "mostly empty", "few distinct",
                                   "with nulls", "all distinct"])
@pytest.mark.parametrize("chunks", [1, 3])
def test_every_shortcut_gives_each_value_its_own_hash(shape, chunks):
    values = _column(shape)
    step = -(-len(values) // chunks)
    array = pa.chunked_array([pa.array(values[i:i + step], type=pa.large_string())
                              for i in range(0, len(values), step)])
    if chunks == 1:
        array = array.chunk(0)
    assert hashing.string_hashes(array).tolist() == _one_by_one(values)


@pytest.mark.parametrize("common, odd", [("synthetic", "mini"), ("synthetic", "nowhere"), ("nowhere", "mini")])
def test_membership_and_latest_value_of_a_column_of_nearly_one_value(common, odd):
    import pandas as pd

    from graph.tables import _latest
    from ingest.load import _isin

    values = pd.Series([common] * 40 + [odd] + [common] * 9, dtype="string[pyarrow]")
    known = pd.Series(["mini", "synthetic"], dtype="string[pyarrow]")
    assert _isin(values, known).tolist() == values.isin(["mini", "synthetic"]).tolist()
    assert _latest(values) == max(common, odd)
    assert _latest(pd.Series(["2026-01-01"] * 30, dtype="string[pyarrow]")) == "2026-01-01"
