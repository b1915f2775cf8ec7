"""招商指导目录: the investment-promotion guidance catalogue of a region, as plain data.

One :class:`ChainCatalog` per chain, with the sections the city keeps per chain:

1. **概况** (:class:`ChainOverview`): cluster(s) with their tier and target
   scale, the chain's own target scale where the sources give one, completeness
   (产业链完整度) and status counts from :mod:`queries.gaps`, as_of;
2. **产业链图谱**: the chain map; drawn by the renderers (``viz/catalog``) with
   the chain-map functions of ``viz``; the content layer holds no picture;
3. **短板长板** (:class:`ShortboardLine`): from :mod:`queries.shortboard`;
4. **招商方向** (:class:`DirectionLine`): per segment 补链 (缺链), 强链
   (弱链) or 延链 (缺链 downstream of where the local chain stops), see
   :func:`queries.targets.segment_directions`; key technologies the region
   lacks (its choke points) follow;
5. **目标企业** (:class:`TargetRow`): from :mod:`queries.targets`, with the
   columns :data:`TARGET_COLUMNS` exactly;
6. **卡脖子技术** (:class:`ChokeLine`): every technology of the chain scored by
   ``queries.chokepoints`` from the region (those reaching the threshold are
   choke points and targets are sought for them);
7. **数据来源与说明**: sources (with licence and attribution) and caveats.

:func:`region_catalog` gathers the chains of a region (all, a cluster's, or
some) into a :class:`Catalog` with a summary table. Everything is plain data
(``dataclasses.asdict``); the renderers in ``viz/catalog`` turn it into Excel,
Word, HTML and Markdown.

>>> from queries._fixture import fixture_store
>>> catalog = region_catalog(fixture_store(), chains=["示例链"])
>>> chain = catalog.chains[0]
>>> chain.overview.clusters[0]["name"], chain.overview.completeness
('示例装备', 0.5)
>>> [(d.name, d.status, d.direction) for d in chain.directions][-2:]
[('服务', '缺链', '延链'), ('示例控制技术', '卡脖子', '补链')]
>>> [(c.name, c.score, c.choke) for c in chain.chokepoints]
[('示例控制技术', 50.0, True)]
>>> row = chain.targets[0]
>>> [row.cells()[c] for c in ("产业链", "环节", "招商方向", "目标企业", "所在地")]
['示例链', '部件（示例控制技术）', '补链', '丙示例部件有限公司', '江苏省苏州市']
>>> row.cells()["推荐理由"].splitlines()[0]
'【以商招商 +30】已向常州市企业供货：乙示例整机有限公司〔重点企业〕（部件）'

The data (and the JSON) keep the schema's names; :meth:`~TargetRow.cells` and the other rows' cells,
which the documents show, word them for readers (:mod:`queries.wording`):

>>> chain.shortboard[1].reasons[0]
'环节状态为缺链：本地企业 0 家 ≤ 缺链阈值 0 家（missing_max_local）'
>>> chain.shortboard[1].cells()["理由"].splitlines()[0]
'环节状态为缺链：本地企业 0 家 ≤ 缺链阈值 0 家'
>>> row.evidence[-1], row.cells()["证据来源"].splitlines()[-1]
('丙示例部件有限公司 —LOCATED_IN→ 苏州市〔synthetic，2026-01-01〕', '丙示例部件有限公司 —位于→ 苏州市〔synthetic，2026-01-01〕')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.store import GraphStore
from queries.gaps import DEFAULT_REGION, STATUSES, ChainGapReport, GapThresholds, chain_gaps, resolve_region
from queries.shared import SharedWork, shared_for
from queries.workers import per_chain
from queries.shortboard import ShortboardTable, shortboard_table
from queries.targets import CHOKE_SCORE, GAP_CAVEAT_PREFIX, SIGNALS, Target, TargetList, TargetWeights, chain_targets
from queries.wording import all_for_readers, display_name, for_readers

__all__ = [
    "TARGET_COLUMNS",
    "SUMMARY_COLUMNS",
    "SHORTBOARD_COLUMNS",
    "DIRECTION_COLUMNS",
    "CHOKE_COLUMNS",
    "SOURCE_COLUMNS",
    "DEFAULT_TOP",
    "ChainOverview",
    "ShortboardLine",
    "DirectionLine",
    "TargetRow",
    "ChokeLine",
    "ChainCatalog",
    "Catalog",
    "chain_catalog",
    "region_catalog",
    "evidence_line",
]

#: the columns of the target list, in order (the issue fixes them)
TARGET_COLUMNS = ("产业链", "环节", "招商方向", "目标企业", "所在地", "资质标签", "推荐理由", "证据来源", "数据截至")
#: the summary table of a catalogue
SUMMARY_COLUMNS = ("集群", "产业链", "环节数", "产业链完整度", "缺链", "弱链", "强链", "短板", "长板", "目标企业数",
                   "数据截至")
SHORTBOARD_COLUMNS = ("环节", "位置", "状态", "短板/长板", "关键技术", "本地企业", "外地可招引", "理由")
DIRECTION_COLUMNS = ("环节/技术", "类型", "现状", "招商方向", "依据", "目标企业数", "首选目标")
CHOKE_COLUMNS = ("技术", "得分", "卡脖子", "依据", "标记")
SOURCE_COLUMNS = ("来源", "标题", "类型", "许可", "署名", "引用事实数")
#: targets listed per chain unless asked otherwise
DEFAULT_TOP = 30
#: how many target names a direction line shows
DIRECTION_EXAMPLES = 3
POSITIONS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}


@dataclass
class ChainOverview:
    """概况: what the chain is, what it must reach, how complete it is locally."""

    chain: str
    chain_name: str
    region: str
    region_name: str
    clusters: list[dict[str, Any]]
    target_scale_yi: float | None
    target_year: int | None
    target_source: str | None
    advantage_chain: bool | None
    mechanism: str | None
    segment_count: int
    covered: int
    completeness: float | None
    status_counts: dict[str, int]
    local_enterprises: int
    key_enterprises: list[str]
    chain_leaders: list[str]
    as_of: str | None


@dataclass
class ShortboardLine:
    """One row of the 短板长板 table."""

    segment: str
    name: str
    position: str
    status: str
    mark: str
    technologies: list[str]
    local: list[str]
    outside: list[str]
    reasons: list[str]

    def cells(self) -> dict[str, str]:
        """The row under :data:`SHORTBOARD_COLUMNS`, worded for readers (:func:`queries.wording.for_readers`)."""
        return {"环节": self.name, "位置": POSITIONS.get(self.position, self.position), "状态": self.status,
                "短板/长板": self.mark, "关键技术": "、".join(self.technologies), "本地企业": "、".join(self.local),
                "外地可招引": "、".join(self.outside), "理由": "\n".join(for_readers(r) for r in self.reasons)}


@dataclass
class DirectionLine:
    """招商方向 of one segment or technology."""

    key: str
    name: str
    label: str  # Segment or Technology
    status: str
    direction: str  # one of queries.targets.DIRECTIONS
    why: str
    targets: int
    examples: list[str]

    def cells(self) -> dict[str, Any]:
        """The row under :data:`DIRECTION_COLUMNS`, worded for readers."""
        return {"环节/技术": self.name, "类型": "环节" if self.label == "Segment" else "技术", "现状": self.status,
                "招商方向": self.direction, "依据": for_readers(self.why), "目标企业数": self.targets,
                "首选目标": "、".join(self.examples)}


def evidence_line(e) -> str:
    """One evidence fact with its source, as_of and whether it is verified.

    >>> from queries.targets import Evidence
    >>> evidence_line(Evidence("甲 —LOCATED_IN→ 苏州市", "Enterprise", "e", "甲", "curated-public-knowledge",
    ...                        "2026-11-22", False))
    '甲 —LOCATED_IN→ 苏州市〔curated-public-knowledge，2026-11-22，未核实〕'
    """
    flag = "" if e.verified else "，未核实"
    return f"{e.fact}〔{e.source}，{e.as_of}{flag}〕"


@dataclass
class TargetRow:
    """One target of the list: the nine columns, plus rank, key and score for JSON and sorting."""

    rank: int
    key: str
    score: int
    signals: dict[str, int]
    chain_name: str
    segments: str
    directions: str
    name: str
    place: str
    labels: str
    reasons: list[str]
    evidence: list[str]
    as_of: str | None
    caveats: list[str]

    def cells(self) -> dict[str, str]:
        """The row under :data:`TARGET_COLUMNS`, worded for readers; multi-line cells use newlines."""
        return {"产业链": self.chain_name, "环节": self.segments, "招商方向": self.directions, "目标企业": self.name,
                "所在地": self.place, "资质标签": self.labels, "推荐理由": "\n".join(map(for_readers, self.reasons)),
                "证据来源": "\n".join(all_for_readers(self.evidence)), "数据截至": self.as_of or ""}


@dataclass
class ChokeLine:
    """A technology of the chain scored by ``queries.chokepoints`` from the region's perspective."""

    key: str
    name: str
    score: float
    choke: bool
    reasons: list[str]
    flags: list[str]

    def cells(self) -> dict[str, Any]:
        """The row under :data:`CHOKE_COLUMNS`, worded for readers."""
        return {"技术": self.name, "得分": self.score, "卡脖子": "是" if self.choke else "否",
                "依据": "\n".join(map(for_readers, self.reasons)),
                "标记": "、".join(display_name(f) or f for f in self.flags)}


@dataclass
class ChainCatalog:
    """The catalogue sections of one chain."""

    overview: ChainOverview
    shortboard: list[ShortboardLine]
    shortboard_counts: dict[str, int]
    directions: list[DirectionLine]
    targets: list[TargetRow]
    candidates: int
    chokepoints: list[ChokeLine] | None
    technology_method: str
    sources: list[dict[str, Any]]
    caveats: list[str]
    as_of: str | None
    synthetic_included: bool = False
    #: the gap analysis the sections rest on (the maps reuse it); not a dataclass field, so the data leaves it out
    gap_report = None
    #: the 短板长板 table the shortboard lines come from (the dossier reuses it); likewise not a field
    shortboard_table = None

    @property
    def chain(self) -> str:
        return self.overview.chain

    @property
    def chain_name(self) -> str:
        return self.overview.chain_name

    def summary(self) -> dict[str, Any]:
        """The chain's row of the catalogue summary (:data:`SUMMARY_COLUMNS`)."""
        o = self.overview
        return {"集群": "、".join(c["name"] for c in o.clusters), "产业链": o.chain_name, "环节数": o.segment_count,
                "产业链完整度": pct(o.completeness), "缺链": o.status_counts.get("缺链", 0),
                "弱链": o.status_counts.get("弱链", 0), "强链": o.status_counts.get("强链", 0),
                "短板": self.shortboard_counts.get("短板", 0), "长板": self.shortboard_counts.get("长板", 0),
                "目标企业数": len(self.targets), "数据截至": self.as_of or ""}


@dataclass
class Catalog:
    """招商指导目录 of a region: a summary and the sections of each chain."""

    title: str
    region: str
    region_name: str
    scope: str
    chains: list[ChainCatalog]
    as_of: str | None
    graph_as_of: str
    graph_digest: str
    synthetic_included: bool
    top: int | None
    weights: TargetWeights
    thresholds: GapThresholds
    choke_score: float
    sources: list[dict[str, Any]]
    caveats: list[str] = field(default_factory=list)
    #: the work shared by its chains (choke-point figures, the region's enterprises), for the maps drawn
    #: next; not a dataclass field, so the data leaves it out
    shared = None

    def summary_rows(self) -> list[dict[str, Any]]:
        return [c.summary() for c in self.chains]

    def source_rows(self) -> list[dict[str, Any]]:
        """The sources under :data:`SOURCE_COLUMNS`."""
        return [{"来源": s.get("id"), "标题": s.get("title"), "类型": s.get("kind"), "许可": s.get("licence"),
                 "署名": s.get("attribution"), "引用事实数": s.get("facts")} for s in self.sources]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return asdict(self)


def pct(value: float | None) -> str:
    """A share as a whole percentage, '' when unknown: 0.5 → '50%'."""
    return "" if value is None else f"{value * 100:.0f}%"


def _value(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    try:
        import pandas as pd

        if v is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    return v.item() if hasattr(v, "item") else v


def _overview(store: GraphStore, report: ChainGapReport) -> ChainOverview:
    chains = store.nodes("Chain", ["id", "target_scale_yi", "target_year", "advantage_chain", "mechanism", "source"])
    row = {k: _value(v) for k, v in chains[chains["id"] == report.chain].iloc[0].to_dict().items()}
    clusters = store.nodes("Cluster", ["id", "name", "tier", "target_scale_yi", "target_year", "source", "as_of"])
    keys = [c["key"] for c in report.clusters]
    mine = clusters[clusters["id"].isin(keys)].sort_values("id")
    cluster_rows = [{k: _value(v) for k, v in r.items()} for r in mine.to_dict("records")]
    scale = row.get("target_scale_yi")
    return ChainOverview(
        chain=report.chain, chain_name=report.chain_name, region=report.region, region_name=report.region_name,
        clusters=[{"key": c["id"], **{k: c[k] for k in ("name", "tier", "target_scale_yi", "target_year", "source",
                                                          "as_of")}} for c in cluster_rows],
        target_scale_yi=scale, target_year=row.get("target_year"),
        target_source=row.get("source") if scale is not None else None,
        advantage_chain=row.get("advantage_chain"), mechanism=row.get("mechanism"),
        segment_count=report.segment_count, covered=report.covered, completeness=report.completeness,
        status_counts={s: report.status_counts.get(s, 0) for s in STATUSES},
        local_enterprises=report.local_enterprises,
        key_enterprises=_unique(n for seg in report.segments for n in seg.key_enterprises),
        chain_leaders=_unique(n for seg in report.segments for n in seg.chain_leaders), as_of=report.as_of)


def _unique(names) -> list[str]:
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


def _shortboard_lines(table: ShortboardTable) -> list[ShortboardLine]:
    lines = []
    for r in table.rows:
        techs = [f"{t.name}（{t.dependence}）" for t in r.technologies]
        lines.append(ShortboardLine(segment=r.segment, name=r.segment_name, position=r.position, status=r.status,
                                    mark=r.mark, technologies=techs, local=list(r.local_capable),
                                    outside=list(r.outside_examples), reasons=list(r.mark_reasons)))
    return lines


def _segment_cell(target: Target, result: TargetList) -> str:
    """Segment names, with the matched technologies of each in brackets."""
    names = {}
    techs: dict[str, list[str]] = {}
    for need in result.needs:
        for key, name in zip(need.segments, need.segment_names):
            names[key] = name
        if need.label == "Technology" and need.key in target.needs:
            for key in need.segments:
                techs.setdefault(key, []).append(need.name)
    parts = []
    for key in target.segments:
        extra = techs.get(key)
        parts.append(names.get(key, key) + (f"（{'、'.join(extra)}）" if extra else ""))
    return "、".join(parts)


def _labels(target: Target) -> str:
    out = []
    for d in target.designations:
        if d == "上市" and target.stock_code:
            out.append(f"上市（{(target.exchange + ' ') if target.exchange else ''}{target.stock_code}）")
        else:
            out.append(d)
    return "、".join(out)


def _target_rows(result: TargetList) -> list[TargetRow]:
    rows = []
    for t in result.targets:
        reasons = [f"【{r.signal} +{r.points}】{r.text}" for r in t.reasons]
        reasons.append(f"综合得分 {t.score}（" + "，".join(f"{s} {t.signals[s]}" for s in SIGNALS) + "）")
        evidence = []
        for e in t.evidence:
            line = evidence_line(e)
            if line not in evidence:
                evidence.append(line)
        rows.append(TargetRow(rank=t.rank, key=t.key, score=t.score, signals=dict(t.signals),
                              chain_name=result.chain_name, segments=_segment_cell(t, result),
                              directions="、".join(t.directions), name=t.name, place=t.place, labels=_labels(t),
                              reasons=reasons, evidence=evidence, as_of=t.as_of, caveats=list(t.caveats)))
    return rows


def _directions(result: TargetList) -> list[DirectionLine]:
    lines = []
    for need in result.needs:
        matched = [t for t in result.targets if need.key in t.needs]
        lines.append(DirectionLine(key=need.key, name=need.name, label=need.label, status=need.status,
                                   direction=need.direction, why=need.why, targets=len(matched),
                                   examples=[t.name for t in matched[:DIRECTION_EXAMPLES]]))
    return lines


def _merge_sources(*groups: list[dict[str, Any]], titles: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for group in groups:
        for s in group:
            entry = merged.setdefault(s["id"], {"id": s["id"], "facts": 0,
                                                **{k: titles.get(s["id"], {}).get(k) for k in
                                                   ("title", "kind", "licence", "attribution")}})
            entry["facts"] += int(s.get("facts") or 0)
    return [merged[k] for k in sorted(merged)]


def _source_table(store: GraphStore) -> dict[str, dict[str, Any]]:
    sources = store.nodes("Source", ["id", "title", "kind", "licence", "attribution"])
    return {str(r["id"]): {k: _value(v) for k, v in r.items()} for r in sources.to_dict("records")}


def _choke_lines(result: TargetList) -> list[ChokeLine] | None:
    if result.chokepoints is None:
        return None
    return [ChokeLine(str(c["key"]), str(c["name"]), float(c["score"]), bool(c["choke"]), list(c["reasons"]),
                      list(c["flags"])) for c in result.chokepoints]


def chain_catalog(store: GraphStore, *, chain: str, region: str = DEFAULT_REGION, top: int | None = DEFAULT_TOP,
                  include_synthetic: bool | None = None, thresholds: GapThresholds | None = None,
                  weights: TargetWeights | None = None, report: ChainGapReport | None = None,
                  choke_score: float | None = None, _sources: dict[str, dict[str, Any]] | None = None,
                  shared: SharedWork | None = None) -> ChainCatalog:
    """The catalogue sections of one chain in ``region`` (the ``top`` targets; all when None).

    ``shared`` (:class:`queries.shared.SharedWork`): work the region's chains have in common, kept for the next.
    """
    if report is None:
        report = chain_gaps(store, chain=chain, region=region, thresholds=thresholds,
                            include_synthetic=include_synthetic,
                            reader=None if shared is None else shared.for_store(store).reader())
    table = shortboard_table(store, chain=report.chain, report=report)
    result = chain_targets(store, chain=report.chain, report=report, top=top, weights=weights, choke_score=choke_score,
                           shared=shared)
    titles = _sources if _sources is not None else _source_table(store)
    caveats: list[str] = []
    for c in [*report.caveats, *table.caveats, *result.caveats]:
        if c not in caveats and not c.startswith(GAP_CAVEAT_PREFIX):
            caveats.append(c)
    if top is not None and result.candidates > len(result.targets):
        caveats.append(f"目标企业只列前 {len(result.targets)} 家（共 {result.candidates} 家候选）")
    as_of = max([d for d in (report.as_of, result.as_of) if d], default=None)
    part = ChainCatalog(
        overview=_overview(store, report), shortboard=_shortboard_lines(table), shortboard_counts=dict(table.counts),
        directions=_directions(result), targets=_target_rows(result), candidates=result.candidates,
        chokepoints=_choke_lines(result), technology_method=result.technology_method,
        sources=_merge_sources(report.sources, result.sources, titles=titles), caveats=caveats, as_of=as_of,
        synthetic_included=report.synthetic_included)
    part.gap_report = report
    part.shortboard_table = table
    return part


@dataclass(frozen=True)
class _ChainOptions:
    region: str
    top: int | None
    include_synthetic: bool | None
    thresholds: GapThresholds | None
    weights: TargetWeights | None
    choke_score: float | None
    titles: dict[str, dict[str, Any]]


def _chain_part(store: GraphStore, shared: SharedWork, task: tuple[str, _ChainOptions]) -> ChainCatalog:
    """One chain's sections (run by :func:`queries.workers.per_chain`, perhaps in another process)."""
    key, o = task
    report = chain_gaps(store, chain=key, region=o.region, thresholds=o.thresholds, include_synthetic=o.include_synthetic,
                        reader=shared.reader())
    return chain_catalog(store, chain=key, report=report, top=o.top, weights=o.weights, choke_score=o.choke_score,
                         _sources=o.titles, shared=shared)


def region_catalog(store: GraphStore, *, region: str = DEFAULT_REGION, chains: list[str] | None = None,
                   cluster: str | None = None, top: int | None = DEFAULT_TOP, include_synthetic: bool | None = None,
                   thresholds: GapThresholds | None = None, weights: TargetWeights | None = None,
                   choke_score: float | None = None, progress: Callable[[str], None] | None = None,
                   shared: SharedWork | None = None, workers=1) -> Catalog:
    """The 招商指导目录 of ``region``: the chains named (names, short names or keys), a cluster's, or all.

    Chains are ordered by key; ``progress`` (if given) is called with a line per chain. What the chains
    have in common (the region's choke-point figures and enterprises, table counts) is computed once, in
    ``shared`` (a new :class:`queries.shared.SharedWork` when None), and kept on the catalogue for its maps.
    ``workers`` (a :class:`queries.workers.WorkerPool`, or a number of processes) computes the chains on
    worker processes (:func:`queries.workers.per_chain`; the same catalogue, sooner on several cores).
    """
    code, region_name = resolve_region(store, region)
    if chains:
        keys = sorted({store.resolve("Chain", c).key for c in chains})
        names = [store.resolve("Chain", k).name for k in keys]
        scope = "、".join(names)
    elif cluster:
        match = store.resolve("Cluster", cluster)
        in_cluster = store.edges("IN_CLUSTER", ["from", "to"])
        keys = sorted(set(in_cluster.loc[in_cluster["to"] == match.key, "from"].astype(str)))
        scope = f"{match.name}集群"
    else:
        keys = sorted(store.nodes("Chain", ["id"])["id"].astype(str))
        scope = "全部产业链"
    titles = _source_table(store)
    shared = shared_for(store, shared)
    options = _ChainOptions(code, top, include_synthetic, thresholds, weights, choke_score, titles)
    parts = per_chain(store, _chain_part, [(key, options) for key in keys], workers=workers, shared=shared,
                      progress=None if progress is None else (lambda line: progress(f"catalogue: chain {line}")))
    info = store.info()
    sources = _merge_sources(*[c.sources for c in parts], titles=titles)
    synthetic = any(c.synthetic_included for c in parts)
    caveats = [
        "本目录由 chainkg 从图中数据自动生成：环节状态来自补链分析，目标企业按文中说明的评分排序，"
        "均为招商线索，需核实后使用",
        "“本地”指" + region_name + "及其下辖区县；目标企业均位于" + region_name + "以外",
        "数据截至：每条事实有自己的日期（as_of），表中“数据截至”为该行所用事实的最新日期",
    ]
    if any(not s.get("kind") or s.get("kind") == "curated-public-knowledge" for s in sources):
        caveats.append("来源标为公开知识整理（curated-public-knowledge）的事实未与文件核对（verified=false）")
    for s in sources:
        if s.get("attribution"):
            caveats.append(f"来源 {s['id']} 要求署名：{s['attribution']}")
    if synthetic:
        caveats.append("目录包含合成（synthetic）数据，不是真实情况")
    if not parts:
        caveats.append("没有产业链")
    catalog = Catalog(
        title=f"{region_name}招商指导目录", region=code, region_name=region_name, scope=scope, chains=parts,
        as_of=max((c.as_of for c in parts if c.as_of), default=None), graph_as_of=info.as_of,
        graph_digest=info.digest, synthetic_included=synthetic, top=top, weights=weights or TargetWeights(),
        thresholds=thresholds or GapThresholds(), choke_score=CHOKE_SCORE if choke_score is None else float(choke_score),
        sources=sources, caveats=caveats)
    catalog.shared = shared
    return catalog

