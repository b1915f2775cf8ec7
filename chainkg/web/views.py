"""What each page shows, as plain data: one function per page, the same dict for HTML and JSON.

Every view takes a :class:`Workbench` (one request's store, the analysis
cache, the region) and returns a JSON-able dict built from the library
functions the CLI calls (:mod:`queries.gaps`, :mod:`queries.targets`,
:mod:`queries.shortboard`, :mod:`queries.chokepoints`, :mod:`queries.show`,
:mod:`queries.snapshots`, :mod:`viz`). The template of a page renders that
dict; the ``/api/`` route of the page returns it as JSON. No view changes the
store. Unknown ids raise :class:`PageNotFound`.

>>> from queries._fixture import fixture_store
>>> from chainkg.web.stores import AnalysisCache
>>> wb = Workbench(fixture_store(), AnalysisCache(), region="常州市")
>>> data = chain_view(wb, "ch-demo")
>>> data["chain"]["name"], data["gaps"]["status_counts"]
('示例链', {'缺链': 2, '弱链': 2, '强链': 0})
>>> [r["name"] for r in search_view(wb, "示例")["results"]["Chain"]["items"]]
['示例链']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainkg.errors import ChainkgError, NotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from chainkg.web.stores import AnalysisCache
    from graph.store import GraphStore

__all__ = ["PageNotFound", "BadRequest", "Workbench", "overview_view", "clusters_view", "cluster_view",
           "chain_view", "segment_view", "enterprise_view", "technology_view", "search_view", "targets_view",
           "gaps_data", "chokepoints_data", "shortboard_data", "show_data", "map_data", "resolve_chain", "plain",
           "SEARCH_LABELS",
           "TARGET_TOP", "SEGMENT_LIST"]

#: what /search looks in, in the order the page lists them
SEARCH_LABELS = {"Chain": "产业链", "Segment": "环节", "Enterprise": "企业", "Technology": "技术",
                 "Cluster": "集群"}
#: targets listed on a chain page and by /api/targets unless asked (the CLI's default)
TARGET_TOP = 20
#: enterprises listed per list on a segment or search page (the page says how many there are in all)
SEGMENT_LIST = 50


class PageNotFound(NotFoundError):
    """An id that is not in the graph (shown as the Chinese 404 page)."""


class BadRequest(ChainkgError):
    """A query parameter that cannot be used (shown as a 400 page naming the parameter)."""


@dataclass
class Workbench:
    """One request's view of the graph: its store (one build), the cache, the region attracting."""

    store: GraphStore
    cache: AnalysisCache
    region: str = "常州市"
    home: Path | None = None

    def __post_init__(self):
        info = self.store.info()
        self.digest = info.digest
        self.graph = {"digest": info.digest, "as_of": info.as_of, "data": list(info.data), "backend": info.backend}
        self.region_code, self.region_name = self.cached("region", self.region, compute=lambda: self._region())

    def _region(self) -> tuple[str, str]:
        from queries.gaps import resolve_region

        return resolve_region(self.store, self.region)

    def cached(self, *key: Any, compute):
        """``compute()`` once per build for ``key``."""
        return self.cache.get((self.digest, *key), compute)

    # ---------------------------------------------------------------- analyses, once per build
    def with_shared(self, run):
        """``run(work)`` with the build's :class:`queries.shared.SharedWork`, one analysis at a time.

        The work the analyses of one build have in common (the region's choke-point figures, its
        enterprises, the small tables) is gathered once for every page, as a catalogue does for its
        chains, instead of once per analysis and page. A SharedWork is not made for threads, so the
        analyses that use it run one at a time (the work is Python and pandas: threads would wait on
        each other anyway). ``run`` calls library functions only: never :meth:`cached` (a request
        holding an analysis' lock may be waiting for this one), so every argument is computed first.
        """
        import threading

        from queries.shared import SharedWork

        work, lock = self.cache.pinned((self.digest, "shared_work"),
                                       lambda: (SharedWork(self.store), threading.RLock()))
        with lock:
            return run(work.for_store(self.store))

    def gaps(self, chain: str):
        from queries.gaps import chain_gaps

        return self.cached("gaps", chain, self.region_code, compute=lambda: self.with_shared(
            lambda work: chain_gaps(self.store, chain=chain, region=self.region_code, reader=work.reader())))

    def all_gaps(self) -> list:
        from queries.gaps import all_chain_gaps

        reports = self.cached("all_gaps", self.region_code,
                              compute=lambda: all_chain_gaps(self.store, region=self.region_code))
        for report in reports:  # chain pages reuse them
            self.cache.get((self.digest, "gaps", report.chain, self.region_code), lambda r=report: r)
        return reports

    def targets(self, chain: str, top: int | None = None):
        from queries.targets import chain_targets

        def compute():
            report = self.gaps(chain)
            return self.with_shared(lambda work: chain_targets(self.store, chain=chain, region=self.region_code, top=top,
                                                           report=report, shared=work))
        return self.cached("targets", chain, self.region_code, top, compute=compute)

    def shortboard(self, chain: str):
        from queries.shortboard import shortboard_table

        return self.cached("shortboard", chain, self.region_code,
                           compute=lambda: shortboard_table(self.store, chain=chain, report=self.gaps(chain)))

    def chokepoints(self, perspective: str, chain: str | None, top: int | None):
        from queries.chokepoints import chokepoints

        return self.cached("chokepoints", perspective, chain, top, compute=lambda: self.with_shared(
            lambda work: chokepoints(self.store, perspective=perspective, chain=chain, top=top, shared=work)))

    def chain_map(self, chain: str):
        from viz import chain_map

        def compute():
            report = self.gaps(chain)  # the chain page's own analysis, not a second one for the map
            return self.with_shared(lambda work: chain_map(self.store, chain=chain, region=self.region_code,
                                                       reports={chain: report}, shared=work))
        return self.cached("map", chain, self.region_code, compute=compute)

    def stats(self) -> dict:
        from queries.stats import graph_stats

        return self.cached("stats", compute=lambda: graph_stats(self.store))

    # ---------------------------------------------------------------- lookups
    def node(self, label: str, key: str) -> dict[str, Any]:
        """The node ``key`` of ``label``, or :class:`PageNotFound`."""
        node = self.store.node(label, key) if key else None
        if node is None:
            raise PageNotFound(f"图中没有这个{_LABEL_WORDS.get(label, label)}：{key}")
        return {k: (None if v == "" else v) for k, v in node.items()}

    def canonical(self, label: str, text: str) -> str | None:
        """The key of the one node whose key, full name or short name is ``text`` (no partial matches)."""
        matches = [m for m in self.store.find(label, text) if m.matched != "partial"]
        return matches[0].key if len(matches) == 1 else None

    def names(self, label: str, keys) -> dict[str, str]:
        return {k: (v or k) for k, v in self.store.names(label, list(keys)).items()}


_LABEL_WORDS = {"Chain": "产业链", "Segment": "环节", "Enterprise": "企业", "Technology": "技术", "Cluster": "集群",
                "Region": "地区"}


def plain(value: Any) -> Any:
    """Records → JSON-able data (dataclasses, tuples, numpy scalars)."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(value) and not isinstance(value, type):
        return plain(value.to_dict() if hasattr(value, "to_dict") else asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _cached_view(function):
    """Keep a view's dict once per build (and arguments): a warm page only renders."""
    import functools

    @functools.wraps(function)
    def view(wb: Workbench, *args, **kwargs):
        key = ("view", function.__name__, args, tuple(sorted(kwargs.items())))
        return wb.cached(*key, compute=lambda: function(wb, *args, **kwargs))
    return view


def _sources_of(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for group in groups:
        for s in group or []:
            entry = merged.setdefault(s["id"], {k: s.get(k) for k in ("id", "title", "kind", "licence",
                                                                       "attribution")})
            for k in ("title", "kind", "licence", "attribution"):
                entry[k] = entry.get(k) or s.get(k)
    return sorted(merged.values(), key=lambda s: s["id"])


def _meta(wb: Workbench, *, as_of: str | None, sources: list[dict[str, Any]], caveats: list[str]) -> dict[str, Any]:
    return {"region": {"code": wb.region_code, "name": wb.region_name}, "graph": wb.graph,
            "as_of": as_of or wb.graph["as_of"], "sources": sources, "caveats": list(dict.fromkeys(caveats))}


# ==================================================================== the API's CLI-equal data
@_cached_view
def gaps_data(wb: Workbench, chain: str) -> dict[str, Any]:
    """``chainkg gaps --chain CHAIN --format json`` for the workbench's region."""
    return plain(wb.gaps(resolve_chain(wb, chain)))


@_cached_view
def shortboard_data(wb: Workbench, chain: str) -> dict[str, Any]:
    """``chainkg shortboard --chain CHAIN --format json``."""
    return plain(wb.shortboard(resolve_chain(wb, chain)))


@_cached_view
def chokepoints_data(wb: Workbench, perspective: str, chain: str | None = None, top: int = 20) -> dict[str, Any]:
    """``chainkg chokepoints --perspective P [--chain C] --top N --format json``."""
    if not perspective:
        raise BadRequest("缺少参数 perspective（视角：地区名称或代码，如 常州市、320400、CHN）",
                         hint="例：/api/chokepoints?perspective=常州市")
    return plain(wb.chokepoints(perspective, resolve_chain(wb, chain) if chain else None, top))


@_cached_view
def show_data(wb: Workbench, label: str, key: str) -> dict[str, Any]:
    """``chainkg show KIND KEY --format json`` for a node that exists."""
    from queries.show import KINDS, describe

    wb.node(label, key)
    kind = {v: k for k, v in KINDS.items()}[label]
    return plain(wb.cached("show", label, key, compute=lambda: describe(wb.store, kind, key)))


def map_data(wb: Workbench, chain: str) -> dict[str, Any] | None:
    """The vis-network data of the chain map (viz.chain_map), or None when the chain has no segment."""
    from viz.html import map_payload

    key = resolve_chain(wb, chain)
    model = wb.chain_map(key)
    if not model.nodes:
        return None
    return wb.cached("map_payload", key, wb.region_code, compute=lambda: map_payload(model))


def resolve_chain(wb: Workbench, chain: str) -> str:
    """The key of the chain ``chain`` names (key, name or short name), or :class:`PageNotFound`."""
    if not chain:
        raise BadRequest("缺少参数 chain（产业链的编号或名称）", hint="例：/api/gaps?chain=chain-pv")
    if wb.store.node("Chain", chain) is not None:
        return chain
    key = wb.canonical("Chain", chain)
    if key is None:
        raise PageNotFound(f"图中没有这条产业链：{chain}")
    return key


# ==================================================================== pages
def overview_view(wb: Workbench) -> dict[str, Any]:
    """``/``: the plan and its clusters with targets, each chain's completeness and 缺/弱/强 counts, the 动态表
    (read again at each request: a snapshot saved while serving shows at once)."""
    return {**_overview_core(wb), "changes": _changes(wb)}


@_cached_view
def _overview_core(wb: Workbench) -> dict[str, Any]:
    stats = wb.stats()
    reports = {r.chain: r for r in wb.all_gaps()}
    totals = {"缺链": 0, "弱链": 0, "强链": 0}
    for r in reports.values():
        for k in totals:
            totals[k] += r.status_counts.get(k, 0)

    def chain_row(chain: dict[str, Any]) -> dict[str, Any]:
        r = reports.get(chain["id"])
        return {"id": chain["id"], "name": chain["name"], "advantage_chain": chain.get("advantage_chain"),
                "target_scale_yi": chain.get("target_scale_yi"), "target_year": chain.get("target_year"),
                "segments": r.segment_count if r else chain.get("segments"), "covered": r.covered if r else None,
                "completeness": r.completeness if r else None,
                "status_counts": dict(r.status_counts) if r else None,
                "broken_links": list(r.broken_links) if r else [], "as_of": r.as_of if r else None,
                "source": chain.get("source")}

    clusters = [{**{k: c.get(k) for k in ("id", "name", "tier", "target_scale_yi", "target_year", "source",
                                           "as_of")},
                 "chains": [chain_row(ch) for ch in c["chains"]],
                 "key_enterprises": len(c["key_enterprises"]), "technologies": len(c["technologies"])}
                for c in stats["clusters"]]
    in_clusters = {ch["id"] for c in stats["clusters"] for ch in c["chains"]}
    loose = [chain_row({"id": r.chain, "name": r.chain_name}) for r in reports.values() if r.chain not in in_clusters]
    caveats = sorted({c for r in reports.values() for c in r.caveats})
    sources = _sources_of(*[r.sources for r in reports.values()])
    as_of = max((r.as_of for r in reports.values() if r.as_of), default=None)
    return {
        "page": "overview",
        "plans": plain(stats["plans"]),
        "clusters": clusters,
        "other_chains": loose,
        "totals": {"chains": len(reports), "segments": sum(r.segment_count for r in reports.values()),
                   "covered": sum(r.covered for r in reports.values()), "status_counts": totals},
        **_meta(wb, as_of=as_of, sources=sources, caveats=caveats),
    }


def _changes(wb: Workbench) -> dict[str, Any]:
    """The 动态表: what changed since the latest snapshot saved under the store home."""
    from queries.snapshots import compare_snapshots, list_snapshots, load_snapshot, snapshot_data

    found = [s for s in list_snapshots(wb.home) if not s.get("error")] if wb.home is not None else []
    if not found:
        return {"snapshot": None, "saved_at": None, "comparison": None, "note": "尚未保存快照，无法比较变化。保存今天的分析：chainkg snapshot save 名称"}
    latest = found[-1]
    try:
        before = load_snapshot(wb.home, latest["name"])
    except ChainkgError as error:
        return {"snapshot": latest["name"], "saved_at": latest.get("saved_at"), "comparison": None,
                "note": f"快照 {latest['name']} 无法读取：{error}"}
    from queries.gaps import GapThresholds

    def compute():
        thresholds = GapThresholds.from_mapping(before.get("thresholds", {}), where=f"snapshot {latest['name']}")
        after = snapshot_data(wb.store, name="(current)", region=before["region"], thresholds=thresholds,
                              include_synthetic=before.get("synthetic_included") or None)
        return compare_snapshots(before, after)

    comparison = wb.cached("changes", latest["name"], latest.get("saved_at"), compute=compute)
    data = plain(comparison)
    data["chains"] = [c for c in data["chains"] if c["change"] != "unchanged"]
    return {"snapshot": latest["name"], "saved_at": latest.get("saved_at"), "comparison": data, "note": None}


@_cached_view
def clusters_view(wb: Workbench) -> dict[str, Any]:
    """``/clusters``: every cluster with its tier, target, chains, key enterprises and technologies."""
    stats = wb.stats()
    clusters = plain(stats["clusters"])
    sources = [s for s in stats["sources"] if s["id"] in {c["source"] for c in clusters}]
    return {"page": "clusters", "plans": plain(stats["plans"]), "clusters": clusters,
            **_meta(wb, as_of=max((c["as_of"] for c in clusters if c.get("as_of")), default=None),
                    sources=plain(sources), caveats=["集群目标（亿元）为规划文件中的目标值，不是实际产值"])}


@_cached_view
def cluster_view(wb: Workbench, key: str) -> dict[str, Any]:
    """``/clusters/<id>``: one cluster, its chains with their gap status, key enterprises, technologies."""
    node = wb.node("Cluster", key)
    stats = wb.stats()
    cluster = next(c for c in stats["clusters"] if c["id"] == key)
    reports = {}
    for chain in cluster["chains"]:
        reports[chain["id"]] = wb.gaps(chain["id"])
    chains = [{**plain(ch), "completeness": reports[ch["id"]].completeness,
               "covered": reports[ch["id"]].covered, "status_counts": dict(reports[ch["id"]].status_counts)}
              for ch in cluster["chains"]]
    ids = {cluster["source"]} | {k["source"] for k in cluster["key_enterprises"]} | \
        {t["source"] for t in cluster["technologies"]}
    return {"page": "cluster", "cluster": plain(node), "chains": chains,
            "key_enterprises": plain(cluster["key_enterprises"]), "technologies": plain(cluster["technologies"]),
            **_meta(wb, as_of=node.get("as_of"), sources=plain([s for s in stats["sources"] if s["id"] in ids]),
                    caveats=["重点企业按规划文件原文列出（as_written），与图中企业的对应为整理结果"])}


@_cached_view
def chain_view(wb: Workbench, key: str) -> dict[str, Any]:
    """``/chains/<id>``: gap table, 短板长板, choke points, top targets, downloads, with as_of and sources."""
    node = wb.node("Chain", key)
    report = wb.gaps(key)
    table = wb.shortboard(key)
    marks = {row.segment: row for row in table.rows}
    choke = wb.chokepoints(wb.region_code, key, TARGET_TOP)
    targets = wb.targets(key, TARGET_TOP)
    gaps = plain(report)
    for seg in gaps["segments"]:
        row = marks.get(seg["key"])
        seg["mark"] = row.mark if row else None
        seg["mark_reasons"] = list(row.mark_reasons) if row else []
    caveats = list(report.caveats) + list(table.caveats) + list(choke.caveats) + list(targets.caveats)
    return {
        "page": "chain",
        "chain": plain(node),
        "clusters": plain(report.clusters),
        "gaps": gaps,
        "shortboard": plain(table),
        "chokepoints": plain(choke),
        "targets": plain(targets),
        "target_rows": [_target_row(t, targets) for t in targets.targets],
        "dossier": {k: node.get(k) for k in ("advantage_chain", "mechanism", "city_leader", "lead_department",
                                              "target_scale_yi", "target_year", "source", "as_of")},
        "downloads": [{"format": f, "name": n} for f, n in (("xlsx", "Excel"), ("docx", "Word"), ("html", "网页"),
                                                             ("md", "Markdown"))],
        **_meta(wb, as_of=max(d for d in (report.as_of, table.as_of, choke.as_of, targets.as_of, wb.graph["as_of"])
                              if d),
                sources=_sources_of(report.sources, table.sources, targets.sources,
                                    [{"id": s} if isinstance(s, str) else s for s in choke.sources]),
                caveats=caveats + [f"卡脖子数据署名：{a}" for a in choke.attribution]),
    }


@_cached_view
def segment_view(wb: Workbench, key: str) -> dict[str, Any]:
    """``/segments/<id>``: local and national enterprises, key technologies, targets with evidence."""
    from queries.target_filters import TargetFilter, filter_targets

    node = wb.node("Segment", key)
    store = wb.store
    chains = store.edges_where("SEGMENT_OF", "from", [key], ["to"])["to"].astype(str).tolist()
    chain_names = wb.names("Chain", chains)
    chain = chains[0] if chains else None
    gap = None
    local_keys: set[str] = set()
    caveats: list[str] = []
    sources: list[list[dict]] = []
    as_of = [node.get("as_of")]
    targets = None
    synthetic_ok = False
    if chain:
        report = wb.gaps(chain)
        synthetic_ok = report.synthetic_included
        seg = next((s for s in report.segments if s.key == key), None)
        gap = plain(seg) if seg else None
        if gap is not None:
            near = wb.names("Segment", [*gap["upstream"], *gap["downstream"]])
            for side in ("upstream", "downstream"):
                gap[f"{side}_links"] = [{"key": k, "name": near.get(k, k)} for k in gap[side]]
        local_keys = {e.key for e in seg.local_enterprises} if seg else set()
        full = wb.targets(chain, None)
        targets = plain(filter_targets(full, TargetFilter(segments=(key,)), top=TARGET_TOP))
        caveats += list(report.caveats[:1]) + list(targets["caveats"])
        sources += [report.sources, targets["sources"]]
        as_of += [report.as_of, targets["as_of"]]
    operating = store.edges_where("OPERATES_IN", "to", [key], ["from", "products", "main", "source", "as_of",
                                                              "verified"])
    synthetic = wb.cached("synthetic_sources", compute=lambda: _synthetic_sources(store))
    made_up = operating["source"].astype(str).isin(synthetic)
    if made_up.any() and not synthetic_ok:
        caveats.append(f"已排除 {int(made_up.sum())} 家合成（synthetic）企业：它们不是真实企业")
        operating = operating[~made_up]
    national = operating[~operating["from"].astype(str).isin(local_keys)]
    listed = national.head(SEGMENT_LIST)
    ent_ids = listed["from"].astype(str).tolist()
    places = _places(wb, ent_ids)
    names = wb.names("Enterprise", ent_ids)
    national_rows = [{"key": k, "name": names.get(k, k), "place": places.get(k), "products": _v(p), "main": _v(m),
                      "source": s, "as_of": a, "verified": _v(v)}
                     for k, p, m, s, a, v in zip(ent_ids, listed["products"], listed["main"], listed["source"],
                                                 listed["as_of"], listed["verified"])]
    key_to = store.edges_where("KEY_TO", "to", [key], ["from", "source", "as_of", "verified"])
    tech_names = wb.names("Technology", key_to["from"].astype(str))
    choke = {r.key: r for r in wb.chokepoints(wb.region_code, chain, None).results} if chain else {}
    technologies = [{"key": t, "name": tech_names.get(t, t), "source": s, "as_of": a, "verified": _v(v),
                     "choke_score": choke[t].score if t in choke else None,
                     "choke_rank": choke[t].rank if t in choke else None}
                    for t, s, a, v in zip(key_to["from"].astype(str), key_to["source"], key_to["as_of"],
                                          key_to["verified"])]
    if gap is None:
        caveats.append("该环节不属于任何产业链，没有补链分析")
    caveats.append("“全国企业”指图中收录、在该环节经营且不在本地的企业，不是全部企业")
    return {
        "page": "segment",
        "segment": plain(node),
        "chains": [{"key": c, "name": chain_names.get(c, c)} for c in chains],
        "gap": gap,
        "national": {"total": int(len(national)), "listed": national_rows},
        "technologies": technologies,
        "targets": targets,
        **_meta(wb, as_of=max((d for d in as_of if d), default=None), sources=_sources_of(*sources),
                caveats=caveats),
    }


def _synthetic_sources(store: GraphStore) -> set[str]:
    sources = store.nodes("Source", ["id", "kind"])
    return {str(i) for i, k in zip(sources["id"], sources["kind"]) if str(k) == "synthetic"}


def _synthetic_nodes(wb: Workbench, label: str, keys: list[str]) -> set[str]:
    """Which of ``keys`` come from a synthetic source (made-up data, marked as such on the pages)."""
    spec = wb.store.schema.label(label)
    rows = wb.store.nodes_where(label, keys, [spec.key, "source"])
    synthetic = wb.cached("synthetic_sources", compute=lambda: _synthetic_sources(wb.store))
    return {str(k) for k, src in zip(rows[spec.key], rows["source"]) if str(src) in synthetic}


def _v(value: Any) -> Any:
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _places(wb: Workbench, enterprise_ids: list[str]) -> dict[str, str]:
    """Enterprise → its location's name path (江苏省常州市武进区), for a few enterprises."""
    if not enterprise_ids:
        return {}
    located = wb.store.edges_where("LOCATED_IN", "from", enterprise_ids, ["from", "to"])
    regions = dict(zip(located["from"].astype(str), located["to"].astype(str)))
    paths = wb.cached("region_paths", compute=lambda: _region_paths(wb.store))
    return {e: paths.get(code, code) for e, code in regions.items()}


def _region_paths(store: GraphStore) -> dict[str, str]:
    regions = store.nodes("Region", ["code", "name", "level"])
    parent = store.region_links().parent  # read only
    name = dict(zip(regions["code"].astype(str), regions["name"].astype(str)))
    level = dict(zip(regions["code"].astype(str), regions["level"].astype(object)))
    out = {}
    for code in name:
        chain, seen = [], set()
        at = code
        while at in name and at not in seen:
            seen.add(at)
            if level.get(at) != "country" or at == code:
                chain.append(name[at])
            at = parent.get(at)
        out[code] = "".join(reversed(chain))
    return out


def _region_names(store: GraphStore) -> dict[str, str]:
    regions = store.nodes("Region", ["code", "name"])
    return dict(zip(regions["code"].astype(str), regions["name"].astype(str)))


@_cached_view
def enterprise_view(wb: Workbench, key: str) -> dict[str, Any]:
    """``/enterprises/<id>``: ``chainkg show enterprise ID --format json`` plus the relationships grouped for
    the page (``groups``), ``as_of``, ``sources`` and ``caveats``."""
    show = show_data(wb, "Enterprise", key)
    return _node_page(wb, "enterprise", show)


@_cached_view
def technology_view(wb: Workbench, key: str) -> dict[str, Any]:
    """``/technologies/<id>``: who masters and provides it, which segments it is key to."""
    show = show_data(wb, "Technology", key)
    return _node_page(wb, "technology", show)


_REL_WORDS = {
    "ANCHORS": ("重点企业（依托）", "依托的重点企业"), "LEADS": ("链主", "链主企业"),
    "OPERATES_IN": ("经营环节", "经营企业"), "MASTERS": ("掌握技术", "掌握企业"),
    "PROVIDES": ("供给", "供给方"), "SUPPLIES": ("供货给", "供应商"), "LOCATED_IN": ("所在地", "所含企业"),
    "KEY_TO": ("关键于环节", "关键技术"), "BREAKTHROUGH_FOR": ("突破方向（集群）", "突破技术"),
    "SUBTYPE_OF": ("属于", "细分"), "SEGMENT_OF": ("所属产业链", "环节"), "FEEDS": ("下游", "上游"),
    "IN_CLUSTER": ("所属集群", "产业链"), "IN_PLAN": ("所属规划", "集群"), "WITHIN": ("上级", "下级"),
    "KEY_ENTERPRISE_OF": ("龙头骨干企业（产业链）", "龙头骨干企业"), "RUNS": ("运营平台", "运营企业"),
    "INVESTED_BY": ("投资企业", "投资的重点项目"), "SERVES": ("服务产业链", "服务平台"),
    "WORKS_ON": ("研发方向", "研发平台"), "FOR_SEGMENT": ("所属环节", "重点项目"), "IN_CHAIN": ("所属产业链", "重点项目"),
}
_PATHS = {"Enterprise": "enterprises", "Chain": "chains", "Segment": "segments", "Technology": "technologies",
          "Cluster": "clusters"}


def _node_page(wb: Workbench, page: str, show: dict[str, Any]) -> dict[str, Any]:
    relations = []
    facts_sources: set[str] = {show["node"].get("source")} - {None}
    dates = [show["node"].get("as_of")]
    for rel, sides in sorted(show["relations"].items()):
        for direction in ("out", "in"):
            items = sides.get(direction) or []
            if not items:
                continue
            words = _REL_WORDS.get(rel, (rel, rel))
            rows = []
            for item in items:
                extra = {k: v for k, v in item.items()
                         if k not in ("label", "key", "name", "source", "as_of", "verified")}
                rows.append({"label": item["label"], "key": item["key"], "name": item.get("name") or item["key"],
                             "path": _PATHS.get(item["label"]), "source": item.get("source"),
                             "as_of": item.get("as_of"), "verified": item.get("verified"), "properties": extra})
                facts_sources.add(item.get("source"))
                dates.append(item.get("as_of"))
            relations.append({"type": rel, "direction": direction, "title": words[0 if direction == "out" else 1],
                              "total": show["totals"][rel][direction], "items": rows})
    source_rows = {s["id"]: s for s in wb.stats()["sources"]}
    sources = [plain(source_rows.get(s, {"id": s})) for s in sorted(x for x in facts_sources if x)]
    caveats = []
    synthetic = show["node"].get("source") in wb.cached("synthetic_sources",
                                                          compute=lambda: _synthetic_sources(wb.store))
    if synthetic:
        caveats.append("合成（synthetic）数据：这不是真实企业或事实，只用于测试和演示")
    if show["node"].get("verified") is False:
        caveats.append("本条资料来自公开知识整理，尚未与文件核对（verified=false）")
    if any(r["verified"] is False for rel in relations for r in rel["items"]):
        caveats.append("标 ○ 的关系来自公开知识整理，尚未与文件核对")
    caveats.append("空白的资质、代码或规模表示未知，不表示没有")
    # the keys of `chainkg show … --format json`, unchanged, and the page's own beside them
    return {**show, "page": page, "groups": relations, "synthetic": synthetic,
            **_meta(wb, as_of=max((d for d in dates if d), default=None), sources=sources, caveats=caveats)}


@_cached_view
def search_view(wb: Workbench, query: str) -> dict[str, Any]:
    """``/search?q=``: chains, segments, enterprises (full and short names), technologies, clusters."""
    query = (query or "").strip()
    results: dict[str, Any] = {}
    if query:
        for label, word in SEARCH_LABELS.items():
            matches = wb.store.find(label, query)
            items = [{"key": m.key, "name": m.name, "matched": m.matched, "path": _PATHS[label]}
                     for m in matches[:SEGMENT_LIST]]
            if label == "Segment" and items:
                of = wb.store.edges_where("SEGMENT_OF", "from", [i["key"] for i in items], ["from", "to"])
                chain_of = dict(zip(of["from"].astype(str), of["to"].astype(str)))
                chain_names = wb.names("Chain", set(chain_of.values()))
                for item in items:
                    c = chain_of.get(item["key"])
                    item["context"] = chain_names.get(c) if c else None
            if label == "Enterprise" and items:
                places = _places(wb, [i["key"] for i in items])
                made_up = _synthetic_nodes(wb, "Enterprise", [i["key"] for i in items])
                for item in items:
                    item["context"] = places.get(item["key"])
                    item["synthetic"] = item["key"] in made_up
            results[label] = {"title": word, "total": len(matches), "items": items}
    total = sum(r["total"] for r in results.values())
    return {"page": "search", "query": query, "results": results, "total": total,
            **_meta(wb, as_of=None, sources=[], caveats=["只查图中收录的节点：名称、简称和编号；不区分繁简体"])}


@_cached_view
def targets_view(wb: Workbench, *, chain: str | None, options, top: int | None) -> dict[str, Any]:
    """``/targets``: the targets of a chain (or of every chain) that pass the filters, with the choices."""
    from queries.target_filters import filter_choices, filter_targets

    keys = [resolve_chain(wb, chain)] if chain else [r.chain for r in wb.all_gaps()]
    region_names = wb.cached("region_names", compute=lambda: _region_names(wb.store))
    lists = []
    names: dict[str, str] = dict(region_names)
    for key in keys:
        full = wb.targets(key, None)
        for need in full.needs:
            names.update(zip(need.segments, need.segment_names))
        lists.append((full, filter_targets(full, options, names=names)))
    rows = []
    for full, kept in lists:
        for t in kept.targets:
            rows.append({"chain": kept.chain, "chain_name": kept.chain_name, **_target_row(t, kept)})
    if not chain:
        rows.sort(key=lambda r: (-r["score"], r["chain"], r["rank"]))
    matching = len(rows)
    if top is not None:
        rows = rows[:top]
    choices: dict[str, dict[str, dict[str, Any]]] = {"provinces": {}, "designations": {}, "segments": {}}
    for full, _ in lists:
        for kind, items in filter_choices(full, region_names).items():
            for item in items:
                entry = choices[kind].setdefault(item["key"], {**item, "count": 0})
                entry["count"] += item["count"]
                if kind == "segments" and not chain:
                    entry["name"] = f"{full.chain_name} · {item['name']}"
    caveats = []
    for full, kept in lists[:1] if chain else []:
        caveats += list(kept.caveats)
    if not chain:
        caveats += ["全部产业链的目标合在一起按得分排列；同一企业可能作为几条链的目标出现",
                    "候选企业只含图中收录的外地企业，不是全部可招引企业；排名是线索，需实地核实",
                    "资质标签（上市、专精特新等）为空表示未知，不表示没有"]
        if options.active:
            caveats.append(f"已筛选：{options.describe(names)}")
    return {
        "page": "targets",
        "expansions": [_expansion_row(x, full) for full, _ in lists for x in full.expansions],
        "chain": {"key": keys[0], "name": lists[0][0].chain_name} if chain else None,
        "chains": [{"key": full.chain, "name": full.chain_name, "candidates": full.candidates} for full, _ in lists],
        "chain_options": wb.cached("chain_options", compute=lambda: _chain_options(wb.store)),
        "filters": {**options.to_dict(), "top": top},
        "choices": {k: sorted(v.values(), key=lambda i: (-i["count"], i["key"])) if k != "designations"
                    else list(v.values()) for k, v in choices.items()},
        "counts": {"candidates": sum(len(full.targets) for full, _ in lists), "matching": matching,
                   "listed": len(rows)},
        "targets": rows,
        **_meta(wb, as_of=max((full.as_of for full, _ in lists if full.as_of), default=None),
                sources=_sources_of(*[kept.sources for _, kept in lists]), caveats=caveats),
    }


def _chain_options(store: GraphStore) -> list[dict[str, str]]:
    chains = store.nodes("Chain", ["id", "name"])
    return sorted(({"key": str(k), "name": str(n)} for k, n in zip(chains["id"], chains["name"])),
                  key=lambda c: c["key"])


def _expansion_row(x, result) -> dict[str, Any]:
    """An outside group already present in the region (增资扩产 / 以商招商), as the targets page lists it."""
    from queries.catalog import evidence_line

    return {
        "chain": result.chain, "chain_name": result.chain_name, "key": x.key, "name": x.name,
        "direction": x.direction, "local_members": [{"key": k, "name": n} for k, n in x.local_members],
        "needs": list(x.needs), "why": x.why, "evidence": [evidence_line(e) for e in x.evidence],
        "sources": sorted({e.source for e in x.evidence if e.source}),
        "as_of": max((e.as_of for e in x.evidence if e.as_of), default=None), "verified": x.verified,
    }


def _target_row(t, result) -> dict[str, Any]:
    from queries.catalog import evidence_line
    from queries.target_filters import is_listed

    names = {s: n for need in result.needs for s, n in zip(need.segments, need.segment_names)}
    return {
        "rank": t.rank, "key": t.key, "name": t.name, "place": t.place, "province": t.province,
        "segments": [{"key": s, "name": names.get(s, s)} for s in t.segments], "needs": list(t.need_labels),
        "directions": list(t.directions), "score": t.score, "signals": dict(t.signals),
        "designations": list(t.designations), "listed": is_listed(t), "exchange": t.exchange,
        "stock_code": t.stock_code,
        "reasons": [{"signal": r.signal, "points": r.points, "text": r.text} for r in t.reasons],
        "evidence": [evidence_line(e) for e in t.evidence], "sources": list(t.sources), "as_of": t.as_of,
        "verified": t.verified, "synthetic": t.synthetic, "caveats": list(t.caveats),
    }
