"""``.ci/neo4j``, the local Neo4j of tests, CI and development, and a server that restarts mid-command.

The tests share a server of the module's own (``CHAINKG_NEO4J_STATE`` points at a state
folder in a temporary folder), beside the one the rest of the suite
uses. They need Java and Maven (``.ci/system-deps``) and, for the first build,
Maven Central; without Java or Maven they skip, and fail under
``CHAINKG_REQUIRE_TOOLS=1``.
"""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli_env, needs_tool, one_worker

SCRIPT = ROOT / ".ci" / "neo4j"
LINE = re.compile(r"^export (CHAINKG_NEO4J_(?:URI|USER|PASSWORD))=(\S+)$")


def _tools_missing() -> str | None:
    for tool in ("java", "mvn", "setsid", "flock"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed: .ci/neo4j needs Java 17 and Maven (.ci/system-deps installs them)"
    return None


pytestmark = needs_tool(_tools_missing())


#: JVM options the module's servers start with (CHAINKG_NEO4J_JAVA_OPTS): the quick compiler only, which halves
#: a short-lived server's CPU (docs/neo4j.md), and a property that shows they reach the JVM's command line
JAVA_OPTS = ("-XX:TieredStopAtLevel=1", "-Dchainkg.test.server=module")


def server(command: str, state: Path, *args: str, timeout: float = 900, **env: str) -> subprocess.CompletedProcess:
    """``bash .ci/neo4j <command>`` for the server whose state is in ``state``."""
    environ = {**os.environ, "CHAINKG_NEO4J_STATE": str(state), "CHAINKG_NEO4J_HEAP": "512m",
               "CHAINKG_NEO4J_PAGECACHE": "64m", "CHAINKG_NEO4J_JAVA_OPTS": " ".join(JAVA_OPTS), **env}
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


class ModuleServer:
    """The one server of this module's own (its state in ``state``): every test here uses it, so that the module
    starts three JVMs in file order (the first start, the restart mid-load, the start after a kill) instead of
    a server per test. ``first`` is what the first start printed; ``settings``, ``lines``, ``pid`` and ``home`` are
    the running (or last killed) server's."""

    def __init__(self, state: Path):
        self.state = state
        self.first: subprocess.CompletedProcess | None = None
        self.settings: dict[str, str] = {}
        self.lines = ""
        self.pid = 0
        self.home = Path()

    def running(self) -> bool:
        return bool(self.pid) and _alive(self.pid) and server("status", self.state).returncode == 0

    def start(self) -> subprocess.CompletedProcess:
        started = server("start", self.state)
        assert started.returncode == 0, started.stderr
        if self.first is None:
            self.first = started
        self.settings, self.lines = settings_of(started.stdout), started.stdout
        self.pid, self.home = _pid(self.state), Path((self.state / "home").read_text().strip())
        return started

    def ensure_running(self) -> "ModuleServer":
        """Running: started for the first test that uses it, and again only after a test killed it."""
        if not self.running():
            self.start()
        return self

    def kill(self) -> None:
        """SIGKILL: a crash; the state folder keeps what the dead server left."""
        os.kill(self.pid, signal.SIGKILL)
        while _alive(self.pid):
            time.sleep(0.1)


@pytest.fixture(scope="module")
def module_server(tmp_path_factory):
    """The module's server (its first start happens here), stopped when the module ends."""
    own = ModuleServer(tmp_path_factory.mktemp("own-server") / "state")
    own.start()
    yield own
    server("stop", own.state)


@pytest.fixture
def own_server(module_server):
    return module_server.ensure_running()


#: the tests of the module's own server, on one worker when the suite runs in parallel: spread over two, each
#: would start a server (module_server)
OWN_SERVER = one_worker("test_neo4j_server")


@OWN_SERVER
def test_a_first_start_and_a_second_start_while_it_runs(own_server):
    first, state = own_server.first, own_server.state
    found = settings_of(first.stdout)
    assert re.fullmatch(r"bolt://127\.0\.0\.1:\d+", found["CHAINKG_NEO4J_URI"])
    assert found["CHAINKG_NEO4J_USER"] == "neo4j" and len(found["CHAINKG_NEO4J_PASSWORD"]) >= 16
    assert oct((state / "password").stat().st_mode)[-3:] == "600" and oct(state.stat().st_mode)[-3:] == "700"
    found, pid = own_server.settings, own_server.pid
    # the password is on no command line; CHAINKG_NEO4J_JAVA_OPTS is, each option a word of its own
    command_line = Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    assert found["CHAINKG_NEO4J_PASSWORD"] not in command_line
    assert set(JAVA_OPTS) <= set(command_line.split("\0"))
    again = server("start", state)  # a second start while it runs: the same lines, the same server
    assert again.returncode == 0 and again.stdout == own_server.lines and _pid(state) == pid

    # Bolt answers a query with those credentials (the driver, not chainkg)
    import neo4j

    with neo4j.GraphDatabase.driver(found["CHAINKG_NEO4J_URI"],
                                    auth=("neo4j", found["CHAINKG_NEO4J_PASSWORD"])) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1
        version = driver.execute_query("CALL dbms.components() YIELD versions RETURN versions[0] AS v")
        assert version.records[0]["v"].startswith("5.26.")


def _look(env: dict) -> tuple[bool, bool]:
    """Whether a load has claimed a new generation (its constraints and indexes are in place, so a look never waits
    on the schema lock of a stopped load), and whether it has begun sending relationships (asked through the
    driver, with a server-side timeout: a look that waits fails rather than hangs)."""
    import neo4j

    with neo4j.GraphDatabase.driver(env["CHAINKG_NEO4J_URI"], auth=("neo4j", env["CHAINKG_NEO4J_PASSWORD"]),
                                    notifications_min_severity="OFF") as driver:
        rows = driver.execute_query(neo4j.Query(
            "MATCH (l:ChainkgBuild {id: 'loading'}) WHERE l.generation IS NOT NULL "
            "AND NOT EXISTS { MATCH (:ChainkgBuild {id: 'current', generation: l.generation}) } "
            "RETURN COUNT { MATCH (:Enterprise {_generation: l.generation})-[:OPERATES_IN]->() } AS n",
            timeout=60)).records
    return bool(rows), bool(rows) and rows[0]["n"] > 0


def _start_load(home: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "chainkg", "--home", str(home), "neo4j", "load",
                             "--chunk-size", "100", "--workers", "1"], env=env, cwd=ROOT / "tests",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _load_transaction_open(env: dict) -> bool:
    """Whether a transaction other than this look's own is open on the server (the load's, between its statement
    and its commit)."""
    import neo4j

    with neo4j.GraphDatabase.driver(env["CHAINKG_NEO4J_URI"], auth=("neo4j", env["CHAINKG_NEO4J_PASSWORD"]),
                                    notifications_min_severity="OFF") as driver:
        rows = driver.execute_query(neo4j.Query("SHOW TRANSACTIONS YIELD currentQuery AS q RETURN q", timeout=60))
    return any(not row["q"].startswith("SHOW TRANSACTIONS") for row in rows.records)


def _stop_with_a_transaction_open(load: subprocess.Popen, env: dict) -> None:
    """From a load stopped midway (:func:`_stop_mid_load`), let it run in short random steps until it is stopped
    with a transaction open: the hardest moment for the server to go away (a commit the load has not sent yet)."""
    rng = random.Random(7)
    for _ in range(2000):
        if _load_transaction_open(env):
            return
        os.kill(load.pid, signal.SIGCONT)
        time.sleep(rng.random() * 0.05)
        os.kill(load.pid, signal.SIGSTOP)
        assert load.poll() is None, "the load ended before it was caught with a transaction open"
    raise AssertionError("the load was never caught with a transaction open")


def _stop_mid_load(load: subprocess.Popen, env: dict) -> None:
    """Return with the load stopped (SIGSTOP) midway: relationships sent, the switch not made. Once it has claimed
    its generation (its schema transactions done) the load is only looked at while it is stopped, and runs a tenth
    of a second between looks, so it cannot finish unseen: after its first OPERATES_IN chunk of the bundled data
    some 40 chunks of 100 rows remain (WITHIN alone: 33)."""
    deadline = time.monotonic() + 600
    claimed = False
    while time.monotonic() < deadline and load.poll() is None:
        if claimed:
            os.kill(load.pid, signal.SIGSTOP)
        try:
            seen, flowing = _look(env)
        except Exception:  # noqa: BLE001 - not up yet
            seen = flowing = False
        if claimed and flowing:
            return
        if claimed:
            os.kill(load.pid, signal.SIGCONT)
        claimed = claimed or seen
        time.sleep(0.1)
    raise AssertionError(f"the load ended before it could be stopped midway: {load.communicate()}")


@OWN_SERVER
def test_a_server_restarting_mid_load_is_retried_and_the_load_completes(own_server, bundled_home):
    state, found = own_server.state, own_server.settings
    env = cli_env(**found, CHAINKG_NEO4J_RETRY="120")
    load = _start_load(bundled_home, env)
    try:
        _stop_mid_load(load, env)
        _stop_with_a_transaction_open(load, env)
        restarting = subprocess.Popen(["bash", str(SCRIPT), "restart"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True,
                                      env={**os.environ, "CHAINKG_NEO4J_STATE": str(state),
                                           "CHAINKG_NEO4J_HEAP": "512m", "CHAINKG_NEO4J_PAGECACHE": "64m",
                                           "CHAINKG_NEO4J_JAVA_OPTS": " ".join(JAVA_OPTS)})
        try:
            while _alive(own_server.pid):  # the old server is gone: the load goes on while the new one starts
                assert restarting.poll() is None, restarting.communicate()
                time.sleep(0.05)
        finally:
            os.kill(load.pid, signal.SIGCONT)
        out, err = restarting.communicate(timeout=900)
        assert restarting.returncode == 0, err
        assert settings_of(out) == found  # same port and password
        own_server.pid = _pid(state)
        out, err = load.communicate(timeout=900)
    finally:
        load.kill()
    assert load.returncode == 0, err
    assert re.search(r"Neo4j: \S+ failed \(\w+\), retrying in", err) and " retried" in out  # it said so
    neo = json.loads(chainkg("--store", "neo4j", "stats", "--format", "json", env=env).stdout)
    embedded = json.loads(chainkg("--home", bundled_home, "stats", "--format", "json", env=env).stdout)
    assert neo.pop("store") == "neo4j" and embedded.pop("store") == "embedded"  # the store that answered
    assert neo == embedded


@OWN_SERVER
def test_a_server_gone_for_good_mid_load_is_a_clear_error(own_server, bundled_home):
    found = own_server.settings
    env = cli_env(**found, CHAINKG_NEO4J_RETRY="3")
    load = _start_load(bundled_home, env)
    try:
        _stop_mid_load(load, env)
        own_server.kill()  # gone, not coming back
        os.kill(load.pid, signal.SIGCONT)
        out, err = load.communicate(timeout=300)
    finally:
        load.kill()  # the server stays down: the next test restarts it (own_server) or starts after the kill
    assert load.returncode == 2, err
    assert "error: cannot reach Neo4j at bolt://127.0.0.1:" in err and "hint:" in err
    assert "Traceback" not in err and found["CHAINKG_NEO4J_PASSWORD"] not in err + out


@OWN_SERVER
def test_a_killed_server_never_blocks_the_next_start_and_stop_deletes_it(module_server):
    """After a crash (the test before killed the server mid-load; run alone, this test kills it) the next start
    removes what the dead server left and starts a new one; stop stops it and deletes its data, twice."""
    own = module_server
    if own.running():
        own.kill()
    found, home = own.settings, own.home
    assert server("status", own.state).returncode == 1
    third = own.start()
    assert own.settings != found and not home.exists()  # a new server, the old data gone
    assert "removing what a server that is no longer running left behind" in third.stderr
    pid, home = own.pid, own.home
    try:
        assert server("status", own.state).returncode == 0
    finally:
        stopped = server("stop", own.state)
    assert stopped.returncode == 0 and stopped.stdout == "" and not _alive(pid) and not home.exists()
    assert not (own.state / "password").exists()
    assert server("stop", own.state).returncode == 0  # idempotent
