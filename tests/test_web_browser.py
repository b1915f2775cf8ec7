"""The workbench in a real browser: Debian chromium, headless, driven by Python Playwright.

A uvicorn server runs in a thread on a free loopback port over a store built
from the bundled data plus hostile names. The test clicks overview → chain →
segment → enterprise, filters the targets, downloads a catalogue, checks that
the chain map draws on its canvas, and that a hostile name stays text (no
dialog opens). Screenshots go to ``$CHAINKG_SCREENSHOTS`` (or the test's tmp
folder): look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import needs_tool, one_worker
from test_web import HOSTILE_IMG, HOSTILE_SCRIPT, hostile_home  # noqa: F401  (a fixture, shared)


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the browser tests need Python Playwright (pip install -e '.[test]')"
    if shutil.which("chromium") is None:
        return "the browser tests need Debian chromium (apt-get install chromium; .ci/system-deps installs it)"
    return None


#: the hostile store, its server and the browser are started once per worker: one worker runs the module
pytestmark = [needs_tool(_missing()), one_worker("test_web_browser")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    import uvicorn

    from chainkg.web.app import create_app
    from chainkg.web.stores import CurrentStore

    home = request.getfixturevalue("hostile_home")  # the bundled data plus hostile names
    app = create_app(CurrentStore(home), home=home, cache_dir=tmp_path_factory.mktemp("browser-cache"))
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CHAINKG_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module; each test gets a new context of its own (``page``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page in a new browser context (its own cookies, storage and downloads), closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="zh-CN")
    try:
        page = context.new_page()
        page.problems = []  # console errors, page errors, dialogs, requests elsewhere
        page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
        page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
                else page.problems.append(f"request elsewhere: {r.url}"))
        yield page
    finally:
        context.close()


def _map_drawn(page) -> int:
    page.wait_for_selector("#map-status[data-drawn]", state="attached", timeout=30000)
    drawn = int(page.get_attribute("#map-status", "data-drawn"))
    canvas = page.locator("#map canvas")
    assert canvas.count() == 1
    box = canvas.bounding_box()
    assert box["width"] > 400 and box["height"] > 300
    # something is painted: the canvas is not one flat colour
    colours = page.evaluate("""() => {
        const c = document.querySelector('#map canvas');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 97) seen.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
        return seen.size;
    }""")
    assert colours > 5
    return drawn


def test_overview_chain_segment_enterprise(page, server, shots):
    page.goto(server + "/")
    assert page.locator("h1").inner_text().startswith("常州市")
    page.screenshot(path=str(shots / "web-overview.png"), full_page=False)
    page.get_by_role("link", name="集成电路", exact=True).first.click()
    page.wait_for_url("**/chains/chain-ic")
    drawn = _map_drawn(page)
    assert drawn >= 10
    page.locator("#map-section").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "web-chain-map.png"))
    page.locator("#gaps").get_by_role("link", name="封装测试", exact=True).click()
    page.wait_for_url("**/segments/seg-ic-packaging")
    assert "封装测试" in page.locator("h1").inner_text()
    page.screenshot(path=str(shots / "web-segment.png"), full_page=True)
    page.locator("#national").get_by_role("link").first.click()
    page.wait_for_url("**/enterprises/**")
    assert page.locator("#profile").is_visible()
    page.screenshot(path=str(shots / "web-enterprise.png"), full_page=True)
    assert page.problems == []


def test_filter_targets_and_download(page, server, shots, tmp_path):
    page.goto(server + "/targets?chain=chain-ic")
    total = page.locator("table.targets tbody tr").count()
    page.select_option("select[name=listed]", "1")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**listed=1**")
    rows = page.locator("table.targets tbody tr")
    assert 0 < rows.count() < total
    for i in range(rows.count()):
        assert "上市" in rows.nth(i).locator("td").nth(7).inner_text()
    page.screenshot(path=str(shots / "web-targets.png"), full_page=False)
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    from openpyxl import load_workbook

    sheet = load_workbook(path)["招商目标"]
    assert sheet.max_row - 1 == rows.count()
    page.goto(server + "/chains/chain-ic#downloads")
    with page.expect_download() as info:
        page.get_by_role("link", name="Word（.docx）").click()
    assert info.value.suggested_filename.endswith(".docx")
    saved = tmp_path / "catalog.docx"
    info.value.save_as(saved)
    assert saved.stat().st_size > 5000
    assert page.problems == []


def test_hostile_names_stay_text_in_the_browser(page, server, shots):
    for url in ["/enterprises/ent-x-script", "/enterprises/ent-x-img", "/targets?chain=chain-ic",
                "/segments/seg-ic-packaging", "/chains/chain-ic"]:
        page.goto(server + url)
        page.wait_for_load_state("load")
        if url == "/chains/chain-ic":
            _map_drawn(page)
    page.goto(server + "/targets?chain=chain-ic")
    text = page.locator("table.targets").inner_text()
    assert HOSTILE_SCRIPT in text and HOSTILE_IMG in text
    assert page.locator("table.targets img").count() == 0
    page.screenshot(path=str(shots / "web-hostile.png"), full_page=False)
    assert page.problems == []  # no dialog, no error, nothing fetched from elsewhere


def test_geomap_tab_hover_list_and_hostile_names(page, server, shots):
    page.goto(server + "/chains/chain-ic")
    page.locator("nav.chain-tabs").get_by_role("link", name="产业地图").click()
    page.wait_for_url("**/chains/chain-ic/geomap")
    page.wait_for_selector('#geomap-status[data-ready="1"]', state="attached", timeout=30000)
    assert page.locator("#geomap-svg path.area").count() >= 34
    assert page.locator('#geomap-svg path.area[data-code="710000"]').count() >= 1  # 台湾省
    assert "南海诸岛" in page.locator("#geomap-svg").inner_html()
    page.locator("#geomap-svg").scroll_into_view_if_needed()
    point = page.evaluate("""() => {  // a point of the window where 江苏's own area is on top
        const path = document.querySelector('#geomap-svg path.area[data-code="320000"]');
        const box = path.getBoundingClientRect();
        for (let fy = 0.2; fy < 0.9; fy += 0.05) for (let fx = 0.2; fx < 0.9; fx += 0.05) {
            const x = box.left + box.width * fx, y = box.top + box.height * fy;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
        return null;
    }""")
    assert point is not None
    page.mouse.move(*point)
    tip = page.locator("#geomap-tip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().startswith("江苏")
    page.screenshot(path=str(shots / "web-geomap.png"), full_page=False)
    # the 上海 row of the table lists its enterprises, hostile names as text
    page.locator('table.geomap-table button[data-code="310000"]').click()
    assert page.locator("#geomap-panel-title").inner_text().startswith("上海")
    listed = page.locator("#geomap-list").inner_text()
    assert HOSTILE_SCRIPT in listed
    assert page.locator("#geomap-list img, #geomap-list script").count() == 0
    # another view: the province, by the form
    page.fill("input[name=region]", "江苏省")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url("**/chains/chain-ic/geomap?region=**")
    page.wait_for_selector('#geomap-status[data-ready="1"]', state="attached", timeout=30000)
    assert "江苏省" in page.locator("h1").inner_text()
    assert page.locator("#geomap-svg path.area").count() == 13  # 江苏's prefectures
    assert page.problems == []  # no CSP violation, no dialog, nothing fetched from elsewhere


def test_dossier_tab(page, server, shots):
    page.goto(server + "/chains/chain-graphene")
    page.locator("nav.chain-tabs").get_by_role("link", name="七个一档案").click()
    page.wait_for_url("**/chains/chain-graphene/dossier")
    headings = page.locator("section.dossier h2").all_inner_texts()
    for title in ("推进工作方案", "服务团队", "龙头骨干企业", "重点项目", "服务（创新）平台", "招商指导目录",
                  "核心技术短板长板动态表"):
        assert any(title in h for h in headings), title
    page.screenshot(path=str(shots / "web-dossier.png"), full_page=False)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载档案（.md）").click()
    assert info.value.suggested_filename.endswith(".md")
    assert page.problems == []
