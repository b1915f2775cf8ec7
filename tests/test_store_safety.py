"""The store under concurrent builds, readers, killed writers and full disks (issue 18, defects 1, 2, 14, 15)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from chainkg.errors import StoreBusyError
from conftest import MINI, ROOT
from graph.embedded import EmbeddedStore
from graph.locks import writer_lock
from ingest.build import build


@pytest.fixture
def changed(tmp_path) -> Path:
    """The mini data with another chain name: a graph with another digest."""
    folder = tmp_path / "changed"
    shutil.copytree(MINI, folder)
    (folder / "chains.csv").write_text("id,name,region,source,as_of\nch-demo,改名链,320400,mini,2026-01-01\n",
                                       encoding="utf-8")
    return folder


def _builds(home: Path) -> set[str]:
    return {p.name for p in (home / "builds").iterdir()}


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path):
    home = tmp_path / "h"
    said: list[str] = []
    held, waiting = threading.Event(), threading.Event()

    def hold():
        with writer_lock(home):
            held.set()
            waiting.wait(120)  # released once the build says it waits

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    result = build([MINI], home, on_wait=lambda message: (said.append(message), waiting.set()))
    holder.join()
    assert said and said[0].startswith(f"waiting for another build of {home} (process ")
    assert EmbeddedStore.open(home).info().digest == result.digest


def test_a_writer_that_may_not_wait_refuses_with_exit_2(run, tmp_path):
    home = tmp_path / "h"
    with writer_lock(home):
        with pytest.raises(StoreBusyError, match="still writing .* after 0.2 s"):
            build([MINI], home, wait=0.2)
        result = run("--home", home, "-q", "build", "--data", MINI, "--no-wait")
    assert result.exit_code == 2 and "error: another build is writing" in result.output
    assert "Traceback" not in result.output and not (home / "current").exists()


def test_a_reader_keeps_the_build_it_opened_while_others_replace_it(tmp_path, changed):
    """Defects 1 and 2: a rebuild removed the folder an open reader was reading (read as empty, or lost)."""
    home = tmp_path / "h"
    first = build([MINI], home)
    reader = EmbeddedStore.open(home)  # nothing read yet: every table is read after the swap below
    second = build([changed], home)
    assert first.folder.name in _builds(home) and second.folder.name in _builds(home)
    assert list(reader.nodes("Chain")["name"]) == ["示例链"]  # the graph it opened, not the new one
    assert list(EmbeddedStore.open(home).nodes("Chain")["name"]) == ["改名链"]
    reader.close()
    build([MINI], home)  # the next build removes what no reader holds any more
    assert _builds(home) == {first.folder.name}


def test_a_table_file_missing_from_a_build_is_an_error_not_an_empty_table(run, tmp_path):
    home = tmp_path / "h"
    result = build([MINI], home)
    (result.folder / "edges" / "WITHIN.arrow").unlink()
    answer = run("--home", home, "search", "region", "常州")
    assert answer.exit_code == 0  # what does not need the missing file still answers
    answer = run("--home", home, "show", "region", "常州市")
    assert answer.exit_code == 2 and "WITHIN.arrow is missing, but the build holds 4 rows of WITHIN" in answer.output
    assert "rebuild" in answer.output


def test_what_killed_writers_left_is_removed_by_the_next_build(tmp_path):
    """Defect 15: builds/.staging-<pid> of killed builds stayed for ever."""
    home = tmp_path / "h"
    build([MINI], home)
    stale = home / "builds" / ".staging-999999999"
    (stale / "nodes").mkdir(parents=True)
    (stale / "nodes" / "Enterprise.arrow").write_bytes(b"x" * 1000)
    (home / ".current.999999999").symlink_to("builds/gone")
    build([MINI], home)
    assert not stale.exists() and not (home / ".current.999999999").is_symlink()


def test_a_killed_build_leaves_the_store_answering_and_the_next_build_cleans_up(tmp_path, changed):
    home = tmp_path / "h"
    first = build([MINI], home)
    process = subprocess.Popen([sys.executable, "-c", (
        "import sys, time, graph.embedded as e\n"
        "def stop(*a, **k):\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "e._write_table = stop\n"
        "from ingest.build import build\n"
        f"build([{str(changed)!r}], {str(home)!r})\n")], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout.readline().startswith("writing")
        assert any(p.name.startswith(".staging-") for p in (home / "builds").iterdir())
    finally:
        process.kill()
        process.wait()
    assert EmbeddedStore.open(home).info().digest == first.digest
    build([MINI], home)  # the lock died with the killed writer: no wait, and its staging folder goes
    assert _builds(home) == {first.folder.name}


def test_a_full_disk_while_building_is_an_error_and_nothing_is_left(run, monkeypatch, tmp_path, changed):
    """Defect 14 (simulated: the file writer raises ENOSPC; tests/test_outputs.py also fills a real tmpfs)."""
    import graph.embedded as embedded

    home = tmp_path / "h"
    first = build([MINI], home)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(embedded, "_write_arrow", full)
    result = run("--home", home, "-q", "build", "--data", changed)
    assert result.exit_code == 2, result.output
    assert "error: cannot write the store under" in result.output and "No space left on device" in result.output
    assert "hint: free disk space, or use another --home; the previous graph is unchanged" in result.output
    assert "Traceback" not in result.output
    assert _builds(home) == {first.folder.name}
    assert EmbeddedStore.open(home).info().digest == first.digest


def test_concurrent_build_pairs_never_lose_the_graph_or_answer_wrong():
    """The stress script on a few pairs (the acceptance run is 300 pairs: docs/safety.md)."""
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "concurrent_builds.py"), "--pairs", "3"],
                            capture_output=True, text=True, cwd=ROOT, timeout=1800)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert result.returncode == 0, report
    assert report["builds"] == 6 and report["builds failed"] == 0 and report["graph lost"] == 0
    assert report["reads"] == report["reads = A"] + report["reads = B"] and report["reads wrong"] == 0
    assert report["staging left"] == 0
