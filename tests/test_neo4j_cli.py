"""``chainkg neo4j load|check`` and ``--store neo4j``, with the recording fake driver in place of a server."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

from neo4j.exceptions import AuthError, ServiceUnavailable  # noqa: E402

from conftest import MINI  # noqa: E402
from graph.neo4j_loading import chunk_rows  # noqa: E402
from graph.schema import load_schema  # noqa: E402
from neo4j_fake import AFTER, BEFORE, BETWEEN, SCHEMA, EchoGraph, FakeDriver  # noqa: E402


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


@pytest.fixture
def mini_home(run, tmp_path):
    """A store built from the mini data set."""
    home = tmp_path / "home"
    assert run("-q", "--home", home, "build", "--data", MINI).exit_code == 0
    return home


def test_load_sends_the_current_build_and_reports(run, server, mini_home):
    result = run("-q", "--home", mini_home, "neo4j", "load", "--chunk-size", "2", "--workers", "1")
    assert result.exit_code == 0, result.output
    # the statements around the rows + 10 node chunks + 11 relationship chunks (tests/test_neo4j_store.py)
    assert "loaded 14 nodes and 17 relationships into bolt://localhost:7687 database chains as generation" \
        in result.output and f"in {len(BEFORE) + 21 + len(BETWEEN) + len(AFTER)} transactions" in result.output
    assert server.seen == [("bolt://localhost:7687", ("neo4j", "secret"))]
    assert {c.database for c in server.calls} == {"chains"} and server.closed
    begin = next(c for c in server.calls if c.name == "build/begin")
    local = json.loads(run("--home", mini_home, "stats", "--format", "json").output)
    assert begin.parameters["props"]["digest"] == local["digest"]


def test_load_takes_what_was_built_not_data(run, server, tmp_path, mini_copy):
    """A build of a changed copy, at --home: the load sends that build, whatever data/ holds."""
    (mini_copy / "regions.csv").write_text(
        (MINI / "regions.csv").read_text(encoding="utf-8") + "320411,新北区,county,mini,2026-01-01\n", encoding="utf-8")
    home = tmp_path / "changed"
    assert run("-q", "--home", home, "build", "--data", mini_copy).exit_code == 0
    assert run("-q", "--home", home, "neo4j", "load").exit_code == 0
    regions = [r["key"] for c in server.calls if c.name == "nodes/Region.load" for r in chunk_rows(c.parameters)]
    assert "320411" in regions and len(regions) == 6
    assert "--data DIR" not in run("neo4j", "load", "--help").output and run("neo4j", "load", "--data", MINI).exit_code == 2


def test_the_progress_bar_goes_to_stderr_unless_quiet(run, server, mini_home):
    loud = run("--home", mini_home, "neo4j", "load")
    assert loud.exit_code == 0 and "loading rows" in loud.stderr
    quiet = run("-q", "--home", mini_home, "neo4j", "load")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_nothing_built_is_an_error_before_the_server_is_contacted(run, server, tmp_path):
    for args in (["neo4j", "load"], ["export", "neo4j-admin", "--out", str(tmp_path / "out")]):
        result = run("-q", "--home", tmp_path / "nothing", *args)
        assert result.exit_code == 2, result.output
        assert "no built graph" in result.output and "chainkg build" in result.output
    assert server.calls == [] and server.seen == []


def test_a_database_with_other_nodes_is_refused_unless_forced(run, server, mini_home):
    server.responders["build/foreign"] = lambda p: [{"labels": ["Movie"], "nodes": 38, "chainkg_labels": False}]
    refused = run("-q", "--home", mini_home, "neo4j", "load")
    assert refused.exit_code == 2 and "holds nodes chainkg did not write: 38 :Movie" in refused.output
    assert "--force" in refused.output and "Traceback" not in refused.output
    assert not any(c.name.endswith(".load") for c in server.calls)
    forced = run("-q", "--home", mini_home, "neo4j", "load", "--force")
    assert forced.exit_code == 0 and "38 nodes chainkg did not write left as they are" in forced.output


def test_schema_only_creates_constraints_and_indexes(run, server):
    result = run("-q", "neo4j", "load", "--schema-only")
    assert result.exit_code == 0, result.output
    assert f"{SCHEMA} constraints and indexes in place" in result.output
    assert set(server.names()) == {"server", "build/read", "schema/constraints"}


def test_check_compares_the_counts_with_the_local_build(run, server, mini_home):
    assert run("-q", "--home", mini_home, "neo4j", "load").exit_code == 0
    result = run("--home", mini_home, "neo4j", "check")
    assert result.exit_code == 0, result.output
    assert "Neo4j Kernel 5.26.0 (community)" in result.output and "(same build)" in result.output
    assert "DIFFERS" not in result.output

    report = json.loads(run("--home", mini_home, "neo4j", "check", "--format", "json").output)
    assert report["same_build"] is True and report["differences"] == 0
    assert {r["name"]: r["neo4j"] for r in report["counts"]}["Region"] == 5


def test_check_fails_when_neo4j_differs_from_the_local_build(run, server, tmp_path, mini_home, mini_copy):
    assert run("-q", "--home", mini_home, "neo4j", "load").exit_code == 0
    (mini_copy / "regions.csv").write_text(
        (MINI / "regions.csv").read_text(encoding="utf-8") + "320411,新北区,county,mini,2026-01-01\n", encoding="utf-8")
    home = tmp_path / "other"
    assert run("-q", "--home", home, "build", "--data", mini_copy).exit_code == 0
    result = run("--home", home, "neo4j", "check")
    assert result.exit_code == 2
    assert "DIFFERS" in result.output and "1 counts in Neo4j differ from the local build" in result.output
    assert "chainkg neo4j load" in result.output


def test_check_on_an_empty_database_says_nothing_is_loaded(run, server, mini_home):
    result = run("--home", mini_home, "neo4j", "check")
    assert result.exit_code == 2 and "holds no chainkg graph yet" in result.output


def test_stats_read_from_neo4j_equal_the_embedded_ones(run, server, mini_home):
    assert run("-q", "--home", mini_home, "neo4j", "load").exit_code == 0
    embedded = run("--home", mini_home, "stats", "--format", "json")
    neo = run("--store", "neo4j", "stats", "--format", "json")
    assert embedded.exit_code == 0 and neo.exit_code == 0, neo.output
    mine, theirs = json.loads(neo.output), json.loads(embedded.output)
    assert mine.pop("store") == "neo4j" and theirs.pop("store") == "embedded"
    assert mine == theirs and any(s["facts"] for s in mine["sources"])


@pytest.mark.parametrize("error, words", [
    (ServiceUnavailable("Couldn't connect to localhost:7687"), "error: cannot reach Neo4j at bolt://localhost:7687"),
    (AuthError._hydrate_neo4j(code="Neo.ClientError.Security.Unauthorized", message="no"), "refused the credentials"),
])
def test_connection_problems_exit_2_with_a_hint(run, server, mini_home, error, words):
    server.connect_error = error
    for args in (["neo4j", "check"], ["--home", str(mini_home), "neo4j", "load"], ["--store", "neo4j", "stats"]):
        result = run("-q", *args)
        assert result.exit_code == 2, result.output
        assert words in result.output and "hint:" in result.output and "Traceback" not in result.output


def test_a_password_in_the_uri_is_never_printed(run, server, monkeypatch):
    """Issue 18, defect 7: `CHAINKG_NEO4J_URI='bolt://u:S3cr3t@localhost:1' chainkg stats` showed it twice."""
    monkeypatch.setenv("CHAINKG_NEO4J_URI", "bolt://u:S3cr3tPw@localhost:1")
    monkeypatch.delenv("CHAINKG_NEO4J_PASSWORD")
    server.connect_error = ServiceUnavailable("Couldn't connect to bolt://u:S3cr3tPw@localhost:1")
    for args in (["--store", "neo4j", "stats"], ["neo4j", "check"], ["-v", "--store", "neo4j", "stats"]):
        result = run(*args)
        assert result.exit_code == 2 and "S3cr3tPw" not in result.output, result.output
        assert "bolt://u:***@localhost:1" in result.output
    assert server.seen[-1] == ("bolt://localhost:1", ("u", "S3cr3tPw"))


@pytest.mark.parametrize("toml, words", [
    ('neo4j = "x"', "neo4j = 'x' is not a table"),
    ('[neo4j]\nuri = 5', "neo4j.uri = 5 is not a text"),
    ('[neo4j]\npassword = 5', "neo4j.password = (a hidden value) is not a text"),
    ('[neo4j]\ntimeout = "soon"', "neo4j.timeout = 'soon' is not a number"),
    ('[neo4j]\ntimeout = -1', "neo4j.timeout = -1 is not a positive number"),
    ('[neo4j]\npasword = "x"', "unknown setting 'neo4j.pasword'"),
    ('store = 3', "store = 3 is not embedded or neo4j"),
])
def test_bad_values_in_the_local_settings_file_exit_2(run, tmp_path, monkeypatch, toml, words):
    """Issue 18, defect 19: they crashed every command (AttributeError, TypeError)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chainkg.local.toml").write_text(toml + "\n", encoding="utf-8")
    result = run("stats")
    assert result.exit_code == 2, result.output
    assert words in result.output and "chainkg.local.toml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("uri", ["bolt://localhost:99999", "bolt://localhost:65536"])
def test_a_port_out_of_range_is_an_error_not_a_wrap(run, monkeypatch, tmp_path, uri):
    """Issue 18, defect 20: port 99999 silently wrapped."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINKG_NEO4J_URI", uri)
    result = run("--store", "neo4j", "stats")
    assert result.exit_code == 2 and "out of range (1 to 65535)" in result.output, result.output


def test_no_server_configured_exits_2(run, monkeypatch, tmp_path):
    monkeypatch.delenv("CHAINKG_NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("neo4j", "check")
    assert result.exit_code == 2 and "no Neo4j server configured" in result.output
    assert "CHAINKG_NEO4J_URI" in result.output
