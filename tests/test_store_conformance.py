"""One conformance suite for every store: the same cases, identical answers.

Each data set (the mini fixture and the bundled data/) is validated once; its
tables in memory (:class:`graph.memory.TableStore`) are the reference. Every
store under test is built from the same tables and must answer every case
exactly as the reference does: tables (values, types and row order), lookups,
name search, regions, neighbourhoods, statistics and the analyses' inputs.

The embedded store always runs. A live Neo4j runs when ``CHAINKG_NEO4J_URI``
is set (with ``CHAINKG_NEO4J_PASSWORD``, ``CHAINKG_NEO4J_USER``,
``CHAINKG_NEO4J_DATABASE`` as for the CLI), e.g. the local one of
``.ci/neo4j`` (``.ci/run`` starts it; under ``CHAINKG_REQUIRE_TOOLS=1`` the
Neo4j half fails instead of skipping without one)::

    eval "$(bash .ci/neo4j start)" && pytest tests/test_store_conformance.py

It loads each data set as a new generation, REPLACING chainkg's graph in that
database: point it at a scratch server. Then it leaves a second, unfinished
generation of the same data beside it, as an interrupted load would: every
case must still answer exactly as the reference, so a statement that forgets
to keep to its generation (graph/cypher.py) fails here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from chainkg.errors import ChainkgError
from conftest import DATA, LIVE_NEO4J, MINI
from frozen_tables import FrozenTableStore
from graph.store import GraphStore

#: the Neo4j half asks for the server inside a fixture (getfixturevalue), which the collection-time
#: marking in conftest cannot see: its parameter carries the live-Neo4j group's mark (NEO4J, below),
#: and the embedded half runs on any worker

DATASETS = {"mini": MINI, "bundled": DATA}


@pytest.fixture(scope="module", params=sorted(DATASETS))
def dataset(request):
    from ingest.load import load_tables

    folder = DATASETS[request.param]
    if not any(folder.glob("*.csv")):
        pytest.skip(f"no data in {folder} yet")
    tables = load_tables([folder])
    return request.param, folder, tables


@pytest.fixture(scope="module")
def reference(dataset) -> GraphStore:
    return FrozenTableStore(dataset[2], data=[str(dataset[1])])  # TableStore, its digest computed once


@pytest.fixture(scope="module")
def reference_answers(reference) -> dict[str, Any]:
    """The reference's answer to each case, computed once per data set (the reference is a store no test changes,
    so its answer is the same for every store compared with it): a case name's answer, computed when first asked."""
    answers: dict[str, Any] = {}

    def answer(case) -> Any:
        if case.__name__ not in answers:
            answers[case.__name__] = case(reference)
        return answers[case.__name__]

    return answer


#: the live server's parameter: its tests join the live-Neo4j group (a test that parametrises ``store``
#: itself names it with this mark too)
NEO4J = pytest.param("neo4j", marks=LIVE_NEO4J)


@pytest.fixture(autouse=True)
def _neo4j_tests_are_in_the_live_group(request):
    """A test given the Neo4j store without the NEO4J mark would load into the one server beside the live
    group's tests: refuse it."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("store") == "neo4j":
        assert request.node.get_closest_marker("xdist_group") is not None, \
            "parametrise `store` with NEO4J (the live-Neo4j group's mark), not the bare 'neo4j'"


#: NEO4J first: pytest groups tests by a module fixture's parameter index, so test_neighbourhood_statement_matches_describe
#: (``store`` parametrised with [NEO4J] alone, index 0) runs beside the other Neo4j tests of its data set and
#: uses their loaded store, instead of loading the data set a second time after the embedded half
@pytest.fixture(scope="module", params=[NEO4J, "embedded"])
def store(request, dataset, tmp_path_factory):
    name, folder, tables = dataset
    if request.param == "embedded":
        from graph.embedded import EmbeddedStore, write_embedded

        home = tmp_path_factory.mktemp(f"conformance-{name}")
        write_embedded(tables, home, data=[str(folder)])
        yield EmbeddedStore.open(home)
        return
    from graph.neo4j_store import Neo4jStore

    settings = request.getfixturevalue("neo4j_settings")
    neo = Neo4jStore.connect(settings)
    neo.load(tables, data=[str(folder)])
    _leave_an_unfinished_generation(settings, tables)
    yield neo
    neo.close()


class _Interrupted(Exception):
    """Stops a load halfway, as a killed one stops."""


def _leave_an_unfinished_generation(settings, tables) -> None:
    """Load ``tables`` again and stop after most rows: a second generation beside the current one."""
    from graph.neo4j_store import Neo4jStore

    total = Neo4jStore.load_size(tables)
    sent = 0

    def progress(rows: int) -> None:
        nonlocal sent
        sent += rows
        if sent >= total * 0.8:
            raise _Interrupted

    # small chunks, so that the load stops inside a table: 7 rows for the mini data (31 rows: several chunks in
    # most of its tables), a hundredth of the rows for larger data (the bundled data's 8,178 rows: chunks of 81, a
    # hundred transactions to the stop instead of a thousand)
    other = Neo4jStore.connect(settings, chunk_size=max(7, total // 100))
    try:
        with pytest.raises(_Interrupted):
            other.load(tables, data=["unfinished"], progress=progress)
    finally:
        other.close()


# -- the cases: each maps a store to plain data ----------------------------------------------------

def _table(frame: pd.DataFrame) -> dict[str, Any]:
    return {"columns": list(frame.columns), "dtypes": [str(t) for t in frame.dtypes],
            "rows": frame.astype(object).where(frame.notna(), None).values.tolist()}


def _names(store: GraphStore) -> list[tuple[str, str]]:
    """Names to look up: every key, name and alias, pieces of names, and a name that is nowhere."""
    out = []
    for label, spec in store.schema.labels.items():
        table = store.nodes(label)
        for row in table.head(15).to_dict("records"):
            out.append((label, str(row[spec.key])))
            if "name" in row:
                out += [(label, row["name"]), (label, row["name"][:2])]
            for alias in str(row.get("aliases") or "").split("|")[:2]:
                if alias:
                    out.append((label, alias))
        out.append((label, "没有这个名字"))
    return out


def case_info(store):
    info = store.info()
    return {"digest": info.digest, "as_of": info.as_of, "counts": info.counts}


def case_node_tables(store):
    return {label: _table(store.nodes(label)) for label in store.schema.labels}


def case_edge_tables(store):
    return {rel: _table(store.edges(rel)) for rel in store.schema.relationships}


def case_column_subsets(store):
    out = {}
    for label, spec in store.schema.labels.items():
        columns = [c for c in spec.columns() if c in ("name", "source", "as_of")][::-1] + [spec.key]
        out[label] = _table(store.nodes(label, columns))
    for rel in store.schema.relationships:
        out[rel] = _table(store.edges(rel, ["to", "source"]))
    return out


def case_nodes_by_key(store):
    out = {}
    for label, spec in store.schema.labels.items():
        keys = list(store.nodes(label, [spec.key])[spec.key].head(25)) + ["no-such-key"]
        out[label] = {k: store.node(label, k) for k in keys}
    return out


def case_find(store):
    return [[label, name, [(m.key, m.name, m.matched) for m in store.find(label, name)]]
            for label, name in _names(store)]


def case_resolve(store):
    out = []
    for label, name in _names(store):
        try:
            out.append([label, name, store.resolve(label, name).key])
        except ChainkgError as error:
            out.append([label, name, type(error).__name__, str(error)])
    return out


def case_regions(store):
    # every country and province, every 10th prefecture and every 40th county (the national table has
    # ~3,200 regions: all of them would make this case quadratic for no extra coverage), the curated
    # 常州 rows, and a code that is nowhere
    regions = store.nodes("Region", ["code", "level"])
    by_level: dict[str, list[str]] = {}
    for code, level in zip(regions["code"], regions["level"]):
        by_level.setdefault(str(level), []).append(str(code))
    step = {"prefecture": 10, "county": 40}
    codes = [c for level, found in sorted(by_level.items()) for c in sorted(found)[::step.get(level, 1)]]
    codes += sorted(c for c in by_level.get("county", []) + by_level.get("prefecture", []) if c.startswith("3204"))
    codes = list(dict.fromkeys(codes)) + ["999999"]
    return {code: [sorted(store.region_subtree(code)), store.region_ancestors(code)] for code in codes}


def case_networkx(store):
    graph = store.networkx(["FEEDS", "SEGMENT_OF", "LOCATED_IN", "WITHIN"])
    return sorted((repr(a), repr(b), repr(sorted(d.items()))) for a, b, d in graph.edges(data=True))


def case_describe(store):
    from queries.show import KINDS, describe

    out = {}
    for kind, label in KINDS.items():
        spec = store.schema.label(label)
        for key in store.nodes(label, [spec.key])[spec.key].head(10):
            out[f"{kind}:{key}"] = describe(store, kind, key, limit=3)
    return out


def case_stats(store):
    from queries.stats import graph_stats

    return graph_stats(store)


def case_chokepoint_inputs(store):
    """The choke-point analysis's aggregation step (queries/chokepoints.py), from 常州市 and from China, per chain.

    On Neo4j it runs in Cypher (Neo4jStore.chokepoint_inputs, queries/cypher/chokepoints/).
    """
    import dataclasses

    from queries.chokepoints import chokepoint_inputs

    def used_names(figures) -> dict:
        """The figures with the region names the scores can use: those of regions named elsewhere in them
        (a store may send only those; the embedded one keeps every region's name)."""
        data = dataclasses.asdict(figures)
        names = data.pop("region_names")
        mentioned: set[str] = set()

        def walk(value):
            if isinstance(value, str):
                mentioned.add(value)
            elif isinstance(value, dict):
                for k, v in value.items():
                    if k != "subtree":  # the perspective's own regions are counted, never named
                        walk(k)
                        walk(v)
            elif isinstance(value, (list, tuple, set, frozenset)):
                for v in value:
                    walk(v)

        walk(data)
        data["region_names"] = {code: name for code, name in names.items() if code in mentioned}
        return data

    out = {}
    for perspective in ("320400", "CHN"):
        out[perspective] = used_names(chokepoint_inputs(store, perspective=perspective))
    for chain in list(store.nodes("Chain", ["id"])["id"])[:6]:
        out[f"CHN:{chain}"] = used_names(chokepoint_inputs(store, perspective="CHN", chain=chain))
    return out


def case_gap_reports(store):
    """The gap analysis and the 短板长板 table of every chain (queries/gaps.py, queries/shortboard.py)."""
    from queries.gaps import all_chain_gaps
    from queries.shortboard import shortboard_table

    region = "320400" if "320400" in set(store.nodes("Region", ["code"])["code"]) else "CHN"
    return [[report.to_dict(), shortboard_table(store, chain=report.chain, report=report).to_dict()]
            for report in all_chain_gaps(store, region=region)]


def case_dossiers(store):
    """The 七个一 dossier of every chain (queries/dossier.py) and the parks and platforms of each (queries/carriers.py)."""
    from queries.carriers import carriers
    from queries.dossier import chain_dossier

    region = "320400" if "320400" in set(store.nodes("Region", ["code"])["code"]) else None
    chains = list(store.nodes("Chain", ["id"])["id"])
    # a full dossier runs the gap, catalogue and 短板长板 analyses: three chains with 七个一 data (or the first)
    full = [c for c in chains if c in ("chain-graphene", "chain-special-steel", "chain-big-data")] or chains[:1]
    out = {}
    for chain in chains:
        out[chain] = [chain_dossier(store, chain=chain, region=region).to_dict() if region and chain in full else None,
                      carriers(store, chain=chain, region=region).to_dict()]
    for segment in list(store.nodes("Segment", ["id"])["id"])[:10]:
        out[segment] = carriers(store, segment=segment).to_dict()
    return out


def case_geomap_inputs(store):
    """The 产业地图's inputs: every chain's enterprises with their locations (queries/geomap.py)."""
    from queries.geomap import located_enterprises

    out = {}
    for chain in list(store.nodes("Chain", ["id"])["id"]):
        found = located_enterprises(store, chain=chain)
        out[chain] = [found.enterprises.astype(object).values.tolist(), found.memberships.values.tolist(),
                      list(found.unlocated), list(found.sources), found.as_of, found.synthetic_excluded]
    return out


CASES = [case_dossiers, case_geomap_inputs, case_gap_reports, case_chokepoint_inputs, case_info, case_node_tables, case_edge_tables, case_column_subsets, case_nodes_by_key, case_find,
         case_resolve, case_regions, case_networkx, case_describe, case_stats]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__[5:] for c in CASES])
def test_store_answers_like_the_reference(case, store, reference_answers):
    assert case(store) == reference_answers(case)


@pytest.mark.parametrize("store", [NEO4J], indirect=True)
def test_neighbourhood_statement_matches_describe(store, reference, reference_answers):
    """Neo4j answers `show` in one statement (nodes/<Label>.show): the same relations as describe() (the
    reference's, as case_describe has them: the same nodes, the same limit)."""
    from queries.show import KINDS

    described = reference_answers(case_describe)
    for kind, label in KINDS.items():
        spec = store.schema.label(label)
        for key in reference.nodes(label, [spec.key])[spec.key].head(10):
            expected = described[f"{kind}:{key}"]
            found = store.neighbourhood(label, key, limit=3)
            assert found["relations"] == expected["relations"], (label, key)
            assert found["totals"] == expected["totals"], (label, key)
            assert found["node"] == reference.node(label, key)
