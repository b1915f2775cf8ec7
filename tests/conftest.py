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
