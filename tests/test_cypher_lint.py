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
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import needs_tool

from graph.cypher import CYPHER_DIR, all_statements, database_schema, generate, generated_on_disk

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


@lru_cache(maxsize=1)
def _results() -> dict:
    """One node process lints every project statement and every deliberately wrong one (start-up is slow)."""
    statements = [{"name": s.name, "text": s.body, "parameters": {p: None for p in s.parameters}}
                  for s in all_statements()]
    statements += [{"name": f"wrong: {what}", "text": text, "parameters": {}} for what, text, _ in WRONG]
    return lint(statements)


def _project_results() -> dict:
    result = dict(_results())
    result["results"] = [r for r in result["results"] if not r["name"].startswith("wrong: ")]
    return result


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
    import re

    return re.findall(r"\$(\w+)", text)


@needs_lint
def test_lint_reports_what_it_used():
    result = _project_results()
    assert result["version"] == json.loads((LINT / "package.json").read_text())["dependencies"][
        "@neo4j-cypher/language-support"]
    assert result["functions"] > 50 and result["procedures"] > 20  # built-in Neo4j 5 signatures were loaded
    assert len(result["results"]) == len(all_statements()) > 80


@needs_lint
@pytest.mark.parametrize("name", sorted({s.name for s in all_statements()}))
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
