"""招商目标: the ranking on a hand-made graph (order reasoned out in tests/targets_fixture.py), the
reasons and their evidence, synthetic and local exclusion, determinism, the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

import targets_fixture as fx
from queries.gaps import chain_gaps
from queries.show import KINDS, describe
from queries.targets import (
    SIGNALS,
    TargetWeights,
    chain_needs,
    chain_targets,
    segment_directions,
)

KIND_OF = {label: kind for kind, label in KINDS.items()}


@pytest.fixture(scope="module")
def store():
    return fx.store()


@pytest.fixture(scope="module")
def result(store):
    return chain_targets(store, chain="测试链")


def test_needs_and_directions(store):
    report = chain_gaps(store, chain="测试链")
    directions = {k: d for k, (d, _) in segment_directions(report).items()}
    # 材料 and 整机 have one local enterprise each (弱链 → 强链); 部件 sits between them (断链 → 补链);
    # 服务 lies below the last local segment (延链).
    assert directions == {"s-a": "强链", "s-b": "补链", "s-c": "强链", "s-d": "延链"}
    found = chain_needs(store, report, store.region_subtree("320400"))
    assert [(n.key, n.status, n.direction) for n in found.needs] == [
        ("s-a", "弱链", "强链"), ("s-b", "缺链", "补链"), ("s-c", "弱链", "强链"), ("s-d", "缺链", "延链"),
        ("t-1", "卡脖子", "补链")]
    assert found.method == "queries.chokepoints"
    assert [(c["key"], c["score"], c["choke"]) for c in found.chokepoints] == [("t-1", 50.0, True)]
    assert found.needs[-1].choke_score == 50.0 and found.needs[-1].evidence[0].relationship == "KEY_TO"
    # a stricter threshold leaves no technology need
    strict = chain_needs(store, report, store.region_subtree("320400"), choke_score=60)
    assert [n.key for n in strict.needs] == ["s-a", "s-b", "s-c", "s-d"]
    fallback = chain_needs(store, report, store.region_subtree("320400"), use_chokepoints=False)
    assert fallback.needs[-1].status == "关键技术" and fallback.method == "key-technologies"
    assert fallback.chokepoints is None


def test_ranking_follows_the_reasoned_order(result):
    assert [t.key for t in result.targets] == fx.EXPECTED_ORDER
    for t in result.targets:
        assert tuple(t.signals[s] for s in SIGNALS) == fx.EXPECTED_SCORES[t.key], t.key
        assert t.score == sum(fx.EXPECTED_SCORES[t.key])
    assert [t.rank for t in result.targets] == list(range(1, len(fx.EXPECTED_ORDER) + 1))
    # O6 and O7 tie at 18: the key decides
    tied = [t.key for t in result.targets if t.score == 18]
    assert tied == ["e-o6", "e-o7"]


def test_reasons_say_why_with_points_that_add_up(result):
    o1 = result.targets[0]
    assert [r.signal for r in o1.reasons] == ["以商招商", "上下游配套", "能力匹配", "区位"]
    assert sum(r.points for r in o1.reasons) == o1.score
    assert o1.reasons[0].text == "已向常州市企业供货：常州整机有限公司〔重点企业〕（部件）"
    assert o1.reasons[1].text == "向下游环节「整机」企业常州整机有限公司供货"
    assert o1.reasons[3].text == "位于江苏省苏州市，与常州市同省"
    o3 = next(t for t in result.targets if t.key == "e-o3")
    assert "从上游环节「材料」企业青岛材料有限公司采购" in o3.reasons[0].text
    assert "掌握卡脖子技术「测试控制技术」" in o3.reasons[1].text
    # matched only to a gap (补链): the 小巨人 earns fill_specialist instead of its revenue tier (issue 17)
    assert o3.reasons[2].text == ("专精特新、专精特新小巨人；营收 150 亿元（2025 年）；补链看专长：专精特新、单项冠军类资质另加分；"
                                  "补链不按规模计分")
    o4 = next(t for t in result.targets if t.key == "e-o4")
    assert o4.reasons[-1].signal == "区位" and o4.reasons[-1].points == 0 and "境外" in o4.reasons[-1].text
    assert "上市（TSE 9999）" in o4.reasons[1].text
    for t in result.targets:
        assert t.reasons and all(r.text and r.evidence for r in t.reasons), t.key


def test_every_evidence_fact_is_in_show(store, result):
    """Each fact behind a reason appears in `chainkg show` of its subject, with the same source and as_of."""
    checked = 0
    for target in result.targets:
        for ev in target.evidence:
            view = describe(store, KIND_OF[ev.subject_label], ev.subject)
            assert view["key"] == ev.subject
            if ev.relationship:
                listed = view["relations"][ev.relationship][ev.direction]
                hits = [x for x in listed if x["key"] == ev.other and x["source"] == ev.source
                        and x["as_of"] == ev.as_of]
                assert hits, (target.key, ev.fact)
                for prop, value in ev.properties.items():
                    assert any(x.get(prop) == value for x in hits), (ev.fact, prop)
            else:
                assert view["node"][ev.property] == ev.value, ev.fact
                assert view["node"]["source"] == ev.source and view["node"]["as_of"] == ev.as_of
            checked += 1
    assert checked > 30


def test_targets_carry_caveats_for_unverified_facts(result):
    o1 = result.targets[0]
    assert not o1.verified
    assert any("verified=false" in c for c in o1.caveats)
    assert o1.sources == ["fx", "fx-public"]
    assert o1.as_of == "2026-03-02"
    assert any("verified=false" in c for c in result.caveats)
    assert result.as_of == "2026-03-02" and result.sources and result.caveats


def test_local_unlocated_and_synthetic_enterprises_are_left_out(store, result):
    keys = {t.key for t in result.targets}
    assert not keys & {"e-l1", "e-l2", "e-u1", "e-s1"}
    assert result.counts["excluded_local"] == 2 and result.counts["unlocated"] == 1
    assert any("没有所在地" in c for c in result.caveats)
    assert any("已排除" in c and "synthetic" in c for c in result.caveats)
    local = store.region_subtree("320400")
    assert all(t.region not in local for t in result.targets)


def test_synthetic_enterprises_join_only_when_asked(store):
    with_synthetic = chain_targets(store, chain="测试链", include_synthetic=True)
    order = [t.key for t in with_synthetic.targets]
    # S1: 部件 main 10 + 上市 4 + 同省 5 = 19, between O4 (20) and O6 (18)
    assert order == fx.EXPECTED_ORDER[:5] + ["e-s1"] + fx.EXPECTED_ORDER[5:]
    s1 = with_synthetic.targets[5]
    assert s1.synthetic and any("synthetic" in c for c in s1.caveats)
    assert any("包含合成" in c for c in with_synthetic.caveats)


def test_chain_leader_and_further_customers_raise_the_local_signal():
    led = chain_targets(fx.store(leader=True), chain="测试链")
    o2 = next(t for t in led.targets if t.key == "e-o2")
    assert o2.signals["以商招商"] == 30 and "武进材料有限公司〔链主〕" in o2.reasons[0].text
    assert any(e.relationship == "LEADS" for e in o2.reasons[0].evidence)
    more = chain_targets(fx.store(extra_customer=True), chain="测试链")
    o1 = more.targets[0]
    assert o1.signals["以商招商"] == 30 + 5 and o1.score == 62


def test_order_does_not_depend_on_the_input_order(result):
    again = chain_targets(fx.store(reverse=True), chain="测试链")
    assert [(t.key, t.score) for t in again.targets] == [(t.key, t.score) for t in result.targets]
    assert [[r.text for r in t.reasons] for t in again.targets] == [[r.text for r in t.reasons] for t in result.targets]


def test_without_the_choke_point_analysis_key_technologies_count_10(store):
    plain = chain_targets(store, chain="测试链", use_chokepoints=False)
    signals = {t.key: t.signals["能力匹配"] for t in plain.targets}
    assert signals["e-o3"] == 13 and signals["e-o4"] == 10
    assert [t.key for t in plain.targets] == fx.EXPECTED_ORDER
    assert plain.chokepoints is None and any("关键技术" in c for c in plain.caveats)
    o4 = next(t for t in plain.targets if t.key == "e-o4")
    assert "掌握关键技术「测试控制技术」" in o4.reasons[0].text


def test_top_and_weights(store):
    top = chain_targets(store, chain="测试链", top=3)
    assert [t.key for t in top.targets] == fx.EXPECTED_ORDER[:3] and top.candidates == 8
    # without the local signals O3 (by capability, strength and fit) leads
    flat = chain_targets(store, chain="测试链", weights=TargetWeights(supplies_key_local=0, supplies_local=0,
                                                                      per_extra_local_customer=0))
    assert flat.targets[0].key == "e-o3"


def test_another_region_sees_other_targets(store):
    hz = chain_targets(store, chain="测试链", region="杭州市")
    keys = [t.key for t in hz.targets]
    assert "e-o3" not in keys and "e-o5" not in keys  # located in 杭州
    assert {"e-l1", "e-l2"} <= set(keys)  # 常州 enterprises are outside 杭州


def test_bundled_targets_are_outside_changzhou_and_explained(bundled_store):
    local = bundled_store.region_subtree("320400")
    result = chain_targets(bundled_store, chain="工业机器人")
    assert result.targets
    located = bundled_store.edges("LOCATED_IN", ["from", "to"])
    where = dict(zip(located["from"], located["to"]))
    for t in result.targets:
        assert where[t.key] not in local
        assert t.reasons and t.evidence and all(e.source and e.as_of for e in t.evidence)


# --------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def fixture_home(tmp_path_factory):
    from graph.schema import load_schema
    from ingest.build import build
    from ingest.load import raw_tables_from_records

    home = tmp_path_factory.mktemp("targets-home")
    build([], home, records=raw_tables_from_records(fx.records(), load_schema(), "targets-fixture"))
    return home


def test_cli_json_csv_and_table(run, fixture_home):
    out = run("--home", fixture_home, "targets", "--chain", "测试链", "--format", "json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [t["key"] for t in data["targets"]] == fx.EXPECTED_ORDER
    assert data["as_of"] and data["sources"] and data["caveats"]
    assert data["targets"][0]["reasons"][0]["evidence"][0]["source"] == "fx-public"

    out = run("--home", fixture_home, "targets", "--chain", "测试链", "--top", "2", "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["key"] for r in rows] == fx.EXPECTED_ORDER[:2]
    assert rows[0]["score"] == "57" and rows[0]["以商招商"] == "30" and rows[0]["evidence"]

    out = run("--home", fixture_home, "-q", "targets", "--chain", "测试链")
    assert out.exit_code == 0, out.output
    assert "苏州部件有限公司" in out.output and "caveat:" in out.output


def test_cli_errors_exit_2(run, fixture_home):
    missing = run("--home", fixture_home, "targets", "--chain", "没有这条链")
    assert missing.exit_code == 2 and "no Chain named" in missing.output and "hint:" in missing.output
    assert "Traceback" not in missing.output
    bad_top = run("--home", fixture_home, "targets", "--chain", "测试链", "--top", "0")
    assert bad_top.exit_code == 2
    no_chain = run("--home", fixture_home, "targets")
    assert no_chain.exit_code == 2
