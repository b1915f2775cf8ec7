"""The Neo4j store against a recording fake driver: what it sends, in which order, and how it fails."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, TransientError  # noqa: E402

from chainkg.config import Neo4jSettings  # noqa: E402
from chainkg.errors import (  # noqa: E402
    ConfigError,
    Neo4jAuthError,
    Neo4jDatabaseNotFoundError,
    Neo4jQueryError,
    Neo4jUnreachableError,
    StoreError,
)
from conftest import MINI  # noqa: E402
from graph.cypher import all_statements, script  # noqa: E402
from graph.memory import TableStore  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from ingest.load import load_tables  # noqa: E402
from neo4j_fake import EchoGraph, FakeDriver  # noqa: E402

HOSTILE = ["'}) RETURN 1 //", "x` DETACH DELETE n //", '"; MATCH (n) DETACH DELETE n; //', "}) MERGE (x:Hacked) //"]


def _error(code: str, message: str = "test") -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.fixture(scope="module")
def mini_tables():
    return load_tables([MINI])


def _store(driver: FakeDriver, **options) -> tuple[Neo4jStore, list[float]]:
    pauses: list[float] = []
    store = Neo4jStore(driver, database="chainkg-test", sleep=pauses.append, **options)
    return store, pauses


def test_load_sends_constraints_first_then_chunks_of_rows_then_the_build_record(mini_tables):
    driver = FakeDriver()
    store, _ = _store(driver, chunk_size=2)
    report = store.load(mini_tables)

    names = driver.names()
    # 14 uniqueness constraints (13 labels + the build node), 11 text indexes on name, 2 indexes on uscc
    assert names[:27] == ["schema/constraints"] * 27
    assert len(script("schema/constraints")) == 27
    loads = [c for c in driver.calls if c.name.endswith(".load")]
    # rows per transaction, by hand from tests/fixtures/mini with chunks of 2
    assert [(c.name, len(c.parameters["rows"])) for c in loads] == [
        ("nodes/Source.load", 1),
        ("nodes/Region.load", 2), ("nodes/Region.load", 2), ("nodes/Region.load", 1),
        ("nodes/Cluster.load", 1),
        ("nodes/Chain.load", 1),
        ("nodes/Segment.load", 2), ("nodes/Segment.load", 1),
        ("nodes/Enterprise.load", 2), ("nodes/Enterprise.load", 1),
        ("relationships/IN_CLUSTER.Chain.Cluster.load", 1),
        ("relationships/SEGMENT_OF.Segment.Chain.load", 2), ("relationships/SEGMENT_OF.Segment.Chain.load", 1),
        ("relationships/FEEDS.Segment.Segment.load", 2),
        ("relationships/ANCHORS.Enterprise.Cluster.load", 1),
        ("relationships/OPERATES_IN.Enterprise.Segment.load", 2),
        ("relationships/OPERATES_IN.Enterprise.Segment.load", 1),
        ("relationships/LOCATED_IN.Enterprise.Region.load", 2),
        ("relationships/LOCATED_IN.Enterprise.Region.load", 1),
        ("relationships/WITHIN.Region.Region.load", 2), ("relationships/WITHIN.Region.Region.load", 2),
    ]
    assert names[-1] == "build/write"
    # round trips: 27 schema statements + 10 node chunks + 11 relationship chunks + 1 build record
    assert len(driver.calls) == 49 == report.transactions
    assert report.nodes == {"Source": 1, "Region": 5, "Cluster": 1, "Chain": 1, "Segment": 3, "Enterprise": 3}
    assert sum(report.relationships.values()) == 17
    assert report.retries == 0


@pytest.mark.parametrize("chunk_size, transactions", [(1, 27 + 14 + 17 + 1), (3, 27 + 7 + 8 + 1),
                                                      (1000, 27 + 6 + 7 + 1)])
def test_round_trips_follow_the_chunk_size(mini_tables, chunk_size, transactions):
    driver = FakeDriver()
    store, _ = _store(driver, chunk_size=chunk_size)
    store.load(mini_tables)
    assert len(driver.calls) == transactions
    assert all(len(c.parameters["rows"]) <= chunk_size for c in driver.calls if c.name.endswith(".load"))


def test_every_call_names_the_database_and_uses_managed_transactions(mini_tables):
    driver = FakeDriver(responders=EchoGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables, replace=True)
    store.nodes("Enterprise")
    store.edges("WITHIN")
    store.info()
    assert driver.calls and {c.database for c in driver.calls} == {"chainkg-test"}
    writes = {c.name for c in driver.calls if str(c.routing).endswith("WRITE")}
    reads = {c.name for c in driver.calls if str(c.routing).endswith("READ")}
    assert {"schema/constraints", "clear", "nodes/Enterprise.load", "build/write"} <= writes
    assert {"nodes/Enterprise.read", "relationships/WITHIN.Region.Region.read", "counts"} <= reads
    assert not writes & reads


def test_replace_deletes_in_batches_before_loading(mini_tables):
    remaining = [3, 0]
    driver = FakeDriver(responders={"clear": lambda p: [{"deleted": remaining.pop(0)}]})
    store, _ = _store(driver)
    report = store.load(mini_tables, replace=True)
    assert driver.names()[:2] == ["clear", "clear"] and report.deleted == 3
    assert driver.calls[0].parameters == {"batch": 10_000}
    first_load = min(i for i, n in enumerate(driver.names()) if n.endswith(".load"))
    last_schema = max(i for i, n in enumerate(driver.names()) if n == "schema/constraints")
    assert last_schema < first_load


def test_values_never_enter_the_cypher_text(mini_copy, tmp_path):
    frame = pd.read_csv(mini_copy / "enterprises.csv", dtype=str, keep_default_na=False)
    for i, name in enumerate(HOSTILE[:3]):
        frame.loc[i, "name"] = name
    frame.loc[0, "aliases"] = HOSTILE[3]
    frame.to_csv(mini_copy / "enterprises.csv", index=False)
    tables = load_tables([mini_copy])
    driver = FakeDriver(responders=EchoGraph(tables.schema).responders())
    store, _ = _store(driver)
    store.load(tables)
    store.find("Enterprise", HOSTILE[0])
    store.node("Enterprise", HOSTILE[1])
    store.region_subtree(HOSTILE[2])

    shipped = {s.body for s in all_statements()}
    assert all(c.query in shipped for c in driver.calls)
    for value in HOSTILE:
        assert not any(value in c.query for c in driver.calls)
    sent = repr([c.parameters for c in driver.calls])
    for value in HOSTILE:
        assert repr(value)[1:-1] in sent
    assert set(store.nodes("Enterprise")["name"]) >= set(HOSTILE[:3])


def test_a_load_twice_sends_the_same_statements_and_rows(mini_tables):
    driver = FakeDriver()
    store, _ = _store(driver)
    store.load(mini_tables)
    first = [(c.name, c.parameters) for c in driver.calls]
    driver.calls.clear()
    store.load(mini_tables)
    assert [(c.name, c.parameters) for c in driver.calls] == first


def test_what_is_loaded_reads_back_as_the_same_tables(mini_tables):
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders())
    store, _ = _store(driver, chunk_size=2)
    store.load(mini_tables, data=["tests/fixtures/mini"])
    reference = TableStore(mini_tables)
    for label in mini_tables.schema.labels:
        pd.testing.assert_frame_equal(store.nodes(label), reference.nodes(label).reset_index(drop=True))
    for rel in mini_tables.schema.relationships:
        pd.testing.assert_frame_equal(store.edges(rel), reference.edges(rel).reset_index(drop=True))
    assert store.node("Enterprise", "e-b") == reference.node("Enterprise", "e-b")
    assert store.node("Enterprise", "nobody") is None
    info, ref = store.info(), reference.info()
    assert (info.digest, info.as_of, info.counts) == (ref.digest, ref.as_of, ref.counts)
    assert info.data == ("tests/fixtures/mini",)
    # dates travel as dates, lists as lists, empty values as no property at all
    node = graph.nodes["Enterprise"]["e-b"]
    assert node["aliases"] == ["乙整机", "乙公司"] and str(node["as_of"]) == "2026-01-01"
    assert "uscc" not in node and "revenue_yi" not in node and node["_row"] == 1


def test_reads_are_cached_until_the_next_load(mini_tables):
    driver = FakeDriver(responders=EchoGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables)
    store.nodes("Region", ["code", "name"])
    store.nodes("Region", ["name"])
    assert driver.names().count("nodes/Region.read") == 1
    store.load(mini_tables)
    store.nodes("Region", ["name"])
    assert driver.names().count("nodes/Region.read") == 2


def test_retryable_errors_are_retried_with_the_same_rows(mini_tables):
    driver = FakeDriver(failures={"nodes/Region.load": [_error("Neo.TransientError.Transaction.DeadlockDetected"),
                                                        ServiceUnavailable("connection lost")]})
    messages: list[str] = []
    store, pauses = _store(driver, backoff=0.5, say=messages.append)
    report = store.load(mini_tables)
    tries = [c for c in driver.calls if c.name == "nodes/Region.load"]
    assert len(tries) == 3 and tries[0].parameters == tries[1].parameters == tries[2].parameters
    assert pauses == [0.5, 1.0] and report.retries == 2
    assert "retrying in 0.5 s (attempt 2 of 3)" in messages[0]


def test_a_retryable_error_that_persists_gives_up_after_the_last_attempt(mini_tables):
    driver = FakeDriver(failures={"*": [ServiceUnavailable("gone")] * 5})
    store, pauses = _store(driver, attempts=3)
    with pytest.raises(Neo4jUnreachableError, match="gone"):
        store.load(mini_tables)
    assert len(driver.calls) == 3 and len(pauses) == 2


@pytest.mark.parametrize("error, expected", [
    (_error("Neo.ClientError.Statement.SyntaxError"), Neo4jQueryError),
    (_error("Neo.ClientError.Schema.ConstraintValidationFailed"), Neo4jQueryError),
    (_error("Neo.ClientError.Security.Unauthorized"), Neo4jAuthError),
    (_error("Neo.ClientError.Database.DatabaseNotFound"), Neo4jDatabaseNotFoundError),
])
def test_errors_that_are_not_retryable_fail_at_once(mini_tables, error, expected):
    assert not error.is_retryable()
    driver = FakeDriver(failures={"nodes/Region.load": [error]})
    store, pauses = _store(driver)
    with pytest.raises(expected) as info:
        store.load(mini_tables)
    assert driver.names().count("nodes/Region.load") == 1 and pauses == []
    assert info.value.hint  # every one says what to do


def test_a_bug_in_python_is_not_retried_nor_disguised(mini_tables):
    driver = FakeDriver(failures={"nodes/Region.load": [KeyError("boom")]})
    store, pauses = _store(driver)
    with pytest.raises(KeyError):
        store.load(mini_tables)
    assert pauses == []


def test_a_relationship_whose_end_is_missing_is_reported(mini_tables):
    driver = FakeDriver(responders={"relationships/WITHIN.Region.Region.load": lambda p: [{"merged": 1}]})
    store, _ = _store(driver)
    with pytest.raises(StoreError, match="merged 1 of 4 rows"):
        store.load(mini_tables)


def _connect_with(monkeypatch, driver: FakeDriver, **settings) -> Neo4jStore:
    import neo4j

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: driver)
    values = {"uri": "bolt://localhost:7687", "password": "secret", "database": "chainkg-test", **settings}
    return Neo4jStore.connect(Neo4jSettings(**values))


@pytest.mark.parametrize("connect_error, answer_error, expected, words", [
    (ServiceUnavailable("Couldn't connect to localhost:7687"), None, Neo4jUnreachableError, "cannot reach Neo4j"),
    (AuthError._hydrate_neo4j(code="Neo.ClientError.Security.Unauthorized", message="bad"), None,
     Neo4jAuthError, "refused the credentials"),
    (None, _error("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist."),
     Neo4jDatabaseNotFoundError, "no database 'chainkg-test'"),
])
def test_connect_maps_unreachable_bad_credentials_and_missing_database(monkeypatch, connect_error, answer_error,
                                                                       expected, words):
    driver = FakeDriver(connect_error=connect_error, failures={"server": [answer_error] if answer_error else []})
    with pytest.raises(expected, match=words) as info:
        _connect_with(monkeypatch, driver)
    assert info.value.hint and driver.closed


def test_connect_checks_the_server_in_the_named_database(monkeypatch):
    driver = FakeDriver()
    store = _connect_with(monkeypatch, driver)
    assert driver.names() == ["server"] and driver.calls[0].database == "chainkg-test"
    assert store.server()["edition"] == "community"


def test_connect_needs_an_address():
    with pytest.raises(ConfigError, match="no Neo4j server configured"):
        Neo4jStore.connect(Neo4jSettings(uri=None))


def test_connect_rejects_an_address_that_is_not_neo4j():
    with pytest.raises(ConfigError, match="not a Neo4j address"):
        Neo4jStore.connect(Neo4jSettings(uri="http://localhost:7474", password="x"))


def test_the_real_driver_reports_a_closed_port_as_unreachable():
    """The real driver against a loopback port where nothing listens: refused at once."""
    with pytest.raises(Neo4jUnreachableError) as info:
        Neo4jStore.connect(Neo4jSettings(uri="bolt://127.0.0.1:9", password="x"), attempts=1)
    assert "docker compose" in info.value.hint


# -- the analyses' aggregation steps, in Cypher ----------------------------------------------------

@pytest.fixture(scope="module")
def bundled_neo4j():
    """The bundled data loaded through the store into the fake, which answers the analysis statements."""
    from conftest import DATA
    from neo4j_fake import loaded_store

    if not any(DATA.glob("*.csv")):
        pytest.skip("no bundled data yet")
    return loaded_store(DATA)


@pytest.mark.parametrize("perspective, chain", [("320400", None), ("CHN", None), ("常州市", None), ("USA", None)])
def test_chokepoint_inputs_in_cypher_match_the_embedded_figures(bundled_neo4j, perspective, chain):
    import dataclasses

    from queries.chokepoints import _gather, chokepoint_inputs

    store, driver, reference = bundled_neo4j
    if perspective == "USA" and "USA" not in set(reference.nodes("Region", ["code"])["code"]):
        pytest.skip("no USA region in the bundled data")
    before = len(driver.calls)
    figures = chokepoint_inputs(store, perspective=perspective, chain=chain)
    names = driver.names()[before:]
    expected = _gather(reference, perspective=perspective, chain=chain)
    assert figures.candidates, "the bundled data has candidates"
    assert dataclasses.asdict(figures) == dataclasses.asdict(expected)
    # the aggregations ran in the database, each statement once, as reads
    for name in ("candidates", "downstream", "providers", "capable", "dependencies"):
        assert names.count(f"chokepoints/{name}") == 1
    assert all(str(c.routing).endswith("READ") for c in driver.calls[before:])


def test_chokepoint_inputs_per_chain_match(bundled_neo4j):
    import dataclasses

    from queries.chokepoints import _gather, chokepoint_inputs

    store, driver, reference = bundled_neo4j
    chains = list(reference.nodes("Chain", ["id"])["id"])
    compared = 0
    for chain in chains:
        mine = dataclasses.asdict(chokepoint_inputs(store, perspective="CHN", chain=chain))
        assert mine == dataclasses.asdict(_gather(reference, perspective="CHN", chain=chain)), chain
        compared += bool(mine["candidates"])
        call = next(c for c in reversed(driver.calls) if c.name == "chokepoints/candidates")
        assert call.parameters == {"chain": chain}
    assert compared >= 3  # several chains depend on technologies


def test_chokepoint_statements_get_values_only_as_parameters(bundled_neo4j):
    from queries.chokepoints import chokepoint_inputs

    store, driver, _ = bundled_neo4j
    before = len(driver.calls)
    chokepoint_inputs(store, perspective="CHN")
    calls = [c for c in driver.calls[before:] if c.name.startswith("chokepoints/")]
    providers = next(c for c in calls if c.name == "chokepoints/providers")
    assert providers.parameters["perspective"] == "CHN"
    assert sorted(providers.parameters) == ["perspective", "technologies"]
    assert all("CHN" not in c.query for c in calls)
    with pytest.raises(Exception) as caught:
        chokepoint_inputs(store, perspective=HOSTILE[0])
    assert "no Region" in str(caught.value)


@pytest.mark.parametrize("include_synthetic", [None, True, False])
def test_gap_inputs_in_cypher_give_the_embedded_reports_on_mini(mini_tables, include_synthetic):
    """The mini data set has a synthetic source: the excluded facts are counted in Cypher too."""
    from neo4j_fake import AnalysisGraph
    from queries.gaps import _pandas_gap_inputs, all_chain_gaps, gap_inputs

    driver = FakeDriver(responders=AnalysisGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables, data=[str(MINI)])
    reference = TableStore(mini_tables, data=[str(MINI)])
    before = len(driver.calls)
    mine = [r.to_dict() for r in all_chain_gaps(store, region="320400", include_synthetic=include_synthetic)]
    assert mine == [r.to_dict() for r in all_chain_gaps(reference, region="320400",
                                                        include_synthetic=include_synthetic)]
    names = driver.names()[before:]
    for name in ("chain", "local", "national", "members", "supplies", "facts"):
        assert names.count(f"gaps/{name}") == len(mine)
    # the tables themselves, not only the report built from them
    codes = reference.region_subtree("320400")
    ours = gap_inputs(store, "ch-demo", codes, include_synthetic=include_synthetic)
    theirs = _pandas_gap_inputs(reference, "ch-demo", codes, include_synthetic)
    assert ours.facts == theirs.facts and ours.national_chain == theirs.national_chain
    assert ours.synthetic_included == theirs.synthetic_included and ours.as_of == theirs.as_of
    for name in ("national", "supplies", "sources"):
        pd.testing.assert_frame_equal(getattr(ours, name).reset_index(drop=True),
                                      getattr(theirs, name).reset_index(drop=True), check_dtype=False)
    key = ["segment", "enterprise"]
    pd.testing.assert_frame_equal(ours.local.sort_values(key).reset_index(drop=True),
                                  theirs.local.sort_values(key).reset_index(drop=True)[list(ours.local.columns)],
                                  check_dtype=False)


def test_gap_reports_from_cypher_match_on_the_bundled_data(bundled_neo4j):
    from queries.gaps import chain_gaps

    store, driver, reference = bundled_neo4j
    chains = sorted(reference.nodes("Chain", ["id"])["id"])[:6]
    for chain in chains:
        assert chain_gaps(store, chain=chain).to_dict() == chain_gaps(reference, chain=chain).to_dict(), chain
    calls = [c for c in driver.calls if c.name == "gaps/local"]
    assert calls[-1].parameters["chain"] == chains[-1]
    assert "320400" in calls[-1].parameters["region_codes"]
    assert all(chains[-1] not in c.query for c in calls)


def test_gap_inputs_of_an_unknown_chain_is_a_clear_error(bundled_neo4j):
    from chainkg.errors import NotFoundError
    from queries.gaps import gap_inputs

    store, _, _ = bundled_neo4j
    with pytest.raises(NotFoundError, match="no Chain"):
        gap_inputs(store, HOSTILE[1], {"320400"})
