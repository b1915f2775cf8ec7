"""Technology across chains (issue 17 item 3): a technology mastered by a local enterprise counts wherever it is
key, whatever chain the enterprise was filed under; nodes that name a whole industry, chain or segment make no
candidates."""

from __future__ import annotations

import shutil

import pytest

from conftest import DATA


def _names(table, with_aliases: bool) -> dict[str, str]:
    found = {}
    for key, name, aliases in zip(table["id"], table["name"], table["aliases"]):
        found[str(name)] = key
        if with_aliases and isinstance(aliases, str):
            for alias in aliases.split("|"):
                found.setdefault(alias, key)
    return found


def test_no_technology_is_named_like_a_chain_cluster_or_segment(bundled_store):
    industry = {}
    for label in ("Chain", "Cluster", "Segment"):
        industry.update(_names(bundled_store.nodes(label, ["id", "name", "aliases"]), with_aliases=True))
    techs = bundled_store.nodes("Technology", ["id", "name", "aliases"])
    clashes = {name: (key, industry[name]) for name, key in _names(techs, with_aliases=False).items()
               if name in industry}
    assert clashes == {}


def test_a_local_master_counts_in_every_chain_where_its_technology_is_key(bundled_store):
    """General: every MASTERS row of an enterprise located in 常州 shows as 本地掌握 in the 短板长板 table of every
    chain whose segments the technology is key to (e.g. 强力新材, filed under 新型功能及电子材料, masters 光刻胶,
    which is key to 集成电路's 半导体材料)."""
    from queries.shortboard import shortboard_table

    store = bundled_store
    subtree = store.region_subtree("320400")
    located = store.edges("LOCATED_IN", ["from", "to"])
    local = set(located.loc[located["to"].isin(subtree), "from"])
    names = dict(zip(store.nodes("Enterprise", ["id", "name"])["id"], store.nodes("Enterprise", ["id", "name"])["name"]))
    masters = store.edges("MASTERS", ["from", "to"])
    masters = masters[masters["from"].isin(local)]
    key_to = store.edges("KEY_TO", ["from", "to"])
    segment_of = dict(zip(*store.edges("SEGMENT_OF", ["from", "to"])[["from", "to"]].T.values))
    expected: dict[str, dict[str, set[str]]] = {}
    for enterprise, tech in zip(masters["from"], masters["to"]):
        for segment in key_to.loc[key_to["from"] == tech, "to"]:
            expected.setdefault(segment_of[segment], {}).setdefault(tech, set()).add(names[enterprise])
    assert "tech-photoresist" in expected["chain-ic"]  # the finding of the issue
    for chain, techs in expected.items():
        table = shortboard_table(store, chain=chain, region="常州市")
        shown = {}
        for row in table.rows:
            for tech in row.technologies:
                shown.setdefault(tech.key, set()).update(tech.local_masters)
        for tech, masters_of in techs.items():
            assert masters_of <= shown.get(tech, set()), (chain, tech, shown.get(tech))


def test_photoresist_is_mastered_locally_in_the_ic_chain(bundled_store):
    from queries.chokepoints import chokepoints
    from queries.shortboard import shortboard_table

    table = shortboard_table(bundled_store, chain="集成电路", region="常州市")
    photoresist = [t for row in table.rows for t in row.technologies if t.name == "光刻胶"]
    assert photoresist and all(t.dependence == "本地掌握" for t in photoresist)
    assert any("强力" in m for t in photoresist for m in t.local_masters)
    result = chokepoints(bundled_store, perspective="常州市", chain="集成电路")
    row = next(r for r in result.results if r.name == "光刻胶")
    assert row.absence == 0.5 and "own-capability" in row.flags
    assert any(c["via"] == "MASTERS" and "强力" in c["name"] for c in row.capable)


def test_smic_is_offered_only_where_it_operates_or_what_it_masters(bundled_store):
    """Through the node 集成电路 (key to 芯片设计, 晶圆制造, 封装测试 …), 中芯国际 was a candidate for 封装测试 and
    芯片设计; it masters wafer fabrication only."""
    from queries.targets import chain_targets

    for kwargs in ({"choke_score": 0.0}, {"use_chokepoints": False}):
        targets = chain_targets(bundled_store, chain="集成电路", region="常州市", **kwargs)
        smic = [t for t in targets.targets if t.key == "ent-smic"]
        segments = {s for t in smic for s in t.segments} | {n for t in smic for n in t.needs}
        assert not segments & {"seg-ic-packaging", "seg-ic-design"}, (kwargs, segments)


def test_no_choke_point_is_a_whole_industry_on_the_bundled_data(bundled_store):
    from queries.chokepoints import chokepoints

    for chain in ("集成电路", "光伏", None):
        result = chokepoints(bundled_store, perspective="常州市", chain=chain)
        assert result.named_like_industry == []
        assert not {"集成电路", "系统集成", "芯片"} & {r.name for r in result.results}, chain


def test_a_technology_named_like_a_chain_is_kept_out_of_the_candidates(tmp_path):
    """The general rule, on data nobody tuned: a user's technology called 集成电路 (the chain's name) is left
    out of the choke points and said so; one called like a segment likewise."""
    from graph.embedded import EmbeddedStore
    from ingest.build import build
    from queries.chokepoints import chokepoint_inputs, chokepoints

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    with open(data / "technologies.csv", "a", encoding="utf-8") as f:
        f.write("tech-user-ic,集成电路,,product,a user's vague node,curated,2026-12-02,true\n")
        f.write("tech-user-packaging,封装测试,,technology,a user's vague node,curated,2026-12-02,true\n")
    with open(data / "key_to.csv", "a", encoding="utf-8") as f:
        f.write("tech-user-ic,seg-ic-fab,curated,2026-12-02,true\n")
        f.write("tech-user-packaging,seg-ic-packaging,curated,2026-12-02,true\n")
    home = tmp_path / "home"
    build([data], home)
    store = EmbeddedStore.open(home)
    figures = chokepoint_inputs(store, perspective="常州市", chain="集成电路")
    assert figures.named_like_industry == ("封装测试", "集成电路")
    assert not {"集成电路", "封装测试"} & {c.name for c in figures.candidates}
    result = chokepoints(store, perspective="常州市", chain="集成电路")
    assert any("集成电路" in c and "同名" in c for c in result.caveats)
    assert result.to_dict()["named_like_industry"] == ["封装测试", "集成电路"]


@pytest.mark.parametrize("chain", ["集成电路"])
def test_refined_ic_technologies_carry_a_source_and_are_subtypes_of_the_seed_direction(bundled_store, chain):
    techs = bundled_store.nodes("Technology", ["id", "name", "aliases", "source", "description"]).set_index("id")
    assert "集成电路" in techs.loc["tech-ic", "aliases"].split("|")  # the seed's wording is kept
    sub = bundled_store.edges("SUBTYPE_OF", ["from", "to", "source"])
    parts = set(sub.loc[sub["to"] == "tech-ic", "from"])
    assert {"tech-ic-wafer-process", "tech-ic-advanced-packaging", "tech-compound-semi-process"} <= parts
    assert all(techs.loc[p, "source"] for p in parts)
    assert "tech-ic" not in set(bundled_store.edges("KEY_TO", ["from"])["from"])
