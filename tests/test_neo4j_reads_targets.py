"""The 招商目标 ranking on Neo4j reads no large table whole: its inputs are aggregated in the database.

The statements ``targets`` sends to a live Neo4j are recorded (name and rows) on the
bundled data, the ETO dataset and the 20,000-enterprise pool (the data sets of
tests/test_store_commands_live.py, built and loaded by its fixtures), and no ``.read``
of a table over LARGE_TABLE rows may be among them: the enterprises, their locations,
operations and supplies, the regions. The catalogue's targets (``catalog``, through
``queries.targets.chain_targets``) are held to the same rule; the catalogue's other parts
are not this file's business. The JSON of the variants is compared with the embedded
store's as well (the default one is in tests/test_store_commands_live.py). Without a
server these tests skip, under ``CHAINKG_REQUIRE_TOOLS=1`` they fail (the fixtures'
``neo4j_settings``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install -e '.[test]')")

from graph.neo4j_connection import recording_statements  # noqa: E402
from test_store_commands_live import (  # noqa: E402, F401
    LARGE_TABLE,
    _answers,
    _filled,
    _first_difference,
    _ok,
    live_env,
    loaded,
)

#: targets as users ask for it: one chain, synthetic facts included, another region
TARGETS = {
    "targets": ["targets", "--chain", "{chain}", "--format", "json"],
    "targets-synthetic": ["targets", "--chain", "{chain}", "--include-synthetic", "--format", "json"],
    "targets-region": ["targets", "--chain", "{chain}", "--region", "武进区", "--top", "5", "--format", "json"],
}


def _sizes(home) -> dict[str, int]:
    from graph.embedded import EmbeddedStore

    counts = EmbeddedStore.open(home).info().counts
    return {**counts["nodes"], **counts["relationships"]}


def _whole_large_reads(sent: list, sizes: dict[str, int]) -> list[tuple[str, int]]:
    return [(name, rows) for name, rows, *_ in sent if name.endswith(".read")
            and sizes.get(name.split("/", 1)[1].split(".", 1)[0], 0) > LARGE_TABLE]


@pytest.mark.parametrize("command", list(TARGETS))
def test_targets_reads_no_large_table_whole_from_neo4j(loaded, command, monkeypatch):
    sizes = _sizes(loaded.home)
    with recording_statements() as sent:
        _ok("--store", "neo4j", *_filled(TARGETS[command], loaded))
    ranking = [s.name for s in sent if s.name.startswith("targets/")]
    assert "targets/candidates" in ranking and "targets/excluded" in ranking, f"not aggregated in Cypher: {sent}"
    whole = _whole_large_reads(sent, sizes)
    assert not whole, f"{command} read large tables whole: {whole}"


@pytest.mark.parametrize("command", [c for c in TARGETS if c != "targets"])  # that one: the live comparison
def test_targets_json_of_both_stores_is_the_same(loaded, command):
    """The variants exercise what the default leaves idle (synthetic suppliers and customers: 以商招商,
    上下游配套 on the pool; another region's candidates)."""
    import json

    args = _filled(TARGETS[command], loaded)
    neo, embedded, neo_out, embedded_out = _answers(loaded, args)
    assert neo.exit_code == embedded.exit_code == 0, neo.output[-2000:]
    mine, theirs = json.loads(neo_out), json.loads(embedded_out)
    assert mine.pop("store") == "neo4j" and theirs.pop("store") == "embedded"
    assert mine == theirs, f"{command} {args}: {_first_difference(mine, theirs)}"


def test_the_catalogue_targets_read_no_large_table_whole_from_neo4j(loaded, monkeypatch, tmp_path):
    """Only the statements sent while the catalogue ranks its targets count (its other parts are others')."""
    import queries.catalog as catalog

    sizes = _sizes(loaded.home)
    inside: list = []  # SentStatement
    real = catalog.chain_targets

    def ranking(*args, **kwargs):
        start = len(sent)
        try:
            return real(*args, **kwargs)
        finally:
            inside.extend(sent[start:])

    monkeypatch.setattr(catalog, "chain_targets", ranking)
    with recording_statements() as sent:
        _ok("--store", "neo4j", "catalog", "--chain", loaded.chain, "--formats", "json", "--no-maps", "--top", "10",
            "--out", tmp_path / "catalog")
    assert any(s.name == "targets/candidates" for s in inside), f"the catalogue ranked no targets: {sent}"
    whole = _whole_large_reads(inside, sizes)
    assert not whole, f"the catalogue's targets read large tables whole: {whole}"
