"""Layering: dependencies point downward only (chainkg CLI → viz, queries → ingest → graph).

``chainkg.errors`` and ``chainkg.config`` are the shared base every layer may use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASE = {"chainkg.errors", "chainkg.config", "chainkg"}
#: what each layer may import from the project
ALLOWED = {
    "graph": {"graph"},
    "ingest": {"ingest", "graph"},
    "queries": {"queries", "ingest", "graph"},
    "viz": {"viz", "queries", "ingest", "graph"},
}
PROJECT = {"graph", "ingest", "queries", "viz", "chainkg"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_point_downward(layer):
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for module, line in _imports(path):
            top = module.split(".")[0]
            if top not in PROJECT or module in BASE or module.startswith(("chainkg.errors", "chainkg.config")):
                continue
            if top not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    assert not bad, "\n".join(bad)


def test_cli_commands_import_heavy_packages_lazily():
    """`chainkg --help` must stay fast: no pandas/pyarrow/spacy/rdflib/neo4j/pyvis at module level."""
    heavy = {"pandas", "pyarrow", "spacy", "rdflib", "neo4j", "pyvis", "networkx", "openpyxl", "docx"}
    bad = []
    for path in sorted((ROOT / "chainkg").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in heavy or name.split(".")[0] in {"graph", "ingest", "queries", "viz"}:
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not bad, "\n".join(bad)
