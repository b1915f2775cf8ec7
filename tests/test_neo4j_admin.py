"""``chainkg export neo4j-admin``: the files re-read and checked as neo4j-admin would read them."""

from __future__ import annotations

import csv
import re
import shlex
from pathlib import Path

import pytest

from conftest import DATA, MINI
from graph.schema import load_schema

#: a header field of the neo4j-admin import format: name, then an optional :TYPE or :ID(space) etc.
FIELD = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)?"
                   r"(?::(?P<kind>ID|START_ID|END_ID)\((?P<space>[A-Za-z]+)\)"
                   r"|:(?P<special>LABEL|TYPE)"
                   r"|:(?P<type>int|long|float|double|boolean|byte|short|char|string|date|datetime"
                   r"|localdatetime|time|localtime|duration|point)(?P<array>\[\])?)?$")


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=",", quotechar='"'))
    return rows[0], rows[1:]


def check_import_files(folder: Path) -> dict:
    """Re-read an export like neo4j-admin: headers, ID spaces, endpoints, typed values."""
    ids: dict[str, set[str]] = {}
    labels: dict[str, int] = {}
    types: dict[str, int] = {}
    for path in sorted((folder / "nodes").glob("*.csv")):
        header, rows = _read(path)
        fields = [FIELD.match(h) for h in header]
        assert all(fields), f"{path}: not import headers: {header}"
        id_cols = [i for i, m in enumerate(fields) if m["kind"] == "ID"]
        label_cols = [i for i, m in enumerate(fields) if m["special"] == "LABEL"]
        assert len(id_cols) == 1 and len(label_cols) == 1, f"{path}: needs one :ID and one :LABEL column"
        space = fields[id_cols[0]]["space"]
        seen = ids.setdefault(space, set())
        for row in rows:
            assert len(row) == len(header), f"{path}: row of {len(row)} fields under {len(header)} headers"
            key = row[id_cols[0]]
            assert key and key not in seen, f"{path}: id {key!r} empty or not unique in ID space {space}"
            seen.add(key)
            labels[row[label_cols[0]]] = labels.get(row[label_cols[0]], 0) + 1
            _check_values(path, fields, row)
    for path in sorted((folder / "relationships").glob("*.csv")):
        header, rows = _read(path)
        fields = [FIELD.match(h) for h in header]
        assert all(fields), f"{path}: not import headers: {header}"
        kinds = [m["kind"] or m["special"] for m in fields]
        start, end, kind = kinds.index("START_ID"), kinds.index("END_ID"), kinds.index("TYPE")
        for row in rows:
            assert len(row) == len(header)
            assert row[start] in ids[fields[start]["space"]], f"{path}: no {fields[start]['space']} {row[start]!r}"
            assert row[end] in ids[fields[end]["space"]], f"{path}: no {fields[end]['space']} {row[end]!r}"
            types[row[kind]] = types.get(row[kind], 0) + 1
            _check_values(path, fields, row)
    return {"labels": labels, "types": types}


def _check_values(path: Path, fields, row: list[str]) -> None:
    import datetime

    for match, value in zip(fields, row):
        kind = match["type"]
        if not kind or value == "":
            continue
        parts = value.split("|") if match["array"] else [value]
        for part in parts:
            if kind == "long":
                int(part)
            elif kind == "double":
                float(part)
            elif kind == "boolean":
                assert part in ("true", "false"), f"{path}: {part!r} is not a boolean"
            elif kind == "date":
                datetime.date.fromisoformat(part)


def _export(run, tmp_path, data, *more):
    """Build ``data`` at a home of its own, then export that build."""
    home = tmp_path / "home"
    assert run("-q", "--home", home, "build", "--data", data).exit_code == 0
    out = tmp_path / "import dir"
    return out, run("-q", "--home", home, "export", "neo4j-admin", "--out", out, *more)


def test_the_export_of_the_mini_data_reads_back_with_every_endpoint(run, tmp_path):
    out, result = _export(run, tmp_path, MINI)
    assert result.exit_code == 0, result.output
    found = check_import_files(out)
    # by hand from tests/fixtures/mini (plus the one build node)
    # the generation's build record and the record that makes it the current one
    assert found["labels"] == {"Source": 1, "Region": 5, "Cluster": 1, "Chain": 1, "Segment": 3, "Enterprise": 3,
                               "ChainkgBuild": 2}
    assert found["types"] == {"IN_CLUSTER": 1, "SEGMENT_OF": 3, "FEEDS": 2, "ANCHORS": 1, "OPERATES_IN": 3,
                              "LOCATED_IN": 3, "WITHIN": 4}
    header, rows = _read(out / "nodes" / "Enterprise.csv")
    assert header[:4] == ["id:ID(Enterprise)", "uscc", "name", "aliases:string[]"]
    assert {"revenue_yi:double", "revenue_year:long", "as_of:date", "verified:boolean", "_row:long", "_generation",
            ":LABEL"} <= set(header)
    generations = {row[header.index("_generation")] for row in rows}
    build_header, builds = _read(out / "nodes" / "ChainkgBuild.csv")
    record, current = (dict(zip(build_header, row)) for row in builds)
    assert generations == {record["id:ID(ChainkgBuild)"]} == {record["_generation"]} == {current["generation"]}
    assert current["id:ID(ChainkgBuild)"] == "current" and record["state"] == "complete"
    assert rows[1][header.index("aliases:string[]")] == "乙整机|乙公司"
    region_header, _ = _read(out / "nodes" / "Region.csv")
    assert region_header[0] == "code:ID(Region)"
    rel_header, _ = _read(out / "relationships" / "OPERATES_IN.Enterprise.Segment.csv")
    assert rel_header[:3] == [":START_ID(Enterprise)", ":END_ID(Segment)", ":TYPE"] and "main:boolean" in rel_header


def test_the_printed_command_names_every_file_and_the_csv_dialect(run, tmp_path):
    out, result = _export(run, tmp_path, MINI, "--database", "chains")
    assert result.exit_code == 0, result.output
    args = shlex.split(result.output.strip())
    assert args[:5] == ["neo4j-admin", "database", "import", "full", "chains"]
    for option in ("--delimiter=,", "--array-delimiter=|", '--quote="', "--multiline-fields=true",
                   "--ignore-empty-strings=true"):
        assert option in args
    assert f"--report-file={out / 'import.report'}" in args  # its report beside the files, not in the cwd
    named = {Path(a.split("=", 1)[1]) for a in args if a.startswith(("--nodes=", "--relationships="))}
    written = set((out / "nodes").glob("*.csv")) | set((out / "relationships").glob("*.csv"))
    assert named == written and len(written) == 7 + 7


def test_awkward_text_survives_the_csv_round_trip(mini_copy, tmp_path, run):
    import pandas as pd

    frame = pd.read_csv(mini_copy / "enterprises.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "name"] = 'A "quoted", comma\'d name'
    frame.to_csv(mini_copy / "enterprises.csv", index=False)
    (mini_copy / "segments.csv").write_text(
        "id,name,position,layer,description,source,as_of\n"
        's-mat,材料,upstream,1,"two\nlines",mini,2026-01-01\n'
        "s-part,部件,midstream,2,,mini,2026-01-01\ns-whole,整机,downstream,3,,mini,2026-01-01\n", encoding="utf-8")
    out, result = _export(run, tmp_path, mini_copy)
    assert result.exit_code == 0, result.output
    check_import_files(out)
    header, rows = _read(out / "nodes" / "Enterprise.csv")
    assert rows[0][header.index("name")] == 'A "quoted", comma\'d name'
    header, rows = _read(out / "nodes" / "Segment.csv")
    assert rows[0][header.index("description")] == "two\nlines"


@pytest.mark.skipif(not any(DATA.glob("*.csv")), reason="no bundled data in data/ yet")
def test_the_export_of_the_bundled_data_follows_the_import_format(run, tmp_path, bundled_home, bundled_store):
    out = tmp_path / "bundled"
    result = run("-q", "--home", bundled_home, "export", "neo4j-admin", "--out", out)
    assert result.exit_code == 0, result.output
    found = check_import_files(out)
    counts = bundled_store.info().counts
    assert {k: v for k, v in found["labels"].items() if k != "ChainkgBuild"} == {
        k: v for k, v in counts["nodes"].items() if v}
    assert found["types"] == {k: v for k, v in counts["relationships"].items() if v}
    schema = load_schema()
    for label in found["labels"]:
        if label != "ChainkgBuild":
            header, _ = _read(out / "nodes" / f"{label}.csv")
            assert header[0] == f"{schema.label(label).key}:ID({label})"
