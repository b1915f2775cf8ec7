"""RDF: the ontology, the export, the import (round trip), checks against the ontology, SPARQL."""

from __future__ import annotations

import ast
import copy
import json
import shutil

import pytest
import yaml

from conftest import MINI, ROOT, one_worker

rdflib = pytest.importorskip("rdflib")

from rdflib import RDF, RDFS, Literal, URIRef  # noqa: E402

from chainkg.errors import BadInputError, SchemaError, StoreError  # noqa: E402
from graph.embedded import EmbeddedStore  # noqa: E402
from graph.memory import TableStore  # noqa: E402
from graph.ontology import DEFAULT_BASE, NS, ONTOLOGY_PATH, node_iri, ontology_turtle, vocabulary  # noqa: E402
from graph.rdf import (check_graph, load_ontology, missing_terms, ontology_shapes, serialize,  # noqa: E402
                       sorted_ntriples, store_to_graph)
from graph.records import EdgeRecord, NodeRecord  # noqa: E402
from graph.schema import SCHEMA_PATH, load_schema, parse_schema  # noqa: E402
from ingest.load import load_tables, raw_tables_from_records  # noqa: E402
from ingest.rdf import load_rdf_tables, parse_rdf, records_from_graph  # noqa: E402
from queries._fixture import fixture_records, fixture_store  # noqa: E402
from queries.sparql import run_query, shipped_queries, shipped_query  # noqa: E402

CKG = rdflib.Namespace(NS)
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ID = rdflib.Namespace(DEFAULT_BASE)
FORMATS = ["ttl", "nt", "jsonld"]


def _mini_store() -> TableStore:
    return TableStore(load_tables([MINI]))


def _rich_store() -> TableStore:
    """The fixture graph plus every awkward case: multi-label PROVIDES, SUPPLIES told apart by product,
    SUBTYPE_OF across labels, keys that need percent-encoding, long text with quotes and new lines,
    tiny and large decimals, a 统一社会信用代码."""
    p = {"source": "synthetic", "as_of": "2026-01-01"}
    records = fixture_records() + [
        NodeRecord("Technology", "t/子 技术", {"name": "子技术 \"引号\" \\ 反斜杠", "kind": "process",
                                              "description": "第一行\n第二行\t制表", **p}),
        EdgeRecord("SUBTYPE_OF", "t/子 技术", "t-ctl", p, from_label="Technology", to_label="Technology"),
        EdgeRecord("SUBTYPE_OF", "s-svc", "s-whole", p, from_label="Segment", to_label="Segment"),
        EdgeRecord("PROVIDES", "CHN", "t-ctl", {"share": 35.5, "year": 2024, **p}, from_label="Region",
                   to_label="Technology"),
        EdgeRecord("PROVIDES", "e-a", "s-mat", {"share": 1e-05, **p}, from_label="Enterprise", to_label="Segment"),
        EdgeRecord("SUPPLIES", "e-c", "e-b", {"product": "控制器", "year": 2025, "share": 99.99, **p}),
        EdgeRecord("SUPPLIES", "e-a", "e-b", {"product": "", **p}),
        NodeRecord("Enterprise", "e-u", {"name": "有代码示例有限公司", "uscc": "91350100M000100Y43",
                                         "designations": "上市|专精特新", "exchange": "SSE", "stock_code": "600000",
                                         # a large decimal where the schema allows one (a share is 0–100)
                                         "revenue_yi": 250000000.0, "employees": 800, "verified": False, **p}),
        EdgeRecord("LOCATED_IN", "e-u", "320412", {**p, "verified": "false"}),
        EdgeRecord("MASTERS", "e-u", "t/子 技术", {"note": "唯一", **p}),
        NodeRecord("Technology", "t-ctrl-unit", {"name": "控制单元", "aliases": "控制器|ECU", "kind": "product", **p}),
        EdgeRecord("SUPPLIES", "e-a", "e-b", {"product": "控制器", **p}),
        EdgeRecord("FEEDS", "t-ctrl-unit", "s-whole", p, from_label="Technology", to_label="Segment"),
    ]
    schema = load_schema()
    return TableStore(load_tables([], records=raw_tables_from_records(records, schema, "rich"), schema=schema))


#: the tests that read rdflib's graph of the bundled data run on one worker, which builds it once
BUNDLED_GRAPH = one_worker("test_rdf:bundled_graph")


@pytest.fixture(scope="module")
def bundled_graph(bundled_store):
    return store_to_graph(bundled_store)


# ---------------------------------------------------------------------------------------------
# the ontology

def test_shipped_ontology_is_what_the_generator_writes():
    assert ONTOLOGY_PATH.read_text(encoding="utf-8") == ontology_turtle(), \
        "graph/ontology/chainkg.ttl is out of date: run `python -m graph.ontology --write`"


def test_ontology_declares_every_schema_term_with_domains_ranges_and_both_languages():
    assert missing_terms() == []
    onto = load_ontology()
    schema = load_schema()
    vocab = vocabulary()
    for label in schema.labels:
        labels = {(str(o), o.language) for o in onto.objects(CKG[label], RDFS.label)}
        assert {lang for _, lang in labels} == {"en", "zh"}, label
    assert (CKG.operatesIn, RDFS.domain, CKG.Enterprise) in onto
    assert (CKG.operatesIn, RDFS.range, CKG.Segment) in onto
    assert (CKG.layer, RDFS.range, rdflib.XSD.integer) in onto
    assert (CKG.revenueYi, RDFS.range, rdflib.XSD.decimal) in onto
    assert (CKG.asOf, RDFS.range, rdflib.XSD.date) in onto
    assert (CKG.verified, RDFS.range, rdflib.XSD.boolean) in onto
    assert vocab.properties["source"] == str(PROV.wasDerivedFrom)
    # well-known vocabularies reused
    schema_org, w3c_org = rdflib.Namespace("https://schema.org/"), rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (CKG.Enterprise, RDFS.subClassOf, schema_org.Organization) in onto
    assert (CKG.Enterprise, RDFS.subClassOf, w3c_org.FormalOrganization) in onto
    assert (CKG.Node, RDFS.subClassOf, PROV.Entity) in onto
    assert (CKG.Relationship, RDFS.subClassOf, RDF.Statement) in onto
    assert (CKG.uscc, RDFS.subPropertyOf, w3c_org.identifier) in onto


def _grown_schema():
    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    grown = copy.deepcopy(raw)
    grown["labels"]["Enterprise"]["properties"]["founded_year"] = {"type": "int"}
    grown["labels"]["Harbour"] = {"key": "id", "file": "harbours.csv",
                                  "properties": {"id": {"type": "string", "required": True}}}
    grown["relationships"]["IN_HARBOUR"] = {"file": "in_harbour.csv", "from": "Enterprise", "to": "Harbour"}
    return parse_schema(grown)


def test_a_schema_term_the_ontology_lacks_is_reported():
    missing = missing_terms(_grown_schema())
    assert "label Harbour: no class ckg:Harbour" in missing
    assert "property founded_year: no datatype property ckg:foundedYear" in missing
    assert "relationship type IN_HARBOUR: no object property ckg:inHarbour" in missing
    assert "property id: the domain of ckg:id lacks Harbour" in missing


def test_the_generator_refuses_a_schema_term_without_labels():
    with pytest.raises(SchemaError, match=r"classes \['Harbour'\] of the schema have no labels"):
        vocabulary(_grown_schema())


def test_node_iris_are_stable_and_percent_encoded():
    assert node_iri("Region", "320400") == DEFAULT_BASE + "region/320400"
    assert node_iri("Enterprise", "ent-x", uscc="91350100M000100Y43") == DEFAULT_BASE + "enterprise/uscc/91350100M000100Y43"
    assert node_iri("Enterprise", "ent-x", uscc=None) == DEFAULT_BASE + "enterprise/ent-x"
    assert node_iri("Segment", "a/b c") == DEFAULT_BASE + "segment/a%2Fb%20c"
    assert node_iri("Chain", "..") == DEFAULT_BASE + "chain/%2E%2E"
    iri = node_iri("Technology", "锂电池?#")
    assert rdflib.URIRef(iri).n3().isascii() and "?" not in iri and "#" not in iri


def test_rdflib_is_imported_inside_functions_only():
    for path in ["graph/rdf.py", "graph/ontology.py", "ingest/rdf.py", "queries/sparql.py", "chainkg/commands/rdf.py"]:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        for node in tree.body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            assert not any(n.split(".")[0] in ("rdflib", "pyshacl") for n in names), f"{path}:{node.lineno}"


# ---------------------------------------------------------------------------------------------
# export

def test_export_names_enterprises_by_uscc_and_reifies_relationships_with_provenance():
    graph = store_to_graph(_mini_store())
    e_a = ID["enterprise/uscc/91350100M000100Y43"]
    assert (e_a, RDF.type, CKG.Enterprise) in graph
    assert (e_a, CKG.id, Literal("e-a")) in graph
    assert (e_a, CKG.verified, Literal(False)) in graph
    assert (e_a, CKG.revenueYi, Literal("12.5", datatype=rdflib.XSD.decimal)) in graph
    assert (ID["enterprise/e-b"], CKG.designations, Literal("上市|高新技术企业")) in graph
    assert (ID["enterprise/e-b"], CKG.aliases, Literal("乙整机|乙公司")) in graph
    assert (ID["enterprise/e-b"], CKG.stockCode, Literal("002999")) in graph
    # the direct triple and the reified relationship with its own properties and provenance
    assert (e_a, CKG.operatesIn, ID["segment/s-mat"]) in graph
    rel = ID["relationship/OPERATES_IN/e-a/s-mat"]
    assert set(graph.predicate_objects(rel)) == {
        (RDF.type, CKG.OperatesInRelationship), (RDF.subject, e_a), (RDF.predicate, CKG.operatesIn),
        (RDF.object, ID["segment/s-mat"]), (CKG.products, Literal("特种材料")), (CKG.main, Literal(True)),
        (PROV.wasDerivedFrom, ID["source/mini"]), (CKG.asOf, Literal("2026-01-01", datatype=rdflib.XSD.date)),
        (CKG.verified, Literal(True)),
    }
    anchors = ID["relationship/ANCHORS/e-b/cl-demo"]
    assert (anchors, CKG.asWritten, Literal("乙整机")) in graph
    assert (anchors, CKG.role, Literal("重点企业")) in graph
    assert not any(isinstance(t, rdflib.BNode) for triple in graph for t in triple)


def test_multi_label_and_identity_relationships_get_distinct_iris():
    graph = store_to_graph(_rich_store())
    assert (ID["relationship/PROVIDES/Region/CHN/Technology/t-ctl"], CKG.share,
            Literal("35.5", datatype=rdflib.XSD.decimal)) in graph
    assert (ID["relationship/PROVIDES/Enterprise/e-a/Segment/s-mat"], CKG.share,
            Literal("0.00001", datatype=rdflib.XSD.decimal)) in graph
    product = ID["relationship/SUPPLIES/e-c/e-b/" + "%E6%8E%A7%E5%88%B6%E5%99%A8"]
    assert (product, CKG.product, Literal("控制器")) in graph
    assert (ID["relationship/SUPPLIES/e-c/e-b/%E9%83%A8%E4%BB%B6"], CKG.product, Literal("部件")) in graph
    assert (ID["relationship/SUPPLIES/e-a/e-b/"], RDF.type, CKG.SuppliesRelationship) in graph
    sub = ID["technology/t%2F%E5%AD%90%20%E6%8A%80%E6%9C%AF"]
    assert (sub, CKG.subtypeOf, ID["technology/t-ctl"]) in graph


def test_export_refuses_two_enterprises_with_one_uscc(run, tmp_path):
    data = tmp_path / "mini"
    shutil.copytree(MINI, data)
    path = data / "enterprises.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("e-c,,", "e-c,91350100M000100Y43,"), encoding="utf-8")
    home = tmp_path / "home"
    assert run("--home", home, "-q", "build", "--data", data).exit_code == 0
    with pytest.raises(StoreError, match="same 统一社会信用代码 91350100M000100Y43"):
        store_to_graph(EmbeddedStore.open(home))
    result = run("--home", home, "-q", "export", "rdf", "--out", tmp_path / "g.ttl")
    assert result.exit_code == 2 and "'e-a' and 'e-c'" in result.output and "hint:" in result.output
    assert not (tmp_path / "g.ttl").exists()


# ---------------------------------------------------------------------------------------------
# round trip

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("make", [_mini_store, _rich_store, fixture_store], ids=["mini", "rich", "fixture"])
def test_round_trip_is_lossless_and_byte_stable(fmt, make, tmp_path):
    store = make()
    graph = store_to_graph(store)
    path = tmp_path / f"g.{fmt}"
    path.write_bytes(serialize(graph, fmt))
    tables = load_rdf_tables(path)
    assert tables.digest() == store.info().digest
    again = store_to_graph(TableStore(tables))
    assert sorted_ntriples(again) == sorted_ntriples(graph)
    assert serialize(again, fmt) == serialize(graph, fmt) or fmt == "ttl"
    for label in store.schema.labels:  # typed values, not just their text
        key = store.schema.label(label).key
        before = store.nodes(label).sort_values(key).reset_index(drop=True)
        after = tables.node_table(label).sort_values(key).reset_index(drop=True)
        if len(before):
            assert before.astype("string").equals(after.astype("string")), label


def test_round_trip_through_the_cli_rebuilds_the_bundled_graph(run, bundled_home, bundled_store, tmp_path):
    ttl = tmp_path / "g.ttl"
    # without --check: the bundled graph's conformance is test_exports_conform_to_the_ontology's (check_graph of
    # rdflib's graph of it, the graph --check builds a second time), and the CLI's --check with a streamed
    # export is tests/test_import.py::test_imported_facts_survive_the_rdf_round_trip's
    exported = run("--home", bundled_home, "-q", "export", "rdf", "--format", "ttl", "--out", ttl)
    assert exported.exit_code == 0, exported.output
    assert f"wrote {ttl}" in exported.output
    imported = run("--home", tmp_path / "again", "-q", "import", "rdf", ttl)
    assert imported.exit_code == 0, imported.output
    rebuilt = EmbeddedStore.open(tmp_path / "again")
    assert rebuilt.info().digest == bundled_store.info().digest
    assert rebuilt.info().counts == bundled_store.info().counts
    # the streamed N-Triples, byte for byte rdflib's sorted N-Triples (tests/test_rdf_stream.py, on graphs that hold
    # the bundled graph): the same triples without building rdflib's graph twice
    assert _streamed_ntriples(rebuilt) == _streamed_ntriples(bundled_store)


def _streamed_ntriples(store) -> bytes:
    import io

    from graph.rdf_stream import write_rdf

    out = io.BytesIO()
    write_rdf(store, out, "nt")
    return out.getvalue()


def test_export_to_stdout_and_jsonld(run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    result = run("--home", home, "-q", "export", "rdf", "--format", "jsonld")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["@context"]["ckg"] == NS
    ids = [item["@id"] for item in document["@graph"]]
    assert ids == sorted(ids) and DEFAULT_BASE + "enterprise/e-b" in ids


def test_digest_ignores_row_order_and_empty_tables():
    tables = load_tables([MINI])
    digest = tables.digest()
    tables.edges["LOCATED_IN"] = tables.edges["LOCATED_IN"].iloc[::-1].reset_index(drop=True)
    tables.nodes["Plan"] = tables.node_table("Plan")
    assert tables.digest() == digest
    tables.edges["LOCATED_IN"] = tables.edges["LOCATED_IN"].iloc[1:]
    assert tables.digest() != digest


# ---------------------------------------------------------------------------------------------
# validation against the ontology

@BUNDLED_GRAPH
def test_exports_conform_to_the_ontology(bundled_graph):
    assert check_graph(store_to_graph(_rich_store())) == []
    assert check_graph(bundled_graph) == []


def test_pyshacl_agrees_that_the_export_conforms_and_finds_a_broken_one():
    pyshacl = pytest.importorskip("pyshacl")
    graph = store_to_graph(_rich_store())
    conforms, _g, report = pyshacl.validate(graph, shacl_graph=ontology_shapes(), ont_graph=load_ontology())
    assert conforms, report
    graph.add((ID["enterprise/e-b"], CKG.locatedIn, ID["segment/s-mat"]))  # range
    graph.add((ID["segment/s-mat"], CKG.uscc, Literal("x")))  # domain
    conforms, _g, report = pyshacl.validate(graph, shacl_graph=ontology_shapes(), ont_graph=load_ontology())
    assert not conforms
    assert "locatedIn" in report and "uscc" in report
    assert len(check_graph(graph)) == 2


E = ID["enterprise/e-b"]


@pytest.mark.parametrize("triple, expected", [
    ((E, RDF.type, CKG.Enterprize), "unknown class ckg:Enterprize"),
    ((E, CKG.nmae, Literal("x")), "unknown property ckg:nmae"),
    ((ID["segment/s-mat"], CKG.stockCode, Literal("x")), "the property's domain is ckg:Enterprise"),
    ((E, CKG.locatedIn, ID["segment/s-mat"]), "is not in the range ckg:Region"),
    ((E, CKG.locatedIn, Literal("320400")), "the literal"),
    ((E, CKG.employees, Literal("12")), "is xsd:string, the range is xsd:integer"),
    ((E, CKG.employees, Literal("twelve", datatype=rdflib.XSD.integer)), "not a valid xsd:integer"),
    ((E, CKG.name, Literal("第二个名字")), "more than one value"),
    ((E, PROV.wasDerivedFrom, ID["region/CHN"]), "is not ckg:Source"),
    ((ID["relationship/ANCHORS/e-b/cl-demo"], RDF.predicate, CKG.leads), "must be ckg:anchors"),
])
def test_check_graph_names_each_kind_of_violation(triple, expected):
    graph = store_to_graph(_mini_store())
    graph.add(triple)
    problems = check_graph(graph)
    assert len(problems) >= 1 and any(expected in p for p in problems), problems


# ---------------------------------------------------------------------------------------------
# bad RDF input: exit 2, the file and the problem named, the previous graph kept

@pytest.fixture(scope="module")
def mini_ttl() -> str:
    return serialize(store_to_graph(_mini_store()), "ttl").decode("utf-8")


@pytest.fixture(scope="module")
def mini_nt() -> str:
    return sorted_ntriples(store_to_graph(_mini_store())).decode("utf-8")


def _nt(s, p, o) -> str:
    return f"{s.n3()} {p.n3()} {o.n3()} .\n"


BAD_RDF = {
    "turtle_syntax": ("ttl", lambda ttl, nt: ttl + '\nenterprise:e-b ckg:name "unterminated .\n',
                      "not valid Turtle: newline found in string literal"),
    "ntriples_syntax": ("nt", lambda ttl, nt: nt + "<http://x/a> <http://x/b> oops .\n",
                        "not valid N-Triples"),
    "jsonld_syntax": ("jsonld", lambda ttl, nt: '{"@id": "x",\n "a": }', "not valid JSON-LD"),
    "unknown_class": ("nt", lambda ttl, nt: nt + _nt(ID["x/1"], RDF.type, CKG.Enterprize),
                      "unknown class ckg:Enterprize"),
    "unknown_property": ("nt", lambda ttl, nt: nt + _nt(E, CKG.nmae, Literal("x")), "unknown property ckg:nmae"),
    "dangling_relationship": ("nt", lambda ttl, nt: nt.replace(
        f"<{ID['relationship/LOCATED_IN/e-b/320400']}> {RDF.object.n3()} <{ID['region/320400']}>",
        f"<{ID['relationship/LOCATED_IN/e-b/320400']}> {RDF.object.n3()} <{ID['region/999999']}>"),
        f"dangling reference: rdf:object <{ID['region/999999']}> is not a node of the file"),
    "dangling_direct_triple": ("nt", lambda ttl, nt: nt + _nt(E, CKG.locatedIn, ID["region/888888"]),
                               f"<{ID['region/888888']}> is not a node of the file"),
    "unreified_triple": ("nt", lambda ttl, nt: nt + _nt(E, CKG.locatedIn, ID["region/320500"]),
                         "has no ckg:LocatedInRelationship resource with its source and as_of"),
    "wrong_datatype": ("nt", lambda ttl, nt: nt + _nt(E, CKG.employees, Literal("2020-01-01", datatype=rdflib.XSD.date)),
                       "ckg:employees '2020-01-01' is xsd:date, expected xsd:integer"),
    "property_of_another_class": ("nt", lambda ttl, nt: nt + _nt(E, CKG.position, Literal("upstream")),
                                  "ckg:position is not a property of Enterprise"),
    "missing_key": ("nt", lambda ttl, nt: "".join(l + "\n" for l in nt.splitlines()
                                                  if not l.startswith(f"<{E}> <{CKG.id}>")),
                    "needs exactly one ckg:id (the key of ckg:Enterprise)"),
    "bad_value": ("nt", lambda ttl, nt: nt + _nt(E, CKG.uscc, Literal("1234")),
                  f"<{E}> ckg:uscc: not a valid 统一社会信用代码: '1234'"),
    "source_not_a_source": ("nt", lambda ttl, nt: nt.replace(
        f"<{E}> <{PROV.wasDerivedFrom}> <{ID['source/mini']}>", f"<{E}> <{PROV.wasDerivedFrom}> <{ID['source/nope']}>"),
        f"prov:wasDerivedFrom <{ID['source/nope']}> is not a ckg:Source of the file"),
    "ill_typed_literal": ("nt", lambda ttl, nt: nt + f'<{E}> <{CKG.employees}> "twelve"^^<{rdflib.XSD.integer}> .\n',
                          f"<{E}> ckg:employees: not a whole number: 'twelve'"),
    "empty": ("ttl", lambda ttl, nt: "", "the file holds no chainkg nodes"),
}


@pytest.mark.parametrize("case", sorted(BAD_RDF))
def test_bad_rdf_exits_2_names_the_file_and_the_problem_and_keeps_the_graph(case, run, tmp_path, mini_ttl, mini_nt):
    fmt, mutate, expected = BAD_RDF[case]
    home = tmp_path / "home"
    assert run("--home", home, "-q", "build", "--data", MINI).exit_code == 0
    before = EmbeddedStore.open(home).info().digest
    path = tmp_path / f"bad.{fmt}"
    path.write_text(mutate(mini_ttl, mini_nt), encoding="utf-8")
    result = run("--home", home, "-q", "import", "rdf", path)
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    assert expected in result.output, result.output
    assert "hint:" in result.output or "fix:" in result.output
    assert "Traceback" not in result.output
    assert EmbeddedStore.open(home).info().digest == before
    if case == "missing_key":  # one problem, not a cascade of dangling references to the keyless node
        assert result.output.count("dangling") == 0


def test_syntax_errors_give_the_line(tmp_path, mini_ttl):
    lines = mini_ttl.count("\n")
    path = tmp_path / "bad.ttl"
    path.write_text(mini_ttl + '\nenterprise:e-b ckg:name "unterminated .\n', encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        parse_rdf(path)
    assert caught.value.problems[0].row == lines + 2
    nt = tmp_path / "bad.nt"
    nt.write_text("<http://x/a> <http://x/b> <http://x/c> .\n<http://x/a> <http://x/b> oops .\n", encoding="utf-8")
    with pytest.raises(BadInputError) as caught:
        parse_rdf(nt)
    assert caught.value.problems[0].row == 2


def test_unknown_suffix_asks_for_format(run, tmp_path, mini_nt):
    path = tmp_path / "graph.data"
    path.write_text(mini_nt, encoding="utf-8")
    result = run("--home", tmp_path / "h", "-q", "import", "rdf", path)
    assert result.exit_code == 2 and "cannot tell the RDF format" in result.output
    ok = run("--home", tmp_path / "h", "-q", "import", "rdf", path, "--format", "nt")
    assert ok.exit_code == 0, ok.output


def test_foreign_triples_are_ignored_and_counted(mini_nt):
    graph = rdflib.Graph().parse(data=mini_nt, format="nt")
    graph.add((E, rdflib.OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q1")))
    graph.add((E, RDF.type, URIRef("https://schema.org/Organization")))
    graph += load_ontology()  # the ontology itself may travel with the data
    read = records_from_graph(graph, origin="g")
    assert read.ignored["owl:sameAs"] == 1 and read.ignored["rdf:type schema:Organization"] == 1
    assert len(read.records) == len(records_from_graph(rdflib.Graph().parse(data=mini_nt, format="nt")).records)


# ---------------------------------------------------------------------------------------------
# SPARQL agrees with pandas over the store

def _pandas_segments_without_local_enterprise(store, region: str = "320400") -> set[tuple[str, str]]:
    local = store.region_subtree(region)
    located = store.edges("LOCATED_IN", ["from", "to"])
    local_enterprises = set(located.loc[located["to"].isin(local), "from"])
    operates = store.edges("OPERATES_IN", ["from", "to"])
    covered = set(operates.loc[operates["from"].isin(local_enterprises), "to"])
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    return {(chain, seg) for seg, chain in zip(segment_of["from"], segment_of["to"]) if seg not in covered}


def _segments_by_sparql(graph, **bindings) -> set[tuple[str, str]]:
    result = run_query(graph, shipped_query("segments_without_local_enterprise"), bindings)
    return {(row["chainId"], row["segmentId"]) for row in result.rows}


@pytest.mark.parametrize("region", ["320400", "320412", "320500", "320000", "CHN"])
def test_segments_without_local_enterprise_match_pandas_on_the_fixture(region):
    store = fixture_store()
    graph = store_to_graph(store)
    expected = _pandas_segments_without_local_enterprise(store, region)
    assert _segments_by_sparql(graph, region=region) == expected
    by_hand = {"320400": {"s-part", "s-svc"}, "320412": {"s-part", "s-whole", "s-svc"},
               "320500": {"s-mat", "s-whole", "s-svc"}, "320000": {"s-svc"}, "CHN": {"s-svc"}}[region]
    assert {seg for _c, seg in expected} == by_hand


@BUNDLED_GRAPH
def test_segments_without_local_enterprise_match_pandas_on_the_bundled_data(bundled_store, bundled_graph):
    expected = _pandas_segments_without_local_enterprise(bundled_store)
    assert expected, "the bundled data should have 缺链 segments in 常州市"
    assert _segments_by_sparql(bundled_graph) == expected
    chain = sorted(c for c, _s in expected)[0]
    name = bundled_store.node("Chain", chain)["name"]
    assert _segments_by_sparql(bundled_graph, chain=name) == {x for x in expected if x[0] == chain}


@BUNDLED_GRAPH
def test_segments_without_local_enterprise_agree_with_chainkg_gaps(bundled_store, bundled_graph):
    gaps = pytest.importorskip("queries.gaps", reason="the gap analysis (branch gaps) is not merged into main yet")
    reports = gaps.all_chain_gaps(bundled_store)
    missing = {(report.chain, seg.key) for report in reports for seg in report.segments if seg.status == "缺链"}
    assert missing, "the bundled data should have 缺链 segments in 常州市"
    assert _segments_by_sparql(bundled_graph) == missing


def _single_provider(graph, region: str) -> dict[str, tuple[str, str, bool]]:
    result = run_query(graph, shipped_query("single_provider_technologies"), {"region": region})
    return {row["technologyId"]: (row["providerClass"].split("#")[1], row["providerId"], row["local"])
            for row in result.rows}


def _single_capable(graph, region: str) -> dict[str, tuple[str, set[str]]]:
    result = run_query(graph, shipped_query("single_capable_enterprise_technologies"), {"region": region})
    return {row["technologyId"]: (row["capableId"], set(row["via"].split("|"))) for row in result.rows}


def _chokepoint_view(store, perspective: str):
    """From the choke-point analysis: technologies with one provider, and with one capable enterprise."""
    from queries.chokepoints import chokepoint_inputs

    inputs = chokepoint_inputs(store, perspective=perspective)
    one_provider, one_capable = {}, {}
    for cand in inputs.candidates:
        providers = {(p.label, p.key): p for p in cand.providers}
        if len(providers) == 1:
            (label, key), provider = next(iter(providers.items()))
            one_provider[cand.key] = (label, key, provider.own)
        capable = {c.key for c in cand.capable}
        if len(capable) == 1:
            one_capable[cand.key] = (next(iter(capable)), {c.via for c in cand.capable})
    return one_provider, one_capable, {c.key for c in inputs.candidates}


def test_single_provider_and_single_capable_by_hand():
    graph = store_to_graph(_rich_store())
    # t-ctl: provided by CHN only (e-a provides a segment, not a technology)
    assert _single_provider(graph, "320400") == {"t-ctl": ("Region", "CHN", False)}
    assert _single_provider(graph, "CHN") == {"t-ctl": ("Region", "CHN", True)}
    # 常州市: e-u (武进区) masters t/子 技术; e-a (武进区) supplies 控制器, an alias of 控制单元;
    # t-ctl's capable enterprise e-c is in 苏州市
    assert _single_capable(graph, "常州市") == {"t/子 技术": ("e-u", {"MASTERS"}), "t-ctrl-unit": ("e-a", {"SUPPLIES"})}
    # 苏州市: e-c masters t-ctl and operates in 部件, which t-ctl is key to; it supplies 控制器 too
    assert _single_capable(graph, "苏州市") == {"t-ctl": ("e-c", {"MASTERS", "OPERATES_IN"}),
                                                "t-ctrl-unit": ("e-c", {"SUPPLIES"})}


@pytest.mark.parametrize("perspective", ["320400", "320500", "CHN"])
def test_single_provider_and_single_capable_agree_with_chokepoints(perspective):
    store = _rich_store()
    one_provider, one_capable, _candidates = _chokepoint_view(store, perspective)
    graph = store_to_graph(store)
    assert _single_provider(graph, perspective) == one_provider
    assert _single_capable(graph, perspective) == one_capable


@BUNDLED_GRAPH
def test_single_capable_agrees_with_chokepoints_on_the_bundled_data(bundled_store, bundled_graph):
    one_provider, one_capable, candidates = _chokepoint_view(bundled_store, "320400")
    assert len(candidates) == len(bundled_store.nodes("Technology"))  # no PROVIDES: every technology is a candidate
    assert one_capable, "the bundled data should have technologies with one capable enterprise in 常州市"
    assert _single_capable(bundled_graph, "320400") == one_capable
    assert _single_provider(bundled_graph, "320400") == one_provider == {}  # provides.csv is empty


ETO = ROOT.parent / "shared" / "datasets" / "eto-chip-explorer"


@pytest.fixture(scope="module")
def eto_store():
    if not (ETO / "provision.csv").exists():
        pytest.skip(f"ETO Chip Explorer data not found at {ETO} (shared dataset absent)")
    from ingest.eto import eto_raw_tables

    schema = load_schema()
    return TableStore(load_tables([], records=eto_raw_tables(ETO, schema), schema=schema))


def test_eto_round_trip_and_sparql_agree_with_chokepoints(eto_store, tmp_path):
    """Real outside data: the ETO semiconductor supply chain, from the perspective of China."""
    graph = store_to_graph(eto_store)
    assert check_graph(graph) == []
    path = tmp_path / "eto.nt"
    path.write_bytes(serialize(graph, "nt"))
    assert load_rdf_tables(path).digest() == eto_store.info().digest
    one_provider, one_capable, candidates = _chokepoint_view(eto_store, "CHN")
    assert _single_provider(graph, "CHN") == one_provider and one_provider
    # aggregates (processes, categories without figures) are not choke-point candidates
    assert {k: v for k, v in _single_capable(graph, "CHN").items() if k in candidates} == one_capable


@BUNDLED_GRAPH
def test_facts_by_source_match_the_stats(bundled_store, bundled_graph):
    from queries.stats import graph_stats

    result = run_query(bundled_graph, shipped_query("facts_by_source"))
    got = {row["sourceId"]: row["facts"] for row in result.rows}
    expected = {s["id"]: s["facts"] for s in graph_stats(bundled_store)["sources"] if s["facts"]}
    assert got == expected
    unverified = sum(row["unverified"] for row in result.rows)
    frames = [bundled_store.nodes(label, ["verified"]) for label in bundled_store.schema.labels]
    frames += [bundled_store.edges(rel, ["verified"]) for rel in bundled_store.schema.relationships]
    assert unverified == sum(int((~f["verified"].astype(bool)).sum()) for f in frames)


def test_enterprise_relationships_match_show():
    from queries.show import describe

    store = fixture_store()
    view = describe(store, "enterprise", "乙整机")
    expected = {(direction, item["key"], item["source"], item["as_of"])
                for rel, sides in view["relations"].items() for direction in ("out", "in")
                for item in sides.get(direction, [])}
    result = run_query(store_to_graph(store), shipped_query("enterprise_relationships"), {"enterprise": "乙整机"})
    got = {(row["direction"], row["other"].rsplit("/", 1)[1], row["sourceId"], row["asOf"]) for row in result.rows}
    assert got == expected and len(result.rows) == 4


def test_every_shipped_query_is_documented_and_runs():
    docs = (ROOT / "docs" / "rdf.md").read_text(encoding="utf-8")
    graph = store_to_graph(fixture_store())
    for name, query in shipped_queries().items():
        assert query.title and query.description, name
        assert name in docs, f"docs/rdf.md does not explain {name}"
        bindings = {p.name: "乙整机" for p in query.parameters if p.required}
        assert run_query(graph, query, bindings).columns


# ---------------------------------------------------------------------------------------------
# chainkg sparql

def test_sparql_cli_on_a_file_and_on_the_store(run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    ttl = tmp_path / "g.ttl"
    run("--home", home, "-q", "export", "rdf", "--out", ttl)
    query = ROOT / "queries" / "sparql" / "segments_without_local_enterprise.rq"
    result = run("-q", "sparql", query, "--rdf", ttl, "--format", "json", "--bind", "chain=示例链")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert [row["segmentId"] for row in answer["rows"]] == ["s-part"]
    assert answer["as_of"] == "2026-01-01" and answer["sources"][0]["id"] == "mini" and answer["caveats"]
    assert answer["parameters"]["region"] == DEFAULT_BASE + "region/320400"
    on_store = run("--home", home, "-q", "sparql", "segments_without_local_enterprise", "--bind", "region=苏州市")
    assert on_store.exit_code == 0 and "s-mat" in on_store.output and "s-whole" in on_store.output
    csv = run("--home", home, "-q", "sparql", "single_provider_technologies", "--format", "csv")
    assert csv.exit_code == 0 and csv.output.startswith("technology,technologyId")
    listed = run("sparql", "--list")
    assert listed.exit_code == 0 and "segments_without_local_enterprise" in listed.output


@pytest.mark.parametrize("args, expected", [
    (["enterprise_relationships"], "needs the parameter enterprise"),
    (["segments_without_local_enterprise", "--bind", "colour=red"], "has no parameter colour"),
    (["segments_without_local_enterprise", "--bind", "chain=没有这条链"], "no Chain named '没有这条链'"),
    (["enterprise_relationships", "--bind", "enterprise=示例"], "matches several Enterprise nodes"),
    (["no_such_query"], "no query file no_such_query"),
])
def test_sparql_cli_errors_exit_2(args, expected, run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    result = run("--home", home, "-q", "sparql", *args)
    assert result.exit_code == 2 and expected in result.output, result.output


def test_sparql_cli_reports_a_bad_query(run, tmp_path):
    home = tmp_path / "h"
    run("--home", home, "-q", "build", "--data", MINI)
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }", encoding="utf-8")
    result = run("--home", home, "-q", "sparql", bad)
    assert result.exit_code == 2 and str(bad) in result.output and "not a valid SPARQL query" in result.output
