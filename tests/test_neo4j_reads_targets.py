"""The 招商目标 ranking on Neo4j reads no large table whole: its inputs are aggregated in the database.

Also the look-ups around it, each compared with the embedded store's answer: the chain segments a
technology serves downstream (``targets/reach``), ``--province`` (``regions/named``, not the Region
table) and the inactive enterprises the gap report leaves out (``registrations/inactive``).

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
def test_targets_reads_no_large_table_whole_from_neo4j(loaded, command):
    """The ranking aggregated in Cypher, no large table read whole; and the JSON of the variants, from that same
    run, equals the embedded store's (the default one's: tests/test_store_commands_live.py). The variants
    exercise what the default leaves idle (synthetic suppliers and customers: 以商招商, 上下游配套 on the pool;
    another region's candidates)."""
    import json

    sizes = _sizes(loaded.home)
    args = _filled(TARGETS[command], loaded)
    if command == "targets":
        with recording_statements() as sent:
            _ok("--store", "neo4j", *args)
    else:
        neo, embedded, neo_out, embedded_out, sent = _answers(loaded, args)
        assert neo.exit_code == embedded.exit_code == 0, neo.output[-2000:]
    ranking = [s.name for s in sent if s.name.startswith("targets/")]
    assert "targets/candidates" in ranking and "targets/excluded" in ranking, f"not aggregated in Cypher: {sent}"
    whole = _whole_large_reads(sent, sizes)
    assert not whole, f"{command} read large tables whole: {whole}"
    if command != "targets":
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


# -- the look-ups the ranking, the filters and the gap report make, in Cypher ------------------------------

@pytest.fixture()
def both_stores(loaded, neo4j_settings):
    """The loaded data set's embedded build and the live Neo4j holding it."""
    from graph.embedded import EmbeddedStore
    from graph.neo4j_store import Neo4jStore

    neo = Neo4jStore.connect(neo4j_settings)
    try:
        yield EmbeddedStore.open(loaded.home), neo
    finally:
        neo.close()


def test_technologies_reach_the_same_chain_segments_from_both_stores(both_stores):
    """``targets/reach`` (a shortest-path search in the database) against the Python walk over whole tables:
    every technology of the data set, for every chain's segments, with and without the synthetic facts."""
    from queries.gaps import SyntheticFilter
    from queries.targets import _tech_segments

    embedded, neo = both_stores
    technologies = list(embedded.nodes("Technology", ["id"])["id"].astype(str))
    segment_of = embedded.edges("SEGMENT_OF", ["from", "to"])
    names = dict(zip(*[embedded.nodes("Segment", ["id", "name"])[c].astype(str) for c in ("id", "name")]))
    sources = embedded.nodes("Source", ["id", "title", "kind"])
    reached = 0
    for chain in sorted(set(segment_of["to"].astype(str))):
        seg_names = {s: names.get(s, s) for s in segment_of.loc[segment_of["to"] == chain, "from"].astype(str)}
        for include in (False, True):
            mine = _tech_segments(neo, technologies, seg_names, SyntheticFilter(sources, "", include))
            theirs = _tech_segments(embedded, technologies, seg_names, SyntheticFilter(sources, "", include))
            assert mine == theirs, chain
            reached += sum(1 for rows in mine.values() for r in rows if r[1] is None)
    # every data set here holds the bundled data: technologies that serve a chain only through a broader kind
    # (SUBTYPE_OF) or, in ETO, through the inputs they feed
    assert reached, "no technology reached a segment downstream: the search was not exercised"


PROVINCE_TEXTS = ["浙江", "浙江省", "苏州市", "苏州", "330000", "境外", "上海", "武进区", "常州", "江苏", "北京市"]


def test_provinces_resolve_the_same_from_both_stores_without_the_region_table(both_stores):
    from chainkg.errors import NotFoundError
    from queries.target_filters import resolve_provinces

    embedded, neo = both_stores
    for text in [*PROVINCE_TEXTS, "CHN", "火星", "虚构省"]:
        answers = []
        for store in (embedded, neo):
            try:
                answers.append(resolve_provinces(store, [text]))
            except NotFoundError as error:
                answers.append(str(error))
        assert answers[0] == answers[1], text
    with recording_statements() as sent:
        assert resolve_provinces(neo, PROVINCE_TEXTS) == resolve_provinces(embedded, PROVINCE_TEXTS)
    assert [s.name for s in sent] == ["regions/named"]


def test_targets_by_province_read_no_large_table_whole_and_answer_the_same(loaded):
    import json

    sizes = _sizes(loaded.home)
    args = _filled(["targets", "--chain", "{chain}", "--province", "浙江", "--province", "江苏", "--province", "境外",
                    "--format", "json"], loaded)
    neo, embedded, neo_out, embedded_out, sent = _answers(loaded, args)  # the Neo4j run's statements recorded
    assert neo.exit_code == embedded.exit_code == 0, neo.output[-2000:]
    whole = _whole_large_reads(sent, sizes)
    assert not whole, f"targets --province read large tables whole: {whole}"
    assert "regions/named" in [s.name for s in sent]
    mine, theirs = json.loads(neo_out), json.loads(embedded_out)
    assert mine.pop("store") == "neo4j" and theirs.pop("store") == "embedded"
    assert mine == theirs, _first_difference(mine, theirs)


def test_inactive_enterprises_are_the_same_from_both_stores(both_stores):
    """``registrations/inactive`` (the latest registration of the segments' enterprises) against the pandas
    reading of the whole Registration and HAS_REGISTRATION tables."""
    from ingest.importer.status import inactive_enterprises

    embedded, neo = both_stores
    segment_of = embedded.edges("SEGMENT_OF", ["from", "to"])
    everything = inactive_enterprises(embedded)
    for chain in sorted(set(segment_of["to"].astype(str))):
        segments = sorted(segment_of.loc[segment_of["to"] == chain, "from"].astype(str))
        with recording_statements() as sent:
            mine = inactive_enterprises(neo, segments=segments)
        assert mine == inactive_enterprises(embedded, segments=segments), chain
        assert set(mine) <= set(everything)
        assert not [s.name for s in sent if s.name.endswith(".read")]
    if embedded.info().counts["nodes"].get("Registration", 0) > LARGE_TABLE:  # the fictitious registry
        assert sum(1 for s in everything.values() if s.status == "注销") and \
            sum(1 for s in everything.values() if s.status == "吊销")
