"""招商指导目录: content, the four formats read back, golden files, and `chainkg catalog` on the bundled data.

Golden files (tests/golden/catalog.md, catalog.html) are the catalogue of the hand-made graph in
tests/targets_fixture.py, rendered without maps and normalised (dates → YYYY-MM-DD, digests →
<digest>). When a change to the catalogue is intended, regenerate them and review the diff:

    CHAINKG_REGEN_GOLDEN=1 pytest tests/test_catalog.py -k golden
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

import targets_fixture as fx
from conftest import needs_tool, one_worker
from queries.catalog import DEFAULT_TOP, SUMMARY_COLUMNS, TARGET_COLUMNS, region_catalog
from viz.catalog import FORMATS, parse_formats, write_catalog
from viz.catalog.common import display_width
from viz.catalog.maps import MapImage
from viz.catalog.markdown import render_markdown
from viz.catalog.webpage import render_html

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("CHAINKG_REGEN_GOLDEN") == "1"
# a resource the browser would fetch: src/href/url()/@import pointing at the network
NETWORK = re.compile(r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|url\(\s*["']?\s*(?:https?:)?//|@import""",
                     re.IGNORECASE)
BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def normalise(text: str) -> str:
    """Mask what changes without the catalogue changing: dates, digests, embedded map images."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", text)
    text = re.sub(r"(?<![0-9a-f])[0-9a-f]{12,64}(?![0-9a-f])", "<digest>", text)
    return re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "data:image/svg+xml;base64,<map>", text)


@pytest.fixture(scope="module")
def store():
    return fx.store()


@pytest.fixture(scope="module")
def catalog(store):
    return region_catalog(store, region="常州市")


def test_content_sections(catalog):
    assert catalog.title == "常州市招商指导目录" and catalog.scope == "全部产业链"
    assert [c.chain for c in catalog.chains] == ["ch-h", "ch-la", "ch-lb", "ch-t"]
    chain = catalog.chains[-1]
    o = chain.overview
    assert o.clusters[0]["name"] == "测试集群" and o.clusters[0]["target_scale_yi"] == 500
    assert o.target_scale_yi == 120 and o.target_source == "fx"
    assert o.completeness == 0.5 and o.status_counts == {"缺链": 2, "弱链": 2, "强链": 0}
    assert o.key_enterprises == ["常州整机有限公司"]
    assert [(s.name, s.mark) for s in chain.shortboard] == [("材料", "短板"), ("部件", "短板"), ("整机", "短板"),
                                                            ("服务", "短板")]
    assert [(d.name, d.direction, d.targets) for d in chain.directions] == [
        ("材料", "强链", 1), ("部件", "补链", 4), ("整机", "强链", 2), ("服务", "延链", 1), ("测试控制技术", "补链", 2)]
    assert chain.directions[-1].status == "卡脖子"
    assert [r.key for r in chain.targets] == fx.EXPECTED_ORDER
    first = chain.targets[0].cells()
    assert list(first) == list(TARGET_COLUMNS)
    assert first["环节"] == "部件" and first["招商方向"] == "补链" and first["所在地"] == "江苏省苏州市"
    assert first["推荐理由"].splitlines()[-1] == "综合得分 57（以商招商 30，上下游配套 12，能力匹配 10，企业实力 0，区位 5）"
    o3 = next(r for r in chain.targets if r.key == "e-o3").cells()
    assert o3["环节"] == "部件（测试控制技术）" and o3["资质标签"] == "专精特新、专精特新小巨人"
    o2 = next(r for r in chain.targets if r.key == "e-o2").cells()
    assert o2["资质标签"] == "上市（SZSE 300000）"
    assert all(line.endswith("〕") for line in first["证据来源"].splitlines())
    assert {s["id"] for s in chain.sources} == {"fx", "fx-public"}
    assert [(c.name, c.score, c.choke) for c in chain.chokepoints] == [("测试控制技术", 50.0, True)]
    summary = catalog.summary_rows()[-1]
    assert list(summary) == list(SUMMARY_COLUMNS) and summary["目标企业数"] == 8 and summary["产业链完整度"] == "50%"


def test_top_limits_the_list_and_says_so(store):
    small = region_catalog(store, chains=["测试链"], top=2)
    chain = small.chains[0]
    assert len(chain.targets) == 2 and chain.candidates == 8
    assert any("只列前 2 家" in c for c in chain.caveats)
    assert DEFAULT_TOP >= 10


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden(catalog, fmt):
    text = render_markdown(catalog) if fmt == "md" else render_html(catalog)
    path = GOLDEN / f"catalog.{fmt}"
    got = normalise(text)
    if REGEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} missing: run CHAINKG_REGEN_GOLDEN=1 pytest tests/test_catalog.py -k golden"
    assert got == path.read_text(encoding="utf-8"), f"{path.name} differs; regenerate on purpose (see module doc)"


def test_html_is_self_contained_and_escapes_hostile_names(catalog):
    page = render_html(catalog)
    assert not NETWORK.search(page)
    assert "<script" not in page.lower()
    assert fx.HOSTILE not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#x27;有限公司" in page
    assert "测试/链:[2]*?&lt;b&gt;" in page


def test_markdown_escapes_hostile_names(catalog):
    text = render_markdown(catalog)
    assert fx.HOSTILE not in text and "<img" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;&amp;\"'有限公司" in text
    cells = None  # no cell breaks its table: every row has as many cells as the header
    for line in text.splitlines():
        if not line.startswith("|"):
            cells = None
            continue
        n = len(re.split(r"(?<!\\)\|", line))
        cells = cells or n
        assert n == cells, line


def test_formats_parse():
    assert parse_formats("md,xlsx") == ("xlsx", "md")
    assert set(FORMATS) == {"xlsx", "docx", "html", "md", "json"}
    with pytest.raises(Exception, match="unknown catalogue format"):
        parse_formats("pdf")


@pytest.fixture(scope="module")
def written(store, catalog, tmp_path_factory):
    out = tmp_path_factory.mktemp("catalog-fixture")
    return write_catalog(store, catalog, out, formats=FORMATS, maps=False)


def _file(written, ext):
    return next(p for p in written.files if p.suffix == f".{ext}")


def test_xlsx_read_back(written):
    import pandas as pd
    from openpyxl import load_workbook

    path = _file(written, "xlsx")
    sheets = pd.read_excel(path, sheet_name=None, dtype=str)
    names = list(sheets)
    fixed = ["招商方向", "卡脖子技术", "短板长板", "七个一", "来源与说明"]
    assert names[0] == "总览" and names[-5:] == fixed
    chain_sheets = names[1:-5]
    assert len(chain_sheets) == 4 and len({n.lower() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not BAD_SHEET.search(name), name
    assert "测试链" in chain_sheets
    assert list(sheets["总览"].columns) == list(SUMMARY_COLUMNS)
    for name in chain_sheets:
        frame = sheets[name]
        assert list(frame.columns) == list(TARGET_COLUMNS), name
        assert frame["推荐理由"].notna().all() and (frame["推荐理由"].str.strip() != "").all(), name
        assert frame["证据来源"].notna().all(), name
    targets = sheets["测试链"]
    assert len(targets) == 8 and targets["目标企业"].iloc[0] == "苏州部件有限公司"
    assert not targets["所在地"].str.contains("常州").any()

    wb = load_workbook(path)
    for name in [names[0], *chain_sheets, "招商方向", "卡脖子技术", "短板长板"]:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
    ws = wb["测试链"]
    header = [c.value for c in ws[1]]
    col = {h: c.column_letter for h, c in zip(header, ws[1])}
    longest = max(display_width(v) for v in targets["目标企业"])
    assert ws.column_dimensions[col["目标企业"]].width >= longest + 2  # CJK counted as 2
    assert ws.column_dimensions[col["推荐理由"]].width <= 62
    assert ws[f"{col['推荐理由']}2"].alignment.wrap_text
    # a name that looks like a formula stays text
    cells = [c for row in wb[chain_sheets[0]].iter_rows() for c in row if c.value == fx.FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_docx_read_back(written):
    import docx

    document = docx.Document(str(_file(written, "docx")))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    level1 = [t for s, t in headings if s == "Heading 1"]
    assert level1[0] == "总览" and level1[-1] == "数据来源与说明" and "测试链" in level1
    level2 = [t for s, t in headings if s == "Heading 2"]
    for section in ("概况", "产业链图谱", "短板长板", "招商方向", "目标企业"):
        assert level2.count(section) == 4, section
    assert level2.count("说明") == 4 + 1 and level2[-3:] == ["数据来源", "评分方法", "说明"]
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    target_tables = [t for t, h in zip(document.tables, headers) if h == list(TARGET_COLUMNS)]
    assert len(target_tables) == 2 and len(target_tables[-1].rows) == 1 + 8  # two chains have no targets
    assert all(row.cells[6].text.strip() for t in target_tables for row in t.rows[1:])
    assert not document.inline_shapes  # written with maps=False


def _png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG, made by hand."""
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_docx_and_html_embed_the_map_images(catalog, tmp_path):
    import docx

    from viz.catalog.word import write_docx

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>测试链</text></svg>'
    maps = {c.chain: MapImage(c.chain, svg, _png(), ()) for c in catalog.chains}
    document = docx.Document(str(write_docx(catalog, tmp_path / "m.docx", maps=maps)))
    assert len(document.inline_shapes) == len(catalog.chains)
    page = render_html(catalog, maps=maps)
    assert page.count('src="data:image/svg+xml;base64,') == len(catalog.chains)
    assert not NETWORK.search(page)  # the SVG's namespace URL is inside the base64 data


def test_maps_from_viz_when_available(store, catalog, tmp_path):
    import docx

    done = write_catalog(store, catalog, tmp_path, formats=("docx", "html"))
    document = docx.Document(str(_file(done, "docx")))
    page = _file(done, "html").read_text(encoding="utf-8")
    assert page.count('产业链图谱" src="data:image/svg+xml;base64,') == len(catalog.chains)
    assert page.count('产业地图" src="data:image/svg+xml;base64,') == len(catalog.chains)  # tests/test_geomap.py
    if all(image.png for image in [*done.maps.values(), *done.geo.values()]):
        assert len(document.inline_shapes) == 2 * len(catalog.chains)
    else:
        assert done.notes  # says why the PNG is missing


def test_json_and_markdown_files(written):
    data = json.loads(_file(written, "json").read_text(encoding="utf-8"))
    assert data["region"] == "320400" and data["as_of"] and data["sources"] and data["caveats"]
    assert [t["key"] for t in data["chains"][-1]["targets"]] == fx.EXPECTED_ORDER
    assert _file(written, "md").read_text(encoding="utf-8").startswith("# 常州市招商指导目录")


def test_cli_on_a_hostile_fixture(run, tmp_path):
    from graph.schema import load_schema
    from ingest.build import build
    from ingest.load import raw_tables_from_records

    home = tmp_path / "home"
    build([], home, records=raw_tables_from_records(fx.records(), load_schema(), "targets-fixture"))
    out = tmp_path / "out"
    result = run("--home", home, "-q", "catalog", "--chain", "测试链", "--out", out, "--formats", "html,md")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["catalog-320400-ch-t.html",
                                                                   "catalog-320400-ch-t.md"]
    hostile = run("--home", home, "-q", "catalog", "--chain", fx.HOSTILE_CHAIN, "--out", out, "--formats", "html")
    assert hostile.exit_code == 0, hostile.output
    page = (out / "catalog-320400-ch-h.html").read_text(encoding="utf-8")  # with the map embedded, if any
    assert fx.HOSTILE not in page and "<b>" not in page and "<script" not in page.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and not NETWORK.search(page)
    bad = run("--home", home, "catalog", "--all", "--out", out, "--formats", "pdf")
    assert bad.exit_code == 2 and "unknown catalogue format" in bad.output and "hint:" in bad.output
    neither = run("--home", home, "catalog", "--out", out)
    assert neither.exit_code == 2 and "--chain NAME" in neither.output
    both = run("--home", home, "catalog", "--all", "--chain", "测试链", "--out", out)
    assert both.exit_code == 2


# --------------------------------------------------------------------------- the bundled data, end to end


#: the tests that read the bundled catalogue run on one worker: spread over two, each wrote it (one
#: catalogue of 21 chains in five formats, with maps: the slow part of this module)
BUNDLED_CATALOG = one_worker("test_catalog:bundled_catalog")


@pytest.fixture(scope="module")
def bundled_catalog(bundled_home, tmp_path_factory):
    from click.testing import CliRunner

    from chainkg.cli import cli

    out = tmp_path_factory.mktemp("catalog-bundled")
    result = CliRunner().invoke(cli, ["--home", str(bundled_home), "-q", "catalog", "--region", "常州市", "--all",
                                      "--out", str(out), "--formats", "xlsx,docx,html,md,json"])
    assert result.exit_code == 0, result.output
    return out, result.output


@BUNDLED_CATALOG
def test_bundled_catalog_writes_every_format(bundled_catalog):
    out, output = bundled_catalog
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == [f"catalog-320400-all.{ext}" for ext in ("docx", "html", "json", "md", "xlsx")]
    assert "21 chains" in output


@BUNDLED_CATALOG
def test_bundled_targets_have_reasons_sources_and_are_outside_changzhou(bundled_catalog, bundled_store):
    import pandas as pd

    out, _ = bundled_catalog
    sheets = pd.read_excel(out / "catalog-320400-all.xlsx", sheet_name=None, dtype=str)
    from viz.catalog.excel import FIXED_SHEETS

    chain_sheets = [n for n in sheets if n not in FIXED_SHEETS]
    assert len(chain_sheets) == 21
    rows = pd.concat([sheets[n] for n in chain_sheets], ignore_index=True)
    assert len(rows) > 50
    for col in ("推荐理由", "证据来源", "所在地", "数据截至"):
        assert rows[col].notna().all() and (rows[col].str.strip() != "").all(), col
    assert not rows["所在地"].str.contains("常州").any()

    data = json.loads((out / "catalog-320400-all.json").read_text(encoding="utf-8"))
    local = bundled_store.region_subtree("320400")
    located = bundled_store.edges("LOCATED_IN", ["from", "to"])
    places: dict[str, set[str]] = {}
    for k, v in zip(located["from"], located["to"]):
        places.setdefault(k, set()).add(v)
    keys = [t["key"] for c in data["chains"] for t in c["targets"]]
    assert keys and all(places[k] and not places[k] & local for k in keys)


@BUNDLED_CATALOG
def test_bundled_html_has_no_network_resource(bundled_catalog):
    out, _ = bundled_catalog
    page = (out / "catalog-320400-all.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and not NETWORK.search(page) and "<script" not in page.lower()


def test_bundled_reasons_can_be_checked_with_show(bundled_home, run):
    """The top target of every chain: each evidence fact is in `chainkg show <kind> <subject> --format json`."""
    from queries.show import KINDS
    from queries.targets import chain_targets

    kind_of = {label: kind for kind, label in KINDS.items()}
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore.open(bundled_home)
    views: dict[tuple[str, str], dict] = {}
    checked = 0
    for chain in ("工业机器人", "集成电路", "新能源汽车及动力电池"):
        for target in chain_targets(store, chain=chain, top=3).targets:
            for ev in target.evidence:
                key = (ev.subject_label, ev.subject)
                if key not in views:
                    shown = run("--home", bundled_home, "show", kind_of[ev.subject_label], ev.subject,
                                "--format", "json", "--limit", "1000")
                    assert shown.exit_code == 0, shown.output
                    views[key] = json.loads(shown.output)
                view = views[key]
                if ev.relationship:
                    assert any(x["key"] == ev.other and x["source"] == ev.source and x["as_of"] == ev.as_of
                               for x in view["relations"][ev.relationship][ev.direction]), ev.fact
                else:
                    assert view["node"][ev.property] == ev.value, ev.fact
                checked += 1
    assert checked >= 20


# -- issue 17: user-facing documents carry no developer message; readable HTML columns ----------------------

def _browser_missing() -> str | None:
    import shutil

    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the browser check needs Python Playwright (pip install -e '.[test]')"
    return None if shutil.which("chromium") else "the browser check needs Debian chromium"


def test_png_maps_are_part_of_the_normal_install():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(d.replace(" ", "").startswith("cairosvg") for d in project["project"]["dependencies"])


@needs_tool(None if shutil.which("fc-list") or Path("/usr/share/fonts/opentype/noto").exists()
            else "no fontconfig and no fonts-noto-cjk (apt-get install fonts-noto-cjk)")
def test_a_cjk_font_is_found_at_run_time():
    from viz.png import find_cjk_font, png_support

    assert find_cjk_font() is not None
    font, reason = png_support()
    assert font is not None and reason == ""


def test_word_catalogue_without_pictures_says_so_in_plain_chinese(store, catalog, tmp_path, monkeypatch):
    import docx

    import viz.catalog.maps as maps

    developer = "cairosvg is not installed (pip install cairosvg; it needs the cairo library, libcairo2)"
    monkeypatch.setattr(maps, "png_support", lambda: (None, developer))
    done = write_catalog(store, catalog, tmp_path, formats=("docx", "html", "json"))
    document = docx.Document(str(_file(done, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for leaked in ("pip", "cairosvg", "install", "libcairo", "apt-get"):
        assert leaked not in text, leaked
    assert "Word 版未附图谱图片" in text and "HTML" in text
    page = _file(done, "html").read_text(encoding="utf-8")
    assert "pip install" not in page and "cairosvg" not in page
    assert "pip install" not in json.dumps(json.loads(_file(done, "json").read_text(encoding="utf-8")))
    assert done.setup_hints and "cairosvg" in done.setup_hints[0]  # for the person running the command


def test_html_short_columns_get_a_readable_min_width():
    from viz.catalog.webpage import NARROW_COLUMN_EM, column_min_widths

    widths = column_min_widths(["产业链", "推荐理由"], [{"产业链": "农业和工程机械", "推荐理由": "很长" * 80}],
                               {"推荐理由": "reason"})
    assert widths == {"产业链": 7.0}
    assert column_min_widths(["环节"], [{"环节": "很长的环节名称" * 5}])["环节"] == NARROW_COLUMN_EM


@needs_tool(_browser_missing())
def test_html_catalogue_columns_are_readable_in_chromium(tmp_path):
    """The 目标企业 table beside its wide reason columns, in headless chromium at a laptop's width: the 产业链
    column shows 农业和工程机械 on one line (it printed one character a line before)."""
    from playwright.sync_api import sync_playwright

    page_html = render_html(region_catalog(fx.store(), region="常州市"))
    path = tmp_path / "catalog.html"
    path.write_text(page_html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(path.as_uri())
            measured = page.evaluate("""() => {
                const out = [];
                for (const table of document.querySelectorAll('table')) {
                    const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent);
                    for (const row of table.querySelectorAll('tbody tr')) {
                        [...row.children].forEach((td, i) => {
                            if (td.classList.contains('reason') || td.classList.contains('evidence')) return;
                            const size = parseFloat(getComputedStyle(td).fontSize);
                            const style = getComputedStyle(td);
                            const inner = td.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                            out.push({column: heads[i], text: td.innerText, chars: inner / size});
                        });
                    }
                }
                return out;
            }""")
        finally:
            browser.close()
    chain_cells = [m for m in measured if m["column"] == "产业链" and m["text"]]
    assert chain_cells, "the catalogue has no 产业链 column to measure"
    for cell in measured:
        longest = max(display_width(line) for line in cell["text"].split("\n")) / 2 if cell["text"] else 0
        # room for the longest line (em), up to the narrow-column width (longer texts wrap at ≥ 7 em a line)
        assert cell["chars"] >= min(longest, 7) - 0.5, cell


def test_word_styles_looked_up_once_write_what_python_docx_writes(tmp_path, monkeypatch):
    """The catalogue's Word paragraphs and headings get their style ids from a per-document lookup
    (viz.catalog.word._styled, _heading): the document XML is the one python-docx's own
    ``add_paragraph(text, style=…)`` and ``add_heading(text, level)`` write."""
    import zipfile

    import viz.catalog.word as word
    from queries._fixture import fixture_store_with_carriers
    from queries.catalog import region_catalog
    from viz.catalog import write_catalog

    store = fixture_store_with_carriers()
    catalog = region_catalog(store, chains=["ch-demo"])

    def document_xml(folder) -> bytes:
        written = write_catalog(store, catalog, folder, formats=("docx",), scope_key="ch-demo")
        path = next(p for p in written.files if p.suffix == ".docx")
        return zipfile.ZipFile(path).read("word/document.xml")

    ours = document_xml(tmp_path / "ours")
    monkeypatch.setattr(word, "_styled", lambda document, text="", style="List Bullet":
                        document.add_paragraph(text, style=style))
    monkeypatch.setattr(word, "_heading", lambda document, text, level: document.add_heading(text, level))
    assert ours == document_xml(tmp_path / "python-docx")
    assert b'w:pStyle w:val="ListBullet"' in ours and b'w:pStyle w:val="Caption"' in ours
    assert b'w:pStyle w:val="Title"' in ours and b'w:pStyle w:val="Heading3"' in ours  # the dossier's headings


def test_documents_word_caveats_for_readers_and_json_keeps_the_schema_names(written):
    """The Word and Excel catalogue drop ``（SUPPLIES）``-style names and option hints from the
    caveats; the JSON (for analysts) keeps them, so the same caveat can be checked against the graph."""
    import docx
    from openpyxl import load_workbook

    technical = ("（verified=false）", "（SUPPLIES）", "（FEEDS）", "--include-synthetic", "（synthetic）")
    document = docx.Document(str(_file(written, "docx")))
    words = "\n".join(p.text for p in document.paragraphs)
    book = load_workbook(_file(written, "xlsx"), read_only=True)
    notes = "\n".join(str(c) for row in book["来源与说明"].iter_rows(values_only=True) for c in row if c)
    data = json.loads(_file(written, "json").read_text(encoding="utf-8"))
    dumped = json.dumps(data, ensure_ascii=False)
    assert "未与文件核对" in words and "未与文件核对" in notes
    for term in technical:
        assert term not in words and term not in notes, term
    assert "（verified=false）" in dumped and "（SUPPLIES）" in dumped


# -- reader wording: evidence and 依据 in Chinese, JSON in the schema's names ------------------------------------

def _xlsx_texts(path) -> dict[str, list[dict[str, str]]]:
    """Sheet → rows as {header: text}; the sources table of 来源与说明 (titles as the sources write them) left out."""
    from openpyxl import load_workbook

    out = {}
    for ws in load_workbook(path, read_only=True).worksheets:
        rows = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        if ws.title == "来源与说明":  # the sources table, then one line per cell of column A
            rows = [[r[0]] for r in rows[1:] if r and not any(r[1:])]
            header = ["说明"]
        else:
            rows = rows[1:]
        out[ws.title] = [dict(zip(header, r)) for r in rows]
    return out


def _docx_texts(path) -> list[str]:
    """Every paragraph and table cell of a Word file; the sources table (来源, 标题, …) left out."""
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        if [c.text for c in table.rows[0].cells][:2] == ["来源", "标题"]:
            continue
        texts += [c.text for row in table.rows for c in row.cells]
    return texts


def test_documents_word_evidence_and_reasons_for_readers(written):
    """Word and Excel read back: the 短板长板 依据, the target evidence and the notes name no relationship type,
    setting or schema property; the evidence keeps its facts (names, products, figures); the JSON keeps the
    schema's names, as `chainkg show` checks them."""
    from test_wording import names_left

    sheets = _xlsx_texts(_file(written, "xlsx"))
    words = _docx_texts(_file(written, "docx"))
    for where, text in [*((f"xlsx {name}", "\n".join(v for row in rows for v in row.values()))
                          for name, rows in sheets.items()), ("docx", "\n".join(words))]:
        assert not names_left(text), (where, names_left(text))

    board = {row["环节"]: row["理由"] for row in sheets["短板长板"] if row["产业链"] == "测试链"}
    assert board["部件"].startswith("环节状态为缺链：本地企业 0 家 ≤ 缺链阈值 0 家\n")
    assert board["材料"] == "环节状态为弱链：本地企业 1 家 < 强链所需 3 家"
    evidence = {row["目标企业"]: row["证据来源"].split("\n") for row in sheets["测试链"]}
    assert "苏州部件有限公司 —经营环节→ 部件（经营产品：主要产品，主营）〔fx-public，2026-03-02，未核实〕" \
        in evidence["苏州部件有限公司"]
    assert "苏州部件有限公司 —供货给→ 常州整机有限公司（产品：部件，年份：2025）〔fx-public，2026-03-02，未核实〕" \
        in evidence["苏州部件有限公司"]
    assert "杭州部件有限公司，营业收入（亿元）：150〔fx-public，2026-03-02，未核实〕" in evidence["杭州部件有限公司"]
    assert "杭州服务有限公司 —经营环节→ 服务（经营产品：主要产品，非主营）〔fx-public，2026-03-02，未核实〕" \
        in evidence["杭州服务有限公司"]
    assert any("苏州部件有限公司 —经营环节→ 部件（经营产品：主要产品，主营）" in w for w in words)
    assert any("本地企业 0 家 ≤ 缺链阈值 0 家" in w for w in words)

    data = json.loads(_file(written, "json").read_text(encoding="utf-8"))
    dumped = json.dumps(data, ensure_ascii=False)
    assert "（missing_max_local）" in dumped and "—OPERATES_IN→ 部件（products=主要产品，main=true）" in dumped


@BUNDLED_CATALOG
def test_bundled_documents_name_no_schema_terms(bundled_catalog):
    """The bundled catalogue (21 chains, every section) read back from Word and Excel: no relationship type,
    setting or schema property left outside the sources table, and evidence lines still name both ends."""
    from test_wording import names_left

    out, _ = bundled_catalog
    sheets = _xlsx_texts(out / "catalog-320400-all.xlsx")
    words = _docx_texts(out / "catalog-320400-all.docx")
    texts = [v for rows in sheets.values() for row in rows for v in row.values()] + words
    left = sorted({n for t in texts for n in names_left(t)})
    assert not left, left
    lines = [line for rows in sheets.values() for row in rows for line in row.get("证据来源", "").split("\n") if line]
    arrows = [line for line in lines if "→" in line or "←" in line]
    assert len(arrows) > 100
    assert all(re.match(r"^\S.* (—[^—→]+→|←[^←—]+—) \S.*〔[^〔〕]+〕$", line) for line in arrows), \
        [line for line in arrows if not re.match(r"^\S.* (—[^—→]+→|←[^←—]+—) \S.*〔[^〔〕]+〕$", line)][:3]


def _python_docx_table(document, columns, rows, *, size=8.5):
    """What viz.catalog.word._table wrote before it copied rows: python-docx's own calls, cell by cell."""
    from docx.shared import Pt

    from viz.catalog.word import _repeat_header, _text

    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    _repeat_header(table.rows[0])
    for cell, name in zip(table.rows[0].cells, columns):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(size)
    for row in rows:
        for cell, name in zip(table.add_row().cells, columns):
            paragraph = cell.paragraphs[0]
            for k, line in enumerate(_text(row.get(name)).split("\n")):
                if k:
                    paragraph = cell.add_paragraph()
                paragraph.add_run(line).font.size = Pt(size)
    return table


@pytest.mark.parametrize("rows", [
    [],
    [{"名称": "甲公司", "得分": 62, "理由": "以商招商 +30\n上下游配套 +12"}],
    [{"名称": " 前后有空格 ", "得分": 1.5, "理由": "制表\t符"}, {"名称": "", "理由": "\n\n三行"},
     {"得分": None, "理由": "=SUM(A1)"}, {"名称": "第四行", "得分": 0, "理由": "a\r\nb"}],
])
def test_word_tables_write_what_python_docx_writes(rows):
    """viz.catalog.word._table copies one empty row and one run's properties: the XML is python-docx's own."""
    import docx
    from lxml import etree

    from viz.catalog.word import _table

    columns = ("名称", "得分", "理由")
    ours, theirs = docx.Document(), docx.Document()
    _table(ours, columns, rows, size=8.5)
    _python_docx_table(theirs, columns, rows, size=8.5)
    assert etree.tostring(ours.element.body) == etree.tostring(theirs.element.body)
    assert len(ours.tables[0].rows) == 1 + len(rows)


def test_xlsx_tables_copy_the_wrapped_style_as_openpyxl_would_set_it(tmp_path):
    """viz.catalog.excel._write_table copies the first data cell's style instead of setting the alignment on every
    cell: the sheet and style XML are those of setting it on every cell."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from viz.catalog.excel import _write_table

    rows = [{"名称": "甲", "得分": 62, "理由": "以商招商 +30\n上下游配套 +12"}, {"名称": "=SUM(A1)", "得分": None},
            {"名称": "乙", "得分": 1.5, "理由": ""}]

    def sheet_xml(set_each: bool) -> tuple[bytes, bytes]:
        book = Workbook()
        _write_table(book.active, ("名称", "得分", "理由"), rows)
        if set_each:
            for line in book.active.iter_rows(min_row=2):
                for cell in line:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        path = tmp_path / f"{set_each}.xlsx"
        book.save(path)
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml"), z.read("xl/styles.xml")

    ours = sheet_xml(False)
    assert ours == sheet_xml(True)
    assert b'wrapText="1"' in ours[1]


def test_word_package_stores_its_pictures_and_holds_what_python_docx_saves(tmp_path):
    """viz.catalog.word.docx_bytes: python-docx's parts, in its order, with the same bytes; the PNGs stored, not
    deflated a second time, and everything else deflated."""
    import io
    import zipfile

    import docx

    from viz.catalog.word import docx_bytes

    document = docx.Document()
    document.add_heading("图谱", 1)
    document.add_paragraph("说明")
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(picture, format="PNG")
    document.add_picture(io.BytesIO(picture.getvalue()))
    theirs = io.BytesIO()
    document.save(theirs)
    ours = zipfile.ZipFile(io.BytesIO(docx_bytes(document)))
    reference = zipfile.ZipFile(theirs)
    assert ours.namelist() == reference.namelist()
    assert all(ours.read(n) == reference.read(n) for n in reference.namelist())
    kinds = {i.filename: i.compress_type for i in ours.infolist()}
    stored = sorted(n for n, k in kinds.items() if k == zipfile.ZIP_STORED)
    assert stored == ["docProps/thumbnail.jpeg", "word/media/image1.png"]  # the template's thumbnail and ours
    assert kinds["word/document.xml"] == zipfile.ZIP_DEFLATED
    assert docx.Document(io.BytesIO(docx_bytes(document))).inline_shapes[0].width > 0
