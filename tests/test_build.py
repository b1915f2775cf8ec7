"""Building the store: the bad-input corpus, encodings, idempotence, layering, atomic swap."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import BAD, MINI
from graph.embedded import EmbeddedStore
from ingest.build import build

CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def _overlay(case: str, target: Path) -> None:
    for file in (BAD / case).iterdir():
        if file.name != "expect.txt":
            shutil.copy(file, target / file.name)


def test_corpus_covers_the_required_kinds_of_bad_input():
    required = {"wrong_encoding", "missing_column", "duplicate_key", "dangling_reference", "unknown_table",
                "unknown_label", "malformed_number", "empty_file", "too_many_fields"}
    assert required <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_names_file_and_row_and_keeps_previous_graph(case, run, mini_copy, tmp_path):
    home = tmp_path / "home"
    first = run("--home", home, "-q", "build", "--data", mini_copy)
    assert first.exit_code == 0, first.output
    before = EmbeddedStore.open(home).info().digest

    _overlay(case, mini_copy)
    result = run("--home", home, "-q", "build", "--data", mini_copy)

    expected = (BAD / case / "expect.txt").read_text(encoding="utf-8").strip()
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert "hint:" in result.output
    assert EmbeddedStore.open(home).info().digest == before  # nothing lost
    assert not list((home / "builds").glob(".staging*"))  # files written while checks ran are gone


def test_verbose_shows_the_traceback(run, mini_copy, tmp_path):
    _overlay("duplicate_key", mini_copy)
    result = run("--home", tmp_path / "h", "-v", "-q", "build", "--data", mini_copy)
    assert result.exit_code == 2
    assert "Traceback" in result.output


def _reencode(src: Path, dst: Path, encoding: str) -> None:
    dst.mkdir()
    for file in src.glob("*.csv"):
        (dst / file.name).write_bytes(file.read_text(encoding="utf-8").encode(encoding))


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_same_data_in_another_encoding_builds_the_same_graph(encoding, tmp_path):
    _reencode(MINI, tmp_path / encoding, encoding)
    a = build([MINI], tmp_path / "a")
    b = build([tmp_path / encoding], tmp_path / "b")
    assert a.digest == b.digest
    store = EmbeddedStore.open(tmp_path / "b")
    assert "乙示例整机股份有限公司" in set(store.nodes("Enterprise")["name"])


def test_building_twice_gives_identical_files(tmp_path):
    a = build([MINI], tmp_path / "a")
    b = build([MINI], tmp_path / "b")
    files_a = sorted(p.relative_to(a.folder) for p in a.folder.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b.folder) for p in b.folder.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a.folder / rel).read_bytes() == (b.folder / rel).read_bytes(), rel
    again = build([MINI], tmp_path / "a")
    assert again.folder == a.folder and len(list((tmp_path / "a" / "builds").iterdir())) == 1


def test_hostile_names_are_kept_as_plain_text(mini_copy, tmp_path, run):
    hostile = ["'}) RETURN 1 //", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
    frame = pd.read_csv(mini_copy / "enterprises.csv", dtype=str, keep_default_na=False)
    for i, name in enumerate(hostile):
        frame.loc[i, "name"] = name
    frame.to_csv(mini_copy / "enterprises.csv", index=False)
    build([mini_copy], tmp_path / "h")
    store = EmbeddedStore.open(tmp_path / "h")
    assert set(hostile) <= set(store.nodes("Enterprise")["name"])
    result = run("--home", tmp_path / "h", "show", "enterprise", "'}) RETURN 1 //", "--format", "json")
    assert result.exit_code == 0 and "'}) RETURN 1 //" in result.output


def test_layered_folders_stack_and_reject_keys_defined_twice(mini_copy, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "enterprises.csv").write_text("id,name,source,as_of\ne-new,丁示例公司,mini,2026-01-01\n", encoding="utf-8")
    (extra / "located_in.csv").write_text("from,to,source,as_of\ne-new,320500,mini,2026-01-01\n", encoding="utf-8")
    result = build([mini_copy, extra], tmp_path / "h")
    assert result.counts["nodes"]["Enterprise"] == 4

    (extra / "enterprises.csv").write_text("id,name,source,as_of\ne-a,重复,mini,2026-01-01\n", encoding="utf-8")
    from chainkg.errors import BadInputError

    with pytest.raises(BadInputError) as info:
        build([mini_copy, extra], tmp_path / "h2")
    message = str(info.value)
    assert "enterprises.csv:2:id: duplicate Enterprise key 'e-a'" in message
    assert str(mini_copy / "enterprises.csv") in message and str(extra / "enterprises.csv") in message


def test_xlsx_workbook_is_read_like_csv(tmp_path):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    with pd.ExcelWriter(folder / "graph.xlsx") as writer:
        for file in sorted(MINI.glob("*.csv")):
            pd.read_csv(file, dtype=str, keep_default_na=False).to_excel(writer, sheet_name=file.stem, index=False)
    assert build([folder], tmp_path / "a").digest == build([MINI], tmp_path / "b").digest


def test_a_failure_while_writing_leaves_the_previous_graph(monkeypatch, tmp_path):
    import graph.embedded as embedded
    from chainkg.errors import StoreError

    home = tmp_path / "h"
    first = build([MINI], home)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(embedded, "_swap_link", explode)
    changed = tmp_path / "changed"
    shutil.copytree(MINI, changed)
    (changed / "chains.csv").write_text("id,name,source,as_of\nch-demo,改名链,mini,2026-01-01\n", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot write the store under .*: disk full"):
        build([changed], home)
    store = EmbeddedStore.open(home)
    assert store.info().digest == first.digest
    assert list(store.nodes("Chain")["name"]) == ["示例链"]
