"""招商目标: which enterprises outside a region to attract for a chain, ranked, with checkable reasons.

For region R (default 常州市) and chain C the *needs* are

- the chain's gap segments from :mod:`queries.gaps`: 缺链 (direction 补链, or
  延链 when the segment lies downstream of where the local enterprises stop)
  and 弱链 (direction 强链);
- the chain's choke-point technologies: :func:`queries.chokepoints.chokepoints`
  from R's perspective, score ≥ :data:`CHOKE_SCORE` (30, as on the maps);
  with ``use_chokepoints=False``, the chain's key technologies (KEY_TO its
  segments) that no enterprise in R masters. A technology takes the direction
  of its segment when that is 补链 / 延链, else 强链.

The *candidates* are the enterprises located outside R (every LOCATED_IN
outside ``store.region_subtree(R)``; enterprises without a location are left
out and counted) that operate in a need segment (OPERATES_IN), master a need
technology (MASTERS) or provide either (PROVIDES). Each candidate scores the
sum of five signals, strongest first (weights in :class:`TargetWeights`):

======== ============================================================= ==========
signal   what fires it                                                  points
======== ============================================================= ==========
以商招商 SUPPLIES an enterprise in R: a key enterprise of the chain's   30 / 20,
         cluster (ANCHORS) or its 链主 (LEADS, ANCHORS role 链主,       +5 per
         designation 链主) → 30; another enterprise in R → 20           further
                                                                        customer,
                                                                        ≤ 40
上下游配套 SUPPLIES an enterprise of a segment directly downstream      12 + 8,
         (FEEDS) of a segment it is matched to → 12; is supplied by     ≤ 20
         an enterprise of a directly upstream segment → 8
能力匹配 per need: OPERATES_IN it as main business 10 (secondary 5);    best + 3
         MASTERS the technology 10 (a choke point 12); PROVIDES it 8    per further
                                                                        need, ≤ 20
企业实力 上市 4, 制造业单项冠军 4, 专精特新小巨人 3 (else 专精特新 2),   ≤ 10
         高新技术企业 1, 链主 2; revenue ≥ 1000 / 100 / 10 亿元 3 / 2 / 1
         (else employees ≥ 10000 / 1000: 2 / 1)
区位     same province as R 5; 长三角 (上海/江苏/浙江/安徽, when R is in  5/4/2/1/0
         it) 4; same GB/T 2260 macro-region (first code digit) 2;
         elsewhere in China 1; abroad 0
======== ============================================================= ==========

Targets are ordered by score (high first), then enterprise key, so the order
is deterministic. Every target carries its reasons (one per signal that
fired, with its points) and the evidence behind each: the fact (relationship
or property, as ``chainkg show`` lists it) with its ``source``, ``as_of`` and
``verified``; and its caveats (unverified facts, synthetic data).

Facts whose source is of kind ``synthetic`` (synthetic enterprises included)
are left out unless ``include_synthetic`` is true, or it is None and the chain
itself is synthetic (as in :mod:`queries.gaps`).

The work runs in two steps like the gap analysis: :func:`target_inputs`
aggregates the graph into small tables with vectorised pandas (a store with its own
``target_inputs``, Neo4j, does it in the database: ``queries/cypher/targets/``);
:func:`rank_targets` scores them and builds the records of the top targets only.

>>> from queries._fixture import fixture_store
>>> result = chain_targets(fixture_store(), chain="示例链")
>>> [(t.name, t.place, t.score, t.signals["以商招商"], t.signals["能力匹配"]) for t in result.targets]
[('丙示例部件有限公司', '江苏省苏州市', 62, 30, 15)]
>>> [(r.signal, r.points) for r in result.targets[0].reasons]
[('以商招商', 30), ('上下游配套', 12), ('能力匹配', 15), ('区位', 5)]
>>> result.targets[0].reasons[0].text
'已向常州市企业供货：乙示例整机有限公司〔重点企业〕（部件）'
>>> ev = result.targets[0].reasons[0].evidence[0]
>>> ev.relationship, ev.direction, ev.other_name, ev.source
('SUPPLIES', 'out', '乙示例整机有限公司', 'synthetic')

Method, weights and caveats: docs/catalog.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from chainkg.errors import ConfigError
from graph.store import GraphStore, sorted_distinct
from queries._arrow import arrow_column, key_rows
from queries.chokepoints import chokepoints
from queries.gaps import (
    DEFAULT_REGION,
    MISSING,
    NATION,
    WEAK,
    ChainGapReport,
    GapThresholds,
    SyntheticFilter,
    chain_gaps,
    isin,
)
from queries.groups import EnterpriseGroups, enterprise_groups
from queries.shared import SharedWork, shared_for

__all__ = [
    "SIGNALS",
    "DIRECTIONS",
    "YANGTZE_DELTA",
    "MACRO_REGIONS",
    "TargetWeights",
    "Evidence",
    "Reason",
    "Need",
    "NeedSet",
    "CHOKE_SCORE",
    "Target",
    "TargetList",
    "TargetInputs",
    "segment_directions",
    "chain_needs",
    "target_inputs",
    "rank_targets",
    "chain_targets",
    "GroupExpansion",
    "EXPANSION",
]

#: the signals of the score, strongest first
SIGNALS = ("以商招商", "上下游配套", "能力匹配", "企业实力", "区位")
#: the 0-point reason that names the local parks and platforms a target could land in or use (issue 22)
CARRIER_SIGNAL = "载体"
LOCAL_SIGNAL, FIT_SIGNAL, CAPABILITY_SIGNAL, STRENGTH_SIGNAL, PROXIMITY_SIGNAL = SIGNALS
#: the directions of attraction (招商方向)
DIRECTIONS = ("补链", "强链", "延链")
FILL, STRENGTHEN, EXTEND = DIRECTIONS
#: how a group already present in the region is attracted further (not a direction of a new target)
EXPANSION = "增资扩产/以商招商"
#: the provinces of the Yangtze River Delta (长三角)
YANGTZE_DELTA = {"310000": "上海市", "320000": "江苏省", "330000": "浙江省", "340000": "安徽省"}
#: GB/T 2260 macro-regions by the first digit of the code
MACRO_REGIONS = {"1": "华北", "2": "东北", "3": "华东", "4": "中南", "5": "西南", "6": "西北", "7": "台湾", "8": "港澳"}
#: the caveat that repeats the gap analysis' first caveat starts so (the catalogue shows the original)
GAP_CAVEAT_PREFIX = "目标环节来自补链分析："
#: need statuses of technologies
CHOKE, KEY_TECH = "卡脖子", "关键技术"
#: a technology whose choke-point score (0–100, queries.chokepoints) reaches this is a choke point (the maps use
#: the same threshold)
CHOKE_SCORE = 30.0


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class TargetWeights:
    """The points of each signal; defaults documented in docs/catalog.md.

    >>> TargetWeights().local_cap, TargetWeights().strength_cap
    (40, 10)
    >>> TargetWeights.from_mapping({"same_province": 6}).same_province
    6
    """

    #: 以商招商: supplies a key enterprise (ANCHORS) or 链主 of the chain located in R
    supplies_key_local: int = 30
    #: 以商招商: supplies another enterprise located in R
    supplies_local: int = 20
    #: 以商招商: per further distinct customer in R
    per_extra_local_customer: int = 5
    local_cap: int = 40
    #: 上下游配套: supplies an enterprise of a directly downstream segment
    supplies_downstream: int = 12
    #: 上下游配套: is supplied by an enterprise of a directly upstream segment
    supplied_by_upstream: int = 8
    fit_cap: int = 20
    #: 能力匹配: OPERATES_IN a need segment as main business (main=false: operates_secondary)
    operates_main: int = 10
    operates_secondary: int = 5
    #: 能力匹配: MASTERS a need technology (a choke point: masters_choke)
    masters: int = 10
    masters_choke: int = 12
    #: 能力匹配: PROVIDES a need segment or technology
    provides: int = 8
    #: 能力匹配: per further need matched
    per_extra_need: int = 3
    capability_cap: int = 20
    #: 企业实力: designations
    listed: int = 4
    champion: int = 4
    little_giant: int = 3
    specialised: int = 2
    high_tech: int = 1
    chain_leader: int = 2
    #: 企业实力 for 补链 / 延链: a candidate matched only to gap segments (or technologies of them) earns this on
    #: top for 专精特新小巨人 / 专精特新 / 制造业单项冠军, and its size tiers do not count (filling a gap needs the
    #: capability, not the scale: mid-size specialists rank fairly against giants)
    fill_specialist: int = 2
    #: 企业实力: revenue tiers (亿元, points), best first; employees tiers used when revenue is unknown
    revenue_tiers: tuple[tuple[float, int], ...] = ((1000.0, 3), (100.0, 2), (10.0, 1))
    employee_tiers: tuple[tuple[int, int], ...] = ((10000, 2), (1000, 1))
    strength_cap: int = 10
    #: 区位
    same_province: int = 5
    yangtze_delta: int = 4
    same_macro_region: int = 2
    domestic: int = 1
    foreign: int = 0

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 0:
                raise ConfigError(f"weight {f.name} must be ≥ 0, not {value}", hint="weights are points")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> TargetWeights:
        """The defaults with some weights replaced (unknown names are an error)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown target weight(s): {', '.join(unknown)}", hint=f"use: {', '.join(sorted(known))}")
        return cls(**{**asdict(cls()), **values})

    #: the designations that mark a specialist (fill_specialist)
    SPECIALIST = ("专精特新小巨人", "专精特新", "制造业单项冠军")

    @property
    def designation_points(self) -> dict[str, int]:
        return {"上市": self.listed, "制造业单项冠军": self.champion, "专精特新小巨人": self.little_giant,
                "专精特新": self.specialised, "高新技术企业": self.high_tech, "链主": self.chain_leader}


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Evidence:
    """One fact behind a reason, as ``chainkg show <subject>`` lists it.

    A relationship fact: ``relationship`` seen from ``subject`` in ``direction``
    ("out": subject → other, "in": other → subject), with its ``properties``.
    A property fact: ``property`` of the subject node with ``value``.
    """

    fact: str
    subject_label: str
    subject: str
    subject_name: str
    source: str
    as_of: str
    verified: bool
    relationship: str | None = None
    direction: str | None = None
    other_label: str | None = None
    other: str | None = None
    other_name: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    property: str | None = None
    value: Any = None


@dataclass
class Reason:
    """One signal that fired for a target: its points, a sentence and the facts behind it."""

    signal: str
    points: int
    text: str
    evidence: list[Evidence]


@dataclass(frozen=True)
class Need:
    """A gap segment or technology of the chain that targets are sought for."""

    label: str  # "Segment" or "Technology"
    key: str
    name: str
    status: str  # 缺链 / 弱链 for segments; 卡脖子 / 关键技术 for technologies
    direction: str
    why: str
    segments: tuple[str, ...]
    segment_names: tuple[str, ...]
    choke_score: float | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass
class Target:
    """An outside enterprise recommended for the chain, with its score and reasons."""

    rank: int
    key: str
    name: str
    aliases: list[str]
    region: str
    place: str
    province: str | None
    designations: list[str]
    exchange: str | None
    stock_code: str | None
    revenue_yi: float | None
    employees: int | None
    score: int
    signals: dict[str, int]
    needs: list[str]
    need_labels: list[str]
    segments: list[str]
    directions: list[str]
    reasons: list[Reason]
    caveats: list[str]
    sources: list[str]
    as_of: str | None
    verified: bool
    synthetic: bool
    #: one line: why this one (its strongest reasons, where it could land)
    why: str = ""
    #: the local parks and platforms tied to what it is matched for (queries.carriers): (label, key, name, via)
    carriers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def evidence(self) -> list[Evidence]:
        return [e for r in self.reasons for e in r.evidence]


@dataclass
class TargetList:
    """The ranked targets of one chain for one region, with what they rest on."""

    chain: str
    chain_name: str
    region: str
    region_name: str
    needs: list[Need]
    targets: list[Target]
    candidates: int
    weights: TargetWeights
    technology_method: str
    as_of: str | None
    graph_as_of: str
    graph_digest: str
    synthetic_included: bool
    counts: dict[str, int]
    sources: list[dict[str, Any]]
    chokepoints: list[dict[str, Any]] | None = None
    choke_score: float = 30.0
    caveats: list[str] = field(default_factory=list)
    #: groups already present in the region that match the needs: 增资扩产 / 以商招商, not new targets
    expansions: list[GroupExpansion] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return asdict(self)


@dataclass
class GroupExpansion:
    """An outside enterprise whose group already has a member in the region: a case for 增资扩产 (the local
    member expands) or 以商招商 (the group brings its partners), never a plain new target.

    ``local_members``: (key, name) of the group's enterprises in the region; ``needs``: the need names it
    matches; ``evidence``: the group links (SUBSIDIARY_OF / BRANCH_OF) and its capability facts.
    """

    key: str
    name: str
    direction: str
    local_members: list[tuple[str, str]]
    needs: list[str]
    why: str
    evidence: list[Evidence]
    verified: bool


def _threshold(choke_score: float | None) -> float:
    return CHOKE_SCORE if choke_score is None else float(choke_score)


# --------------------------------------------------------------------------- needs


def _closure(keys: list[str], edges: dict[str, list[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for start in keys:
        seen: set[str] = set()
        todo = list(edges.get(start, ()))
        while todo:
            node = todo.pop()
            if node not in seen and node != start:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        out[start] = seen
    return out


def segment_directions(report: ChainGapReport) -> dict[str, tuple[str | None, str]]:
    """招商方向 of each segment of a gap report: (direction or None, why).

    - 弱链 → 强链;
    - 缺链 → 延链 when some segment upstream of it (FEEDS, transitively; by
      ``layer`` when the chain has no FEEDS) has local enterprises and none
      downstream of it does: the local chain stops before it, attracting it
      extends the chain downstream (下游环节、终端产品);
    - any other 缺链 → 补链 (断链 when local enterprises sit on both sides);
    - 强链 → None.

    >>> from queries._fixture import fixture_store
    >>> directions = segment_directions(chain_gaps(fixture_store(), chain="示例链"))
    >>> {k: d for k, (d, _) in directions.items()}
    {'s-mat': '强链', 's-part': '补链', 's-whole': '强链', 's-svc': '延链'}
    """
    keys = [s.key for s in report.segments]
    down = {s.key: list(s.downstream) for s in report.segments}
    if not any(down.values()):
        layers = {s.key: s.layer for s in report.segments}
        down = {a: [b for b in keys if layers[a] is not None and layers[b] is not None and layers[b] > layers[a]]
                for a in keys}
    below = _closure(keys, down)
    above: dict[str, set[str]] = {k: set() for k in keys}
    for a, bs in below.items():
        for b in bs:
            above[b].add(a)
    names = {s.key: s.name for s in report.segments}
    local = {s.key: s.local_count for s in report.segments}
    out: dict[str, tuple[str | None, str]] = {}
    for seg in report.segments:
        if seg.status == WEAK:
            out[seg.key] = (STRENGTHEN, f"弱链：{seg.reasons[0]}" if seg.reasons else "弱链")
        elif seg.status == MISSING:
            ups = sorted((u for u in above[seg.key] if local[u]), key=lambda k: (names[k], k))
            downs = [d for d in below[seg.key] if local[d]]
            if ups and not downs:
                out[seg.key] = (EXTEND, f"缺链，位于本地已有企业的环节{'、'.join(names[u] for u in ups)}下游，"
                                        "招引可向下游延伸产业链")
            elif seg.broken_link:
                out[seg.key] = (FILL, "缺链（断链）：上下游环节均有本地企业，本环节没有")
            else:
                out[seg.key] = (FILL, "缺链：本地没有该环节企业")
        else:
            out[seg.key] = (None, "强链")
    return out


@dataclass
class NeedSet:
    """The needs of a chain, how its technologies were chosen, and the choke-point results behind them.

    ``method`` is ``"queries.chokepoints"`` when the choke-point analysis chose the
    technologies (score ≥ :data:`CHOKE_SCORE`), else ``"key-technologies"``.
    ``chokepoints`` holds every scored technology of the chain (plain dicts of
    :class:`queries.chokepoints.Chokepoint` with ``choke`` telling whether it
    reaches the threshold), or None without the analysis.
    """

    needs: list[Need]
    method: str
    caveats: list[str]
    chokepoints: list[dict[str, Any]] | None = None
    choke_sources: list[dict[str, Any]] = field(default_factory=list)
    choke_attribution: list[str] = field(default_factory=list)


def _tech_segments(store: GraphStore, keys: Iterable[str], seg_names: dict[str, str], keep) -> dict[str, list[tuple]]:
    """Chain segments each technology serves: its KEY_TO segments (with the fact); failing those, the segments
    reached downstream along FEEDS, SUBTYPE_OF (to the broader kind) and KEY_TO (without a single fact)."""
    keys = set(keys)
    key_to = keep(store.edges_where("KEY_TO", "from", sorted(keys), ["from", "to", "source", "as_of", "verified"]))
    direct: dict[str, list[tuple]] = {}
    for tech, seg, src, as_of, verified in zip(key_to["from"], key_to["to"], key_to["source"], key_to["as_of"],
                                               key_to["verified"]):
        if tech in keys and seg in seg_names:
            direct.setdefault(str(tech), []).append((str(seg), str(src), str(as_of), _truth(verified)))
    todo = keys - set(direct)
    if not todo:
        return {k: sorted(v) for k, v in direct.items()}
    out = {k: sorted(v) for k, v in direct.items()}
    reach = getattr(store, "technology_reach", None)
    if callable(reach):  # a store that searches the graph itself (Neo4j: targets/reach)
        found = reach(technologies=sorted(todo), segments=sorted(seg_names), excluded_sources=sorted(keep.drop))
        out.update({start: [(seg, None, None, None) for seg in sorted(found.get(start, []))] for start in todo})
        return out
    key_to = keep(store.edges("KEY_TO", ["from", "to", "source"]))
    nxt: dict[str, set[str]] = {}
    for rel in ("FEEDS", "SUBTYPE_OF"):
        edges = keep(store.edges(rel))
        labels = edges["from_label"].fillna("Segment") if "from_label" in edges.columns else None
        for i, (a, b) in enumerate(zip(edges["from"], edges["to"])):
            if labels is None or labels.iloc[i] == "Technology" or rel == "SUBTYPE_OF":
                nxt.setdefault(str(a), set()).add(str(b))
    for tech, seg in zip(key_to["from"], key_to["to"]):
        nxt.setdefault(str(tech), set()).add(str(seg))
    for start in sorted(todo):
        found: set[str] = set()
        seen, stack = {start}, [start]
        while stack:
            for node in nxt.get(stack.pop(), ()):
                if node in seen:
                    continue
                seen.add(node)
                if node in seg_names:
                    found.add(node)
                else:
                    stack.append(node)
        out[start] = [(seg, None, None, None) for seg in sorted(found)]
    return out


def chain_needs(store: GraphStore, report: ChainGapReport, region_codes: Iterable[str], *,
                include_synthetic: bool | None = None, choke_score: float | None = None,
                use_chokepoints: bool = True, shared: SharedWork | None = None) -> NeedSet:
    """The needs of a chain: gap segments, then technologies (:class:`NeedSet`).

    Technologies: the chain's choke points from ``report``'s region (score ≥
    ``choke_score``, default :data:`CHOKE_SCORE`) when ``use_chokepoints``; else
    the key technologies (KEY_TO the chain's segments) that no enterprise of the
    region masters. ``shared`` keeps the region's choke-point figures and enterprises for the next chain.

    >>> from queries._fixture import fixture_store
    >>> store = fixture_store()
    >>> found = chain_needs(store, chain_gaps(store, chain="示例链"), store.region_subtree("320400"))
    >>> [(n.name, n.status, n.direction) for n in found.needs]
    [('材料', '弱链', '强链'), ('部件', '缺链', '补链'), ('整机', '弱链', '强链'), ('服务', '缺链', '延链'), ('示例控制技术', '卡脖子', '补链')]
    >>> found.method, found.chokepoints[0]["score"], found.needs[-1].why
    ('queries.chokepoints', 50.0, '卡脖子技术（得分 50.0 ≥ 30）；为环节部件的关键技术')
    >>> [n.status for n in chain_needs(store, chain_gaps(store, chain="示例链"), store.region_subtree("320400"),
    ...                                use_chokepoints=False).needs][-1]
    '关键技术'
    """
    threshold = CHOKE_SCORE if choke_score is None else float(choke_score)
    directions = segment_directions(report)
    needs: list[Need] = []
    for seg in report.segments:
        direction, why = directions[seg.key]
        if direction is None:
            continue
        needs.append(Need("Segment", seg.key, seg.name, seg.status, direction, why, (seg.key,), (seg.name,)))
    seg_names = {s.key: s.name for s in report.segments}
    seg_direction = {k: d for k, (d, _) in directions.items()}
    caveats: list[str] = []
    codes = set(region_codes)
    keep = _filter(store, report.chain, include_synthetic)

    def names_of(keys) -> dict[str, str]:  # the technologies asked about only, looked up by key
        techs = keep(store.nodes_where("Technology", sorted({str(k) for k in keys}), ["id", "name", "source"]))
        return dict(zip(techs["id"].astype(str), techs["name"].astype(str)))

    chosen: dict[str, tuple[str, float | None, str]] = {}
    found = NeedSet([], "key-technologies", caveats)
    if use_chokepoints:
        found.method = "queries.chokepoints"
        result = chokepoints(store, perspective=report.region, chain=report.chain, shared=shared)
        found.chokepoints = []
        tech_names = names_of(item.key for item in result.results)
        for item in result.results:
            row = _plain_row(item)
            row["choke"] = item.score >= threshold
            found.chokepoints.append(row)
            if row["choke"] and item.key in tech_names:
                chosen[item.key] = (CHOKE, float(item.score),
                                    f"卡脖子技术（得分 {item.score:.1f} ≥ {threshold:g}）")
        found.choke_sources = list(result.sources)
        found.choke_attribution = list(result.attribution)
        caveats.append(f"技术方向取该链的卡脖子技术：从{report.region_name}视角的卡脖子评分 ≥ {threshold:g} "
                       f"的技术（{len(chosen)} 项）")
        sources = store.nodes("Source", ["id", "kind"])
        synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
        used = sorted({s for item in result.results for s in item.sources} & synthetic)
        if not include_synthetic and used:  # say so only when the scores rest on synthetic facts
            caveats.append(f"卡脖子评分用到了合成（非真实）数据：{'、'.join(used)}")
    else:
        key_to = keep(store.edges_where("KEY_TO", "to", sorted(seg_names), ["from", "to", "source"]))
        tech_names = names_of(key_to["from"])
        chain_techs = set(key_to["from"].astype(str)) & set(tech_names)
        reach = _Reach(store, keep, shared_for(store, shared))
        masters, rows = reach.edges("MASTERS", "to", reach.node_rows("Technology", chain_techs), ["to"])
        local = np.isin(reach.other_end("MASTERS", "from", rows), reach.local_enterprises(codes))
        mastered = set(masters.loc[local, "to"].astype(str))
        for key in sorted(chain_techs - mastered):
            chosen[key] = (KEY_TECH, None, "关键技术，本地无企业掌握")
        caveats.append("技术方向取该链各环节的关键技术（KEY_TO）中本地无企业掌握（MASTERS）的技术")
    served = _tech_segments(store, chosen, seg_names, keep)
    order = {d: i for i, d in enumerate(DIRECTIONS)}
    for key in sorted(chosen, key=lambda k: (-(chosen[k][1] or 0.0), k)):
        status, score, why = chosen[key]
        rows = served.get(key, [])
        segs = tuple(r[0] for r in rows)
        gap_dirs = [seg_direction.get(s) for s in segs if seg_direction.get(s) in (FILL, EXTEND)]
        direction = min(gap_dirs, key=order.get) if gap_dirs else STRENGTHEN
        name = tech_names[key]
        evidence = tuple(
            Evidence(f"{name} —KEY_TO→ {seg_names[s]}", "Technology", key, name, src, as_of, verified,
                     relationship="KEY_TO", direction="out", other_label="Segment", other=s, other_name=seg_names[s])
            for s, src, as_of, verified in rows if src is not None)
        if segs and evidence:
            where = f"为环节{'、'.join(seg_names[s] for s in segs)}的关键技术"
        elif segs:
            where = f"经上下游关系服务环节{'、'.join(seg_names[s] for s in segs)}"
        else:
            where = "与该链环节没有直接关系"
        needs.append(Need("Technology", key, name, status, direction, f"{why}；{where}", segs,
                          tuple(seg_names[s] for s in segs), score, evidence))
    found.needs = needs
    return found


def _plain_row(item) -> dict[str, Any]:
    """``dataclasses.asdict`` of a :class:`queries.chokepoints.Chokepoint` (its lists hold strings or flat dicts of
    scalars), copied two levels deep instead of recursively: the same dict, without asdict's deep copy of each
    capable enterprise (hundreds per technology at national scale).

    >>> from queries.chokepoints import chokepoints
    >>> from queries._fixture import fixture_store
    >>> item = chokepoints(fixture_store(), perspective="常州市").results[0]
    >>> row = _plain_row(item)
    >>> row == asdict(item), row["capable"] is item.capable
    (True, False)
    """
    row = {}
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, (list, tuple)):
            value = type(value)(dict(x) if isinstance(x, dict) else x for x in value)
        row[f.name] = value
    return row


def _filter(store: GraphStore, chain_key: str, include_synthetic: bool | None) -> SyntheticFilter:
    chains = store.nodes("Chain", ["id", "source"])
    hit = chains.loc[chains["id"] == chain_key, "source"]
    return SyntheticFilter(store.nodes("Source", ["id", "title", "kind"]), hit.iloc[0] if len(hit) else "",
                           include_synthetic)


def _truth(value) -> bool:
    """verified: missing means true (the schema default)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return True
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "否")
    return bool(value)


# --------------------------------------------------------------------------- step 1: aggregation


@dataclass
class TargetInputs:
    """The small tables the ranking needs, aggregated from the graph for one chain and region.

    ``needs``: need, label, name, status, direction, choke (one row per need).
    ``need_segments``: need, segment (the segment itself, or the segments a
    technology is KEY_TO). ``matches``: enterprise, need, rel (OPERATES_IN,
    MASTERS, PROVIDES), main, detail, share, year, source, as_of, verified — the
    capability facts of outside candidates. ``enterprises``: the candidates'
    node properties. ``located``: enterprise, region, source, as_of, verified of
    the candidates. ``regions``: code, name, place, province, domestic for the
    candidates' regions. ``customers``: SUPPLIES edges from a candidate to an
    enterprise in R with the customer's name and role (链主 / 重点企业 / None).
    ``roles``: the facts behind those roles. ``fit``: SUPPLIES edges between a
    candidate and an enterprise of a neighbouring segment (direction
    downstream / upstream) with the partner's OPERATES_IN and the FEEDS fact.
    ``sources``: id, title, kind, licence, attribution of every source.
    ``counts``: for the caveats.
    """

    chain: dict[str, Any]
    region: dict[str, Any]
    needs: pd.DataFrame
    need_segments: pd.DataFrame
    segment_names: dict[str, str]
    matches: pd.DataFrame
    enterprises: pd.DataFrame
    located: pd.DataFrame
    regions: pd.DataFrame
    customers: pd.DataFrame
    roles: pd.DataFrame
    fit: pd.DataFrame
    sources: pd.DataFrame
    counts: dict[str, int]
    synthetic: set[str]
    include_synthetic: bool
    need_evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    groups: EnterpriseGroups = field(default_factory=EnterpriseGroups)
    #: outside candidates whose group has a member in R → those local members
    group_present: dict[str, list[str]] = field(default_factory=dict)
    #: the capability facts (as ``matches``) of those candidates
    group_matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the latest registration date behind the inactive candidates left out
    inactive_as_of: str | None = None


def target_inputs(store: GraphStore, report: ChainGapReport, needs: list[Need], region_codes: Iterable[str], *,
                  include_synthetic: bool | None = None, shared: SharedWork | None = None) -> TargetInputs:
    """Aggregate the graph into :class:`TargetInputs` for the needs of ``report``'s chain.

    >>> from queries._fixture import fixture_store
    >>> store = fixture_store()
    >>> report = chain_gaps(store, chain="示例链")
    >>> needs = chain_needs(store, report, store.region_subtree("320400")).needs
    >>> inputs = target_inputs(store, report, needs, store.region_subtree("320400"))
    >>> sorted(set(inputs.matches["enterprise"])), inputs.counts["excluded_local"]
    (['e-c'], 2)
    """
    own = getattr(store, "target_inputs", None)
    if callable(own):  # the store aggregates itself (Neo4j, in Cypher): only the needs' candidates cross over
        return _store_target_inputs(store, report, needs, include_synthetic, region_codes)
    return _pandas_target_inputs(store, report, needs, set(region_codes), include_synthetic, shared)


def _need_frames(needs: list[Need]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The needs (need, label, name, status, direction, choke) and their segments (need, segment) as tables."""
    need_frame = pd.DataFrame({
        "need": [n.key for n in needs], "label": [n.label for n in needs], "name": [n.name for n in needs],
        "status": [n.status for n in needs], "direction": [n.direction for n in needs],
        "choke": [n.status == CHOKE for n in needs]}, columns=["need", "label", "name", "status", "direction", "choke"])
    need_segments = pd.DataFrame([(n.key, s) for n in needs for s in n.segments], columns=["need", "segment"])
    return need_frame, need_segments


def _store_target_inputs(store: GraphStore, report: ChainGapReport, needs: list[Need],
                         include_synthetic: bool | None, region_codes: Iterable[str]) -> TargetInputs:
    """:class:`TargetInputs` from a store's own ``target_inputs`` (plain tables and dicts: the graph layer does
    not import the analyses), with the needs, the candidates' places and the groups added here."""
    from ingest.importer.status import INACTIVE_STATUSES
    from queries.groups import GroupLink

    answer = store.target_inputs(
        {"key": report.chain, "name": report.chain_name}, sorted(set(region_codes)),
        needs=[{"key": n.key, "label": n.label, "segments": list(n.segments)} for n in needs],
        include_synthetic=include_synthetic, inactive_statuses=list(INACTIVE_STATUSES))
    need_frame, need_segments = _need_frames(needs)
    links = [GroupLink(r["child"], str(r["child_name"]), r["kind"], r["parent"], str(r["parent_name"]), r["source"],
                       r["as_of"], _truth(r["verified"]), r["as_written"]) for r in answer["group_links"]]
    return TargetInputs(
        {"key": report.chain, "name": report.chain_name}, {"code": report.region, "name": report.region_name},
        need_frame, need_segments, {s.key: s.name for s in report.segments}, answer["matches"],
        answer["enterprises"], answer["located"], _region_table(store, pd.unique(answer["located"]["region"])),
        answer["customers"], answer["roles"], answer["fit"], answer["sources"], answer["counts"],
        answer["synthetic"], answer["include_synthetic"], {n.key: list(n.evidence) for n in needs},
        EnterpriseGroups(sorted(links, key=lambda link: (link.child, link.kind, link.parent))),
        answer["group_present"], answer["group_matches"], answer["inactive_as_of"])


_EDGE = ["source", "as_of", "verified"]


def _col(frame: pd.DataFrame, name: str, default=None) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), default, dtype=object)


class _Reach:
    """Relationship rows reached from a few nodes through the store's endpoint index, with the synthetic
    filter of the analysis applied to them.

    The filter counts what it drops (``keep.excluded``, reported in the caveats) over whole tables, as it
    always has; those counts are the same for every chain and come from ``shared`` once per table.
    """

    def __init__(self, store: GraphStore, keep: SyntheticFilter, shared: SharedWork):
        self.store, self.keep, self.shared = store, keep, shared
        self.drop = frozenset(keep.drop)
        self._counted: set[str] = set()

    def index(self, rel: str, end: str):
        return self.shared.get(("endpoint_index", rel, end), lambda: self.store.endpoint_index(rel, end))

    def node_rows(self, label: str, keys) -> np.ndarray:
        """Rows of the nodes ``keys`` in the ``label`` table (unknown keys left out), ascending."""
        keys = [str(k) for k in keys]
        if not keys:
            return np.zeros(0, dtype=np.int64)
        column = arrow_column(self.store.nodes(label, [self.store.schema.label(label).key]).iloc[:, 0])
        rows = key_rows(column, keys)
        return sorted_distinct(rows[rows >= 0])

    def count(self, rel: str) -> None:
        """Count the synthetic rows of the whole table ``rel`` as dropped (once per analysis)."""
        if not self.drop or rel in self._counted:
            return
        self._counted.add(rel)

        def synthetic_rows() -> int:
            import pyarrow as pa
            import pyarrow.compute as pc

            column = arrow_column(self.store.edges(rel, ["source"])["source"])
            if len(self.drop) > 4:
                return int(isin(self.store.edges(rel, ["source"])["source"], self.drop).sum())
            # one comparison per dropped source: a column of (nearly) one value needs no hashing
            return sum(int(pc.sum(pc.equal(column, pa.scalar(v, column.type))).as_py() or 0) for v in self.drop)

        self.keep.excluded += self.shared.get(("synthetic_rows", rel, self.drop), synthetic_rows)

    def kept_rows(self, rel: str) -> int:
        """How many rows of ``rel`` the filter keeps (the whole table)."""
        total = len(self.store.edges(rel, ["source"]))
        if not self.drop:
            return total
        self.count(rel)
        return total - self.shared.get(("synthetic_rows", rel, self.drop), lambda: 0)

    def edges(self, rel: str, end: str, node_rows, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The relationships of ``rel`` whose ``end`` is one of ``node_rows`` and that the filter keeps, in
        table order (index 0..n-1), and their rows in the table."""
        self.count(rel)
        rows = self.index(rel, end).relationships_of(node_rows)
        frame = self.store.edges_at(rel, rows, list(dict.fromkeys([*columns, "source"])))
        if self.drop and len(frame):
            kept = ~isin(frame["source"], self.drop)
            frame, rows = frame[kept].reset_index(drop=True), rows[kept]
        return frame[columns], rows

    def other_end(self, rel: str, end: str, rows: np.ndarray) -> np.ndarray:
        """The node rows at the ``end`` of the relationships ``rows``."""
        return np.asarray(self.index(rel, end).rows[rows], dtype=np.int64)

    def local_enterprises(self, codes: set[str]) -> np.ndarray:
        """The enterprises (rows) with a location, kept by the filter, in one of the regions ``codes``."""
        def build() -> np.ndarray:
            regions = self.node_rows("Region", codes)
            _, rows = self.edges("LOCATED_IN", "to", regions, ["from"])
            found = self.other_end("LOCATED_IN", "from", rows)
            return sorted_distinct(found[found >= 0])

        self.count("LOCATED_IN")
        return self.shared.get(("local_enterprises", frozenset(codes), self.drop), build)


def _pandas_target_inputs(store: GraphStore, report: ChainGapReport, needs: list[Need], codes: set[str],
                          include_synthetic: bool | None, shared: SharedWork | None = None) -> TargetInputs:
    """:class:`TargetInputs` from the store's tables, reaching enterprises through the endpoint index: the
    chain's segments → their OPERATES_IN rows, the need technologies → their MASTERS rows, the candidates →
    their locations and SUPPLIES rows, the region → its enterprises. Each table is filtered as a whole-table
    filter would (same rows, same order)."""
    chain_key = report.chain
    sources = store.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
    keep = _filter(store, chain_key, include_synthetic)
    reach = _Reach(store, keep, shared_for(store, shared))
    synthetic = set(sources.loc[sources["kind"] == "synthetic", "id"].astype(str))
    seg_names = {s.key: s.name for s in report.segments}

    need_frame = pd.DataFrame({
        "need": [n.key for n in needs], "label": [n.label for n in needs], "name": [n.name for n in needs],
        "status": [n.status for n in needs], "direction": [n.direction for n in needs],
        "choke": [n.status == CHOKE for n in needs]}, columns=["need", "label", "name", "status", "direction", "choke"])
    need_segments = pd.DataFrame([(n.key, s) for n in needs for s in n.segments], columns=["need", "segment"])
    seg_needs = [n.key for n in needs if n.label == "Segment"]
    tech_needs = [n.key for n in needs if n.label == "Technology"]

    # capability: who operates in, masters or provides a need
    in_chain_ops, ops_rows = reach.edges("OPERATES_IN", "to", reach.node_rows("Segment", seg_names),
                                         ["from", "to", "products", "main", *_EDGE])
    is_need = isin(in_chain_ops["to"], seg_needs)
    need_ops = in_chain_ops[is_need]
    masters, masters_rows = reach.edges("MASTERS", "to", reach.node_rows("Technology", tech_needs),
                                        ["from", "to", "note", *_EDGE])
    provides = keep(store.edges("PROVIDES", ["from", "to", "from_label", "to_label", "share", "year", *_EDGE]))
    provides = provides[(provides["from_label"] == "Enterprise")
                        & (((provides["to_label"] == "Segment") & isin(provides["to"], seg_needs))
                           | ((provides["to_label"] == "Technology") & isin(provides["to"], tech_needs)))]
    main = need_ops["main"]
    matches = pd.concat([
        pd.DataFrame({"enterprise": need_ops["from"].to_numpy(), "need": need_ops["to"].to_numpy(),
                      "rel": "OPERATES_IN", "main": main.fillna(True).astype(bool).to_numpy() if len(main) else [],
                      "detail": _col(need_ops, "products"), "share": np.nan, "year": np.nan,
                      **{c: need_ops[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"enterprise": masters["from"].to_numpy(), "need": masters["to"].to_numpy(), "rel": "MASTERS",
                      "main": True, "detail": _col(masters, "note"), "share": np.nan, "year": np.nan,
                      **{c: masters[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"enterprise": provides["from"].to_numpy(), "need": provides["to"].to_numpy(),
                      "rel": "PROVIDES", "main": True, "detail": None,
                      "share": pd.to_numeric(provides["share"], errors="coerce").to_numpy(dtype=float),
                      "year": pd.to_numeric(provides["year"], errors="coerce").to_numpy(dtype=float),
                      **{c: provides[c].to_numpy() for c in _EDGE}}),
    ], ignore_index=True)
    matches = matches.astype({"enterprise": str, "need": str, "rel": str, "source": str, "as_of": str})
    candidate_rows = sorted_distinct(np.concatenate([
        reach.other_end("OPERATES_IN", "from", ops_rows[is_need]), reach.other_end("MASTERS", "from", masters_rows),
        reach.node_rows("Enterprise", pd.unique(provides["from"].astype(str)))]))
    candidate_rows = candidate_rows[candidate_rows >= 0]

    # the candidates' nodes (synthetic enterprises dropped) and locations
    ent_cols = ["id", "name", "aliases", "designations", "exchange", "stock_code", "revenue_yi", "revenue_year",
                "employees", "employees_year", *_EDGE]
    enterprises = keep(store.nodes_at("Enterprise", candidate_rows, ent_cols))
    ent_rows = candidate_rows[enterprises.index.to_numpy()]
    local_rows = reach.local_enterprises(codes)
    located, located_rows = reach.edges("LOCATED_IN", "from", ent_rows, ["from", "to", *_EDGE])
    is_local = np.isin(ent_rows, local_rows)
    has_place = np.isin(ent_rows, reach.other_end("LOCATED_IN", "from", located_rows))
    counts = {
        "matched": int(len(pd.unique(matches["enterprise"]))),
        "excluded_local": int(is_local.sum()),
        "unlocated": int((~has_place).sum()),
        "synthetic_excluded": 0,
    }
    enterprises = enterprises.reset_index(drop=True)[~is_local & has_place].sort_values("id")
    # no longer operating (注销/吊销/撤销), or present in R through their group: not new targets
    inactive = reach.shared.get(("inactive_enterprises",), lambda: _inactive(store))
    dead = isin(enterprises["id"], list(inactive))
    counts["inactive_excluded"] = int(dead.sum())
    inactive_as_of = max((inactive[k].as_of for k in enterprises.loc[dead, "id"].astype(str)), default=None)
    enterprises = enterprises[~dead]
    groups = _shared_groups(store, keep, reach.shared)
    group_present = _present_through_group(store, groups, enterprises["id"].astype(str), local_rows, inactive,
                                           shared=reach.shared)
    in_group = isin(enterprises["id"], list(group_present))
    group_matches = matches[isin(matches["enterprise"], list(group_present))].reset_index(drop=True)
    counts["group_present"] = int(in_group.sum())
    enterprises = enterprises[~in_group]
    outside_rows = ent_rows[enterprises.index.to_numpy()]
    enterprises = enterprises.reset_index(drop=True)
    outside = enterprises["id"]
    located = located[np.isin(reach.other_end("LOCATED_IN", "from", located_rows), outside_rows)]
    located = pd.DataFrame({"enterprise": located["from"].astype(str).to_numpy(),
                            "region": located["to"].astype(str).to_numpy(),
                            **{c: located[c].to_numpy() for c in _EDGE}})
    matches = matches[isin(matches["enterprise"], outside)].reset_index(drop=True)
    counts["candidates"] = int(len(enterprises))

    # regions of the candidates: display place, province, domestic
    regions = _region_table(store, pd.unique(located["region"]), reach.shared)

    # 以商招商: SUPPLIES from a candidate to an enterprise in R, with the customer's role in the chain
    sup_columns = ["from", "to", "product", "year", "share", *_EDGE]
    sup_out, sup_out_rows = reach.edges("SUPPLIES", "from", outside_rows, sup_columns)
    customer_rows = reach.other_end("SUPPLIES", "to", sup_out_rows)
    to_local = sup_out[np.isin(customer_rows, local_rows)]
    customer_ids = pd.unique(to_local["to"])
    in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
    cluster_keys = list(in_cluster.loc[in_cluster["from"] == chain_key, "to"])
    cluster_names = dict(zip(*[store.nodes("Cluster", ["id", "name"])[c].astype(str) for c in ("id", "name")]))
    anchors = keep(store.edges("ANCHORS", ["from", "to", "role", "as_written", *_EDGE]))
    anchors = anchors[isin(anchors["from"], customer_ids) & isin(anchors["to"], cluster_keys)]
    leads = keep(store.edges("LEADS", ["from", "to", *_EDGE]))
    leads = leads[isin(leads["from"], customer_ids) & (leads["to"] == chain_key)]
    cust_nodes = store.nodes_at("Enterprise", sorted_distinct(customer_rows[np.isin(customer_rows, local_rows)]),
                                ["id", "name", "designations", *_EDGE])
    leader_by_designation = cust_nodes[("|" + cust_nodes["designations"].fillna("").astype(str) + "|")
                                       .str.contains("|链主|", regex=False)]
    roles = pd.concat([
        pd.DataFrame({"customer": leads["from"].to_numpy(), "role": "链主", "rel": "LEADS", "other_label": "Chain",
                      "other": leads["to"].to_numpy(), "other_name": report.chain_name, "property": None,
                      "value": None, **{c: leads[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"customer": anchors["from"].to_numpy(),
                      "role": np.where(anchors["role"].fillna("").to_numpy(dtype=object) == "链主", "链主", "重点企业"),
                      "rel": "ANCHORS", "other_label": "Cluster", "other": anchors["to"].to_numpy(),
                      "other_name": anchors["to"].astype(str).map(cluster_names).to_numpy(),
                      "property": None, "value": _col(anchors, "as_written"),
                      **{c: anchors[c].to_numpy() for c in _EDGE}}),
        pd.DataFrame({"customer": leader_by_designation["id"].to_numpy(), "role": "链主", "rel": None,
                      "other_label": None, "other": None, "other_name": None, "property": "designations",
                      "value": leader_by_designation["designations"].to_numpy(),
                      **{c: leader_by_designation[c].to_numpy() for c in _EDGE}}),
    ], ignore_index=True)
    role_rank = roles.assign(_r=(roles["role"] == "链主").astype(int)).groupby("customer")["_r"].max()
    customers = pd.DataFrame({
        "enterprise": to_local["from"].astype(str).to_numpy(), "customer": to_local["to"].astype(str).to_numpy(),
        "product": _col(to_local, "product"), "year": _col(to_local, "year"), "share": _col(to_local, "share"),
        **{c: to_local[c].to_numpy() for c in _EDGE}})
    customers["role"] = customers["customer"].map(
        {k: ("链主" if v else "重点企业") for k, v in role_rank.items()}).astype(object)
    customers["customer_name"] = customers["customer"].map(
        cust_nodes.set_index("id")["name"].astype(str)).astype(object)

    # 上下游配套: SUPPLIES between a candidate and an enterprise of a directly neighbouring segment
    feeds = store.edges("FEEDS")
    if "from_label" in feeds.columns:
        feeds = feeds[feeds["from_label"].fillna("Segment").eq("Segment")
                      & feeds["to_label"].fillna("Segment").eq("Segment")]
    feeds = keep(feeds[isin(feeds["from"], list(seg_names)) & isin(feeds["to"], list(seg_names))])
    feeds = pd.DataFrame({"from": feeds["from"].astype(str).to_numpy(), "to": feeds["to"].astype(str).to_numpy(),
                          "feeds_source": feeds["source"].to_numpy(), "feeds_as_of": feeds["as_of"].to_numpy(),
                          "feeds_verified": feeds["verified"].to_numpy()})
    matched_segments = matches[["enterprise", "need"]].drop_duplicates().merge(need_segments, on="need")
    matched_segments = matched_segments[["enterprise", "segment"]].drop_duplicates()
    partner_ops = pd.DataFrame({"partner": in_chain_ops["from"].astype(str).to_numpy(),
                                "neighbour": in_chain_ops["to"].astype(str).to_numpy(),
                                "op_source": in_chain_ops["source"].to_numpy(),
                                "op_as_of": in_chain_ops["as_of"].to_numpy(),
                                "op_verified": in_chain_ops["verified"].to_numpy()})
    fit_parts = []
    sup_in = reach.edges("SUPPLIES", "to", outside_rows, sup_columns)[0]
    for direction, edges, me, them, seg_side, nb_side in (
            ("downstream", sup_out, "from", "to", "from", "to"),
            ("upstream", sup_in, "to", "from", "to", "from")):
        if edges.empty or feeds.empty or matched_segments.empty:
            continue
        sup = pd.DataFrame({"enterprise": edges[me].astype(str).to_numpy(),
                            "partner": edges[them].astype(str).to_numpy(),
                            "product": _col(edges, "product"), "sup_source": edges["source"].to_numpy(),
                            "sup_as_of": edges["as_of"].to_numpy(), "sup_verified": edges["verified"].to_numpy()})
        sup = sup[sup["enterprise"] != sup["partner"]]
        hop = matched_segments.merge(feeds.rename(columns={seg_side: "segment", nb_side: "neighbour"}), on="segment")
        joined = hop.merge(sup, on="enterprise").merge(partner_ops, on=["partner", "neighbour"])
        if len(joined):
            fit_parts.append(joined.assign(direction=direction))
    fit_columns = ["enterprise", "segment", "neighbour", "direction", "partner", "product", "sup_source", "sup_as_of",
                   "sup_verified", "op_source", "op_as_of", "op_verified", "feeds_source", "feeds_as_of",
                   "feeds_verified"]
    fit = pd.concat(fit_parts, ignore_index=True)[fit_columns] if fit_parts else pd.DataFrame(columns=fit_columns)
    fit["partner_name"] = fit["partner"].map(store.names("Enterprise", pd.unique(fit["partner"]))).astype(object)

    counts["supplies_edges"] = reach.kept_rows("SUPPLIES")
    counts["synthetic_excluded"] = keep.excluded
    chain = {"key": chain_key, "name": report.chain_name}
    region = {"code": report.region, "name": report.region_name}
    return TargetInputs(chain, region, need_frame, need_segments, seg_names, matches, enterprises, located, regions,
                        customers, roles, fit, sources, counts, synthetic, keep.include,
                        {n.key: list(n.evidence) for n in needs}, groups, group_present, group_matches,
                        inactive_as_of)


def _shared_groups(store: GraphStore, keep: SyntheticFilter, shared: SharedWork) -> EnterpriseGroups:
    """The store's group links (the same for every chain with the same synthetic filter), read once per
    ``shared``; the synthetic links they drop are counted into ``keep`` on every call, as a fresh read would."""
    def build() -> tuple[EnterpriseGroups, int]:
        before = keep.excluded
        groups = enterprise_groups(store, keep=keep)
        dropped, keep.excluded = keep.excluded - before, before
        return groups, dropped

    groups, dropped = shared.get(("enterprise_groups", frozenset(keep.drop)), build)
    keep.excluded += dropped
    return groups


def _inactive(store: GraphStore) -> dict[str, Any]:
    """Enterprises that no longer operate (注销/吊销/撤销), from their latest registration record."""
    from ingest.importer.status import inactive_enterprises

    return inactive_enterprises(store)


def _present_through_group(store: GraphStore, groups: EnterpriseGroups, candidates: Iterable[str],
                           local_rows: np.ndarray, inactive: dict[str, Any],
                           shared: SharedWork | None = None) -> dict[str, list[str]]:
    """The candidates whose group has an operating member located in the region → those members.

    The Enterprise rows of the groups' members are looked up once per ``shared`` (the same for every chain).
    """
    if not groups.links:
        return {}

    linked = tuple(sorted({link.child for link in groups.links} | {link.parent for link in groups.links}))

    def member_rows() -> np.ndarray:
        return key_rows(arrow_column(store.nodes("Enterprise", ["id"])["id"]), linked)

    rows = shared.get(("group_member_rows", linked), member_rows) if shared is not None else member_rows()
    here = np.isin(rows, local_rows) & (rows >= 0)
    local = {k for k, r in zip(linked, here.tolist()) if r and k not in inactive}
    return groups.present_through(candidates, local.__contains__)


def _region_maps(store: GraphStore) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(name, level, parent) of every region by code: the whole Region and WITHIN tables, as dictionaries."""
    regions = store.nodes("Region", ["code", "name", "level"])
    codes = regions["code"].astype(str).tolist()  # lists: iterating an Arrow-backed column costs ~15 times more
    names = dict(zip(codes, regions["name"].astype(str).tolist()))
    levels = dict(zip(codes, regions["level"].astype(str).tolist()))
    return names, levels, dict(store.region_links().parent)


def _region_table(store: GraphStore, codes: Iterable[str], shared: SharedWork | None = None) -> pd.DataFrame:
    """code, name, place (province + city + county names), province code, domestic — for the codes given.

    A store with ``region_lineage(codes)`` (Neo4j) gives the names, levels and parents of those codes and
    the regions above them; otherwise they come from the Region and WITHIN tables, read once per
    ``shared`` (the same for every chain) when given."""
    codes = [str(c) for c in codes]
    lineage = getattr(store, "region_lineage", None)
    if callable(lineage):
        names, levels, parent = lineage(codes)
    elif shared is not None:
        names, levels, parent = shared.get(("region_maps",), lambda: _region_maps(store))
    else:
        names, levels, parent = _region_maps(store)
    rows = []
    for code in sorted(set(codes)):
        path = [code]
        while path[-1] in parent and parent[path[-1]] not in path:
            path.append(parent[path[-1]])
        domestic = NATION in path
        inner = [c for c in path if c != NATION]
        province = next((c for c in inner if levels.get(c) == "province"), None)
        if province is None and domestic and code.isdigit() and len(code) == 6:
            province = code[:2] + "0000"
        place = "".join(names.get(c, c) for c in reversed(inner)) if inner else names.get(code, code)
        rows.append((code, names.get(code, code), place, province, domestic))
    return pd.DataFrame(rows, columns=["code", "name", "place", "province", "domestic"])


# --------------------------------------------------------------------------- step 2: scoring


def _designation_points(designations: pd.Series, w: TargetWeights) -> pd.Series:
    padded = "|" + designations.fillna("").astype(str) + "|"
    points = pd.Series(0, index=designations.index, dtype="int64")
    for name, value in w.designation_points.items():
        has = padded.str.contains(f"|{name}|", regex=False).to_numpy(dtype=bool)
        if name == "专精特新":  # a 小巨人 is counted as 小巨人 only
            has = has & ~padded.str.contains("|专精特新小巨人|", regex=False).to_numpy(dtype=bool)
        points = points + np.where(has, value, 0)
    return points


def _tier_points(values: pd.Series, tiers) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    out = np.zeros(len(numbers), dtype="int64")
    for threshold, points in sorted(tiers, key=lambda t: t[0]):
        out = np.where(numbers >= threshold, points, out)
    return out


def _region_points(regions: pd.DataFrame, home: dict[str, Any], w: TargetWeights) -> pd.Series:
    province = regions["province"].astype(object)
    same_province = home["province"] is not None and province.eq(home["province"]).to_numpy(dtype=bool)
    delta = home["in_delta"] & province.isin(list(YANGTZE_DELTA)).to_numpy(dtype=bool)
    macro = province.fillna("").astype(str).str[:1]
    same_macro = home["macro"] is not None and macro.eq(home["macro"]).to_numpy(dtype=bool)
    domestic = regions["domestic"].to_numpy(dtype=bool)
    points = np.select([same_province & domestic, delta & domestic, same_macro & domestic, domestic],
                       [w.same_province, w.yangtze_delta, w.same_macro_region, w.domestic], default=w.foreign)
    return pd.Series(points, index=regions.index, dtype="int64")


def _home(store_regions: pd.DataFrame) -> dict[str, Any]:
    row = store_regions.iloc[0]
    province = row["province"] if isinstance(row["province"], str) else None
    return {"province": province, "in_delta": province in YANGTZE_DELTA,
            "macro": province[:1] if province else None, "domestic": bool(row["domestic"])}


def _score_frame(inputs: TargetInputs, home: dict[str, Any], w: TargetWeights) -> pd.DataFrame:
    """One row per candidate: the points of every signal and the score, ordered by score then key."""
    ents = inputs.enterprises
    frame = pd.DataFrame({"enterprise": ents["id"].astype(str).to_numpy()})
    if frame.empty:
        return frame.assign(**{s: pd.Series([], dtype="int64") for s in SIGNALS}, score=pd.Series([], dtype="int64"),
                            region=pd.Series([], dtype=object))

    # 能力匹配
    m = inputs.matches.merge(inputs.needs[["need", "choke"]], on="need", how="left")
    m_points = np.select(
        [(m["rel"] == "OPERATES_IN") & m["main"].astype(bool), m["rel"] == "OPERATES_IN",
         (m["rel"] == "MASTERS") & m["choke"].fillna(False).astype(bool), m["rel"] == "MASTERS",
         m["rel"] == "PROVIDES"],
        [w.operates_main, w.operates_secondary, w.masters_choke, w.masters, w.provides], default=0)
    per_need = m.assign(points=m_points).groupby(["enterprise", "need"], sort=False)["points"].max()
    by_ent = per_need.groupby(level=0)
    capability = (by_ent.max() + w.per_extra_need * (by_ent.size() - 1)).clip(upper=w.capability_cap)

    # 以商招商
    c = inputs.customers
    if len(c):
        grouped = c.assign(_key=c["role"].notna().to_numpy(dtype=bool)).groupby("enterprise")
        n_customers = grouped["customer"].nunique()
        any_key = grouped["_key"].max().reindex(n_customers.index).to_numpy(dtype=bool)
        local = pd.Series(np.where(any_key, w.supplies_key_local, w.supplies_local)
                          + w.per_extra_local_customer * (n_customers.to_numpy() - 1),
                          index=n_customers.index).clip(upper=w.local_cap)
    else:
        local = pd.Series(dtype="int64")

    # 上下游配套
    f = inputs.fit
    if len(f):
        down = set(f.loc[f["direction"] == "downstream", "enterprise"])
        up = set(f.loc[f["direction"] == "upstream", "enterprise"])
        who = pd.Index(sorted(down | up))
        fit = pd.Series(np.where(who.isin(list(down)), w.supplies_downstream, 0)
                        + np.where(who.isin(list(up)), w.supplied_by_upstream, 0), index=who).clip(upper=w.fit_cap)
    else:
        fit = pd.Series(dtype="int64")

    # 企业实力: for a candidate matched only to 补链/延链 needs, specialists earn fill_specialist and size is not scored
    size = _tier_points(ents["revenue_yi"], w.revenue_tiers)
    size = np.where(pd.to_numeric(ents["revenue_yi"], errors="coerce").notna().to_numpy(dtype=bool), size,
                    _tier_points(ents["employees"], w.employee_tiers))
    m_dirs = inputs.matches[["enterprise", "need"]].merge(inputs.needs[["need", "direction"]], on="need", how="left")
    strengthens = set(m_dirs.loc[m_dirs["direction"] == STRENGTHEN, "enterprise"].astype(str))
    fill_only = ~ents["id"].astype(str).isin(strengthens).to_numpy(dtype=bool)
    padded = "|" + ents["designations"].fillna("").astype(str) + "|"
    specialist = np.zeros(len(ents), dtype=bool)
    for name in w.SPECIALIST:
        specialist |= padded.str.contains(f"|{name}|", regex=False).to_numpy(dtype=bool)
    extra = np.where(fill_only, np.where(specialist, w.fill_specialist, 0), size)
    strength = pd.Series(np.minimum(_designation_points(ents["designations"], w).to_numpy() + extra, w.strength_cap),
                         index=ents["id"].astype(str).to_numpy())
    fill_flags = pd.Series(fill_only, index=ents["id"].astype(str).to_numpy())

    # 区位: the best-placed location of each candidate
    loc = inputs.located.merge(inputs.regions, left_on="region", right_on="code", how="left")
    loc = loc.assign(points=_region_points(loc, home, w).to_numpy())
    loc = loc.sort_values(["enterprise", "points", "region"], ascending=[True, False, True])
    best = loc.drop_duplicates("enterprise").set_index("enterprise")

    key = frame["enterprise"]
    frame[LOCAL_SIGNAL] = key.map(local).fillna(0).astype("int64").to_numpy()
    frame[FIT_SIGNAL] = key.map(fit).fillna(0).astype("int64").to_numpy()
    frame[CAPABILITY_SIGNAL] = key.map(capability).fillna(0).astype("int64").to_numpy()
    frame[STRENGTH_SIGNAL] = key.map(strength).fillna(0).astype("int64").to_numpy()
    frame[PROXIMITY_SIGNAL] = key.map(best["points"]).fillna(0).astype("int64").to_numpy()
    frame["region"] = key.map(best["region"]).astype(object).to_numpy()
    frame["fill_only"] = key.map(fill_flags).fillna(False).astype(bool).to_numpy()
    frame["score"] = frame[list(SIGNALS)].sum(axis=1).astype("int64")
    frame = frame[frame[CAPABILITY_SIGNAL] > 0]
    return frame.sort_values(["score", "enterprise"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def rank_targets(inputs: TargetInputs, *, region_code: str, weights: TargetWeights | None = None,
                 top: int | None = None, home: dict[str, Any] | None = None) -> tuple[list[Target], int]:
    """Score every candidate (vectorised) and build the records of the ``top`` best (all when None).

    Returns ``(targets, candidates)``; ``home`` describes the region R
    (province, in_delta, macro, domestic), computed from the store by
    :func:`chain_targets`.
    """
    w = weights or TargetWeights()
    home = home or {"province": None, "in_delta": False, "macro": None, "domestic": True}
    scores = _score_frame(inputs, home, w)
    total = int(len(scores))
    chosen = scores if top is None else scores.head(max(int(top), 0))
    ids = list(chosen["enterprise"])
    if not ids:
        return [], total
    return _build_targets(inputs, chosen, ids, region_code, home), total


# --------------------------------------------------------------------------- records of the chosen targets


def _v(value):
    """pandas / numpy scalar → plain value, missing → None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and value != value:
            return None
    return value


def _fmt_number(value) -> str:
    value = _v(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _group(frame: pd.DataFrame, ids: list[str], by: str = "enterprise") -> dict[str, list[dict]]:
    if frame.empty:
        return {}
    sub = frame[frame[by].isin(ids)]
    out: dict[str, list[dict]] = {}
    for row in sub.to_dict("records"):
        out.setdefault(row[by], []).append({k: _v(v) for k, v in row.items()})
    return out


def _build_targets(inputs: TargetInputs, chosen: pd.DataFrame, ids: list[str], region_code: str,
                   home: dict[str, Any]) -> list[Target]:
    ents = inputs.enterprises[inputs.enterprises["id"].isin(ids)].set_index("id")
    regions = inputs.regions.set_index("code")
    needs = inputs.needs.set_index("need")
    need_segments = inputs.need_segments.groupby("need")["segment"].agg(list).to_dict()
    seg_names = inputs.segment_names
    matches = _group(inputs.matches, ids)
    located = _group(inputs.located, ids)
    customers = _group(inputs.customers, ids)
    fit = _group(inputs.fit, ids)
    roles = _group(inputs.roles, list(pd.unique(inputs.customers["customer"])) if len(inputs.customers) else [],
                   by="customer")
    need_evidence = inputs.need_evidence
    region_name = inputs.region["name"]
    out = []
    for rank, row in enumerate(chosen.to_dict("records"), 1):
        key = row["enterprise"]
        node = {k: _v(v) for k, v in ents.loc[key].to_dict().items()}
        name = str(node["name"])
        where = row["region"]
        place = str(regions.loc[where, "place"]) if where in regions.index else where
        province = _v(regions.loc[where, "province"]) if where in regions.index else None
        subject = ("Enterprise", key, name)
        reasons: list[Reason] = []
        if row[LOCAL_SIGNAL]:
            reasons.append(_local_reason(subject, customers.get(key, []), roles, row[LOCAL_SIGNAL], region_name))
        if row[FIT_SIGNAL]:
            reasons.append(_fit_reason(subject, fit.get(key, []), seg_names, row[FIT_SIGNAL]))
        reasons.append(_capability_reason(subject, matches.get(key, []), needs, seg_names, need_evidence,
                                          row[CAPABILITY_SIGNAL]))
        if row[STRENGTH_SIGNAL]:
            reasons.append(_strength_reason(subject, node, row[STRENGTH_SIGNAL], fill_only=bool(row["fill_only"])))
        if where is not None:  # shown even at 0 points (abroad): the location is part of the case
            reasons.append(_proximity_reason(subject, located.get(key, []), where, place, province, regions,
                                             home, region_name, row[PROXIMITY_SIGNAL]))
        matched = sorted({m["need"] for m in matches.get(key, [])},
                         key=lambda n: (list(needs.index).index(n), n))
        directions = sorted({str(needs.loc[n, "direction"]) for n in matched}, key=DIRECTIONS.index)
        segments = []
        for n in matched:
            for s in need_segments.get(n, []):
                if s not in segments:
                    segments.append(s)
        evidence = [e for r in reasons for e in r.evidence]
        node_synthetic = node.get("source") in inputs.synthetic
        synthetic = node_synthetic or any(e.source in inputs.synthetic for e in evidence)
        unverified = sum(1 for e in evidence if not e.verified)
        caveats = []
        if unverified:
            caveats.append(f"{unverified}/{len(evidence)} 条证据为公开知识，未与文件核对（verified=false）")
        if synthetic:
            caveats.append("含合成（synthetic）数据，不是真实企业信息")
        places = sorted({loc["region"] for loc in located.get(key, [])})
        if len(places) > 1:
            caveats.append("有多个所在地：" + "、".join(
                str(regions.loc[p, "place"]) if p in regions.index else p for p in places))
        aliases = [a for a in str(node.get("aliases") or "").split("|") if a]
        designations = [d for d in str(node.get("designations") or "").split("|") if d]
        out.append(Target(
            rank=rank, key=key, name=name, aliases=aliases, region=where, place=place, province=province,
            designations=designations, exchange=node.get("exchange"), stock_code=node.get("stock_code"),
            revenue_yi=node.get("revenue_yi"), employees=node.get("employees"),
            score=int(row["score"]), signals={s: int(row[s]) for s in SIGNALS},
            needs=matched, need_labels=[str(needs.loc[n, "name"]) for n in matched], segments=segments,
            directions=directions, reasons=reasons, caveats=caveats,
            sources=sorted({e.source for e in evidence}),
            as_of=max((e.as_of for e in evidence if e.as_of), default=None),
            verified=not unverified, synthetic=bool(synthetic)))
    return out


def _ev_rel(subject, rel: str, direction: str, other: tuple[str, str, str], record: dict, *, prefix: str = "",
            properties: dict | None = None) -> Evidence:
    label, key, name = subject
    olabel, okey, oname = other
    props = {k: v for k, v in (properties or {}).items() if v is not None and v != ""}
    arrow = f"—{rel}→ {oname}" if direction == "out" else f"←{rel}— {oname}"
    detail = "，".join(f"{k}={_fmt_number(v)}" for k, v in props.items())
    return Evidence(
        fact=f"{name} {arrow}" + (f"（{detail}）" if detail else ""), subject_label=label, subject=key,
        subject_name=name, source=str(record[f"{prefix}source"]), as_of=str(record[f"{prefix}as_of"]),
        verified=_truth(record.get(f"{prefix}verified")), relationship=rel, direction=direction, other_label=olabel,
        other=okey, other_name=oname, properties=props)


def _ev_prop(subject, prop: str, value, record: dict) -> Evidence:
    label, key, name = subject
    return Evidence(fact=f"{name}.{prop} = {_fmt_number(value)}", subject_label=label, subject=key, subject_name=name,
                    source=str(record["source"]), as_of=str(record["as_of"]), verified=_truth(record.get("verified")),
                    property=prop, value=value)


def _local_reason(subject, rows: list[dict], roles: dict[str, list[dict]], points: int, region_name: str) -> Reason:
    rows = sorted(rows, key=lambda r: (r["role"] is None, r["role"] != "链主", str(r["customer_name"]),
                                       r["customer"], str(r.get("product") or "")))
    evidence, items, seen = [], [], set()
    for r in rows:
        cust = (("Enterprise", r["customer"], str(r["customer_name"] or r["customer"])))
        evidence.append(_ev_rel(subject, "SUPPLIES", "out", cust, r,
                                properties={"product": r.get("product"), "year": r.get("year"),
                                            "share": r.get("share")}))
        if r["customer"] not in seen:
            seen.add(r["customer"])
            role = f"〔{r['role']}〕" if r["role"] else ""
            product = f"（{r['product']}）" if r.get("product") else ""
            items.append(f"{cust[2]}{role}{product}")
            for fact in sorted(roles.get(r["customer"], []), key=lambda f: (str(f["rel"]), str(f["other"]))):
                if fact["rel"] is None:
                    evidence.append(_ev_prop(cust, "designations", fact["value"], fact))
                else:
                    props = {"as_written": fact["value"]} if fact["rel"] == "ANCHORS" else {}
                    evidence.append(_ev_rel(cust, fact["rel"], "out",
                                            (fact["other_label"], fact["other"], str(fact["other_name"])), fact,
                                            properties=props))
    return Reason(LOCAL_SIGNAL, int(points), f"已向{region_name}企业供货：{'、'.join(items)}", evidence)


def _fit_reason(subject, rows: list[dict], seg_names: dict[str, str], points: int) -> Reason:
    rows = sorted(rows, key=lambda r: (r["direction"], r["segment"], r["neighbour"], str(r["partner_name"]),
                                       r["partner"]))
    evidence, parts, seen = [], [], set()
    for r in rows:
        partner = ("Enterprise", r["partner"], str(r["partner_name"] or r["partner"]))
        seg, nb = seg_names.get(r["segment"], r["segment"]), seg_names.get(r["neighbour"], r["neighbour"])
        props = {"product": r.get("product")}
        if r["direction"] == "downstream":
            evidence.append(_ev_rel(subject, "SUPPLIES", "out", partner, r, prefix="sup_", properties=props))
            text = f"向下游环节「{nb}」企业{partner[2]}供货"
            feeds = (("Segment", r["segment"], seg), ("Segment", r["neighbour"], nb))
        else:
            evidence.append(_ev_rel(subject, "SUPPLIES", "in", partner, r, prefix="sup_", properties=props))
            text = f"从上游环节「{nb}」企业{partner[2]}采购"
            feeds = (("Segment", r["neighbour"], nb), ("Segment", r["segment"], seg))
        evidence.append(_ev_rel(partner, "OPERATES_IN", "out", ("Segment", r["neighbour"], nb), r, prefix="op_"))
        feed_key = (feeds[0][1], feeds[1][1])
        if feed_key not in seen:
            seen.add(feed_key)
            evidence.append(_ev_rel(feeds[0], "FEEDS", "out", feeds[1], r, prefix="feeds_"))
        if text not in parts:
            parts.append(text)
    return Reason(FIT_SIGNAL, int(points), "；".join(parts), evidence)


def _capability_reason(subject, rows: list[dict], needs: pd.DataFrame, seg_names: dict[str, str],
                       need_evidence: dict[str, list[Evidence]], points: int) -> Reason:
    order = list(needs.index)
    rows = sorted(rows, key=lambda r: (order.index(r["need"]), r["rel"]))
    evidence, parts = [], []
    for r in rows:
        need = needs.loc[r["need"]]
        label, name, status = str(need["label"]), str(need["name"]), str(need["status"])
        other = (label, r["need"], name)
        if r["rel"] == "OPERATES_IN":
            detail = r.get("detail")
            evidence.append(_ev_rel(subject, "OPERATES_IN", "out", other, r,
                                    properties={"products": detail, "main": r.get("main")}))
            kind = "主营" if r.get("main") else "兼营"
            parts.append(f"在{status}环节「{name}」{kind}" + (f"：{detail}" if detail else ""))
        elif r["rel"] == "MASTERS":
            evidence.append(_ev_rel(subject, "MASTERS", "out", other, r, properties={"note": r.get("detail")}))
            evidence.extend(need_evidence.get(r["need"], []))
            what = "卡脖子技术" if status == CHOKE else "关键技术"
            parts.append(f"掌握{what}「{name}」" + (f"（{r['detail']}）" if r.get("detail") else ""))
        else:
            share = r.get("share")
            evidence.append(_ev_rel(subject, "PROVIDES", "out", other, r,
                                    properties={"share": share, "year": r.get("year") and int(r["year"])}))
            evidence.extend(need_evidence.get(r["need"], []) if label == "Technology" else [])
            parts.append(f"提供{'环节' if label == 'Segment' else '技术'}「{name}」"
                         + (f"（世界份额 {share:g}%）" if share is not None else ""))
    return Reason(CAPABILITY_SIGNAL, int(points), "；".join(parts), evidence)


def _strength_reason(subject, node: dict, points: int, *, fill_only: bool = False) -> Reason:
    designations = [d for d in str(node.get("designations") or "").split("|") if d]
    evidence, parts = [], []
    if designations:
        evidence.append(_ev_prop(subject, "designations", node["designations"], node))
        labels = []
        for d in designations:
            if d == "上市" and node.get("stock_code"):
                labels.append(f"上市（{node.get('exchange') or ''} {node['stock_code']}）".replace("（ ", "（"))
            else:
                labels.append(d)
        parts.append("、".join(labels))
        if "上市" in designations and node.get("stock_code"):
            evidence.append(_ev_prop(subject, "stock_code", node["stock_code"], node))
    if node.get("revenue_yi") is not None:
        evidence.append(_ev_prop(subject, "revenue_yi", node["revenue_yi"], node))
        year = f"（{node['revenue_year']} 年）" if node.get("revenue_year") else ""
        parts.append(f"营收 {_fmt_number(node['revenue_yi'])} 亿元{year}")
    elif node.get("employees") is not None:
        evidence.append(_ev_prop(subject, "employees", node["employees"], node))
        year = f"（{node['employees_year']} 年）" if node.get("employees_year") else ""
        parts.append(f"从业人数 {node['employees']}{year}")
    if fill_only:  # see TargetWeights.fill_specialist
        if any(d in TargetWeights.SPECIALIST for d in designations):
            parts.append("补链看专长：专精特新、单项冠军类资质另加分")
        if node.get("revenue_yi") is not None or node.get("employees") is not None:
            parts.append("补链不按规模计分")
    return Reason(STRENGTH_SIGNAL, int(points), "；".join(parts), evidence)


def _proximity_reason(subject, rows: list[dict], where: str, place: str, province, regions: pd.DataFrame,
                      home: dict[str, Any], region_name: str, points: int) -> Reason:
    evidence = []
    for r in rows:
        if r["region"] == where:
            name = str(regions.loc[where, "name"]) if where in regions.index else where
            evidence.append(_ev_rel(subject, "LOCATED_IN", "out", ("Region", where, name), r))
    if home["province"] is not None and province == home["province"]:
        text = f"位于{place}，与{region_name}同省"
    elif home["in_delta"] and province in YANGTZE_DELTA:
        text = f"位于{place}，同在长三角"
    elif home["macro"] is not None and province and province[:1] == home["macro"]:
        text = f"位于{place}，同属{MACRO_REGIONS.get(home['macro'], '同一')}地区"
    elif where in regions.index and bool(regions.loc[where, "domestic"]):
        text = f"位于{place}（国内）"
    else:
        text = f"位于{place}（境外）"
    return Reason(PROXIMITY_SIGNAL, int(points), text, evidence)


def _add_carriers(store: GraphStore, targets: list[Target], needs: list[Need], region_code: str,
                  shared: SharedWork) -> None:
    """Name on each target the local parks it could land in and the platforms it could use (queries.carriers),
    for what it is matched to, as a 0-point reason with the facts; and write its one-line ``why``."""
    from queries.carriers import carriers

    if not targets:
        return
    by_need = {n.key: n for n in needs}
    reader = shared.reader()
    found: dict[str, Any] = {}
    has_carriers = any(label in store.schema.labels for label in ("Park", "Platform"))
    for t in targets:
        items: dict[tuple[str, str], dict[str, Any]] = {}
        for key in t.needs if has_carriers else ():
            need = by_need.get(key)
            if need is None:
                continue
            if key not in found:
                kind = {"Segment": "segment", "Technology": "technology"}[need.label]
                found[key] = shared.get(("carriers", need.label, key, region_code),
                                        lambda: carriers(store, **{kind: key}, region=region_code, reader=reader))
            for c in found[key].parks + found[key].platforms:
                item = items.setdefault((c.label, c.key), {"label": c.label, "key": c.key, "name": c.name,
                                                          "level": c.level, "via": [], "facts": []})
                for link in c.links:
                    if link.via not in item["via"]:
                        item["via"].append(link.via)
                        item["facts"].extend(link.facts)
        t.carriers = [{k: v for k, v in item.items() if k != "facts"} for item in items.values()]
        if items:
            parks = [i for i in items.values() if i["label"] == "Park"]
            platforms = [i for i in items.values() if i["label"] == "Platform"]
            words = []
            if parks:
                words.append("可落户" + "、".join(f"{i['name']}（{'；'.join(i['via'])}）" for i in parks))
            if platforms:
                words.append("可依托平台" + "、".join(f"{i['name']}（{'；'.join(i['via'])}）" for i in platforms))
            evidence = [_carrier_evidence(store, f) for i in items.values() for f in i["facts"]]
            t.reasons.append(Reason(CARRIER_SIGNAL, 0, "；".join(words), evidence))
        t.why = _why(t)


def _carrier_evidence(store: GraphStore, fact: Any) -> Evidence:
    """A tie of a park or platform (a ``queries.carriers.Fact``: ``a —TYPE→ b`` with both keys) as evidence."""
    import re

    found = re.search(r"^(.*?) —([A-Z_]+)→ (.*)$", fact.text)
    rel = found.group(2) if found else None
    spec = store.schema.relationships.get(rel) if rel else None
    labels = (spec.from_labels[0], spec.to_labels[0]) if spec is not None and fact.start and fact.end else (None, None)
    return Evidence(fact=fact.text, subject_label=labels[0] or "", subject=fact.start or "",
                    subject_name=found.group(1) if found else "", source=fact.source, as_of=str(fact.as_of or ""),
                    verified=fact.verified is not False, relationship=rel if labels[0] else None, direction="out",
                    other_label=labels[1], other=fact.end, other_name=found.group(3) if found else None)


def _why(t: Target) -> str:
    """One line: the direction and what it is matched for, its strongest other reason, where it could land."""
    by_signal = {r.signal: r for r in t.reasons}
    parts = [f"{'/'.join(t.directions)}「{'、'.join(t.need_labels[:3])}」" + ("等" if len(t.need_labels) > 3 else "")]
    for signal in (LOCAL_SIGNAL, FIT_SIGNAL):
        if signal in by_signal:
            parts.append(by_signal[signal].text.split("；")[0])
            break
    capability = by_signal.get(CAPABILITY_SIGNAL)
    if capability is not None:
        parts.append(capability.text.split("；")[0])
    parks = [c["name"] for c in t.carriers if c["label"] == "Park"]
    platforms = [c["name"] for c in t.carriers if c["label"] == "Platform"]
    if parks:
        parts.append(f"可落户{parks[0]}" + ("等" if len(parks) > 1 else ""))
    elif platforms:
        parts.append(f"可依托{platforms[0]}" + ("等" if len(platforms) > 1 else ""))
    parts.append(t.place)
    return "；".join(p for p in parts if p)


def _expansions(store: GraphStore, inputs: TargetInputs, region_name: str) -> list[GroupExpansion]:
    """The groups present in the region through a member, with the links and the capability facts."""
    if not inputs.group_present:
        return []
    keys = sorted(inputs.group_present)
    local_keys = sorted({m for members in inputs.group_present.values() for m in members})
    names = store.names("Enterprise", keys + local_keys)
    need_names = dict(zip(inputs.needs["need"], inputs.needs["name"]))
    order = {n: i for i, n in enumerate(inputs.needs["need"])}
    matches = _group(inputs.group_matches, keys) if len(inputs.group_matches) else {}
    out = []
    for key in keys:
        name = str(names.get(key) or key)
        subject = ("Enterprise", key, name)
        evidence: list[Evidence] = []
        for member in inputs.group_present[key]:
            for link in inputs.groups.path(key, member):
                evidence.append(Evidence(
                    fact=f"{link.child_name} —{link.kind}→ {link.parent_name}", subject_label="Enterprise",
                    subject=link.child, subject_name=link.child_name, source=link.source, as_of=link.as_of,
                    verified=link.verified, relationship=link.kind, direction="out", other_label="Enterprise",
                    other=link.parent, other_name=link.parent_name,
                    properties={"as_written": link.as_written} if link.as_written else {}))
        rows = sorted(matches.get(key, []), key=lambda r: (order.get(r["need"], 1 << 30), r["rel"]))
        needs = list(dict.fromkeys(str(need_names.get(r["need"], r["need"])) for r in rows))
        for r in rows:
            other = ("Segment" if r["rel"] == "OPERATES_IN" else "Technology", r["need"],
                     str(need_names.get(r["need"], r["need"])))
            if r["rel"] == "PROVIDES":
                other = (str(inputs.needs.set_index("need").loc[r["need"], "label"]), *other[1:])
            evidence.append(_ev_rel(subject, str(r["rel"]), "out", other, r))
        members = [(m, str(names.get(m) or m)) for m in inputs.group_present[key]]
        why = (f"集团成员{'、'.join(n for _, n in members)}已在{region_name}：宜推动增资扩产或以商招商，"
               f"不作新引进对象；匹配{'、'.join(needs)}")
        out.append(GroupExpansion(key, name, EXPANSION, members, needs, why, evidence,
                                  all(e.verified for e in evidence)))
    return out


# --------------------------------------------------------------------------- entry point


def _caveats(inputs: TargetInputs, targets: list[Target], method_caveats: list[str], report: ChainGapReport,
             region_name: str) -> list[str]:
    counts = inputs.counts
    caveats = [f"候选企业只含图中收录的{region_name}以外企业（{counts['candidates']} 家与该链缺口匹配），"
               "不是全部可招引企业；排名是线索，需实地核实"]
    caveats += method_caveats
    if counts["excluded_local"]:
        caveats.append(f"{counts['excluded_local']} 家匹配企业位于{region_name}，不作招引对象")
    if counts.get("group_present"):
        caveats.append(f"{counts['group_present']} 家匹配企业所属集团已有成员在{region_name}（SUBSIDIARY_OF/BRANCH_OF），"
                       "列为增资扩产/以商招商，不作新引进目标")
    if counts.get("inactive_excluded"):
        caveats.append(f"{counts['inactive_excluded']} 家匹配企业登记状态为注销/吊销/撤销（登记信息截至 "
                       f"{inputs.inactive_as_of}），已排除")
    if counts["unlocated"]:
        caveats.append(f"{counts['unlocated']} 家匹配企业没有所在地（LOCATED_IN），无法判断是否在本地，未列入")
    if not counts.get("supplies_edges"):
        caveats.append("图中没有供应关系（SUPPLIES），以商招商与上下游配套两项信号无法评估（均为 0 分）")
    if len(inputs.enterprises) and inputs.enterprises["revenue_yi"].isna().all() \
            and inputs.enterprises["employees"].isna().all():
        caveats.append("候选企业的营收、从业人数均未知，企业实力只按资质标签计分")
    caveats.append("资质标签（上市、专精特新等）为空表示未知，不表示没有")
    evidence = [e for t in targets for e in t.evidence]
    unverified = sum(1 for e in evidence if not e.verified)
    if unverified:
        caveats.append(f"所列目标的 {len(evidence)} 条证据中有 {unverified} 条为公开知识、未与文件核对（verified=false）")
    if counts.get("synthetic_excluded"):
        caveats.append(f"已排除 {counts['synthetic_excluded']} 条合成（synthetic）数据（需要时用 --include-synthetic）")
    if inputs.include_synthetic:
        caveats.append("分析包含合成（synthetic）数据，不是真实情况")
    if report.caveats:
        caveats.append(GAP_CAVEAT_PREFIX + report.caveats[0])
    return caveats


def chain_targets(store: GraphStore, *, chain: str, region: str = DEFAULT_REGION, top: int | None = None,
                  include_synthetic: bool | None = None, thresholds: GapThresholds | None = None,
                  weights: TargetWeights | None = None, report: ChainGapReport | None = None,
                  choke_score: float | None = None, use_chokepoints: bool = True,
                  shared: SharedWork | None = None, filters: Any = None) -> TargetList:
    """The ranked 招商目标 of ``chain`` for ``region`` (names, short names or keys); the ``top`` best, or all.

    ``filters`` (:class:`queries.target_filters.TargetFilter`: provinces, designations, listed,
    segments, min_score) keeps the targets that pass, then the ``top`` of them; ranks stay overall ranks.

    Pass ``report`` to reuse a gap analysis already made (its region and
    synthetic setting then apply). Technologies: see :func:`chain_needs`.
    ``shared`` (:class:`queries.shared.SharedWork`) keeps what every chain of
    the region needs (choke-point figures, the region's enterprises, table
    counts) for the next call.

    >>> from queries._fixture import fixture_store
    >>> result = chain_targets(fixture_store(), chain="示例链", region="苏州市")
    >>> [(t.name, t.place, t.directions, t.score) for t in result.targets]
    [('乙示例整机有限公司', '江苏省常州市', ['延链'], 27), ('甲示例材料有限公司', '江苏省常州市武进区', ['补链'], 15)]
    >>> [(r.signal, r.points, r.text) for r in result.targets[0].reasons[:2]]
    [('上下游配套', 8, '从上游环节「部件」企业丙示例部件有限公司采购'), ('能力匹配', 10, '在缺链环节「整机」主营')]
    """
    shared = shared_for(store, shared)
    if report is None:
        report = chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                            include_synthetic=include_synthetic, reader=shared.reader())
    code, region_name = report.region, report.region_name
    codes = store.region_subtree(code)
    found = chain_needs(store, report, codes, include_synthetic=report.synthetic_included, choke_score=choke_score,
                        use_chokepoints=use_chokepoints, shared=shared)
    needs, method, method_caveats = found.needs, found.method, found.caveats
    inputs = target_inputs(store, report, needs, codes, include_synthetic=report.synthetic_included, shared=shared)
    home = _home(_region_table(store, [code], shared))
    filtering = filters is not None and filters.active
    targets, total = rank_targets(inputs, region_code=code, weights=weights, top=None if filtering else top,
                                  home=home)
    info = store.info()
    facts: dict[str, int] = {}
    for t in targets:
        for e in t.evidence:
            facts[e.source] = facts.get(e.source, 0) + 1
    source_rows = inputs.sources.set_index("id")
    choke_ids = {str(item.get("id")) for item in found.choke_sources}  # the choke-point scores rest on these
    for key in choke_ids:
        facts.setdefault(key, 0)
    sources = [{"id": s, "facts": n, "used_for": [u for u, on in (("evidence", n > 0), ("chokepoints", s in choke_ids))
                                                  if on],
                **{k: _v(source_rows.loc[s, k]) if s in source_rows.index else None
                   for k in ("title", "kind", "licence", "attribution")}}
               for s, n in sorted(facts.items())]
    as_of = max([d for d in [report.as_of] + [t.as_of for t in targets] if d], default=None)
    counts = dict(inputs.counts)
    counts["ranked"] = total
    counts["listed"] = len(targets)
    result = TargetList(
        chain=report.chain, chain_name=report.chain_name, region=code, region_name=region_name, needs=needs,
        targets=targets, candidates=total, weights=weights or TargetWeights(), technology_method=method,
        as_of=as_of, graph_as_of=info.as_of, graph_digest=info.digest, synthetic_included=inputs.include_synthetic,
        counts=counts, sources=sources, chokepoints=found.chokepoints, choke_score=_threshold(choke_score))
    result.expansions = _expansions(store, inputs, region_name)
    result.caveats = _caveats(inputs, targets, method_caveats, report, region_name)
    result.caveats += [f"卡脖子数据署名：{a}" for a in found.choke_attribution]
    if filtering:
        from queries.target_filters import filter_targets

        result = filter_targets(result, filters, top=top)
    _add_carriers(store, result.targets, needs, code, shared)
    return result
