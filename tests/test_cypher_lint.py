"""Every Cypher statement chainkg ships or sends, checked by Neo4j's own Cypher front end.

``tests/cypher_lint/lint.mjs`` runs ``lintCypherQuery`` of the npm package
``@neo4j-cypher/language-support`` (Neo4j 5 parser and semantic analysis) with
the project's schema as the database schema, so a misspelt label, relationship
type or property, a relationship between labels the schema does not connect,
an undocumented parameter or a plugin function all fail here.

Needs Node.js and ``npm ci`` in tests/cypher_lint (``.ci/system-deps`` does it);
skips with the reason when either is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import needs_tool

from graph.cypher import CYPHER_DIR, CypherStatement, all_statements, database_schema, generate, generated_on_disk

LINT = Path(__file__).resolve().parent / "cypher_lint"
PACKAGE = LINT / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"


def _lint_available() -> str | None:
    if shutil.which("node") is None:
        return "node (Node.js) is not installed: the Cypher lint needs it (.ci/system-deps installs it)"
    if not PACKAGE.exists():
        return "@neo4j-cypher/language-support is not installed: run `npm ci` in tests/cypher_lint"
    return None


needs_lint = needs_tool(_lint_available())

#: one worker lints everything once (the lint of every statement is cached per process: spread over
#: pytest-xdist's workers, each would run the whole slow node lint again)
pytestmark = pytest.mark.xdist_group("cypher-lint")


def lint(statements: list[dict], schema: dict | None = None) -> dict:
    """Run lint.mjs on ``[{"name", "text", "parameters"}]``; its JSON answer."""
    document = {"schema": schema or database_schema(), "statements": statements}
    done = subprocess.run(["node", str(LINT / "lint.mjs")], input=json.dumps(document, ensure_ascii=False),
                          capture_output=True, text=True, timeout=1200, check=False)  # a net, not a timing test
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


WRONG = [
    ("unknown label", "MATCH (n:Enterprize) RETURN n.name", "Label Enterprize is not present"),
    ("unknown relationship type", "MATCH (e:Enterprise)-[:LOCATED]->(r:Region) RETURN r.code",
     "Relationship type LOCATED is not present"),
    ("unknown property", "MATCH (e:Enterprise) RETURN e.revenue", "revenue is not present"),
    ("wrong direction", "MATCH (r:Region)-[:LOCATED_IN]->(e:Enterprise) RETURN e.id", "LOCATED_IN"),
    ("bad syntax", "MATCH (n:Enterprise RETURN n", "Invalid input"),
    ("undocumented parameter", "MATCH (n:Enterprise {id: $key}) RETURN n.name", "Parameter $key is not defined"),
    ("plugin function", "MATCH (n:Enterprise) RETURN apoc.text.join(n.aliases, '|') AS a", "apoc.text.join"),
    ("plugin procedure", "CALL apoc.meta.stats() YIELD labels RETURN labels", "apoc.meta.stats"),
]


def _shape(text: str, names: re.Pattern) -> str:
    """A statement without its comments and with every schema label and relationship type as ``X``."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return names.sub("X", code)


@lru_cache(maxsize=1)
def statements_to_lint() -> tuple[list[CypherStatement], dict[str, str]]:
    """Every hand-written statement, and one generated statement of each shape.

    The generated per-label and per-relationship statements (three quarters of the
    whole) repeat a few templates with other schema names, and the lint costs a
    quarter of a CPU-second each. Statements that differ only in labels and
    relationship types are linted once; the rest are checked against the schema by
    :func:`test_generated_statements_name_only_what_the_schema_connects`. A name the
    schema does not know is not replaced, so such a statement has a shape of its
    own and is linted. Also returns each skipped statement's stand-in.

    >>> linted, stand_ins = statements_to_lint()
    >>> len(linted) + len(stand_ins) == len(all_statements()) and len(stand_ins) > 100
    True
    """
    schema = database_schema()
    names = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, {*schema["labels"], *schema["relationshipTypes"]}),
                                                    key=len, reverse=True)) + r")\b")
    generated = set(generated_on_disk())
    linted: list[CypherStatement] = []
    first_of_shape: dict[str, str] = {}
    stand_ins: dict[str, str] = {}
    for stmt in all_statements():
        if stmt.name in generated:
            shape = _shape(stmt.body, names)
            if shape in first_of_shape:
                stand_ins[stmt.name] = first_of_shape[shape]
                continue
            first_of_shape[shape] = stmt.name
        linted.append(stmt)
    return linted, stand_ins


@lru_cache(maxsize=1)
def _results() -> dict:
    """One node process lints the project's statements and every deliberately wrong one (start-up is slow)."""
    statements = [{"name": s.name, "text": s.body, "parameters": {p: None for p in s.parameters}}
                  for s in statements_to_lint()[0]]
    statements += [{"name": f"wrong: {what}", "text": text, "parameters": {}} for what, text, _ in WRONG]
    return lint(statements)


def _project_results() -> dict:
    result = dict(_results())
    result["results"] = [r for r in result["results"] if not r["name"].startswith("wrong: ")]
    return result


_BOUND = re.compile(r"\((\w+):(\w+)")
_RELATIONSHIP = re.compile(r"\((\w+)(?::(\w+))?[^()]*\)(<?)-\[\w*:(\w+)\s*(?:\{[^{}]*\})?\]-(>?)\((\w+)(?::(\w+))?[^()]*\)")


def relationships_named(text: str) -> list[tuple[str, str, str]]:
    """``(from label, type, to label)`` of each typed relationship pattern, labels found through variables.

    >>> relationships_named("MATCH (a:Enterprise), (b:Region)\\nMERGE (a)-[r:LOCATED_IN {x: $c.x[i]}]->(b)")
    [('Enterprise', 'LOCATED_IN', 'Region')]
    >>> relationships_named("MATCH (b:Region)<-[:LOCATED_IN]-(a:Enterprise) RETURN a")
    [('Enterprise', 'LOCATED_IN', 'Region')]
    """
    labels = dict((variable, label) for variable, label in _BOUND.findall(text))
    found = []
    for a, a_label, left, rel_type, right, b, b_label in _RELATIONSHIP.findall(text):
        start, end = (a_label or labels.get(a, "?")), (b_label or labels.get(b, "?"))
        if left and not right:
            start, end = end, start
        found.append((start, rel_type, end))
    return found


def test_generated_statements_name_only_what_the_schema_connects():
    """The generated statements the lint skips: every label and type in the schema, each relationship
    between the labels the schema says it connects, in its direction (what the lint would check)."""
    schema = database_schema()
    connects = {(edge["from"], edge["relType"], edge["to"]) for edge in schema["graphSchema"]}
    bodies = {s.name: s.body for s in all_statements()}
    stand_ins = statements_to_lint()[1]
    checked = 0
    for name in stand_ins:
        text = bodies[name]
        for label in _BOUND.findall(text):
            assert label[1] in schema["labels"], f"{name}: label {label[1]} is not in the schema"
        for triple in relationships_named(text):
            assert triple in connects, f"{name}: {triple} is not a relationship of the schema"
            checked += 1
        assert name.startswith("nodes/") or relationships_named(text), f"{name}: no relationship pattern found"
    assert checked > 100


def _problems(result: dict) -> list[str]:
    return [f"{d['severity']} at {d['line']}:{d['column']} ({d['text']!r}): {d['message']}"
            for d in result["diagnostics"]]


def test_the_generated_statements_match_the_schema():
    """The shipped per-label and per-type statements are what graph/schema.yaml generates."""
    wanted, shipped = generate(), generated_on_disk()
    assert sorted(shipped) == sorted(wanted), "run `python -m graph.cypher --write`"
    stale = [name for name in wanted if shipped[name] != wanted[name]]
    assert not stale, f"regenerate with `python -m graph.cypher --write`: {stale}"


def test_every_statement_documents_purpose_parameters_and_result():
    for stmt in all_statements():
        header = stmt.header
        assert stmt.purpose, f"{stmt.name}: no purpose line"
        assert "Parameters:" in header and "Returns:" in header, f"{stmt.name}: header lacks Parameters/Returns"
        used = set(_dollar_names(stmt.body))
        assert used == set(stmt.parameters), f"{stmt.name}: uses {sorted(used)}, documents {sorted(stmt.parameters)}"
        for param in stmt.parameters:
            line = next(line for line in header.splitlines() if f"${param}" in line)
            block = header[header.index(line):]
            assert "e.g." in block, f"{stmt.name}: ${param} has no example value"


def _dollar_names(text: str) -> list[str]:
    return re.findall(r"\$(\w+)", text)


@needs_lint
def test_lint_reports_what_it_used():
    result = _project_results()
    assert result["version"] == json.loads((LINT / "package.json").read_text())["dependencies"][
        "@neo4j-cypher/language-support"]
    assert result["functions"] > 50 and result["procedures"] > 20  # built-in Neo4j 5 signatures were loaded
    linted, stand_ins = statements_to_lint()
    assert len(result["results"]) == len(linted) > 80
    assert {r["name"] for r in result["results"]} | set(stand_ins) == {s.name for s in all_statements()}


@needs_lint
@pytest.mark.parametrize("name", sorted({s.name for s in statements_to_lint()[0]}))
def test_statement_passes_neo4j_lint_with_the_schema(name):
    results = [r for r in _project_results()["results"] if r["name"] == name]
    assert results
    problems = [p for r in results for p in _problems(r)]
    assert not problems, f"{CYPHER_DIR / name}.cypher:\n" + "\n".join(problems)


@needs_lint
@pytest.mark.parametrize("what, text, expected", WRONG, ids=[w[0] for w in WRONG])
def test_lint_reports_a_wrong_statement(what, text, expected):
    """The lint cannot pass vacuously: each kind of mistake is reported."""
    result = next(r for r in _results()["results"] if r["name"] == f"wrong: {what}")
    messages = [d["message"] for d in result["diagnostics"]]
    assert any(expected in m for m in messages), messages
