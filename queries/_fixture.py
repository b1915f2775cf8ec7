"""A tiny hand-made graph for docstring examples and tests.

One cluster 示例装备 with one chain 示例链 of four segments
(材料 → 部件 → 整机 → 服务), two local enterprises in 常州市 and one
outside in 苏州市, one technology.
"""

from __future__ import annotations

from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records

__all__ = ["fixture_records", "fixture_store", "carrier_records", "fixture_store_with_carriers"]

_P = {"source": "synthetic", "as_of": "2026-01-01"}


def fixture_records() -> list[NodeRecord | EdgeRecord]:
    n, e = NodeRecord, EdgeRecord
    records: list[NodeRecord | EdgeRecord] = [
        n("Source", "synthetic", {"title": "测试数据", "kind": "synthetic", **_P}),
        n("Region", "CHN", {"name": "中国", "level": "country", **_P}),
        n("Region", "320000", {"name": "江苏省", "level": "province", **_P}),
        n("Region", "320400", {"name": "常州市", "level": "prefecture", **_P}),
        n("Region", "320412", {"name": "武进区", "level": "county", **_P}),
        n("Region", "320500", {"name": "苏州市", "level": "prefecture", **_P}),
        e("WITHIN", "320000", "CHN", _P), e("WITHIN", "320400", "320000", _P),
        e("WITHIN", "320412", "320400", _P), e("WITHIN", "320500", "320000", _P),
        n("Cluster", "cl-demo", {"name": "示例装备", "target_scale_yi": 100, "target_year": 2022, **_P}),
        n("Chain", "ch-demo", {"name": "示例链", **_P}),
        e("IN_CLUSTER", "ch-demo", "cl-demo", _P),
    ]
    for layer, (sid, name, pos) in enumerate(
        [("s-mat", "材料", "upstream"), ("s-part", "部件", "midstream"),
         ("s-whole", "整机", "downstream"), ("s-svc", "服务", "downstream")], 1):
        records += [n("Segment", sid, {"name": name, "position": pos, "layer": layer, **_P}),
                    e("SEGMENT_OF", sid, "ch-demo", _P)]
    records += [
        e("FEEDS", "s-mat", "s-part", _P), e("FEEDS", "s-part", "s-whole", _P), e("FEEDS", "s-whole", "s-svc", _P),
        n("Technology", "t-ctl", {"name": "示例控制技术", **_P}),
        e("KEY_TO", "t-ctl", "s-part", _P), e("BREAKTHROUGH_FOR", "t-ctl", "cl-demo", _P),
        n("Enterprise", "e-a", {"name": "甲示例材料有限公司", "aliases": "甲材料", **_P}),
        n("Enterprise", "e-b", {"name": "乙示例整机有限公司", "aliases": "乙整机", "designations": "上市", **_P}),
        n("Enterprise", "e-c", {"name": "丙示例部件有限公司", "aliases": "丙部件", **_P}),
        e("LOCATED_IN", "e-a", "320412", _P), e("LOCATED_IN", "e-b", "320400", _P),
        e("LOCATED_IN", "e-c", "320500", _P),
        e("OPERATES_IN", "e-a", "s-mat", _P), e("OPERATES_IN", "e-b", "s-whole", _P),
        e("OPERATES_IN", "e-c", "s-part", _P),
        e("ANCHORS", "e-b", "cl-demo", {"as_written": "乙整机", **_P}),
        e("MASTERS", "e-c", "t-ctl", _P),
        e("SUPPLIES", "e-c", "e-b", {"product": "部件", **_P}),
    ]
    return records


def fixture_store() -> TableStore:
    schema = load_schema()
    tables = load_tables([], records=raw_tables_from_records(fixture_records(), schema, "fixture"), schema=schema)
    return TableStore(tables)


def carrier_records() -> list[NodeRecord | EdgeRecord]:
    """A platform, a park, a key project and a 七个一 statement for the demo chain (issue 22)."""
    n, e = NodeRecord, EdgeRecord
    return [
        n("Platform", "p-lab", {"name": "示例控制研究院", "kind": "研究院", "evidence": "发挥示例控制研究院的作用。", **_P}),
        e("WORKS_ON", "p-lab", "t-ctl", {"evidence": "示例控制研究院主攻示例控制技术。", **_P}),
        e("PLATFORM_LOCATED_IN", "p-lab", "320412", _P),
        n("Park", "k-zone", {"name": "示例高新区", "kind": "高新区", "level": "国家级", **_P}),
        e("FOCUSES_ON", "k-zone", "s-part", {"to_label": "Segment", "evidence": "示例高新区重点发展部件。", **_P}),
        e("PARK_LOCATED_IN", "k-zone", "320412", _P),
        n("Project", "j-line", {"name": "乙整机二期项目", "investor": "乙整机", "investment_yi": 12.5, "stage": "开工",
                                "year": 2025, **_P}),
        e("INVESTED_BY", "j-line", "e-b", _P), e("IN_CHAIN", "j-line", "ch-demo", _P),
        e("AT_PARK", "j-line", "k-zone", _P),
        n("MechanismItem", "m-plan", {"item": "推进工作方案", "quote": "示例链已制定推进工作方案。", "status": "已完成", **_P}),
        e("ITEM_OF", "m-plan", "ch-demo", _P),
    ]


def fixture_store_with_carriers() -> TableStore:
    """The fixture graph with :func:`carrier_records` added."""
    schema = load_schema()
    records = fixture_records() + carrier_records()
    tables = load_tables([], records=raw_tables_from_records(records, schema, "fixture"), schema=schema)
    return TableStore(tables)
