"""The chain dossier (:mod:`queries.dossier`) on paper: Markdown, HTML, Word and an Excel sheet.

:func:`dossier_blocks` lays a dossier out once as neutral blocks (headings,
paragraphs, bullet lists, tables); each format renders the blocks with its own
escaping (Markdown tables escaped by :func:`viz.catalog.markdown.md_escape`,
HTML by :func:`viz.catalog.webpage.h`, Word and Excel cells as plain text,
never a formula). The catalogue shows the same blocks as a section of each
chain; ``chainkg dossier`` prints them alone.

>>> from queries._fixture import fixture_store_with_carriers
>>> from queries.dossier import chain_dossier
>>> dossier = chain_dossier(fixture_store_with_carriers(), chain="示例链")
>>> text = render_dossier_markdown(dossier)
>>> text.splitlines()[0]
'# 示例链产业链档案（七个一）：常州市'
>>> "## 2. 服务团队（空）" in text and "空：图中没有文件对示例链服务团队的表述" in text
True
>>> html = dossier_html(dossier, level=3)
>>> html.startswith('<section class="dossier">') and "<h4>4. 重点项目（图谱所知）</h4>" in html
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from viz.catalog.common import clean_text, number
from queries.wording import all_for_readers, for_readers

__all__ = ["Block", "dossier_blocks", "render_dossier_markdown", "dossier_markdown", "dossier_html",
           "add_dossier_docx", "dossier_sheet_rows", "DOSSIER_SHEET", "DOSSIER_SHEET_COLUMNS", "DOSSIER_SECTION",
           "fact_line", "cell_text"]

#: the section title in the catalogue
DOSSIER_SECTION = "七个一（产业链档案）"
#: the catalogue workbook's sheet of the dossiers, and its columns
DOSSIER_SHEET = "七个一"
DOSSIER_SHEET_COLUMNS = ("产业链", "事项", "状态", "类型", "内容", "依据", "来源", "数据截至")
_NAME_COLUMN = {"service_team": "名称", "leading_enterprises": "企业", "key_projects": "项目", "platforms": "平台",
                "parks": "园区", "catalog": "目标企业", "shortboard": "环节"}
_RELATED_COLUMN = {"leading_enterprises": "企业", "platforms": "平台", "parks": "园区", "catalog": "环节/技术"}
_STATEMENT_COLUMNS = ("原文", "状态", "适用范围", "来源", "日期")
#: short columns that should not wrap in HTML
_SHORT = {"类别", "级别", "所在地", "角色", "阶段", "年份", "投资额（亿元）", "日期", "短板/长板", "名次", "得分", "集群"}


@dataclass(frozen=True)
class Block:
    """One piece of a laid-out document: ``heading`` (level, text), ``para``, ``bullets`` or ``table``."""

    kind: str
    text: str = ""
    level: int = 0
    items: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[Mapping[str, Any], ...] = field(default=())
    #: how a paragraph stands out: "empty" for an empty item's reason
    style: str = ""


def fact_line(fact) -> str:
    """A fact with its source and date, and the source's words when there are any.

    >>> from queries.carriers import Fact
    >>> fact_line(Fact("甲 —SERVES→ 乙", "原话。", "curated", "2026-11-22", False))
    '甲 —SERVES→ 乙〔curated，2026-11-22，未核实〕：“原话。”'
    """
    flag = "，未核实" if fact.verified is False else ""
    quote = f"：“{fact.quote}”" if fact.quote else ""
    return f"{fact.text}〔{fact.source}，{fact.as_of or '日期不详'}{flag}〕{quote}"


def cell_text(value) -> str:
    """A detail value as text: numbers as in the catalogue, yes/no, a mapping as 'k v，k v'.

    >>> cell_text({"补链": 7, "强链": 1}), cell_text(12.5), cell_text(None), cell_text(True)
    ('补链 7，强链 1', '12.5', '', '是')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k} {cell_text(v)}" for k, v in value.items())
    return value if isinstance(value, str) else number(value)


def _entry_rows(entries, name_column: str) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    keys: list[str] = []
    for entry in entries:
        for key in entry.details:
            if key not in keys and key != "本地":
                keys.append(key)
    with_facts = any(entry.facts for entry in entries)
    columns = (name_column, *keys, *(("依据",) if with_facts else ()))
    rows = []
    for entry in entries:
        row = {name_column: entry.name, **{k: for_readers(cell_text(entry.details.get(k))) for k in keys}}
        if with_facts:
            row["依据"] = "\n".join(for_readers(fact_line(f)) for f in entry.facts)
        rows.append(row)
    return columns, tuple(rows)


def _item_title(item) -> str:
    prefix = f"{item.number}. " if item.number is not None else "附："
    return f"{prefix}{item.title}（{item.state}）"


def dossier_blocks(dossier, *, level: int = 1, standalone: bool = True) -> list[Block]:
    """The dossier as blocks; ``level`` is the heading level of its title (items one below)."""
    out: list[Block] = []
    if standalone:
        out.append(Block("heading", f"{dossier.chain_name}产业链档案（七个一）：{dossier.region_name}", level))
    clusters = "、".join(c["name"] for c in dossier.clusters) or "图中未知"
    advantage = {True: "是" + (f"（{dossier.mechanism}工作机制）" if dossier.mechanism else ""), False: "否",
                 None: "图中未知"}[dossier.advantage_chain]
    out.append(Block("bullets", items=(
        f"地区：{dossier.region_name}（{dossier.region}）", f"所属集群：{clusters}", f"优势产业链：{advantage}",
        f"数据截至：{dossier.as_of or '未知'}；图谱 {dossier.graph_digest[:12]}（最新事实 {dossier.graph_as_of}）")))
    for item in dossier.items:
        out.append(Block("heading", _item_title(item), level + 1))
        if item.empty:
            out.append(Block("para", f"空：{for_readers(item.empty_reason or '')}", style="empty"))
        if item.summary:
            out.append(Block("para", for_readers("；".join(f"{k}：{cell_text(v)}" for k, v in item.summary.items()
                                                           if v not in (None, "", {})))))
        if item.statements:
            out.append(Block("para", "文件所述："))
            out.append(Block("table", columns=_STATEMENT_COLUMNS, rows=tuple(
                {"原文": s.quote, "状态": s.status or "", "适用范围": s.scope or "", "来源": s.source,
                 "日期": s.as_of or ""} for s in item.statements)))
        if item.state == "图谱分析" and not standalone:  # the catalogue shows these analyses in full above
            out.append(Block("para", "详见本目录该链的“短板长板”“招商方向”“目标企业”各节。"))
            if item.notes:
                out.append(Block("bullets", items=tuple(all_for_readers(item.notes[:1]))))
            continue
        if item.entries:
            columns, rows = _entry_rows(item.entries, _NAME_COLUMN.get(item.key, "名称"))
            out.append(Block("table", columns=columns, rows=rows))
        if item.related and standalone:
            out.append(Block("para", f"另见：{item.related_note or ''}"))
            columns, rows = _entry_rows(item.related, _RELATED_COLUMN.get(item.key, "名称"))
            out.append(Block("table", columns=columns, rows=rows))
        elif item.related:
            out.append(Block("para", f"另见（{item.related_note or ''}）：{'、'.join(e.name for e in item.related)}"))
        if item.notes:
            out.append(Block("bullets", items=tuple(all_for_readers(item.notes))))
    if standalone:
        out.append(Block("heading", "数据来源与说明", level + 1))
        out.append(Block("table", columns=("来源", "标题", "类型", "引用次数"), rows=tuple(
            {"来源": s["id"], "标题": s.get("title") or "", "类型": s.get("kind") or "", "引用次数": str(s["cited"])}
            for s in dossier.sources)))
    out.append(Block("bullets", items=tuple(all_for_readers(dossier.caveats))))
    return out


# -- Markdown -------------------------------------------------------------------------------------------------------

def dossier_markdown(dossier, *, level: int = 1, standalone: bool = True) -> list[str]:
    """The dossier as Markdown lines (every data string escaped)."""
    from viz.catalog.markdown import md_escape

    def text(value) -> str:
        return md_escape(value).replace("<br>", " ")

    out: list[str] = []
    for block in dossier_blocks(dossier, level=level, standalone=standalone):
        if block.kind == "heading":
            out += [f"{'#' * block.level} {text(block.text)}", ""]
        elif block.kind == "para":
            out += [text(block.text), ""]
        elif block.kind == "bullets":
            out += [f"- {text(i)}" for i in block.items] + [""]
        else:
            out.append("| " + " | ".join(text(c) for c in block.columns) + " |")
            out.append("|" + "|".join(" --- " for _ in block.columns) + "|")
            for row in block.rows:
                out.append("| " + " | ".join(md_escape(row.get(c, "")) for c in block.columns) + " |")
            out.append("")
    return out


def render_dossier_markdown(dossier) -> str:
    """The dossier as one Markdown document."""
    return "\n".join(dossier_markdown(dossier)).rstrip("\n") + "\n"


# -- HTML ----------------------------------------------------------------------------------------------------------

def dossier_html(dossier, *, level: int = 1, standalone: bool = False) -> str:
    """The dossier as an HTML fragment (a ``<section>``), every data string escaped."""
    from viz.catalog.webpage import h

    def cell(value) -> str:
        return "<br>".join(h(line) for line in str(value).split("\n"))

    parts = ['<section class="dossier">']
    for block in dossier_blocks(dossier, level=level, standalone=standalone):
        if block.kind == "heading":
            n = min(max(block.level, 1), 6)
            parts.append(f"<h{n}>{h(block.text)}</h{n}>")
        elif block.kind == "para":
            parts.append(f'<p class="note">{h(block.text)}</p>' if block.style == "empty" else f"<p>{h(block.text)}</p>")
        elif block.kind == "bullets":
            parts.append('<ul class="caveats">' + "".join(f"<li>{h(i)}</li>" for i in block.items) + "</ul>")
        else:
            nowrap = {c: ' class="nw"' if c in _SHORT else "" for c in block.columns}
            head = "".join(f"<th{nowrap[c]}>{h(c)}</th>" for c in block.columns)
            body = "".join("<tr>" + "".join(f"<td{nowrap[c]}>{cell(row.get(c, ''))}</td>" for c in block.columns)
                           + "</tr>" for row in block.rows)
            parts.append(f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>')
    parts.append("</section>")
    return "".join(parts)


# -- Word and Excel -------------------------------------------------------------------------------------------------

def add_dossier_docx(document, dossier, *, level: int = 2, table=None, bullets=None, heading=None) -> None:
    """Append the dossier to a python-docx ``document``; ``table``, ``bullets`` and ``heading`` are the catalogue's
    helpers (``heading(document, text, level)`` writes what ``document.add_heading`` writes)."""
    for block in dossier_blocks(dossier, level=level, standalone=False):
        if block.kind == "heading":
            (heading or _add_heading)(document, clean_text(block.text), min(block.level, 9))
        elif block.kind == "para":
            document.add_paragraph(clean_text(block.text))
        elif block.kind == "bullets":
            if bullets is not None:
                bullets(document, block.items)
            else:
                for item in block.items:
                    document.add_paragraph(clean_text(item), style="List Bullet")
        elif table is not None:
            table(document, block.columns, block.rows, size=7.5)


def _add_heading(document, text: str, level: int):
    return document.add_heading(text, level=level)


def dossier_sheet_rows(dossiers: Iterable[Any]) -> list[dict[str, str]]:
    """One row per statement, entry or empty item of each dossier, under :data:`DOSSIER_SHEET_COLUMNS`."""
    rows: list[dict[str, str]] = []
    for d in dossiers:
        for item in d.items:
            base = {"产业链": d.chain_name, "事项": _item_title(item).split("（")[0], "状态": item.state}
            if item.empty:
                rows.append({**base, "类型": "空", "内容": for_readers(item.empty_reason or ""), "数据截至": d.as_of or ""})
            if item.summary:
                rows.append({**base, "类型": "概要", "内容": for_readers("；".join(
                    f"{k}：{cell_text(v)}" for k, v in item.summary.items() if v not in (None, "", {})))})
            for s in item.statements:
                rows.append({**base, "类型": "文件所述", "内容": s.quote, "依据": "；".join(
                    x for x in (s.status, s.scope) if x), "来源": s.source, "数据截至": s.as_of or ""})
            for e in item.entries:
                details = for_readers("；".join(f"{k}：{cell_text(v)}" for k, v in e.details.items()
                                                if v not in (None, "") and k != "本地"))
                rows.append({**base, "类型": "图谱" if item.state != "图谱分析" else "分析",
                             "内容": e.name + (f"（{details}）" if details else ""),
                             "依据": "\n".join(for_readers(fact_line(f)) for f in e.facts),
                             "来源": "、".join(dict.fromkeys(f.source for f in e.facts)),
                             "数据截至": max((f.as_of for f in e.facts if f.as_of), default="")})
    return rows
