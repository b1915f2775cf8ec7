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
from conftest import DATA
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


@pytest.fixture(scope="module")
def base_tables():
    return load_tables([DATA])


def _stores(base_tables):
    from queries._fixture import fixture_store

    yield "fixture", fixture_store()
    yield "bundled", TableStore(base_tables)
    for seed in (1, 2):
        yield f"awkward-{seed}", TableStore(load_tables([DATA], records=awkward_tables(base_tables, seed)))


def _hostile_store() -> TableStore:
    p = {"source": "s", "as_of": "2026-01-01"}
    records = [
        NodeRecord("Source", "s", {"title": "带\u2028分行符的来源", "kind": "curated", **p}),
        NodeRecord("Region", "CHN", {"name": "中国", "level": "country", **p}),
        NodeRecord("Enterprise", "e/1 .", {"name": "甲\x0b公司", "description": HOSTILE, **p}),
        NodeRecord("Enterprise", "..", {"name": "乙", "aliases": "乙\x85|乙\u2029", **p}),
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
def test_streamed_ntriples_equal_rdflib_sorted_byte_for_byte(base_tables, monkeypatch, range_triples):
    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", range_triples)  # small ranges: many sorts, one order
    for name, store in _stores(base_tables):
        for base in BASES:
            expected = sorted_ntriples(store_to_graph(store, base=base))
            assert _export(store, "nt", base) == expected, (name, base)


def test_streamed_turtle_parses_to_the_same_triples(base_tables, monkeypatch):
    monkeypatch.setattr(rdf_stream, "RANGE_TRIPLES", 5_000)
    for name, store in _stores(base_tables):
        for base in BASES:
            data = _export(store, "ttl", base)
            assert data.startswith(rdf_stream.TURTLE_HEADER.encode()), name
            parsed = rdflib.Graph().parse(data=data.decode("utf-8"), format="turtle")
            assert sorted_ntriples(parsed) == sorted_ntriples(store_to_graph(store, base=base)), (name, base)
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
    assert [str(d) for d in descriptions] == [HOSTILE]
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
