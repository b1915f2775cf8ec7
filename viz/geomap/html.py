"""The 产业地图 as one offline HTML page: the same SVG inline, hover and click lists per area.

The page follows the chain maps' rules (:mod:`viz.html`): no external resource
at all (no ``http://`` or ``https://`` in the file) and a Content-Security-Policy
that forbids loading anything; every string from the data escaped — HTML text
and attributes with :func:`html.escape`, the SVG with XML escaping, the data
for the script as JSON in ``<script type="application/json">`` with ``<``,
``>`` and ``&`` escaped (:func:`viz.html.script_json`), and the script writes
names with ``textContent`` only. There are no inline event handlers: one
script adds listeners. Hovering an area shows its name, count and first
enterprises; clicking it (or its row in the table, or Enter on a focused area)
lists its enterprises in the side panel. When the script has run it sets
``data-ready="1"`` on ``#geomap-status``.

>>> from queries._fixture import fixture_store
>>> from viz.geomap.model import geo_map
>>> page = render_html(geo_map(fixture_store(), chain="示例链", targets=0))
>>> page.startswith("<!DOCTYPE html>"), "http://" in page or "https://" in page, "onclick" in page
(True, False, False)
"""

from __future__ import annotations

import html
from collections.abc import Callable

from viz.geomap.model import GeoArea, GeoMap
from viz.geomap.svg import map_body, meta_line, source_lines
from viz.html import script_json
from viz.text import FONT_STACK
from queries.wording import all_for_readers

__all__ = ["render_html", "render_fragment", "script_tags", "script_data", "GEOMAP_SCRIPT", "GEOMAP_STYLE"]

_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'")

GEOMAP_STYLE = """
  :root { --ink: #1F2D3A; --muted: #5D6D7E; --rule: #D5DBE1; }
  * { box-sizing: border-box; }
  body { margin: 0; color: var(--ink); background: #FFFFFF; font-family: %(font)s; font-size: 14px; }
  header { padding: 16px 24px 8px; border-bottom: 1px solid var(--rule); }
  h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
  h2 { margin: 12px 0 6px; font-size: 15px; }
  .meta { margin: 0; color: var(--muted); }
  .geomap-layout { display: flex; flex-wrap: wrap; gap: 16px; padding: 12px 24px; align-items: flex-start; }
  .geomap-pane { position: relative; flex: 1 1 640px; min-width: 320px; }
  .geomap-pane svg { width: 100%%; height: auto; display: block; background: #F7FAFD; border: 1px solid var(--rule); }
  .geomap-pane path.area { cursor: pointer; }
  .geomap-pane path.area:hover, .geomap-pane path.area:focus, .geomap-pane path.area.selected {
      stroke: #1B2631; stroke-width: 1.6; outline: none; }
  #geomap-tip { position: absolute; z-index: 5; pointer-events: none; max-width: 320px; white-space: pre-line;
                background: #FFFFFF; border: 1px solid #A7B1BB; border-radius: 4px; padding: 6px 8px;
                font-size: 13px; line-height: 1.5; box-shadow: 0 2px 6px rgba(0,0,0,.15); }
  aside { flex: 0 1 340px; min-width: 260px; }
  .legend { list-style: none; margin: 0; padding: 0; }
  .legend li { display: flex; gap: 8px; align-items: center; margin: 3px 0; }
  .swatch { display: inline-block; }
  #geomap-list { margin: 6px 0 0; padding-left: 22px; max-height: 60vh; overflow: auto; }
  #geomap-list li { margin: 4px 0; }
  #geomap-list .where { color: var(--muted); font-size: 12px; }
  #geomap-list .target { color: #6A1B9A; font-weight: 600; }
  table { border-collapse: collapse; margin: 0 24px; }
  th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: left; }
  td.n { text-align: right; }
  td button { font: inherit; border: 0; background: none; color: #1F4E9D; cursor: pointer; padding: 0; }
  footer { padding: 8px 24px 24px; color: var(--muted); font-size: 13px; }
  footer ul { margin: 0; padding-left: 20px; }
  #geomap-status { display: none; }
  .geomap-table-title { margin-left: 24px; }
  .legend svg { flex: none; }
"""

GEOMAP_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("geomap-data").textContent);
  var byCode = {};
  data.areas.forEach(function (a) { byCode[a.code] = a; });
  var svg = document.getElementById("geomap-svg");
  var pane = svg.parentNode;
  var tip = document.getElementById("geomap-tip");
  var title = document.getElementById("geomap-panel-title");
  var summary = document.getElementById("geomap-panel-summary");
  var list = document.getElementById("geomap-list");
  var selected = [];
  function areaOf(node) {
    while (node && node !== svg) {
      if (node.getAttribute && node.getAttribute("data-code")) { return byCode[node.getAttribute("data-code")]; }
      node = node.parentNode;
    }
    return null;
  }
  function tipText(a) {
    var lines = [a.name + "（" + a.code + "）：" + a.count + " 家"];
    if (a.targets.length) { lines.push("招商目标 " + a.targets.length + " 家：" + a.targets.join("、")); }
    var names = a.enterprises.slice(0, data.tipCount).map(function (e) { return e[1] || e[0]; });
    if (names.length) { lines.push(names.join("、") + (a.count > names.length ? " 等" : "")); }
    lines.push("点击查看名单");
    return lines.join("\\n");
  }
  function move(event) {
    var a = areaOf(event.target);
    if (!a) { tip.hidden = true; return; }
    tip.textContent = tipText(a);
    tip.hidden = false;
    var box = pane.getBoundingClientRect();
    var x = event.clientX - box.left + 14, y = event.clientY - box.top + 14;
    if (x + tip.offsetWidth > box.width) { x = Math.max(0, x - tip.offsetWidth - 28); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function fill(heading, note, enterprises, more) {
    title.textContent = heading;
    summary.textContent = note;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    enterprises.forEach(function (e) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.textContent = e[0];
      if (e[5]) { name.className = "target"; name.textContent = "▲ " + e[0]; }
      var where = document.createElement("div");
      where.className = "where";
      where.textContent = [e[2], e[3], e[4]].filter(function (t) { return t; }).join(" · ");
      li.appendChild(name);
      li.appendChild(where);
      list.appendChild(li);
    });
    if (more > 0) {
      var li = document.createElement("li");
      li.className = "where";
      li.textContent = "另 " + more + " 家未列出" + (data.moreNote ? "（" + data.moreNote + "）" : "");
      list.appendChild(li);
    }
  }
  function show(a) {
    selected.forEach(function (p) { p.classList.remove("selected"); });
    selected = Array.prototype.slice.call(svg.querySelectorAll('path.area[data-code="' + a.code + '"]'));
    selected.forEach(function (p) { p.classList.add("selected"); });
    var note = a.count + " 家" + (a.targets.length ? "，其中招商目标 " + a.targets.length + " 家" : "");
    fill(a.name + "（" + a.code + "）", note, a.enterprises, a.more);
  }
  svg.addEventListener("mousemove", move);
  svg.addEventListener("mouseleave", function () { tip.hidden = true; });
  svg.addEventListener("click", function (event) { var a = areaOf(event.target); if (a) { show(a); } });
  svg.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var a = areaOf(event.target);
    if (a) { event.preventDefault(); show(a); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-code]"), function (b) {
    b.addEventListener("click", function () { show(byCode[b.getAttribute("data-code")]); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-group]"), function (b) {
    b.addEventListener("click", function () {
      var g = data.groups[Number(b.getAttribute("data-group"))];
      fill(g.name, g.count + " 家：" + g.reason, g.enterprises, g.more);
    });
  });
  var status = document.getElementById("geomap-status");
  status.setAttribute("data-ready", "1");
  status.textContent = "ready";
}());
"""


def _entry(e) -> list:
    return [e.name, e.short_name, e.place, e.segments, e.designations, e.target]


def _payload(m: GeoMap, more_note: str) -> dict:
    names = {t.key: t.name for t in m.targets}
    return {
        "tipCount": 8,
        "moreNote": more_note,
        "areas": [{"code": a.code, "name": a.name, "count": a.count, "more": a.more,
                   "targets": [names[k] for k in a.targets], "enterprises": [_entry(e) for e in a.enterprises]}
                  for a in m.areas],
        "groups": [{"name": g.name + (f"（{g.code}）" if g.code else ""), "count": g.count, "reason": g.reason,
                    "more": g.more, "enterprises": [_entry(e) for e in g.enterprises]} for g in m.unmapped],
    }


def _swatch(fill: str) -> str:
    """A legend swatch drawn as SVG (a presentation attribute, not a style: pages with a strict CSP show it)."""
    return (f'<svg class="swatch" width="22" height="13" aria-hidden="true"><rect x="0.5" y="0.5" width="21" '
            f'height="12" fill="{html.escape(fill)}" stroke="#8C96A0"/></svg>')


def _symbol(text: str, colour: str) -> str:
    return (f'<svg width="14" height="14" aria-hidden="true"><text x="7" y="12" text-anchor="middle" font-size="13" '
            f'fill="{html.escape(colour)}">{html.escape(text)}</text></svg>')


def render_fragment(m: GeoMap, *, area_href: Callable[[GeoArea], str | None] | None = None) -> str:
    """The map, its side panel and its area table as an HTML fragment (no page, no script, no style attribute).

    For pages that embed the map (the web workbench, the catalogue): put it in
    a page, then :func:`script_data` and :data:`GEOMAP_SCRIPT` (as a file) or
    :func:`script_tags` make it interactive. ``area_href(area)``: a link for
    an area's row in the table (e.g. the view of that province), or None.
    """
    e = html.escape
    legend = [f"<li>{_swatch(c.fill)}{e(c.label)}</li>" for c in m.classes]
    legend.append(f"<li>{_swatch(m.colours['zero'])}无记录</li>")
    legend.append(f"<li>{_symbol('★', m.colours['perspective'])}"
                  f"{e(m.perspective_name)}（视角地区）：{m.perspective_count} 家</li>")
    if m.targets:
        legend.append(f"<li>{_symbol('▲', m.colours['target'])}招商目标（前 {len(m.targets)} 名）</li>")
    rows = []
    for a in sorted(m.areas, key=lambda a: (-a.count, a.code)):
        href = area_href(a) if area_href is not None else None
        drill = f' <a class="drill" href="{e(href)}">下钻</a>' if href else ""
        rows.append(f'<tr><td><button type="button" data-code="{e(a.code)}">{e(a.name)}</button>{drill}</td>'
                    f'<td>{e(a.code)}</td><td class="n">{a.count}</td><td class="n">{len(a.targets)}</td></tr>')
    for i, g in enumerate(m.unmapped):
        label = g.name + (f"（{g.code}）" if g.code else "")
        rows.append(f'<tr><td><button type="button" data-group="{i}">{e(label)}</button></td>'
                    f'<td>{e(g.reason)}</td><td class="n">{g.count}</td><td class="n"></td></tr>')
    svg = (f'<svg id="geomap-svg" viewBox="0 0 {m.width:g} {m.height:g}" '
           f'role="img" aria-label="{e(m.title)}">\n{map_body(m, interactive=True)}\n</svg>')
    return f"""<div class="geomap-layout">
  <section class="geomap-pane">
{svg}
    <div id="geomap-tip" role="tooltip" hidden></div>
  </section>
  <aside>
    <h2>图例（企业数）</h2>
    <ul class="legend">
      {"".join(legend)}
    </ul>
    <h2 id="geomap-panel-title">点击地图上的地区查看企业名单</h2>
    <p id="geomap-panel-summary" class="meta">悬停显示家数和前几家企业；点击或在地区上按回车列出名单。</p>
    <ol id="geomap-list"></ol>
  </aside>
</div>
<h2 class="geomap-table-title">各地区企业数（{e(m.area_level)}）</h2>
<table class="geomap-table">
  <thead><tr><th>地区</th><th>代码</th><th>企业数</th><th>招商目标</th></tr></thead>
  <tbody>
{chr(10).join(rows)}
  </tbody>
</table>"""


def script_data(m: GeoMap, *, more_note: str = "chainkg geomap --list N 可多列") -> str:
    """The map's data for :data:`GEOMAP_SCRIPT`, as ``<script type="application/json" id="geomap-data">``.

    ``more_note``: what the list says after "另 N 家未列出" (how to see more).
    """
    return f'<script type="application/json" id="geomap-data">{script_json(_payload(m, more_note))}</script>'


def script_tags(m: GeoMap) -> str:
    """The data and the script that make :func:`render_fragment` interactive."""
    return f"{script_data(m)}\n<script>{GEOMAP_SCRIPT}</script>"


def render_html(m: GeoMap) -> str:
    """The map as one self-contained, offline HTML page (text, UTF-8)."""
    e = html.escape
    sources = "\n".join(f"<li>{e(line)}</li>" for line in source_lines(m))
    caveats = "\n".join(f"<li>{e(c)}</li>" for c in all_for_readers(m.caveats))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="chainkg geomap">
<title>{e(m.title)} · {e(m.view_name)}</title>
<style>{GEOMAP_STYLE % {"font": FONT_STACK}}</style>
</head>
<body>
<header>
  <h1>{e(m.title)}</h1>
  <p class="meta">{e(meta_line(m))}</p>
</header>
{render_fragment(m)}
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
<div id="geomap-status"></div>
{script_tags(m)}
</body>
</html>
"""
