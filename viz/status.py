"""Segment statuses and choke flags for the maps, from the analyses in ``queries/``.

The maps colour each segment by its gap status (缺链 / 弱链 / 强链) and mark the
technologies that are choke points (卡脖子). Those judgements belong to the gap
analysis (``queries.gaps``) and the choke-point analysis
(``queries.chokepoints``); this module is the one place that talks to them and
turns their records into the small, fixed shapes the map needs:

* :class:`SegmentStatus` per segment: status, local enterprise count, reasons
  and the figures behind them (LQ, national count, …);
* :class:`ChokeFlag` per technology: its choke-point score (0–100) and
  reasons, and whether the score reaches :data:`CHOKE_SCORE` (marked ▲).

When the gap analysis is not installed, :func:`segment_statuses` falls back to
the one judgement that needs no thresholds: a segment without any local
enterprise is 缺链; every other segment is 未评估 (not assessed). The returned
:class:`StatusInfo` says which path was taken, so the page can say it too.

>>> from queries._fixture import fixture_store
>>> statuses, info = segment_statuses(fixture_store(), chains=["ch-demo"], region="320400")
>>> info.method in {"queries.gaps", "fallback"}
True
>>> statuses["s-svc"].status, statuses["s-svc"].local_count
('缺链', 0)
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from graph.store import GraphStore

__all__ = [
    "STATUSES",
    "CHOKE_SCORE",
    "SegmentStatus",
    "ChokeFlag",
    "StatusInfo",
    "segment_statuses",
    "choke_flags",
    "local_enterprise_counts",
]

#: the statuses a segment can have on a map, in legend order
STATUSES = ("缺链", "弱链", "强链", "未评估")
#: a technology whose choke-point score (0–100, queries.chokepoints) reaches this is marked ▲ on the map
CHOKE_SCORE = 30.0


@dataclass(frozen=True)
class SegmentStatus:
    """What the map shows of one segment's gap analysis."""

    status: str
    local_count: int
    reasons: tuple[str, ...] = ()
    #: further figures for the tooltip, label → value (e.g. {"区位熵 LQ": 1.3})
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChokeFlag:
    """What the map shows of one technology's choke-point analysis."""

    choke: bool
    score: float | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusInfo:
    """Where the statuses and choke flags came from, for the page's caveats."""

    method: str  # "queries.gaps" or "fallback"
    caveats: tuple[str, ...] = ()
    thresholds: Mapping[str, Any] = field(default_factory=dict)


def _optional(module: str):
    """The analysis module, or None when it is not part of this installation."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        return None


def local_enterprise_counts(store: GraphStore, segments: Iterable[str], local: set[str],
                            *, allowed_sources: set[str] | None = None) -> dict[str, int]:
    """Distinct enterprises located in ``local`` regions that operate in each segment."""
    segments = list(segments)
    located = store.edges("LOCATED_IN", ["from", "to", "source"])
    if allowed_sources is not None:
        located = located[located["source"].isin(allowed_sources)]
    local_ids = set(located.loc[located["to"].isin(local), "from"])
    operates = store.edges("OPERATES_IN", ["from", "to", "source"])
    if allowed_sources is not None:
        operates = operates[operates["source"].isin(allowed_sources)]
    mine = operates[operates["to"].isin(segments) & operates["from"].isin(local_ids)]
    counts = mine.drop_duplicates(["from", "to"]).groupby("to").size()
    return {s: int(counts.get(s, 0)) for s in segments}


def segment_statuses(store: GraphStore, *, chains: Iterable[str], region: str,
                     allowed_sources: set[str] | None = None,
                     include_synthetic: bool | None = None) -> tuple[dict[str, SegmentStatus], StatusInfo]:
    """Each segment's status for the map, keyed by segment key, and where it came from.

    ``chains`` are chain keys, ``region`` a region code. With ``queries.gaps``
    installed its per-segment status, reasons and figures are used; otherwise
    the fallback described in the module docstring.
    """
    chains = list(chains)
    gaps = _optional("queries.gaps")  # built in parallel; until it lands, the fallback below
    if gaps is not None:
        return _from_gaps(gaps, store, chains, region, include_synthetic)
    segment_of = store.edges("SEGMENT_OF", ["from", "to"])
    segments = sorted(set(segment_of.loc[segment_of["to"].isin(chains), "from"]))
    local = store.region_subtree(region)
    counts = local_enterprise_counts(store, segments, local, allowed_sources=allowed_sources)
    out = {}
    for seg in segments:
        n = counts[seg]
        if n == 0:
            out[seg] = SegmentStatus("缺链", 0, ("本地没有在该环节经营的企业 (本地企业数 = 0)",))
        else:
            out[seg] = SegmentStatus("未评估", n, (f"本地企业 {n} 家；强弱需补链分析 (chainkg gaps) 判定",))
    info = StatusInfo(
        "fallback",
        ("补链分析模块 (queries.gaps) 未安装：仅把没有本地企业的环节标为缺链，其余环节标为未评估。",),
    )
    return out, info


def _from_gaps(gaps, store: GraphStore, chains: list[str], region: str, include_synthetic: bool | None):
    """Statuses from ``queries.gaps.chain_gaps`` (one report per chain; a shared segment keeps its first)."""
    out: dict[str, SegmentStatus] = {}
    thresholds: dict[str, Any] = {}
    caveats: list[str] = []
    for chain in chains:
        report = gaps.chain_gaps(store, chain=chain, region=region, include_synthetic=include_synthetic)
        thresholds = asdict(report.thresholds) if is_dataclass(report.thresholds) else dict(report.thresholds or {})
        caveats += [c for c in report.caveats if c not in caveats]
        for seg in report.segments:
            if seg.key in out:
                continue
            figures: dict[str, Any] = {"全国企业数": seg.national_count}
            if seg.lq_count.value is not None:
                figures["区位熵 LQ（按企业数）"] = seg.lq_count.value
            if seg.lq_size.value is not None:
                figures["区位熵 LQ（按规模）"] = seg.lq_size.value
            if seg.supply.ratio is not None:
                figures["本地配套率"] = f"{seg.supply.ratio:.0%}"
            if seg.broken_link:
                figures["断链"] = "是：上下游都有本地企业，本环节没有"
            out[seg.key] = SegmentStatus(seg.status, int(seg.local_count), tuple(seg.reasons), figures)
    return out, StatusInfo("queries.gaps", tuple(caveats), thresholds)


def choke_flags(store: GraphStore, *, technologies: Iterable[str], region: str, chains: Iterable[str] = (),
                threshold: float = CHOKE_SCORE) -> tuple[dict[str, ChokeFlag], tuple[str, ...]]:
    """Each technology's choke-point score from ``region``'s perspective, and the analysis' caveats.

    The choke-point analysis (:func:`queries.chokepoints.chokepoints`) runs once
    per chain, so that dependency breadth is measured within the chain; in a
    cluster map a technology key to several chains keeps its highest score. A
    technology is marked as a choke point when its score reaches ``threshold``.
    """
    from queries.chokepoints import chokepoints

    technologies = set(technologies)
    flags: dict[str, ChokeFlag] = {}
    caveats: list[str] = []
    if not technologies:
        return flags, ()
    for chain in chains:
        result = chokepoints(store, perspective=region, chain=chain)
        caveats += [c for c in result.caveats if c not in caveats]
        for record in result.results:
            if record.key not in technologies:
                continue
            old = flags.get(record.key)
            if old is None or (record.score or 0) > (old.score or 0):
                flags[record.key] = ChokeFlag((record.score or 0) >= threshold, record.score, tuple(record.reasons))
    return flags, tuple(caveats)
