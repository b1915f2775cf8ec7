"""``chainkg neo4j load|check`` and ``--store neo4j``, with the recording fake driver in place of a server."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

from neo4j.exceptions import AuthError, ServiceUnavailable  # noqa: E402

from conftest import BAD, MINI  # noqa: E402
from graph.schema import load_schema  # noqa: E402
from neo4j_fake import EchoGraph, FakeDriver  # noqa: E402


@pytest.fixture
def server(monkeypatch, tmp_path):
    """A fake server every `chainkg` command in the test connects to; the settings come from the environment."""
    import neo4j

    driver = FakeDriver(responders=EchoGraph(load_schema()).responders())
    seen: list[tuple] = []

    def make(uri, **config):
        seen.append((uri, config.get("auth")))
        return driver

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", make)
    monkeypatch.setenv("CHAINKG_NEO4J_URI", "bolt://localhost:7687")
    monkeypatch.setenv("CHAINKG_NEO4J_PASSWORD", "secret")
    monkeypatch.setenv("CHAINKG_NEO4J_DATABASE", "chains")
    monkeypatch.chdir(tmp_path)  # no chainkg.local.toml from the working folder
    driver.seen = seen
    return driver


def test_load_validates_then_loads_and_reports(run, server):
    result = run("-q", "neo4j", "load", "--data", MINI, "--chunk-size", "2")
    assert result.exit_code == 0, result.output
    # 27 schema statements + 10 node chunks + 11 relationship chunks + the build record (tests/test_neo4j_store.py)
    assert "loaded 14 nodes and 17 relationships into bolt://localhost:7687 database chains in 49 transactions" \
        in result.output
    assert server.seen == [("bolt://localhost:7687", ("neo4j", "secret"))]
    assert {c.database for c in server.calls} == {"chains"} and server.closed


def test_the_progress_bar_goes_to_stderr_unless_quiet(run, server):
    loud = run("neo4j", "load", "--data", MINI)
    assert loud.exit_code == 0 and "loading rows" in loud.stderr
    quiet = run("-q", "neo4j", "load", "--data", MINI)
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_bad_data_is_rejected_before_the_server_is_contacted(run, server, mini_copy):
    shutil.copy(BAD / "duplicate_key" / "enterprises.csv", mini_copy / "enterprises.csv")
    result = run("-q", "neo4j", "load", "--data", mini_copy)
    assert result.exit_code == 2 and "duplicate Enterprise key" in result.output
    assert server.calls == [] and server.seen == []


def test_schema_only_creates_constraints_and_indexes(run, server):
    result = run("-q", "neo4j", "load", "--schema-only")
    assert result.exit_code == 0, result.output
    assert "27 constraints and indexes in place" in result.output
    assert set(server.names()) == {"server", "schema/constraints"}


def test_check_compares_the_counts_with_the_local_build(run, server, tmp_path):
    home = tmp_path / "home"
    assert run("-q", "--home", home, "build", "--data", MINI).exit_code == 0
    assert run("-q", "neo4j", "load", "--data", MINI).exit_code == 0
    result = run("--home", home, "neo4j", "check")
    assert result.exit_code == 0, result.output
    assert "Neo4j Kernel 5.26.0 (community)" in result.output and "(same build)" in result.output
    assert "DIFFERS" not in result.output

    report = json.loads(run("--home", home, "neo4j", "check", "--format", "json").output)
    assert report["same_build"] is True and report["differences"] == 0
    assert {r["name"]: r["neo4j"] for r in report["counts"]}["Region"] == 5


def test_check_fails_when_neo4j_differs_from_the_local_build(run, server, tmp_path, mini_copy):
    home = tmp_path / "home"
    assert run("-q", "neo4j", "load", "--data", MINI).exit_code == 0
    (mini_copy / "regions.csv").write_text(
        (MINI / "regions.csv").read_text(encoding="utf-8") + "320411,新北区,county,mini,2026-01-01\n", encoding="utf-8")
    assert run("-q", "--home", home, "build", "--data", mini_copy).exit_code == 0
    result = run("--home", home, "neo4j", "check")
    assert result.exit_code == 2
    assert "DIFFERS" in result.output and "1 counts in Neo4j differ from the local build" in result.output
    assert "chainkg neo4j load --replace" in result.output


def test_stats_read_from_neo4j_equal_the_embedded_ones(run, server, tmp_path):
    home = tmp_path / "home"
    assert run("-q", "--home", home, "build", "--data", MINI).exit_code == 0
    assert run("-q", "neo4j", "load", "--data", MINI).exit_code == 0
    embedded = run("--home", home, "stats", "--format", "json")
    neo = run("--store", "neo4j", "stats", "--format", "json")
    assert embedded.exit_code == 0 and neo.exit_code == 0, neo.output
    assert json.loads(neo.output) == json.loads(embedded.output)


@pytest.mark.parametrize("error, words", [
    (ServiceUnavailable("Couldn't connect to localhost:7687"), "error: cannot reach Neo4j at bolt://localhost:7687"),
    (AuthError._hydrate_neo4j(code="Neo.ClientError.Security.Unauthorized", message="no"), "refused the credentials"),
])
def test_connection_problems_exit_2_with_a_hint(run, server, error, words):
    server.connect_error = error
    for args in (["neo4j", "check"], ["neo4j", "load", "--data", str(MINI)], ["--store", "neo4j", "stats"]):
        result = run("-q", *args)
        assert result.exit_code == 2, result.output
        assert words in result.output and "hint:" in result.output and "Traceback" not in result.output


def test_no_server_configured_exits_2(run, monkeypatch, tmp_path):
    monkeypatch.delenv("CHAINKG_NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("neo4j", "check")
    assert result.exit_code == 2 and "no Neo4j server configured" in result.output
    assert "CHAINKG_NEO4J_URI" in result.output
