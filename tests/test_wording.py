"""Reader wording (queries/wording.py): every schema term and setting has a Chinese name, and evidence,
reasons and caveats reworded for documents keep their facts and lose the schema's names.

The documents themselves are read back in tests/test_catalog.py and tests/test_web.py.
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

import targets_fixture as fx
from chainkg.errors import SchemaError
from graph.schema import load_schema
from queries.catalog import evidence_line
from queries.gaps import GapThresholds, chain_gaps
from queries.targets import chain_targets
from queries.wording import NAMES_PATH, _read_names, all_for_readers, display_name, for_readers, reader_terms

CJK = re.compile(r"[\u4e00-\u9fff]")


def technical_names() -> list[str]:
    """The names a document for readers must not show: relationship types, settings, snake_case properties."""
    terms = reader_terms()
    props = [p for p in terms.properties if "_" in p]
    return sorted({*terms.relationships, *terms.settings, *props}, key=len, reverse=True)


def names_left(text: str) -> list[str]:
    return [n for n in technical_names() if re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", text)]


@pytest.mark.parametrize("rel", sorted(load_schema().relationships))
def test_every_relationship_type_has_a_chinese_name(rel):
    """A new relationship type without a name in graph/ontology/terms.yaml fails here (and in the ontology)."""
    name = display_name(rel)
    assert name and CJK.search(name) and name != rel


def test_every_label_and_property_has_a_chinese_name():
    schema = load_schema()
    for label, spec in schema.labels.items():
        assert CJK.search(display_name(label) or ""), label
        for prop in spec.properties:
            assert CJK.search(display_name(prop) or ""), f"{label}.{prop}"
    for rel, spec in schema.relationships.items():
        for prop in spec.properties:
            assert CJK.search(display_name(prop) or ""), f"{rel}.{prop}"


def test_every_gap_threshold_has_a_setting_name_and_none_is_stale():
    settings = reader_terms().settings
    thresholds = {f.name for f in fields(GapThresholds)}
    assert thresholds <= set(settings), f"name these in {NAMES_PATH.name}: {sorted(thresholds - set(settings))}"
    assert set(settings) <= thresholds, f"no such setting: {sorted(set(settings) - thresholds)}"
    for setting in settings.values():
        assert CJK.search(setting.zh) and CJK.search(setting.threshold), setting


def test_every_choke_point_flag_has_a_name():
    """The flags queries/chokepoints.py can set (the 标记 column) all have a Chinese name, and none is stale."""
    import queries.chokepoints as module
    from pathlib import Path

    source = Path(module.__file__).read_text(encoding="utf-8")
    set_there = set(re.findall(r'flags(?:\.append\(|=\[)"([a-z-]+)"', source)) | set(module._EVIDENCE_FLAGS.values())
    assert len(set_there) >= 8
    assert set_there == set(reader_terms().flags)


@pytest.mark.parametrize("text", [
    "settings: {x: {zh: ''}}\nflags: {}\nvalues: {}",
    "settings: {x: {zh: 名, other: 1}}\nflags: {}\nvalues: {}",
    "settings: {}\nflags: {a: ''}\nvalues: {}",
    "settings: {}",
    "settings: [",
    "settings: {}\nflags: {}",
    "settings: {}\nflags: {}\nvalues: {kind: {tool: ''}}",
])
def test_the_names_file_is_checked(tmp_path, text):
    path = tmp_path / "names.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError):
        _read_names(path)


@pytest.mark.parametrize("line, expected", [
    # products with their own parentheses and commas, a false flag
    ("甲 —OPERATES_IN→ 泵（液压）（products=柱塞泵（高压），齿轮泵，main=false）〔fx，2026-03-01〕",
     "甲 —经营环节→ 泵（液压）（经营产品：柱塞泵（高压），齿轮泵，非主营）〔fx，2026-03-01〕"),
    # seen from the other end, with figures
    ("乙 ←SUPPLIES— 甲（product=部件，year=2025，share=12.5）〔fx-public，2026-03-02，未核实〕",
     "乙 ←供货给— 甲（产品：部件，年份：2025，份额（%）：12.5）〔fx-public，2026-03-02，未核实〕"),
    # a dossier fact: the source's words stay exactly as quoted, schema names and all
    ("平台 —SERVES→ 链〔curated，日期不详，未核实〕：“服务 KEY_TO（products=x）”",
     "平台 —服务产业链→ 链〔curated，日期不详，未核实〕：“服务 KEY_TO（products=x）”"),
    ("甲 —ANCHORS→ 集群（原文：甲公司）", "甲 —是重点企业于→ 集群（原文：甲公司）"),
    # property facts; a list's "|" becomes 、
    ("ABC Ltd.designations = 上市|专精特新〔fx，2026-03-01〕", "ABC Ltd，资质称号：上市、专精特新〔fx，2026-03-01〕"),
    ("甲.revenue_yi = 150", "甲，营业收入（亿元）：150"),
    # hostile and formula-like names pass through as text (the writers escape them)
    ('=HYPERLINK("x","y") —LOCATED_IN→ <b>杭州</b>〔fx，2026-03-01〕', '=HYPERLINK("x","y") —位于→ <b>杭州</b>〔fx，2026-03-01〕'),
])
def test_fact_lines_for_readers(line, expected):
    assert for_readers(line) == expected


def test_unknown_relationship_types_and_reader_text_are_left_alone():
    for text in ("甲 —NOT_A_TYPE→ 乙", "上市（SZSE 300001）", "主营：刻蚀设备、MOCVD", "区位熵（按企业数）1.20 ≥ 1.00",
                 "本地配套率 40%（4/10）", "功率器件（IGBT）", "chainkg curation: segments, FEEDS, links"):
        assert for_readers(text) == text


def test_targets_evidence_keeps_its_facts_in_chinese():
    """Every evidence line of the hand-made graph's targets: no schema name left, every name and value kept."""
    checked = 0
    for chain in ("测试链", fx.HOSTILE_CHAIN):
        result = chain_targets(fx.store(), chain=chain, top=None)
        for target in result.targets:
            for e in target.evidence:
                line = evidence_line(e)
                reader = for_readers(line)
                assert not names_left(reader), (line, reader)
                assert reader.startswith(e.subject_name) and reader.endswith(line[line.rindex("〔"):])
                if e.relationship:
                    assert f"{display_name(e.relationship)}" in reader and e.other_name in reader
                    for value in e.properties.values():
                        if not isinstance(value, bool):
                            assert str(value).replace("|", "、").split(".0")[0] in reader, (value, reader)
                else:
                    assert str(e.value).replace("|", "、").split(".0")[0] in reader
                checked += 1
    assert checked >= 30


def test_gap_reasons_name_thresholds_in_chinese_and_keep_their_figures():
    """The 依据 of every status (缺链, 弱链, 强链: thresholds met, failed, ties, reference notes)."""
    loose = GapThresholds(strong_min_local=1, strong_min_lq=0.0, strong_min_lq_size=0.0, strong_min_supply_ratio=0.0,
                          lq_min_reference=0, lq_max_local_share=1.0)
    reasons = []
    for thresholds in (GapThresholds(), loose, GapThresholds(strong_min_lq=1.0, lq_tie_margin=10.0, lq_min_reference=0,
                                                             lq_max_local_share=1.0)):
        report = chain_gaps(fx.store(), chain="测试链", thresholds=thresholds)
        reasons += [r for seg in report.segments for r in seg.reasons] + list(report.caveats)
    technical = [r for r in reasons if re.search(r"（[a-z_]+）|，[a-z_]+）", r)]
    assert len(technical) >= 5  # the analysts' form, in JSON and at the terminal
    for reason in reasons:
        reader = for_readers(reason)
        assert not names_left(reader), (reason, reader)
        number = r"\d+(?:\.\d+)?%?"
        assert re.findall(number, reader) == re.findall(number, reason), (reason, reader)
    assert "本地企业 0 家 ≤ 缺链阈值 0 家" in all_for_readers(reasons)


@pytest.mark.parametrize("reason, expected", [
    ("本地配套率 40%（4/10）≥ 30%（strong_min_supply_ratio）", "本地配套率 40%（4/10）≥ 强链阈值 30%"),
    ("区位熵（按营收）0.80 < 1.00（strong_min_lq_size）", "区位熵（按营收）0.80 < 强链阈值 1.00"),
    ("参照集不具代表性：图中该链全国企业的 60% 位于常州市 > 50%（lq_max_local_share）；可在 Baseline 表（data/baselines.csv）"
     "填入全国统计数", "参照集不具代表性：图中该链全国企业的 60% 位于常州市 > 参照集上限 50%；可在全国基准表填入全国统计数"),
    ("全国基准（Baseline）只覆盖该链 2/5 个环节", "全国基准只覆盖该链 2/5 个环节"),
    ("下游依赖：图中没有依赖它的环节或产品（缺少 KEY_TO/FEEDS 关系），B = 0", "下游依赖：图中没有依赖它的环节或产品，B = 0"),
    ("所列目标的 9 条证据中有 6 条为公开知识、未与文件核对（verified=false）", "所列目标的 9 条证据中有 6 条为公开知识、未与文件核对"),
])
def test_threshold_and_caveat_wording(reason, expected):
    assert for_readers(reason) == expected


def test_every_english_enum_value_has_a_chinese_word():
    """Pages for readers show the word (the web's node pages): every enum value of the schema written in
    English words has one, and every word is for a value the schema has."""
    from graph.schema import load_schema

    schema = load_schema()
    terms = reader_terms()
    enums: dict[str, set[str]] = {}
    for spec in [*schema.labels.values(), *schema.relationships.values()]:
        for name, prop in spec.properties.items():
            if prop.type in ("enum", "enum_list"):
                enums.setdefault(name, set()).update(str(v) for v in prop.values)
    english = {(p, v) for p, values in enums.items() for v in values if v.islower() and v.isascii()}
    assert english and not {(p, v) for p, v in english if not terms.value_name(p, v)}
    assert {(p, v) for p, words in terms.values.items() for v in words} <= {(p, v) for p, vs in enums.items()
                                                                          for v in vs}
