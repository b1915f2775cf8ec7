"""Chain maps (产业链图谱): the map model that both the HTML and the SVG writer draw.

:func:`chain_map` reads one chain (or every chain of a cluster) from the store,
judges each segment with the gap analysis (:mod:`viz.status`), and lays it out
on fixed coordinates: upstream → midstream → downstream bands from left to
right, columns inside each band by ``layer`` and FEEDS (:mod:`viz.layout`),
one horizontal lane per chain. Each segment gets a card: the segment box
(coloured by status, as wide as its local enterprise count warrants), its key
technologies (choke points marked ▲) and its top local enterprises (★ for the
chain's leaders and the cluster's named key enterprises), with a count node for
the rest. Nothing is random and everything is sorted: the same store gives the
same model, byte for byte.

>>> from queries._fixture import fixture_store
>>> m = chain_map(fixture_store(), chain="示例链", region="常州市", enterprises=3)
>>> m.title, m.region_name, m.as_of
('示例链 产业链图谱', '常州市', '2026-01-01')
>>> [n.label.split("\\n") for n in m.nodes if n.kind == "segment"]
[['材料', '弱链 · 1 家'], ['部件', '缺链 · 0 家'], ['整机', '弱链 · 1 家'], ['服务', '缺链 · 0 家']]
>>> [n.label for n in m.nodes if n.kind == "enterprise"]
['甲材料', '★ 乙整机']
>>> [round(n.x) for n in m.nodes if n.kind == "segment"]
[132, 420, 708, 972]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import NotFoundError
from graph.store import GraphStore, sorted_distinct
from queries._arrow import arrow_column, key_rows
from queries.gaps import DEFAULT_REGION, isin
from queries.shared import SharedWork
from queries.wording import for_readers
from viz.curves import bezier_point, cubic_controls, curved_via
from viz.layout import BAND_NAMES, BANDS, segment_columns
from viz.status import (CHOKE_SCORE, STATUSES, ChokeFlag, SegmentStatus, StatusInfo, choke_flags, segment_statuses,
                         thresholds_caveat)
from viz.text import text_width, truncate, wrap

__all__ = [
    "ChainMap", "MapNode", "MapEdge", "MapBox", "LegendItem",
    "chain_map", "source_line", "DEFAULT_REGION", "MAX_NODES", "STATUS_COLOURS", "STYLE",
]

#: vis-network stays usable up to about this many nodes; beyond it enterprises are aggregated
MAX_NODES = 1500

#: fill, border and text colour of each status
STATUS_COLOURS: dict[str, tuple[str, str, str]] = {
    "缺链": ("#D9534F", "#A33B37", "#FFFFFF"),
    "弱链": ("#F0AD4E", "#B97818", "#3A2A05"),
    "强链": ("#3C9D5D", "#2A7143", "#FFFFFF"),
}

#: fill, border, text colour, border width, dashed, font size of the other kinds of box
STYLE: dict[str, tuple[str, str, str, float, bool, int]] = {
    "technology": ("#EEF3FB", "#5B7DB1", "#1F3A60", 1.0, False, 12),
    "choke": ("#FDECEA", "#C0392B", "#8E1F14", 2.5, False, 12),
    "enterprise": ("#FFFFFF", "#B8C2CC", "#2F3B47", 1.0, False, 12),
    "key_enterprise": ("#FFFFFF", "#34495E", "#1B2631", 1.8, False, 12),
    "more": ("#F4F6F8", "#A7B1BB", "#5D6D7E", 1.0, True, 12),
}

SEGMENT_FONT = 14
FORWARD_ROUNDNESS = 0.85
BAND_FONT = 16
LANE_FONT = 15
# geometry, in px of the map's own coordinates (y grows downwards)
HEADER_H = 40
LANE_GAP = 18
LANE_PAD = 14
GUTTER_W = 150
COL_W = 264
CARD_W = 208
CARD_PAD = 8
CARD_GAP = 18
BAND_GAP = 24
SEG_MIN_W, SEG_MAX_W = 136, 196
ROW_W = 188
TECH_H, TECH_ROW = 22, 26
ENT_H, ENT_ROW = 20, 24
SECTION_GAP = 6

_POSITION_NAMES = dict(zip(BANDS, BAND_NAMES))
_KINDS = {"technology": "技术", "tool": "装备", "material": "材料", "design": "设计", "process": "工艺",
          "product": "产品"}
#: how much each designation counts when choosing which enterprises a card lists
_DESIGNATION_WEIGHT = {"链主": 8, "制造业单项冠军": 5, "专精特新小巨人": 4, "上市": 3, "专精特新": 2, "高新技术企业": 1}


@dataclass(frozen=True)
class MapNode:
    """A box on the map; ``x``, ``y`` is its centre."""

    id: str
    kind: str  # segment | technology | enterprise | more
    key: str | None
    label: str  # display lines joined by "\n"
    title: str  # tooltip, plain text
    x: float
    y: float
    width: float
    height: float
    fill: str
    border: str
    font_color: str
    border_width: float = 1.0
    dashed: bool = False
    font_size: int = 12
    status: str | None = None
    choke: bool = False
    lane: int = 0


@dataclass(frozen=True)
class MapEdge:
    """An arrow: FEEDS between segments, KEY_TO from a technology to another segment's card.

    ``curve`` and ``roundness`` are vis-network's ``smooth.type`` and
    ``smooth.roundness``: ``cubicBezier`` (horizontal) for edges that run left
    to right; ``curvedCCW`` / ``curvedCW`` arcs, bent just enough to clear
    the boxes, for edges that run back (recycling loops) or stay in one column.
    """

    id: str
    source: str
    target: str
    kind: str  # feeds | key_to
    title: str
    curve: str = "cubicBezier"
    roundness: float = FORWARD_ROUNDNESS


@dataclass(frozen=True)
class MapBox:
    """A background rectangle: a band (上游/中游/下游), a lane (one chain) or a segment's card."""

    kind: str  # band | lane | card
    label: str
    lines: tuple[str, ...]  # the label as drawn: band name, or the chain's name wrapped into the lane's gutter
    x: float  # left
    y: float  # top
    width: float
    height: float
    fill: str
    border: str


@dataclass(frozen=True)
class LegendItem:
    """One entry of the legend."""

    label: str
    fill: str
    border: str
    font_color: str
    border_width: float = 1.0
    dashed: bool = False
    sample: str = ""


@dataclass(frozen=True)
class ChainMap:
    """Everything a writer needs to draw a chain map, JSON-able with ``dataclasses.asdict``."""

    title: str
    scope: str  # chain | cluster
    key: str
    name: str
    region: str
    region_name: str
    as_of: str
    sources: tuple[dict[str, str], ...]
    caveats: tuple[str, ...]
    chains: tuple[dict[str, str], ...]
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    boxes: tuple[MapBox, ...]
    legend: tuple[LegendItem, ...]
    width: float
    height: float
    enterprises_requested: int
    enterprises_shown: int
    aggregated: bool
    thresholds: dict[str, Any]  # the gap analysis' thresholds
    choke_score: float
    counts: dict[str, int] = field(default_factory=dict)


def _s(value: Any) -> str:
    """A table cell as text ('' for missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _split(value: Any) -> list[str]:
    return [v for v in _s(value).split("|") if v]


class _Facts:
    """The sources, dates and verification flags of every fact a map uses."""

    def __init__(self) -> None:
        self.sources: set[str] = set()
        self.as_of = ""
        self.unverified = 0

    def add(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        self.sources.update(_s(s) for s in frame["source"].unique())
        self.as_of = max(self.as_of, str(frame["as_of"].max()))
        if "verified" in frame:
            self.unverified += int((frame["verified"] == False).sum())  # noqa: E712  (pandas BooleanDtype)


def chain_map(store: GraphStore, *, chain: str | None = None, cluster: str | None = None,
              region: str = DEFAULT_REGION, enterprises: int = 5, max_nodes: int = MAX_NODES,
              synthetic: bool | None = None, choke_score: float = CHOKE_SCORE, thresholds=None,
              reports=None, shared: SharedWork | None = None) -> ChainMap:
    """The map of one chain, or of every chain of a cluster, seen from ``region``.

    Parameters
    ----------
    chain, cluster
        Name, short name or key of the chain, or of the cluster (exactly one).
    region
        Name or code of the region whose enterprises count as local (its whole subtree).
    enterprises
        How many local enterprises each segment's card lists (0: none); the rest
        are counted in one "另 k 家" node.
    max_nodes
        Above this many nodes the cards list fewer enterprises (down to none,
        leaving only the count nodes) so that the interactive map stays usable.
    synthetic
        Include facts whose source is synthetic. ``None`` (default): only when
        the chain itself is synthetic, so synthetic data never mixes into a real map.
    choke_score
        Technologies whose choke-point score (``queries.chokepoints``, 0–100,
        from ``region``'s perspective) reaches this are marked ▲.
    thresholds
        The gap analysis' thresholds (:class:`queries.gaps.GapThresholds`);
        None: its documented defaults.
    reports
        Gap analyses already made for ``region`` and ``thresholds``, by chain
        key (:func:`viz.status.segment_statuses`), so that they are not run again.
    shared
        A :class:`queries.shared.SharedWork` of this store: the region's choke-point figures
        are computed once for every map (and catalogue chain) that passes the same one.
    """
    if (chain is None) == (cluster is None):
        raise ValueError("give exactly one of chain= and cluster=")
    if enterprises < 0:
        raise ValueError("enterprises must be 0 or more")
    facts = _Facts()
    region_match = store.resolve("Region", region)
    region_code = region_match.key
    region_name = region_match.name
    chains_table = store.nodes("Chain")
    in_cluster = store.edges("IN_CLUSTER")
    if chain is not None:
        match = store.resolve("Chain", chain)
        chain_keys = [match.key]
        scope, key, name = "chain", match.key, match.name
        title = f"{match.name} 产业链图谱"
        cluster_keys = sorted(set(in_cluster.loc[in_cluster["from"] == match.key, "to"]))
        facts.add(in_cluster[in_cluster["from"] == match.key])
    else:
        match = store.resolve("Cluster", cluster)
        mine = in_cluster[in_cluster["to"] == match.key]
        chain_keys = sorted(set(mine["from"]))
        if not chain_keys:
            raise NotFoundError(f"cluster {match.name!r} has no chains",
                                hint="link chains to it in data/in_cluster.csv, or map one chain with --chain")
        scope, key, name = "cluster", match.key, match.name
        title = f"{match.name} 集群产业链图谱"
        cluster_keys = [match.key]
        facts.add(mine)
        facts.add(store.nodes("Cluster").loc[lambda t: t["id"] == match.key])
    chain_rows = chains_table[chains_table["id"].isin(chain_keys)].sort_values("id")
    facts.add(chain_rows)
    chain_names = dict(zip(chain_rows["id"], chain_rows["name"]))

    source_table = store.nodes("Source")
    source_kind = dict(zip(source_table["id"], source_table["kind"]))
    source_title = dict(zip(source_table["id"], source_table["title"]))
    if synthetic is None:
        synthetic = any(source_kind.get(s) == "synthetic" for s in chain_rows["source"])
    dropped = set() if synthetic else {s for s, k in source_kind.items() if k == "synthetic"}

    # segments, one lane per chain (a segment shared by two chains sits in the first lane)
    segment_of = store.edges("SEGMENT_OF")
    segment_of = segment_of[segment_of["to"].isin(chain_keys)]
    facts.add(segment_of)
    lane_of: dict[str, int] = {}
    chains_of: dict[str, list[str]] = {}
    for lane, ck in enumerate(chain_keys):
        for seg in sorted(segment_of.loc[segment_of["to"] == ck, "from"]):
            lane_of.setdefault(seg, lane)
            chains_of.setdefault(seg, []).append(ck)
    seg_table = store.nodes("Segment")
    seg_table = seg_table[seg_table["id"].isin(lane_of)].sort_values("id")
    facts.add(seg_table)
    segments = {r["id"]: r for r in seg_table.to_dict("records")}
    feeds_table = store.edges("FEEDS")
    for end in ("from", "to"):  # FEEDS may also link technologies (inputs); the map draws segment → segment
        if f"{end}_label" in feeds_table:
            feeds_table = feeds_table[feeds_table[f"{end}_label"].fillna("Segment").isin(["Segment", ""])]
    feeds_table = feeds_table[feeds_table["from"].isin(segments) & feeds_table["to"].isin(segments)]
    feeds_table = feeds_table.sort_values(["from", "to"])
    facts.add(feeds_table)
    feeds = list(zip(feeds_table["from"], feeds_table["to"]))

    # technologies
    key_to = store.edges("KEY_TO")
    key_to = key_to[key_to["to"].isin(segments)].sort_values(["from", "to"])
    facts.add(key_to)
    tech_table = store.nodes("Technology")
    tech_table = tech_table[tech_table["id"].isin(set(key_to["from"]))].sort_values("id")
    facts.add(tech_table)
    techs = {r["id"]: r for r in tech_table.to_dict("records")}
    tech_segments: dict[str, list[str]] = {}
    for t, s in zip(key_to["from"], key_to["to"]):
        tech_segments.setdefault(t, []).append(s)

    # local enterprises
    local = store.region_subtree(region_code)
    found = _map_members(store, segments=segments, techs=techs, local=local, dropped=dropped, chain_keys=chain_keys,
                         cluster_keys=cluster_keys)
    operates, located, ent_table = found.operates, found.located, found.ent_table
    excluded, leaders, anchored, masters_count = found.excluded, found.leaders, found.anchored, found.masters_count
    facts.add(operates)
    facts.add(located)
    facts.add(ent_table)
    ents = {r["id"]: r for r in ent_table.to_dict("records")}
    ent_region: dict[str, str] = {}
    for e, r in zip(located["from"], located["to"]):
        ent_region.setdefault(e, r)
    products = {(e, s): _s(p) for e, s, p in zip(operates["from"], operates["to"], operates["products"])}
    members: dict[str, list[str]] = {s: [] for s in segments}
    for e, s in zip(operates["from"], operates["to"]):
        members[s].append(e)
    for s in members:
        members[s].sort(key=lambda e: _rank(ents[e], e in leaders, e in anchored))

    breakthrough = store.edges("BREAKTHROUGH_FOR", ["from", "to"])
    breakthrough = breakthrough[breakthrough["from"].isin(techs)].sort_values(["from", "to"])
    cluster_table = store.nodes("Cluster", ["id", "name"])
    cluster_names = dict(zip(cluster_table["id"], cluster_table["name"]))
    lineage = getattr(store, "region_lineage", None)
    if callable(lineage):  # a store that looks the regions up (Neo4j): only the local enterprises' ones
        region_names, _levels, parent = lineage(set(ent_region.values()))
    else:
        region_names, parent = (_region_names(store) if shared is None
                                else shared.for_store(store).get(("map_region_names",), lambda: _region_names(store)))

    statuses, status_info = segment_statuses(store, chains=chain_keys, region=region_code, thresholds=thresholds,
                                             include_synthetic=synthetic, reports=reports,
                                             reader=None if shared is None else shared.for_store(store).reader())
    chokes, choke_caveats = choke_flags(store, technologies=techs, region=region_code, chains=chain_keys,
                                        threshold=choke_score, shared=shared)

    columns = segment_columns({s: (r["position"], _layer(r["layer"])) for s, r in segments.items()}, feeds)
    order = sorted(segments, key=lambda s: (lane_of[s], columns[s], s))
    tech_home: dict[str, str] = {}
    for t in sorted(techs):
        tech_home[t] = min(tech_segments[t], key=lambda s: (columns[s], lane_of[s], s))
    home_techs: dict[str, list[str]] = {s: [] for s in segments}
    for t, s in sorted(tech_home.items()):
        home_techs[s].append(t)

    shown = _budget(segments, home_techs, members, enterprises, max_nodes)
    aggregated = enterprises > 0 and shown < enterprises and any(len(m) > shown for m in members.values())

    local_counts = {s: len(members[s]) for s in segments}
    max_count = max([statuses[s].local_count for s in segments] + [1])

    # card contents and heights
    cards: dict[str, dict[str, Any]] = {}
    for s in order:
        status = statuses[s]
        n = status.local_count
        seg_w = SEG_MIN_W + (SEG_MAX_W - SEG_MIN_W) * math.sqrt(min(n, max_count) / max_count)
        seg_w = round(seg_w)
        name_lines = wrap(_s(segments[s]["name"]), SEGMENT_FONT, seg_w - 18, max_lines=2)
        status_line = f"{status.status} · {n} 家"
        seg_w = max(seg_w, math.ceil(text_width(status_line, SEGMENT_FONT)) + 20)
        lines = name_lines + [status_line]
        seg_h = round(len(lines) * SEGMENT_FONT * 1.3 + 14)
        listed = members[s][:shown] if enterprises else []
        rest = len(members[s]) - len(listed) if enterprises else 0
        height = CARD_PAD + seg_h
        if home_techs[s]:
            height += SECTION_GAP + len(home_techs[s]) * TECH_ROW
        if listed or rest:
            height += SECTION_GAP + (len(listed) + (1 if rest else 0)) * ENT_ROW
        height += CARD_PAD
        cards[s] = {"status": status, "seg_w": seg_w, "seg_h": seg_h, "lines": lines,
                    "listed": listed, "rest": rest, "height": height}

    # lanes: columns per band, cards stacked top-down, ordered by their predecessors' height
    gutter = GUTTER_W if scope == "cluster" else 0
    lane_columns: list[dict[int, list[tuple[int, int, int]]]] = []
    for lane in range(len(chain_keys)):
        mine = [s for s in order if lane_of[s] == lane]
        per_band: dict[int, list[tuple[int, int, int]]] = {}
        for col in sorted({columns[s] for s in mine}):
            per_band.setdefault(col[0], []).append(col)
        lane_columns.append(per_band)
    bands_used = sorted({b for per_band in lane_columns for b in per_band})
    band_x: dict[int, float] = {}
    band_w: dict[int, float] = {}
    x = gutter
    for b in bands_used:
        band_x[b] = x
        band_w[b] = max(len(pb.get(b, [])) for pb in lane_columns) * COL_W
        x += band_w[b] + BAND_GAP
    width = (x - BAND_GAP) if bands_used else gutter + COL_W

    preds: dict[str, list[str]] = {s: [] for s in segments}
    for u, v in feeds:
        preds[v].append(u)
    centre: dict[str, tuple[float, float]] = {}
    card_top: dict[str, float] = {}
    lane_boxes: list[tuple[float, float]] = []
    y = HEADER_H
    for lane, per_band in enumerate(lane_columns):
        top = y + LANE_PAD
        bottom = top
        for b in bands_used:
            cols = per_band.get(b, [])
            offset = band_x[b] + (band_w[b] - len(cols) * COL_W) / 2
            for i, col in enumerate(cols):
                cx = offset + i * COL_W + COL_W / 2
                here = [s for s in order if lane_of[s] == lane and columns[s] == col]
                here.sort(key=lambda s: _barycentre(s, preds, centre, lane_of, lane) + (segments[s]["id"],))
                cy = top
                for s in here:
                    card_top[s] = cy
                    centre[s] = (cx, cy + CARD_PAD + cards[s]["seg_h"] / 2)
                    cy += cards[s]["height"] + CARD_GAP
                bottom = max(bottom, cy - CARD_GAP)
        height = max(bottom - top, 40) + 2 * LANE_PAD
        lane_boxes.append((y, height))
        y += height + LANE_GAP
    total_height = y - LANE_GAP if chain_keys else HEADER_H

    # boxes
    boxes: list[MapBox] = []
    band_fill = {0: ("#EAF2FB", "#C9DBF0"), 1: ("#EDF6EE", "#CFE5D2"), 2: ("#FBF2E6", "#EDD9BC")}
    for b in bands_used:
        fill, border = band_fill[b]
        boxes.append(MapBox("band", BAND_NAMES[b], (BAND_NAMES[b],), band_x[b], 0, band_w[b], total_height,
                            fill, border))
    if scope == "cluster":
        for lane, (top, height) in enumerate(lane_boxes):
            label = _s(chain_names.get(chain_keys[lane], chain_keys[lane]))
            boxes.append(MapBox("lane", label, tuple(wrap(label, LANE_FONT, GUTTER_W - 24, max_lines=4)),
                                0, top, width, height, "none", "#C3CCD5"))
    for s in order:
        cx, _ = centre[s]
        boxes.append(MapBox("card", _s(segments[s]["name"]), (), cx - CARD_W / 2, card_top[s], CARD_W,
                            cards[s]["height"], "#FFFFFF", "#D5DBE1"))

    # nodes
    nodes: list[MapNode] = []
    edges: list[MapEdge] = []
    names = {s: _s(r["name"]) for s, r in segments.items()}
    for s in order:
        card = cards[s]
        status: SegmentStatus = card["status"]
        fill, border, font = STATUS_COLOURS[status.status]
        cx, cy = centre[s]
        row = segments[s]
        nodes.append(MapNode(
            f"segment:{s}", "segment", s, "\n".join(card["lines"]),
            _segment_title(row, status, chains_of[s], chain_names, region_name, local_counts[s],
                           [techs[t] for t in sorted(t for t in techs if s in tech_segments[t])]),
            cx, cy, card["seg_w"], card["seg_h"], fill, border, font, 1.5, False, SEGMENT_FONT,
            status.status, False, lane_of[s]))
        y = card_top[s] + CARD_PAD + card["seg_h"] + (SECTION_GAP if home_techs[s] else 0)
        for t in home_techs[s]:
            flag = chokes.get(t, ChokeFlag(False))
            style = STYLE["choke" if flag.choke else "technology"]
            mark = "▲ " if flag.choke else "◆ "
            label = mark + truncate(_s(techs[t]["name"]), style[5], ROW_W - 16 - 14)
            nodes.append(MapNode(
                f"technology:{t}", "technology", t, label,
                _tech_title(techs[t], flag, [names[x] for x in tech_segments[t]],
                            [cluster_names.get(c, c) for c in breakthrough.loc[breakthrough["from"] == t, "to"]],
                            int(masters_count.get(t, 0)), region_name, choke_score),
                cx, y + TECH_H / 2, ROW_W, TECH_H, *style[:5], style[5], None, flag.choke, lane_of[s]))
            for other in tech_segments[t]:
                if other != s:
                    edges.append(MapEdge(f"key_to:{t}->{other}", f"technology:{t}", f"segment:{other}", "key_to",
                                         f"关键技术：{_s(techs[t]['name'])} → {names[other]}"))
            y += TECH_ROW
        if card["listed"] or card["rest"]:
            y += SECTION_GAP
        for e in card["listed"]:
            row_e = ents[e]
            key_ent = e in leaders or e in anchored
            style = STYLE["key_enterprise" if key_ent else "enterprise"]
            short = (_split(row_e.get("aliases")) or [_s(row_e["name"])])[0]
            label = truncate(("★ " if key_ent else "") + short, style[5], ROW_W - 16)
            nodes.append(MapNode(
                f"enterprise:{s}:{e}", "enterprise", e, label,
                _enterprise_title(row_e, e in leaders, e in anchored, products.get((e, s), ""),
                                  _ancestors(ent_region.get(e), parent), region_names),
                cx, y + ENT_H / 2, ROW_W, ENT_H, *style[:5], style[5], None, False, lane_of[s]))
            y += ENT_ROW
        if card["rest"]:
            style = STYLE["more"]
            others = [_s(ents[e]["name"]) for e in members[s][len(card["listed"]):]]
            label = f"另 {card['rest']} 家本地企业" if card["listed"] else f"本地企业 {card['rest']} 家"
            listed_names = "、".join(others[:20]) + ("…" if len(others) > 20 else "")
            nodes.append(MapNode(
                f"more:{s}", "more", s, label,
                f"{names[s]}：{label}\n{listed_names}", cx, y + ENT_H / 2, ROW_W, ENT_H, *style[:5], style[5],
                None, False, lane_of[s]))
    for u, v in feeds:
        edges.append(MapEdge(f"feeds:{u}->{v}", f"segment:{u}", f"segment:{v}", "feeds",
                             f"{names[u]} → {names[v]}（上游供给下游）"))
    headings = [(b.x + b.width / 2, HEADER_H / 2, text_width(b.label, BAND_FONT) / 2 + 8, BAND_FONT * 0.7 + 4)
                for b in boxes if b.kind == "band"]
    by_id = {n.id: n for n in nodes}
    edges = sorted((_bend(e, by_id, headings) for e in edges), key=lambda e: (e.kind, e.id))
    # arcs may leave the bands: grow the map (and move everything down) so they stay on it
    points = [p for e in edges for p in _samples(e, by_id[e.source], by_id[e.target])]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    shift = math.ceil(max(0.0, -min(ys, default=0.0) + 8))
    if shift:
        nodes = [replace(n, y=n.y + shift) for n in nodes]
        boxes = [replace(b, y=b.y + shift) for b in boxes]
        total_height += shift
    width = max(float(width), math.ceil(max(xs, default=0.0) + 8))

    legend = _legend()
    caveats = _caveats(region_name, status_info, aggregated, shown, max_nodes, len(nodes), facts, excluded,
                       {source_kind.get(s) for s in facts.sources}, statuses, local_counts, segments,
                       choke_score, choke_caveats if techs else ())
    source_rows = {r["id"]: r for r in source_table.to_dict("records")}
    sources = tuple({"id": s, "title": _s(source_title.get(s, s)), "kind": _s(source_kind.get(s, "")),
                     "licence": _s(source_rows.get(s, {}).get("licence")),
                     "attribution": _s(source_rows.get(s, {}).get("attribution"))}
                    for s in sorted(facts.sources))
    counts = {
        "segments": len(segments),
        "technologies": len(techs),
        "choke_points": sum(1 for t in techs if chokes.get(t, ChokeFlag(False)).choke),
        "local_enterprises": len({e for m in members.values() for e in m}),
        "enterprises_listed": len({n.key for n in nodes if n.kind == "enterprise"}),
        "enterprise_nodes": sum(1 for n in nodes if n.kind == "enterprise"),
        "nodes": len(nodes),
        "edges": len(edges),
    }
    for status_name in STATUSES:
        counts[status_name] = sum(1 for n in nodes if n.kind == "segment" and n.status == status_name)
    if not segments:
        caveats = caveats + ("该产业链在数据中尚无环节（SEGMENT_OF）。",)
    return ChainMap(
        title=title, scope=scope, key=key, name=name, region=region_code, region_name=region_name,
        as_of=facts.as_of, sources=sources, caveats=caveats,
        chains=tuple({"key": c, "name": _s(chain_names.get(c, c))} for c in chain_keys),
        nodes=tuple(nodes), edges=tuple(edges), boxes=tuple(boxes), legend=legend,
        width=float(width), height=float(total_height),
        enterprises_requested=enterprises, enterprises_shown=shown if enterprises else 0,
        aggregated=aggregated, thresholds=dict(status_info.thresholds), choke_score=choke_score,
        counts=counts,
    )


def source_line(source: dict[str, str]) -> str:
    """How a map's footer lists a source: id, title, kind, licence and the attribution it requires."""
    text = f"{source['id']}：{source['title']}" + (f"（{source['kind']}）" if source.get("kind") else "")
    if source.get("licence"):
        text += f" · 许可 {source['licence']}"
    if source.get("attribution"):
        text += f" · {source['attribution']}"
    return text


def _layer(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _samples(edge: MapEdge, a: MapNode, b: MapNode, n: int = 40) -> list[tuple[float, float]]:
    """Points along the edge's curve, as vis-network draws it."""
    p, q = (a.x, a.y), (b.x, b.y)
    if edge.curve == "cubicBezier":
        points = [p, *cubic_controls(p, q, edge.roundness), q]
    else:
        points = [p, curved_via(p, q, edge.roundness, clockwise=edge.curve == "curvedCW"), q]
    return [bezier_point(points, i / n) for i in range(n + 1)]


def _bend(edge: MapEdge, nodes: dict[str, MapNode], labels: list[tuple[float, float, float, float]]) -> MapEdge:
    """The edge with the curve that keeps it off the other boxes (see :class:`MapEdge`).

    Forward edges try a few roundness values of the horizontal cubic curve,
    then gentle arcs;
    edges that run back arch over the lane, edges within a column bulge to the
    right of the cards; each takes the first bend that touches no other box
    and no band heading (``labels``: centre x, centre y, half width, half
    height), else the one that touches the fewest.
    """
    a, b = nodes[edge.source], nodes[edge.target]
    lo, hi = min(a.x, b.x) - CARD_W, max(a.x, b.x) + CARD_W
    others = [(n.x, n.y, n.width / 2 + 6, n.height / 2 + 6) for n in nodes.values()
              if n.id not in (a.id, b.id) and lo <= n.x <= hi] + labels

    def hits(candidate: MapEdge) -> int:
        return sum(1 for x, y in _samples(candidate, a, b) for cx, cy, hw, hh in others
                   if abs(x - cx) < hw and abs(y - cy) < hh)

    if b.x - b.width / 2 > a.x + a.width / 2:  # forward: S-curves first, then arcs either way
        candidates = [replace(edge, roundness=r) for r in (FORWARD_ROUNDNESS, 0.6, 0.4, 0.25, 0.1)]
        candidates += [replace(edge, curve=c, roundness=r / 10) for r in range(1, 7)
                       for c in ("curvedCW", "curvedCCW")]
    else:
        same_column = abs(a.x - b.x) < 1
        for clockwise in (False, True):
            via = curved_via((a.x, a.y), (b.x, b.y), 0.5, clockwise=clockwise)
            if (via[0] > a.x) if same_column else (via[1] < min(a.y, b.y)):
                break  # bulges right (same column) or arches up (running back)
        curve = "curvedCW" if clockwise else "curvedCCW"
        candidates = [replace(edge, curve=curve, roundness=step / 20) for step in range(1, 21)]
        if same_column:  # clear of the cards, not only of the boxes
            candidates = [c for c in candidates
                          if max(x for x, _ in _samples(c, a, b)) >= a.x + CARD_W / 2 + 10] or candidates[-1:]
    best, fewest = candidates[0], None
    for candidate in candidates:
        count = hits(candidate)
        if count == 0:
            return candidate
        if fewest is None or count < fewest:
            best, fewest = candidate, count
    return best


def _region_names(store: GraphStore) -> tuple[dict[str, Any], dict[str, str]]:
    """(name by code, parent by code) of every region: the same for every map of a store (read only)."""
    region_table = store.nodes("Region", ["code", "name"])
    return dict(zip(region_table["code"].tolist(), region_table["name"].tolist())), store.region_links().parent


def _ancestors(code: str | None, parent: dict[str, str]) -> list[str]:
    """``code`` and the regions it lies within, innermost first (as ``GraphStore.region_ancestors``)."""
    chain = [code] if code else []
    while chain and chain[-1] in parent and parent[chain[-1]] not in chain:
        chain.append(parent[chain[-1]])
    return chain


@dataclass(frozen=True)
class _Members:
    """The local enterprises of a map's segments and what is drawn of them (see :func:`_map_members`)."""

    operates: pd.DataFrame  # OPERATES_IN of local enterprises into the segments, one per pair, by (to, from)
    located: pd.DataFrame  # their LOCATED_IN into the region, by (from, to)
    ent_table: pd.DataFrame  # their Enterprise rows (table order)
    excluded: int  # synthetic facts left out
    leaders: set  # 链主 of the chains (LEADS)
    anchored: set  # key enterprises of the clusters (ANCHORS)
    masters_count: pd.Series  # per technology, how many local enterprises master it


def _map_members(store: GraphStore, *, segments, techs, local: set[str], dropped: set[str], chain_keys,
                 cluster_keys) -> _Members:
    """The enterprises of ``local`` (region codes) operating in ``segments`` and mastering ``techs`` (keys).

    A store with its own ``map_members`` (Neo4j: ``queries/cypher/map/``) is asked. Otherwise reached
    through the store's endpoint index: the segments' OPERATES_IN rows, the region's LOCATED_IN
    rows, the technologies' MASTERS rows and their masters' locations; the whole Enterprise table and the
    whole relationship tables are never read. ``dropped``: the sources whose facts are left out (synthetic
    data not asked for; empty: none).
    """
    own = getattr(store, "map_members", None)
    if callable(own):
        found = own(segments=segments, technologies=techs, region_codes=local, excluded_sources=dropped,
                    chains=chain_keys, clusters=cluster_keys)
        return _Members(found["operates"], found["located"], found["enterprises"], found["excluded"],
                        found["leaders"], found["anchored"], pd.Series(found["masters"], dtype="int64"))

    def node_rows(label: str, keys) -> np.ndarray:
        keys = [str(k) for k in keys]
        column = arrow_column(store.nodes(label, [store.schema.label(label).key]).iloc[:, 0])
        rows = key_rows(column, keys) if keys else np.zeros(0, dtype=np.int64)
        return sorted_distinct(rows[rows >= 0])

    def allowed_rows(frame: pd.DataFrame) -> np.ndarray:
        return ~isin(frame["source"], dropped) if dropped else np.ones(len(frame), dtype=bool)

    op_from, op_to = store.endpoint_index("OPERATES_IN", "from"), store.endpoint_index("OPERATES_IN", "to")
    op_rows = op_to.relationships_of(node_rows("Segment", segments))
    operates = store.edges_at("OPERATES_IN", op_rows)
    ok = allowed_rows(operates)
    excluded = int((~ok).sum())
    operates, op_ents = operates[ok], np.asarray(op_from.rows[op_rows[ok]], dtype=np.int64)
    loc_from, loc_to = store.endpoint_index("LOCATED_IN", "from"), store.endpoint_index("LOCATED_IN", "to")
    local_regions = node_rows("Region", local)
    loc_rows = loc_to.relationships_of(local_regions)
    loc_rows = loc_rows[np.isin(np.asarray(loc_from.rows[loc_rows], dtype=np.int64), op_ents)]
    located = store.edges_at("LOCATED_IN", loc_rows, ["from", "to", "source", "as_of", "verified"])
    ok = allowed_rows(located)
    located, loc_ents = located[ok], np.asarray(loc_from.rows[loc_rows[ok]], dtype=np.int64)
    ent_rows = sorted_distinct(loc_ents)
    ent_table = store.nodes_at("Enterprise", ent_rows)
    ok = allowed_rows(ent_table)
    excluded += int((~ok).sum())
    ent_table, local_rows = ent_table[ok], ent_rows[ok]
    operates = operates[np.isin(op_ents, local_rows)].drop_duplicates(["from", "to"]).sort_values(["to", "from"])
    located = located[np.isin(loc_ents, local_rows)].sort_values(["from", "to"])
    leads = store.edges("LEADS", ["from", "to"])
    leaders = set(leads.loc[leads["to"].isin(chain_keys), "from"])
    anchors = store.edges("ANCHORS", ["from", "to"])
    anchored = set(anchors.loc[anchors["to"].isin(cluster_keys), "from"])

    # masters with any location in the region (whatever they operate in)
    ms_rows = store.endpoint_index("MASTERS", "to").relationships_of(node_rows("Technology", techs))
    ms_ents = np.asarray(store.endpoint_index("MASTERS", "from").rows[ms_rows], dtype=np.int64)
    their_rows = loc_from.relationships_of(ms_ents)
    their_rows = their_rows[np.isin(np.asarray(loc_to.rows[their_rows], dtype=np.int64), local_regions)]
    if dropped and len(their_rows):
        their_rows = their_rows[allowed_rows(store.edges_at("LOCATED_IN", their_rows, ["source"]))]
    masters = store.edges_at("MASTERS", ms_rows, ["from", "to"])
    masters = masters[np.isin(ms_ents, np.asarray(loc_from.rows[their_rows], dtype=np.int64))]
    masters_count = masters.drop_duplicates().groupby("to").size()
    return _Members(operates, located, ent_table, excluded, leaders, anchored, masters_count)


def _rank(row: dict[str, Any], leader: bool, anchor: bool) -> tuple:
    """Sort key of an enterprise in its card: 链主, named key enterprises, designations, revenue, name."""
    weight = sum(_DESIGNATION_WEIGHT.get(d, 0) for d in _split(row.get("designations")))
    revenue = _num(row.get("revenue_yi"))
    return (not leader, not anchor, -weight, -(revenue if revenue is not None else -1.0), _s(row["name"]), row["id"])


def _budget(segments: dict, home_techs: dict[str, list[str]], members: dict[str, list[str]],
            wanted: int, max_nodes: int) -> int:
    """The largest number of enterprises per card (≤ ``wanted``) that keeps the map within ``max_nodes``."""
    fixed = len(segments) + sum(len(t) for t in home_techs.values())
    if wanted == 0:
        return 0
    for n in range(wanted, -1, -1):
        total = fixed + sum(min(n, len(m)) + (1 if len(m) > n else 0) for m in members.values())
        if total <= max_nodes:
            return n
    return 0


def _barycentre(s: str, preds: dict[str, list[str]], centre: dict[str, tuple[float, float]],
                lane_of: dict[str, int], lane: int) -> tuple:
    ys = [centre[p][1] for p in preds[s] if p in centre and lane_of[p] == lane]
    return (0, sum(ys) / len(ys)) if ys else (1, 0.0)


def _source_line(row: dict[str, Any]) -> str:
    text = f"来源：{_s(row.get('source'))} · {_s(row.get('as_of'))}"
    if row.get("verified") is False:
        text += " · 未经文件核实"
    return text


def _segment_title(row: dict[str, Any], status: SegmentStatus, chains: list[str], chain_names: dict[str, str],
                   region_name: str, listed_count: int, techs: list[dict[str, Any]]) -> str:
    position = _POSITION_NAMES.get(_s(row["position"]), _s(row["position"]))
    layer = _layer(row.get("layer"))
    lines = [f"{_s(row['name'])}（{position}" + (f" · 第 {layer} 层" if layer is not None else "") + "）",
             f"所属产业链：{'、'.join(_s(chain_names.get(c, c)) for c in chains)}",
             f"状态：{status.status}",
             f"本地企业：{status.local_count} 家（{region_name}）"]
    if listed_count != status.local_count:
        lines.append(f"图中可列出的本地企业：{listed_count} 家")
    for label, value in status.figures.items():
        if isinstance(value, float):
            value = f"{value:.2f}"
        lines.append(f"{label}：{value}")
    if status.reasons:
        lines.append("原因：")
        lines += [f"· {for_readers(r)}" for r in status.reasons]  # a tooltip is read, not queried
    if techs:
        lines.append("关键技术：" + "、".join(_s(t["name"]) for t in techs))
    if _s(row.get("description")):
        lines.append(_s(row["description"]))
    lines.append(_source_line(row))
    return "\n".join(lines)


def _tech_title(row: dict[str, Any], flag: ChokeFlag, segments: list[str], clusters: list[str],
                masters: int, region_name: str, threshold: float) -> str:
    kind = _KINDS.get(_s(row.get("kind")), _s(row.get("kind")) or "技术")
    lines = [f"{_s(row['name'])}（关键{kind}）", f"关键于：{'、'.join(segments)}"]
    if clusters:
        lines.append(f"突破目标：{'、'.join(clusters)}")
    lines.append(f"{region_name}掌握该技术的企业：{masters} 家")
    if flag.score is not None:
        verdict = "是" if flag.choke else "否"
        lines.append(f"卡脖子：{verdict}（得分 {flag.score:.1f}，标注阈值 {threshold:g}）")
        lines += [f"· {for_readers(r)}" for r in flag.reasons]
    if _s(row.get("description")):
        lines.append(_s(row["description"]))
    lines.append(_source_line(row))
    return "\n".join(lines)


def _enterprise_title(row: dict[str, Any], leader: bool, anchor: bool, products: str,
                      regions: list[str], region_names: dict[str, str]) -> str:
    lines = [_s(row["name"])]
    if _split(row.get("aliases")):
        lines.append("简称：" + "、".join(_split(row.get("aliases"))))
    if regions:
        lines.append("所在地：" + " < ".join(_s(region_names.get(r, r)) for r in regions[:3]))
    roles = (["链主"] if leader else []) + (["集群重点企业"] if anchor else [])
    if roles:
        lines.append("角色：" + "、".join(roles))
    if _split(row.get("designations")):
        lines.append("资质：" + "、".join(_split(row.get("designations"))))
    if _s(row.get("stock_code")):
        lines.append(f"上市：{_s(row.get('exchange'))} {_s(row.get('stock_code'))}".rstrip())
    revenue = _num(row.get("revenue_yi"))
    if revenue is not None:
        year = _layer(row.get("revenue_year"))
        lines.append(f"营业收入：{revenue:g} 亿元" + (f"（{year}）" if year else ""))
    if products:
        lines.append(f"主营：{products}")
    lines.append(_source_line(row))
    return "\n".join(lines)


def _legend() -> tuple[LegendItem, ...]:
    items = []
    for status in STATUSES:
        fill, border, font = STATUS_COLOURS[status]
        items.append(LegendItem(status, fill, border, font, 1.5, False, status))
    for kind, label, sample in (("technology", "关键技术", "◆ 技术"), ("choke", "卡脖子技术", "▲ 技术"),
                                ("enterprise", "本地企业", "企业"), ("key_enterprise", "链主 / 重点企业", "★ 企业"),
                                ("more", "其余企业 (计数)", "另 k 家")):
        fill, border, font, bw, dashed, _ = STYLE[kind]
        items.append(LegendItem(label, fill, border, font, bw, dashed, sample))
    return tuple(items)


def _caveats(region_name: str, info: StatusInfo, aggregated: bool, shown: int, max_nodes: int, node_count: int,
             facts: _Facts, excluded: int, kinds: set, statuses: dict[str, SegmentStatus],
             local_counts: dict[str, int], segments: dict, choke_score: float,
             choke_caveats: tuple[str, ...]) -> tuple[str, ...]:
    # full-width parentheses around schema names, settings and commands: for analysts (JSON, terminal);
    # documents for readers drop them (queries.wording.for_readers)
    out = [f"本地 = {region_name}及其下辖区县，按企业所在地（LOCATED_IN）。环节方框中的“N 家”是本地企业数，方框宽度随之增加。"]
    if info.thresholds:
        out.append("缺链 / 弱链 / 强链：补链分析（chainkg gaps）的判定，各环节的原因见提示。")
        out.append(thresholds_caveat(info.thresholds))
    out += [f"补链分析：{c}" for c in info.caveats]
    if choke_caveats:  # the analysis ran (the map has technologies)
        out.append(f"▲ 卡脖子技术：卡脖子分析（chainkg chokepoints）以{region_name}为视角，"
                   f"得分 ≥ {choke_score:g} 的关键技术；"
                   "得分 = 100 × 依赖广度 B × 供应集中度 C × 本方缺位 A，各技术的得分与理由见提示。")
        out += [f"卡脖子分析：{c}" for c in choke_caveats]
    if aggregated:
        out.append(f"节点较多（上限 {max_nodes} 个）：每个环节只列出前 {shown} 家本地企业，其余以计数节点表示。")
    if node_count > max_nodes:
        out.append(f"即使只保留计数节点，图中仍有 {node_count} 个节点，交互图可能较慢。")
    if facts.unverified:
        out.append(f"图中 {facts.unverified} 条事实来自公开信息、尚未经文件核实（verified=false）。")
    if excluded:
        out.append(f"已排除 {excluded} 条合成（synthetic）数据。")
    if "synthetic" in kinds:
        out.append("本图含合成（synthetic）数据，仅供测试与演示。")
    differ = sorted(s for s in segments if statuses[s].local_count != local_counts[s])
    if differ:
        out.append(f"{len(differ)} 个环节的补链分析本地企业数与图中列出的企业数不同（见各环节提示）。")
    return tuple(out)
