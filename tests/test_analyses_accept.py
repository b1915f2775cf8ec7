"""Issue 17 (items 1, 2, 4), issue 16's last item and issue 22 item 5: analyses a 招商 officer accepts.

Each finding of the issue is reproduced here: a national baseline that is not the user's own list, no
status on a tie, corporate groups, shortlists, and enterprises that no longer operate.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records
from queries._fixture import fixture_records
from queries.gaps import GapInputs, GapThresholds, analyse_inputs, chain_gaps
from queries.targets import chain_targets

_P = {"source": "synthetic", "as_of": "2026-01-01"}


def _store(*extra) -> TableStore:
    schema = load_schema()
    records = fixture_records() + list(extra)
    return TableStore(load_tables([], records=raw_tables_from_records(records, schema, "fixture"), schema=schema))


def _inputs(local_per_segment: dict[str, int], national_per_segment: dict[str, int], national_chain: int) -> GapInputs:
    """Aggregated inputs of a two-segment chain: ``n`` local enterprises per segment (distinct ones)."""
    keys = list(local_per_segment)
    local = pd.DataFrame([{"segment": s, "enterprise": f"{s}-{i}", "name": f"{s}企业{i}", "key_enterprise": False,
                           "chain_leader": False, "designations": "", "revenue_yi": np.nan, "employees": np.nan}
                          for s, n in local_per_segment.items() for i in range(n)])
    national = pd.DataFrame([{"segment": s, "enterprises": national_per_segment[s], "revenue_yi": 0.0,
                              "revenue_known": 0, "employees": 0.0, "employees_known": 0} for s in keys])
    return GapInputs(
        chain={"key": "c", "name": "测试链", "clusters": []},
        segments=pd.DataFrame({"key": keys, "name": keys, "position": "midstream",
                               "layer": pd.array([1] * len(keys), dtype="Int64")}),
        feeds=pd.DataFrame(columns=["from", "to"]), local=local, national=national,
        national_chain={"enterprises": national_chain, "revenue_yi": 0.0, "revenue_known": 0, "employees": 0.0,
                        "employees_known": 0},
        supplies=pd.DataFrame(columns=["segment", "received", "from_local"]),
        facts={"facts_used": 1, "unverified_facts": 0}, sources=pd.DataFrame(columns=["id", "facts", "title", "kind"]),
        as_of="2026-01-01", synthetic_included=False)


# --------------------------------------------------------------------------- item 1: national baseline, ties


def test_lq_does_not_flip_on_the_users_own_list():
    """Finding: a local list of ~5,000 firms makes "national" 99 % local; two segments with 278 local firms each
    came out 弱链 ("区位熵 1.00 < 1.00") and 强链 (1.01). Now the LQ is not computable and decides nothing."""
    inputs = _inputs({"驱动电机及电控": 278, "电池回收": 278}, {"驱动电机及电控": 281, "电池回收": 279}, 560)
    report = analyse_inputs(inputs, region="320400", region_name="常州市")
    motor, recycling = report.segments
    assert motor.status == recycling.status == "强链"
    for seg in report.segments:
        assert seg.lq_count.value is None and "不具代表性" in seg.lq_count.note
        assert not any(re.search(r"区位熵（按企业数）[\d.]+ [<≥]", r) for r in seg.reasons)
    assert any("区位熵不可计算" in c and "lq_min_reference" in c for c in report.caveats)


def test_mostly_local_reference_is_not_representative_even_when_large():
    inputs = _inputs({"a": 600, "b": 400}, {"a": 900, "b": 700}, 1500)  # 1000 of 1500 local: 67 %
    report = analyse_inputs(inputs, region="320400", region_name="常州市")
    assert all(s.lq_count.value is None for s in report.segments)
    assert "lq_max_local_share" in report.segments[0].lq_count.note


def test_no_status_turns_on_a_tie():
    # a representative reference: 1,000 national enterprises, 100 local; segment a: LQ (50/100)/(505/1000) = 0.99
    inputs = _inputs({"a": 50, "b": 50}, {"a": 505, "b": 495}, 1000)
    report = analyse_inputs(inputs, region="320400", region_name="常州市")
    a, b = report.segments
    assert a.lq_count.value == pytest.approx(0.990, abs=1e-3) and b.lq_count.value == pytest.approx(1.010, abs=1e-3)
    assert a.status == b.status == "强链"
    assert any("持平" in r and "lq_tie_margin" in r for r in a.reasons)
    # outside the margin the LQ decides, as before
    strict = analyse_inputs(inputs, region="320400", region_name="常州市", thresholds=GapThresholds(lq_tie_margin=0))
    assert strict.segments[0].status == "弱链"
    assert "区位熵（按企业数）0.99 < 1.00（strong_min_lq）" in strict.segments[0].reasons


def _baseline(segment: str, count: int, **more) -> NodeRecord:
    return NodeRecord("Baseline", f"b-{segment}-{more.get('year', 2023)}",
                      {"name": f"{segment} 全国企业数", "segment": segment, "enterprise_count": count,
                       "year": 2023, **more, **_P})


def test_a_baseline_gives_the_national_denominator():
    store = _store(_baseline("s-mat", 800), _baseline("s-part", 600), _baseline("s-whole", 400),
                   _baseline("s-svc", 200))
    report = chain_gaps(store, chain="示例链")
    mat, whole = report.segment("材料"), report.segment("整机")
    # local: 材料 1, 整机 1 (2 in all); baseline: 800 and 400 of 2,000
    assert mat.lq_count.reference == "baseline" and mat.lq_count.value == pytest.approx((1 / 2) / (800 / 2000))
    assert whole.lq_count.value == pytest.approx((1 / 2) / (400 / 2000))
    assert "全国基准" in mat.lq_count.note and "2023" in mat.lq_count.note
    assert any("Baseline" in c for c in report.caveats)
    # without it the graph's three enterprises are no reference at all
    assert chain_gaps(_store(), chain="示例链").segment("材料").lq_count.value is None


def test_a_baseline_by_industry_code_and_a_partial_baseline():
    from queries.gaps import _industry_segments

    code, segment = next(iter(_industry_segments().items()))
    bundled = load_schema()  # the code maps to a bundled segment; on the fixture only the mechanism is checked
    assert bundled.labels["Baseline"].properties["industry_code"]
    store = _store(NodeRecord("Baseline", "b-code", {"name": "按行业", "industry_code": code, "enterprise_count": 5,
                                                     "year": 2023, **_P}), _baseline("s-mat", 800))
    from queries.gaps import baseline_table

    assert list(baseline_table(store, ["s-mat", segment])["segment"]) == sorted(["s-mat", segment])
    report = chain_gaps(store, chain="示例链")  # only one of four segments has a baseline: not used
    assert report.segment("材料").lq_count.reference == "graph"
    assert any("1/4" in c and "Baseline" in c for c in report.caveats)


def test_the_bundled_baseline_invents_no_figures():
    import csv
    from pathlib import Path

    rows = list(csv.DictReader((Path(__file__).resolve().parents[1] / "data" / "baselines.csv").open(encoding="utf-8")))
    for row in rows:  # only figures with a named public source; public knowledge is unverified
        assert row["source"] and row["year"]
        if row["source"] == "curated-public-knowledge":
            assert row["verified"] == "false"


# --------------------------------------------------------------------------- item 2: corporate groups


def test_parents_of_local_plants_are_not_new_targets(bundled_store):
    """Finding: 宁德时代 was a 强链 target although 江苏时代 (溧阳) is local; likewise 北汽蓝谷."""
    result = chain_targets(bundled_store, chain="新能源汽车及动力电池")
    names = [t.name for t in result.targets]
    assert "宁德时代新能源科技股份有限公司" not in names and "北汽蓝谷新能源科技股份有限公司" not in names
    expansions = {x.name: x for x in result.expansions}
    catl = expansions["宁德时代新能源科技股份有限公司"]
    assert catl.direction == "增资扩产/以商招商"
    assert ("ent-jiangsu-catl", "江苏时代新能源科技有限公司") in catl.local_members
    link = next(e for e in catl.evidence if e.relationship == "SUBSIDIARY_OF")
    assert (link.subject, link.other, link.source, link.verified) == (
        "ent-jiangsu-catl", "ent-catl", "curated-public-knowledge", False)
    assert "北汽蓝谷新能源科技股份有限公司" in expansions
    assert any("增资扩产" in c for c in result.caveats)


def test_a_group_is_present_through_any_member():
    # 丙 (苏州) is the parent of a branch in 常州: it is no new target but an expansion
    store = _store(NodeRecord("Enterprise", "e-d", {"name": "丙示例部件常州分公司", **_P}),
                   EdgeRecord("LOCATED_IN", "e-d", "320400", _P), EdgeRecord("BRANCH_OF", "e-d", "e-c", _P))
    result = chain_targets(store, chain="示例链")
    assert [t.name for t in result.targets] == []
    assert [(x.name, x.local_members) for x in result.expansions] == [
        ("丙示例部件有限公司", [("e-d", "丙示例部件常州分公司")])]
    assert result.counts["group_present"] == 1
    assert result.expansions[0].evidence[0].relationship == "BRANCH_OF"


def test_bundled_group_links_are_real_enterprises_with_provenance(bundled_store):
    from queries.groups import enterprise_groups

    groups = enterprise_groups(bundled_store)
    assert len(groups.links) >= 2
    ids = set(bundled_store.nodes("Enterprise", ["id"])["id"])
    for link in groups.links:
        assert link.child in ids and link.parent in ids and link.child != link.parent
        assert link.source == "curated-public-knowledge" and not link.verified


# --------------------------------------------------------------------------- issue 16: inactive enterprises


def _registration(enterprise: str, status: str, as_of: str = "2026-11-30") -> list:
    return [NodeRecord("Registration", f"r-{enterprise}", {"name": enterprise, "status": status,
                                                          "status_as_written": status, **{**_P, "as_of": as_of}}),
            EdgeRecord("HAS_REGISTRATION", enterprise, f"r-{enterprise}", {**_P, "as_of": as_of})]


def test_targets_drop_inactive_enterprises_and_say_so():
    assert [t.key for t in chain_targets(_store(), chain="示例链").targets] == ["e-c"]
    result = chain_targets(_store(*_registration("e-c", "注销")), chain="示例链")
    assert result.targets == [] and result.counts["inactive_excluded"] == 1
    assert any("1 家" in c and "注销" in c and "2026-11-30" in c for c in result.caveats)


def test_gaps_drop_inactive_enterprises_and_say_so():
    before = chain_gaps(_store(), chain="示例链")
    after = chain_gaps(_store(*_registration("e-a", "吊销", "2026-10-01")), chain="示例链")
    assert before.segment("材料").local_count == 1 and after.segment("材料").local_count == 0
    assert after.segment("材料").status == "缺链"
    assert after.national_enterprises == before.national_enterprises - 1
    assert after.segment("材料").national_count == before.segment("材料").national_count - 1
    assert any("1 家企业登记状态为注销/吊销/撤销" in c and "2026-10-01" in c for c in after.caveats)
    # a later 存续 record revives it
    revived = _registration("e-a", "吊销", "2026-10-01") + [
        NodeRecord("Registration", "r2", {"name": "e-a", "status": "存续", **{**_P, "as_of": "2026-11-01"}}),
        EdgeRecord("HAS_REGISTRATION", "e-a", "r2", {**_P, "as_of": "2026-11-01"})]
    assert chain_gaps(_store(*revived), chain="示例链").segment("材料").local_count == 1


# --------------------------------------------------------------------------- item 4: a shortlist a person accepts


def _pool(*extra) -> TableStore:
    """The fixture plus a listed giant and a 专精特新小巨人 mid-size firm, both in 苏州, both making 部件 (缺链 → 补链)
    and 材料 (弱链 → 强链) — with the same capability and the same place, only size and designations differ."""
    n, e = NodeRecord, EdgeRecord
    return _store(
        n("Enterprise", "e-giant", {"name": "巨型示例集团股份有限公司", "designations": "上市", "revenue_yi": 3000.0,
                                    **_P}),
        n("Enterprise", "e-mid", {"name": "小巨人示例精密有限公司", "designations": "专精特新小巨人", "revenue_yi": 4.0,
                                  **_P}),
        e("LOCATED_IN", "e-giant", "320500", _P), e("LOCATED_IN", "e-mid", "320500", _P), *extra)


def test_specialists_rank_fairly_against_giants_for_filling_a_gap():
    n, e = NodeRecord, EdgeRecord
    fill = chain_targets(_pool(e("OPERATES_IN", "e-giant", "s-part", _P), e("OPERATES_IN", "e-mid", "s-part", _P)),
                         chain="示例链", use_chokepoints=False)
    by_key = {t.key: t for t in fill.targets}
    assert by_key["e-mid"].score > by_key["e-giant"].score  # 补链: capability, not scale
    assert by_key["e-mid"].signals["企业实力"] == 3 + 2 and by_key["e-giant"].signals["企业实力"] == 4
    strength = next(r for r in by_key["e-giant"].reasons if r.signal == "企业实力")
    assert "补链不按规模计分" in strength.text
    grow = chain_targets(_pool(e("OPERATES_IN", "e-giant", "s-mat", _P), e("OPERATES_IN", "e-mid", "s-mat", _P)),
                         chain="示例链", use_chokepoints=False)
    by_key = {t.key: t for t in grow.targets}
    assert by_key["e-giant"].score > by_key["e-mid"].score  # 强链: scale counts as before
    assert by_key["e-giant"].signals["企业实力"] == 4 + 3


def test_filters_in_the_library():
    from queries.target_filters import TargetFilter

    store = _pool(EdgeRecord("OPERATES_IN", "e-giant", "s-part", _P), EdgeRecord("OPERATES_IN", "e-mid", "s-part", _P))
    every = chain_targets(store, chain="示例链")
    assert len(every.targets) == 3
    unlisted = chain_targets(store, chain="示例链", filters=TargetFilter(listed=False), top=1)
    assert [t.key for t in unlisted.targets] == [every.targets[0].key] and not any(
        t.key == "e-giant" for t in unlisted.targets)
    assert unlisted.counts["matching"] == 2 and any("非上市" in c for c in unlisted.caveats)
    small = chain_targets(store, chain="示例链", filters=TargetFilter(designations=("专精特新小巨人",)))
    assert [t.key for t in small.targets] == ["e-mid"]
    assert small.targets[0].rank == [t.key for t in every.targets].index("e-mid") + 1  # the overall rank stays


def test_every_target_has_a_one_line_why_naming_its_carriers():
    from queries._fixture import fixture_store_with_carriers

    result = chain_targets(fixture_store_with_carriers(), chain="示例链")
    target = result.targets[0]
    assert "\n" not in target.why and target.why.startswith("补链「部件")
    assert "可落户示例高新区" in target.why
    carrier = next(r for r in target.reasons if r.signal == "载体")
    assert carrier.points == 0 and "示例高新区" in carrier.text and "示例控制研究院" in carrier.text
    assert all(ev.source for ev in carrier.evidence)
    assert {c["name"] for c in target.carriers} == {"示例高新区", "示例控制研究院"}


def test_gaps_count_platforms_apart_from_enterprises():
    from queries._fixture import fixture_store_with_carriers

    report = chain_gaps(fixture_store_with_carriers(), chain="示例链")
    assert report.segment("部件").platforms == ["示例控制研究院"] and report.segment("部件").local_count == 0
    assert any("平台" in c and "不计入本地企业数" in c for c in report.caveats)


def test_targets_cli_filters_and_why(run, bundled_home):
    import json

    result = run("--home", str(bundled_home), "targets", "--chain", "新能源汽车及动力电池", "--unlisted")
    assert result.exit_code == 0, result.output
    assert "why this one" in result.output and "增资扩产/以商招商" in result.output
    data = json.loads(run("--home", str(bundled_home), "targets", "--chain", "新能源汽车及动力电池", "--listed",
                          "--province", "广东", "--min-score", "5", "--format", "json").output)
    assert data["targets"] and all(t["province"] == "440000" and t["score"] >= 5 for t in data["targets"])
    assert all(t["why"] for t in data["targets"])
    assert {x["name"] for x in data["expansions"]} >= {"宁德时代新能源科技股份有限公司"}
    seg = run("--home", str(bundled_home), "targets", "--chain", "新能源汽车及动力电池", "--segment", "电池材料",
              "--format", "csv")
    assert seg.exit_code == 0 and "电池材料" in seg.output
    bad = run("--home", str(bundled_home), "targets", "--chain", "新能源汽车及动力电池", "--segment", "光刻胶")
    assert bad.exit_code == 2 and "光刻胶" in bad.output


# --------------------------------------------------------------------------- item 2: groups from an import


def test_import_links_parents_from_a_parent_column_and_reviews_the_rest(run, tmp_path):
    import csv
    import json

    from openpyxl import load_workbook

    path = tmp_path / "名录.csv"
    path.write_text(
        "企业名称,所属区县,经营范围,母公司\n"
        "常州虚构电芯材料有限公司,溧阳市,锂离子电池电解液制造,宁德时代新能源科技股份有限公司（100%）\n"
        "常州虚构电芯材料有限公司武进分公司,武进区,锂离子电池电解液销售,常州虚构电芯材料有限公司\n"
        "常州虚构配套件有限公司,武进区,汽车零部件制造,某不存在控股集团有限公司（60%）、张三（40%）\n"
        "常州虚构个人独资厂,武进区,五金加工,李四\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("import", "enterprises", path, "--out", out, "--source", "groups", "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.output

    def rows(name):
        with (out / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    ids = {r["name"]: r["id"] for r in rows("enterprises.csv")}
    subsidiaries = {(r["from"], r["to"]): r for r in rows("subsidiary_of.csv")}
    assert (ids["常州虚构电芯材料有限公司"], "ent-catl") in subsidiaries
    link = subsidiaries[(ids["常州虚构电芯材料有限公司"], "ent-catl")]
    assert link["as_written"] == "宁德时代新能源科技股份有限公司" and link["source"] == "groups"
    assert "[母公司]" in link["evidence"]
    assert [(r["from"], r["to"]) for r in rows("branch_of.csv")] == [
        (ids["常州虚构电芯材料有限公司武进分公司"], ids["常州虚构电芯材料有限公司"])]
    assert len(subsidiaries) == 1  # the unknown group is not invented, the person is no parent
    review = [r for r in load_workbook(out / "review" / "review.xlsx").worksheets[0].iter_rows(values_only=True)]
    text = json.dumps(review, ensure_ascii=False, default=str)
    assert "某不存在控股集团有限公司 is not an enterprise of the graph" in text and "李四 is not" not in text
    # built with the bundled data, the parent is no new target but an expansion
    home = tmp_path / "home"
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    assert run("--home", str(home), "-q", "build", "--data", str(data), "--data", str(out)).exit_code == 0
    from graph.embedded import EmbeddedStore
    from queries.groups import enterprise_groups

    groups = enterprise_groups(EmbeddedStore.open(home))
    assert ids["常州虚构电芯材料有限公司武进分公司"] in groups.members("ent-catl")
