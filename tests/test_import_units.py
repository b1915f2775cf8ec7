"""Pieces of the importer: values, regions, segments, resolution, the region table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text, header_unit, amount, currency", [
    ("5000万元人民币", None, 5000.0, "CNY"),
    ("5000万人民币", None, 5000.0, "CNY"),
    ("1,200万美元", None, 1200.0, "USD"),
    ("１２００万（元）", None, 1200.0, "CNY"),
    ("3亿元", None, 30000.0, "CNY"),
    ("100万欧元", None, 100.0, "EUR"),
    ("500", "万", 500.0, "CNY"),
    ("2000000元", None, 200.0, "CNY"),
    ("50万港元", None, 50.0, "HKD"),
])
def test_registered_capital_in_the_forms_exports_write(text, header_unit, amount, currency):
    from ingest.importer.fields import parse_capital

    capital = parse_capital(text, unit_in_header=header_unit)
    assert (capital.amount_wan, capital.currency) == (amount, currency)


@pytest.mark.parametrize("text", ["500", "五千万", "5000万比特币", "abc"])
def test_capital_without_unit_or_with_an_unknown_one_is_refused(text):
    from ingest.importer.fields import parse_capital

    with pytest.raises(ValueError):
        parse_capital(text)


@pytest.mark.parametrize("text, low, high", [
    ("58", 58, 58), ("58人", 58, 58), ("50-99人", 50, 99), ("50~99", 50, 99), ("100至499人", 100, 499),
    ("少于50人", None, 49), ("50人以下", None, 50), ("1000人以上", 1000, None), ("10000+", 10000, None),
])
def test_headcounts(text, low, high):
    from ingest.importer.fields import parse_headcount

    count = parse_headcount(text)
    assert (count.low, count.high) == (low, high)


@pytest.mark.parametrize("text, status, active", [
    ("存续", "存续", True), ("在业", "存续", True), ("存续（在营、开业、在册）", "存续", True),
    ("注销", "注销", False), ("吊销，未注销", "吊销", False), ("吊销,已注销", "注销", False), ("迁出", "迁出", True),
])
def test_statuses(text, status, active):
    from ingest.importer.fields import parse_status

    assert parse_status(text) == (parse_status(text).__class__(status, active))


@pytest.mark.parametrize("kwargs, code", [
    ({"address": "江苏省常州市武进区湖塘镇人民中路1号"}, "320412"),
    ({"address": "常州市湖塘镇人民中路1号"}, "320412"),  # a town names the county
    ({"address": "江苏省常州经济开发区潞城街道"}, "320412"),  # a development zone
    ({"address": "常州市戚墅堰区某路"}, "320412"),  # a former district, merged in 2015
    ({"address": "南京市鼓楼区中山路1号"}, "320106"),
    ({"address": "福建省福州市鼓楼区五四路1号"}, "350102"),
    ({"province": "江苏", "city": "常州", "county": "武进"}, "320412"),
    ({"county": "金坛市"}, "320413"),
    ({"address": "常州市某路1号", "uscc": "91320412MA1000001D"}, "320412"),  # the registering authority refines
    ({"address": "陕西省延安市宝塔区"}, "610602"),
    ({"address": "常州市钟楼区延安路"}, "320404"),  # 延安路 is a street, not 延安市
])
def test_places(kwargs, code):
    from ingest.importer.regions import RegionIndex

    assert RegionIndex.load().place(**kwargs).code == code


def test_an_ambiguous_name_without_context_goes_to_review_with_candidates():
    from ingest.importer.regions import RegionIndex

    placement = RegionIndex.load().place(address="鼓楼区中山路1号")
    assert placement.code is None and placement.doubtful
    assert {"320106", "350102"} <= set(placement.candidates)
    assert "fits several regions" in placement.problems[0]


def test_a_registering_authority_elsewhere_is_a_problem_with_evidence():
    from ingest.importer.regions import RegionIndex

    placement = RegionIndex.load().place(address="江苏省苏州市吴中区某路", uscc="91320412MA1000001D")
    assert placement.code == "320506" and placement.doubtful
    assert "320412" in placement.problems[0] and "江苏省常州市武进区" in placement.problems[0]


def test_region_table_covers_china_and_keeps_the_curated_rows():
    with open(ROOT / "data" / "regions.csv", encoding="utf-8") as handle:
        regions = {row["code"]: row for row in csv.DictReader(handle)}
    with open(ROOT / "data" / "within.csv", encoding="utf-8") as handle:
        parent = {row["from"]: row["to"] for row in csv.DictReader(handle)}
    levels = [row["level"] for row in regions.values()]
    assert levels.count("province") == 34 and levels.count("prefecture") >= 330 and levels.count("county") >= 2800
    for code, name in (("320412", "武进区"), ("320413", "金坛区"), ("320400", "常州市"), ("CHN", "中国")):
        assert regions[code]["name"] == name and regions[code]["source"] == "curated"
    assert all(code in parent for code, row in regions.items() if row["level"] in ("county", "prefecture"))
    assert all(parent[c] in regions for c in parent)


def test_crosswalk_maps_old_codes():
    from ingest.importer.regions import RegionIndex

    index = RegionIndex.load()
    assert index.current_code("320482") == ("320413", "county")  # 金坛市 → 金坛区 (same name)
    assert index.current_code("320405") == ("320412", "county")  # 戚墅堰区 → 武进区 (curated merge)
    assert index.current_code("320504") == ("320508", "county")  # 金阊区 → 姑苏区
    assert index.current_code("320571")[1] == "prefecture"  # a development-zone code: only the city is known


@pytest.mark.parametrize("scope, industry, name, expected", [
    ("货物进出口；技术进出口；技术服务、技术开发、技术咨询", "", "常州某某贸易有限公司", []),
    ("一般项目：液压件制造", "", "", ["seg-acm-hydraulics"]),
    ("液压件销售；五金产品批发", "", "常州某某商贸有限公司", []),  # trade only: not a maker
    ("", "C3841", "", ["seg-nev-battery-cell"]),
    ("", "制造业 > 汽车制造业 > 汽车整车制造 > 新能源车整车制造", "", ["seg-nev-vehicle"]),
    ("纺纱机械的制造", "", "", ["seg-tm-spinning"]),  # the longer term wins: machinery, not yarn
])
def test_segment_decisions(scope, industry, name, expected):
    from ingest.importer.segments import SegmentClassifier

    result = SegmentClassifier.load().classify(scope=scope, industry=industry, name=name)
    assert [m.segment for m in result.assigned][:len(expected) or None] == expected or (
        not expected and not result.assigned)


def test_every_segment_has_a_vocabulary_and_every_crosswalk_row_is_known():
    from ingest.importer.text import read_vocab_csv, read_vocab_toml

    with open(ROOT / "data" / "segments.csv", encoding="utf-8") as handle:
        segments = {row["id"] for row in csv.DictReader(handle)}
    vocabulary = read_vocab_toml("segment_terms.toml")
    assert set(vocabulary) == segments
    assert all(entry.get("terms") for entry in vocabulary.values())
    codes = {row["code"] for row in read_vocab_csv("gbt4754.csv")}
    for row in read_vocab_csv("industry_segments.csv"):
        assert row["code"] in codes and row["segment"] in segments and 0 < float(row["weight"]) <= 1


@pytest.mark.parametrize("name, short, region, key", [
    ("江苏恒立液压股份有限公司", "", "320412", "ent-hengli-hydraulic"),  # same full name
    ("江苏恒立液压股份有限公司 ", "", None, "ent-hengli-hydraulic"),  # spaces do not matter
    ("天合光能股份有限公司", "", "320411", "ent-trina-solar"),
    ("某某（常州）恒立液压有限公司", "恒立液压", "320412", "ent-hengli-hydraulic"),  # short name, same region
    ("某某恒立液压有限公司", "恒立液压", "440305", None),  # same short name elsewhere: another company
    ("江苏恒立液压股份有限公司常州分公司", "", "320412", None),  # a branch is not its parent
])
def test_resolution_against_the_bundled_enterprises(name, short, region, key):
    from ingest.importer.regions import RegionIndex
    from ingest.importer.resolve import KnownEnterprises

    known = KnownEnterprises.load([ROOT / "data"])
    match = known.match(uscc="", name=name, short_name=short, region=region, within=RegionIndex.load().within)
    assert (match.key if match else None) == key
