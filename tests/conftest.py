"""Shared fixtures: the bundled data, the mini data set, a built store, a CLI runner."""

from __future__ import annotations

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
