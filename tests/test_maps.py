"""Chain maps: layout, statuses, escaping, offline HTML, SVG, PNG, determinism, large graphs, CLI, browser."""

from __future__ import annotations

import html as htmllib
import json
import random
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import DATA, needs_tool

from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records
from viz import chain_map, map_html, render_html, render_svg
from viz.layout import segment_columns
from viz.model import MAX_NODES, STATUS_COLOURS, STYLE

SVG_NS = "{http://www.w3.org/2000/svg}"
CHROMIUM = Path("/usr/bin/chromium")

HOSTILE = {
    "enterprise": "<img src=x onerror=document.body.setAttribute('data-pwned',1)>",
    "alias": "</script><script>document.body.setAttribute('data-pwned',2)</script>",
    "segment": "<b>隔膜</b> & \"膜\"",
    "technology": "'\"><svg onload=alert(3)>",
    "source": "</title><script>alert(4)</script> & <!-- x",
    "district": "<i>新北区</i>",
    "products": "]]><![CDATA[ & </style>",
}

_P = {"source": "syn", "as_of": "2026-03-01"}

# the battery chain of the tests: (key, name, position, layer)
SEGMENTS = [
    ("s-ore", "锂矿", "upstream", 1),
    ("s-cathode", "正极材料", "upstream", 2),
    ("s-anode", "负极材料", "upstream", 2),
    ("s-electrolyte", "电解液", "upstream", 2),
    ("s-separator", "隔膜", "upstream", 2),
    ("s-cell", "电芯", "midstream", 3),
    ("s-bms", "电池管理系统", "midstream", 3),
    ("s-pack", "电池包", "midstream", 4),
    ("s-car", "新能源整车", "downstream", 5),
    ("s-storage", "储能系统", "downstream", 5),
    ("s-recycle", "动力电池回收利用", "downstream", 6),
]
FEEDS = [("s-ore", "s-cathode"), ("s-ore", "s-electrolyte"), ("s-cathode", "s-cell"), ("s-anode", "s-cell"),
         ("s-electrolyte", "s-cell"), ("s-separator", "s-cell"), ("s-cell", "s-pack"), ("s-bms", "s-pack"),
         ("s-pack", "s-car"), ("s-pack", "s-storage"), ("s-car", "s-recycle"), ("s-storage", "s-recycle"),
         ("s-recycle", "s-ore")]  # recycling closes a loop: the layout must not care
# enterprise key → (name, alias, district, segments, designations)
ENTERPRISES = {
    "e-1": ("甲锂业有限公司", "甲锂业", "320412", ["s-ore"], ""),
    "e-2": ("乙正极材料股份有限公司", "乙正极", "320411", ["s-cathode"], "上市"),
    "e-3": ("丙正极科技有限公司", "丙正极", "320412", ["s-cathode"], "专精特新"),
    "e-4": ("丁电芯股份有限公司", "丁电芯", "320412", ["s-cell", "s-pack"], "上市|链主"),
    "e-5": ("戊电芯有限公司", "戊电芯", "320481", ["s-cell"], ""),
    "e-6": ("己电池包有限公司", "己电池包", "320411", ["s-pack"], "专精特新小巨人"),
    "e-7": ("庚汽车有限公司", "庚汽车", "320411", ["s-car"], ""),
    "e-8": ("辛储能有限公司", "辛储能", "320412", ["s-storage"], "高新技术企业"),
    "e-9": ("壬电解液有限公司", "壬电解液", "320500", ["s-electrolyte"], ""),  # in 苏州: not local
    "e-10": ("癸电芯有限公司", "癸电芯", "320412", ["s-cell"], ""),
}


def battery_records(*, hostile: bool = False, extra: dict[str, int] | None = None,
                    synthetic_enterprise: bool = False) -> list[NodeRecord | EdgeRecord]:
    """The test chain; ``extra`` adds that many plain local enterprises to segments (large graphs)."""
    n, e = NodeRecord, EdgeRecord
    records: list[NodeRecord | EdgeRecord] = [
        n("Source", "syn", {"title": HOSTILE["source"] if hostile else "测试用电池链", "kind": "curated",
                            "licence": "CC BY-NC 4.0", "attribution": "数据来源：测试署名", **_P}),
        n("Source", "fake", {"title": "合成企业", "kind": "synthetic", **_P}),
        n("Region", "CHN", {"name": "中国", "level": "country", **_P}),
        n("Region", "320000", {"name": "江苏省", "level": "province", **_P}),
        n("Region", "320400", {"name": "常州市", "level": "prefecture", **_P}),
        n("Region", "320411", {"name": HOSTILE["district"] if hostile else "新北区", "level": "county", **_P}),
        n("Region", "320412", {"name": "武进区", "level": "county", **_P}),
        n("Region", "320481", {"name": "溧阳市", "level": "county", **_P}),
        n("Region", "320500", {"name": "苏州市", "level": "prefecture", **_P}),
        e("WITHIN", "320000", "CHN", _P), e("WITHIN", "320400", "320000", _P), e("WITHIN", "320411", "320400", _P),
        e("WITHIN", "320412", "320400", _P), e("WITHIN", "320481", "320400", _P), e("WITHIN", "320500", "320000", _P),
        n("Cluster", "cl-ev", {"name": "新能源汽车测试集群", **_P}),
        n("Chain", "ch-bat", {"name": "动力电池测试链", "aliases": "电池链", **_P}),
        n("Chain", "ch-chg", {"name": "充电设施测试链", **_P}),
        e("IN_CLUSTER", "ch-bat", "cl-ev", _P), e("IN_CLUSTER", "ch-chg", "cl-ev", _P),
    ]
    for key, name, position, layer in SEGMENTS:
        if hostile and key == "s-separator":
            name = HOSTILE["segment"]
        records += [n("Segment", key, {"name": name, "position": position, "layer": layer, **_P}),
                    e("SEGMENT_OF", key, "ch-bat", _P)]
    records += [e("FEEDS", u, v, _P) for u, v in FEEDS]
    # a second chain in the cluster: shares the cell segment, no layers (FEEDS decides)
    records += [
        n("Segment", "s-pile", {"name": "充电桩", "position": "midstream", **_P}),
        n("Segment", "s-op", {"name": "充电运营", "position": "downstream", **_P}),
        e("SEGMENT_OF", "s-pile", "ch-chg", _P), e("SEGMENT_OF", "s-op", "ch-chg", _P),
        e("SEGMENT_OF", "s-cell", "ch-chg", _P),
        e("FEEDS", "s-cell", "s-pile", _P), e("FEEDS", "s-pile", "s-op", _P),
    ]
    records += [
        n("Technology", "t-ni", {"name": "高镍正极技术", "kind": "material", **_P}),
        n("Technology", "t-solid", {"name": HOSTILE["technology"] if hostile else "固态电解质", **_P}),
        n("Technology", "t-chip", {"name": "电池管理芯片", "kind": "product", **_P}),
        e("KEY_TO", "t-ni", "s-cathode", _P), e("KEY_TO", "t-solid", "s-electrolyte", _P),
        e("KEY_TO", "t-solid", "s-cell", _P), e("KEY_TO", "t-chip", "s-bms", _P),
        e("BREAKTHROUGH_FOR", "t-solid", "cl-ev", _P),
    ]
    for key, (name, alias, district, segs, designations) in ENTERPRISES.items():
        if hostile and key == "e-4":
            name, alias = HOSTILE["enterprise"], HOSTILE["alias"]
        records += [n("Enterprise", key, {"name": name, "aliases": alias, "designations": designations, **_P}),
                    e("LOCATED_IN", key, district, _P)]
        for seg in segs:
            props = {"products": HOSTILE["products"]} if hostile and key == "e-4" else {}
            records.append(e("OPERATES_IN", key, seg, {**props, **_P}))
    records += [e("LEADS", "e-4", "ch-bat", _P), e("ANCHORS", "e-2", "cl-ev", _P),
                e("MASTERS", "e-3", "t-ni", _P)]
    if synthetic_enterprise:
        fake = {"source": "fake", "as_of": "2026-03-01"}
        records += [n("Enterprise", "e-fake", {"name": "合成负极有限公司", **fake}),
                    e("LOCATED_IN", "e-fake", "320412", fake), e("OPERATES_IN", "e-fake", "s-anode", fake)]
    for seg, count in (extra or {}).items():
        for i in range(count):
            key = f"x-{seg}-{i:05d}"
            records += [n("Enterprise", key, {"name": f"测试企业{seg}{i:05d}", **_P}),
                        e("LOCATED_IN", key, "320412", _P), e("OPERATES_IN", key, seg, _P)]
    return records


def store_of(records) -> TableStore:
    schema = load_schema()
    return TableStore(load_tables([], records=raw_tables_from_records(records, schema, "test"), schema=schema))


@pytest.fixture(scope="module")
def battery():
    return store_of(battery_records())


@pytest.fixture(scope="module")
def hostile():
    return store_of(battery_records(hostile=True))


def segment_nodes(m):
    return {n.key: n for n in m.nodes if n.kind == "segment"}


# --- layout -----------------------------------------------------------------------------------------------


def test_layout_goes_upstream_to_downstream_by_position_layer_and_feeds(battery):
    m = chain_map(battery, chain="动力电池测试链", enterprises=0)
    seg = segment_nodes(m)
    x = {k: n.x for k, n in seg.items()}
    # bands left to right, layers within bands, parallel segments share a column
    assert x["s-ore"] < x["s-cathode"] == x["s-anode"] == x["s-electrolyte"] == x["s-separator"]
    assert x["s-separator"] < x["s-cell"] == x["s-bms"] < x["s-pack"] < x["s-car"] == x["s-storage"] < x["s-recycle"]
    # the four cathode-layer segments are stacked, none overlapping
    column = sorted((seg[k].y, seg[k].height) for k in ("s-cathode", "s-anode", "s-electrolyte", "s-separator"))
    assert all(a[0] + a[1] / 2 < b[0] - b[1] / 2 for a, b in zip(column, column[1:]))
    # bands are named and in order
    bands = [b for b in m.boxes if b.kind == "band"]
    assert [b.label for b in bands] == ["上游", "中游", "下游"]
    assert bands[0].x + bands[0].width <= x["s-cell"] - seg["s-cell"].width / 2


def test_feeds_decide_ties_and_missing_layers():
    segs = {"a": ("midstream", 3), "b": ("midstream", 3), "c": ("midstream", 3), "d": ("downstream", None),
            "e": ("downstream", None)}
    cols = segment_columns(segs, [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    assert cols["a"] < cols["b"] < cols["c"]  # same layer, but a feeds b feeds c
    assert cols["d"] == (2, 4, 0) and cols["e"] == (2, 5, 0)  # longest FEEDS path + 1 stands in for the layer
    no_edges = segment_columns(segs, [])
    assert no_edges["a"] == no_edges["b"] == no_edges["c"]


def test_cluster_map_has_one_lane_per_chain_and_aligned_bands(battery):
    m = chain_map(battery, cluster="新能源汽车测试集群", enterprises=2)
    lanes = [b for b in m.boxes if b.kind == "lane"]
    assert [b.label for b in lanes] == ["动力电池测试链", "充电设施测试链"]
    seg = segment_nodes(m)
    assert set(seg) == {k for k, *_ in SEGMENTS} | {"s-pile", "s-op"}  # the shared cell segment drawn once
    assert seg["s-cell"].lane == 0 and seg["s-pile"].lane == 1
    assert lanes[0].y + lanes[0].height < seg["s-pile"].y
    assert "ch-chg" in {c["key"] for c in m.chains} and m.scope == "cluster"
    edge_ids = {e.id for e in m.edges}
    assert "feeds:s-cell->s-pile" in edge_ids  # across lanes


def test_recycling_loop_is_drawn_but_does_not_break_the_layout(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=0)
    assert "feeds:s-recycle->s-ore" in {e.id for e in m.edges}
    seg = segment_nodes(m)
    assert seg["s-recycle"].x > seg["s-ore"].x


# --- statuses, sizes, attachments -------------------------------------------------------------------------


def test_statuses_colours_and_sizes_follow_local_counts(battery):
    m = chain_map(battery, chain="ch-bat", region="常州市", enterprises=5)
    seg = segment_nodes(m)
    # by hand: local (常州市 subtree) enterprises per segment; 壬电解液 is in 苏州市
    expected = {"s-ore": 1, "s-cathode": 2, "s-anode": 0, "s-electrolyte": 0, "s-separator": 0, "s-cell": 3,
                "s-bms": 0, "s-pack": 2, "s-car": 1, "s-storage": 1, "s-recycle": 0}
    for key, count in expected.items():
        assert seg[key].label.endswith(f" · {count} 家"), key
        assert f"本地企业：{count} 家" in seg[key].title
        if count == 0:
            assert seg[key].status == "缺链" and seg[key].fill == STATUS_COLOURS["缺链"][0]
    assert seg["s-cell"].width > seg["s-cathode"].width > seg["s-ore"].width > seg["s-anode"].width
    assert seg["s-anode"].width == min(n.width for n in seg.values())
    assert m.counts["local_enterprises"] == 9
    assert "缺链" in {i.label for i in m.legend} and "强链" in {i.label for i in m.legend}


def test_a_region_elsewhere_changes_what_is_local(battery):
    m = chain_map(battery, chain="ch-bat", region="苏州市", enterprises=5)
    seg = segment_nodes(m)
    assert seg["s-electrolyte"].label.endswith("· 1 家") and seg["s-cell"].label.endswith("· 0 家")
    assert m.region == "320500" and m.region_name == "苏州市"


def test_technologies_attach_under_their_first_segment_and_link_to_the_others(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=0)
    tech = {n.key: n for n in m.nodes if n.kind == "technology"}
    seg = segment_nodes(m)
    assert tech["t-solid"].x == seg["s-electrolyte"].x and tech["t-solid"].y > seg["s-electrolyte"].y
    assert [e.target for e in m.edges if e.kind == "key_to"] == ["segment:s-cell"]
    assert "突破目标：新能源汽车测试集群" in tech["t-solid"].title
    assert "常州市掌握该技术的企业：1 家" in tech["t-ni"].title
    assert tech["t-ni"].label.startswith("◆ ")


@pytest.mark.parametrize("threshold", [30.0, 20.0, 60.0])
def test_choke_points_are_the_technologies_scoring_at_least_the_threshold(battery, threshold):
    from queries.chokepoints import chokepoints

    scores = {r.key: r.score for r in chokepoints(battery, perspective="320400", chain="ch-bat").results}
    m = chain_map(battery, chain="ch-bat", enterprises=0, choke_score=threshold)
    tech = {n.key: n for n in m.nodes if n.kind == "technology"}
    assert set(tech) == {"t-ni", "t-solid", "t-chip"} == set(scores)
    for key, node in tech.items():
        marked = scores[key] >= threshold
        assert node.choke is marked and node.label.startswith("▲ " if marked else "◆ "), key
        assert node.fill == STYLE["choke" if marked else "technology"][0]
        assert f"得分 {scores[key]:.1f}，标注阈值 {threshold:g}" in node.title
    assert m.counts["choke_points"] == sum(score >= threshold for score in scores.values())
    assert any(f"得分 ≥ {threshold:g}" in c for c in m.caveats)


def test_enterprises_ranked_leaders_first_then_top_n_and_a_count_node(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=2)
    cell = sorted((n for n in m.nodes if n.id.startswith("enterprise:s-cell:")), key=lambda n: n.y)
    assert [n.key for n in cell] == ["e-4", "e-5"]  # 链主 first, then by name (戊 U+620A < 癸 U+7678)
    assert cell[0].label == "★ 丁电芯" and "角色：链主" in cell[0].title
    more = [n for n in m.nodes if n.id == "more:s-cell"]
    assert len(more) == 1 and more[0].label == "另 1 家本地企业" and "癸电芯有限公司" in more[0].title
    cathode = [n for n in m.nodes if n.id.startswith("enterprise:s-cathode:")]
    assert cathode[0].key == "e-2" and cathode[0].label.startswith("★")  # the cluster's named key enterprise
    assert not any(n.id == "more:s-cathode" for n in m.nodes)
    seg_y = segment_nodes(m)["s-cell"].y
    assert all(n.y > seg_y for n in cell)


def test_zero_enterprises_hides_them(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=0)
    assert not [n for n in m.nodes if n.kind in ("enterprise", "more")]
    assert m.counts["local_enterprises"] == 9  # still counted, shown in the segment boxes


def test_as_of_sources_and_caveats_on_the_map(battery):
    m = chain_map(battery, chain="ch-bat")
    assert m.as_of == "2026-03-01"
    assert [s["id"] for s in m.sources] == ["syn"]
    assert any("本地 = 常州市" in c for c in m.caveats)
    page, svg = render_html(m), render_svg(m)
    for text in ("2026-03-01", "测试用电池链", "常州市", "动力电池测试链 产业链图谱", "缺链", "弱链", "强链",
                 "许可 CC BY-NC 4.0", "数据来源：测试署名"):
        assert text in page and text in svg, text


def test_synthetic_data_stays_out_of_a_real_chain_unless_asked():
    store = store_of(battery_records(synthetic_enterprise=True))
    real = chain_map(store, chain="ch-bat", enterprises=5)
    assert "e-fake" not in {n.key for n in real.nodes}
    assert segment_nodes(real)["s-anode"].label.endswith("· 0 家")
    assert any("合成" in c for c in real.caveats)
    asked = chain_map(store, chain="ch-bat", enterprises=5, synthetic=True)
    assert "e-fake" in {n.key for n in asked.nodes}
    assert "fake" in {s["id"] for s in asked.sources}


def test_statuses_reasons_and_figures_come_from_the_gap_analysis(battery):
    from queries.gaps import chain_gaps
    from queries.wording import for_readers

    from queries.gaps import GapThresholds

    # the 10-enterprise graph is no representative national set: the LQ is computed here on purpose (issue 17)
    formula = GapThresholds(lq_min_reference=0, lq_max_local_share=1.0)
    report = chain_gaps(battery, chain="ch-bat", region="320400", thresholds=formula)
    m = chain_map(battery, chain="ch-bat", enterprises=0, thresholds=formula)
    seg = segment_nodes(m)
    assert set(seg) == {s.key for s in report.segments}
    for gap in report.segments:
        node = seg[gap.key]
        assert node.status == gap.status and node.fill == STATUS_COLOURS[gap.status][0], gap.key
        assert node.label.endswith(f"{gap.status} · {gap.local_count} 家")
        assert f"全国企业数：{gap.national_count}" in node.title
        assert all(for_readers(reason) in node.title for reason in gap.reasons)  # worded for readers
        if gap.lq_count.value is not None:
            assert f"区位熵 LQ（按企业数）：{gap.lq_count.value:.2f}" in node.title
        assert ("断链：是" in node.title) == gap.broken_link
    # by hand: 电芯 has 3 local enterprises of the chain's 9 (3 of 10 nationally): LQ = (3/9)/(3/10) = 1.11,
    # so with the default thresholds (≥ 3 local, LQ ≥ 1) it is 强链; 负极材料 has none: 缺链
    assert seg["s-cell"].status == "强链" and "区位熵 LQ（按企业数）：1.11" in seg["s-cell"].title
    assert seg["s-anode"].status == "缺链" and seg["s-ore"].status == "弱链"
    assert [i.label for i in m.legend[:3]] == ["缺链", "弱链", "强链"]
    assert any("（strong_min_local）" in r for s in report.segments for r in s.reasons)
    assert not any("strong_min_local" in node.title for node in seg.values())
    assert m.thresholds["strong_min_local"] == 3 and any("strong_min_local=3" in c for c in m.caveats)


# schema names, settings and commands that the caveats name for analysts and readers must not see
_TECHNICAL_WORDS = re.compile(r"[A-Za-z]+_[A-Za-z_]+|chainkg|verified|synthetic|segments|\(|\)")


def test_caveats_name_schema_terms_for_analysts_and_word_them_for_readers():
    """JSON and the terminal keep what the caveats are about (LOCATED_IN, the command, each threshold's name
    and value, verified=false, synthetic); the map's own pages and pictures show them in plain words only."""
    from queries.gaps import GapThresholds
    from queries.wording import all_for_readers
    from viz.status import THRESHOLD_WORDS

    from dataclasses import replace

    records = [replace(r, properties={**r.properties, "verified": False})
               if isinstance(r, NodeRecord) and r.key == "e-2" else r
               for r in battery_records(synthetic_enterprise=True)]  # one fact not checked against a document
    m = chain_map(store_of(records), chain="ch-bat", enterprises=5)
    caveats = "\n".join(m.caveats)
    for name in ("LOCATED_IN", "chainkg gaps", "chainkg chokepoints", "strong_min_local=3", "strong_min_lq=1.0",
                 "size_measure=revenue_yi", "合成（synthetic）", "verified=false"):
        assert name in caveats, name
    assert set(THRESHOLD_WORDS) == set(GapThresholds.names()) == set(m.thresholds)  # every threshold in words
    readers = all_for_readers(m.caveats)
    assert len(readers) == len(m.caveats)
    for caveat in readers:  # the map's own (the analyses' caveats, quoted after "补链分析：" …, are theirs)
        assert caveat.startswith(("补链分析：", "卡脖子分析：")) or not _TECHNICAL_WORDS.search(caveat), caveat
    text = "\n".join(readers)
    for words in ("本地 = 常州市及其下辖区县，按企业所在地。", "补链分析的判定", "强链：本地企业至少 3 家，",
                  "卡脖子分析以常州市为视角", "规模按营收计", "已排除 1 条合成数据", "尚未经文件核实。"):
        assert words in text, words
    page, svg = render_html(m), render_svg(m)
    for document in (page, svg):
        assert "strong_min_local" not in document and "LOCATED_IN" not in document and "chainkg gaps" not in document
        assert "上游供给下游" in document and "(FEEDS)" not in document  # the legend
        assert "强链：本地企业至少 3 家" in document


def test_gap_thresholds_change_the_statuses(battery):
    from queries.gaps import GapThresholds

    m = chain_map(battery, chain="ch-bat", enterprises=0,
                  thresholds=GapThresholds(strong_min_local=1, lq_min_reference=0, lq_max_local_share=1.0))
    seg = segment_nodes(m)
    # 锂矿: 1 local enterprise ≥ 1 and LQ (1/9)/(1/10) = 1.11 ≥ 1: now 强链
    assert seg["s-ore"].status == "强链" and m.thresholds["strong_min_local"] == 1


#: the two tests over every bundled chain's map share the maps (bundled_maps): one worker makes them once
BUNDLED_MAPS = pytest.mark.xdist_group("test_maps-bundled")


@pytest.fixture(scope="module")
def bundled_maps(request):
    """The map of every chain of the bundled data (default cards), made once for the tests that check them all.

    One queries.shared.SharedWork for all (the region's choke-point figures once, as the catalogue does); each
    map still runs its own gap analysis (no reports=), so the statuses are compared with an independent one.
    """
    if not (DATA / "chains.csv").exists():
        pytest.skip("data/ holds no chains yet")
    from queries.shared import SharedWork

    store = request.getfixturevalue("bundled_store")
    shared = SharedWork(store)
    return {key: chain_map(store, chain=key, shared=shared) for key in store.nodes("Chain", ["id"])["id"].tolist()}


@BUNDLED_MAPS
def test_statuses_match_the_gap_analysis_on_the_bundled_data(bundled_maps, bundled_store):
    from queries.gaps import chain_gaps

    assert set(bundled_maps) == set(bundled_store.nodes("Chain", ["id"])["id"])
    for key, m in bundled_maps.items():
        report = chain_gaps(bundled_store, chain=key, region="320400")
        seg = segment_nodes(m)  # a card's enterprises do not change its count (test_zero_enterprises_hides_them)
        assert {s.key: (s.status, s.local_count) for s in report.segments} == \
            {k: (n.status, int(n.label.rsplit("· ", 1)[1].split(" ")[0])) for k, n in seg.items()}


def test_unknown_names_are_user_errors(battery):
    from chainkg.errors import NotFoundError

    with pytest.raises(NotFoundError):
        chain_map(battery, chain="没有这条链")
    with pytest.raises(NotFoundError):
        chain_map(battery, chain="ch-bat", region="火星")
    with pytest.raises(ValueError):
        chain_map(battery, chain="ch-bat", cluster="cl-ev")


# --- HTML: offline and escaped ----------------------------------------------------------------------------


def payload(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_html_is_offline(battery):
    page = map_html(battery, cluster="cl-ev")
    assert "http://" not in page and "https://" not in page
    markup = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", page, flags=re.S)  # the tags, not the code
    markup = re.sub(r"(<style[^>]*>).*?(</style>)", r"\1\2", markup, flags=re.S)
    assert not re.search(r"\s(src|href|action|srcset|poster|data)\s*=", markup, re.I)
    assert not re.search(r"<(link|img|iframe|object|embed|base|source)\b", markup, re.I)
    assert "@import" not in page and "cdn.jsdelivr" not in page and "cdnjs" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "vis.Network" in page and "bootstrap" not in page.lower()


def test_html_escapes_every_data_string(hostile):
    m = chain_map(hostile, cluster="cl-ev", enterprises=5)
    page = render_html(m)
    for where, text in HOSTILE.items():
        assert text not in page, where
    data = payload(page)  # the data survives the escaping exactly
    titles = "\n".join(n["title"] for n in data["nodes"])
    labels = "\n".join(n["label"] for n in data["nodes"])
    assert HOSTILE["enterprise"] in titles and HOSTILE["segment"] in titles
    assert HOSTILE["products"] in titles and HOSTILE["district"] in titles
    assert HOSTILE["technology"][:6] in labels
    # the JSON inside <script> has no raw < > &
    raw = re.search(r'id="map-data">(.*?)</script>', page, re.S).group(1)
    assert not set("<>&") & set(raw)
    # text in the page body is HTML-escaped
    assert htmllib.escape(HOSTILE["source"]) in page
    assert page.lower().count("</script") == 3  # the data, vis-network, the page's own code


# --- SVG --------------------------------------------------------------------------------------------------


def svg_groups(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(f"{SVG_NS}g") if g.get("id")}


@pytest.mark.parametrize("fixture", ["battery", "hostile"])
def test_svg_parses_and_shows_every_segment(fixture, request):
    store = request.getfixturevalue(fixture)
    m = chain_map(store, cluster="cl-ev", enterprises=3)
    svg = render_svg(m)
    groups = svg_groups(svg)
    segments = store.nodes("Segment")
    assert len(segments) == 13
    for key, name in zip(segments["id"], segments["name"]):
        group = groups[f"segment:{key}"]
        assert group.find(f"{SVG_NS}title").text.startswith(name)
        shown = "".join(t.text for t in group.findall(f"{SVG_NS}text")[:-1])
        shown, name = shown.replace(" ", ""), name.replace(" ", "")  # lines break at spaces
        assert shown == name or shown.endswith("…") and name.startswith(shown[:-1]), (shown, name)
        rect = group.find(f"{SVG_NS}rect")
        node = next(n for n in m.nodes if n.id == f"segment:{key}")
        assert rect.get("fill") == node.fill
    assert "<b>" not in svg and "<img" not in svg and "<svg onload" not in svg
    root = ET.fromstring(svg)
    assert "Noto Sans CJK SC" in root.get("font-family") and "WenQuanYi Zen Hei" in root.get("font-family")
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    for legend in ("缺链", "弱链", "强链", "关键技术", "卡脖子技术"):
        assert legend in texts


def test_svg_and_html_draw_the_same_boxes(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=3)
    data = payload(render_html(m))
    groups = svg_groups(render_svg(m))
    assert {n["id"] for n in data["nodes"]} == set(groups) == {n.id for n in m.nodes}
    for n in data["nodes"]:
        rect = groups[n["id"]].find(f"{SVG_NS}rect")
        assert float(rect.get("x")) + float(rect.get("width")) / 2 == pytest.approx(n["x"], abs=0.1)
        assert n["label"].split("\n") == [t.text for t in groups[n["id"]].findall(f"{SVG_NS}text")]


def test_xml_forbidden_characters_are_dropped():
    store = store_of(battery_records())
    # a build refuses such a name (docs/safety.md); a store filled another way may still hold one
    segments = store.tables.nodes["Segment"]
    segments.loc[segments["id"] == "s-cell", "name"] = "电\x01芯"
    svg = render_svg(chain_map(store, chain="ch-bat"))
    ET.fromstring(svg)
    assert "电芯" in svg


# --- determinism and large graphs -------------------------------------------------------------------------


def test_same_input_gives_byte_identical_output(hostile):
    shuffled = battery_records(hostile=True)
    random.Random(7).shuffle(shuffled)
    a, b = hostile, store_of(shuffled)  # the same facts, stored in another order
    first, second = chain_map(a, cluster="cl-ev", enterprises=2), chain_map(b, cluster="cl-ev", enterprises=2)
    assert render_html(first) == render_html(second) and render_svg(first) == render_svg(second)
    assert render_html(first) == render_html(chain_map(a, cluster="cl-ev", enterprises=2))


def test_output_does_not_depend_on_the_process(home, tmp_path):
    """Two processes with different hash seeds write the same bytes (no set or dict order leaks out)."""
    import os
    import sys

    runs = {seed: subprocess.Popen(  # both at once: one per core
        [sys.executable, "-m", "chainkg", "-q", "--home", str(home), "map", "--cluster", "cl-ev",
         "--out", str(tmp_path / seed / "m.html"), "--svg", str(tmp_path / seed / "m.svg")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        for seed in ("1", "2")}
    for run in runs.values():
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    outputs = [((tmp_path / seed / "m.html").read_bytes(), (tmp_path / seed / "m.svg").read_bytes()) for seed in runs]
    assert outputs[0] == outputs[1]


@pytest.fixture(scope="module")
def large():
    return store_of(battery_records(extra={"s-cell": 900, "s-car": 700, "s-ore": 120}))


def test_large_graphs_aggregate_enterprises_into_count_nodes(large):
    m = chain_map(large, chain="ch-bat", enterprises=1000)
    assert len(m.nodes) <= MAX_NODES and m.aggregated
    shown = m.enterprises_shown
    assert 0 < shown < 1000
    segments = len([n for n in m.nodes if n.kind == "segment"])
    techs = len([n for n in m.nodes if n.kind == "technology"])
    local = {"s-cell": 903, "s-car": 701, "s-ore": 121, "s-cathode": 2, "s-pack": 2, "s-storage": 1}
    # by hand: the largest n with segments + techs + sum(min(n, c) + [c > n]) <= 1500
    expected = max(n for n in range(1001)
                   if segments + techs + sum(min(n, c) + (c > n) for c in local.values()) <= MAX_NODES)
    assert shown == expected
    for seg, count in local.items():
        listed = [n for n in m.nodes if n.id.startswith(f"enterprise:{seg}:")]
        more = [n for n in m.nodes if n.id == f"more:{seg}"]
        rest = int(re.search(r"(\d+)", more[0].label).group(1)) if more else 0
        assert len(listed) == min(shown, count) and len(listed) + rest == count
    assert any("只列出前" in c for c in m.caveats)


def test_tiny_budget_keeps_only_count_nodes(large):
    # 11 segments + 3 technologies + 6 count nodes = 20; one enterprise each would need 25
    m = chain_map(large, chain="ch-bat", enterprises=5, max_nodes=20)
    assert m.enterprises_shown == 0 and m.aggregated
    assert not [n for n in m.nodes if n.kind == "enterprise"]
    assert {n.label for n in m.nodes if n.id == "more:s-cell"} == {"本地企业 903 家"}


def test_small_graphs_are_not_aggregated(battery):
    m = chain_map(battery, chain="ch-bat", enterprises=50)
    assert not m.aggregated and m.enterprises_shown == 50
    assert not [n for n in m.nodes if n.kind == "more"]


# --- PNG --------------------------------------------------------------------------------------------------


def _png_missing() -> str | None:
    from viz.png import png_support

    font, why = png_support()
    return None if font else f"no PNG here: {why}"


@needs_tool(_png_missing())
def test_png_with_a_cjk_font(battery, tmp_path):
    from viz.png import png_support, render_png

    font, why = png_support()
    assert font, why
    data = render_png(chain_map(battery, chain="ch-bat"), font=font, scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


# --- CLI --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from graph.embedded import write_embedded

    folder = tmp_path_factory.mktemp("maps-home")
    schema = load_schema()
    tables = load_tables([], records=raw_tables_from_records(battery_records(hostile=True), schema, "test"),
                         schema=schema)
    write_embedded(tables, folder)
    return folder


def test_cli_writes_html_svg_and_png(run, home, tmp_path):
    out, svg, png = tmp_path / "m.html", tmp_path / "sub" / "m.svg", tmp_path / "m.png"
    result = run("--home", home, "-q", "map", "--chain", "电池链", "--out", out, "--svg", svg, "--png", png,
                 "--enterprises", "2")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and "11 segments" in result.output
    page = out.read_text(encoding="utf-8")
    assert "动力电池测试链 产业链图谱" in page and "https://" not in page
    ET.fromstring(svg.read_text(encoding="utf-8"))
    assert png.exists() or "PNG skipped" in result.output


def test_cli_cluster_and_region(run, home, tmp_path):
    out = tmp_path / "c.html"
    result = run("--home", home, "-q", "map", "--cluster", "新能源汽车测试集群", "--region", "320412", "--out", out,
                 "--enterprises", "0")
    assert result.exit_code == 0, result.output
    data = payload(out.read_text(encoding="utf-8"))
    assert not [n for n in data["nodes"] if n["kind"] == "enterprise"]
    assert "武进区" in out.read_text(encoding="utf-8")


def test_cli_thresholds_file(run, home, tmp_path):
    (tmp_path / "t.toml").write_text("[gaps]\nstrong_min_local = 1\n", encoding="utf-8")
    out = tmp_path / "m.html"
    result = run("--home", home, "-q", "map", "--chain", "ch-bat", "--thresholds", tmp_path / "t.toml", "--out", out)
    assert result.exit_code == 0, result.output
    nodes = {n["id"]: n for n in payload(out.read_text(encoding="utf-8"))["nodes"]}
    assert nodes["segment:s-ore"]["status"] == "强链"
    bad = run("--home", home, "-q", "map", "--chain", "ch-bat", "--thresholds", tmp_path / "none.toml", "--out", out)
    assert bad.exit_code == 2 and "no such thresholds file" in bad.output


def test_cli_png_is_skipped_with_a_message_without_a_cjk_font(run, home, tmp_path, monkeypatch):
    import viz.png

    monkeypatch.setattr(viz.png, "find_cjk_font", lambda: None)
    result = run("--home", home, "-q", "map", "--chain", "ch-bat", "--svg", tmp_path / "m.svg",
                 "--png", tmp_path / "m.png")
    assert result.exit_code == 0, result.output
    assert "PNG skipped" in result.output and not (tmp_path / "m.png").exists()
    assert (tmp_path / "m.svg").exists()


@pytest.mark.parametrize("args, message", [
    (["--chain", "ch-bat", "--cluster", "cl-ev", "--out", "x.html"], "exactly one of"),
    (["--out", "x.html"], "exactly one of"),
    (["--chain", "ch-bat"], "at least one output"),
    (["--chain", "没有这条链", "--out", "x.html"], "no Chain named"),
    (["--chain", "ch-bat", "--region", "火星", "--out", "x.html"], "no Region named"),
    (["--chain", "ch-bat", "--enterprises", "-1", "--out", "x.html"], "-1"),
])
def test_cli_user_errors_exit_2(run, home, tmp_path, args, message):
    result = run("--home", home, "-q", "map", *[tmp_path / a if a.endswith(".html") else a for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_cli_unwritable_output_is_a_user_error(run, home, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--home", home, "-q", "map", "--chain", "ch-bat", "--out", blocker / "m.html")
    assert result.exit_code == 2 and "cannot write" in result.output and "hint:" in result.output


# --- the bundled data -------------------------------------------------------------------------------------


@BUNDLED_MAPS
def test_every_bundled_chain_maps(bundled_maps, bundled_store):
    store = bundled_store
    chains = store.nodes("Chain", ["id"])["id"].tolist()
    segments_of = store.edges("SEGMENT_OF", ["from", "to"])
    names = dict(zip(store.nodes("Segment", ["id", "name"])["id"], store.nodes("Segment", ["id", "name"])["name"]))
    assert chains and sorted(bundled_maps) == sorted(chains)
    for key in chains:
        m = bundled_maps[key]
        page, svg = render_html(m), render_svg(m)
        assert "http://" not in page and "https://" not in page
        groups = svg_groups(svg)
        for seg in segments_of.loc[segments_of["to"] == key, "from"]:
            assert groups[f"segment:{seg}"].find(f"{SVG_NS}title").text.startswith(names[seg])


# --- a real browser, offline ------------------------------------------------------------------------------


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    """Headless Chromium with every way out to the network shut."""
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
               "--metrics-recording-only", "--mute-audio", f"--user-data-dir={profile}",
               "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
               "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@needs_tool(None if CHROMIUM.exists() else "the headless-browser test needs Debian chromium at /usr/bin/chromium "
                                             "(apt-get install chromium; .ci/system-deps installs it)")
def test_browser_draws_the_map_offline_and_runs_no_injected_code(hostile, tmp_path):
    m = chain_map(hostile, cluster="cl-ev", enterprises=3)
    page = tmp_path / "map.html"
    page.write_text(render_html(m), encoding="utf-8")
    dom = chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    status = re.search(r'<div id="map-status"[^>]*>', dom.stdout)
    assert status, dom.stdout[-2000:]
    assert f'data-drawn="{len(m.nodes)}"' in status.group(0), status.group(0)
    assert "<canvas" in dom.stdout
    assert "data-pwned" not in re.search(r"<body[^>]*>", dom.stdout).group(0)  # no injected handler ran

    shot = tmp_path / "map.png"
    result = chromium("--window-size=1600,1000", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri(),
                      profile=tmp_path / "profile-shot")
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    assert shot.stat().st_size > 30_000  # a drawn map, not a blank page
