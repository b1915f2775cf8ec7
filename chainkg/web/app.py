"""The workbench application: routes → views → the same dict as HTML (Jinja2) or JSON.

:func:`create_app` builds a plain Starlette application over a store
function, so tests build it over a test store and ``chainkg serve`` over the
current build. Route handlers hold no business logic: each one parses its
parameters, calls one view of :mod:`chainkg.web.views` (which calls the library
functions the CLI calls) and renders the result.

>>> from queries._fixture import fixture_store
>>> from starlette.testclient import TestClient
>>> client = TestClient(create_app(lambda: fixture_store()), base_url="http://127.0.0.1")
>>> client.get("/chains/ch-demo").status_code, client.get("/api/gaps?chain=ch-demo").json()["chain_name"]
(200, '示例链')
>>> client.get("/chains/nope").status_code
404
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainkg.errors import ChainkgError, NotFoundError, StoreNotBuiltError

if TYPE_CHECKING:  # pragma: no cover
    from graph.store import GraphStore

__all__ = ["create_app", "warm", "ROUTES", "PAGE_PATHS"]

log = logging.getLogger("chainkg.web")
HERE = Path(__file__).resolve().parent
#: the page paths (a contract: other tools link to them)
PAGE_PATHS = ("/", "/clusters", "/clusters/{key}", "/chains/{key}", "/segments/{key}", "/enterprises/{key}",
              "/technologies/{key}", "/search", "/targets")
_STATUS_CLASS = {"缺链": "missing", "弱链": "weak", "强链": "strong", "短板": "short", "长板": "long"}


# ---------------------------------------------------------------------------------------------- rendering
def _templates():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from starlette.templating import Jinja2Templates

    from queries.wording import display_name, for_readers, reader_terms

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=_pct, num=_num, readers=for_readers, term=lambda t: display_name(str(t)) or str(t),
                       word=lambda v, prop: reader_terms().value_name(str(prop), v) or v,
                       status_class=lambda s: _STATUS_CLASS.get(s or "", "none"),
                       verified=lambda v: "已核实" if v is True else ("未核实" if v is False else "未注明"),
                       listing=lambda v: "、".join(str(x) for x in v) if isinstance(v, (list, tuple)) else
                       ("" if v is None else str(v)))
    return Jinja2Templates(env=env)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value) * 100:.0f}%"


def _num(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return str(value)


def _json(data: Any, status: int = 200):
    from starlette.responses import Response

    from chainkg.render import to_json

    return Response(to_json(data) + "\n", status_code=status, media_type="application/json")


# ---------------------------------------------------------------------------------------------- the app
def create_app(store_factory: Callable[[], GraphStore], *, region: str = "常州市", home: str | Path | None = None,
               cache_dir: str | Path | None = None, token: str | None = None, cache_entries: int = 512):
    """The workbench over ``store_factory()`` (called once per request: the store of the current build).

    ``region``: the region attracting (default 常州市). ``home``: the store
    folder, where snapshots are (for the 动态表). ``cache_dir``: where
    catalogue downloads are written, once per build (default ``<home>/web-cache``
    or a temporary folder). ``token``: when set, every request must carry it
    (``chainkg serve`` sets one whenever it binds beyond loopback).
    """
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from chainkg.web.exports import CatalogCache
    from chainkg.web.security import SecurityMiddleware
    from chainkg.web.stores import AnalysisCache

    templates = _templates()
    cache = AnalysisCache(max_entries=cache_entries)
    home = Path(home) if home is not None else None
    if cache_dir is None:
        cache_dir = (home / "web-cache") if home is not None else Path(tempfile.mkdtemp(prefix="chainkg-web-"))
    catalogs = CatalogCache(cache_dir)
    state = _State(store_factory, cache, region, home, catalogs, templates)

    def refuse(status: int, title: str, message: str):
        from starlette.responses import HTMLResponse

        page = templates.get_template("error.html").render(_error_context(title, message, None))
        return HTMLResponse(page, status_code=status)

    async def not_found(request, exc: HTTPException):
        if exc.status_code == 404:
            return _error(state, request, 404, "页面不存在", f"没有这个地址：{request.url.path}",
                          "从总览或搜索进入；地址中的编号区分大小写。")
        return _error(state, request, exc.status_code, "请求有误", str(exc.detail), None)

    async def server_error(request, exc: Exception):
        from chainkg.web.security import SECURITY_HEADERS

        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        response = _error(state, request, 500, "服务出错", "处理这个请求时出错了，错误已记录在服务端日志中。", None)
        response.headers.update(SECURITY_HEADERS)  # this handler runs outside the security middleware
        return response

    routes = [Route(path, _endpoint(state, fn), methods=["GET", "HEAD"]) for path, fn in ROUTES.items()]
    routes.append(Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"))
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found, 500: server_error},
                    middleware=[Middleware(SecurityMiddleware, token=token, refuse=refuse),
                                Middleware(GZipMiddleware, minimum_size=1024)])  # pages of a national pool are large
    app.state.workbench = state
    return app


def warm(app) -> None:
    """Compute what the overview and the all-chain target list need, once, in the caller's thread.

    ``chainkg serve`` runs it in a background thread at start so that the first visitor does
    not wait for every chain's analysis. Failures are logged, never raised: a page computes
    what it needs itself.
    """
    from chainkg.web.views import overview_view

    state = app.state.workbench
    try:
        wb = state.workbench()
        overview_view(wb)
        for report in wb.all_gaps():
            wb.targets(report.chain, None)
    except Exception:  # noqa: BLE001 - a warm-up never stops the server
        log.warning("warm-up stopped", exc_info=True)


class _State:
    def __init__(self, store_factory, cache, region, home, catalogs, templates):
        self.store_factory = store_factory
        self.cache = cache
        self.region = region
        self.home = home
        self.catalogs = catalogs
        self.templates = templates

    def workbench(self, request=None):
        """The request's workbench: made once per request (one build from start to end)."""
        from chainkg.web.views import Workbench

        made = getattr(request.state, "workbench", None) if request is not None else None
        if made is None:
            made = Workbench(self.store_factory(), self.cache, region=self.region, home=self.home)
            if request is not None:
                request.state.workbench = made
        return made


def _error_context(title: str, message: str, hint: str | None) -> dict[str, Any]:
    return {"title": title, "message": message, "hint": hint, "crumbs": [("总览", "/")]}


def _error(state: _State, request, status: int, title: str, message: str, hint: str | None):
    if request.url.path.startswith("/api/"):
        return _json({"error": message, "hint": hint, "status": status}, status)
    return state.templates.TemplateResponse(request, "error.html", _error_context(title, message, hint),
                                            status_code=status)


def _endpoint(state: _State, fn):
    """Wrap a handler: run it in a worker thread with a fresh workbench; errors → Chinese pages."""
    from starlette.concurrency import run_in_threadpool

    from chainkg.web.views import BadRequest, PageNotFound

    handler = _cached_response(fn) if fn.__name__ not in _FRESH else fn

    @functools.wraps(fn)
    async def endpoint(request):
        try:
            return await run_in_threadpool(handler, state, request)
        except PageNotFound as error:
            return _error(state, request, 404, "找不到", str(error), "从总览或搜索进入；也可以在搜索框输入名称或简称。")
        except StoreNotBuiltError:
            return _error(state, request, 503, "图谱尚未构建", "当前没有可读的图谱。",
                          "先运行 chainkg build，再刷新本页。")
        except (BadRequest, NotFoundError) as error:
            return _error(state, request, 400, "请求参数有误", str(error), getattr(error, "hint", None))
        except ChainkgError as error:
            log.warning("%s on %s: %s", type(error).__name__, request.url.path, error)
            return _error(state, request, 400, "无法完成", str(error), getattr(error, "hint", None))
        except Exception:
            log.exception("unhandled error on %s", request.url.path)  # the traceback stays in the server's log
            return _error(state, request, 500, "服务出错", "处理这个请求时出错了，错误已记录在服务端日志中。", None)
    return endpoint


#: handlers whose answer is not kept per build: the overview reads the snapshots at each request, files
#: are served from their folder, the map's form only redirects, static files need no build
_FRESH = {"overview_page", "api_overview", "catalog_download", "geomap_chooser", "status_css", "vendor_file"}


def _cached_response(fn):
    """``fn``'s answer kept once per build and URL: everything a page shows is a function of both."""
    from starlette.responses import Response

    @functools.wraps(fn)
    def cached(state: _State, request):
        wb = state.workbench(request)
        status, body, headers = wb.cached("response", fn.__name__, request.url.path, request.url.query,
                                          compute=lambda: _frozen(fn(state, request)))
        response = Response(content=body, status_code=status)
        response.raw_headers = list(headers)
        return response
    return cached


def _frozen(response) -> tuple[int, bytes, tuple]:
    return response.status_code, bytes(response.body), tuple(response.raw_headers)


def _page(state: _State, request, template: str, data: dict[str, Any], crumbs: list[tuple[str, str | None]],
          title: str):
    return state.templates.TemplateResponse(request, template, {"data": data, "crumbs": crumbs, "title": title})


# ---------------------------------------------------------------------------------------------- parameters
def _ints(request, name: str, default: int | None, *, low: int = 0, high: int = 10_000) -> int | None:
    from chainkg.web.views import BadRequest

    text = request.query_params.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(f"参数 {name} 应为整数，收到 {text!r}", hint=f"例：{name}=20") from None
    if not low <= value <= high:
        raise BadRequest(f"参数 {name} 应在 {low}–{high} 之间，收到 {value}")
    return value


def _many(request, name: str) -> list[str]:
    out = []
    for value in request.query_params.getlist(name):
        out += [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    return out


def _target_filter(state: _State, request, wb):
    """The filters of /targets and /api/targets from the query string."""
    from queries.target_filters import FilterError, TargetFilter, resolve_provinces

    from chainkg.web.views import BadRequest

    listed_text = request.query_params.get("listed", "").strip().lower()
    listed = {"": None, "1": True, "true": True, "yes": True, "上市": True,
              "0": False, "false": False, "no": False, "非上市": False, "未上市": False}.get(listed_text, "bad")
    if listed == "bad":
        raise BadRequest(f"参数 listed 应为 1（上市）或 0（非上市），收到 {listed_text!r}")
    score_text = request.query_params.get("min_score", "").strip()
    try:
        min_score = float(score_text) if score_text else None
    except ValueError:
        raise BadRequest(f"参数 min_score 应为数字，收到 {score_text!r}", hint="例：min_score=15") from None
    try:
        return TargetFilter(provinces=resolve_provinces(wb.store, _many(request, "province")),
                            designations=tuple(_many(request, "designation")), listed=listed,
                            segments=tuple(_many(request, "segment")), min_score=min_score)
    except FilterError as error:
        raise BadRequest(str(error), hint=error.hint) from None


# ---------------------------------------------------------------------------------------------- pages
def overview_page(state, request):
    from chainkg.web.views import overview_view

    data = overview_view(state.workbench(request))
    return _page(state, request, "overview.html", data, [("总览", None)], "产业链招商工作台")


def clusters_page(state, request):
    from chainkg.web.views import clusters_view

    data = clusters_view(state.workbench(request))
    return _page(state, request, "clusters.html", data, [("总览", "/"), ("集群", None)], "先进制造业集群")


def cluster_page(state, request):
    from chainkg.web.views import cluster_view

    data = cluster_view(state.workbench(request), request.path_params["key"])
    name = data["cluster"]["name"]
    return _page(state, request, "cluster.html", data, [("总览", "/"), ("集群", "/clusters"), (name, None)], name)


def _lookup(state, request, label: str, prefix: str):
    """(workbench, the key in the path, a redirect to the id when the path holds a name, else None)."""
    wb = state.workbench(request)
    key = request.path_params["key"]
    return wb, key, _redirect_if_named(wb, label, key, prefix)


def _redirect_if_named(wb, label: str, key: str, prefix: str):
    """``/chains/光伏`` → ``/chains/chain-pv`` when the text names exactly one node."""
    from starlette.responses import RedirectResponse

    if wb.store.node(label, key) is None:
        found = wb.canonical(label, key)
        if found is not None:
            from urllib.parse import quote

            return RedirectResponse(f"{prefix}/{quote(found, safe='')}", status_code=302)
    return None


def chain_page(state, request):
    from chainkg.web.views import chain_view, map_data

    wb, key, moved = _lookup(state, request, "Chain", "/chains")
    if moved is not None:
        return moved
    data = chain_view(wb, key)
    payload = map_data(wb, key)
    cluster = data["clusters"][0] if data["clusters"] else None
    crumbs = [("总览", "/")] + ([(cluster["name"], f"/clusters/{cluster['key']}")] if cluster else []) \
        + [(data["chain"]["name"], None)]
    return state.templates.TemplateResponse(request, "chain.html", {
        "data": data, "crumbs": crumbs, "title": data["chain"]["name"],
        "map_json": _script_json(payload) if payload else None})


def _script_json(payload) -> str:
    from markupsafe import Markup

    from viz.html import script_json

    return Markup(script_json(payload))  # no <, > or & left: safe inside <script type="application/json">


def segment_page(state, request):
    from chainkg.web.views import segment_view

    wb, key, moved = _lookup(state, request, "Segment", "/segments")
    if moved is not None:
        return moved
    data = segment_view(wb, key)
    crumbs = [("总览", "/")] + [(c["name"], f"/chains/{c['key']}") for c in data["chains"][:1]] \
        + [(data["segment"]["name"], None)]
    return _page(state, request, "segment.html", data, crumbs, data["segment"]["name"])


def enterprise_page(state, request):
    from chainkg.web.views import enterprise_view

    wb, key, moved = _lookup(state, request, "Enterprise", "/enterprises")
    if moved is not None:
        return moved
    data = enterprise_view(wb, key)
    name = data["node"].get("name") or key
    chains = data.get("chains") or []
    crumbs = [("总览", "/")] + [(c["name"] or c["key"], f"/chains/{c['key']}") for c in chains[:1]] + [(name, None)]
    return _page(state, request, "node.html", data, crumbs, name)


def technology_page(state, request):
    from chainkg.web.views import technology_view

    wb, key, moved = _lookup(state, request, "Technology", "/technologies")
    if moved is not None:
        return moved
    data = technology_view(wb, key)
    name = data["node"].get("name") or key
    return _page(state, request, "node.html", data, [("总览", "/"), (name, None)], name)


def search_page(state, request):
    from chainkg.web.views import search_view

    data = search_view(state.workbench(request), request.query_params.get("q", ""))
    return _page(state, request, "search.html", data, [("总览", "/"), ("搜索", None)],
                 f"搜索：{data['query']}" if data["query"] else "搜索")


def _targets_data(state, request):
    from chainkg.web.views import targets_view

    wb = state.workbench(request)
    options = _target_filter(state, request, wb)
    chain = request.query_params.get("chain", "").strip() or None
    return targets_view(wb, chain=chain, options=options, top=_ints(request, "top", 200, low=1))


def targets_page(state, request):
    data = _targets_data(state, request)
    scope = data["chain"]["name"] if data["chain"] else "全部产业链"
    crumbs = [("总览", "/")] + ([(scope, f"/chains/{data['chain']['key']}")] if data["chain"] else []) \
        + [("招商目标", None)]
    return state.templates.TemplateResponse(request, "targets.html", {
        "data": data, "crumbs": crumbs, "title": f"招商目标 · {scope}",
        "query": request.url.query, "designations": _designations()})


def _designations():
    from queries.target_filters import DESIGNATIONS

    return DESIGNATIONS


def targets_export(state, request):
    from starlette.responses import Response

    from chainkg.web.exports import MEDIA_TYPES, targets_csv, targets_xlsx

    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "xlsx", "json"):
        from chainkg.web.views import PageNotFound

        raise PageNotFound(f"没有这种导出格式：{fmt}（可用 csv、xlsx、json）")
    data = _targets_data(state, request)
    if fmt == "json":
        return _json(data)
    body = targets_csv(data) if fmt == "csv" else targets_xlsx(data)
    scope = data["chain"]["key"] if data["chain"] else "all"
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=_attachment(f"targets-{data['region']['code']}-"
                                                                           f"{scope}.{fmt}"))


def _attachment(name: str) -> dict[str, str]:
    import re
    from urllib.parse import quote

    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    return {"content-disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"}


def catalog_download(state, request):
    from starlette.responses import FileResponse

    from chainkg.web.exports import CATALOG_FORMATS, MEDIA_TYPES
    from chainkg.web.views import PageNotFound, resolve_chain

    fmt = request.path_params["fmt"]
    if fmt not in CATALOG_FORMATS:
        raise PageNotFound(f"没有这种目录格式：{fmt}（可用 {', '.join(CATALOG_FORMATS)}）")
    wb = state.workbench(request)
    key = request.path_params["key"]
    wb.node("Chain", key)
    path = state.catalogs.file(wb.store, digest=wb.digest, region=wb.region_code, chain=resolve_chain(wb, key), fmt=fmt)
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=_attachment(path.name))


def map_svg(state, request):
    from starlette.responses import Response

    from viz.svg import render_svg

    wb = state.workbench(request)
    key = request.path_params["key"]
    wb.node("Chain", key)
    svg = wb.cached("map_svg", key, wb.region_code, compute=lambda: render_svg(wb.chain_map(key)))
    return Response(svg, media_type="image/svg+xml", headers=_attachment(f"map-{wb.region_code}-{key}.svg"))


def _geomap_args(request) -> dict[str, str | None]:
    q = request.query_params
    return {"scope": q.get("scope", "").strip() or None, "region": q.get("region", "").strip() or None}


def _geomap_page(state, request, label: str, prefix: str):
    from markupsafe import Markup

    from chainkg.web.panels import geomap_fragment, geomap_script_data, geomap_view

    wb, key, moved = _lookup(state, request, label, prefix)
    if moved is not None:
        return moved
    args = _geomap_args(request)
    data = geomap_view(wb, label, key, **args)
    crumbs = [("总览", "/")]
    if label == "Segment":
        crumbs += [(data["chain"]["name"], f"/chains/{data['chain']['key']}")]
    crumbs += [(data["subject"]["name"], data["subject"]["path"]), ("产业地图", None)]
    return state.templates.TemplateResponse(request, "geomap.html", {
        "data": data, "crumbs": crumbs, "title": f"{data['subject']['name']} 产业地图",
        # both come from viz.geomap: every string escaped, the JSON with <, > and & escaped
        "fragment": Markup(geomap_fragment(wb, label, key, **args)),
        "script_data": Markup(geomap_script_data(wb, label, key, **args))})


def chain_geomap_page(state, request):
    return _geomap_page(state, request, "Chain", "/chains")


def segment_geomap_page(state, request):
    return _geomap_page(state, request, "Segment", "/segments")


def geomap_chooser(state, request):
    """``/geomap?chain=…&region=…&scope=…`` (the map's form) → the chain's or segment's map for that view."""
    from urllib.parse import quote, urlencode

    from starlette.responses import RedirectResponse

    from chainkg.web.views import BadRequest, resolve_chain

    wb = state.workbench(request)
    q = request.query_params
    segment, chain = q.get("segment", "").strip(), q.get("chain", "").strip()
    if segment:
        wb.node("Segment", segment)
        path = f"/segments/{quote(segment, safe='')}/geomap"
    elif chain:
        path = f"/chains/{quote(resolve_chain(wb, chain), safe='')}/geomap"
    else:
        raise BadRequest("缺少参数 chain（产业链）", hint="例：/geomap?chain=光伏&region=江苏省")
    query = urlencode({k: v for k, v in _geomap_args(request).items() if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=302)


def geomap_svg(state, request):
    from starlette.responses import Response

    from chainkg.web.panels import geomap_model
    from viz.geomap import render_svg

    wb = state.workbench(request)
    key = request.path_params["key"]
    args = _geomap_args(request)
    model = geomap_model(wb, "Chain", key, **args)
    svg = wb.cached("geomap_svg", key, args["scope"], args["region"], wb.region_code,
                    compute=lambda: render_svg(model))
    return Response(svg, media_type="image/svg+xml", headers=_attachment(f"geomap-{model.view}-{key}.svg"))


def dossier_page(state, request):
    from chainkg.web.panels import dossier_view

    wb, key, moved = _lookup(state, request, "Chain", "/chains")
    if moved is not None:
        return moved
    data = dossier_view(wb, key)
    name = data["chain"]["name"]
    return _page(state, request, "dossier.html", data,
                 [("总览", "/"), (name, f"/chains/{key}"), ("七个一档案", None)], f"{name} 七个一档案")


def dossier_download(state, request):
    """``chainkg dossier --chain KEY --format md|json`` for the workbench's region, as a file."""
    from starlette.responses import Response

    from chainkg.render import to_json
    from chainkg.web.panels import dossier_result
    from chainkg.web.views import PageNotFound
    from viz.catalog.dossier import render_dossier_markdown

    fmt = request.path_params["fmt"]
    if fmt not in ("md", "json"):
        raise PageNotFound(f"没有这种档案格式：{fmt}（可用 md、json）")
    wb = state.workbench(request)
    key = request.path_params["key"]
    dossier = dossier_result(wb, key)
    text = to_json(dossier.to_dict()) + "\n" if fmt == "json" else render_dossier_markdown(dossier)
    media = "application/json" if fmt == "json" else "text/markdown; charset=utf-8"
    return Response(text, media_type=media, headers=_attachment(f"dossier-{dossier.region}-{key}.{fmt}"))


def status_css(state, request):
    """The 缺/弱/强 colours of the maps (viz.model.STATUS_COLOURS), as CSS classes."""
    from starlette.responses import Response

    from viz.model import STATUS_COLOURS

    css = []
    for status, (fill, border, ink) in STATUS_COLOURS.items():
        name = _STATUS_CLASS[status]
        css.append(f".st-{name} {{ background: {fill}; border-color: {border}; color: {ink}; }}")
        css.append(f".bar-{name} {{ background: {fill}; }}")
    return Response("\n".join(css) + "\n", media_type="text/css", headers={"cache-control": "max-age=3600"})


def vendor_file(state, request):
    """vis-network's JavaScript and CSS (from the pyvis package), the chain map's and the 产业地图's scripts."""
    from starlette.responses import Response

    from viz.html import MAP_SCRIPT, vis_assets

    js, css = vis_assets()
    from viz.geomap.html import GEOMAP_SCRIPT

    files = {"vis-network.min.js": (js, "text/javascript"), "vis-network.css": (css, "text/css"),
             "chain-map.js": (MAP_SCRIPT, "text/javascript"), "geomap.js": (GEOMAP_SCRIPT, "text/javascript")}
    name = request.path_params["name"]
    if name not in files:
        from chainkg.web.views import PageNotFound

        raise PageNotFound(f"没有这个文件：{name}")
    text, media = files[name]
    return Response(text, media_type=media, headers={"cache-control": "max-age=3600"})


# ---------------------------------------------------------------------------------------------- API
def api_overview(state, request):
    from chainkg.web.views import overview_view

    return _json(overview_view(state.workbench(request)))


def api_clusters(state, request):
    from chainkg.web.views import clusters_view

    return _json(clusters_view(state.workbench(request)))


def api_cluster(state, request):
    from chainkg.web.views import cluster_view

    return _json(cluster_view(state.workbench(request), request.path_params["key"]))


def api_chain(state, request):
    from chainkg.web.views import chain_view

    return _json(chain_view(state.workbench(request), request.path_params["key"]))


def api_chain_map(state, request):
    from chainkg.web.views import map_data

    wb = state.workbench(request)
    wb.node("Chain", request.path_params["key"])
    return _json(map_data(wb, request.path_params["key"]))


def api_segment(state, request):
    from chainkg.web.views import segment_view

    return _json(segment_view(state.workbench(request), request.path_params["key"]))


def api_enterprise(state, request):
    from chainkg.web.views import enterprise_view

    return _json(enterprise_view(state.workbench(request), request.path_params["key"]))


def api_technology(state, request):
    from chainkg.web.views import technology_view

    return _json(technology_view(state.workbench(request), request.path_params["key"]))


def api_search(state, request):
    from chainkg.web.views import BadRequest, search_view

    query = request.query_params.get("q", "").strip()
    if not query:
        raise BadRequest("缺少参数 q（要查找的文字）", hint="例：/api/search?q=液压")
    return _json(search_view(state.workbench(request), query))


def api_gaps(state, request):
    from chainkg.web.views import gaps_data

    return _json(gaps_data(state.workbench(request), request.query_params.get("chain", "").strip()))


def api_shortboard(state, request):
    from chainkg.web.views import shortboard_data

    return _json(shortboard_data(state.workbench(request), request.query_params.get("chain", "").strip()))


def api_chokepoints(state, request):
    from chainkg.web.views import chokepoints_data

    q = request.query_params
    return _json(chokepoints_data(state.workbench(request), q.get("perspective", "").strip(), q.get("chain", "").strip()
                                  or None, _ints(request, "top", 20, low=1)))


def api_targets(state, request):
    """With ``chain``: the CLI's TargetList (filtered when asked); without: every chain (the /targets page)."""
    from queries.target_filters import filter_targets

    from chainkg.web.views import plain, resolve_chain, targets_view

    wb = state.workbench(request)
    options = _target_filter(state, request, wb)
    top = _ints(request, "top", 20, low=1)
    chain = request.query_params.get("chain", "").strip()
    if not chain:
        return _json(targets_view(wb, chain=None, options=options, top=top))
    key = resolve_chain(wb, chain)
    if not options.active:
        return _json(plain(wb.targets(key, top)))  # exactly `chainkg targets --chain KEY --top N --format json`
    return _json(plain(filter_targets(wb.targets(key, None), options, top=top)))


def api_chain_geomap(state, request):
    from chainkg.web.panels import geomap_view

    return _json(geomap_view(state.workbench(request), "Chain", request.path_params["key"], **_geomap_args(request)))


def api_segment_geomap(state, request):
    from chainkg.web.panels import geomap_view

    return _json(geomap_view(state.workbench(request), "Segment", request.path_params["key"],
                             **_geomap_args(request)))


def api_dossier(state, request):
    """Exactly ``chainkg dossier --chain KEY --format json`` for the workbench's region."""
    from chainkg.web.panels import dossier_result

    return _json(dossier_result(state.workbench(request), request.path_params["key"]).to_dict())


def api_openapi(state, request):
    from chainkg.web.openapi import openapi_spec

    return _json(openapi_spec())


#: path → handler(state, request); every path answers GET and HEAD only
ROUTES: dict[str, Callable] = {
    "/": overview_page,
    "/clusters": clusters_page,
    "/clusters/{key}": cluster_page,
    "/chains/{key}": chain_page,
    "/chains/{key}/catalog.{fmt}": catalog_download,
    "/chains/{key}/map.svg": map_svg,
    "/chains/{key}/geomap": chain_geomap_page,
    "/chains/{key}/geomap.svg": geomap_svg,
    "/chains/{key}/dossier": dossier_page,
    "/chains/{key}/dossier.{fmt}": dossier_download,
    "/geomap": geomap_chooser,
    "/segments/{key}": segment_page,
    "/segments/{key}/geomap": segment_geomap_page,
    "/enterprises/{key}": enterprise_page,
    "/technologies/{key}": technology_page,
    "/search": search_page,
    "/targets": targets_page,
    "/targets.{fmt}": targets_export,
    "/static/status.css": status_css,
    "/static/vendor/{name}": vendor_file,
    "/api/overview": api_overview,
    "/api/clusters": api_clusters,
    "/api/clusters/{key}": api_cluster,
    "/api/chains/{key}": api_chain,
    "/api/chains/{key}/map": api_chain_map,
    "/api/segments/{key}": api_segment,
    "/api/segments/{key}/geomap": api_segment_geomap,
    "/api/chains/{key}/geomap": api_chain_geomap,
    "/api/chains/{key}/dossier": api_dossier,
    "/api/enterprises/{key}": api_enterprise,
    "/api/technologies/{key}": api_technology,
    "/api/search": api_search,
    "/api/gaps": api_gaps,
    "/api/shortboard": api_shortboard,
    "/api/chokepoints": api_chokepoints,
    "/api/targets": api_targets,
    "/api/openapi.json": api_openapi,
}
