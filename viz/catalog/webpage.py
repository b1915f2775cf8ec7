"""The catalogue as one self-contained HTML page: no network, every data string escaped.

The page has no external resource: styles are inline, maps are embedded as
``data:image/svg+xml;base64`` images (an SVG shown through ``<img>`` runs no
script), no font, script or stylesheet is linked. Every string that comes from
the data goes through :func:`html.escape` (quotes included) once, here.

>>> from queries._fixture import fixture_store
>>> from queries.catalog import region_catalog
>>> page = render_html(region_catalog(fixture_store(), chains=["示例链"]))
>>> page.startswith("<!DOCTYPE html>") and "<th>推荐理由</th>" in page
True
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Mapping, Sequence

from queries.catalog import SOURCE_COLUMNS, SUMMARY_COLUMNS
from viz.catalog.maps import GEO_SECTION
from viz.catalog.common import (
    MAP_SECTION,
    chain_sections,
    clean_text,
    display_width,
    meta_lines,
    number,
    overview_lines,
    weights_lines,
)
from queries.wording import all_for_readers

__all__ = ["render_html", "h", "column_min_widths", "NARROW_COLUMN_EM", "MIN_COLUMN_EM"]

_CSS = """
body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','SimHei',sans-serif;
margin:0;padding:24px 32px;color:#1f2328;line-height:1.55;font-size:14px}
h1{font-size:26px;margin:0 0 8px}h2{font-size:21px;margin:36px 0 8px;padding-top:8px;border-top:3px solid #0b5394}
h3{font-size:16px;margin:22px 0 6px;color:#0b5394}
.meta{color:#57606a;margin:0 0 16px}.meta li{margin:2px 0}
nav ol{columns:3;margin:8px 0 0}
.table{overflow-x:auto;margin:6px 0 12px}
table{border-collapse:collapse;min-width:60%}
th,td{border:1px solid #c9d1d9;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#eef4fb;position:sticky;top:0}
tr:nth-child(even) td{background:#fafbfc}
td.reason{min-width:18em}td.evidence{min-width:20em;font-size:12px;color:#3d444d}
.table{overflow-x:auto}
.status-缺链{color:#b42318;font-weight:600}.status-弱链{color:#b54708;font-weight:600}.status-强链{color:#067647;font-weight:600}
dl.overview{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}dl.overview dt{color:#57606a}dl.overview dd{margin:0}
figure{margin:8px 0}figure img{max-width:100%;border:1px solid #d0d7de}
.note{color:#7a4b00}td.nw,th.nw{white-space:nowrap}
ul.caveats li{color:#57606a}
@media print{h2{page-break-before:always}th{position:static}}
"""


def h(value) -> str:
    """Escaped text (quotes too), with characters HTML cannot hold removed.

    >>> h('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return html.escape(clean_text(value), quote=True)


def _cell(value) -> str:
    text = value if isinstance(value, str) else number(value)
    return "<br>".join(h(line) for line in text.split("\n"))


#: CSS classes of long-text columns, per section
_CLASSES = {"短板长板": {"理由": "reason"}, "卡脖子技术": {"依据": "reason"},
            "目标企业": {"推荐理由": "reason", "证据来源": "evidence"}}
#: short columns that should not wrap
_NOWRAP = {"位置", "状态", "短板/长板", "现状", "类型", "招商方向", "目标企业数", "得分", "卡脖子", "数据截至", "环节数",
           "产业链完整度", "缺链", "弱链", "强链", "短板", "长板", "引用事实数"}


#: a column of short texts is as wide as its longest line up to this many em (a CJK character is 1 em) …
NARROW_COLUMN_EM = 7.0
#: … and at least this wide; longer texts wrap within the column (reasons, evidence: see the CSS)
MIN_COLUMN_EM = 2.0


def column_min_widths(columns: Sequence[str], rows: Sequence[Mapping[str, object]],
                      classes: Mapping[str, str] = {}) -> dict[str, float]:
    """The minimum width (em) of each column: its longest line or header word, between
    :data:`MIN_COLUMN_EM` and :data:`NARROW_COLUMN_EM`, so that a name such as 农业和工程机械 keeps to a line or
    two instead of one character a line beside the wide reason columns. Columns with a class of their own
    (reasons, evidence) get their width from the CSS.

    >>> column_min_widths(["产业链", "得分"], [{"产业链": "农业和工程机械", "得分": 21}])
    {'产业链': 7.0, '得分': 2.0}
    >>> column_min_widths(["企业"], [{"企业": "苏州绿的谐波传动科技股份有限公司"}])
    {'企业': 7.0}
    """
    widths: dict[str, float] = {}
    for c in columns:
        if c in classes:
            continue
        longest = display_width(c)
        for row in rows:
            value = row.get(c)
            text = value if isinstance(value, str) else number(value)
            longest = max([longest, *(display_width(line) for line in text.split("\n"))])
        widths[c] = min(NARROW_COLUMN_EM, max(MIN_COLUMN_EM, longest / 2))
    return widths


def _table(columns: Sequence[str], rows: Iterable[Mapping[str, object]], *, classes: Mapping[str, str] = {}) -> str:
    rows = list(rows)
    widths = column_min_widths(columns, rows, classes)

    def header(c: str) -> str:
        css = ' class="nw"' if c in _NOWRAP else ""
        style = f' style="min-width:{widths[c]:g}em"' if c in widths else ""
        return f"<th{css}{style}>{h(c)}</th>"

    head = "".join(header(c) for c in columns)
    body = []
    for row in rows:
        cells = []
        for c in columns:
            css = classes.get(c)
            value = row.get(c)
            if c in ("状态", "现状") and isinstance(value, str):
                css = f"status-{value}"
            if c in _NOWRAP:
                css = f"{css} nw" if css else "nw"
            attr = f' class="{h(css)}"' if css else ""
            cells.append(f"<td{attr}>{_cell(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _list(items: Iterable[str], css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f"<ul{attr}>" + "".join(f"<li>{h(i)}</li>" for i in items) + "</ul>"


def _figure(image, alt: str, caption: str, missing: str) -> str:
    parts = []
    svg = getattr(image, "svg", None)
    if svg:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        parts.append(f'<figure><img alt="{h(alt)}" src="data:image/svg+xml;base64,{data}">'
                     f"<figcaption>{h(caption)}</figcaption></figure>")
    elif image is None:
        parts.append(f'<p class="note">{h(missing)}</p>')
    notes = list(getattr(image, "notes", ()) or ())
    if notes:
        parts.append(_list(notes, "caveats"))
    return "".join(parts)


def _map(chain, image) -> str:
    return _figure(image, f"{chain.chain_name}产业链图谱", f"{chain.chain_name}产业链图谱", "未生成图谱。")


def _geo(chain, image) -> str:
    return _figure(image, f"{chain.chain_name}产业地图", f"{chain.chain_name}产业地图：各省企业数", "未生成产业地图。")


def render_html(catalog, *, maps: Mapping[str, object] | None = None, geo: Mapping[str, object] | None = None,
                dossiers: Mapping[str, object] | None = None) -> str:
    """The catalogue as one HTML page (UTF-8 text); ``maps``: chain key → MapImage; ``geo``: chain key →
    GeoImage (the 产业地图 section is left out when ``geo`` is None); ``dossiers``: chain key →
    :class:`queries.dossier.ChainDossier` (its 七个一 section)."""
    maps = maps or {}
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{h(catalog.title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{h(catalog.title)}</h1>",
           '<ul class="meta">',
           *(f"<li>{h(label)}：{h(text)}</li>" for label, text in meta_lines(catalog)),
           "</ul>"]
    if catalog.chains:
        out.append("<nav><strong>目录</strong><ol>" + "".join(
            f'<li><a href="#chain-{i}">{h(c.chain_name)}</a></li>' for i, c in enumerate(catalog.chains, 1))
            + '<li><a href="#sources">数据来源与说明</a></li></ol></nav>')
    out.append("<h2>总览</h2>")
    out.append(_table(SUMMARY_COLUMNS, catalog.summary_rows()))
    for i, chain in enumerate(catalog.chains, 1):
        out.append(f'<section id="chain-{i}"><h2>{h(chain.chain_name)}</h2>')
        out.append("<h3>概况</h3><dl class=\"overview\">" + "".join(
            f"<dt>{h(label)}</dt><dd>{h(text)}</dd>" for label, text in overview_lines(chain)) + "</dl>")
        out.append(f"<h3>{h(MAP_SECTION)}</h3>{_map(chain, maps.get(chain.chain))}")
        if geo is not None:
            out.append(f"<h3>{h(GEO_SECTION)}</h3>{_geo(chain, geo.get(chain.chain))}")
        for title, columns, rows, empty in chain_sections(chain):
            if rows or empty is None:
                out.append(f"<h3>{title}</h3>" + _table(columns, rows, classes=_CLASSES.get(title, {})))
            else:
                out.append(f"<h3>{title}</h3><p>{empty}</p>")
        if dossiers and chain.chain in dossiers:
            from viz.catalog.dossier import DOSSIER_SECTION, dossier_html

            out.append(f"<h3>{h(DOSSIER_SECTION)}</h3>" + dossier_html(dossiers[chain.chain], level=3))
        out.append("<h3>说明</h3>" + _list(all_for_readers(chain.caveats), "caveats") + "</section>")
    out.append('<section id="sources"><h2>数据来源与说明</h2><h3>数据来源</h3>')
    out.append(_table(SOURCE_COLUMNS, catalog.source_rows()))
    out.append("<h3>评分方法</h3>" + _list(weights_lines(catalog)))
    out.append("<h3>说明</h3>" + _list(all_for_readers(catalog.caveats), "caveats") + "</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
