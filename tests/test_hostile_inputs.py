"""Hostile and careless input files (issue 18): each ends in a correct build or in exit 2 naming file and row.

The cases that fit a small overlay of the mini data set live in the bad-input
corpus (tests/fixtures/bad/, run by tests/test_build.py); the ones here need
files generated at test time (large, binary, special files) or check the
values a build stores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from conftest import MINI, ROOT
from graph.embedded import EmbeddedStore
from ingest.build import build


def _built(run, home: Path, folder: Path):
    result = run("--home", home, "-q", "build", "--data", folder)
    assert result.exit_code == 0, result.output
    return EmbeddedStore.open(home)


def _refused(run, home: Path, folder: Path, expected: str) -> str:
    before = _built(run, home, MINI).info().digest
    result = run("--home", home, "-q", "build", "--data", folder)
    assert result.exit_code == 2, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert EmbeddedStore.open(home).info().digest == before
    return result.output


def test_line_ends_of_every_kind_and_no_final_newline_build_the_same_graph(run, mini_copy, tmp_path):
    """Defect 4: no final newline, or CR-only line ends, gave an AttributeError."""
    reference = build([MINI], tmp_path / "reference").digest
    for file in mini_copy.glob("*.csv"):
        text = file.read_text(encoding="utf-8").rstrip("\n")
        file.write_text(text.replace("\n", "\r"), encoding="utf-8", newline="")
    assert _built(run, tmp_path / "cr", mini_copy).info().digest == reference
    for file in mini_copy.glob("*.csv"):
        file.write_bytes(file.read_bytes().replace(b"\r", b"\r\n"))
    assert _built(run, tmp_path / "crlf", mini_copy).info().digest == reference


def test_a_header_without_rows_or_newline_is_an_empty_table(run, mini_copy, tmp_path):
    (mini_copy / "anchors.csv").write_text("from,to,as_written,source,as_of", encoding="utf-8")
    store = _built(run, tmp_path / "h", mini_copy)
    assert len(store.edges("ANCHORS")) == 0


def test_full_width_digits_separators_and_excel_dates_are_read_in_every_column(run, mini_copy, tmp_path):
    """Defects 12 and 13: full-width digits became empty (int) or were refused (float); Excel dates refused."""
    (mini_copy / "clusters.csv").write_text(
        "id,name,tier,target_scale_yi,target_year,region,source,as_of\n"
        "cl-demo,示例装备,500亿元级,\"１,２００.５\",２０２５,３２０４００,mini,2026-11-22 00:00:00\n", encoding="utf-8")
    store = _built(run, tmp_path / "h", mini_copy)
    cluster = store.nodes("Cluster").iloc[0]
    assert cluster["target_scale_yi"] == 1200.5 and cluster["target_year"] == 2025
    assert cluster["region"] == "320400" and cluster["as_of"] == "2026-11-22"


def test_a_workbook_with_date_cells_and_empty_rows_builds(run, tmp_path):
    """Defect 13 (xlsx): date cells read as dates; rows keep their sheet row numbers in problems."""
    import datetime

    folder = tmp_path / "book"
    folder.mkdir()
    with pd.ExcelWriter(folder / "graph.xlsx") as writer:
        for file in sorted(MINI.glob("*.csv")):
            frame = pd.read_csv(file, dtype=str, keep_default_na=False)
            frame["as_of"] = datetime.datetime(2026, 1, 1)
            frame.to_excel(writer, sheet_name=file.stem.upper() if file.stem == "chains" else file.stem, index=False)
    assert _built(run, tmp_path / "h", folder).info().digest == build([MINI], tmp_path / "ref").digest


def test_a_nul_byte_far_into_the_file_is_refused_with_its_line(run, mini_copy, tmp_path):
    """Defect 20: only the first 64 KB were checked for NUL bytes."""
    rows = "".join(f"e-{i},,企业{i},,,,,,,mini,2026-01-01,false\n" for i in range(4000))
    header = "id,uscc,name,aliases,designations,exchange,stock_code,revenue_yi,revenue_year,source,as_of,verified\n"
    (mini_copy / "enterprises.csv").write_bytes((header + rows + "e-x,,坏\x00名,,,,,,,mini,2026-01-01,false\n")
                                                .encode("utf-8"))
    assert (mini_copy / "enterprises.csv").stat().st_size > 65536
    _refused(run, tmp_path / "h", mini_copy, "enterprises.csv:4002: a NUL byte (\\x00) in the text")


def test_a_million_column_header_is_refused_at_once(run, mini_copy, tmp_path):
    """Defect 18: 32 s and 10.9 GB before the exit."""
    header = ",".join(f"c{i}" for i in range(1_000_000))
    (mini_copy / "segments.csv").write_text(header + "\n" + "x," * 10 + "\n", encoding="utf-8")
    from ingest.readers import read_csv_table
    from chainkg.errors import BadInputError

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(BadInputError, match="segments.csv:1: the header line is longer than 1,048,576 bytes"):
        read_csv_table(mini_copy / "segments.csv")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 5 and peak < 64 << 20, (elapsed, peak)
    _refused(run, tmp_path / "h", mini_copy, "segments.csv:1: the header line is longer than")


def test_a_value_longer_than_the_limit_is_refused(run, mini_copy, tmp_path):
    with (mini_copy / "segments.csv").open("a", encoding="utf-8") as handle:
        handle.write("s-long," + "长" * 400_000 + ",upstream,1,mini,2026-01-01\n")
    _refused(run, tmp_path / "h", mini_copy, "segments.csv:5:name: a value longer than 1,048,576 bytes")


def test_table_names_match_whatever_their_case(run, mini_copy, tmp_path):
    """Defect 20: enterprises.CSV was read, then called an unknown table."""
    (mini_copy / "enterprises.csv").rename(mini_copy / "enterprises.CSV")
    (mini_copy / "chains.csv").rename(mini_copy / "Chains.csv")
    assert _built(run, tmp_path / "h", mini_copy).info().digest == build([MINI], tmp_path / "ref").digest


@pytest.mark.parametrize("kind", ["directory", "dangling", "fifo"])
def test_odd_entries_named_like_tables_are_refused_without_hanging(mini_copy, tmp_path, kind):
    """Defect 17: a directory or dangling symlink gave a traceback; a FIFO made the build hang."""
    entry = mini_copy / "technologies.csv"
    if kind == "directory":
        entry.mkdir()
    elif kind == "dangling":
        entry.symlink_to(tmp_path / "nowhere.csv")
    else:
        os.mkfifo(entry)
    home = tmp_path / "h"
    build([MINI], home)
    before = EmbeddedStore.open(home).info().digest
    # a separate process with a time limit: a regression would hang on the FIFO
    result = subprocess.run([sys.executable, "-m", "chainkg", "--home", str(home), "-q", "build", "--data",
                             str(mini_copy)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 2, result.stderr
    expected = {"directory": "technologies.csv: a folder, not a file",
                "dangling": "technologies.csv: a symbolic link to", "fifo": "technologies.csv: a FIFO (named pipe)"}
    assert expected[kind] in result.stderr and "Traceback" not in result.stderr
    assert EmbeddedStore.open(home).info().digest == before
