"""Every file chainkg writes is checked, atomic and spreadsheet-safe; terminals see no control characters.

Issue 18, defects 9 (special files replaced by --out), 10 (formula injection in CSV outputs), 14 (a full disk
gives a traceback; here on a real, tiny tmpfs when the kernel allows one in a user namespace) and 20 (BEL/VT
and bidi overrides reach the terminal).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chainkg.errors import OutputError
from conftest import DATA, MINI, ROOT
from graph.outputs import FORMULA_STARTS, atomic_output, check_output_path, spreadsheet_safe, write_text

#: names a spreadsheet would run as formulas, given to the technologies that rank first for 常州市
FORMULAS = {
    "tech-rv-reducer": '=HYPERLINK("http://example.invalid/x","点我")',
    "tech-harmonic-reducer": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tech-high-end-servo": "+1-1",
    "tech-intelligent-control": "-2+3",
    "tech-lithography-tool": "=1+1",
}


def dangerous(cell: str) -> bool:
    """What a spreadsheet would run: the rule of graph/outputs.py, restated independently for the test."""
    if cell[:1] in ("\t", "\r"):
        return True
    stripped = cell.lstrip(" \u3000\u00a0")
    if not stripped or stripped[0] not in FORMULA_STARTS:
        return False
    try:
        float(stripped.rstrip("%"))
        return False
    except ValueError:
        return True


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Path:
    """The bundled data with formula-like technology names, built."""
    from ingest.build import build

    root = tmp_path_factory.mktemp("hostile-csv")
    data = root / "data"
    shutil.copytree(DATA, data)
    lines = (data / "technologies.csv").read_text(encoding="utf-8").splitlines()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = list(csv.reader(lines))
    name = rows[0].index("name")
    for row in rows:
        if row[0] in FORMULAS:
            row[name] = FORMULAS[row[0]]
        writer.writerow(row)
    (data / "technologies.csv").write_text(out.getvalue(), encoding="utf-8")
    build([data], root / "home")
    return root / "home"


@pytest.mark.parametrize("command", [
    ["chokepoints", "--perspective", "常州市", "--top", "10", "--format", "csv"],
    ["gaps", "--chain", "工业机器人", "--format", "csv"],
    ["shortboard", "--chain", "工业机器人", "--format", "csv"],
    ["targets", "--chain", "工业机器人", "--format", "csv"],
])
def test_no_csv_output_holds_a_cell_a_spreadsheet_would_run(run, hostile_home, command):
    """Defect 10: names such as =HYPERLINK(…), @SUM(1), +1-1 reached CSV outputs as they were."""
    result = run("--home", hostile_home, "-q", *command)
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
    assert not [cell for cell in cells if dangerous(cell)]
    if command[0] == "chokepoints":
        assert "'" + FORMULAS["tech-rv-reducer"] in cells and "'+1-1" in cells


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("  =1+1", "'  =1+1"), ("\u3000@A1", "'\u3000@A1"), ("\t1", "'\t1"), ("\r=1", "'\r=1"),
    ("+86 519", "'+86 519"), ("-", "'-"), ("-12.5", "-12.5"), ("+5%", "+5%"), ("1e5", "1e5"), ("a=1", "a=1"),
    ("", ""), (-3, -3), (2.5, 2.5), (None, None),
])
def test_the_one_rule_of_what_is_dangerous(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink", "directory"])
def test_out_never_replaces_a_special_file(run, bundled_home, tmp_path, kind):
    """Defect 9: a device, a FIFO or a symlink given as --out was replaced by a regular file."""
    target = tmp_path / "out.ttl"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(victim)
    else:
        target.mkdir()
    result = run("--home", bundled_home, "export", "rdf", "--format", "nt", "--out", target)
    assert result.exit_code == 2, result.output
    reason = {"device": "error: cannot write /dev/null: it is a device",
              "fifo": f"error: cannot write {target}: it is a FIFO",
              "symlink": f"error: cannot write {target}: it is a symbolic link",
              "directory": "is a directory"}[kind]  # a folder is refused by the option's type already
    assert reason in result.output and "Traceback" not in result.output
    assert victim.read_text(encoding="utf-8") == "keep me"
    if kind == "fifo":
        assert target.is_fifo()
    if kind == "symlink":
        assert target.is_symlink()
    if kind == "device":
        assert Path("/dev/null").is_char_device()


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_output(target) as handle:
            handle.write("half")
            raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "old" and os.listdir(tmp_path) == ["report.csv"]
    write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and os.listdir(tmp_path) == ["report.csv"]
    with pytest.raises(OutputError, match="it is a symbolic link"):
        (tmp_path / "link.csv").symlink_to(target)
        check_output_path(tmp_path / "link.csv")


def _tiny_disk(steps: list[list[str]], size: str) -> list[dict] | None:
    """Run chainkg commands in a private mount namespace over a tmpfs of ``size``: their exit codes, stderr
    and what the disk holds after each; None when this kernel gives no such namespace."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    script = (
        "import json, os, subprocess, sys\n"
        "out = []\n"
        f"for step in {steps!r}:\n"
        "    if step == ['fill']:  # fill the disk, then free 8 KB: room for small files only\n"
        "        with open('/mnt/filler', 'wb', buffering=0) as f:\n"
        "            try:\n"
        "                while True: f.write(bytes(4096)); f.flush()\n"
        "            except OSError: pass\n"
        "            f.truncate(max(f.tell() - 8192, 0))\n"
        "        continue\n"
        "    r = subprocess.run([sys.executable, '-m', 'chainkg', *step], capture_output=True, text=True)\n"
        "    files = sorted(os.path.relpath(os.path.join(d, f), '/mnt') for d, _, fs in os.walk('/mnt') for f in fs)\n"
        "    out.append({'rc': r.returncode, 'stderr': r.stderr, 'stdout': r.stdout, 'files': files})\n"
        "print(json.dumps(out))\n")
    mount = f"mount -t tmpfs -o size={size} tmpfs /mnt || exit 77; exec {sys.executable} -c \"$0\""
    try:
        result = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "sh", "-c", mount, script],
                                capture_output=True, text=True, cwd=ROOT, timeout=600)
    except OSError:
        return None
    if result.returncode in (1, 77) and not result.stdout.strip():  # unshare or mount refused here
        return None
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_full_disk_is_an_error_with_a_hint_and_leaves_the_store_and_files_whole():
    """Defect 14 on a real full disk: build, export and catalog on a 512 KB tmpfs."""
    steps = [
        ["--home", "/mnt/h", "-q", "build", "--data", str(MINI)],
        ["--home", "/mnt/h", "-q", "build", "--data", str(DATA)],
        ["--home", "/mnt/h", "stats", "--format", "json"],
        ["fill"],
        ["--home", "/mnt/h", "export", "rdf", "--format", "ttl", "--out", "/mnt/graph.ttl"],
        ["--home", "/mnt/h", "catalog", "--all", "--region", "320400", "--out", "/mnt/catalog", "--formats", "xlsx,md"],
    ]
    done = _tiny_disk(steps, "512k")
    if done is None:
        pytest.skip("no user namespace with a tmpfs here (the write path is also tested by simulation)")
    first, second, stats, export, catalog = done
    assert first["rc"] == 0, first["stderr"]
    assert second["rc"] == 2 and "No space left on device" in second["stderr"], second["stderr"]
    assert "hint: free disk space, or use another --home; the previous graph is unchanged" in second["stderr"]
    assert json.loads(stats["stdout"])["counts"]["nodes"]["Chain"] == 1  # the mini graph still answers
    for step in (second, export, catalog):
        assert "Traceback" not in step["stderr"]
        assert not [f for f in step["files"] if ".staging" in f or f.endswith(".tmp")], step["files"]
    assert export["rc"] == 2 and "cannot write /mnt/graph.ttl: No space left on device" in export["stderr"]
    assert "graph.ttl" not in export["files"]
    assert catalog["rc"] == 2 and "No space left on device" in catalog["stderr"], catalog["stderr"]


def test_show_renders_control_characters_visibly(run, mini_copy, tmp_path):
    """Defect 20: BEL, VT and ESC in data reached the terminal through show."""
    (mini_copy / "chains.csv").write_text(
        "id,name,region,description,source,as_of\n"
        "ch-demo,示例链,320400,\"铃\x07声\x0b分页\x1b[2J清屏\",mini,2026-01-01\n", encoding="utf-8")
    assert run("--home", tmp_path / "h", "-q", "build", "--data", mini_copy).exit_code == 0
    result = run("--home", tmp_path / "h", "show", "chain", "示例链")
    assert result.exit_code == 0
    assert "铃\\x07声\\x0b分页\\x1b[2J清屏" in result.output
    assert not any(ch in result.output for ch in "\x07\x0b\x1b")


def test_tables_show_invisible_and_bidi_characters_by_their_code():
    from chainkg.render import text_table

    table = text_table(["name"], [["abc\u202egpj.exe"], ["恒立\u200b液压"], ["x\x9b31m"]])
    assert "abc<U+202E>gpj.exe" in table and "恒立<U+200B>液压" in table and "x\\x9b31m" in table
    assert not any(ch in table for ch in "\u202e\u200b\x9b")
