"""Against a live Neo4j: loading what was built, atomic loads, and the failures a user meets.

The server is the one ``CHAINKG_NEO4J_*`` names (``.ci/run`` starts one with
``.ci/neo4j start``); without it these tests skip, and under
``CHAINKG_REQUIRE_TOOLS=1`` they fail (tests/conftest.py). Each test loads what
it needs itself and leaves no node chainkg did not write. ``chainkg`` runs as a
process, as a user runs it, so exit codes, stdout and stderr are the real ones.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DATA, ROOT, cli_env

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

#: enterprises in the synthetic pool the loads that are interrupted send, with small chunks (100 rows), so that
#: a load is caught midway: 2,000 give some 45 chunks of SUPPLIES, and the load is looked at only while stopped
POOL = 2000

#: commands whose answers must not change while a load runs, is killed, or fails
READS = [
    ("stats", "--format", "json"),
    ("gaps", "--chain", "光伏", "--format", "json"),
    ("chokepoints", "--perspective", "常州市", "--top", "10", "--format", "json"),
    ("show", "enterprise", "恒立液压", "--format", "json"),
    ("search", "enterprise", "常州"),
]


def chainkg(*args, env: dict | None = None, timeout: float = 900, check: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m chainkg`` as a process in a scratch folder (no chainkg.local.toml)."""
    done = subprocess.run([sys.executable, "-m", "chainkg", *map(str, args)], capture_output=True, text=True,
                          env=env or cli_env(), timeout=timeout, cwd=ROOT / "tests", check=False)
    if check:
        assert done.returncode == 0, f"chainkg {' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done


def driver_for(settings):
    import neo4j

    user, password = settings.credentials()
    return neo4j.GraphDatabase.driver(settings.address().uri, auth=(user, password),
                                      notifications_min_severity="OFF")


def query(settings, text: str, **params) -> list[dict]:
    """A query straight through the driver, not through chainkg."""
    with driver_for(settings) as driver:
        records, _, _ = driver.execute_query(text, params, database_=settings.database)
    return [dict(r) for r in records]


def current_generation(settings) -> str | None:
    rows = query(settings, "MATCH (c:ChainkgBuild {id: 'current'}) RETURN c.generation AS generation")
    return rows[0]["generation"] if rows else None


def bundled_loaded(settings, bundled_home: Path, bundled_store) -> str:
    """The bundled build as chainkg's current graph: loaded, unless the current graph already is that build (its
    build record complete, with the build's digest), as a test before may have left it; the current generation."""
    rows = query(settings, "MATCH (c:ChainkgBuild {id: 'current'}) "
                           "MATCH (b:ChainkgBuild {id: c.generation, _generation: c.generation}) "
                           "RETURN b.digest AS digest, b.state AS state")
    if rows != [{"digest": bundled_store.info().digest, "state": "complete"}]:
        chainkg("-q", "--home", bundled_home, "neo4j", "load", check=True)
    return current_generation(settings)


def reads(*, env: dict | None = None) -> dict[tuple, str]:
    out = {}
    for args in READS:
        done = chainkg("--store", "neo4j", *args, env=env)
        assert done.returncode == 0, f"{args}: {done.stderr}"
        out[args] = done.stdout
    return out


@pytest.fixture(scope="module")
def pool_home(tmp_path_factory) -> Path:
    """The bundled data with a synthetic pool of POOL enterprises layered on it, built."""
    base = tmp_path_factory.mktemp("pool")
    chainkg("synth", "--enterprises", POOL, "--seed", 7, "--out", base / "pool", check=True)
    chainkg("-q", "--home", base / "home", "build", "--data", DATA, "--data", base / "pool", check=True)
    return base / "home"


def _without_store_field(text: str):
    data = json.loads(text)
    if isinstance(data, dict):
        data.pop("store", None)
    return data


# -- loading what was built ------------------------------------------------------------------------

def test_build_load_and_query_through_chainkg_and_the_driver(neo4j_settings, bundled_home, bundled_store):
    """The acceptance line: build, load, gaps from Neo4j; the database itself holds the graph."""
    loaded = chainkg("--home", bundled_home, "neo4j", "load", check=True)
    counts = bundled_store.info().counts
    assert (f"loaded {sum(counts['nodes'].values())} nodes and {sum(counts['relationships'].values())} "
            f"relationships") in loaded.stdout
    neo = chainkg("--store", "neo4j", "gaps", "--chain", "光伏", "--format", "json", check=True)
    embedded = chainkg("--home", bundled_home, "gaps", "--chain", "光伏", "--format", "json", check=True)
    assert _without_store_field(neo.stdout) == _without_store_field(embedded.stdout)

    generation = current_generation(neo4j_settings)
    enterprises = query(neo4j_settings, "MATCH (e:Enterprise {_generation: $g}) RETURN count(e) AS n, "
                                        "collect(e.name)[..3] AS names", g=generation)[0]
    feeds = query(neo4j_settings, "MATCH (a:Segment|Technology {_generation: $g})-[:FEEDS]->() "
                                  "RETURN count(*) AS n", g=generation)[0]["n"]
    assert enterprises["n"] == counts["nodes"]["Enterprise"] > 100 and all(enterprises["names"])
    assert feeds == counts["relationships"]["FEEDS"] > 50
    record = query(neo4j_settings, "MATCH (b:ChainkgBuild {id: $g}) RETURN b.digest AS digest, b.state AS state",
                   g=generation)[0]
    assert record == {"digest": bundled_store.info().digest, "state": "complete"}

    check = chainkg("--home", bundled_home, "neo4j", "check", "--format", "json", check=True)
    report = json.loads(check.stdout)
    assert report["same_build"] is True and report["differences"] == 0
    assert report["server"]["version"].startswith("5.26") and report["server"]["edition"] == "community"


def test_a_killed_load_leaves_the_previous_graph_answering(neo4j_settings, bundled_home, bundled_store, pool_home):
    """SIGKILL a load midway: every read answers exactly as before, and the next load succeeds (the bundled build
    again: it deletes the killed generation and the previous one, and leaves the bundled graph for the next test)."""
    previous = bundled_loaded(neo4j_settings, bundled_home, bundled_store)
    before = reads()

    load = subprocess.Popen([sys.executable, "-m", "chainkg", "-q", "--home", str(pool_home), "neo4j", "load",
                             "--chunk-size", "100", "--workers", "1"], env=cli_env(), cwd=ROOT / "tests",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        loading = None
        deadline = time.monotonic() + 600
        # midway: nodes in, relationships coming. Once the OPERATES_IN just before SUPPLIES are going, the load is
        # looked at only while it is stopped (SIGSTOP) and runs a tenth of a second between looks, so it is killed
        # as it was seen, before its last SUPPLIES chunk
        near = False
        with driver_for(neo4j_settings) as driver:
            counting = {"SUPPLIES": "MATCH (:Enterprise {_generation: $g})-[r:SUPPLIES]->() RETURN count(r) AS n",
                        "OPERATES_IN": "MATCH (:Enterprise {_generation: $g})-[r:OPERATES_IN]->() RETURN count(r) AS n"}

            def count(rel: str, generation: str) -> int:
                return driver.execute_query(counting[rel], {"g": generation},
                                            database_=neo4j_settings.database).records[0]["n"]

            while time.monotonic() < deadline and load.poll() is None:
                if near:
                    os.kill(load.pid, signal.SIGSTOP)
                rows = driver.execute_query("MATCH (l:ChainkgBuild {id: 'loading'}) RETURN l.generation AS g",
                                            database_=neo4j_settings.database).records
                loading = rows[0]["g"] if rows else None
                if loading and near and count("SUPPLIES", loading):
                    break
                near = near or bool(loading and count("OPERATES_IN", loading))
                if near:
                    os.kill(load.pid, signal.SIGCONT)
                time.sleep(0.1)
        assert load.poll() is None, "the load ended before it could be killed midway"
        os.kill(load.pid, signal.SIGKILL)
    finally:
        load.kill()
        load.wait()
    assert load.returncode == -signal.SIGKILL

    # the killed load's generation is there, half written, and nobody reads it
    partial = query(neo4j_settings, "MATCH (n:Enterprise {_generation: $g}) RETURN count(n) AS n", g=loading)[0]["n"]
    supplies = query(neo4j_settings, "MATCH (:Enterprise {_generation: $g})-[r:SUPPLIES]->() RETURN count(r) AS n",
                     g=loading)[0]["n"]
    pool = json.loads(chainkg("--home", pool_home, "stats", "--format", "json", check=True).stdout)["counts"]
    assert partial == pool["nodes"]["Enterprise"] and 0 < supplies < pool["relationships"]["SUPPLIES"]
    assert current_generation(neo4j_settings) == previous
    assert reads() == before

    again = chainkg("--home", bundled_home, "neo4j", "load", check=True)
    assert "nodes of earlier generations deleted first" in again.stdout
    assert query(neo4j_settings, "MATCH (n {_generation: $g}) RETURN count(n) AS n", g=loading)[0]["n"] == 0
    assert current_generation(neo4j_settings) not in (previous, loading)
    neo = json.loads(chainkg("--store", "neo4j", "stats", "--format", "json", check=True).stdout)
    embedded = json.loads(chainkg("--home", bundled_home, "stats", "--format", "json", check=True).stdout)
    assert neo.pop("store") == "neo4j" and embedded.pop("store") == "embedded"
    assert neo == embedded


def test_a_reader_keeps_its_generation_while_a_load_switches(neo4j_settings, bundled_home, bundled_store,
                                                            mini_home_built):
    """A store opened before a load keeps answering from the graph it opened, whole."""
    from graph.neo4j_store import Neo4jStore

    bundled_loaded(neo4j_settings, bundled_home, bundled_store)
    reader = Neo4jStore.connect(neo4j_settings)
    try:
        enterprises = reader.nodes("Enterprise", ["id"])
        chainkg("-q", "--home", mini_home_built, "neo4j", "load", check=True)
        reader._cache.clear()
        assert reader.nodes("Enterprise", ["id"]).equals(enterprises) and len(enterprises) > 100
        fresh = Neo4jStore.connect(neo4j_settings)
        assert list(fresh.nodes("Enterprise", ["id"])["id"]) == ["e-a", "e-b", "e-c"]  # the mini data's
        fresh.close()
    finally:
        reader.close()


# -- failures a user meets -------------------------------------------------------------------------

@pytest.fixture
def foreign_nodes(neo4j_settings):
    """Nodes chainkg did not write: a small movie graph and a hand-made :Enterprise, removed afterwards."""
    token = uuid.uuid4().hex
    query(neo4j_settings, "CREATE (:Enterprise {id: 'hand-made', name: 'hand-made', test_token: $t}) "
                          "WITH 1 AS one UNWIND range(1, 3) AS i CREATE (:Movie {title: 'Film ' + i, test_token: $t})",
          t=token)
    yield token
    query(neo4j_settings, "MATCH (n {test_token: $t}) DETACH DELETE n", t=token)


def test_a_database_holding_another_graph_is_refused(neo4j_settings, mini_home_built, foreign_nodes):
    before = current_generation(neo4j_settings)
    refused = chainkg("--home", mini_home_built, "neo4j", "load")
    assert refused.returncode == 2, refused.stderr
    assert "holds nodes chainkg did not write: 3 :Movie, 1 :Enterprise" in refused.stderr
    assert "hint:" in refused.stderr and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert refused.stdout == "" and current_generation(neo4j_settings) == before

    forced = chainkg("--home", mini_home_built, "neo4j", "load", "--force", check=True)
    assert "4 nodes chainkg did not write left as they are" in forced.stdout
    assert query(neo4j_settings, "MATCH (n {test_token: $t}) RETURN count(n) AS n", t=foreign_nodes)[0]["n"] == 4
    # chainkg's reads keep to its own graph: the hand-made enterprise is not one of them
    shown = chainkg("--store", "neo4j", "search", "enterprise", "hand-made")
    assert "hand-made" not in shown.stdout


@pytest.fixture(scope="module")
def mini_home_built(tmp_path_factory) -> Path:
    from conftest import MINI

    home = tmp_path_factory.mktemp("mini") / "home"
    chainkg("-q", "--home", home, "build", "--data", MINI, check=True)
    return home


def test_a_wrong_password_is_a_clear_error_without_the_password(neo4j_settings):
    wrong = "Wrong" + uuid.uuid4().hex[:12]
    env = cli_env(CHAINKG_NEO4J_PASSWORD=wrong)
    done = chainkg("--store", "neo4j", "stats", env=env)
    assert done.returncode == 2 and "refused the credentials" in done.stderr, done.stderr
    assert "hint:" in done.stderr and "Traceback" not in done.stderr and wrong not in done.stderr + done.stdout

    address = neo4j_settings.address()
    env = cli_env(CHAINKG_NEO4J_URI=f"bolt://{neo4j_settings.user}:{wrong}@127.0.0.1:{address.port}",
                  CHAINKG_NEO4J_PASSWORD="")
    done = chainkg("-v", "--store", "neo4j", "stats", env=env)  # even the --verbose traceback
    assert done.returncode == 2 and "refused the credentials" in done.stderr, done.stderr
    assert wrong not in done.stderr + done.stdout and f"{neo4j_settings.user}:***@" in done.stderr


SLOW = "UNWIND range(1, 2000000000) AS i WITH i WHERE i % 1000003 = -1 RETURN count(i) AS n"


def test_a_statement_over_the_transaction_timeout_is_stopped(neo4j_settings, mini_home_built, monkeypatch, run):
    """Server-side: the driver gives every transaction the configured timeout; the server stops it."""
    from chainkg.errors import Neo4jTimeoutError
    from graph.cypher import CypherStatement
    from graph.neo4j_store import Neo4jStore

    if current_generation(neo4j_settings) is None:
        chainkg("-q", "--home", mini_home_built, "neo4j", "load", check=True)
    slow = CypherStatement("counts", Path("queries/cypher/counts.cypher"), "// a slow statement", SLOW, ())
    store = Neo4jStore.connect(replace(neo4j_settings, timeout=1.0))
    try:
        started = time.monotonic()
        with pytest.raises(Neo4jTimeoutError, match="ran longer than the transaction timeout .1 s"):
            store._execute(slow)
        assert time.monotonic() - started < 60
    finally:
        store.close()

    # the same through the command line: `stats` whose per-source statement is the slow one (its counts come
    # from the build record the load wrote)
    import graph.neo4j_connection as module

    real = module.statement
    sources = replace(slow, name="stats/sources", path=Path("queries/cypher/stats/sources.cypher"))
    monkeypatch.setattr(module, "statement", lambda name, *a: sources if name == "stats/sources" else real(name, *a))
    monkeypatch.setenv("CHAINKG_NEO4J_TIMEOUT", "1")
    monkeypatch.chdir(ROOT / "tests")
    result = run("--store", "neo4j", "stats")
    assert result.exit_code == 2, result.output
    assert "error: Neo4j stopped stats/sources.cypher: it ran longer than the transaction timeout (1 s)" in result.output
    assert "hint: raise the timeout (CHAINKG_NEO4J_TIMEOUT" in result.output and "Traceback" not in result.output


def test_a_node_chunk_replayed_after_its_commit_meets_the_constraint_and_merges(neo4j_settings):
    """What the loader relies on to CREATE nodes: the server's uniqueness constraint refuses a chunk that is
    already there (as when the driver replays a committed chunk), the loader recognises that refusal, and the
    chunk's MERGE form then changes nothing. In a scratch generation, deleted at the end."""
    from graph.cypher import statement
    from graph.neo4j_loading import _constraint_violation
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.connect(neo4j_settings)
    scratch = f"zz-test-{uuid.uuid4().hex[:8]}"
    chunk = {"keys": ["990001", "990002"], "columns": {"name": ["甲区", "乙区"], "level": ["county", "county"],
                                                      "source": ["mini", "mini"], "_row": [0, 1]},
             "generation": scratch}
    try:
        store.create_schema()
        assert store._execute(statement("nodes/Region.load"), chunk, write=True)[0]["merged"] == 2
        with pytest.raises(Exception) as refused:
            store._execute(statement("nodes/Region.load"), chunk, write=True)
        assert _constraint_violation(refused.value), refused.value
        assert store._execute(statement("nodes/Region.merge"), chunk, write=True)[0]["merged"] == 2
        rows = query(neo4j_settings, "MATCH (n:Region {_generation: $g}) RETURN n.code AS code, n.name AS name "
                                     "ORDER BY code", g=scratch)
        assert rows == [{"code": "990001", "name": "甲区"}, {"code": "990002", "name": "乙区"}]
    finally:
        query(neo4j_settings, "MATCH (n {_generation: $g}) DETACH DELETE n", g=scratch)
        store.close()


def test_a_relationship_chunk_replayed_after_its_commit_meets_its_marker_and_merges(neo4j_settings):
    """What the loader relies on to CREATE relationships: the node load returns its nodes' element ids in the
    order of the keys, a relationship chunk finds its ends by them and only in its own generation, and creates
    its marker (a build record with the chunk's id), so the same chunk sent again (as when the driver replays a committed chunk) is refused by the
    uniqueness constraint, the loader recognises that refusal, and the chunk's MERGE form then adds nothing.
    The markers go with their generation (build/forget). In a scratch generation, deleted at the end."""
    from graph.cypher import statement
    from graph.neo4j_loading import _constraint_violation, chunk_marker
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore.connect(neo4j_settings)
    scratch = f"zz-test-{uuid.uuid4().hex[:8]}"
    nodes = {"keys": ["990001", "990002", "990003"],
             "columns": {"name": ["甲区", "乙区", "丙区"], "level": ["county"] * 3, "source": ["mini"] * 3,
                         "_row": [0, 1, 2]}, "generation": scratch}
    load = "relationships/WITHIN.Region.Region.load"
    chunk = {"from": ["990002", "990003"], "to": ["990001", "990001"],
             "columns": {"source": ["mini", "mini"], "_row": [0, 1]}, "generation": scratch,
             "chunk": chunk_marker(scratch, load, 0)}
    count = ("MATCH (:Region {_generation: $g})-[r:WITHIN]->(:Region {_generation: $g}) "
             "RETURN count(r) AS n, collect(r._row) AS rows")
    try:
        store.create_schema()
        created = store._execute(statement("nodes/Region.load"), nodes, write=True)[0]["ids"]
        element = dict(zip(nodes["keys"], created, strict=True))
        chunk = {**chunk, "from_ids": [element[k] for k in chunk["from"]], "to_ids": [element[k] for k in chunk["to"]]}
        assert store._execute(statement(load), chunk, write=True)[0]["merged"] == 2
        with pytest.raises(Exception) as refused:
            store._execute(statement(load), chunk, write=True)
        assert _constraint_violation(refused.value), refused.value
        assert store._execute(statement(load.replace(".load", ".merge")), chunk, write=True)[0]["merged"] == 2
        rows = query(neo4j_settings, count, g=scratch)
        assert rows[0]["n"] == 2 and sorted(rows[0]["rows"]) == [0, 1]
        ends = query(neo4j_settings, "MATCH (a:Region {_generation: $g})-[r:WITHIN]->(b) RETURN a.code AS a, "
                                     "b.code AS b ORDER BY r._row", g=scratch)
        assert ends == [{"a": "990002", "b": "990001"}, {"a": "990003", "b": "990001"}]
        # an element id of a node of another generation (or another label) matches nothing
        elsewhere = {**chunk, "generation": f"{scratch}-other", "chunk": chunk_marker(f"{scratch}-other", load, 0)}
        assert store._execute(statement(load), elsewhere, write=True)[0]["merged"] == 0
        query(neo4j_settings, "MATCH (m:ChainkgBuild {_generation: $g}) DELETE m", g=f"{scratch}-other")
        markers = "MATCH (m:ChainkgBuild {_generation: $g}) RETURN count(m) AS n"
        assert query(neo4j_settings, markers, g=scratch)[0]["n"] == 1
        store.run("build/forget", {"generation": scratch}, write=True)
        assert query(neo4j_settings, markers, g=scratch)[0]["n"] == 0
    finally:
        query(neo4j_settings, "MATCH (n {_generation: $g}) DETACH DELETE n", g=scratch)
        store.close()
