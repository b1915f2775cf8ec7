"""Static chain maps: an SVG for Word and slides, same layout, colours and legend as the HTML.

The SVG is written by hand (no network, no fonts embedded): every box sits
where the model puts it, with the line breaks the model computed, so it shows
exactly what the interactive map shows. Text is Chinese, drawn with a
font-family list of common CJK fonts (:data:`viz.text.FONT_STACK`); viewers
pick the first one installed. Every string from the data is XML-escaped, and
characters XML forbids are dropped, so the file always parses. Each box carries
its tooltip as an SVG ``<title>``, which browsers show on hover.

>>> import xml.etree.ElementTree as ET
>>> from queries._fixture import fixture_store
>>> from viz.model import chain_map
>>> svg = render_svg(chain_map(fixture_store(), chain="示例链"))
>>> root = ET.fromstring(svg)
>>> root.tag, "材料" in svg and "缺链" in svg
('{http://www.w3.org/2000/svg}svg', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from viz.curves import cubic_controls, curved_via, entry_parameter, split_bezier
from viz.model import BAND_FONT, HEADER_H, LANE_FONT, ChainMap, MapEdge, MapNode, source_line
from viz.text import CJK_FONTS, text_width, wrap, xml_safe
from queries.wording import all_for_readers

__all__ = ["render_svg"]

PAD = 24
TITLE_FONT = 22
META_FONT = 13
LEGEND_FONT = 13
FOOT_FONT = 12


def _t(text: str) -> str:
    return escape(xml_safe(str(text)))


def _a(text: str) -> str:
    return quoteattr(xml_safe(str(text)))


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (stable across runs)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, text: str, size: float, fill: str, *, anchor: str = "start",
          weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill={_a(fill)} '
            f'text-anchor="{anchor}"{bold}>{_t(text)}</text>')


def _lines_in_box(cx: float, cy: float, lines: Sequence[str], size: float, fill: str) -> list[str]:
    """Text lines centred in a box around (cx, cy); baselines from the font's ascent (0.88 em)."""
    step = size * 1.3
    top = cy - step * len(lines) / 2
    return [_text(cx, top + i * step + (step - size) / 2 + 0.88 * size, line, size, fill, anchor="middle")
            for i, line in enumerate(lines)]


def _box(n: MapNode) -> str:
    dash = ' stroke-dasharray="4 3"' if n.dashed else ""
    parts = [f'<g id={_a(n.id)}><title>{_t(n.title)}</title>',
             f'<rect x="{_n(n.x - n.width / 2)}" y="{_n(n.y - n.height / 2)}" width="{_n(n.width)}" '
             f'height="{_n(n.height)}" rx="5" fill={_a(n.fill)} stroke={_a(n.border)} '
             f'stroke-width="{_n(n.border_width)}"{dash}/>']
    parts += _lines_in_box(n.x, n.y, n.label.split("\n"), n.font_size, n.font_color)
    parts.append("</g>")
    return "".join(parts)


def _edge_path(edge: MapEdge, a: MapNode, b: MapNode) -> str:
    """The SVG path of vis-network's curve for ``edge``, from the edge of ``a``'s box to the edge of ``b``'s."""
    p, q = (a.x, a.y), (b.x, b.y)
    if edge.curve == "cubicBezier":
        c1, c2 = cubic_controls(p, q, edge.roundness)
        points = [p, c1, c2, q]
    else:
        points = [p, curved_via(p, q, edge.roundness, clockwise=edge.curve == "curvedCW"), q]
    end = entry_parameter(points, (b.x, b.y, b.width, b.height))
    points = split_bezier(points, end)
    start = 1 - entry_parameter(points[::-1], (a.x, a.y, a.width, a.height))
    points = split_bezier(points[::-1], 1 - start)[::-1]
    head = " ".join(f"{_n(x)},{_n(y)}" for x, y in points[1:])
    return f"M{_n(points[0][0])},{_n(points[0][1])} {'C' if len(points) == 4 else 'Q'}{head}"


def _legend(m: ChainMap, width: float, top: float) -> tuple[list[str], float]:
    """Legend items in rows that fit ``width``; returns the elements and the height used."""
    items: list[tuple[float, list[str]]] = []
    for item in m.legend:
        sw = max(46.0, text_width(item.sample, 12) + 12)
        w = sw + 6 + text_width(item.label, LEGEND_FONT) + 18
        dash = ' stroke-dasharray="4 3"' if item.dashed else ""
        items.append((w, [
            f'<rect x="0" y="-13" width="{_n(sw)}" height="18" rx="4" fill={_a(item.fill)} '
            f'stroke={_a(item.border)} stroke-width="{_n(item.border_width)}"{dash}/>',
            _text(sw / 2, 0, item.sample, 12, item.font_color, anchor="middle"),
            _text(sw + 6, 0, item.label, LEGEND_FONT, "#1F2D3A"),
        ]))
    for label, colour, dash, marker in (("上游供给下游", "#7B8A97", "", "feeds"),
                                        ("关键技术也用于其他环节", "#5B7DB1", ' stroke-dasharray="5 4"', "key")):
        w = 40 + 6 + text_width(label, LEGEND_FONT) + 18
        items.append((w, [
            f'<path d="M0,-4 L36,-4" stroke="{colour}" stroke-width="2"{dash} fill="none" '
            f'marker-end="url(#arrow-{marker})"/>',
            _text(46, 0, label, LEGEND_FONT, "#1F2D3A"),
        ]))
    out, x, y = [], 0.0, top
    for w, elements in items:
        if x > 0 and x + w > width:
            x, y = 0.0, y + 26
        out.append(f'<g transform="translate({_n(PAD + x)},{_n(y)})">' + "".join(elements) + "</g>")
        x += w
    return out, y - top + 26


def render_svg(m: ChainMap, *, fonts: Sequence[str] | None = None) -> str:
    """The map as SVG text (UTF-8), same layout as the HTML.

    ``fonts`` puts these families first in the font-family list (the PNG
    renderer passes the CJK font it found, since cairosvg uses only the first).
    """
    families = list(fonts or ()) + [f for f in CJK_FONTS if f not in (fonts or ())]
    font_family = ", ".join(f"'{f}'" for f in families) + ", sans-serif"
    width = max(m.width + 2 * PAD, 760.0)
    text_w = width - 2 * PAD
    body: list[str] = []
    y = PAD + TITLE_FONT
    body.append(_text(PAD, y, m.title, TITLE_FONT, "#1F2D3A", weight="600"))
    meta = (f"区域：{m.region_name}（{m.region}） · 数据截至 {m.as_of or '未知'} · "
            "状态：补链分析")
    for line in wrap(meta, META_FONT, text_w, max_lines=3):
        y += META_FONT * 1.7
        body.append(_text(PAD, y, line, META_FONT, "#5D6D7E"))
    if m.scope == "cluster":
        for line in wrap("产业链：" + "、".join(c["name"] for c in m.chains), META_FONT, text_w, max_lines=3):
            y += META_FONT * 1.7
            body.append(_text(PAD, y, line, META_FONT, "#5D6D7E"))
    legend, legend_h = _legend(m, text_w, y + 30)
    body += legend
    top = y + 30 + legend_h

    diagram = [f'<g transform="translate({_n(PAD)},{_n(top)})">']
    for b in m.boxes:
        dash = ' stroke-dasharray="6 4"' if b.kind == "lane" else ""
        diagram.append(f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.width)}" height="{_n(b.height)}" '
                       f'fill={_a(b.fill)} stroke={_a(b.border)} stroke-width="1"{dash}/>')
        if b.kind == "band":
            diagram.append(_text(b.x + b.width / 2, HEADER_H / 2 + BAND_FONT * 0.35, b.lines[0], BAND_FONT,
                                 "#34495E", anchor="middle", weight="600"))
        elif b.kind == "lane":
            for i, line in enumerate(b.lines):
                diagram.append(_text(b.x + 12, b.y + 14 + 0.88 * LANE_FONT + i * LANE_FONT * 1.4, line, LANE_FONT,
                                     "#34495E", weight="600"))
    nodes = {n.id: n for n in m.nodes}
    for e in m.edges:
        a, b = nodes[e.source], nodes[e.target]
        if e.kind == "feeds":
            style = 'stroke="#7B8A97" stroke-width="2" marker-end="url(#arrow-feeds)"'
        else:
            style = 'stroke="#5B7DB1" stroke-width="1.2" stroke-dasharray="5 4" marker-end="url(#arrow-key)"'
        diagram.append(f'<path d="{_edge_path(e, a, b)}" fill="none" {style}><title>{_t(e.title)}</title></path>')
    diagram += [_box(n) for n in m.nodes]
    if not m.nodes:
        diagram.append(_text(0, HEADER_H, "该产业链在数据中尚无环节，无图可画。", 14, "#5D6D7E"))
    diagram.append("</g>")
    body += diagram

    y = top + max(m.height, HEADER_H + 20) + 28
    foot = [("来源", [source_line(s) for s in m.sources]),
            ("说明", all_for_readers(m.caveats))]
    for heading, entries in foot:
        body.append(_text(PAD, y, heading, FOOT_FONT + 1, "#34495E", weight="600"))
        for entry in entries:
            for line in wrap("· " + entry, FOOT_FONT, text_w, max_lines=4):
                y += FOOT_FONT * 1.6
                body.append(_text(PAD, y, line, FOOT_FONT, "#5D6D7E"))
        y += FOOT_FONT * 2.4
    height = y + PAD - FOOT_FONT

    defs = ('<defs>'
            '<marker id="arrow-feeds" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="#7B8A97"/></marker>'
            '<marker id="arrow-key" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
            'orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="#5B7DB1"/></marker>'
            '</defs>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family={_a(font_family)}>\n'
            f'<title>{_t(m.title + " · " + m.region_name)}</title>\n{defs}\n'
            f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#FFFFFF"/>\n'
            + "\n".join(body) + "\n</svg>\n")
