"""The analyses' fast paths (issue 19) give exactly the answers of the straightforward references.

The choke points, targets and maps reach enterprises through the store's
endpoint index and share per-perspective work across chains; the references
(``tests/scale_reference.py``) read every table whole. Both run on the bundled
data, on synthetic pools (``chainkg synth``, several seeds) and on random
awkward graphs (``tests/scale_graphs.py``, several seeds), through the
embedded store and the in-memory one, and must agree on every figure.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from conftest import DATA
from graph.embedded import EmbeddedStore, write_embedded
from graph.memory import TableStore
from graph.store import EndpointIndex
from queries.chokepoints import chokepoint_context, chokepoint_inputs, chokepoints, score_chokepoints
from queries.shared import SharedWork
from scale_graphs import awkward_tables
from scale_reference import chokepoints as reference_chokepoints
from scale_reference import reference_chokepoint_inputs

PERSPECTIVES = ("常州市", "CHN", "320412", "JPN")
CHAINS = (None, "集成电路", "光伏")


@pytest.fixture(scope="module")
def base_tables():
    from ingest.load import load_tables

    return load_tables([DATA])


def _stores(tables, tmp_path_factory, name):
    home = tmp_path_factory.mktemp(name)
    write_embedded(tables, home)
    return EmbeddedStore.open(home), TableStore(tables)


@pytest.fixture(scope="module", params=["bundled", "awkward-1", "awkward-2", "awkward-3", "synth-5", "synth-11"])
def graphs(request, base_tables, tmp_path_factory):
    """(embedded store, in-memory store) of the same tables."""
    from ingest.load import load_tables

    kind, _, seed = request.param.partition("-")
    if kind == "bundled":
        tables = base_tables
    elif kind == "awkward":
        tables = load_tables([DATA], records=awkward_tables(base_tables, int(seed)))
    else:
        from ingest.synth import synthesize

        pool = tmp_path_factory.mktemp(f"pool-{seed}")
        synthesize(1500, seed=int(seed), out=pool / "pool", data=[DATA])
        tables = load_tables([DATA, pool / "pool"])
    return _stores(tables, tmp_path_factory, request.param)


# -- the store's endpoint index and row access ---------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_endpoint_index_finds_the_rows_a_scan_finds(seed):
    rng = np.random.default_rng(seed)
    for _ in range(50):
        nodes = int(rng.integers(1, 40))
        rows = rng.integers(-1, nodes, int(rng.integers(0, 120)))
        index = EndpointIndex.from_rows(rows, nodes=nodes)
        asked = rng.integers(-3, nodes + 3, int(rng.integers(0, 12)))
        valid = asked[(asked >= 0) & (asked < nodes)]
        assert index.relationships_of(asked).tolist() == np.flatnonzero(np.isin(rows, valid)).tolist()
        firsts = [int(np.flatnonzero(rows == r)[0]) if (rows == r).any() else -1 for r in valid]
        assert index.first_of(valid).tolist() == firsts


def test_embedded_index_and_row_access_equal_the_generic_ones(graphs):
    embedded, memory = graphs
    for rel, end in [("LOCATED_IN", "from"), ("LOCATED_IN", "to"), ("SUPPLIES", "to"), ("OPERATES_IN", "to"),
                     ("MASTERS", "from")]:
        fast, slow = embedded.endpoint_index(rel, end), memory.endpoint_index(rel, end)
        assert np.asarray(fast.rows).tolist() == np.asarray(slow.rows).tolist()
        assert np.asarray(fast.order).tolist() == np.asarray(slow.order).tolist()
        assert np.asarray(fast.offsets).tolist() == np.asarray(slow.offsets).tolist()
    def some(n: int) -> np.ndarray:  # unordered, repeated rows
        return np.array([5, 0, 3, 3, 1]) % max(n, 1) if n else np.zeros(0, dtype=np.int64)

    for label in ("Enterprise", "Technology"):
        rows = some(len(memory.nodes(label, ["id"])))
        pd.testing.assert_frame_equal(embedded.nodes_at(label, rows), memory.nodes_at(label, rows))
        pd.testing.assert_frame_equal(embedded.nodes_at(label, rows, ["name", "id"]),
                                      embedded.nodes(label, ["name", "id"]).take(rows).reset_index(drop=True))
    rows = some(len(memory.edges("SUPPLIES", ["from"])))
    pd.testing.assert_frame_equal(embedded.edges_at("SUPPLIES", rows), memory.edges_at("SUPPLIES", rows))
    assert embedded.edges_at("SUPPLIES", [], ["from", "year"]).empty


# -- choke points --------------------------------------------------------------------------------

def test_chokepoint_figures_and_rankings_equal_the_reference(graphs):
    embedded, memory = graphs
    shared = {store: SharedWork(store) for store in (embedded, memory)}
    for perspective in PERSPECTIVES:
        for chain in CHAINS:
            expected = reference_chokepoint_inputs(memory, perspective=perspective, chain=chain)
            for store in (embedded, memory):
                fast = chokepoint_inputs(store, perspective=perspective, chain=chain, shared=shared[store])
                assert dataclasses.asdict(fast) == dataclasses.asdict(expected), (perspective, chain)
            ranking = score_chokepoints(expected).to_dict()
            assert chokepoints(embedded, perspective=perspective, chain=chain, shared=shared[embedded]).to_dict() \
                == ranking
    for top in (1, 3):
        assert chokepoints(embedded, perspective="常州市", chain="光伏", top=top, shared=shared[embedded]).to_dict() \
            == reference_chokepoints(memory, perspective="常州市", chain="光伏", top=top).to_dict()


def test_shared_context_is_built_once_per_perspective_and_belongs_to_one_build(graphs, base_tables,
                                                                               tmp_path_factory):
    embedded, _ = graphs
    shared = SharedWork(embedded)
    first = chokepoint_context(embedded, perspective="常州市", shared=shared)
    assert chokepoint_context(embedded, perspective="320400", shared=shared) is first
    assert chokepoint_context(embedded, perspective="CHN", shared=shared) is not first
    # a ranking handed out may be changed by its caller without changing the next caller's
    ranking = chokepoints(embedded, perspective="常州市", shared=shared)
    ranking.results.clear()
    assert chokepoints(embedded, perspective="常州市", shared=shared).results or not ranking.candidates
    other, _ = _stores(base_tables.__class__(base_tables.schema), tmp_path_factory, "empty")
    if other.info().digest != embedded.info().digest:
        with pytest.raises(ValueError, match="another graph"):
            chokepoints(other, perspective="常州市", shared=shared)
