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

import re
from collections.abc import Iterable, Mapping, Sequence

from queries.catalog import SOURCE_COLUMNS, SUMMARY_COLUMNS
from viz.catalog.maps import GEO_SECTION
from viz.catalog.common import (
    MAP_SECTION,
    chain_sections,
    clean_text,
    meta_lines,
    number,
    overview_lines,
    weights_lines,
)
from queries.wording import all_for_readers

__all__ = ["render_markdown", "md_escape"]

_INLINE_SYNTAX = re.compile(r"[\[\]*_`~]")
_LINE_START_SYNTAX = re.compile(r"(^|\n)(#)")


def md_escape(value) -> str:
    """Text safe in a Markdown table cell.

    >>> md_escape("a|b <img src=x> & c\\nd")
    'a\\\\|b &lt;img src=x&gt; &amp; c<br>d'

    Link, image, emphasis and code syntax in a name stays text (a company called
    ``[点此](javascript:alert(1))`` is not a link), and so does a heading mark at the start:

    >>> md_escape("[点此](javascript:x) *甲*_乙_ `丙` ~~丁~~")
    '\\\\[点此\\\\](javascript:x) \\\\*甲\\\\*\\\\_乙\\\\_ \\\\`丙\\\\` \\\\~\\\\~丁\\\\~\\\\~'
    >>> md_escape("# 标题")
    '\\\\# 标题'
    """
    text = clean_text(value).replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SYNTAX.sub(r"\\\g<0>", text)
    text = text.replace("|", "\\|").replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_START_SYNTAX.sub(r"\g<1>\\\g<2>", text)
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
                    map_links: Mapping[str, str] | None = None, geo: Mapping[str, object] | None = None,
                    geo_links: Mapping[str, str] | None = None, dossiers: Mapping[str, object] | None = None) -> str:
    """The catalogue as one Markdown document.

    ``maps``: chain key → :class:`viz.catalog.maps.MapImage` (for the notes);
    ``map_links``: chain key → relative path of the chain's SVG file;
    ``geo`` / ``geo_links``: the same for the 产业地图 (its section is left out when ``geo`` is None);
    ``dossiers``: chain key → :class:`queries.dossier.ChainDossier` (its 七个一 section).
    """
    maps = maps or {}
    map_links = map_links or {}
    out = [f"# {_text(catalog.title)}", ""]
    out += [f"- {_text(label)}：{_text(text)}" for label, text in meta_lines(catalog)]
    out += ["", "## 总览", ""]
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
        if geo is not None:
            out += ["", f"### {GEO_SECTION}", ""]
            picture = geo.get(chain.chain)
            if chain.chain in (geo_links or {}):
                out.append(f"![{_text(chain.chain_name)}产业地图]({geo_links[chain.chain]})")
            elif picture is None:
                out.append("（未生成产业地图）")
            for note in getattr(picture, "notes", ()) or ():
                out.append(f"- {_text(note)}")
        for title, columns, rows, empty in chain_sections(chain):
            out += ["", f"### {title}", ""]
            if rows or empty is None:
                out += _table(columns, rows)
            else:
                out.append(empty)
        if dossiers and chain.chain in dossiers:
            from viz.catalog.dossier import DOSSIER_SECTION, dossier_markdown

            out += ["", f"### {DOSSIER_SECTION}", ""]
            out += dossier_markdown(dossiers[chain.chain], level=3, standalone=False)[:-1]
        out += ["", "### 说明", ""]
        out += [f"- {_text(c)}" for c in all_for_readers(chain.caveats)]
        out.append("")
    out += ["## 数据来源与说明", "", "### 数据来源", ""]
    out += _table(SOURCE_COLUMNS, catalog.source_rows())
    out += ["", "### 评分方法", ""]
    out += [f"- {_text(line)}" for line in weights_lines(catalog)]
    out += ["", "### 说明", ""]
    out += [f"- {_text(c)}" for c in all_for_readers(catalog.caveats)]
    out.append("")
    return "\n".join(out)
