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


# global options (-q/--quiet, -v/--verbose, --home, --store) in every position: before the command, right
# after it, after the command's own options (issue 17: `chainkg build -q` failed with "No such option")

def _positions(option: list[str], command: list[str]) -> list[list[str]]:
    return [option + command, command[:1] + option + command[1:], command + option]


def test_quiet_is_accepted_before_after_and_at_the_end_of_the_command(run, tmp_path):
    for spelling in ("-q", "--quiet"):
        for i, args in enumerate(_positions([spelling], ["build", "--data", MINI])):
            home = tmp_path / f"{spelling}{i}"
            result = run("--home", home, *args)
            assert result.exit_code == 0, (args, result.output)
            assert "reading" not in result.output, args


def test_home_is_accepted_before_after_and_at_the_end_of_the_command(run, tmp_path):
    home = tmp_path / "h"
    for i, args in enumerate(_positions(["--home", home], ["build", "--data", MINI])):
        assert run("-q", *args).exit_code == 0, args
    for args in _positions([f"--home={home}"], ["stats", "--format", "json"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.output)["counts"]["nodes"]["Enterprise"] == 3
    elsewhere = run("stats", "--home", tmp_path / "none")
    assert elsewhere.exit_code == 2 and "no built graph" in elsewhere.output


def test_store_is_accepted_before_after_and_at_the_end_of_the_command(run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    for args in _positions(["--store", "embedded"], ["stats", "--format", "json"]):
        result = run("--home", home, *args)
        assert result.exit_code == 0, (args, result.output)
    for args in _positions(["--store", "nowhere"], ["stats"]):
        result = run("--home", home, *args)
        assert result.exit_code == 2 and "nowhere" in result.output, args


def test_verbose_is_accepted_before_after_and_at_the_end_of_the_command(run, tmp_path):
    plain = run("--home", tmp_path / "none", "stats")
    assert plain.exit_code == 2 and "Traceback" not in plain.output
    for spelling in ("-v", "--verbose"):
        for args in _positions([spelling], ["stats", "--format", "json"]):
            result = run("--home", tmp_path / "none", *args)
            assert result.exit_code == 2 and "Traceback" in result.output, (args, result.output)


def test_an_option_of_the_command_itself_is_left_to_the_command():
    import click

    from chainkg.cli import cli, hoist_global_options

    ctx = click.Context(cli)
    # a value that looks like a global option stays the value of the command's option
    assert hoist_global_options(cli, ctx, ["show", "enterprise", "x", "--format", "json", "-q"]) == [
        "-q", "show", "enterprise", "x", "--format", "json"]
    assert hoist_global_options(cli, ctx, ["build", "--", "-q"]) == ["build", "--", "-q"]
    assert hoist_global_options(cli, ctx, ["--home", "build", "stats"]) == ["--home", "build", "stats"]
