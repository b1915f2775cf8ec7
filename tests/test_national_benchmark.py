"""``benchmarks/national.py``: its watchdog stops a step and says why; a small run records every step.

The 6M stretch runs next to other people's work, so a step that eats the machine's memory, runs too
long or fails must be stopped and recorded, and the run must go on with the next step.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def national():
    spec = importlib.util.spec_from_file_location("national_benchmark", ROOT / "benchmarks" / "national.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _run(national, tmp_path, code: str, **limits):
    return national.guarded("step", [sys.executable, "-c", code], limits=national.Limits(**limits),
                            work=tmp_path, disk_start=0)


def test_a_finished_step_has_its_output_and_no_break(national, tmp_path):
    result, out = _run(national, tmp_path, "print('done')")
    assert (result.broke, out.strip()) == ("", "done")
    assert result.peak_rss_gb > 0


def test_a_failing_step_is_recorded_with_its_exit_code_and_last_error_line(national, tmp_path):
    result, _ = _run(national, tmp_path, "import sys; print('first', file=sys.stderr); sys.exit('no store here')")
    assert result.broke == "error (exit 1): no store here"


def test_a_step_over_its_time_is_stopped(national, tmp_path):
    result, _ = _run(national, tmp_path, "import time; time.sleep(600)", max_s=0.5)
    assert result.broke == "time > 0.5 s"
    assert result.s < 600


def test_a_step_whose_memory_passes_the_limit_is_stopped(national, tmp_path):
    # 200 MB held (written, so resident) against a limit of 50 MB for the process tree
    code = "import time; b = bytearray(200 << 20); b[::4096] = b'x' * len(b[::4096]); time.sleep(600)"
    result, _ = _run(national, tmp_path, code, max_tree_gb=0.05)
    assert result.broke.startswith("memory at ")
    assert result.s < 600


def test_a_step_is_stopped_when_the_machine_runs_short_of_memory(national, tmp_path):
    # whatever the machine has, it has less than this: the step stops at its first sample
    result, _ = _run(national, tmp_path, "import time; time.sleep(600)", min_available_gb=1e9)
    assert result.broke.startswith("memory at ") and "MemAvailable" in result.broke


def test_a_small_run_records_every_step_and_the_import_gives_the_build(national, tmp_path, capsys):
    code = national.main(["--enterprises", "300", "--work", str(tmp_path),
                          "--only", "synth,parse,build,stats,export_ttl,import_ttl"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (code, line["first_break"]) == (0, None)
    assert list(line["steps"]) == ["synth", "parse", "build", "stats", "export_ttl", "import_ttl"]
    assert line["steps"]["import_ttl"]["note"] == "same digest as the build"
    assert line["parse_s"] > 0 and line["relationships"] > 300
    logged = [json.loads(row)["step"] for row in (tmp_path / "national.jsonl").read_text().splitlines()]
    assert logged == list(line["steps"])
    assert list((tmp_path / "out").iterdir()) == []  # the Turtle file removed, the pool and the store kept
    assert (tmp_path / "store" / "current" / "manifest.json").exists()


def test_outputs_are_kept_when_asked(national, tmp_path, capsys):
    code = national.main(["--enterprises", "300", "--work", str(tmp_path), "--only", "synth,build,map",
                          "--keep-files"])
    assert code == 0 and (tmp_path / "out" / "map.html").exists()


def test_a_step_without_its_input_is_skipped_not_run(national, tmp_path, capsys):
    code = national.main(["--enterprises", "300", "--work", str(tmp_path), "--only", "stats,import_ttl"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["steps"]["stats"]["broke"] == "skipped: no store"
    assert line["steps"]["import_ttl"]["broke"] == "skipped: no Turtle file"
    assert code == 0  # nothing ran, nothing broke


def test_a_stopped_step_says_how_far_into_its_input_it_had_read(national, tmp_path):
    data = tmp_path / "graph.ttl"
    data.write_bytes(b"x" * 4000)
    code = f"import time; f = open({str(data)!r}, 'rb', buffering=0); f.read(1000); time.sleep(600)"
    result, _ = national.guarded("step", [sys.executable, "-c", code], limits=national.Limits(max_s=1.0),
                                 work=tmp_path, disk_start=0, reads=data)
    assert result.broke == "time > 1 s"
    assert result.note.endswith("(25%)")
