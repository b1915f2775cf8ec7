"""The Neo4j store against a recording fake driver: what it sends, in which order, and how it fails."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable  # noqa: E402

from chainkg.config import Neo4jSettings  # noqa: E402
from chainkg.errors import (  # noqa: E402
    ConfigError,
    Neo4jAuthError,
    Neo4jDatabaseNotFoundError,
    Neo4jForeignDataError,
    Neo4jQueryError,
    Neo4jTimeoutError,
    Neo4jUnreachableError,
    StoreError,
    StoreNotBuiltError,
)
from conftest import MINI  # noqa: E402
from graph.cypher import all_statements, script  # noqa: E402
from graph.memory import TableStore  # noqa: E402
from graph.neo4j_loading import chunk_rows  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from ingest.load import load_tables  # noqa: E402
from neo4j_fake import AFTER, BEFORE, BETWEEN, SCHEMA, EchoGraph, FakeDriver  # noqa: E402

HOSTILE = ["'}) RETURN 1 //", "x` DETACH DELETE n //", '"; MATCH (n) DETACH DELETE n; //', "}) MERGE (x:Hacked) //"]


def _error(code: str, message: str = "test") -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message=message)


@pytest.fixture(scope="module")
def mini_tables():
    return load_tables([MINI])


def _store(driver: FakeDriver, **options) -> tuple[Neo4jStore, list[float]]:
    pauses: list[float] = []
    options.setdefault("workers", 1)
    store = Neo4jStore(driver, database="chainkg-test", sleep=pauses.append, **options)
    return store, pauses




def test_load_sends_constraints_first_then_chunks_of_rows_then_switches(mini_tables):
    driver = FakeDriver()
    store, _ = _store(driver, chunk_size=2)
    report = store.load(mini_tables)

    names = driver.names()
    assert len(script("schema/constraints")) == SCHEMA
    assert names[:len(BEFORE)] == BEFORE and names[-len(AFTER):] == AFTER
    loads = [c for c in driver.calls if c.name.endswith(".load")]
    # rows per transaction, by hand from tests/fixtures/mini with chunks of 2
    assert [(c.name, len(chunk_rows(c.parameters))) for c in loads] == [
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
    nodes = [c.name for c in loads if c.name.startswith("nodes/")]
    assert names[len(BEFORE):-len(AFTER)] == nodes + BETWEEN + [c.name for c in loads][len(nodes):]
    # every row, the build record and the switch go to the new generation
    assert {c.parameters["generation"] for c in loads} == {report.generation}
    assert next(c for c in driver.calls if c.name == "build/begin").parameters["generation"] == report.generation
    assert len(driver.calls) == len(BEFORE) + 21 + len(BETWEEN) + len(AFTER) == report.transactions
    assert report.nodes == {"Source": 1, "Region": 5, "Cluster": 1, "Chain": 1, "Segment": 3, "Enterprise": 3}
    assert sum(report.relationships.values()) == 17
    assert report.retries == 0


def _losing_commits(driver: FakeDriver, times: int):
    """A build/chunks responder for ``driver`` whose database lacks the marker of the second relationship chunk sent
    (its commit was acknowledged, not made) the first ``times`` times it is asked."""
    asked = []

    def answer(params):
        asked.append(1)
        sent = [c.parameters["chunk"] for c in driver.calls
                if "chunk" in c.parameters and c.parameters["generation"] == params["generation"]]
        present = set(sent) - ({sent[1]} if len(asked) <= times else set())
        return [{"id": marker} for marker in sorted(present)]

    return answer


def test_a_chunk_acknowledged_but_not_in_the_database_is_sent_again(mini_tables):
    """A server that went away between a chunk's statement and its commit can answer the commit without making
    it (seen live with Neo4j 5.26 and driver 6.4: tests/test_neo4j_server.py): the load finds the chunk's
    marker missing before it switches, sends that chunk again, and says so."""
    driver = FakeDriver()
    driver.responders["build/chunks"] = _losing_commits(driver, times=1)
    store, _ = _store(driver, chunk_size=2)
    report = store.load(mini_tables)
    rel_loads = [c for c in driver.calls if c.name.startswith("relationships/")]
    lost = rel_loads[1]
    again = [c for c in rel_loads if c.parameters["chunk"] == lost.parameters["chunk"]]
    assert len(again) == 2 and again[1].parameters == lost.parameters  # the same rows, ends and marker
    assert report.resent == 1 and driver.names().count("build/chunks") == 2
    assert driver.names()[-len(AFTER) + 1:] == AFTER[1:]  # then the switch, as always
    assert sum(report.relationships.values()) == 17  # counted once


def test_a_chunk_lost_twice_fails_the_load_and_switches_nothing(mini_tables):
    driver = FakeDriver()
    driver.responders["build/chunks"] = _losing_commits(driver, times=2)
    store, _ = _store(driver, chunk_size=2)
    with pytest.raises(StoreError, match="acknowledged 1 chunk of relationships that is not in the database, twice"):
        store.load(mini_tables)
    assert "build/switch" not in driver.names() and driver.names()[-1] == "build/release"


def _losing_node_commits(driver: FakeDriver, times: int):
    """A build/nodes responder for ``driver`` whose database lacks the nodes of the second node chunk sent (its commit
    was acknowledged, not made) the first ``times`` times it is asked."""
    asked = []

    def answer(params):
        asked.append(1)
        chunks = driver.node_chunks(params["generation"], params["chunk_size"])
        return chunks[:1] + chunks[2:] if len(asked) <= times else chunks

    return answer


def test_a_node_chunk_acknowledged_but_not_in_the_database_is_sent_again_before_any_relationship(mini_tables):
    """The same loss for nodes: no relationship may find its ends by the element ids of nodes that were never
    committed (an id freed by that rollback can be another node's later), so the node chunks are checked first."""
    driver = FakeDriver()
    driver.responders["build/nodes"] = _losing_node_commits(driver, times=1)
    store, _ = _store(driver, chunk_size=2)
    report = store.load(mini_tables)
    names = driver.names()
    node_loads = [c for c in driver.calls if c.name.startswith("nodes/") and c.name.endswith(".load")]
    lost = node_loads[1]  # the second node chunk sent: the first two of the Region table (chunks of 2)
    again = [c for c in driver.calls if c.name == lost.name.replace(".load", ".merge")]
    assert len(again) == 1 and again[0].parameters == lost.parameters  # the same rows, in the idempotent form
    first_relationship = next(i for i, n in enumerate(names) if n.startswith("relationships/"))
    assert names.index(again[0].name) < first_relationship
    assert names[:first_relationship].count("build/nodes") == 2 and names.count("build/nodes") == 2
    assert report.resent == 1 and report.nodes["Region"] == 5  # counted once
    assert names[-len(AFTER):] == AFTER


def test_a_node_chunk_lost_twice_fails_the_load_before_any_relationship(mini_tables):
    driver = FakeDriver()
    driver.responders["build/nodes"] = _losing_node_commits(driver, times=2)
    store, _ = _store(driver, chunk_size=2)
    with pytest.raises(StoreError, match="acknowledged 1 chunk of nodes that is not in the database, twice .*"
                                         "nodes/Region.load from row 0"):
        store.load(mini_tables)
    names = driver.names()
    assert not any(n.startswith("relationships/") for n in names)
    assert "build/switch" not in names and names[-1] == "build/release"


@pytest.mark.parametrize("chunk_size, chunks", [(1, 14 + 17), (3, 7 + 8), (1000, 6 + 7)])
@pytest.mark.parametrize("workers", [1, 3])
def test_round_trips_follow_the_chunk_size(mini_tables, chunk_size, chunks, workers):
    driver = FakeDriver()
    store, _ = _store(driver, chunk_size=chunk_size, workers=workers)
    store.load(mini_tables)
    assert len(driver.calls) == len(BEFORE) + chunks + len(BETWEEN) + len(AFTER)
    loads = [c for c in driver.calls if c.name.endswith(".load")]
    assert all(len(chunk_rows(c.parameters)) <= chunk_size for c in loads)
    # with several workers the chunks of a table may arrive in any order, but every row arrives once,
    # and no relationship is sent before every node is in
    rows = sorted((c.name, r["props"]["_row"]) for c in loads for r in chunk_rows(c.parameters))
    assert len(rows) == len(set(rows)) == 14 + 17
    last_node = max(i for i, c in enumerate(driver.calls) if c.name.startswith("nodes/") and c.name.endswith(".load"))
    first_rel = min(i for i, c in enumerate(driver.calls) if c.name.startswith("relationships/"))
    assert last_node < first_rel


def test_every_call_names_the_database_and_uses_managed_transactions(mini_tables):
    driver = FakeDriver(responders=EchoGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables)
    store.nodes("Enterprise")
    store.edges("WITHIN")
    store.info()
    store.counts()  # info() takes the counts the load recorded; `neo4j check` counts live
    assert driver.calls and {c.database for c in driver.calls} == {"chainkg-test"}
    writes = {c.name for c in driver.calls if str(c.routing).endswith("WRITE")}
    reads = {c.name for c in driver.calls if str(c.routing).endswith("READ")}
    assert {"schema/constraints", "build/claim", "build/begin", "nodes/Enterprise.load", "build/switch"} <= writes
    assert {"build/foreign", "build/read", "nodes/Enterprise.read", "relationships/WITHIN.Region.Region.read",
            "counts"} <= reads
    assert not writes & reads


def test_every_statement_gets_the_pinned_generation(mini_tables):
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders())
    store, _ = _store(driver)
    report = store.load(mini_tables)
    before = len(driver.calls)
    store.nodes("Region")
    store.find("Enterprise", "乙")
    store.region_subtree("320400")
    store.info()
    later = driver.calls[before:]
    assert later and all(c.parameters["generation"] == report.generation == store.generation
                         for c in later if "$generation" in c.query)
    assert {c.name for c in later if "$generation" not in c.query} == set()


def test_a_database_with_nothing_loaded_says_so():
    store, _ = _store(FakeDriver())
    with pytest.raises(StoreNotBuiltError, match="holds no chainkg graph yet") as caught:
        store.nodes("Region")
    assert "chainkg neo4j load" in caught.value.hint


def test_old_generations_are_deleted_in_batches_by_the_next_load(mini_tables, monkeypatch):
    import graph.neo4j_loading as module

    monkeypatch.setattr(module, "DELETE_BATCH", 2)
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders())
    store, _ = _store(driver)
    first = store.load(mini_tables).generation
    second = store.load(mini_tables)
    assert second.deleted == 0 and set(graph.records) == {first, second.generation}  # the previous one stays
    third = store.load(mini_tables)
    assert set(graph.records) == {second.generation, third.generation} and graph.current == third.generation
    assert third.deleted == 14  # the 14 nodes of the first generation, 2 per transaction
    deletes = [c for c in driver.calls if c.name.endswith(".delete") and c.parameters["generation"] == first]
    assert deletes and all(c.parameters["batch"] == 2 for c in deletes)
    assert [c.name for c in deletes][0] == "nodes/Enterprise.delete"  # enterprises first: most relationships
    assert first not in graph.generations


def test_a_failed_load_leaves_the_previous_graph_and_the_next_one_cleans_up(mini_tables):
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders())
    store, _ = _store(driver)
    good = store.load(mini_tables).generation
    before = store.nodes("Region")
    driver.failures["relationships/WITHIN.Region.Region.load"] = [
        _error("Neo.ClientError.Statement.SyntaxError")]
    with pytest.raises(Neo4jQueryError):
        store.load(mini_tables)
    broken = next(g for g in graph.records if g != good)
    assert graph.current == good and graph.records[broken]["state"] == "loading" and graph.lock == {}
    reader, _ = _store(driver)  # a new reader sees the previous graph, whole
    pd.testing.assert_frame_equal(reader.nodes("Region"), before)
    assert reader.generation == good
    again = store.load(mini_tables)
    assert again.deleted == 14 and broken not in graph.records


def test_a_load_refuses_a_database_with_foreign_nodes_unless_forced(mini_tables):
    foreign = [{"labels": ["Person"], "nodes": 12, "chainkg_labels": False},
               {"labels": ["Enterprise"], "nodes": 3, "chainkg_labels": True}]
    driver = FakeDriver(responders={"build/foreign": lambda p: foreign})
    store, _ = _store(driver)
    with pytest.raises(Neo4jForeignDataError, match="12 :Person, 3 :Enterprise") as caught:
        store.load(mini_tables)
    assert "--force" in caught.value.hint and driver.names() == ["build/foreign"]
    report = store.load(mini_tables, force=True)
    assert report.foreign == foreign
    # forced or not, nothing but generations is ever deleted: the delete statements name one
    assert all("generation" in c.parameters for c in driver.calls if c.name.endswith(".delete"))


def test_one_load_at_a_time(mini_tables):
    holder = {"generation": "g-other", "host": "elsewhere", "pid": 1, "started_at": None, "heartbeat": None}
    driver = FakeDriver(responders={"build/holder": lambda p: [holder],
                                    "build/claim": lambda p: [{"claimed": False, **holder}]})
    store, _ = _store(driver)
    with pytest.raises(StoreError, match="another chainkg load .pid 1 on elsewhere") as caught:
        store.load(mini_tables)
    assert "lapses" in caught.value.hint
    assert not any(c.name.endswith(".load") or c.name == "build/begin" for c in driver.calls)


def test_the_lock_of_a_killed_load_on_this_machine_is_taken_over(mini_tables):
    import socket
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid that no longer runs
    holder = {"generation": "g-killed", "host": socket.gethostname(), "pid": dead.pid, "started_at": None,
              "heartbeat": None}
    driver = FakeDriver(responders={"build/holder": lambda p: [holder]})
    messages: list[str] = []
    store, _ = _store(driver, say=messages.append)
    store.load(mini_tables)
    claim = next(c for c in driver.calls if c.name == "build/claim")
    assert claim.parameters["takeover"] == "g-killed"
    assert any("taking over the load lock" in m for m in messages)


def test_a_load_that_lost_its_lock_stops_before_switching(mini_tables):
    driver = FakeDriver(responders={"build/heartbeat": lambda p: [{"held": 0}]})
    store, _ = _store(driver)
    with pytest.raises(StoreError, match="lost its lock"):
        store.load(mini_tables)
    assert "build/switch" not in driver.names() and driver.names()[-1] == "build/release"


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


def test_a_load_twice_sends_the_same_rows(mini_tables):
    driver = FakeDriver()
    store, _ = _store(driver)

    def sent(generation):  # the generation, and the chunk markers that start with it, differ
        return [(c.name, {k: v.removeprefix(generation) if k == "chunk" else v for k, v in c.parameters.items()
                          if k != "generation"}) for c in driver.calls]

    first = store.load(mini_tables)
    before = sent(first.generation)
    driver.calls.clear()
    second = store.load(mini_tables)
    assert sent(second.generation) == before
    assert first.generation != second.generation


def test_lookups_by_key_read_only_those_nodes_and_relationships(mini_tables):
    driver = FakeDriver(responders=EchoGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables)
    reference = TableStore(mini_tables)
    before = len(driver.calls)
    for columns in (None, ["name", "id"]):
        pd.testing.assert_frame_equal(store.nodes_where("Enterprise", ["e-b", "e-a", "nobody"], columns),
                                      reference.nodes_where("Enterprise", ["e-b", "e-a", "nobody"], columns))
    for rel, end, keys in (("LOCATED_IN", "from", ["e-a"]), ("WITHIN", "to", ["320400"]),
                           ("OPERATES_IN", "to", ["s-part", "s-mat"]), ("FEEDS", "from", [])):
        for columns in (None, ["to", "source", "from"]):
            pd.testing.assert_frame_equal(store.edges_where(rel, end, keys, columns),
                                          reference.edges_where(rel, end, keys, columns))
    names = {c.name for c in driver.calls[before:]}
    assert not any(n.endswith(".read") for n in names)  # no table was read whole
    assert "nodes/Enterprise.where" in names and "relationships/WITHIN.Region.Region.to" in names


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
    store, pauses = _store(driver, backoff=0.5, say=messages.append, attempts=3)
    report = store.load(mini_tables)
    tries = [c for c in driver.calls if c.name == "nodes/Region.load"]
    assert len(tries) == 3 and tries[0].parameters == tries[1].parameters == tries[2].parameters
    assert pauses == [0.5, 1.0] and report.retries == 2
    assert "retrying in 0.5 s (try 2; giving up after 60 s)" in messages[0]


def test_a_retryable_error_that_persists_gives_up_after_the_last_attempt(mini_tables):
    driver = FakeDriver(failures={"*": [ServiceUnavailable("gone")] * 5})
    store, pauses = _store(driver, attempts=3)
    with pytest.raises(Neo4jUnreachableError, match="gone"):
        store.load(mini_tables)
    assert len(driver.calls) == 3 and len(pauses) == 2


@pytest.mark.parametrize("error, expected, failing", [
    (_error("Neo.ClientError.Statement.SyntaxError"), Neo4jQueryError, "nodes/Region.load"),
    (_error("Neo.ClientError.Schema.ConstraintValidationFailed"), Neo4jQueryError, "build/begin"),
    (_error("Neo.ClientError.Security.Unauthorized"), Neo4jAuthError, "nodes/Region.load"),
    (_error("Neo.ClientError.Database.DatabaseNotFound"), Neo4jDatabaseNotFoundError, "nodes/Region.load"),
])
def test_errors_that_are_not_retryable_fail_at_once(mini_tables, error, expected, failing):
    assert not error.is_retryable()
    driver = FakeDriver(failures={failing: [error]})
    store, pauses = _store(driver)
    with pytest.raises(expected) as info:
        store.load(mini_tables)
    assert driver.names().count(failing) == 1 and pauses == []
    assert info.value.hint  # every one says what to do


def test_a_node_chunk_already_committed_is_merged_instead(mini_tables):
    """CREATE meets the uniqueness constraint when the driver retried a chunk whose commit had succeeded:
    that chunk goes again through the idempotent MERGE, once, and the load completes."""
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders(),
                        failures={"nodes/Region.load": [_error("Neo.ClientError.Schema.ConstraintValidationFailed")]})
    store, pauses = _store(driver)
    report = store.load(mini_tables)
    names = driver.names()
    assert names.count("nodes/Region.merge") == 1 and names.count("nodes/Region.load") == 1
    assert names.index("nodes/Region.merge") == names.index("nodes/Region.load") + 1
    assert report.nodes["Region"] == 5 and pauses == []
    assert sorted(store.nodes("Region", ["code"])["code"]) == sorted(mini_tables.node_table("Region")["code"])


def test_a_relationship_chunk_already_committed_is_merged_instead(mini_tables):
    """A relationship chunk's CREATE meets its marker (the uniqueness constraint on the build records' id) when
    the driver retried it after its commit: that chunk goes again through the idempotent MERGE, once, with the
    same rows, and the load completes with every relationship once."""
    graph = EchoGraph(mini_tables.schema)
    failing = "relationships/OPERATES_IN.Enterprise.Segment.load"
    driver = FakeDriver(responders=graph.responders(),
                        failures={failing: [_error("Neo.ClientError.Schema.ConstraintValidationFailed")]})
    store, pauses = _store(driver)
    report = store.load(mini_tables)
    again = failing.replace(".load", ".merge")
    sent = [c for c in driver.calls if c.name in (failing, again)]
    assert [c.name for c in sent] == [failing, again] and pauses == []
    assert sent[0].parameters["chunk"] == f"{report.generation}/{failing}/0"
    assert chunk_rows(sent[0].parameters) == chunk_rows(sent[1].parameters)
    assert report.relationships["OPERATES_IN"] == len(mini_tables.edge_table("OPERATES_IN"))


def test_relationship_chunks_go_in_the_order_of_their_start_nodes_and_keep_their_rows(mini_tables):
    """Each (type, end labels) batch is sorted by start node, so consecutive rows touch the same node; `_row`
    still names each row's place in its table, and each chunk has a marker of its own."""
    driver = FakeDriver()
    store, _ = _store(driver, chunk_size=2)
    store.load(mini_tables)
    for name in {c.name for c in driver.calls if c.name.startswith("relationships/") and c.name.endswith(".load")}:
        calls = [c for c in driver.calls if c.name == name]
        starts = [key for c in calls for key in c.parameters["from"]]
        assert starts == sorted(starts), name
        markers = [c.parameters["chunk"] for c in calls]
        assert len(set(markers)) == len(markers)
    rows = [row for c in driver.calls if c.name.startswith("relationships/OPERATES_IN.") for row in
            chunk_rows(c.parameters)]
    table = mini_tables.edge_table("OPERATES_IN")
    assert sorted(r["props"]["_row"] for r in rows) == list(range(len(table)))
    assert all(table.iloc[r["props"]["_row"]]["from"] == r["from"] for r in rows)


@pytest.mark.parametrize("code", ["Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                                  "Neo.ClientError.Transaction.TransactionTimedOut"])
def test_a_statement_over_the_timeout_is_a_clear_error_and_not_retried(mini_tables, code):
    graph = EchoGraph(mini_tables.schema)
    driver = FakeDriver(responders=graph.responders())
    store, pauses = _store(driver, timeout=2.5)
    store.load(mini_tables)
    assert {c.timeout for c in driver.calls} == {2.5}  # every statement carries the timeout
    driver.failures["nodes/Region.read"] = [_error(code, "stopped")]
    with pytest.raises(Neo4jTimeoutError, match=r"nodes/Region.read.cypher: it ran longer .*\(2.5 s\)") as caught:
        store.nodes("Region")
    assert "CHAINKG_NEO4J_TIMEOUT" in caught.value.hint and pauses == []


def test_no_timeout_unless_configured(mini_tables):
    driver = FakeDriver()
    store, _ = _store(driver)
    store.load(mini_tables)
    assert {c.timeout for c in driver.calls} == {None}


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
    assert driver.names() == ["server", "build/read"] and driver.calls[0].database == "chainkg-test"
    assert store.server()["edition"] == "community"


def test_no_message_shows_the_password(monkeypatch):
    """A password in the URI (or set on its own) never appears in an error, a hint or the location."""
    import neo4j

    seen = {}

    def make(uri, **config):
        seen.update(uri=uri, auth=config.get("auth"))
        return FakeDriver(connect_error=ServiceUnavailable(f"Couldn't connect to {uri} (bolt://u:S3cr3tPw@db:7687)"))

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", make)
    with pytest.raises(Neo4jUnreachableError) as caught:
        Neo4jStore.connect(Neo4jSettings(uri="bolt://u:S3cr3tPw@db:7687"))
    assert seen == {"uri": "bolt://db:7687", "auth": ("u", "S3cr3tPw")}  # taken out of the URI, used as auth
    text = f"{caught.value} {caught.value.hint}"
    assert "S3cr3tPw" not in text and "bolt://u:***@db:7687" in text
    with pytest.raises(ConfigError) as caught:
        Neo4jStore.connect(Neo4jSettings(uri="http://u:S3cr3tPw@db:7474"))
    assert "S3cr3tPw" not in str(caught.value)


@pytest.mark.parametrize("uri, words", [
    ("bolt://localhost:99999", "port 99999 is out of range"),
    ("bolt://localhost:0", "port 0 is out of range"),
    ("bolt://localhost:7x", "is not a number"),
    ("bolt://:7687", "names no host"),
    ("bolt://localhost:7687/neo4j", "has no path"),
    ("localhost:7687", "no scheme"),
])
def test_bad_addresses_are_refused_before_connecting(uri, words):
    with pytest.raises(ConfigError, match=words):
        Neo4jStore.connect(Neo4jSettings(uri=uri, password="x"))


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
    assert ".ci/neo4j start" in info.value.hint


# -- the analyses' aggregation steps, in Cypher ----------------------------------------------------

@pytest.fixture(scope="module")
def bundled_neo4j():
    """The bundled data loaded through the store into the fake, which answers the analysis statements."""
    from conftest import DATA
    from neo4j_fake import loaded_store

    if not any(DATA.glob("*.csv")):
        pytest.skip("no bundled data yet")
    return loaded_store(DATA)


@pytest.mark.parametrize("perspective, chain", [("320400", None), ("CHN", None), ("常州市", None), ("JPN", None)])
def test_chokepoint_inputs_in_cypher_match_the_embedded_figures(bundled_neo4j, perspective, chain):
    import dataclasses

    from queries.chokepoints import _gather, chokepoint_inputs, score_chokepoints

    store, driver, reference = bundled_neo4j
    before = len(driver.calls)
    figures = chokepoint_inputs(store, perspective=perspective, chain=chain)
    names = driver.names()[before:]
    expected = _gather(reference, perspective=perspective, chain=chain)
    assert figures.candidates, "the bundled data has candidates"
    # Neo4j names only the regions the scores name (no Region table read whole); the rest is equal
    mine, theirs = dataclasses.asdict(figures), dataclasses.asdict(expected)
    assert mine.pop("region_names").items() <= theirs.pop("region_names").items()
    assert mine == theirs
    assert score_chokepoints(figures) == score_chokepoints(expected)
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
        theirs = dataclasses.asdict(_gather(reference, perspective="CHN", chain=chain))
        assert mine.pop("region_names").items() <= theirs.pop("region_names").items(), chain  # the ones named
        assert mine == theirs, chain
        compared += bool(mine["candidates"])
        call = next(c for c in reversed(driver.calls) if c.name == "chokepoints/candidates")
        assert call.parameters == {"chain": chain, "generation": store.generation}
    assert compared >= 3  # several chains depend on technologies


def test_chokepoint_statements_get_values_only_as_parameters(bundled_neo4j):
    from queries.chokepoints import chokepoint_inputs

    store, driver, _ = bundled_neo4j
    before = len(driver.calls)
    chokepoint_inputs(store, perspective="CHN")
    calls = [c for c in driver.calls[before:] if c.name.startswith("chokepoints/")]
    providers = next(c for c in calls if c.name == "chokepoints/providers")
    assert providers.parameters["perspective"] == "CHN"
    assert sorted(providers.parameters) == ["generation", "perspective", "technologies"]
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


@pytest.mark.parametrize("include_synthetic", [None, True, False])
def test_shortboard_inputs_in_cypher_give_the_embedded_tables_on_mini(mini_tables, include_synthetic):
    """The 短板长板 table from the shortboard/* statements equals the embedded one, synthetic facts left out
    (and counted) or kept. (That no large table is read whole is checked live: tests/test_store_commands_live.py.)"""
    from neo4j_fake import AnalysisGraph
    from queries.gaps import all_chain_gaps
    from queries.shortboard import shortboard_table

    driver = FakeDriver(responders=AnalysisGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables, data=[str(MINI)])
    reference = TableStore(mini_tables, data=[str(MINI)])
    before = len(driver.calls)
    mine = [shortboard_table(store, chain=r.chain, report=r).to_dict()
            for r in all_chain_gaps(store, region="320400", include_synthetic=include_synthetic)]
    theirs = [shortboard_table(reference, chain=r.chain, report=r).to_dict()
              for r in all_chain_gaps(reference, region="320400", include_synthetic=include_synthetic)]
    assert mine == theirs and mine
    names = driver.names()[before:]
    for name in ("technologies", "capable", "outside", "providers", "unplaced"):
        assert names.count(f"shortboard/{name}") == len(mine)


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


def test_info_takes_the_counts_the_load_recorded(mini_tables):
    """A load records each table's rows in its build record; info() reads them there instead of counting a
    whole graph, and they equal the live counts."""
    driver = FakeDriver(responders=EchoGraph(mini_tables.schema).responders())
    store, _ = _store(driver)
    store.load(mini_tables)
    before = len(driver.calls)
    info = store.info()
    assert "counts" not in driver.names()[before:]
    assert info.counts == mini_tables.counts() == store.counts()
