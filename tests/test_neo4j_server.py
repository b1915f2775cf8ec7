"""``.ci/neo4j``, the local Neo4j of tests, CI and development, and a server that restarts mid-command.

Each test starts servers of its own (``CHAINKG_NEO4J_STATE`` points at a state
folder in the test's temporary folder), beside the one the rest of the suite
uses. They need Java and Maven (``.ci/system-deps``) and, for the first build,
Maven Central; without Java or Maven they skip, and fail under
``CHAINKG_REQUIRE_TOOLS=1``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, ROOT, cli_env, needs_tool, one_worker

SCRIPT = ROOT / ".ci" / "neo4j"
LINE = re.compile(r"^export (CHAINKG_NEO4J_(?:URI|USER|PASSWORD))=(\S+)$")


def _tools_missing() -> str | None:
    for tool in ("java", "mvn", "setsid", "flock"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed: .ci/neo4j needs Java 17 and Maven (.ci/system-deps installs them)"
    return None


pytestmark = needs_tool(_tools_missing())


def server(command: str, state: Path, *args: str, timeout: float = 900, **env: str) -> subprocess.CompletedProcess:
    """``bash .ci/neo4j <command>`` for the server whose state is in ``state``."""
    environ = {**os.environ, "CHAINKG_NEO4J_STATE": str(state), "CHAINKG_NEO4J_HEAP": "512m",
               "CHAINKG_NEO4J_PAGECACHE": "64m", **env}
    return subprocess.run(["bash", str(SCRIPT), command, *args], capture_output=True, text=True, env=environ,
                          timeout=timeout, check=False)


def settings_of(output: str) -> dict[str, str]:
    """The ``export KEY=value`` lines ``start`` prints, as a dict; nothing else may be on stdout."""
    lines = output.splitlines()
    assert len(lines) == 3, output
    found = {}
    for line in lines:
        match = LINE.match(line)
        assert match, f"not a KEY=value line: {line!r}"
        found[match[1]] = shlex.split(match[2])[0]
    return found


def chainkg(*args, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chainkg", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT / "tests", check=False)


def _pid(state: Path) -> int:
    return int((state / "pid").read_text().strip())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_start_stop_and_a_killed_server(tmp_path):
    state = tmp_path / "state"
    first = server("start", state)
    assert first.returncode == 0, first.stderr
    found = settings_of(first.stdout)
    assert re.fullmatch(r"bolt://127\.0\.0\.1:\d+", found["CHAINKG_NEO4J_URI"])
    assert found["CHAINKG_NEO4J_USER"] == "neo4j" and len(found["CHAINKG_NEO4J_PASSWORD"]) >= 16
    assert oct((state / "password").stat().st_mode)[-3:] == "600" and oct(state.stat().st_mode)[-3:] == "700"
    pid, home = _pid(state), Path((state / "home").read_text().strip())
    try:
        # the password is on no command line
        assert found["CHAINKG_NEO4J_PASSWORD"] not in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
        again = server("start", state)  # a second start while it runs: the same lines, the same server
        assert again.returncode == 0 and again.stdout == first.stdout and _pid(state) == pid

        # Bolt answers a query with those credentials (the driver, not chainkg)
        import neo4j

        with neo4j.GraphDatabase.driver(found["CHAINKG_NEO4J_URI"],
                                        auth=("neo4j", found["CHAINKG_NEO4J_PASSWORD"])) as driver:
            assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
            version = driver.execute_query("CALL dbms.components() YIELD versions RETURN versions[0] AS v")
            assert version.records[0]["v"].startswith("5.26.")

        os.kill(pid, signal.SIGKILL)  # a crashed server never blocks the next start
        while _alive(pid):
            time.sleep(0.1)
        assert server("status", state).returncode == 1
        third = server("start", state)
        assert third.returncode == 0, third.stderr
        assert settings_of(third.stdout) != found and not home.exists()  # a new server, the old data gone
        assert "removing what a server that is no longer running left behind" in third.stderr
        pid, home = _pid(state), Path((state / "home").read_text().strip())
        assert server("status", state).returncode == 0
    finally:
        stopped = server("stop", state)
    assert stopped.returncode == 0 and stopped.stdout == "" and not _alive(pid) and not home.exists()
    assert not (state / "password").exists()
    assert server("stop", state).returncode == 0  # idempotent


@pytest.fixture(scope="module")
def own_server_state(tmp_path_factory):
    """The state folder of a server of this module's own, stopped when the module ends."""
    state = tmp_path_factory.mktemp("restart") / "state"
    yield state
    server("stop", state)


@pytest.fixture
def own_server(own_server_state):
    """That server, running: started for the first test that uses it, and again only after a test killed it
    (a start while it runs prints the same settings and starts nothing)."""
    started = server("start", own_server_state)
    assert started.returncode == 0, started.stderr
    return own_server_state, settings_of(started.stdout)


@pytest.fixture(scope="module")
def pool_home(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("pool")
    env = cli_env()
    assert chainkg("synth", "--enterprises", 5000, "--seed", 7, "--out", base / "pool", env=env).returncode == 0
    done = chainkg("-q", "--home", base / "home", "build", "--data", DATA, "--data", base / "pool", env=env)
    assert done.returncode == 0, done.stderr
    return base / "home"


def _rows_flowing(env: dict) -> bool:
    """Whether a load is sending relationships (asked through the driver)."""
    import neo4j

    with neo4j.GraphDatabase.driver(env["CHAINKG_NEO4J_URI"],
                                    auth=("neo4j", env["CHAINKG_NEO4J_PASSWORD"])) as driver:
        rows = driver.execute_query(
            "MATCH (l:ChainkgBuild {id: 'loading'}) WHERE l.generation IS NOT NULL "
            "RETURN COUNT { MATCH (:Enterprise {_generation: l.generation})-[:SUPPLIES]->() } AS n").records
    return bool(rows) and rows[0]["n"] > 0


def _start_load(home: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chainkg", "--home", str(home), "neo4j", "load",
                             "--chunk-size", "100", "--workers", "1"], env=env, cwd=ROOT / "tests",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_flowing(load: subprocess.Popen, env: dict) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and load.poll() is None:
        try:
            if _rows_flowing(env):
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"the load ended before the server could be restarted: {load.communicate()}")


#: the tests of the module's own server, on one worker when the suite runs in parallel: spread over two, each
#: would start a server and build the pool (own_server, pool_home)
OWN_SERVER = one_worker("test_neo4j_server")


@OWN_SERVER
def test_a_server_restarting_mid_load_is_retried_and_the_load_completes(own_server, pool_home):
    state, found = own_server
    env = cli_env(**found, CHAINKG_NEO4J_RETRY="120")
    load = _start_load(pool_home, env)
    try:
        _wait_until_flowing(load, env)
        restarted = server("restart", state)
        assert restarted.returncode == 0, restarted.stderr
        assert settings_of(restarted.stdout) == found  # same port and password
        out, err = load.communicate(timeout=900)
    finally:
        load.kill()
    assert load.returncode == 0, err
    assert re.search(r"Neo4j: \S+ failed \(\w+\), retrying in", err) and " retried" in out  # it said so
    neo = json.loads(chainkg("--store", "neo4j", "stats", "--format", "json", env=env).stdout)
    embedded = json.loads(chainkg("--home", pool_home, "stats", "--format", "json", env=env).stdout)
    assert neo.pop("store") == "neo4j" and embedded.pop("store") == "embedded"  # the store that answered
    assert neo == embedded


@OWN_SERVER
def test_a_server_gone_for_good_mid_load_is_a_clear_error(own_server, pool_home):
    state, found = own_server
    env = cli_env(**found, CHAINKG_NEO4J_RETRY="3")
    load = _start_load(pool_home, env)
    try:
        _wait_until_flowing(load, env)
        os.kill(_pid(state), signal.SIGKILL)  # gone, not coming back
        out, err = load.communicate(timeout=300)
    finally:
        load.kill()  # the server stays down: the next test that uses it starts it (own_server)
    assert load.returncode == 2, err
    assert "error: cannot reach Neo4j at bolt://127.0.0.1:" in err and "hint:" in err
    assert "Traceback" not in err and found["CHAINKG_NEO4J_PASSWORD"] not in err + out
