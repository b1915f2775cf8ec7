"""What the catalogue renderers share: text widths, safe text, names of files and sheets, sections.

>>> display_width("常州ab")
6
>>> sheet_name("a/b:c*?[d]", taken=set())
'a_b_c___d_'
>>> sheet_name("工业机器人", taken={"工业机器人"})
'工业机器人 (2)'
>>> clean_text("a\\x00b\\x1fc\\td")
'abc\\td'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from queries.catalog import CHOKE_COLUMNS, DIRECTION_COLUMNS, SHORTBOARD_COLUMNS, TARGET_COLUMNS, pct
from viz.text import xml_safe

__all__ = ["display_width", "clean_text", "sheet_name", "file_stem", "SECTIONS", "number", "meta_lines",
           "overview_lines", "chain_sections", "weights_lines", "MAP_SECTION"]

#: section titles, in order, of every chain
SECTIONS = ("概况", "产业链图谱", "短板长板", "卡脖子技术", "招商方向", "目标企业", "说明")
MAP_SECTION = SECTIONS[1]

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def display_width(text: str) -> int:
    """Columns ``text`` takes: wide (CJK) and full-width characters count two (as ``chainkg.render``'s,
    which the CLI layer keeps for itself: viz does not import the layer above it)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clean_text(value) -> str:
    """``value`` as text without characters XML (Word, Excel, HTML) cannot hold."""
    return "" if value is None else xml_safe(str(value))


def sheet_name(name: str, *, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no []:*?/\\, at most 31 characters, not blank, no edge apostrophe.

    Uniqueness is case-insensitive (as in Excel); the name is added to ``taken``.
    """
    base = _SHEET_BAD.sub("_", clean_text(name)).strip().strip("'").strip() or "Sheet"
    if base.lower() == "history":  # reserved by Excel
        base = "History_"
    lowered = {t.lower() for t in taken}
    candidate = base[:31]
    n = 2
    while candidate.lower() in lowered:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def file_stem(region: str, scope_key: str) -> str:
    """``catalog-<region>-<scope>``: ASCII letters, digits, '-' and '_' only.

    >>> file_stem("320400", "chain-ic"), file_stem("320400", "高端装备")
    ('catalog-320400-chain-ic', 'catalog-320400-x')
    """
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", scope_key).strip("-") or "x"
    return f"catalog-{re.sub(r'[^A-Za-z0-9_-]+', '-', region)}-{safe}"


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def meta_lines(catalog) -> list[tuple[str, str]]:
    """(label, text) lines under the catalogue's title: 地区, 范围, 数据截至."""
    return [
        ("地区", f"{catalog.region_name}（{catalog.region}）"),
        ("范围", f"{catalog.scope}（{len(catalog.chains)} 条产业链）"),
        ("数据截至", f"{catalog.as_of or '未知'}；图谱 {catalog.graph_digest[:12]}（最新事实 {catalog.graph_as_of}）"),
    ]


def overview_lines(chain) -> list[tuple[str, str]]:
    """(label, text) lines of a chain's 概况 section."""
    o = chain.overview
    clusters = []
    for c in o.clusters:
        bits = []
        if c.get("tier"):
            bits.append(str(c["tier"]))
        if c.get("target_scale_yi") is not None:
            bits.append(f"目标 {number(c['target_scale_yi'])} 亿元")
        if c.get("target_year"):
            bits.append(f"{c['target_year']} 年")
        bits.append(f"来源 {c.get('source')}")
        clusters.append(f"{c['name']}（{'，'.join(bits)}）")
    if o.target_scale_yi is not None:
        chain_target = f"{number(o.target_scale_yi)} 亿元" + (f"（{o.target_year} 年，来源 {o.target_source}）"
                                                            if o.target_year else f"（来源 {o.target_source}）")
    else:
        chain_target = "来源文件未设定该链的目标规模"
    counts = "，".join(f"{k} {v}" for k, v in o.status_counts.items())
    lines = [
        ("所属集群", "、".join(clusters) or "未知"),
        ("产业链目标规模", chain_target),
        ("产业链完整度", f"{pct(o.completeness) or '无法计算'}（{o.covered}/{o.segment_count} 个环节有{o.region_name}企业）；{counts}"),
        ("短板长板", "，".join(f"{k} {v}" for k, v in chain.shortboard_counts.items())),
        (f"{o.region_name}企业", f"{o.local_enterprises} 家"
         + (f"；重点企业：{'、'.join(o.key_enterprises)}" if o.key_enterprises else "")
         + (f"；链主：{'、'.join(o.chain_leaders)}" if o.chain_leaders else "")),
    ]
    if o.advantage_chain:
        lines.append(("优势产业链", "是" + (f"（{o.mechanism}工作机制）" if o.mechanism else "")))
    lines.append(("目标企业", f"列出 {len(chain.targets)} 家（候选 {chain.candidates} 家）"))
    lines.append(("数据截至", chain.as_of or "未知"))
    return lines


def chain_sections(chain) -> list[tuple[str, tuple[str, ...], list[dict[str, Any]], str | None]]:
    """(title, columns, rows, text when there are no rows) of a chain's table sections, in order.

    短板长板 is a table even without rows (its text is None); 卡脖子技术 is left
    out when the choke-point analysis did not run.
    """
    sections = [("短板长板", SHORTBOARD_COLUMNS, [line.cells() for line in chain.shortboard], None)]
    if chain.chokepoints is not None:
        sections.append(("卡脖子技术", CHOKE_COLUMNS, [line.cells() for line in chain.chokepoints],
                         "该链没有可评分的技术。"))
    sections.append(("招商方向", DIRECTION_COLUMNS, [line.cells() for line in chain.directions],
                     "没有缺链、弱链环节或需引进的关键技术。"))
    sections.append(("目标企业", TARGET_COLUMNS, [row.cells() for row in chain.targets],
                     "图中没有与该链缺口匹配的外地企业。"))
    return sections


def weights_lines(catalog) -> list[str]:
    """The scoring rule in a few lines, for the 说明 part of every format."""
    w = catalog.weights
    return [
        "目标企业得分 = 以商招商 + 上下游配套 + 能力匹配 + 企业实力 + 区位（按强弱排列），同分按企业键排序：",
        f"以商招商：已向本地链主/重点企业供货 {w.supplies_key_local} 分，向其他本地企业供货 {w.supplies_local} 分，"
        f"每多一家本地客户 +{w.per_extra_local_customer}，上限 {w.local_cap}；",
        f"上下游配套：向相邻下游环节企业供货 {w.supplies_downstream} 分，从相邻上游环节企业采购 {w.supplied_by_upstream} 分，"
        f"上限 {w.fit_cap}；",
        f"能力匹配：主营缺口环节 {w.operates_main} 分（兼营 {w.operates_secondary}），掌握关键技术 {w.masters} 分"
        f"（卡脖子技术 {w.masters_choke}），提供 {w.provides} 分；每多匹配一个缺口 +{w.per_extra_need}，上限 {w.capability_cap}；",
        f"企业实力：上市 {w.listed}、单项冠军 {w.champion}、专精特新小巨人 {w.little_giant}（专精特新 {w.specialised}）、"
        f"高新技术企业 {w.high_tech}、链主 {w.chain_leader}，营收/人数分档 1–3，上限 {w.strength_cap}；",
        f"区位：与本地同省 {w.same_province}，长三角 {w.yangtze_delta}，同一大区 {w.same_macro_region}，"
        f"国内其他 {w.domestic}，境外 {w.foreign}。",
    ]
