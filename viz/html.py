"""Interactive chain maps: one self-contained HTML file, drawn by vis-network through pyvis.

pyvis assembles the nodes and edges; the page itself is written here, because
pyvis's own template links Bootstrap and vis-network from CDNs even with
``cdn_resources="in_line"``. The page inlines the vis-network build that pyvis
ships in its package and nothing else, so it works with no network at all:

* no external resource: no ``http://`` or ``https://`` anywhere in the file
  (the few URLs inside vis-network's licence header and its SVG namespace string
  are written ``http:\\/\\/…``, which is the same string to JavaScript), and a
  Content-Security-Policy that forbids loading anything;
* every string from the data escaped: HTML text and attributes with
  :func:`html.escape`; the data for the script travels as JSON inside
  ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as
  ``\\u003c``, ``\\u003e``, ``\\u0026``, and tooltips are shown as plain text.

The layout is fixed (physics off, every node at the position the model gives).
After vis has drawn the network, the page sets ``data-drawn="N"`` on
``#map-status`` (N = nodes drawn), which the headless-browser test waits for.

>>> from queries._fixture import fixture_store
>>> from viz.model import chain_map
>>> page = render_html(chain_map(fixture_store(), chain="示例链"))
>>> page.startswith("<!DOCTYPE html>"), "http://" in page or "https://" in page
(True, False)
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from viz.model import BAND_FONT, HEADER_H, LANE_FONT, ChainMap, source_line
from viz.text import FONT_STACK
from queries.wording import all_for_readers

__all__ = ["render_html", "script_json", "vis_assets", "map_payload", "MAP_SCRIPT"]

VIS_VERSION = "9.1.2"
_MARGIN_X, _MARGIN_Y = 8, 3



def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` left.

    >>> script_json({"name": "</script><img src=x onerror=alert(1)>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network JavaScript and CSS that pyvis ships, made safe to inline."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    for scheme in ("http://", "https://"):
        js = js.replace(scheme, scheme.replace("//", "\\/\\/"))
    unsafe = ("://" in css or "</style" in css.lower() or "</script" in js.lower() or "<!--" in js
              or "http://" in js or "https://" in js)
    if unsafe:
        raise RuntimeError(f"the vis-network {VIS_VERSION} files of pyvis cannot be inlined safely")
    return js, css


def _vis_data(m: ChainMap) -> tuple[list[dict], list[dict], dict]:
    """Nodes, edges and options for vis-network, assembled with pyvis."""
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for n in m.nodes:
        net.add_node(
            n.id, label=n.label, shape="box", title=n.title, x=n.x, y=n.y, fixed=True, physics=False,
            color={"background": n.fill, "border": n.border,
                   "highlight": {"background": n.fill, "border": "#1B2631"},
                   "hover": {"background": n.fill, "border": "#1B2631"}},
            font={"color": n.font_color, "size": n.font_size, "face": FONT_STACK},
            borderWidth=n.border_width, borderWidthSelected=n.border_width + 1,
            shapeProperties={"borderDashes": [4, 3] if n.dashed else False, "borderRadius": 5},
            # vis adds the margins to the constrained label size: subtract them to get the model's box
            # the model's lines already fit: no maximum, so vis never breaks them again
            widthConstraint={"minimum": n.width - 2 * _MARGIN_X},
            heightConstraint={"minimum": n.height - 2 * _MARGIN_Y, "valign": "middle"},
            margin={"top": _MARGIN_Y, "bottom": _MARGIN_Y, "left": _MARGIN_X, "right": _MARGIN_X},
            kind=n.kind, status=n.status or "", choke=n.choke,
        )
    for e in m.edges:
        smooth = {"enabled": True, "type": e.curve, "roundness": e.roundness, "forceDirection": "horizontal"}
        if e.kind == "feeds":
            style = {"width": 2, "color": {"color": "#7B8A97", "highlight": "#34495E", "hover": "#34495E"},
                     "arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}}
        else:
            style = {"width": 1.2, "dashes": [5, 4],
                     "color": {"color": "#5B7DB1", "highlight": "#1F3A60", "hover": "#1F3A60"},
                     "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}}
        net.add_edge(e.source, e.target, id=e.id, title=e.title, kind=e.kind, smooth=smooth, **style)
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False, "hideEdgesOnDrag": False,
                        "keyboard": False, "multiselect": False, "navigationButtons": False},
        "nodes": {"shape": "box", "font": {"face": FONT_STACK}},
        "edges": {"selectionWidth": 1},
    }
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return nodes, edges, json.loads(options)


def _legend_html(m: ChainMap) -> str:
    out = []
    for item in m.legend:
        style = (f"background:{item.fill};border:{item.border_width}px {'dashed' if item.dashed else 'solid'} "
                 f"{item.border};color:{item.font_color}")
        out.append(f'<span class="item"><span class="swatch" style="{html.escape(style)}">'
                   f'{html.escape(item.sample)}</span>{html.escape(item.label)}</span>')
    out.append('<span class="item"><span class="line feeds"></span>上游供给下游</span>')
    out.append('<span class="item"><span class="line key"></span>关键技术也用于其他环节</span>')
    return "\n      ".join(out)


_STYLE = """
  :root { --ink: #1F2D3A; --muted: #5D6D7E; --rule: #D5DBE1; }
  * { box-sizing: border-box; }
  body { margin: 0; color: var(--ink); background: #FFFFFF; font-family: %(font)s; font-size: 14px; }
  header { padding: 16px 24px 8px; border-bottom: 1px solid var(--rule); }
  h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
  h2 { margin: 12px 0 4px; font-size: 14px; }
  .meta { margin: 0 0 8px; color: var(--muted); }
  .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 4px 0; }
  .legend .item { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
  .swatch { display: inline-block; min-width: 46px; padding: 1px 6px; border-radius: 4px; font-size: 12px;
            text-align: center; }
  .line { display: inline-block; width: 34px; height: 0; border-top: 2px solid #7B8A97; position: relative; }
  .line.key { border-top: 1.5px dashed #5B7DB1; }
  .line::after { content: ""; position: absolute; right: -2px; top: -6px; border: 5px solid transparent;
                 border-left: 7px solid #7B8A97; }
  .line.key::after { border-left-color: #5B7DB1; }
  .toolbar { display: flex; gap: 8px; align-items: center; padding: 6px 24px; color: var(--muted); }
  .toolbar button { font: inherit; padding: 2px 10px; border: 1px solid var(--rule); border-radius: 4px;
                    background: #F7F9FB; color: var(--ink); cursor: pointer; }
  #map { width: 100%%; height: 76vh; min-height: 480px; border-top: 1px solid var(--rule);
         border-bottom: 1px solid var(--rule); background: #FFFFFF; }
  #map-status { display: none; }
  footer { padding: 8px 24px 24px; color: var(--muted); font-size: 13px; }
  footer ul { margin: 0; padding-left: 20px; }
  div.vis-tooltip { white-space: pre-line; max-width: 420px; font-family: %(font)s; font-size: 13px;
                    line-height: 1.5; color: var(--ink); background: #FFFFFF; border-color: #A7B1BB; }
  .empty { padding: 40px 24px; color: var(--muted); }
"""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var status = document.getElementById("map-status");
  var container = document.getElementById("map");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  var font = data.font;
  network.on("beforeDrawing", function (ctx) {
    data.boxes.forEach(function (b) {
      ctx.save();
      if (b.fill !== "none") { ctx.fillStyle = b.fill; ctx.fillRect(b.x, b.y, b.width, b.height); }
      ctx.lineWidth = 1;
      ctx.strokeStyle = b.border;
      if (b.kind === "lane") { ctx.setLineDash([6, 4]); }
      ctx.strokeRect(b.x, b.y, b.width, b.height);
      ctx.setLineDash([]);
      ctx.fillStyle = "#34495E";
      if (b.kind === "band") {
        ctx.font = "600 " + data.bandFont + "px " + font;
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(b.lines[0], b.x + b.width / 2, data.headerHeight / 2);
      } else if (b.kind === "lane") {
        ctx.font = "600 " + data.laneFont + "px " + font;
        ctx.textAlign = "left";
        ctx.textBaseline = "top";
        b.lines.forEach(function (line, i) { ctx.fillText(line, b.x + 12, b.y + 14 + i * data.laneFont * 1.4); });
      }
      ctx.restore();
    });
  });
  network.once("afterDrawing", function () {
    var drawn = Object.keys(network.getPositions()).length;
    status.setAttribute("data-drawn", String(drawn));
    status.textContent = drawn + " nodes drawn";
  });
  function fitAll() {
    var w = container.clientWidth, h = container.clientHeight;
    var scale = Math.min(w / (data.width + 40), h / (data.height + 40), 1.5);
    network.moveTo({position: {x: data.width / 2, y: data.height / 2}, scale: scale, animation: false});
  }
  fitAll();
  window.addEventListener("resize", fitAll);
  document.getElementById("fit").addEventListener("click", fitAll);
  document.getElementById("png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    var link = document.createElement("a");
    link.download = data.fileName + ".png";
    link.href = canvas.toDataURL("image/png");
    link.click();
  });
}());
"""

#: the script that draws a map page's ``#map`` from ``#map-data`` (needs ``#map-status``, ``#fit``, ``#png``)
MAP_SCRIPT = _SCRIPT


def map_payload(m: ChainMap) -> dict[str, Any]:
    """What :data:`MAP_SCRIPT` draws: vis-network nodes, edges and options, the background boxes, sizes.

    Pages that serve the script as a file of their own (``chainkg serve``) embed this as
    ``<script type="application/json" id="map-data">`` (with :func:`script_json`).
    """
    nodes, edges, options = _vis_data(m)
    return {
        "nodes": nodes, "edges": edges, "options": options,
        "boxes": [asdict(b) for b in m.boxes],
        "font": FONT_STACK, "bandFont": BAND_FONT, "laneFont": LANE_FONT, "headerHeight": HEADER_H,
        "fileName": f"{m.name}-{m.region_name}", "width": m.width, "height": m.height,
    }


def render_html(m: ChainMap) -> str:
    """The map as one self-contained, offline HTML page (text, UTF-8)."""
    js, css = vis_assets()
    payload = map_payload(m)
    e = html.escape
    sources = "\n".join(f"<li>{e(source_line(s))}</li>" for s in m.sources)
    caveats = "\n".join(f"<li>{e(c)}</li>" for c in all_for_readers(m.caveats))
    chains = "、".join(e(c["name"]) for c in m.chains)
    meta = (f"区域：{e(m.region_name)}（{e(m.region)}） · 数据截至 {e(m.as_of or '未知')} · "
            "状态：补链分析 · "
            f"{m.counts.get('segments', 0)} 个环节，{m.counts.get('technologies', 0)} 项关键技术，"
            f"本地企业 {m.counts.get('local_enterprises', 0)} 家")
    if m.scope == "cluster":
        meta += f" · 产业链：{chains}"
    body = (f'<div id="map" role="img" aria-label="{e(m.title)}"></div>' if m.nodes else
            '<div id="map" class="empty">该产业链在数据中尚无环节，无图可画。</div>')
    script = (f'<script type="application/json" id="map-data">{script_json(payload)}</script>\n'
              f"<script>{js}</script>\n<script>{_SCRIPT}</script>") if m.nodes else ""
    csp = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "img-src data: blob:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chainkg map">
<title>{e(m.title)} · {e(m.region_name)}</title>
<style>{css}</style>
<style>{_STYLE % {"font": FONT_STACK}}</style>
</head>
<body>
<header>
  <h1>{e(m.title)}</h1>
  <p class="meta">{meta}</p>
  <div class="legend">
      {_legend_html(m)}
  </div>
</header>
<div class="toolbar"><button id="fit" type="button">适应窗口</button><button id="png" type="button">导出 PNG</button>
  <span>滚轮缩放，拖动平移，鼠标悬停查看数据、原因与来源。</span></div>
{body}
<div id="map-status" data-nodes="{len(m.nodes)}"></div>
<footer>
  <h2>来源（数据截至 {e(m.as_of or '未知')}）</h2>
  <ul>
{sources}
  </ul>
  <h2>说明</h2>
  <ul>
{caveats}
  </ul>
</footer>
{script}
</body>
</html>
"""
