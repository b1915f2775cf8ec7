"""The catalogue as Markdown: plain text for review and diffs.

Every string from the data is escaped for Markdown tables: ``|`` and ``\\``
are backslash-escaped, ``<``, ``>`` and ``&`` become entities (no raw HTML gets
through), line breaks inside a cell become ``<br>``. Maps are linked when their
SVG files are written beside the Markdown (``maps/<chain>.svg``).

>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> text = render_markdown(region_catalog(fixture_store(), chains=["示例链"]))
>>> text.splitlines()[0]
'# 常州市招商指导目录'
>>> "| 产业链 | 环节 | 招商方向 | 目标企业 | 所在地 | 资质标签 | 推荐理由 | 证据来源 | 数据截至 |" in text
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from queries.catalog import (
    CHOKE_COLUMNS,
    DIRECTION_COLUMNS,
    SHORTBOARD_COLUMNS,
    SOURCE_COLUMNS,
    SUMMARY_COLUMNS,
    TARGET_COLUMNS,
)
from viz.catalog.common import MAP_SECTION, clean_text, number, overview_lines, weights_lines

__all__ = ["render_markdown", "md_escape"]


def md_escape(value) -> str:
    """Text safe in a Markdown table cell.

    >>> md_escape("a|b <img src=x> & c\\nd")
    'a\\\\|b &lt;img src=x&gt; &amp; c<br>d'
    """
    text = clean_text(value).replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("|", "\\|").replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(text.split("\n"))


def _text(value) -> str:
    """Escaped running text (not in a table)."""
    return md_escape(value).replace("<br>", " ")


def _table(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(md_escape(number(row.get(c)) if not isinstance(row.get(c), str)
                                                  else row.get(c)) for c in columns) + " |")
    return lines


def render_markdown(catalog, *, maps: Mapping[str, object] | None = None,
                    map_links: Mapping[str, str] | None = None) -> str:
    """The catalogue as one Markdown document.

    ``maps``: chain key → :class:`viz.catalog.maps.MapImage` (for the notes);
    ``map_links``: chain key → relative path of the chain's SVG file.
    """
    maps = maps or {}
    map_links = map_links or {}
    out = [f"# {_text(catalog.title)}", ""]
    out += [
        f"- 地区：{_text(catalog.region_name)}（{_text(catalog.region)}）",
        f"- 范围：{_text(catalog.scope)}（{len(catalog.chains)} 条产业链）",
        f"- 数据截至：{_text(catalog.as_of or '未知')}；图谱 {_text(catalog.graph_digest[:12])}"
        f"（最新事实 {_text(catalog.graph_as_of)}）",
        "",
        "## 总览",
        "",
    ]
    out += _table(SUMMARY_COLUMNS, catalog.summary_rows())
    out.append("")
    for chain in catalog.chains:
        out += [f"## {_text(chain.chain_name)}", "", "### 概况", ""]
        out += [f"- {_text(label)}：{_text(text)}" for label, text in overview_lines(chain)]
        out += ["", f"### {MAP_SECTION}", ""]
        image = maps.get(chain.chain)
        if chain.chain in map_links:
            out.append(f"![{_text(chain.chain_name)}产业链图谱]({map_links[chain.chain]})")
        elif image is None:
            out.append("（未生成图谱）")
        for note in getattr(image, "notes", ()) or ():
            out.append(f"- {_text(note)}")
        out += ["", "### 短板长板", ""]
        out += _table(SHORTBOARD_COLUMNS, [line.cells() for line in chain.shortboard])
        if chain.chokepoints is not None:
            out += ["", "### 卡脖子技术", ""]
            if chain.chokepoints:
                out += _table(CHOKE_COLUMNS, [line.cells() for line in chain.chokepoints])
            else:
                out.append("该链没有可评分的技术。")
        out += ["", "### 招商方向", ""]
        if chain.directions:
            out += _table(DIRECTION_COLUMNS, [line.cells() for line in chain.directions])
        else:
            out.append("没有缺链、弱链环节或需引进的关键技术。")
        out += ["", "### 目标企业", ""]
        if chain.targets:
            out += _table(TARGET_COLUMNS, [row.cells() for row in chain.targets])
        else:
            out.append("图中没有与该链缺口匹配的外地企业。")
        out += ["", "### 说明", ""]
        out += [f"- {_text(c)}" for c in chain.caveats]
        out.append("")
    out += ["## 数据来源与说明", "", "### 数据来源", ""]
    out += _table(SOURCE_COLUMNS, [_source_cells(s) for s in catalog.sources])
    out += ["", "### 评分方法", ""]
    out += [f"- {_text(line)}" for line in weights_lines(catalog)]
    out += ["", "### 说明", ""]
    out += [f"- {_text(c)}" for c in catalog.caveats]
    out.append("")
    return "\n".join(out)


def _source_cells(s: Mapping[str, object]) -> dict[str, object]:
    return {"来源": s.get("id"), "标题": s.get("title"), "类型": s.get("kind"), "许可": s.get("licence"),
            "署名": s.get("attribution"), "引用事实数": s.get("facts")}
