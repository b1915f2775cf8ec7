"""Shared fixtures: the bundled data, the mini data set, a built store, a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
BAD = FIXTURES / "bad"
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("--home", h, "build")`` → click Result."""
    from chainkg.cli import cli

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)

    return invoke


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the mini data set."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory) -> Path:
    """A store built once from the bundled data/."""
    from ingest.build import build

    home = tmp_path_factory.mktemp("bundled")
    build([DATA], home)
    return home


@pytest.fixture(scope="session")
def session_builds(tmp_path_factory):
    """Build something several modules use the same way once per test process, not once per module.

    ``session_builds(key, make)`` calls ``make(folder)`` (``folder``: a new temporary folder) the first time
    ``key`` is asked for and returns that result every time. Only for things no test changes (or changes
    and puts back). A fixture imported into a second module is a second fixture with its own cache, even
    at session scope: this one lives here, once.
    """
    made: dict = {}

    def build(key, make):
        if key not in made:
            made[key] = make(tmp_path_factory.mktemp("session-build"))
        return made[key]

    return build


@pytest.fixture(scope="session")
def bundled_store(bundled_home):
    from graph.embedded import EmbeddedStore

    return EmbeddedStore.open(bundled_home)


def needs_tool(missing: str | None):
    """Skip a test whose outside tool is missing — but fail instead under CI.

    ``.ci/run`` installs the tools (``.ci/system-deps``) and sets
    ``CHAINKG_REQUIRE_TOOLS=1``, so a broken install cannot turn a check into a
    silent skip there. ``missing`` is the reason the tool is unavailable, or None.
    """
    import os

    if missing is not None and os.environ.get("CHAINKG_REQUIRE_TOOLS") == "1":
        return pytest.mark.usefixtures()  # no skip: the test runs and fails on the missing tool
    return pytest.mark.skipif(missing is not None, reason=missing or "")


# -- a live Neo4j ------------------------------------------------------------------------------------

def _require_tools() -> bool:
    import os

    return os.environ.get("CHAINKG_REQUIRE_TOOLS") == "1"


def live_neo4j_missing() -> str | None:
    """Why there is no live Neo4j to test against (None: ``CHAINKG_NEO4J_URI`` names one)."""
    import os

    if not os.environ.get("CHAINKG_NEO4J_URI"):
        return ("no live Neo4j: set CHAINKG_NEO4J_URI, CHAINKG_NEO4J_PASSWORD (`eval \"$(bash .ci/neo4j start)\"` "
                "starts one; docs/neo4j.md)")
    try:
        import neo4j  # noqa: F401
    except ImportError:
        return "the neo4j driver is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def neo4j_settings():
    """The live Neo4j's settings from the environment (``CHAINKG_NEO4J_*``, as for the CLI).

    ``.ci/run`` starts a server with ``.ci/neo4j start`` and exports them. Without them a
    test that needs the server is skipped, but under ``CHAINKG_REQUIRE_TOOLS=1`` (CI) it
    fails: a server that cannot start is a failure, not a skip. One server serves a whole
    live group (below): tests may load into it and replace chainkg's graph there (every
    load is a new generation, so a test never sees another's half-written graph), but none
    may depend on what an earlier test loaded, and none leaves nodes chainkg did not write.
    Module-scoped: a worker that runs both live groups switches servers between modules.
    """
    from chainkg.config import Settings

    missing = live_neo4j_missing()
    if missing:
        if _require_tools():
            pytest.fail(f"{missing} (CHAINKG_REQUIRE_TOOLS=1: a test that needs Neo4j may not skip)")
        pytest.skip(missing)
    return Settings.load(local_file=None).neo4j


def one_worker(module: str):
    """The mark that runs all of a module's tests on one worker when the suite runs in parallel (pytest-xdist,
    ``--dist loadgroup``): ``pytestmark = one_worker("test_web")``.

    For a module whose module-scoped fixtures and caches (a built graph, a web app's pages, rdflib's
    reference triples) cost more than its tests' own work: spread over two workers, each would build them.
    pytest-xdist hands out groups before single tests (most tests first), so a group never starts last and
    the single tests fill in around the groups.
    """
    return pytest.mark.xdist_group(f"module:{module}")


#: the parallel-run group of the tests that use the live Neo4j (a module whose tests reach the server
#: other than through the ``neo4j_settings`` fixture argument sets ``pytestmark = LIVE_NEO4J``)
LIVE_NEO4J = pytest.mark.xdist_group("live-neo4j")

#: A second server (``.ci/run`` starts one): its settings under these names, for the tests only. With it,
#: the live tests of SECOND_SERVER_MODULES form a second group that runs beside the first on the second
#: server; without it every live test runs in the one group on the one server.
SECOND_SERVER = {"CHAINKG_NEO4J_URI": "CHAINKG_NEO4J_SECOND_URI", "CHAINKG_NEO4J_USER": "CHAINKG_NEO4J_SECOND_USER",
                 "CHAINKG_NEO4J_PASSWORD": "CHAINKG_NEO4J_SECOND_PASSWORD"}

#: the modules whose live tests use the second server: about half of the live work (measured with
#: ``--durations``). test_store_commands_live (its four data sets, each built and loaded once) stays in the first.
SECOND_SERVER_MODULES = frozenset({"test_neo4j_live", "test_store_conformance", "test_dossier"})

LIVE_NEO4J_SECOND = pytest.mark.xdist_group("live-neo4j-second")


def _second_server() -> bool:
    return bool(os.environ.get(SECOND_SERVER["CHAINKG_NEO4J_URI"]))


def _live_group(item) -> str | None:
    """The live group of ``item`` ("live-neo4j", "live-neo4j-second") or None (not a live test)."""
    names = {m.args[0] if m.args else m.kwargs.get("name") for m in item.iter_markers("xdist_group")}
    if "live-neo4j-second" in names:
        return "live-neo4j-second"
    return "live-neo4j" if "live-neo4j" in names else None


def pytest_itemcollected(item):
    """Every test of the live Neo4j runs on one worker when the suite runs in parallel (pytest-xdist,
    ``--dist loadgroup``): tests there load new generations into the one server and read the current one,
    so two of them must never interleave. Marked as each test is collected, before pytest-xdist reads the
    marks in its ``pytest_collection_modifyitems``. With a second server, the tests of SECOND_SERVER_MODULES
    are the group of that server instead (their own mark only: pytest-xdist joins an item's group names)."""
    if "neo4j_settings" in getattr(item, "fixturenames", ()) and _live_group(item) is None:
        item.add_marker(LIVE_NEO4J)
    if _live_group(item) and _second_server() and item.path.stem in SECOND_SERVER_MODULES:
        for node in item.listchain():
            node.own_markers[:] = [m for m in node.own_markers
                                   if not (m.name == "xdist_group" and m.args[:1] == ("live-neo4j",))]
        item.add_marker(LIVE_NEO4J_SECOND)


#: the first server's settings as the run began (the environment is switched to the second's for its group)
_FIRST_SERVER = {name: os.environ.get(name) for name in SECOND_SERVER}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Point ``CHAINKG_NEO4J_*`` at the server of the item's group before any of its fixtures is set up (the
    CLI in-process and in processes reads them there); refuse to run a live-Neo4j test on a parallel worker
    that did not get the whole group (a pytest that pytest-xdist cannot group: its tests would load into the
    one server at the same time)."""
    if _second_server():
        second = _live_group(item) == "live-neo4j-second"
        for name, other in SECOND_SERVER.items():
            value = os.environ.get(other) if second else _FIRST_SERVER[name]
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    if (os.environ.get("PYTEST_XDIST_WORKER") and item.config.getvalue("loadgroup")
            and item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid):
        pytest.fail("pytest-xdist did not group the live-Neo4j tests (a pytest it does not support?): "
                    "run them with `pytest -n 0`")


def cli_env(**more: str) -> dict[str, str]:
    """The environment for running ``chainkg`` as a process: this one, no local settings file's effect
    (the caller chooses the working folder), plus ``more``."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_HOME")}
    env.update(more)
    return env


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto`` (pyproject's addopts): two workers per core, at most four more than the cores.

    Much of the suite waits rather than computes — on the live Neo4j, on the browser, on ``chainkg``
    processes and servers it starts — so one worker per core leaves the cores idle a third of the time
    (measured on the 2-core CI machine: user CPU 28 min over 22.5 min of wall time with two workers). The
    long groups (``one_worker``, the live Neo4j) also overlap better with more workers. pytest-xdist's own
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when it is set.
    """
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").strip()
    if chosen.isdigit():
        return int(chosen)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores, cores + 4)
