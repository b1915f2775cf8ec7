"""The CLI: entry points, exit codes, messages, documentation of every command."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import MINI, ROOT


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "chainkg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert "build" in result.stdout and "show" in result.stdout


def test_every_command_is_documented_in_the_readme():
    from chainkg.cli import cli

    # helpers document their commands in docs/<topic>.md until the lead folds them into the README
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    readme = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for name in cli.commands:
        assert f"chainkg {name}" in readme, f"neither README.md nor docs/ documents `chainkg {name}`"


def test_every_command_has_an_example_in_its_help():
    from chainkg.cli import cli

    for name, command in cli.commands.items():
        assert "Example" in (command.help or ""), f"`chainkg {name} --help` has no example"


def test_reading_before_building_says_how_to_build(run, tmp_path):
    result = run("--home", tmp_path / "none", "stats")
    assert result.exit_code == 2
    assert "no built graph" in result.output and "chainkg build" in result.output
    assert "Traceback" not in result.output


def test_show_resolves_short_names_and_reports_unknown_ones(run, tmp_path):
    home = tmp_path / "h"
    assert run("--home", home, "-q", "build", "--data", MINI).exit_code == 0
    ok = run("--home", home, "show", "enterprise", "乙整机", "--format", "json")
    assert ok.exit_code == 0
    view = json.loads(ok.output)
    assert view["node"]["name"] == "乙示例整机股份有限公司" and view["matched"] == "alias"
    assert view["region_path"] == ["常州市", "江苏省", "中国"]
    missing = run("--home", home, "show", "enterprise", "不存在的公司")
    assert missing.exit_code == 2 and "no Enterprise named" in missing.output and "hint:" in missing.output
    ambiguous = run("--home", home, "show", "enterprise", "示例")
    assert ambiguous.exit_code == 2 and "matches several" in ambiguous.output


def test_quiet_silences_progress(run, tmp_path):
    loud = run("--home", tmp_path / "a", "build", "--data", MINI)
    quiet = run("--home", tmp_path / "b", "-q", "build", "--data", MINI)
    assert "reading" in loud.output and "reading" not in quiet.output


def test_stats_json_counts(run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    result = run("--home", home, "stats", "--format", "json")
    summary = json.loads(result.output)
    assert summary["counts"]["nodes"]["Enterprise"] == 3
    assert summary["clusters"][0]["key_enterprises"][0]["as_written"] == "乙整机"
