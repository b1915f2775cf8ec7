"""The bundled Changzhou data against its ground truth, the seed documents."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from conftest import SHARED

SEED = SHARED / "seeds" / "000_e5d676fd73d92b64.txt"

#: the ten clusters of 000 with their "253" targets (亿元)
TARGETS = {
    "高端装备": 2000, "绿色精品钢": 2000, "汽车及核心零部件（含新能源汽车）": 1000, "新一代信息技术": 1000,
    "新材料": 1000, "新能源": 1000, "新型电力装备": 1000, "轨道交通": 500, "生物医药及新型医疗器械": 500,
    "新型纺织服装": 500,
}

#: every technology named in the cluster paragraphs of 000, read off the text by hand
TECHNOLOGIES = {
    "高端装备": ["高精密减速器", "高档伺服系统", "高精度液压传动系统", "智能数控系统", "在线远程诊断"],
    "绿色精品钢": ["高性能基础件用特殊棒线材", "高品质锻轧材"],
    "汽车及核心零部件（含新能源汽车）": ["动力电池", "驱动电机", "先进变速器", "智能控制"],
    "新一代信息技术": ["集成电路", "信息通讯设备", "工业软件", "5G基站建设", "大数据中心", "人工智能", "工业互联网"],
    "新材料": ["特种石墨材料", "石墨烯", "高性能碳纤维", "新型功能材料", "新型电子材料"],
    "新能源": ["新一代光伏核心技术", "风电", "光热设备制造", "系统集成"],
    "新型电力装备": ["新能源并网及控制设备", "智能输变电设备", "智能配用电设备", "智能调度通信系统"],
    "轨道交通": ["车体", "转向架", "整车制造"],
    "生物医药及新型医疗器械": ["新型疫苗", "蛋白质药物", "诊断试剂", "高性能医学影像设备", "临床检验设备",
                               "先进医疗设备", "医用机器人", "数字化微创或无创诊疗设备", "医用材料"],
    "新型纺织服装": ["新型纺织材料研发应用", "纺织品后整理水平", "设计能力", "自主品牌建设"],
}


def _seed_key_enterprises() -> dict[str, list[str]]:
    """Cluster (as the paragraph opens) → enterprises between 依托 and 等重点企业, from the seed text."""
    text = SEED.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"——(.+?)集群依托(.+?)等重点企业", text, flags=re.S):
        cluster = match[1].replace("(", "（").replace(")", "）")
        found[cluster] = [name.strip() for name in match[2].replace("\n", "").split("、")]
    return found


@pytest.fixture(scope="module")
def stats(bundled_store):
    from queries.stats import graph_stats

    return graph_stats(bundled_store)


def test_ten_clusters_with_their_targets_and_the_total(stats):
    clusters = {c["name"]: c for c in stats["clusters"]}
    assert {name: clusters[name]["target_scale_yi"] for name in TARGETS} == TARGETS
    assert len(clusters) == 10
    assert all(c["target_year"] == 2022 and c["source"] == SEED.name for c in clusters.values())
    assert [(p["target_scale_yi"], p["target_year"]) for p in stats["plans"]] == [(15000, 2022)]


def test_integrated_circuit_target(bundled_store):
    chains = bundled_store.nodes("Chain")
    ic = chains[chains["name"] == "集成电路"].iloc[0]
    assert (ic["target_scale_yi"], ic["target_year"], ic["source"]) == (300, 2022, SEED.name)


@pytest.mark.skipif(not SEED.exists(), reason="seed documents not found beside the repo (../shared/seeds)")
def test_every_key_enterprise_of_the_seed_is_linked_to_its_cluster_as_written(stats):
    seed = _seed_key_enterprises()
    assert len(seed) == 10
    clusters = {c["name"]: c for c in stats["clusters"]}
    for cluster, names in seed.items():
        assert cluster in clusters, cluster
        written = [e["as_written"] for e in clusters[cluster]["key_enterprises"]]
        assert sorted(written) == sorted(names), cluster
        assert all(e["source"] == SEED.name for e in clusters[cluster]["key_enterprises"])


def test_every_breakthrough_technology_is_linked_to_its_cluster_with_exact_spelling(stats):
    clusters = {c["name"]: c for c in stats["clusters"]}
    text = SEED.read_text(encoding="utf-8").replace("\n", "") if SEED.exists() else ""
    for cluster, techs in TECHNOLOGIES.items():
        assert sorted(t["name"] for t in clusters[cluster]["technologies"]) == sorted(techs), cluster
        for tech in techs:
            assert not text or tech in text


def test_every_cluster_has_a_chain_with_segments_laid_out_and_connected(bundled_store, stats):
    feeds = bundled_store.edges("FEEDS")
    segment_of = dict(zip(*bundled_store.edges("SEGMENT_OF")[["from", "to"]].T.values))
    segments = bundled_store.nodes("Segment").set_index("id")
    for cluster in stats["clusters"]:
        assert any(chain["segments"] >= 3 for chain in cluster["chains"]), cluster["name"]
    for chain in {c for c in segment_of.values()}:
        members = [s for s, c in segment_of.items() if c == chain]
        graph = nx.DiGraph()
        graph.add_nodes_from(members)
        graph.add_edges_from((a, b) for a, b in zip(feeds["from"], feeds["to"]) if a in members)
        assert nx.is_directed_acyclic_graph(graph), chain
        assert nx.is_weakly_connected(graph), chain
        positions = {segments.loc[s, "position"] for s in members}
        assert {"upstream", "downstream"} <= positions, chain
        for a, b in graph.edges:
            assert segment_of[b] == chain
            assert segments.loc[a, "layer"] < segments.loc[b, "layer"], (a, b)


def test_every_technology_serves_a_segment_and_every_enterprise_has_one_location(bundled_store):
    techs = set(bundled_store.nodes("Technology")["id"])
    assert techs == set(bundled_store.edges("KEY_TO")["from"])
    located = bundled_store.edges("LOCATED_IN")
    assert located["from"].is_unique
    assert set(located["from"]) == set(bundled_store.nodes("Enterprise")["id"])


def test_key_enterprises_are_local_and_the_outside_pool_is_not(bundled_store):
    local = bundled_store.region_subtree("320400")
    located = dict(zip(*bundled_store.edges("LOCATED_IN")[["from", "to"]].T.values))
    anchored = set(bundled_store.edges("ANCHORS")["from"])
    assert all(located[e] in local for e in anchored)
    outside = [e for e in located if e not in anchored]
    assert len(outside) >= 50
    assert sum(located[e] not in local for e in outside) == len(outside)


def test_public_knowledge_is_unverified_and_no_identifier_is_invented(bundled_store):
    enterprises = bundled_store.nodes("Enterprise")
    public = enterprises[enterprises["source"] == "curated-public-knowledge"]
    assert len(public) and not public["verified"].any()
    assert (enterprises["uscc"] == "").all()  # none is known from the sources: none is made up
    listed = enterprises[enterprises["stock_code"] != ""]
    assert (listed["exchange"] != "").all() and listed["designations"].str.contains("上市").all()


def test_the_two_named_advantage_chains_carry_the_mechanism(bundled_store):
    chains = bundled_store.nodes("Chain")
    advantage = chains[chains["advantage_chain"].fillna(False)]
    assert sorted(advantage["name"]) == ["大数据", "特钢材料"]
    assert set(advantage["mechanism"]) == {"七个一"}
    assert set(advantage["source"]) == {"001_187e8aaf9b784ebe.txt"}


def test_show_hengli(run, bundled_home):
    result = run("--home", bundled_home, "show", "enterprise", "恒立液压")
    assert result.exit_code == 0
    assert "高端装备" in result.output and "液压" in result.output and SEED.name in result.output
