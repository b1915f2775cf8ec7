"""A hand-made graph for the target ranking and the catalogue tests.

Chain 测试链 (cluster 测试集群): 材料 (1, upstream) → 部件 (2) → 整机 (3) → 服务 (4, downstream).
Key technology 测试控制技术 is KEY_TO 部件. Region R = 常州市 (320400, in 江苏省 320000).

Local (in 常州市):  L1 常州整机 operates in 整机, ANCHORS the cluster (key enterprise);
                    L2 武进材料 operates in 材料.
So, from the gap analysis: 材料 弱链 (→ 强链), 部件 缺链 between local 材料 and 整机 (断链, → 补链),
整机 弱链 (→ 强链), 服务 缺链 below the last local segment (→ 延链). 测试控制技术 is the chain's only
technology: no provider data (concentration C = 0.5 by default), no local capability (A = 1), the
broadest (B = 1), so queries.chokepoints scores it 100 × 1 × 0.5 × 1 = 50 ≥ 30: a choke point (a
technology need, 补链 like its segment). Mastering a choke point is worth 12 (a plain key technology 10,
as without the choke-point analysis: then O3 has 13 and O4 10 for 能力匹配).

Outside candidates and their points (以商招商, 上下游配套, 能力匹配, 企业实力, 区位):

- O1 苏州:  部件 main; SUPPLIES L1 (key, in 整机 right below 部件)  → 30, 12, 10, 0, 5 = 57
- O2 深圳:  部件 main, 上市; SUPPLIES L2 (local, not key; 材料 is upstream, no fit)
                                                                   → 20, 0, 10, 4, 1 = 35
- O3 杭州:  部件 main + MASTERS the technology; 小巨人, revenue 150 亿元; supplied by X (材料, upstream)
                                                                   → 0, 8, 12+3, 5, 4 = 32
- X 青岛:   材料 main; SUPPLIES O3 (部件, downstream)               → 0, 12, 10, 0, 2 = 24
- O4 日本:  MASTERS the technology; 上市 + 单项冠军 + revenue 2000 (11, capped 10)
                                                                   → 0, 0, 12, 10, 0 = 22
- O6 苏州:  部件 main + 整机 main                                   → 0, 0, 13, 0, 5 = 18
- O7 苏州:  整机 main; 高新技术企业, 20000 employees (revenue unknown)
                                                                   → 0, 0, 10, 3, 5 = 18 (after O6 by key)
- O5 杭州:  服务 as secondary business (main=false)                 → 0, 0, 5, 0, 4 = 9

Left out: U1 (operates in 部件, no location), S1 (synthetic, 苏州, 部件 main, 上市: 19 when included,
between O4 and O6),
L1/L2 (local). Three more chains exercise names: a hostile one, two long ones that collide after 31
characters; one of them has a candidate with a hostile name and one with a formula-like name.
"""

from __future__ import annotations

from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records

__all__ = ["records", "store", "EXPECTED_ORDER", "EXPECTED_SCORES", "HOSTILE", "FORMULA", "LONG_A", "LONG_B",
           "HOSTILE_CHAIN"]

P = {"source": "fx", "as_of": "2026-03-01"}
PK = {"source": "fx-public", "as_of": "2026-03-02", "verified": "false"}
SYN = {"source": "syn", "as_of": "2026-01-01", "verified": "false"}

#: the expected ranking (keys) and scores, reasoned out in the module docstring
EXPECTED_ORDER = ["e-o1", "e-o2", "e-o3", "e-x", "e-o4", "e-o6", "e-o7", "e-o5"]
EXPECTED_SCORES = {"e-o1": (30, 12, 10, 0, 5), "e-o2": (20, 0, 10, 4, 1), "e-o3": (0, 8, 15, 5, 4),
                   "e-x": (0, 12, 10, 0, 2), "e-o4": (0, 0, 12, 10, 0), "e-o6": (0, 0, 13, 0, 5),
                   "e-o7": (0, 0, 10, 3, 5), "e-o5": (0, 0, 5, 0, 4)}
HOSTILE = "<img src=x onerror=alert(1)>&\"'有限公司"
FORMULA = '=HYPERLINK("x","点我")'
HOSTILE_CHAIN = "测试/链:[2]*?<b>"
LONG_A = "一条名字非常非常长的产业链用来测试工作表名称最多三十一个字符的限制甲"
LONG_B = "一条名字非常非常长的产业链用来测试工作表名称最多三十一个字符的限制乙"


def records(*, leader: bool = False, extra_customer: bool = False) -> list:
    """The records; ``leader`` adds LEADS L2 → 测试链, ``extra_customer`` adds O1 SUPPLIES L2."""
    n, e = NodeRecord, EdgeRecord
    out = [
        n("Source", "fx", {"title": "测试数据（文件）", "kind": "document", **P}),
        n("Source", "fx-public", {"title": "测试数据（公开知识）", "kind": "curated-public-knowledge", **P}),
        n("Source", "syn", {"title": "合成数据", "kind": "synthetic", **P}),
    ]
    regions = [("CHN", "中国", "country", None), ("JPN", "日本", "country", None),
               ("320000", "江苏省", "province", "CHN"), ("320400", "常州市", "prefecture", "320000"),
               ("320412", "武进区", "county", "320400"), ("320500", "苏州市", "prefecture", "320000"),
               ("330000", "浙江省", "province", "CHN"), ("330100", "杭州市", "prefecture", "330000"),
               ("370000", "山东省", "province", "CHN"), ("370200", "青岛市", "prefecture", "370000"),
               ("440000", "广东省", "province", "CHN"), ("440300", "深圳市", "prefecture", "440000")]
    for code, name, level, parent in regions:
        out.append(n("Region", code, {"name": name, "level": level, **P}))
        if parent:
            out.append(e("WITHIN", code, parent, P))
    out += [
        n("Cluster", "cl-t", {"name": "测试集群", "tier": "500亿元级", "target_scale_yi": 500, "target_year": 2025, **P}),
        n("Chain", "ch-t", {"name": "测试链", "target_scale_yi": 120, "target_year": 2025, **P}),
        e("IN_CLUSTER", "ch-t", "cl-t", P),
    ]
    for layer, (sid, name, pos) in enumerate([("s-a", "材料", "upstream"), ("s-b", "部件", "midstream"),
                                              ("s-c", "整机", "downstream"), ("s-d", "服务", "downstream")], 1):
        out += [n("Segment", sid, {"name": name, "position": pos, "layer": layer, **P}), e("SEGMENT_OF", sid, "ch-t", P)]
    out += [e("FEEDS", "s-a", "s-b", P), e("FEEDS", "s-b", "s-c", P), e("FEEDS", "s-c", "s-d", P),
            n("Technology", "t-1", {"name": "测试控制技术", **P}), e("KEY_TO", "t-1", "s-b", P)]

    def firm(key, name, place, segments=(), *, props=None, fact=PK, main=True):
        rows = [n("Enterprise", key, {"name": name, **(props or {}), **fact})]
        if place:
            rows.append(e("LOCATED_IN", key, place, fact))
        for seg in segments:
            rows.append(e("OPERATES_IN", key, seg, {"products": "主要产品", "main": "true" if main else "false", **fact}))
        return rows

    out += firm("e-l1", "常州整机有限公司", "320400", ["s-c"])
    out += [e("ANCHORS", "e-l1", "cl-t", {"as_written": "常州整机", **P})]
    out += firm("e-l2", "武进材料有限公司", "320412", ["s-a"])
    out += firm("e-o1", "苏州部件有限公司", "320500", ["s-b"])
    out += [e("SUPPLIES", "e-o1", "e-l1", {"product": "部件", "year": 2025, **PK})]
    out += firm("e-o2", "深圳部件股份有限公司", "440300", ["s-b"],
                props={"designations": "上市", "exchange": "SZSE", "stock_code": "300000"})
    out += [e("SUPPLIES", "e-o2", "e-l2", {"product": "设备", **PK})]
    out += firm("e-o3", "杭州部件有限公司", "330100", ["s-b"],
                props={"designations": "专精特新|专精特新小巨人", "revenue_yi": 150, "revenue_year": 2025})
    out += [e("MASTERS", "e-o3", "t-1", {"note": "控制器", **PK})]
    out += firm("e-x", "青岛材料有限公司", "370200", ["s-a"])
    out += [e("SUPPLIES", "e-x", "e-o3", {"product": "材料", **PK})]
    out += firm("e-o4", "日本测试株式会社", "JPN",
                props={"designations": "上市|制造业单项冠军", "exchange": "TSE", "stock_code": "9999",
                       "revenue_yi": 2000, "revenue_year": 2025})
    out += [e("MASTERS", "e-o4", "t-1", PK)]
    out += firm("e-o5", "杭州服务有限公司", "330100", ["s-d"], main=False)
    out += firm("e-o6", "苏州整机部件有限公司", "320500", ["s-b", "s-c"])
    out += firm("e-o7", "苏州整机有限公司", "320500", ["s-c"],
                props={"designations": "高新技术企业", "employees": 20000, "employees_year": 2025})
    out += firm("e-u1", "无处部件有限公司", None, ["s-b"])
    out += firm("e-s1", "合成企业（虚构）", "320500", ["s-b"], props={"designations": "上市"}, fact=SYN)
    # chains that exercise names in files and sheets
    for key, name, seg in (("ch-h", HOSTILE_CHAIN, "s-h"), ("ch-la", LONG_A, "s-la"), ("ch-lb", LONG_B, "s-lb")):
        out += [n("Chain", key, {"name": name, **P}), e("IN_CLUSTER", key, "cl-t", P),
                n("Segment", seg, {"name": f"{name}环节", "position": "midstream", "layer": 1, **P}),
                e("SEGMENT_OF", seg, key, P)]
    out += firm("e-h1", HOSTILE, "320500", ["s-h"])
    out += firm("e-h2", FORMULA, "330100", ["s-h"])
    if leader:
        out.append(e("LEADS", "e-l2", "ch-t", P))
    if extra_customer:
        out.append(e("SUPPLIES", "e-o1", "e-l2", {"product": "部件", **PK}))
    return out


def store(*, reverse: bool = False, **options) -> TableStore:
    """The fixture as a store; ``reverse`` feeds the records in reverse order (the result must not change)."""
    schema = load_schema()
    recs = records(**options)
    if reverse:
        recs = recs[::-1]
    tables = load_tables([], records=raw_tables_from_records(recs, schema, "targets-fixture"), schema=schema)
    return TableStore(tables)
