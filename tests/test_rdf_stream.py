"""The streamed RDF export (graph/rdf_stream.py): the same triples as rdflib's, sorted, escaped, bounded.

The streamed N-Triples must equal ``sorted_ntriples(store_to_graph(store))`` byte for byte (the rdflib
path, kept for small graphs and as the reference), whatever the range size; Turtle must parse (rdflib)
to the same triples. Literals with line-separator and control characters (issue 18, defect 6) must
survive export, a line-based read and ``chainkg import rdf``.
"""

from __future__ import annotations

import io

import pytest
import rdflib

import graph.rdf_stream as rdf_stream
from conftest import DATA, one_worker
from graph.memory import TableStore
from graph.rdf import sorted_ntriples, store_to_graph
from graph.rdf_stream import BaseIriError, check_base, escape_literal, write_rdf
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records
from scale_graphs import awkward_tables

BASES = ["https://w3id.org/chainkg/id/", "http://example.org/kg#"]
#: every character a literal may not hold raw, or that str.splitlines() takes for a line end
HOSTILE = "行一\u2028行二\u2029\x0b\x0c\x85\x1c\x1d\x1e\x1f\x7f\x01\x00\x9f\t尾\"引\\斜\r\n末"

#: the graphs and rdflib's reference triples (the slow part) are computed once per worker: one worker runs
#: the module
pytestmark = one_worker("test_rdf_stream")


@pytest.fixture(scope="module")
def base_tables():
    return load_tables([DATA])


@pytest.fixture(scope="module")
def stores(base_tables) -> list[tuple[str, TableStore]]:
    """The graphs every export is checked on, built once for the module (read-only: nothing writes to them).

    The bundled graph is not one of them on its own: each awkward graph is the bundled graph and a few hundred
    awkward enterprises more (``load_tables([DATA], records=…)``: every bundled node and relationship, with the
    same triples), and the exports, rdflib's reference and the streamed import are compared on whole files,
    so a bundled triple written or read wrongly fails there. It cost a quarter of this module's rdflib work
    (its reference, a Turtle parse, four streamed imports). The bundled store is exported on its own by
    the CLI, helper-process and many-problems tests below."""
    from queries._fixture import fixture_store

    built = [("fixture", fixture_store())]
    built += [(f"awkward-{seed}", TableStore(load_tables([DATA], records=awkward_tables(base_tables, seed))))
              for seed in (1, 2)]
    within = set(_export(TableStore(base_tables), "nt").splitlines())  # the bundled graph's lines are all there
    assert not within - set(_export(built[1][1], "nt").splitlines())
    return built


#: the graphs exported with the second base IRI too. A base changes how every IRI is written (a base ending in
#: "#" gives no @base and no relative references in Turtle), not which triples there are: it is checked on
#: the hand-made fixture and on awkward-1, which holds the bundled graph (every kind of IRI it has) and more;
#: the other graphs are exported with the default base (rdflib's reference is the slow part: 8 → 6 per test)
BOTH_BASES = ("fixture", "awkward-1")


def _cases(stores):
    """(name, store, base) of every export compared with rdflib's."""
    return [(name, store, base) for name, store in stores for base in (BASES if name in BOTH_BASES else BASES[:1])]


#: rdflib's sorted N-Triples of each (graph, base): the reference, the same for every range size and format
_REFERENCES: dict[tuple[str, str], bytes] = {}


def _reference(name: str, store, base: str) -> bytes:
    """``sorted_ntriples(store_to_graph(store, base=base))``, computed once per graph and base (it is the
    slow rdflib path, and the N-Triples and Turtle tests compare with the same bytes)."""
    if (name, base) not in _REFERENCES:
        _REFERENCES[name, base] = sorted_ntriples(store_to_graph(store, base=base))
    return _REFERENCES[name, base]


def _hostile_store() -> TableStore:
    p = {"source": "s", "as_of": "2026-01-01"}
    # keys, names and aliases refuse control characters at build time (ingest.validate): the
    # hostile text rides in free-text properties, which keep whatever people typed
    records = [
        NodeRecord("Source", "s", {"title": "带\u2028分行符的来源", "kind": "curated", **p}),
        NodeRecord("Region", "CHN", {"name": "中国", "level": "country", **p}),
        NodeRecord("Enterprise", "e/1 .", {"name": "甲公司", "description": HOSTILE, **p}),
        NodeRecord("Enterprise", "..", {"name": "乙", "aliases": "乙厂|乙 公司", "description": "乙\x85|乙\u2029", **p}),
        EdgeRecord("LOCATED_IN", "e/1 .", "CHN", p),
        EdgeRecord("SUPPLIES", "e/1 .", "..", {"product": HOSTILE[:8], **p}),
    ]
    schema = load_schema()
    return TableStore(load_tables([], records=raw_tables_from_records(records, schema, "hostile"), schema=schema))


def _export(store, fmt: str, base: str = BASES[0]) -> bytes:
    out = io.BytesIO()
    write_rdf(store, out, fmt, base=base)
    return out.getvalue()


@pytest.mark.parametrize("range_triples", [1_000_000, 2_000])
def test_streamed_ntriples_equal_rdflib_sorted_byte_for_byte(stores, monkeypatch, range_triples):
    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", range_triples)  # small ranges: many sorts, one order
    for name, store, base in _cases(stores):
        assert _export(store, "nt", base) == _reference(name, store, base), (name, base)


def test_streamed_turtle_parses_to_the_same_triples(stores, monkeypatch, tmp_path):
    from ingest.rdf import parse_rdf

    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", 5_000)
    for name, store, base in _cases(stores):
        data = _export(store, "ttl", base)
        assert data.startswith(rdf_stream.TURTLE_HEADER.encode()), name
        if base == BASES[0]:  # the file the streamed import reads too (the same bytes): rdflib parses it once
            assert _read_by_rdflib(name, store)[0] == data, name  # parsed to the reference's triples there
        else:
            path = tmp_path / f"{name}.ttl"
            path.write_bytes(data)
            parsed = parse_rdf(path, "ttl")  # rdflib's Turtle parser
            assert sorted_ntriples(parsed) == _reference(name, store, base), (name, base)
            del parsed
        body = [line for line in data.decode("utf-8").split("\n")
                if line and not line.startswith(("#", "@"))]
        assert all(line.endswith((" ;", " .")) for line in body)  # one predicate and object per line


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_hostile_literals_are_escaped_and_survive_every_reader(fmt, tmp_path, run):
    from ingest.rdf import load_rdf_tables

    store = _hostile_store()
    data = _export(store, fmt)
    text = data.decode("utf-8")
    assert not any(ch in text for ch in "\u2028\u2029\x0b\x0c\x85\x1c\x1d\x1e\x1f\x7f\x01\x00\x9f\r")
    assert text.splitlines() == text.split("\n")[:-1]  # no line end but the line feeds
    parsed = rdflib.Graph().parse(data=text, format="nt" if fmt == "nt" else "turtle")
    descriptions = list(parsed.objects(None, rdflib.URIRef("https://w3id.org/chainkg/ontology#description")))
    assert sorted(str(d) for d in descriptions) == sorted([HOSTILE, "乙\x85|乙\u2029"])
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(data)
    assert load_rdf_tables(path).digest() == store.info().digest
    result = run("--home", tmp_path / "home", "-q", "import", "rdf", path)
    assert result.exit_code == 0, result.output


def test_sorted_ntriples_keeps_line_separators_in_their_literal():
    """Issue 18, defect 6: rdflib leaves U+2028, VT, FF raw and splitlines() cut the triple in two."""
    graph = store_to_graph(_hostile_store())
    text = sorted_ntriples(graph).decode("utf-8")
    assert text.splitlines() == text.split("\n")[:-1]
    again = rdflib.Graph().parse(data=text, format="nt")
    assert len(again) == len(graph)


def test_escape_literal_uses_short_escapes_where_rdflib_does_and_uchar_elsewhere():
    assert escape_literal('a"b\\c\nd\re\tf') == 'a\\"b\\\\c\\nd\\re\tf'
    assert escape_literal("\u2028\x0b\x85\x00") == "\\u2028\\u000B\\u0085\\u0000"


@pytest.mark.parametrize("base", ["no scheme/", "https://x.org/a b/", "https://x.org/<a>/", 'https://x.org/"/'])
def test_a_base_that_cannot_start_iris_is_refused(base, run, bundled_home):
    with pytest.raises(BaseIriError):
        check_base(base)
    result = run("--home", bundled_home, "export", "rdf", "--format", "nt", "--base", base)
    assert result.exit_code == 2 and "base IRI" in result.output and "Traceback" not in result.output


def test_cli_streams_the_same_bytes_to_a_file_and_to_stdout(run, bundled_home, bundled_store, tmp_path):
    for fmt in ("nt", "ttl"):
        out = tmp_path / f"g.{fmt}"
        written = run("--home", bundled_home, "-q", "export", "rdf", "--format", fmt, "--out", out)
        assert written.exit_code == 0, written.output
        assert out.read_bytes() == _export(bundled_store, fmt)
        assert not list(tmp_path.glob(".*.tmp"))
        piped = run("--home", bundled_home, "-q", "export", "rdf", "--format", fmt)
        assert piped.stdout_bytes == out.read_bytes()


# -- the streamed import (ingest/rdf_lines.py) ----------------------------------------------------

#: rdflib's read of each graph's streamed Turtle (default base): name → (the file's bytes, the tables
#: ``records_from_graph`` makes of rdflib's graph of it)
_RDFLIB_READS: dict[str, tuple[bytes, dict]] = {}


def _read_by_rdflib(name: str, store) -> tuple[bytes, dict]:
    """(the streamed Turtle of ``store``, the tables rdflib reads from it), read once per graph.

    rdflib's Turtle parser reads the file, and its graph must hold exactly the triples of rdflib's own
    graph of the store (its sorted N-Triples, byte for byte: :func:`_reference`). The streamed N-Triples
    export of the store is those very bytes (test_streamed_ntriples_equal_rdflib_sorted_byte_for_byte, and
    checked again where these tables stand for its read), so the tables rdflib reads from the Turtle are the
    tables of the N-Triples too: ``records_from_graph`` sorts its records by label or type and key, and keeps
    no trace of the file but in its error messages. rdflib's N-Triples parser read the same triples a
    second time, and was the slowest part of this module."""
    import tempfile
    from pathlib import Path

    from ingest.rdf import parse_rdf, records_from_graph

    if name not in _RDFLIB_READS:
        data = _export(store, "ttl")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.ttl"
            path.write_bytes(data)
            parsed = parse_rdf(path, "ttl")  # rdflib's Turtle parser
        assert sorted_ntriples(parsed) == _reference(name, store, BASES[0]), name
        read = records_from_graph(parsed, origin=f"{name}.ttl")
        _RDFLIB_READS[name] = (data, {raw.name: raw.frame for raw in raw_tables_from_records(
            read.records, load_schema(), f"{name}.ttl")})
    return _RDFLIB_READS[name]


def _raws_by_rdflib(name: str, store, data: bytes, fmt: str) -> dict:
    """The tables rdflib reads from ``data``, the streamed export of ``store`` in ``fmt``: the same bytes as
    the Turtle rdflib read, or as rdflib's sorted N-Triples of the store (the same triples, so the same tables)."""
    turtle, raws = _read_by_rdflib(name, store)
    assert data == (turtle if fmt == "ttl" else _reference(name, store, BASES[0])), (name, fmt)
    return {table: frame.copy() for table, frame in raws.items()}


def _same_raws(lines, expected: dict) -> None:
    import pandas as pd

    found = {raw.name: raw.frame for raw in lines.raws}
    assert sorted(found) == sorted(expected)
    for name, frame in expected.items():
        mine = found[name]
        assert set(mine.columns) == set(frame.columns), name
        pd.testing.assert_frame_equal(mine, frame[list(mine.columns)], obj=name)


@pytest.mark.parametrize("fmt,parser,threads,between_subjects", [
    ("nt", "nt", 2, True), ("nt", "nt", 2, False), ("ttl", "turtle", 2, True), ("ttl", "turtle", 1, False)])
def test_streamed_import_reads_the_tables_rdflib_reads(stores, tmp_path, monkeypatch, fmt, parser, threads,
                                                       between_subjects):
    import ingest.rdf_lines as rdf_lines

    monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", 20_000)  # many blocks
    monkeypatch.setattr(rdf_lines, "PARSE_THREADS", threads)  # blocks parsed at the same time, or one by one
    if not between_subjects:  # blocks cut at any line: subjects and statements go on across block ends
        monkeypatch.setattr(rdf_lines, "_subject_start", lambda buffer, start, cut, parser: cut)
    for name, store in [*stores, ("hostile", _hostile_store())]:
        path = tmp_path / f"{name}.{fmt}"
        data = _export(store, fmt)
        path.write_bytes(data)
        lines = rdf_lines.read_rdf_lines(path, parser)
        _same_raws(lines, _raws_by_rdflib(name, store, data, fmt))
        assert load_tables([], records=lines.raws).digest() == store.info().digest, name


def test_streamed_import_falls_back_to_rdflib_outside_its_forms(tmp_path):
    """Files outside the streamed forms are refused by the streamed read and read whole by rdflib. On the
    hand-made fixture: the first line out of its form decides, whatever the graph's size (rdflib's read of the
    awkward graphs is compared table by table in the test above)."""
    from ingest.rdf import load_rdf_tables
    from ingest.rdf_lines import NotStreamable, read_rdf_lines
    from queries._fixture import fixture_store

    store = fixture_store()
    lines = _export(store, "nt").decode("utf-8").splitlines(keepends=True)
    cases = {
        "unsorted.nt": "".join(lines[::-1]),  # subjects apart: rdflib
        "bnode.nt": "".join(lines) + "_:b0 <http://example.org/p> \"x\" .\n",
        "edited.ttl": _export(store, "ttl").decode("utf-8").replace(" ;\n    ckg:name ", " ; ckg:name ", 3),
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NotStreamable):
            read_rdf_lines(path, "nt" if name.endswith(".nt") else "turtle")
        assert load_rdf_tables(path).digest() == store.info().digest, name


def test_turtle_references_resolve_against_the_base_or_are_left_to_rdflib(tmp_path):
    """A relative IRI reference is joined to @base; absolute ones stay; one outside the base's path ("/x", "?q",
    "#f", "a/../b"), or any relative one without a base ending in "/", is for rdflib (NotStreamable)."""
    import pyarrow as pa

    from ingest.rdf_lines import NotStreamable, _Lines

    lines = _Lines(tmp_path / "g.ttl", "turtle")
    iris = pa.array(["enterprise/syn-1", "", "http://x/a", "source/s.txt", "urn:x:y"], pa.large_string())
    with pytest.raises(NotStreamable, match="relative IRIs"):
        lines._resolve_distinct(iris)
    lines.base = "https://w3id.org/chainkg/id/"
    assert lines._resolve_distinct(iris).to_pylist() == [
        "https://w3id.org/chainkg/id/enterprise/syn-1", "", "http://x/a", "https://w3id.org/chainkg/id/source/s.txt",
        "urn:x:y"]
    absolute = pa.array(["http://x/a", ""], pa.large_string())
    assert lines._resolve_distinct(absolute) is absolute
    for odd in ("/enterprise/syn-1", "?q", "#f", "a/../b", "a/.", "./a"):
        with pytest.raises(NotStreamable, match="outside the base"):
            lines._resolve_distinct(pa.array(["enterprise/syn-1", odd], pa.large_string()))


def test_streamed_import_names_the_line_of_a_syntax_error(tmp_path):
    from chainkg.errors import BadInputError
    from ingest.rdf_lines import read_rdf_lines

    path = tmp_path / "bad.nt"
    path.write_text("<http://x/a> <http://x/b> <http://x/c> .\n\n<http://x/a> <http://x/b> oops .\n", encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        read_rdf_lines(path, "nt")
    problem = caught.value.problems[0]
    assert problem.row == 3 and problem.reason.startswith("not valid N-Triples")
    path.write_bytes(b"<http://x/a> <http://x/b> \"\xff\" .\n")
    with pytest.raises(BadInputError) as caught:
        read_rdf_lines(path, "nt")
    assert caught.value.problems[0].reason == "not UTF-8 text"
    assert caught.value.problems[0].row == 1


def test_line_numbers_of_problems_in_later_blocks(tmp_path, monkeypatch):
    """Lines are not counted as the file is read: a problem's line number is found from its byte offset."""
    import ingest.rdf_lines as rdf_lines
    from chainkg.errors import BadInputError

    monkeypatch.setattr(rdf_lines, "BLOCK_BYTES", 64)  # the problem far from the first block
    good = [f"<http://x/{i:03d}> <http://x/b> \"{'值' * (i % 5)}\" .\n".encode() for i in range(40)]
    for bad, reason in ((b"<http://x/zz> <http://x/b> oops .\n", "not valid N-Triples"),
                        (b"<http://x/zz> <http://x/b> \"\xff\" .\n", "not UTF-8 text")):
        lines = good[:30] + [b"\n", bad] + good[30:]
        path = tmp_path / "late.nt"
        path.write_bytes(b"\xef\xbb\xbf" + b"".join(lines))
        with pytest.raises(BadInputError) as caught:
            rdf_lines.read_rdf_lines(path, "nt")
        problem = caught.value.problems[0]
        assert (problem.row, problem.reason.startswith(reason)) == (32, True), problem


@pytest.mark.parametrize("fmt,parser", [("nt", "nt"), ("ttl", "turtle")])
def test_streamed_import_names_a_bad_relationship_by_its_full_iri(tmp_path, fmt, parser):
    """Relationship resources' IRIs are not held while reading (millions of long strings at national
    scale): a problem reads the IRI back from the file, absolute even where the Turtle wrote it relative."""
    import re

    from chainkg.errors import BadInputError
    from ingest.rdf_lines import read_rdf_lines
    from queries._fixture import fixture_store

    base = BASES[0]
    text = _export(fixture_store(), fmt, base).decode("utf-8")
    if fmt == "nt":
        line = re.search(rf"^<({re.escape(base)}relationship/LOCATED_IN/[^>]+)> <{re.escape(rdflib.RDF.object)}> "
                         r"<[^>]+> \.$", text, flags=re.M)
        iri = line[1]
        bad = text.replace(line[0], f"<{iri}> <{rdflib.RDF.object}> <{base}region/999999> .")
    else:
        statement = re.search(r"^<(relationship/LOCATED_IN/[^>]+)> a ckg:\w+ ;\n(?:    .*\n)*?    rdf:object <[^>]+>",
                              text, flags=re.M)
        iri = base + statement[1]
        bad = text.replace(statement[0], re.sub(r"rdf:object <[^>]+>$", "rdf:object <region/999999>", statement[0]))
    path = tmp_path / f"bad.{fmt}"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        read_rdf_lines(path, parser)
    reasons = [p.reason for p in caught.value.problems]
    assert f"<{iri}>: dangling reference: rdf:object <{base}region/999999> is not a node of the file" in reasons, \
        reasons


def _children() -> set[int]:
    """This process's child processes still alive or not yet waited for."""
    import os
    from pathlib import Path

    for _ in range(10):  # a thread that ends while it is read hands its children on: read them all again
        found: set[int] = set()
        try:
            for task in Path(f"/proc/{os.getpid()}/task").iterdir():
                found |= {int(pid) for pid in (task / "children").read_text().split()}
        except FileNotFoundError:
            continue
        return found
    raise AssertionError("this process's threads kept ending while their children were read")


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_helper_processes_write_the_same_bytes_to_a_file_and_to_memory(fmt, base_tables, bundled_store, tmp_path,
                                                                       monkeypatch):
    """Ranges made by forked helpers (written at their offsets in a file, or through a pipe otherwise)
    give the bytes one process gives, whatever the number of processes and the range size."""
    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", 3_000)  # many ranges per group: every helper gets some
    stores = [("bundled-embedded", bundled_store),
              ("awkward-1", TableStore(load_tables([DATA], records=awkward_tables(base_tables, 1))))]
    before = _children()
    for name, store in stores:
        alone = io.BytesIO()
        counts = write_rdf(store, alone, fmt, workers=1)  # equal to rdflib's: the tests above
        for workers in (2, 3):
            memory = io.BytesIO()
            assert write_rdf(store, memory, fmt, workers=workers) == counts
            assert memory.getvalue() == alone.getvalue(), (name, workers)
            path = tmp_path / f"{name}-{workers}.{fmt}"
            with path.open("wb") as handle:
                handle.write(b"before\n")  # the export starts where the stream is and leaves it at its end
                assert write_rdf(store, handle, fmt, workers=workers) == counts
                handle.write(b"after\n")
            assert path.read_bytes() == b"before\n" + alone.getvalue() + b"after\n", (name, workers)
            with path.open("ab") as handle:  # appending (`>>`): pwrite would ignore the offsets, so in order
                assert write_rdf(store, handle, fmt, workers=workers) == counts
            assert path.read_bytes() == b"before\n" + alone.getvalue() + b"after\n" + alone.getvalue()
    assert _children() == before  # every helper was waited for


def test_a_failing_helper_is_raised_in_the_exporting_process_and_stopped(bundled_store, monkeypatch, tmp_path, run,
                                                                        bundled_home):
    import os

    from chainkg.errors import StoreError

    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", 3_000)
    parent, make = os.getpid(), rdf_stream._range_lines

    def failing(export, group, plan, i, turtle):
        if os.getpid() != parent:
            raise StoreError("a table could not be read", hint="build again")
        return make(export, group, plan, i, turtle)

    monkeypatch.setattr(rdf_stream, "_range_lines", failing)
    before = _children()
    with pytest.raises(StoreError, match="could not be read") as raised:
        write_rdf(bundled_store, io.BytesIO(), "nt", workers=2)
    assert raised.value.hint == "build again"
    assert _children() == before

    def killed(export, group, plan, i, turtle):  # a helper that dies without a word (the kernel's OOM killer)
        if os.getpid() != parent:
            os._exit(137)
        return make(export, group, plan, i, turtle)

    monkeypatch.setattr(rdf_stream, "_range_lines", killed)
    with pytest.raises(rdf_stream.ExportWorkerError, match="ended early"):
        write_rdf(bundled_store, io.BytesIO(), "ttl", workers=2)
    assert _children() == before
    # through the command: exit 2, a hint, no traceback, and the previous file is kept
    out = tmp_path / "g.nt"
    out.write_bytes(b"previous\n")
    result = run("--home", bundled_home, "export", "rdf", "--format", "nt", "--out", out, "--workers", "2")
    assert result.exit_code == 2 and "ended early" in result.output and "--workers 1" in result.output
    assert "Traceback" not in result.output and out.read_bytes() == b"previous\n"
    assert _children() == before


def test_parts_join_whether_their_columns_are_dictionary_encoded_or_not():
    """Blocks hold repeating columns dictionary-encoded (ingest.rdf_lines._Part); a table's join keeps the
    values and their order, whatever each block chose, and a column a block lacks is null there."""
    import numpy as np
    import pyarrow as pa

    from ingest.rdf_lines import _concat, _Part

    repeating = _Part({"as_of": pa.array(["2026-12-02"] * 4, pa.large_string()),
                       "name": pa.array(["甲", "乙", "丙", "丁"], pa.large_string())}, np.arange(4))
    distinct = _Part({"as_of": pa.array(["2025-01-01", None], pa.large_string())}, np.arange(4, 6))
    assert pa.types.is_dictionary(repeating.columns["as_of"].type)
    assert not pa.types.is_dictionary(distinct.columns["as_of"].type)
    table = _concat([repeating, distinct])
    assert table["as_of"].cast(pa.large_string()).to_pylist() == ["2026-12-02"] * 4 + ["2025-01-01", None]
    assert table["name"].to_pylist() == ["甲", "乙", "丙", "丁", None, None]
    assert table["__offsets"].tolist() == list(range(6))


def test_a_file_wrong_in_many_places_lists_the_first_problems_and_counts_the_rest(base_tables, tmp_path,
                                                                                  monkeypatch):
    """Problems past MAX_PROBLEMS are counted, not worded: the same first problems and the same count."""
    import ingest.rdf_lines as rdf_lines
    from chainkg.errors import BadInputError

    lines = _export(TableStore(base_tables), "nt").decode("utf-8").splitlines(keepends=True)
    path = tmp_path / "no-enterprises.nt"  # every relationship to an enterprise dangles
    path.write_text("".join(line for line in lines if "/id/enterprise/" not in line.split(" ", 1)[0]),
                    encoding="utf-8")

    def problems(cap: int) -> list:
        monkeypatch.setattr(rdf_lines, "MAX_PROBLEMS", cap)
        with pytest.raises(BadInputError) as error:
            rdf_lines.read_rdf_lines(path, "nt")
        return [(p.reason, p.fix) for p in error.value.problems], error.value

    every, _ = problems(10**9)
    assert len(every) > 40
    few, error = problems(7)
    assert few == every[:7] and error.more == len(every) - 7
    assert str(error).splitlines()[-1] == f"… and {len(every) - 7} more problems"
