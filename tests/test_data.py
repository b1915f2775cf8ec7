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
def test_every_key_enterprise_of_the_seed_is_linked_to_its_cluster_as_written(stats, bundled_store):
    seed = _seed_key_enterprises()
    assert len(seed) == 10
    clusters = {c["name"]: c for c in stats["clusters"]}
    supports = bundled_store.edges("SUPPORTS")  # research institutes among the named units are platforms
    for cluster, names in seed.items():
        assert cluster in clusters, cluster
        written = [e["as_written"] for e in clusters[cluster]["key_enterprises"]]
        platforms = supports[supports["to"] == clusters[cluster]["id"]]
        assert sorted(written + list(platforms["as_written"])) == sorted(names), cluster
        assert all(e["source"] == SEED.name for e in clusters[cluster]["key_enterprises"])
        assert set(platforms["source"]) <= {SEED.name}


def test_every_breakthrough_technology_is_linked_to_its_cluster_with_exact_spelling(stats, bundled_store):
    """The seed's wording is the technology's name, or, where that wording names a whole chain or segment
    (集成电路, 风电, 车体 …: see tests/test_technology_scope.py), its first short name."""
    clusters = {c["name"]: c for c in stats["clusters"]}
    table = bundled_store.nodes("Technology", ["id", "name", "aliases"]).set_index("id")
    text = SEED.read_text(encoding="utf-8").replace("\n", "") if SEED.exists() else ""

    def as_written(key: str) -> str:
        name, aliases = table.loc[key, "name"], table.loc[key, "aliases"]
        if name in text or not isinstance(aliases, str):
            return name
        return aliases.split("|")[0]

    for cluster, techs in TECHNOLOGIES.items():
        assert sorted(as_written(t["key"]) for t in clusters[cluster]["technologies"]) == sorted(techs), cluster
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
    # 集成电路关键技术 serves through its sub-types; 新能源系统集成 is a capability goal of the seed, not a technology
    # a segment depends on (data/README.md)
    refined = set(bundled_store.edges("SUBTYPE_OF")["to"]) | {"tech-system-integration"}
    served = set(bundled_store.edges("KEY_TO")["from"])
    assert served <= techs and techs - served <= refined
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


# -- platforms and parks (七个一: 服务（创新）平台; 载体) -----------------------------------------------------------
#
# The names are read off the seed text by a general rule, not from data/: a phrase ending like a platform
# (…研究院/院, 实验室, 中心, 平台) or a park (…高新区, 经开区, 开发区, 集聚区, 园区, 园), one per item of an
# enumeration (、, and 及/和 between two such names), cut after the verb that governs it (推进X建设, 依托X, 与X召开);
# and the items of a list closed by 等 + a category named like a platform or park (X、Y等制造业创新中心). Phrases made
# only of words for a kind, a level or a number (一批省级工业设计中心, 重点园区) and phrases after 的 (…较大的X平台)
# are descriptions, not names.

SEEDS = [SHARED / "seeds" / name for name in ("000_e5d676fd73d92b64.txt", "001_187e8aaf9b784ebe.txt")]
_PLATFORM_END = r"(?:实验室|(?<!加工)中心|平台|(?<![学医])院(?![所校士]))"
_PARK_END = r"(?:高新区|经开区|开发区|集聚区|园区|园)"
_END = re.compile(rf"{_PLATFORM_END}|{_PARK_END}")
_KIND_WORDS = ("国家级", "省级以上", "省级", "市级以上", "市级", "国家", "一批", "各类", "各", "新增", "重点", "重大", "公共",
               "服务", "创新", "创业", "研发", "研究", "技术", "工程", "企业级", "企业", "中小企业", "产业", "制造业",
               "工业互联网", "能源互联网", "工业", "互联网", "示范", "绿色", "应急安全", "对外", "合作", "开发", "开放",
               "国内一流", "一流", "综合性", "跨行业", "跨领域", "垂直行业", "大数据", "数据", "设计", "科研", "高校",
               "高水平", "新型", "制造", "我市", "全市", "本市", "与", "（", "）", "(", ")")
_GOVERNS = re.compile(r"推进|推动|支持|鼓励|发挥|围绕|建设|引进|引导|形成|打造|依托|培育|布局|搭建|提升|加快|组建|共建|参与|"
                      r"发展|开展|健全|完善|促进|吸引|实现|争创|创建|申报|认定|落户|入驻|坚持|集聚|构建|是|将|把|在|由|向|对|到|从")
_JOINS = ("以及", "及", "和", "与", "同", "加")


def _only_kind_words(name: str) -> bool:
    rest = _END.sub("", name)
    for word in sorted(_KIND_WORDS, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(re.sub(r"[\d\s]+(?:个|家)?", "", rest)) < 2


def _governed(text: str) -> str:
    """``text`` after the last verb or preposition governing it (依托X → X, 与X → X)."""
    last = None
    for last in _GOVERNS.finditer(text):
        pass
    rest = text[last.end():] if last is not None and len(text) - last.end() >= 2 else text
    for join in _JOINS:
        if rest.startswith(join) and len(rest) - len(join) >= 2:
            rest = rest[len(join):]
    return rest


def platform_and_park_names(text: str) -> list[tuple[str, str]]:
    """(name, label) of every platform and park a text names, by the rule above."""
    text = re.sub(r"《[^》]*》", "，", text.replace("\n", ""))  # book titles name documents
    found: list[tuple[str, str]] = []
    for clause in re.split(r"[，。；：！？]", text):
        for match in re.finditer(rf"等([^、，]{{0,10}}?)({_END.pattern})", clause):
            if re.search(r"[的向在为是对把将]", match.group(1)) or _GOVERNS.search(match.group(1)):
                continue
            label = "Park" if re.fullmatch(_PARK_END, match.group(2)) else "Platform"
            items = clause[:match.start()].split("、")
            items[0] = _governed(items[0])
            if "的" not in items[0]:
                found += [(item, label) for item in items if len(item) >= 2 and not _END.search(item)]
        position = 0
        for item in clause.split("、"):
            start, position = position, position + len(item) + 1
            if start and "的" in _governed(clause[:start]) and _GOVERNS.search(clause[:start]):
                continue  # 健全…的A、B平台: the list describes one thing
            ends, begin = list(_END.finditer(item)), 0
            for i, end in enumerate(ends):
                if i + 1 < len(ends) and not item[end.end():].startswith((*_JOINS, "的", "等")):
                    continue  # 机械总院江苏分院: the name goes on to the next ending
                name, begin = item[begin:end.end()], end.end()
                if "的" in name or "等" in name:
                    continue
                name = _governed(name)
                cut = max(name.rfind("和"), name.rfind("及"))
                name = name[cut + 1:] if cut > 0 else name
                if len(name) >= 3 and not _only_kind_words(name):
                    found.append((name, "Park" if re.search(rf"{_PARK_END}$", name) else "Platform"))
    return list(dict.fromkeys(found))


def test_the_name_rule_reads_lists_and_skips_descriptions():
    text = ("加快推进甲乙、丙丁等制造业创新中心进军国家级。发挥戊己研究院、一批省级工业设计中心的作用，"
            "建设以先进制造业为核心的工业经济大数据平台。推动子丑经开区、寅卯高新区等省级开发区争先进位。")
    assert platform_and_park_names(text) == [("甲乙", "Platform"), ("丙丁", "Platform"), ("戊己研究院", "Platform"),
                                             ("子丑经开区", "Park"), ("寅卯高新区", "Park")]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_platform_and_park_named_in_the_seeds_is_in_the_graph(bundled_store, seed):
    if not seed.exists():
        pytest.skip(f"{seed} not found beside the repo (../shared/seeds)")
    found = platform_and_park_names(seed.read_text(encoding="utf-8"))
    assert len(found) >= 3
    for label in ("Platform", "Park"):
        table = bundled_store.nodes(label)
        known = {}
        for row in table.to_dict("records"):
            for name in [row["name"], *str(row["aliases"] or "").split("|")]:
                if name:
                    known[name] = row
        for name, found_label in found:
            if found_label != label:
                continue
            # an item X及Y may be two names (中欧及苏澳) or one (石墨烯及装备关键件)
            parts = [name] if name in known else re.split(r"及|和", name)
            for part in parts:
                assert part in known, f"{seed.name}: {label} {part!r} is not in the graph"
                row = known[part]
                assert row["source"] in {p.name for p in SEEDS} and row["evidence"], part


def _seed_text(name: str) -> str:
    return (SHARED / "seeds" / name).read_text(encoding="utf-8").replace("\n", "")


@pytest.mark.skipif(not all(p.exists() for p in SEEDS), reason="seed documents not found beside the repo")
def test_every_quote_is_the_seed_s_own_words(bundled_store):
    seeds = {p.name: _seed_text(p.name) for p in SEEDS}
    checked = 0
    for label, column in (("Platform", "evidence"), ("Park", "evidence"), ("MechanismItem", "quote")):
        for row in bundled_store.nodes(label).to_dict("records"):
            if row["source"] in seeds:
                assert row[column] and row[column] in seeds[row["source"]], (label, row["id"])
                checked += 1
    for rel in ("SUPPORTS", "SERVES", "WORKS_ON", "RUNS", "FOCUSES_ON", "KEY_ENTERPRISE_OF"):
        for row in bundled_store.edges(rel).to_dict("records"):
            evidence = row["evidence"] or ""
            if row["source"] in seeds:
                assert evidence in seeds[row["source"]], (rel, row["from"], row["to"])
            # a curated link cites the seed sentence it reads: “000：…” / “001：…”
            for prefix, quote in re.findall(r"(\d{3})：([^；]+)", evidence):
                seed = next(name for name in seeds if name.startswith(prefix))
                assert quote in seeds[seed], (rel, row["from"], row["to"])
            checked += 1
    assert checked >= 40


def test_the_research_institute_is_a_platform_and_nothing_refers_to_it_as_an_enterprise(bundled_store):
    assert not bundled_store.find("Enterprise", "江南石墨烯研究院")
    match = bundled_store.resolve("Platform", "江南石墨烯研究院")
    node = bundled_store.node("Platform", match.key)
    assert node["kind"] == "研究院" and node["source"] == SEED.name
    supports = bundled_store.edges_where("SUPPORTS", "from", [match.key])
    assert list(supports["to"]) == ["cz-new-materials"] and list(supports["as_written"]) == ["江南石墨烯研究院"]
    for rel, spec in bundled_store.schema.relationships.items():
        table = bundled_store.edges(rel)
        for end, labels in (("from", spec.from_labels), ("to", spec.to_labels)):
            if "Enterprise" in labels:
                assert not table[end].str.contains("graphene-institute").any(), rel


def test_levels_projects_and_figures_are_only_what_the_seeds_say(bundled_store):
    for label in ("Platform", "Park"):
        for row in bundled_store.nodes(label).to_dict("records"):
            if row["level"]:
                said = row["level"] in (row["evidence"] or "") or (row["level"] == "国家级" and "国家" in row["name"])
                # 等国家检验检测高技术服务业集聚区: the category the seed files the park under
                assert said or "等国家" in (row["evidence"] or ""), (label, row["name"], row["level"])
    assert bundled_store.nodes("Project").empty  # the seeds count 200+ key projects and name none
    assert bundled_store.edges("KEY_ENTERPRISE_OF").empty and bundled_store.edges("LEADS").empty


def test_the_mechanism_items_quote_the_reply_for_the_two_named_chains(bundled_store):
    items = bundled_store.nodes("MechanismItem")
    item_of = bundled_store.edges("ITEM_OF")
    assert set(item_of["to"]) == {"chain-special-steel", "chain-big-data"}
    assert {"推进工作方案", "服务团队"} <= set(items["item"])
    assert set(items["source"]) == {"001_187e8aaf9b784ebe.txt"} and set(items["as_of"].astype(str)) == {"2021-05-20"}


def test_show_platform_and_park_give_the_seed_facts_with_their_source(run, bundled_home):
    result = run("--home", bundled_home, "show", "platform", "江南石墨烯研究院")
    assert result.exit_code == 0, result.output
    assert "研究院" in result.output and SEED.name in result.output and "新材料" in result.output
    result = run("--home", bundled_home, "show", "park", "武进国家高新区")
    assert result.exit_code == 0, result.output
    assert "国家级" in result.output and SEED.name in result.output and "武进区" in result.output
