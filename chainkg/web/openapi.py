"""The OpenAPI 3.1 description of the workbench's JSON API (served at ``/api/openapi.json``).

Written by hand, next to the routes: ``tests/test_web.py`` checks that every
``/api`` route of the application is described here and that every path
described here answers.

>>> spec = openapi_spec()
>>> spec["openapi"], "/api/gaps" in spec["paths"], "/api/enterprises/{key}" in spec["paths"]
('3.1.0', True, True)
"""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_spec", "API_PATHS"]


def _q(name: str, text: str, *, required: bool = False, kind: str = "string", many: bool = False) -> dict:
    schema: dict[str, Any] = {"type": kind}
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": "query", "required": required, "description": text, "schema": schema,
            **({"style": "form", "explode": True} if many else {})}


def _key(text: str) -> dict:
    return {"name": "key", "in": "path", "required": True, "description": text, "schema": {"type": "string"}}


_FILTERS = [
    _q("province", "所在省份：名称、简称或代码（浙江、330000），或 境外；可重复或用逗号分隔", many=True),
    _q("designation", "资质标签：专精特新、专精特新小巨人、制造业单项冠军、高新技术企业、上市、链主；可重复", many=True),
    _q("listed", "上市：1 / true 只要上市企业，0 / false 只要非上市企业"),
    _q("segment", "环节编号（企业所匹配的环节）；可重复", many=True),
    _q("min_score", "最低得分（0–100）", kind="number"),
    _q("top", "最多列出几家（默认 20）", kind="integer"),
]

_GEOMAP = [
    _q("region", "地区：省、市的名称、简称或代码（江苏省、常州、320400）；不给则按 scope，默认全国"),
    _q("scope", "范围：全国（按省）、省（按地级市）、市（按区县）；只给 region 时按其级别"),
]

#: path → (summary, description, parameters)
API_PATHS: dict[str, tuple[str, str, list[dict]]] = {
    "/api/overview": ("总览", "规划与集群（目标）、每条产业链的完整度与缺/弱/强链数、与最近快照相比的变化（动态表）。"
                      "与页面 / 同一数据。", []),
    "/api/clusters": ("集群", "每个集群的层级、目标、产业链、重点企业与突破技术。与页面 /clusters 同一数据。", []),
    "/api/clusters/{key}": ("一个集群", "与页面 /clusters/{key} 同一数据。", [_key("集群编号")]),
    "/api/chains/{key}": ("一条产业链", "补链分析、短板长板、卡脖子、前 20 个招商目标，含数据截至、来源与说明。"
                          "与页面 /chains/{key} 同一数据。", [_key("产业链编号")]),
    "/api/chains/{key}/map": ("产业链图谱数据", "vis-network 的节点、边与版式（viz.chain_map）；该链没有环节时为 null。",
                              [_key("产业链编号")]),
    "/api/chains/{key}/geomap": ("产业地图（一条产业链）", "该链企业按地区的分布：视图（全国按省、一省按地级市、一市按区县）、"
                                 "各地区企业数与列出的企业、标出的招商目标、未能落图的企业、数据截至、来源与说明。"
                                 "与页面 /chains/{key}/geomap 同一数据。",
                                 [_key("产业链编号"), *_GEOMAP]),
    "/api/chains/{key}/dossier": ("七个一档案", "与 `chainkg dossier --chain KEY --format json` 相同（工作台的地区）。",
                                  [_key("产业链编号")]),
    "/api/segments/{key}/geomap": ("产业地图（一个环节）", "与 /api/chains/{key}/geomap 同样结构，只计该环节的企业。",
                                   [_key("环节编号"), *_GEOMAP]),
    "/api/segments/{key}": ("一个环节", "本地企业、全国企业、关键技术、带证据的招商目标。与页面 /segments/{key} 同一数据。",
                            [_key("环节编号")]),
    "/api/enterprises/{key}": ("一家企业", "`chainkg show enterprise KEY --format json` 的全部键（不变），"
                               "另加 groups（按关系分组）、as_of、sources、caveats。", [_key("企业编号")]),
    "/api/technologies/{key}": ("一项技术", "`chainkg show technology KEY --format json` 的全部键（不变），"
                                "另加 groups、as_of、sources、caveats。", [_key("技术编号")]),
    "/api/search": ("搜索", "按名称、简称和编号查找产业链、环节、企业、技术、集群。", [_q("q", "查找的文字", required=True)]),
    "/api/gaps": ("补链分析", "与 `chainkg gaps --chain CHAIN --format json` 相同。",
                  [_q("chain", "产业链编号或名称", required=True)]),
    "/api/shortboard": ("短板长板表", "与 `chainkg shortboard --chain CHAIN --format json` 相同。",
                        [_q("chain", "产业链编号或名称", required=True)]),
    "/api/chokepoints": ("卡脖子", "与 `chainkg chokepoints --perspective P [--chain C] --top N --format json` 相同。",
                         [_q("perspective", "视角：地区名称或代码（常州市、320400）或国家代码（CHN）", required=True),
                          _q("chain", "只看这条产业链（编号或名称）"), _q("top", "列出几项（默认 20）", kind="integer")]),
    "/api/targets": ("招商目标", "给出 chain 时：与 `chainkg targets --chain CHAIN --format json` 相同（未筛选时），"
                     "筛选后为同样结构、只含符合的目标；不给 chain：全部产业链的目标，与页面 /targets 同一数据。",
                     [_q("chain", "产业链编号或名称；不给则为全部产业链")] + _FILTERS),
    "/api/openapi.json": ("本说明", "本 API 的 OpenAPI 3.1 描述。", []),
}


def openapi_spec() -> dict[str, Any]:
    """The OpenAPI document (a plain dict)."""
    paths = {}
    for path, (summary, description, parameters) in API_PATHS.items():
        responses = {"200": {"description": "成功（JSON）", "content": {"application/json": {"schema": {"type": "object"}}}},
                     "400": {"description": "参数有误：{\"error\": …, \"hint\": …}"},
                     "404": {"description": "图中没有这个编号"}}
        if path == "/api/openapi.json":
            responses = {"200": responses["200"]}
        paths[path] = {"get": {"summary": summary, "description": description, "parameters": parameters,
                               "responses": responses}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "chainkg 产业链招商工作台 API", "version": "1",
                 "description": "只读。数据来自当前构建的图谱；每个结果都带数据截至（as_of）、来源（sources）与说明（caveats）。"
                                "绑定本机以外的地址时，每个请求都要带 Authorization: Bearer 口令。"},
        "servers": [{"url": "/"}],
        "paths": paths,
    }
