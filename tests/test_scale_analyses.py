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

from conftest import DATA, one_worker
from frozen_tables import FrozenTableStore
from graph.embedded import EmbeddedStore, write_embedded
from graph.store import EndpointIndex
from queries.chokepoints import chokepoint_context, chokepoint_inputs, chokepoints, score_chokepoints
from queries.shared import SharedWork
from scale_graphs import awkward_tables
from scale_reference import chokepoints as reference_chokepoints
from scale_reference import (
    reference_chain_needs,
    reference_chokepoint_inputs,
    reference_map_members,
    reference_target_inputs,
)

PERSPECTIVES = ("常州市", "CHN", "320412", "JPN")
CHAINS = (None, "集成电路", "光伏")

#: the four graphs (written embedded, held in memory) are built once per worker: one worker runs the module
pytestmark = one_worker("test_scale_analyses")


@pytest.fixture(scope="module")
def base_tables():
    from ingest.load import load_tables

    return load_tables([DATA])


def _stores(tables, home):
    """(embedded store, in-memory store) of ``tables``, which no test changes afterwards."""
    write_embedded(tables, home)
    return EmbeddedStore.open(home), FrozenTableStore(tables)


@pytest.fixture(scope="module", params=["bundled", "awkward-1", "awkward-2", "synth-5"])
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
    return _stores(tables, tmp_path_factory.mktemp(request.param))


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
                # frozen dataclasses, compared field by field (every field, nested ones too: no field is left
                # out of the comparison); dataclasses.asdict of both was a third of this test's time
                assert fast == expected, (perspective, chain)
            ranking = score_chokepoints(expected).to_dict()
            assert chokepoints(embedded, perspective=perspective, chain=chain, shared=shared[embedded]).to_dict() \
                == ranking
    for top in (1, 3):
        assert chokepoints(embedded, perspective="常州市", chain="光伏", top=top, shared=shared[embedded]).to_dict() \
            == reference_chokepoints(memory, perspective="常州市", chain="光伏", top=top).to_dict()


def test_industry_names_and_market_sizes_equal_the_reference(base_tables, tmp_path):
    """A technology named like a chain, a cluster or a segment (name or short name) is left out, and the
    market sizes a technology states (ETO) reach the figures, on both paths."""
    from graph.tables import GraphTables

    nodes = {label: frame.copy() for label, frame in base_tables.nodes.items()}
    techs = nodes["Technology"]
    chains, segments = nodes["Chain"], nodes["Segment"]
    alias = next((a.split("|")[0] for a in chains["aliases"].dropna().astype(str) if a.strip()), None)
    renamed = [str(chains["name"].iloc[0]), str(segments["name"].iloc[0]), alias or str(segments["name"].iloc[1])]
    techs.loc[techs.index[:len(renamed)], "name"] = renamed
    techs["market_size_musd"] = [float(10 * i) if i % 3 else None for i in range(len(techs))]
    techs["market_size_year"] = [2020 + i % 4 if i % 2 else None for i in range(len(techs))]
    techs["market_size_musd"] = techs["market_size_musd"].astype("Float64")
    techs["market_size_year"] = techs["market_size_year"].astype("Int64")
    tables = GraphTables(base_tables.schema, nodes, dict(base_tables.edges))
    embedded, memory = _stores(tables, tmp_path / "home")
    dropped = 0
    for perspective in ("常州市", "CHN"):
        for chain in CHAINS:
            expected = reference_chokepoint_inputs(memory, perspective=perspective, chain=chain)
            dropped += len(expected.named_like_industry)
            assert any(c.market_size_musd is not None for c in expected.candidates) or not expected.candidates
            for store in (embedded, memory):
                fast = chokepoint_inputs(store, perspective=perspective, chain=chain, shared=SharedWork(store))
                assert fast == expected, (perspective, chain)  # every field, as in the test above
    assert dropped  # the rule fired somewhere, else this test proves nothing


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
    other, _ = _stores(base_tables.__class__(base_tables.schema), tmp_path_factory.mktemp("empty"))
    if other.info().digest != embedded.info().digest:
        with pytest.raises(ValueError, match="another graph"):
            chokepoints(other, perspective="常州市", shared=shared)


# -- targets -------------------------------------------------------------------------------------

def _same_frames(fast, expected, where) -> None:
    for f in dataclasses.fields(fast):
        a, b = getattr(fast, f.name), getattr(expected, f.name)
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), obj=f"{where} {f.name}")
        else:
            assert a == b, (where, f.name)


def test_target_needs_and_inputs_equal_the_reference(graphs):
    from queries.gaps import chain_gaps
    from queries.targets import chain_needs, target_inputs

    embedded, memory = graphs
    shared = {store: SharedWork(store) for store in (embedded, memory)}
    for region in ("常州市", "江苏省"):
        for include in (None, True):
            for chain in CHAINS[1:]:
                # the report both paths start from, made with the run's one reader (the same report as with
                # a reader of its own: test_gap_analyses_with_the_runs_one_reader_equal_those_with_their_own)
                report = chain_gaps(memory, chain=chain, region=region, include_synthetic=include,
                                    reader=shared[memory].reader())
                codes = memory.region_subtree(report.region)
                for use in (True, False):
                    expected = reference_chain_needs(memory, report, codes, include_synthetic=report.synthetic_included,
                                                     use_chokepoints=use)
                    for store in (embedded, memory):
                        found = chain_needs(store, report, codes, include_synthetic=report.synthetic_included,
                                            use_chokepoints=use, shared=shared[store])
                        assert dataclasses.asdict(found) == dataclasses.asdict(expected), (region, chain, use)
                expected = reference_target_inputs(memory, report, found.needs, codes,
                                                   include_synthetic=report.synthetic_included)
                for store in (embedded, memory):
                    fast = target_inputs(store, report, found.needs, codes, include_synthetic=report.synthetic_included,
                                         shared=shared[store])
                    _same_frames(fast, expected, (region, include, chain))


def test_chain_targets_equal_the_reference_end_to_end(graphs, monkeypatch):
    import queries.targets as targets

    embedded, memory = graphs
    shared = SharedWork(embedded)
    cases = [("集成电路", "常州市", None), ("光伏", "常州市", True), ("光伏", "320412", None), ("动力电池", "江苏省", True)]
    fast = [targets.chain_targets(embedded, chain=c, region=r, include_synthetic=i, shared=shared).to_dict()
            for c, r, i in cases]
    monkeypatch.setattr(targets, "chain_needs", reference_chain_needs)
    monkeypatch.setattr(targets, "target_inputs", reference_target_inputs)
    expected = [targets.chain_targets(memory, chain=c, region=r, include_synthetic=i).to_dict() for c, r, i in cases]
    for case, a, b in zip(cases, fast, expected):
        b["graph_digest"] = a["graph_digest"]  # the two stores report their own digests
        assert a == b, case


def test_gap_analyses_with_the_runs_one_reader_equal_those_with_their_own(graphs):
    """chain_gaps with one GraphReader shared by every chain and region of a run (SharedWork.reader(), as
    targets, maps and the catalogue pass it) reports what a fresh reader per call reports."""
    from queries.gaps import chain_gaps

    embedded, memory = graphs
    cases = [("集成电路", "常州市", None), ("光伏", "常州市", True), ("光伏", "320412", None), ("动力电池", "江苏省", True),
             ("集成电路", "常州市", None)]
    for store in (embedded, memory):
        reader = SharedWork(store).reader()
        shared = [dataclasses.asdict(chain_gaps(store, chain=c, region=r, include_synthetic=i, reader=reader))
                  for c, r, i in cases]
        own = [dataclasses.asdict(chain_gaps(store, chain=c, region=r, include_synthetic=i)) for c, r, i in cases]
        assert shared == own
        assert any(seg["platforms"] for report in own for seg in report["segments"])  # platforms are looked up


# -- maps ----------------------------------------------------------------------------------------

def test_map_members_equal_the_reference(graphs):
    from viz.model import _map_members

    embedded, memory = graphs
    segments = list(memory.nodes("Segment", ["id"])["id"].astype(str))[::3]
    techs = list(memory.nodes("Technology", ["id"])["id"].astype(str))
    sources = memory.nodes("Source", ["id", "kind"])
    synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
    chains, clusters = list(memory.nodes("Chain", ["id"])["id"])[:5], list(memory.nodes("Cluster", ["id"])["id"])[:3]
    for region in ("320400", "320000", "CHN"):
        local = memory.region_subtree(region)
        for dropped in (set(), synthetic):
            expected = reference_map_members(memory, segments=segments, techs=techs, local=local, dropped=dropped,
                                             chain_keys=chains, cluster_keys=clusters)
            for store in (embedded, memory):
                found = _map_members(store, segments=segments, techs=techs, local=local, dropped=dropped,
                                     chain_keys=chains, cluster_keys=clusters)
                for name in ("operates", "located", "ent_table"):
                    pd.testing.assert_frame_equal(getattr(found, name).reset_index(drop=True),
                                                  expected[name].reset_index(drop=True), obj=f"{region} {name}")
                assert (found.excluded, found.leaders, found.anchored) == \
                    (expected["excluded"], expected["leaders"], expected["anchored"])
                assert found.masters_count.to_dict() == expected["masters_count"].to_dict()


def test_chain_maps_equal_the_reference_end_to_end(graphs, monkeypatch):
    import viz.model as model

    embedded, memory = graphs
    shared = SharedWork(embedded)
    cases = [{"chain": "光伏"}, {"chain": "集成电路", "region": "江苏省"}, {"cluster": "新能源"},
             {"chain": "动力电池", "synthetic": True}]
    fast = [dataclasses.asdict(model.chain_map(embedded, shared=shared, **case)) for case in cases]
    monkeypatch.setattr(model, "_map_members", lambda store, **kw: model._Members(**reference_map_members(store, **kw)))
    expected = [dataclasses.asdict(model.chain_map(memory, **case)) for case in cases]
    for case, a, b in zip(cases, fast, expected):
        assert a == b, case


# -- tiny graphs: tables missing or empty ------------------------------------------------------

@pytest.mark.parametrize("folder", ["mini", "empty-enterprises"])
def test_tiny_graphs_answer_as_the_reference(folder, tmp_path):
    import shutil

    from conftest import MINI
    from ingest.load import load_tables
    from queries.gaps import chain_gaps
    from queries.targets import target_inputs
    from viz.model import chain_map

    data = tmp_path / folder
    shutil.copytree(MINI, data)
    if folder == "empty-enterprises":  # no enterprise at all: every enterprise table and relationship goes
        for name in ("enterprises", "located_in", "operates_in", "anchors"):
            (data / f"{name}.csv").unlink()
    tables = load_tables([data])
    embedded, memory = _stores(tables, tmp_path / "home")
    for perspective in ("CHN", "常州市", "苏州市"):
        expected = reference_chokepoint_inputs(memory, perspective=perspective, chain="示例链")
        assert dataclasses.asdict(chokepoint_inputs(embedded, perspective=perspective, chain="示例链")) \
            == dataclasses.asdict(expected)
    report = chain_gaps(memory, chain="示例链")
    codes = memory.region_subtree(report.region)
    needs = reference_chain_needs(memory, report, codes, include_synthetic=report.synthetic_included)
    _same_frames(reference_target_inputs(memory, report, needs.needs, codes),
                 target_inputs(embedded, report, needs.needs, codes), folder)
    assert chain_map(embedded, chain="示例链").counts == chain_map(memory, chain="示例链").counts


# -- the catalogue on worker processes -----------------------------------------------------------

@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_catalogue_on_worker_processes_equals_one_process(bundled_store, monkeypatch, method):
    import queries.workers as workers
    from queries.catalog import region_catalog
    from queries.workers import WorkerPool
    from viz.catalog.maps import chain_images

    chains = ["光伏", "集成电路", "工业机器人"]
    alone = region_catalog(bundled_store, chains=chains)
    # under pytest-xdist the main module is the worker's bootstrap (no file): a spawned process then imports
    # no main module at all, which these module-level tasks do not need
    monkeypatch.setattr(workers, "_spawnable", lambda: True)
    monkeypatch.setattr(workers, "start_method", lambda: method)  # pytest-xdist's own threads would say spawn
    with WorkerPool(bundled_store, 2) as pool:
        assert pool.usable(len(chains))  # processes are used
        together = region_catalog(bundled_store, chains=chains, workers=pool)
        assert pool._pool._mp_context.get_start_method() == method
        images = chain_images(bundled_store, together, png=False, workers=pool)
    assert together.to_dict() == alone.to_dict()
    assert {k: v.svg for k, v in images.items()} == {k: v.svg for k, v in chain_images(
        bundled_store, alone, png=False).items()}


def _frozen_objects(store, shared, item) -> int:
    import gc

    return gc.get_freeze_count()


def test_forked_workers_leave_what_they_inherit_out_of_their_collections(bundled_store, monkeypatch):
    """A forked worker starts with the objects it inherited frozen (its garbage collections skip them); this
    process freezes its own only while it forks."""
    import gc

    import queries.workers as workers
    from queries.workers import WorkerPool, per_chain

    monkeypatch.setattr(workers, "start_method", lambda: "fork")
    before = gc.get_freeze_count()
    with WorkerPool(bundled_store, 2) as pool:
        inherited = per_chain(bundled_store, _frozen_objects, [1, 2, 3], workers=pool)
        assert gc.get_freeze_count() == before
    assert min(inherited) > before


def test_workers_are_spawned_while_another_thread_runs():
    """A forked child keeps only the forking thread, and a lock another thread held stays held in it: the pool
    forks only when this process runs no other Python thread (queries.workers.start_method)."""
    import sys
    import threading

    from queries.workers import start_method

    if sys.platform == "linux" and threading.active_count() == 1:
        assert start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() == "spawn"
    finally:
        stop.set()
        other.join()


# -- parks and platforms -------------------------------------------------------------------------

def _segments_of_every_kind(memory) -> list[str]:
    """Segments for the per-segment look-ups, sampled deterministically: every segment one of whose enterprises
    runs a platform (the RUNS rows both paths must find), and every sixth of the others of each kind (with
    enterprises, among them the awkward and synthetic ones, or with none: the early return), at least one.
    Every chain is asked too, and a chain's look-up goes through all its segments at once."""
    operates = memory.edges("OPERATES_IN", ["from", "to"])
    runners = set(memory.edges("RUNS", ["from"])["from"].astype(str))
    operated = set(operates["to"].astype(str))
    run = set(operates.loc[operates["from"].astype(str).isin(runners), "to"].astype(str))
    kinds: dict[str, list[str]] = {}
    for segment in sorted(memory.nodes("Segment", ["id"])["id"].astype(str)):
        kind = "run" if segment in run else "operated" if segment in operated else "none"
        kinds.setdefault(kind, []).append(segment)
    return sorted(kinds.pop("run", []) + [s for members in kinds.values() for s in members[::6]])


def test_platform_operators_from_runs_equal_those_from_the_segments(graphs, monkeypatch):
    """Platforms run by an enterprise of the segment: found from RUNS first (the small table) or from the
    segments' OPERATES_IN rows first, the same carriers and facts.

    Each pass over the chains and segments passes one GraphReader to every call, as the catalogue and the gap
    analyses do (SharedWork.reader()): the branch is still taken on every call, each call still filters the
    operators of its own segments, and the reader's cache (the operators of RUNS, remembered by its first
    call) is then part of what is compared. A reader of its own per call read every table again for each
    of the ~60 calls (nine tenths of this test's time); carriers() without a reader of its own is tested in
    tests/test_dossier.py, and the first call of each pass reads as a fresh reader does."""
    from queries._reader import GraphReader
    from queries.carriers import carriers

    embedded, memory = graphs
    chains = sorted(memory.nodes("Chain", ["id"])["id"].astype(str))
    segments = _segments_of_every_kind(memory)

    def everything(store):
        reader = SharedWork(store).reader()
        return ([carriers(store, chain=c, region="常州市", reader=reader).to_dict() for c in chains]
                + [carriers(store, segment=s, reader=reader).to_dict() for s in segments])

    runs_first = {store: everything(store) for store in (embedded, memory)}
    size = GraphReader.size
    monkeypatch.setattr(GraphReader, "size", lambda self, name: 10 ** 12 if name == "RUNS" else size(self, name))
    for store in (embedded, memory):
        assert everything(store) == runs_first[store]
    assert runs_first[embedded] == runs_first[memory]
    found = [link for c in runs_first[memory] for p in c["platforms"] for link in p["links"]]
    assert any(link["relation"] == "RUNS" for link in found) or not len(memory.edges("RUNS", ["from"]))
